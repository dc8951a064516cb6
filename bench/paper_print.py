"""Printed questionnaires: how long one print run's PDF takes and how much memory, old and new.

    .venv/bin/python bench/paper_print.py --forms 1 100 500 --old-up-to 100

Goal (issue 5): any run (1 to MAX_FORMS forms) downloads as one PDF, quickly and in bounded
memory. The survey is the demo's "Leaving hospital" (lh-leaving-hospital: 13 pages a form,
26 in large print), with a journey code and QR code on every form.

Each measurement is a process of its own, so that one's peak memory is not in another's:
1. a scratch SQLite database in a temp dir (tables, the demo area), and a print run of N
   forms numbered by ``paper_print.print_run``, as the print page does;
2. the baseline: WeasyPrint laying out a fixed one-page table (``pdf_render.BASELINE_HTML``,
   as the report bench does), so figures compare across machines and loads;
3. the PDF as the download view makes it (``run_pdf`` in a request context): wall clock, CPU
   time, and peak RSS of the process (getrusage) against its RSS just before;
4. a check of what came out: the page count, and the form number of the first and last page.
"new" is app/paper_pdf.py as it is; "old" is app/paper_pdf.py and the template at git
``--old-ref`` (default d90c1f5, the commit that brought printing: WeasyPrint laid out each
form's cover and drew every page of every form into one tagged PDF), loaded from git into a
temp dir. Old runs above ``--old-up-to`` forms
are skipped: they take minutes.
Output: text, and one JSON line per measurement with ``--json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SURVEY = "lh-leaving-hospital"
OLD_FILES = {  # where each goes in the temp dir
    "app/paper_pdf.py": "old_paper_pdf.py",
    "app/templates/paper/print_form.jinja": "old_print_form.jinja",
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_old(ref: str, folder: Path, app):
    """app/paper_pdf.py at ``ref``, with its own template, as a module of its own."""
    import jinja2

    for path, name in OLD_FILES.items():
        text = subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        (folder / name).write_bytes(text)
    spec = importlib.util.spec_from_file_location("old_paper_pdf", folder / "old_paper_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    module.TEMPLATE = "old_print_form.jinja"
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(folder)), app.jinja_env.loader]
    )
    return module


def measure(design: str, forms: int, large_print: bool, old_ref: str) -> dict:
    """One measurement, in this process (see the module's docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="paper-print-"))
    import weasyprint
    from pdf_render import BASELINE_HTML

    from app import create_app
    from app.cli import DEMO_AREA
    from app.data import paper_print
    from app.data.area import get_survey, load_area, read_area_file
    from app.data.audit import SYSTEM
    from app.extensions import db

    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SERVER_NAME": "localhost",
            "LOCAL_INSTRUMENTS_DIR": str(folder / "instruments"),
        },
    )
    if design == "old":
        module = load_old(old_ref, folder, app)
    else:
        from app import paper_pdf as module
    with app.app_context(), app.test_request_context():
        from flask import url_for

        db.create_all()
        load_area(read_area_file(DEMO_AREA))
        run = paper_print.print_run(
            SYSTEM,
            get_survey(SURVEY),
            forms,
            large_print=large_print,
            journey_codes=True,
            return_text="Give this form back to the volunteer.",
        )
        run_id = run.id
        db.session.expire_all()
        run = paper_print.get_run(run_id)

        def link_for(code):
            return url_for("survey.start", slug=SURVEY, code=code, _external=True)

        started = time.perf_counter()
        weasyprint.HTML(string=BASELINE_HTML).write_pdf()
        baseline_s = time.perf_counter() - started
        before_rss, before_peak = rss_mb(), peak_mb()
        cpu = time.process_time()
        started = time.perf_counter()
        pdf = module.run_pdf(run, link_for)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = peak_mb()
        first_number, last_number = run.first_form_number, run.last_form_number
    return {
        "design": design,
        "forms": forms,
        "large_print": large_print,
        **check(pdf, first_number, last_number, folder),
        "mb": round(len(pdf) / 1e6, 2),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "baseline_s": round(baseline_s, 3),
        "x_baseline": round(wall / baseline_s, 1),
        "rss_before_mb": round(before_rss),
        "peak_mb": round(peak),
        "peak_before_mb": round(before_peak),
        "growth_mb": round(peak - before_rss),
        "load_1min": os.getloadavg()[0],
    }


def check(pdf: bytes, first: str, last: str, folder: Path) -> dict:
    """Pages, and whether the first and last pages show the run's first and last numbers
    (poppler's pdftotext: pypdf refuses the old design's 500-form file, a decompression limit)."""
    import pikepdf

    path = folder / "forms.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as opened:
        pages = len(opened.pages)

    def text(page: int) -> str:
        command = ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    shown = f"Form number {first}" in text(1) and f"Form number {last}" in text(pages)
    return {"pages": pages, "numbers_shown": shown}


def machine() -> dict:
    from importlib.metadata import version

    from bench.server import cpu_model

    cpu = cpu_model()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "pikepdf": version("pikepdf"),
        "segno": version("segno"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, nargs="+", default=[1, 100, 500])
    parser.add_argument("--print", dest="sizes", nargs="+", default=["standard", "large"])
    parser.add_argument("--designs", nargs="+", default=["new", "old"])
    parser.add_argument("--old-up-to", type=int, default=100)
    parser.add_argument("--old-ref", default="d90c1f5")
    parser.add_argument("--json", type=Path, help="append each measurement as one JSON line")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # design forms size
    args = parser.parse_args()
    if args.one:
        design, forms, size = args.one
        print(json.dumps(measure(design, int(forms), size == "large", args.old_ref)))
        return
    print(json.dumps(machine()))
    for forms in args.forms:
        for size in args.sizes:
            for design in args.designs:
                if design == "old" and forms > args.old_up_to:
                    continue
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--old-ref",
                        args.old_ref,
                        "--one",
                        design,
                        str(forms),
                        size,
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    print(f"{design} {forms} {size}: failed\n{done.stderr[-3000:]}")
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                print(
                    f"{design:3} {forms:4} forms {size:8} {result['pages']:6} pages "
                    f"{result['mb']:6.2f} MB  {result['wall_s']:7.2f} s wall "
                    f"{result['cpu_s']:7.2f} s CPU  x{result['x_baseline']:<7} "
                    f"peak {result['peak_mb']} MB (+{result['growth_mb']})  "
                    f"load {result['load_1min']:.1f}"
                    + ("" if result["numbers_shown"] else "  FIRST OR LAST NUMBER MISSING"),
                    flush=True,
                )
                if args.json:
                    with args.json.open("a") as out:
                        out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
