"""Where a survey request's time goes: one process, one thread, no HTTP.

    .venv/bin/python bench/profile_page.py --db sqlite --journeys 20
    .venv/bin/python bench/profile_page.py --db sqlite --journeys 20 --profile page_get

Runs the app in-process (Flask test client) on a scratch database, answers the survey
--journeys times as load.py does, and prints per request kind: mean and median time,
the part spent rendering templates (Flask's before_render_template / template_rendered
signals) and the number of SQL statements. With --profile KIND it also prints a
cProfile of that kind of request (healthz, start_get, start_post, page_get, page_post),
sorted by cumulative time; cProfile inflates many-small-call code such as Jinja macros.
For a sampling view under real load, attach ``py-spy`` to a gunicorn worker (README).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict

from load import form_fields
from server import ROOT, scratch_database

KINDS = ["healthz", "start_get", "start_post", "page_get", "page_post"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--journeys", type=int, default=20)
    ap.add_argument("--survey", default="lh-leaving-hospital")
    ap.add_argument("--profile", choices=KINDS)
    ap.add_argument("--top", type=int, default=35)
    args = ap.parse_args()
    random.seed(1)

    with scratch_database(args.db, quiet=True) as env:
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        from flask import before_render_template, template_rendered
        from sqlalchemy import event

        from app import create_app  # after the environment is set: config reads it on import
        from app.extensions import db

        app = create_app()
        count = {"sql": 0, "render": 0.0, "render_start": 0.0}

        def on_sql(*_):
            count["sql"] += 1

        def on_render_start(*_, **__):
            count["render_start"] = time.perf_counter()

        def on_render_end(*_, **__):
            count["render"] += time.perf_counter() - count["render_start"]

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", on_sql)
        before_render_template.connect(on_render_start, app)
        template_rendered.connect(on_render_end, app)

        times, renders, sql = defaultdict(list), defaultdict(float), defaultdict(int)
        prof = cProfile.Profile()

        def call(kind, send, url, expect, **kw):
            q, rendered = count["sql"], count["render"]
            if kind == args.profile:
                prof.enable()
            t = time.perf_counter()
            r = send(url, **kw)
            times[kind].append(time.perf_counter() - t)
            if kind == args.profile:
                prof.disable()
            sql[kind] += count["sql"] - q
            renders[kind] += count["render"] - rendered
            assert r.status_code == expect, (url, r.status_code)
            return r

        start = f"/s/{args.survey}"
        for _ in range(args.journeys):
            client = app.test_client()
            for _ in range(20):
                call("healthz", client.get, "/healthz", 200)
            r = call("start_get", client.get, start, 200)
            data = form_fields(r.get_data(as_text=True))
            r = call("start_post", client.post, start, 302, data=data)
            url = r.headers["Location"]
            while not url.endswith("/done"):
                r = call("page_get", client.get, url, 200)
                data = form_fields(r.get_data(as_text=True))
                r = call("page_post", client.post, url, 302, data=data)
                url = r.headers["Location"]

    print(f"{args.db}, {args.journeys} journeys, one thread, in-process (no HTTP, no gunicorn)")
    print(f"{'':12}{'n':>6}{'mean ms':>9}{'median ms':>11}{'render ms':>11}{'SQL/req':>9}")
    for kind in KINDS:
        ts = times[kind]
        print(
            f"{kind:12}{len(ts):>6}{1000 * statistics.mean(ts):>9.2f}"
            f"{1000 * statistics.median(ts):>11.2f}{1000 * renders[kind] / len(ts):>11.2f}"
            f"{sql[kind] / len(ts):>9.1f}"
        )
    if args.profile:
        print(f"\ncProfile of {args.profile} ({len(times[args.profile])} requests), cumulative:")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
