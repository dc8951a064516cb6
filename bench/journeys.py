"""Journeys at scale: the whole report with its journeys section side by side with the report
without it, in one run, and each journey query alone.

    .venv/bin/python bench/journeys.py --responses 100000 1000000 --keep
    .venv/bin/python bench/journeys.py --responses 100000 1000000 --reuse --explain

Goal (issue 13): on PostgreSQL, at 100,000 and 1,000,000 responses, the report with journeys
takes at most 1.5 times the report without them.

Per N, each step in its own process (peak RSS belongs to one step):
1. load: ``report_aggregation.phase_load`` (migrate, demo area, ``generator.generate(N,
   seed, until=2026-01-31)``, VACUUM ANALYZE) into the scratch database
   ``carejourney_bench_<N>`` (PostgreSQL) or ``bench/out/report-aggregation-<N>-<seed>.db``
   (SQLite, the file report_aggregation.py uses). ``--keep`` keeps it; ``--reuse`` skips the
   load when it holds N responses (and keeps it). A kept database is upgraded to the
   current migrations before timing (an index added since the load is then there).
2. time: the whole 18 months, threshold 10. One untimed build of each report, then
   ``--repeat`` rounds; each round builds ``build_report(report_input(f, 10, journeys=...))``
   with and without journeys (order alternating), uncached, then runs each journey query
   alone (``journey_queries.paired_changes``, ``move_changes``, ``follow_up``,
   ``path_queries.flows``, ``whole_paths``, ``whole_journey_queries.whole_journeys`` when it
   exists). Wall clock (time.perf_counter), rows fetched into Python. Median, min, max; the
   ratio of the medians with / without. Until ``report_input`` takes ``journeys=``, "with"
   is the report plus every journey query run after it (a lower bound: no section built).
3. rss: one build of each report in a fresh process: peak RSS (getrusage) of each.
4. ``--explain``: ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement each journey query sends
   that takes over 50 ms, written to ``bench/out/journeys-explain-<db>-<N>.txt``.
Output: text, and one JSON line per N with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.server  # noqa: E402
from bench import report_aggregation as ra  # noqa: E402

OUT = ROOT / "bench" / "out"
THRESHOLD = 10
EXPLAIN_OVER_S = 0.05


def use_scratch(db: str, responses: int) -> None:
    """One PostgreSQL scratch database per N, so the 100,000 and 1,000,000 databases can both
    be kept: report_aggregation's helpers read ``bench.server.PG_DB`` when called."""
    if db == "postgres":
        bench.server.PG_DB = f"carejourney_bench_{responses}"


def _filter():
    return ra._filters()["all 18 months"]


def journey_calls(f) -> dict:
    """Every journey query the report runs, by name."""
    from app.data import journey_queries as jq
    from app.data import path_queries as pq

    calls = {
        "paired_changes": lambda: jq.paired_changes(f),
        "move_changes": lambda: jq.move_changes(f),
        "follow_up": lambda: jq.follow_up(f),
        "flows": lambda: pq.flows(f),
        "whole_paths": lambda: pq.whole_paths(f),
    }
    with contextlib.suppress(ImportError):
        from app.data.reports import EQUALITY
        from app.data.whole_journey_queries import whole_journeys

        calls["whole_journeys"] = lambda: whole_journeys(f, ("pathway", "role", *EQUALITY))
    return calls


def _rows(result) -> int:
    if isinstance(result, dict):  # follow_up: {"stages": [...], "measures": [...]}
        return sum(len(v) for v in result.values())
    return len(result)


def report_calls(f) -> tuple[dict, bool]:
    """The report without and with journeys; True when report_input takes ``journeys=``."""
    from app.data.reports import report_input
    from reports.aggregate import build_report

    wired = "journeys" in inspect.signature(report_input).parameters
    if wired:
        return {
            "without journeys": lambda: build_report(report_input(f, THRESHOLD, journeys=False)),
            "with journeys": lambda: build_report(report_input(f, THRESHOLD, journeys=True)),
        }, True
    queries = journey_calls(f)

    def with_queries():
        report = build_report(report_input(f, THRESHOLD))
        for call in queries.values():
            call()
        return report

    return {
        "without journeys": lambda: build_report(report_input(f, THRESHOLD)),
        "with journeys": with_queries,
    }, False


def _app(db: str, responses: int, seed: int):
    url = ra.database_url(db, responses, seed)
    ra.use_database(url)
    return ra.make_app(url)


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _summary(times: list[float]) -> dict:
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "times_s": times,
    }


def phase_time(db: str, responses: int, seed: int, repeat: int) -> dict:
    app = _app(db, responses, seed)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db as sqla

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # a kept database: today's indexes
        revision = sqla.session.scalar(text("SELECT version_num FROM alembic_version"))
        sqla.session.commit()
        f = _filter()
        reports, wired = report_calls(f)
        queries = journey_calls(f)
        load_before = os.getloadavg()
        first = {}
        section = {}
        for name, call in reports.items():  # untimed warm-up; also what the section holds
            first[name], report = _timed(call)
            if name == "with journeys":
                journeys = report.get("journeys") or {}
                section = {k: len(v) for k, v in journeys.items() if isinstance(v, list)}
        reports_t: dict[str, list[float]] = {name: [] for name in reports}
        queries_t: dict[str, list[float]] = {name: [] for name in queries}
        rows = {}
        for i in range(repeat):
            order = list(reports.items())
            for name, call in order if i % 2 == 0 else order[::-1]:
                reports_t[name].append(_timed(call)[0])
                sqla.session.rollback()
            for name, call in queries.items():
                took, result = _timed(call)
                queries_t[name].append(took)
                rows[name] = _rows(result)
                sqla.session.rollback()
    medians = {name: statistics.median(t) for name, t in reports_t.items()}
    return {
        "revision": revision,
        "report_input_takes_journeys": wired,
        "first_call_s": first,
        "reports": {name: _summary(t) for name, t in reports_t.items()},
        "ratio_of_medians": medians["with journeys"] / medians["without journeys"],
        "round_ratios": [
            w / wo
            for w, wo in zip(reports_t["with journeys"], reports_t["without journeys"], strict=True)
        ],
        "queries": {name: {**_summary(t), "rows": rows[name]} for name, t in queries_t.items()},
        "queries_total_median_s": sum(statistics.median(t) for t in queries_t.values()),
        "section": section,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }


def phase_rss(db: str, responses: int, seed: int, variant: str) -> dict:
    """Peak RSS of a process that builds one report, ``variant`` "with" or "without"."""
    app = _app(db, responses, seed)
    with app.app_context():
        reports, _ = report_calls(_filter())
        took, _ = _timed(reports[f"{variant} journeys"])
    return {"s": took, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def phase_explain(db: str, responses: int, seed: int, only: list[str] | None = None) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of each slow statement the journey queries send."""
    app = _app(db, responses, seed)
    from sqlalchemy import event

    from app.extensions import db as sqla

    lines: list[str] = []
    slow: dict[str, list[float]] = {}
    with app.app_context():
        engine = sqla.engine
        sent: list[tuple[str, object, float]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            sent.append((statement, parameters, time.perf_counter() - conn.info["started"]))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        for name, call in journey_calls(_filter()).items():
            if only and name not in only:
                continue
            sent.clear()
            call()
            statements = [s for s in sent if s[2] > EXPLAIN_OVER_S]
            slow[name] = [s[2] for s in statements]
            for statement, parameters, took in statements:
                prefix = (
                    "EXPLAIN (ANALYZE, BUFFERS) " if db == "postgres" else "EXPLAIN QUERY PLAN "
                )
                conn = sqla.session.connection()
                plan = conn.exec_driver_sql(prefix + statement, parameters).all()
                lines += [f"== {name} ({took:.3f} s as run)", statement, "", "QUERY PLAN"]
                lines += [" ".join(str(c) for c in row) for row in plan]
                lines.append("")
            sqla.session.rollback()
    path = OUT / f"journeys-explain-{db}-{responses}.txt"
    path.write_text("\n".join(lines))
    return {"file": str(path.relative_to(ROOT)), "slow_statements_s": slow}


def _child(phase: str, args, responses: int, *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--db", args.db]
    cmd += ["--responses", str(responses), "--seed", str(args.seed), "--repeat", str(args.repeat)]
    out = subprocess.run(
        [*cmd, *extra], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _s(t: dict) -> str:
    return f"{t['median_s']:.2f} s (min {t['min_s']:.2f}, max {t['max_s']:.2f})"


def report(run: dict) -> str:
    lines = [f"{run['db']}: {run['responses']:,} responses (seed {run['seed']}), {run['date']}"]
    load = run.get("load")
    if load:
        lines.append(
            f"  load: {load['made']:,} responses in {load['generate_s']:.0f} s "
            f"({load['responses_per_s']:,.0f}/s), rows {load['rows']}, "
            f"database {load['database_bytes'] / 2**20:,.0f} MB"
        )
    else:
        lines.append("  load: reused the kept database")
    t = run["time"]
    if not t["report_input_takes_journeys"]:
        lines.append("  report_input has no journeys= yet: 'with' = report + the journey queries")
    for name, r in t["reports"].items():
        rss = run.get("rss", {}).get(name, {}).get("max_rss_mb")
        lines.append(
            f"  report {name:<17} {_s(r)}; first call {t['first_call_s'][name]:.2f} s"
            + (f"; peak RSS {rss:.0f} MB" if rss else "")
        )
    lines.append(
        f"  ratio with / without (medians) {t['ratio_of_medians']:.2f} (goal <= 1.5); per round "
        + ", ".join(f"{x:.2f}" for x in t["round_ratios"])
    )
    lines.append(f"  journey queries alone, {t['queries_total_median_s']:.2f} s in all:")
    for name, q in t["queries"].items():
        lines.append(f"    {name:<16} {_s(q)}  {q['rows']:>5} rows")
    lines.append(
        f"  section {t['section']}; timing process peak RSS {t['max_rss_mb']:.0f} MB; "
        f"migration {t['revision']}; load average before "
        + ", ".join(f"{x:.1f}" for x in t["load_average_before"])
        + ", after "
        + ", ".join(f"{x:.1f}" for x in t["load_average_after"])
    )
    if run.get("explain"):
        lines.append(f"  plans: {run['explain']['file']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--responses", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use kept databases if they fit (and keep them)"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slow statements")
    parser.add_argument("--only", nargs="+", help="--explain only these journey queries")
    parser.add_argument("--no-rss", action="store_true", help="skip the peak-RSS processes")
    parser.add_argument("--json", type=Path, help="append each N's run as one JSON line")
    parser.add_argument(
        "--phase", choices=("load", "time", "rss", "explain"), help=argparse.SUPPRESS
    )
    parser.add_argument("--variant", choices=("with", "without"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        (n,) = args.responses
        use_scratch(args.db, n)
        phases = {
            "load": lambda: ra.phase_load(args.db, n, args.seed),
            "time": lambda: phase_time(args.db, n, args.seed, args.repeat),
            "rss": lambda: phase_rss(args.db, n, args.seed, args.variant),
            "explain": lambda: phase_explain(args.db, n, args.seed, args.only),
        }
        print(json.dumps(phases[args.phase]()))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    for n in args.responses:
        use_scratch(args.db, n)
        url = ra.database_url(args.db, n, args.seed)
        run = {"db": args.db, "responses": n, "seed": args.seed, **ra.machine()}
        if args.db == "postgres":
            run["postgres"] = ra.postgres_version()
            run["database"] = bench.server.PG_DB
        try:
            reuse = args.reuse and ra._stored_n(args.db, n, args.seed) == n
            run["load"] = None if reuse else _child("load", args, n)
            run["time"] = _child("time", args, n)
            if not args.no_rss:
                run["rss"] = {
                    f"{v} journeys": _child("rss", args, n, "--variant", v)
                    for v in ("without", "with")
                }
            if args.explain:
                only = ["--only", *args.only] if args.only else []
                run["explain"] = _child("explain", args, n, *only)
        finally:
            if not (args.keep or args.reuse):
                ra.drop_database(args.db, url)
        print(report(run), flush=True)
        if args.json:
            with args.json.open("a") as out:
                out.write(json.dumps(run) + "\n")


if __name__ == "__main__":
    main()
