"""The commissioner PDF report: how long it takes and how much memory, at several sizes.

    .venv/bin/python bench/pdf_render.py --responses 600 3000 20000 --repeat 5

Goal (issue 4): the PDF render takes <= 5 s with a warm kaleido server, does not grow with
the number of responses, and peaks at <= 1 GB.

Per size, two processes, so that one's memory is not counted in the other's peak:
1. load: a scratch SQLite database in a temp dir, migrated, the demo area, and
   ``generator.generate(N, seed)`` (the demo responses).
2. time: the app on that database. Cold start first: the browser's start (Chromium and its
   tabs loading plotly.js) and the first PDF. Then ``--repeat`` rounds, each timing:
   - report: ``build_report(report_input(f))``, the aggregation (not part of the PDF goal);
   - svg: the report's figures drawn by kaleido, SVG cache emptied first;
   - html_pdf: template and WeasyPrint, with those SVGs now in the cache;
   - pdf: ``report_pdf`` as the app calls it, SVG cache emptied first (Chromium draws while
     WeasyPrint starts, so pdf < svg + html_pdf): the figure the goal is about;
   - baseline: WeasyPrint laying out a fixed one-page HTML table, the same in every run and
     every version of the report: figures divided by it compare across machines and loads.
   Wall clock (time.perf_counter) and this process's CPU time. Memory: this process's peak
   RSS (getrusage), and Chromium's processes (the browser's children, read from /proc): the
   sum of their peak RSS (VmHWM, counts shared pages once per process, so an upper bound) and
   of their PSS now (shared pages split between processes).
Output: text, and one JSON line per run with ``--json``. Nothing is kept but that line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PATHWAY = "leaving-hospital"
THRESHOLD = 10
BASELINE_HTML = (
    "<!DOCTYPE html><html lang='en-GB'><head><title>Baseline</title><style>"
    "body { font-family: 'DejaVu Sans'; font-size: 10pt } table { border-collapse: collapse }"
    "td, th { border-bottom: 0.5pt solid #ccc; padding: 1mm }</style></head><body>"
    "<h1>Baseline page</h1><table><caption>Twenty rows</caption><thead><tr>"
    + "".join(f"<th scope='col'>Column {c}</th>" for c in range(5))
    + "</tr></thead><tbody>"
    + "".join(
        "<tr>" + "".join(f"<td>{r * c + 0.5:.1f}</td>" for c in range(5)) + "</tr>"
        for r in range(20)
    )
    + "</tbody></table></body></html>"
)


def use_database(folder: Path) -> str:
    """Point the app at the scratch database: before anything imports ``config``."""
    if "config" in sys.modules:
        raise RuntimeError("config was imported before the database was chosen")
    url = f"sqlite:///{folder / 'bench.db'}"
    os.environ["DATABASE_URL"] = url
    os.environ["CAREJOURNEY_INSTANCE"] = str(folder / "instance")
    return url


def make_app(url: str):
    from app import create_app

    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url, "not the scratch database"
    return app


def phase_load(folder: Path, responses: int, seed: int) -> dict:
    url = use_database(folder)
    from flask_migrate import upgrade

    from app.cli import DEMO_AREA
    from app.data.area import load_area, read_area_file
    from app.data.instruments import registry
    from app.demo import generator

    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_area(read_area_file(DEMO_AREA))
        started = time.perf_counter()
        made = generator.generate(responses, seed=seed, instruments=registry())
        return {"made": made, "generate_s": time.perf_counter() - started}


def chromium_memory() -> dict:
    """Chromium's processes (this process's descendants): summed peak RSS and PSS now, MB."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    mine, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        mine.update(children)
        todo += children
    hwm = pss = 0
    for pid in mine:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        hwm += int(status.split("VmHWM:")[1].split()[0])
        pss += int(rollup.split("\nPss:")[1].split()[0])
    return {"processes": len(mine), "peak_rss_sum_mb": hwm / 1024, "pss_now_mb": pss / 1024}


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def one_round(build, report_pdf, baseline) -> tuple[dict, dict]:
    from reports import svg
    from reports.charts import figures

    row: dict = {}
    row["report_s"], _, report = timed(build)
    drawn = list(figures(report, compact=True).values())
    svg.clear_cache()
    row["pdf_s"], row["pdf_cpu_s"], _ = timed(lambda: report_pdf(report, "Benchmark"))
    svg.clear_cache()
    row["svg_s"] = timed(lambda: svg.to_svgs(drawn))[0]
    row["html_pdf_s"], row["html_pdf_cpu_s"], _ = timed(lambda: report_pdf(report, "Benchmark"))
    row["baseline_s"] = statistics.median(timed(baseline)[0] for _ in range(3))
    return row, report


def phase_time(folder: Path, repeat: int) -> dict:
    url = use_database(folder)
    import weasyprint
    from pypdf import PdfReader

    from app.data.report_queries import ReportFilter
    from app.data.reports import report_input
    from reports import svg
    from reports.aggregate import build_report
    from reports.charts import figures
    from reports.pdf import report_pdf

    app = make_app(url)
    out: dict = {"rounds": []}

    def baseline():
        return weasyprint.HTML(string=BASELINE_HTML).write_pdf(pdf_variant="pdf/ua-1")

    with app.app_context():
        f = ReportFilter(PATHWAY)

        def build():
            return build_report(report_input(f, THRESHOLD))

        out["browser_start_s"] = timed(svg.start)[0]
        report = build()
        wall, cpu, pdf = timed(lambda: report_pdf(report, "Benchmark"))
        out["first_pdf_s"] = wall  # first render in the process: caches filled
        out["first_pdf_cpu_s"] = cpu
        baseline()
        for _ in range(repeat):
            row, report = one_round(build, report_pdf, baseline)
            out["rounds"].append(row)
        pdf = report_pdf(report, "Benchmark")
        out["figures"] = len(figures(report, compact=True))
        out["pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
        out["pdf_bytes"] = len(pdf)
        out["statements"] = len(report["statements"])
        out["comments"] = sum(len(g["comments"]) for g in report["comments"])
        out["comments_total"] = sum(g.get("total", len(g["comments"])) for g in report["comments"])
        out["comment_groups"] = len(report["comments"])
        out["report_json_bytes"] = len(json.dumps(report))
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["chromium"] = chromium_memory()
    out["load_average"] = os.getloadavg()
    return out


def machine() -> dict:
    from bench.server import cpu_model

    cpu = cpu_model()
    mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "kaleido": version("kaleido"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_before": os.getloadavg(),
    }


def run_phase(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        sys.exit(f"phase {args[:2]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(responses: int, run: dict) -> str:
    rounds = run["rounds"]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    def span(key: str) -> str:
        values = [r[key] for r in rounds]
        return f"{med(key):.2f} s ({min(values):.2f}-{max(values):.2f})"

    base = med("baseline_s")
    chromium = run["chromium"]
    return "\n".join(
        [
            f"{responses:,} responses: {run['pages']} pages, {run['figures']} charts, "
            f"{run['pdf_bytes'] / 1024:.0f} KB; report has {run['statements']} statement "
            f"rows, {run['comments']} comments shown of {run['comments_total']} in "
            f"{run['comment_groups']} groups",
            f"  pdf (as served)  {span('pdf_s')}  cpu {med('pdf_cpu_s'):.2f} s  "
            f"= {med('pdf_s') / base:.0f} x baseline",
            f"  svg export       {span('svg_s')}",
            f"  html -> pdf      {span('html_pdf_s')}  cpu {med('html_pdf_cpu_s'):.2f} s",
            f"  report build     {span('report_s')}",
            f"  baseline page    {base * 1000:.0f} ms",
            f"  cold: browser start {run['browser_start_s']:.1f} s, first pdf "
            f"{run['first_pdf_s']:.1f} s (cpu {run['first_pdf_cpu_s']:.1f} s)",
            f"  memory: this process peak {run['max_rss_mb']:.0f} MB; Chromium "
            f"{chromium['processes']} processes, PSS {chromium['pss_now_mb']:.0f} MB "
            f"(peak RSS summed {chromium['peak_rss_sum_mb']:.0f} MB)",
            "  load average after: " + ", ".join(f"{x:.1f}" for x in run["load_average"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[600, 3000, 20000])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="append each run as one JSON line")
    parser.add_argument("--phase", choices=("load", "time"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "load":
        print(json.dumps(phase_load(args.dir, args.responses[0], args.seed)))
        return
    if args.phase == "time":
        print(json.dumps(phase_time(args.dir, args.repeat)))
        return

    info = machine()
    print(
        f"{info['date']}, commit {info['commit']}: {info['cores']} x {info['cpu']}, "
        f"{info['ram_gb']} GB; WeasyPrint {info['weasyprint']}; load average before "
        + ", ".join(f"{x:.1f}" for x in info["load_average_before"])
    )
    for n in args.responses:
        folder = Path(tempfile.mkdtemp(prefix="cj-pdf-bench-"))
        try:
            load = run_phase(
                "--phase",
                "load",
                "--dir",
                str(folder),
                "--responses",
                str(n),
                "--seed",
                str(args.seed),
            )
            run = run_phase("--phase", "time", "--dir", str(folder), "--repeat", str(args.repeat))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        run["load"] = load
        print(summary(n, run), flush=True)
        if args.json:
            with args.json.open("a") as out:
                out.write(json.dumps({"responses": n, "seed": args.seed, **info, **run}) + "\n")


if __name__ == "__main__":
    main()
