"""Markdown table rows from load.py --json files, for RESULTS.md.

.venv/bin/python bench/results_table.py bench/out/load-sqlite-*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROWS = ["healthz GET", "start GET", "start POST", "page GET", "page POST"]


def main(paths: list[str]) -> None:
    runs = [(Path(p).stem, json.loads(Path(p).read_text())) for p in paths]
    print("| request | " + " | ".join(name for name, _ in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for kind in ROWS:
        cells = []
        for _, run in runs:
            phase = run["phases"]["minimal" if kind == "healthz GET" else "survey"]
            s = phase["kinds"].get(kind)
            cells.append(
                f"{s['rps']:.1f} rps; {s['p50_ms']:.0f} / {s['p95_ms']:.0f} / {s['p99_ms']:.0f} ms"
                if s
                else "-"
            )
        print(f"| {kind} | " + " | ".join(cells) + " |")
    cells = [
        f"{r['phases']['survey']['total']['rps']:.1f} rps; "
        f"{r['phases']['survey']['total']['p50_ms']:.0f} / "
        f"{r['phases']['survey']['total']['p95_ms']:.0f} / "
        f"{r['phases']['survey']['total']['p99_ms']:.0f} ms"
        for _, r in runs
    ]
    print("| survey, all requests | " + " | ".join(cells) + " |")
    ratios = [
        f"{r['headline']['ratio_all_survey_requests']:.2f} (page GETs only "
        f"{r['headline']['ratio_page_get_only']:.2f})"
        for _, r in runs
    ]
    print("| **ratio survey rps / healthz rps** | " + " | ".join(ratios) + " |")
    cpu = []
    for _, r in runs:
        p = r["phases"]["survey"]
        cpu.append(f"{1000 * p['server_cpu_s'] / p['total']['n']:.1f} ms")
    print("| gunicorn CPU per survey request | " + " | ".join(cpu) + " |")
    cpu = []
    for _, r in runs:
        p = r["phases"]["minimal"]
        cpu.append(f"{1000 * p['server_cpu_s'] / p['total']['n']:.2f} ms")
    print("| gunicorn CPU per /healthz request | " + " | ".join(cpu) + " |")
    errors = [str(r["phases"]["survey"]["total"]["errors"]) for _, r in runs]
    print("| errors | " + " | ".join(errors) + " |")
    print("| commit | " + " | ".join(r.get("commit", "?") for _, r in runs) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
