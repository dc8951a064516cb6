"""What auditing the report's tables together costs (``reports.linked``).

    .venv/bin/python bench/linked_audit.py --responses 600 2500 20000 --repeat 5

Per size, in its own process: a scratch SQLite database with the demo area and
``generator.generate(N, seed)``, then ``report_input`` once (the SQL side, not timed here), then
``--repeat`` rounds of ``build_report`` on that same input, timed (wall clock) three ways:
- baseline: ``build_report`` with the joint audit switched off (each table suppressed alone,
  as before the audit existed): the ratio's denominator, measured in the same round;
- audited: ``build_report`` as the app runs it;
- and how many figures the joint audit hid beyond the tables' own suppression.
Output: text, and one JSON line per size with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pdf_render import PATHWAY, THRESHOLD, make_app, phase_load  # noqa: E402


def hidden_figures(report: dict) -> int:
    tables = ("journey", "services", "sectors", "roles", "trend", "transitions", "stage_trend")
    cells = [c for t in (*tables, "stage_roles") for c in report[t]]
    cells += [c for d in report["equality"].values() for c in d["groups"]]
    return sum(c["suppressed"] for c in cells)


def run(responses: int, seed: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        loaded = phase_load(Path(tmp), responses, seed)
        from app.data.report_queries import ReportFilter
        from app.data.reports import report_input
        from reports import aggregate

        app = make_app(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with app.app_context():
            inp = report_input(ReportFilter(PATHWAY), THRESHOLD)
        audit = aggregate.audit_together
        rounds = []
        for _ in range(repeat):
            aggregate.audit_together = lambda *a, **k: None
            started = time.perf_counter()
            alone = aggregate.build_report(inp)
            base = time.perf_counter() - started
            aggregate.audit_together = audit
            started = time.perf_counter()
            together = aggregate.build_report(inp)
            rounds.append((base, time.perf_counter() - started))
        base_s = statistics.median(b for b, _ in rounds)
        audited_s = statistics.median(a for _, a in rounds)
        return {
            "responses": loaded["made"],
            "baseline_s": base_s,
            "audited_s": audited_s,
            "ratio": audited_s / base_s,
            "hidden_alone": hidden_figures(alone),
            "hidden_together": hidden_figures(together),
            "figures": len([c for t in ("journey", "services") for c in together[t]]),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[600, 2500, 20000])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one, args.seed, args.repeat)))
        return
    print(
        f"{platform.node()} {platform.processor() or platform.machine()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    for n in args.responses:
        line = (
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(n),
                    "--seed",
                    str(args.seed),
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        row = json.loads(line)
        print(
            f"{row['responses']:>6} responses: without the joint audit {row['baseline_s']:.3f} s, "
            f"with it {row['audited_s']:.3f} s ({row['ratio']:.2f}x); figures hidden "
            f"{row['hidden_alone']} -> {row['hidden_together']}"
        )
        if args.json:
            with args.json.open("a") as out:
                out.write(json.dumps({"bench": "linked_audit", **row}) + "\n")


if __name__ == "__main__":
    main()
