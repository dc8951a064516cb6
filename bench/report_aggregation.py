"""Report aggregation at scale: ``measure_stats(f, by=("stage", "service"))`` against one
hand-written SQL GROUP BY of the same stage x service mean scores, in the same run.

    .venv/bin/python bench/report_aggregation.py --db postgres --responses 100000
    .venv/bin/python bench/report_aggregation.py --db sqlite --responses 1000000 --keep

Goal (issue): for 1,000,000 responses on PostgreSQL the report's aggregation takes <= 5 s and
<= 2x the hand-written GROUP BY.

Steps, each in its own process so peak RSS belongs to one step:
1. load: a scratch database (SQLite file under bench/out/, or PostgreSQL database
   carejourney_bench, owner carejourney), migrated with ``flask db upgrade``; the demo area;
   ``generator.generate(N, seed, until=2026-01-31)`` (demo responses with their stored scores
   and profiles), timed: responses/s. Then ANALYZE (PostgreSQL: VACUUM ANALYZE, as autovacuum
   would do after a bulk load). ``--keep`` keeps the database, and a later run with the same
   N and seed reuses it (``--reuse``) instead of generating again.
2. time: the whole 18 months and the last quarter of the data. Per filter, one untimed warm-up
   of each query, then ``--repeat`` rounds, each timing both queries (order alternating), wall
   clock with time.perf_counter, results fetched into Python. Median, min, max and the ratio
   of medians. Checks both give the same groups, counts and means. Python memory of one
   measure_stats call (tracemalloc peak) and the process's peak RSS (getrusage).
Output: text, and JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
UNTIL = date(2026, 1, 31)
PATHWAY = "leaving-hospital"

BASELINE_SQL = """
SELECT st.position, st.slug, sv.code, s.measure, count(*) AS n, avg(s.score) AS mean
FROM response_score s
JOIN response r ON r.id = s.response_id
JOIN stage st ON st.id = r.stage_id
JOIN pathway p ON p.id = st.pathway_id
LEFT JOIN service sv ON sv.id = r.service_id
WHERE p.slug = :pathway AND r.status = 'complete'
  AND r.completed_at >= :start AND r.completed_at < :end
GROUP BY st.position, st.slug, sv.code, s.measure
"""


def database_url(db: str, responses: int, seed: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT / f'report-aggregation-{responses}-{seed}.db'}"
    from bench.server import PG_DB, PG_PASSWORD, PG_ROLE

    return f"postgresql+psycopg://{PG_ROLE}:{PG_PASSWORD}@127.0.0.1:5432/{PG_DB}"


def use_database(url: str) -> None:
    """Point the app at the scratch database. Must run before anything imports ``config``,
    which reads the environment once: otherwise the app opens instance/carejourney.db."""
    if "config" in sys.modules:
        raise RuntimeError("config was imported before the database was chosen")
    os.environ["DATABASE_URL"] = url
    os.environ["CAREJOURNEY_INSTANCE"] = str(OUT / "instance")


def make_app(url: str):
    from app import create_app

    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url, "not the scratch database"
    return app


def fresh_database(db: str, url: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        from bench.server import _postgres_scratch_db

        _postgres_scratch_db()


def drop_database(db: str, url: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        from bench.server import PG_DB, _psql

        with contextlib.suppress(subprocess.CalledProcessError):
            _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def phase_load(db: str, responses: int, seed: int) -> dict:
    url = database_url(db, responses, seed)
    use_database(url)
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from app.cli import DEMO_AREA
    from app.data.area import load_area, read_area_file
    from app.data.instruments import registry
    from app.demo import generator
    from app.extensions import db as sqla
    from app.models import Answer, Response, ResponseScore

    fresh_database(db, url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_area(read_area_file(DEMO_AREA))
        started = time.perf_counter()
        made = generator.generate(responses, seed=seed, instruments=registry(), until=UNTIL)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        with sqla.engine.connect() as conn:
            if db == "postgres":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        analyze_s = time.perf_counter() - started
        counts = {
            "responses": sqla.session.scalar(select(func.count()).select_from(Response)),
            "answers": sqla.session.scalar(select(func.count()).select_from(Answer)),
            "scores": sqla.session.scalar(select(func.count()).select_from(ResponseScore)),
        }
        if db == "postgres":
            size = sqla.session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            size = Path(url.removeprefix("sqlite:///")).stat().st_size
    return {
        "made": made,
        "generate_s": generate_s,
        "responses_per_s": made / generate_s,
        "analyze_s": analyze_s,
        "rows": counts,
        "database_bytes": size,
        "load_max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _filters():
    from app.data.report_queries import ReportFilter

    first = UNTIL - timedelta(days=560)
    return {
        "all 18 months": ReportFilter(PATHWAY, first, UNTIL),
        "last quarter": ReportFilter(PATHWAY, date(2025, 11, 1), UNTIL),
    }


def _baseline(f) -> list:
    from sqlalchemy import text

    from app.extensions import db as sqla

    start = datetime.combine(f.date_from, datetime.min.time(), UTC)
    end = datetime.combine(f.date_to + timedelta(days=1), datetime.min.time(), UTC)
    params = {"pathway": f.pathway, "start": start, "end": end}
    return sqla.session.execute(text(BASELINE_SQL), params).all()


def _same(ours: list[dict], theirs: list) -> bool:
    a = {(r["stage"], r["service"], r["measure"]): (r["n"], r["total"] / r["n"]) for r in ours}
    b = {(slug, code, m): (n, float(mean)) for _, slug, code, m, n, mean in theirs}
    return a.keys() == b.keys() and all(
        a[k][0] == b[k][0] and abs(a[k][1] - b[k][1]) < 1e-9 for k in a
    )


def phase_time(db: str, responses: int, seed: int, repeat: int) -> dict:
    url = database_url(db, responses, seed)
    use_database(url)
    from app.data.report_queries import measure_stats
    from app.extensions import db as sqla

    app = make_app(url)
    results = {}
    with app.app_context():
        for name, f in _filters().items():

            def ours(f=f):
                return measure_stats(f, by=("stage", "service"))

            def theirs(f=f):
                return _baseline(f)

            cold_started = time.perf_counter()
            ours_rows = ours()
            cold_s = time.perf_counter() - cold_started
            theirs_rows = theirs()
            times: dict[str, list[float]] = {"measure_stats": [], "hand_sql": []}
            for i in range(repeat):
                pair = [("measure_stats", ours), ("hand_sql", theirs)]
                for label, fn in pair if i % 2 == 0 else pair[::-1]:
                    started = time.perf_counter()
                    fn()
                    times[label].append(time.perf_counter() - started)
            sqla.session.rollback()
            tracemalloc.start()
            measure_stats(f, by=("stage", "service"))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            medians = {k: statistics.median(v) for k, v in times.items()}
            results[name] = {
                "groups": len(ours_rows),
                "scores_aggregated": sum(r["n"] for r in ours_rows),
                "same_result": _same(ours_rows, theirs_rows),
                "first_call_s": cold_s,
                "times_s": times,
                "median_s": medians,
                "min_s": {k: min(v) for k, v in times.items()},
                "max_s": {k: max(v) for k, v in times.items()},
                "ratio_of_medians": medians["measure_stats"] / medians["hand_sql"],
                "tracemalloc_peak_kb": peak / 1024,
            }
    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["load_average"] = os.getloadavg()  # 1, 5 and 15 minutes, at the end
    return results


def phase_queries(db: str, responses: int, seed: int, repeat: int) -> dict:
    """Every query one whole-period report runs (as app/data/reports.py calls them, when it is
    there): time (median of ``repeat``), rows, and Python memory of the last run."""
    url = database_url(db, responses, seed)
    use_database(url)
    from app.data import report_queries as q

    try:
        from app.data.reports import BREAKDOWNS, EQUALITY
    except ImportError:  # the report module is not there: a fair stand-in
        EQUALITY = ("age_band", "sex", "ethnic_broad", "ethnic_group", "disability", "carer")
        BREAKDOWNS = {"pathway": (), "stage": ("stage",), "service": ("service",)}
        BREAKDOWNS |= {f"equality:{d}": (d,) for d in EQUALITY}

    f = _filters()["all 18 months"]
    calls = {"overview": lambda: q.overview(f)}
    calls |= {
        f"measure_stats {k}": (lambda by=by: q.measure_stats(f, by)) for k, by in BREAKDOWNS.items()
    }
    if hasattr(q, "measure_stats_many"):  # every breakdown in one query (GROUPING SETS)
        calls["measure_stats_many (all breakdowns)"] = lambda: q.measure_stats_many(f, BREAKDOWNS)
    calls["item_distribution stage"] = lambda: q.item_distribution(f, ("stage",))
    calls["comments"] = lambda: q.comments(f)
    calls |= {f"group_counts {d}": (lambda d=d: q.group_counts(f, d)) for d in EQUALITY}
    try:  # the whole report as the dashboard and downloads build it, uncached
        from app.data.reports import report_input
        from reports.aggregate import build_report

        calls["whole report (report_input + build_report)"] = lambda: [
            build_report(report_input(f, 10))
        ]
    except ImportError:
        pass
    app = make_app(url)
    out: dict[str, dict] = {}
    with app.app_context():
        for name, call in calls.items():
            times = []
            for _ in range(repeat - 1):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            tracemalloc.start()
            started = time.perf_counter()
            result = call()
            traced = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[name] = {
                "median_s": statistics.median(times or [traced]),
                "rows": len(result),
                "tracemalloc_peak_mb": peak / 2**20,
            }
    return {
        "queries": out,
        "total_s": sum(
            v["median_s"]
            for k, v in out.items()
            if not k.startswith(("whole report", "measure_stats_many"))
        ),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_average": os.getloadavg(),
    }


def _stored_n(db: str, responses: int, seed: int) -> int | None:
    """How many responses the kept database holds (None: none there)."""
    url = database_url(db, responses, seed)
    if db == "sqlite" and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT count(*) FROM response_score")).scalar():
                return None
            return conn.execute(text("SELECT count(*) FROM response")).scalar()
    except Exception:  # no database, or not migrated: load it
        return None
    finally:
        engine.dispose()


def machine() -> dict:
    from bench.server import cpu_model

    cpu = cpu_model()
    mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    import sqlite3

    import psycopg
    import sqlalchemy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "psycopg": psycopg.__version__,
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "dirty": bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        ),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def postgres_version() -> str:
    from bench.server import _psql

    return _psql("SHOW server_version")


def _child(phase: str, args) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--db",
        args.db,
        "--responses",
        str(args.responses),
        "--seed",
        str(args.seed),
        "--repeat",
        str(args.repeat),
        "--queries-repeat",
        str(args.queries_repeat),
    ]
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(run: dict) -> str:
    lines = [
        f"{run['db']}: {run['responses']:,} responses (seed {run['seed']})",
    ]
    load = run.get("load")
    if load:
        lines.append(
            f"  load: {load['made']:,} responses in {load['generate_s']:.0f} s "
            f"({load['responses_per_s']:,.0f}/s), rows {load['rows']}, "
            f"analyze {load['analyze_s']:.1f} s, database {load['database_bytes'] / 2**20:,.0f} MB"
        )
    else:
        lines.append("  load: reused the kept database")
    timing = run["time"]
    for name, t in timing.items():
        if not isinstance(t, dict) or "median_s" not in t:
            continue
        m = t["median_s"]
        lines.append(
            f"  {name}: {t['groups']} groups, {t['scores_aggregated']:,} scores; "
            f"measure_stats median {m['measure_stats']:.3f} s "
            f"(min {t['min_s']['measure_stats']:.3f}, max {t['max_s']['measure_stats']:.3f}), "
            f"hand SQL median {m['hand_sql']:.3f} s "
            f"(min {t['min_s']['hand_sql']:.3f}, max {t['max_s']['hand_sql']:.3f}); "
            f"ratio {t['ratio_of_medians']:.2f}; first call {t['first_call_s']:.3f} s; "
            f"same result: {t['same_result']}; Python peak {t['tracemalloc_peak_kb']:.0f} KB"
        )
    lines.append(
        f"  timing process peak RSS {timing['max_rss_mb']:.0f} MB; load average after "
        + ", ".join(f"{x:.1f}" for x in timing.get("load_average", ()))
    )
    queries = run.get("queries")
    if queries:
        lines.append(
            f"  every query of a whole-period report: {queries['total_s']:.1f} s in all, "
            f"peak RSS {queries['max_rss_mb']:.0f} MB"
        )
        for name, t in queries["queries"].items():
            lines.append(
                f"    {name:<36} {t['median_s']:7.3f} s  {t['rows']:>8,} rows  "
                f"Python peak {t['tracemalloc_peak_mb']:.1f} MB"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use a kept database if it fits (and keep it)"
    )
    parser.add_argument("--json", type=Path, help="append the run as one JSON line")
    parser.add_argument(
        "--all-queries",
        action="store_true",
        help="also time every query a whole-period report runs",
    )
    parser.add_argument("--queries-repeat", type=int, default=3)
    parser.add_argument("--phase", choices=("load", "time", "queries"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "load":
        print(json.dumps(phase_load(args.db, args.responses, args.seed)))
        return
    if args.phase == "time":
        print(json.dumps(phase_time(args.db, args.responses, args.seed, args.repeat)))
        return
    if args.phase == "queries":
        print(json.dumps(phase_queries(args.db, args.responses, args.seed, args.queries_repeat)))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(args.db, args.responses, args.seed)
    run = {"db": args.db, "responses": args.responses, "seed": args.seed, **machine()}
    if args.db == "postgres":
        run["postgres"] = postgres_version()
    try:
        reuse = args.reuse and _stored_n(args.db, args.responses, args.seed) == args.responses
        run["load"] = None if reuse else _child("load", args)
        run["time"] = _child("time", args)
        if args.all_queries:
            run["queries"] = _child("queries", args)
    finally:
        if not (args.keep or args.reuse):
            drop_database(args.db, url)
    print(report(run))
    if args.json:
        with args.json.open("a") as out:
            out.write(json.dumps(run) + "\n")


if __name__ == "__main__":
    main()
