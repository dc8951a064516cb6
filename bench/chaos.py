"""Respondents on bad connections, servers that die: is every acknowledged response stored?

    .venv/bin/python bench/chaos.py --db postgres --respondents 100 --seconds 90 --kills 4

N simulated respondents answer the survey against gunicorn (as bench/load.py does, with its
form reading), and the run is made hostile:
  double posts  (--doubles) the same page's POST sent twice at once, as a double tap or a
                resend does; both copies must get the same answer;
  time-outs     (--timeouts) the client stops waiting for a POST after a few ms, while the
                server goes on with it, and sends the POST again (a retry);
  retries       a request that times out or whose connection breaks is sent again, up to 5
                times, as a person pressing the button again does;
  kills         (--kills) a gunicorn worker is killed (SIGKILL) at evenly spaced moments;
                requests in flight on it break and are retried; the master starts a new one.
A response is *acknowledged* when the respondent saw the thank-you page. After the run the
database is read: each acknowledged response must be there once, complete, in a journey,
with exactly the answers last sent. A 5xx ends that respondent's journey (people give up).
Only 127.0.0.1 is contacted. The scratch database is dropped and made again, then dropped
at the end (--pg-db names it; default carejourney_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import server
from load import ATTR, TAG, form_fields
from server import bench_server, code_version, cpu_model
from sqlalchemy import create_engine, text

THANKS = "Thank you, your answers have been sent"
TRIES = 5


class GaveUp(RuntimeError):
    """The respondent stops: a 5xx page, or still no answer after TRIES sends."""


class Tally:
    """What the respondents did and saw, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.acknowledged: dict[str, dict[str, str]] = {}  # token: answers last sent
        self.doubles_differ: list[str] = []
        self.server_errors: Counter = Counter()  # "POST /r/.../q-ctm-15-1 500"-like, shortened

    def add(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n


class Respondent:
    def __init__(self, base: str, tally: Tally, args, rng: random.Random):
        self.base, self.tally, self.args, self.rng = base, tally, args, rng

    def send(self, client: httpx.Client, method: str, url: str, data=None) -> httpx.Response:
        """One request as a phone on a weak signal sends it: maybe give up waiting, send again."""
        for _ in range(TRIES):
            short = method == "POST" and self.rng.random() < self.args.timeouts
            timeout = httpx.Timeout(30, read=self.rng.uniform(0.002, 0.05)) if short else 30
            try:
                answer = client.request(method, url, data=data, timeout=timeout)
            except httpx.TransportError as exc:
                self.tally.add("client time-outs" if short else f"broken: {type(exc).__name__}")
                self.tally.add("retries")
                time.sleep(self.rng.uniform(0.05, 0.3))
                continue
            self.tally.add("requests")
            if answer.status_code >= 500:
                with self.tally.lock:
                    self.tally.counts["5xx"] += 1
                    self.tally.server_errors[f"{method} {_page(url)} {answer.status_code}"] += 1
                raise GaveUp(f"{method} {url}: {answer.status_code}")
            return answer
        raise GaveUp(f"{method} {url}: no answer after {TRIES} tries")

    def post(self, client: httpx.Client, url: str, data: dict) -> httpx.Response:
        """POST, sometimes twice at once; both copies must be answered alike."""
        if self.rng.random() >= self.args.doubles:
            return self.send(client, "POST", url, data)
        self.tally.add("double posts")
        other: dict = {}

        def second() -> None:
            try:
                other["answer"] = self.send(client, "POST", url, data)
            except GaveUp as exc:
                other["error"] = exc

        thread = threading.Thread(target=second)
        thread.start()
        try:
            first = self.send(client, "POST", url, data)
        finally:
            thread.join()
        if "error" in other:
            raise other["error"]
        seen = [(a.status_code, a.headers.get("location")) for a in (first, other["answer"])]
        if seen[0] != seen[1]:
            with self.tally.lock:
                self.tally.doubles_differ.append(f"{_page(url)}: {seen}")
        return first

    def journey(self, client: httpx.Client, deadline: float) -> None:
        start_url = f"/s/{self.args.survey}"
        page = self.send(client, "GET", start_url)
        answer = self.post(client, start_url, form_fields(page.text))
        if answer.status_code != 302:
            raise GaveUp(f"start POST: {answer.status_code}")
        self.tally.add("journeys started")
        url, sent = answer.headers["location"], {}
        for _ in range(60):
            if url.endswith("/done"):
                page = self.send(client, "GET", url)
                if page.status_code == 200 and THANKS in page.text:
                    token = url.rsplit("/", 2)[-2]
                    with self.tally.lock:
                        self.tally.acknowledged[token] = sent
                return
            if time.monotonic() > deadline:
                self.tally.add("journeys cut off by the end of the run")
                return
            page = self.send(client, "GET", url)
            if page.status_code != 200:
                raise GaveUp(f"GET {url}: {page.status_code}")
            data, radios = form_fields(page.text), _radio_names(page.text)
            answer = self.post(client, url, data)
            if answer.status_code != 302:
                raise GaveUp(f"POST {url}: {answer.status_code}")
            page_id = url.rsplit("/", 1)[-1]
            if page_id.startswith("q-") or (page_id.startswith("about-") and page_id[6:].isdigit()):
                sent.update({k: v for k, v in data.items() if k in radios})  # answer rows
            url = answer.headers["location"]
        raise GaveUp("survey did not finish in 60 pages")

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            with httpx.Client(base_url=self.base, timeout=30) as client:  # a new phone
                try:
                    self.journey(client, deadline)
                except GaveUp as exc:
                    self.tally.add("journeys given up")
                    if self.args.verbose:
                        print(f"  gave up: {exc}")


def _radio_names(page: str) -> set[str]:
    """The radio groups of a page: the fields stored as answers (blank text fields are not)."""
    names = set()
    for _tag, attrs in TAG.findall(page):
        a = {k.lower(): v for k, v in ATTR.findall(attrs)}
        if a.get("type") == "radio" and a.get("name"):
            names.add(a["name"])
    return names


def _page(url: str) -> str:
    """A URL without its token, so errors group by page."""
    parts = url.split("/")
    return "/".join("<token>" if len(p) > 24 else p for p in parts)


def killer(srv, kills: int, t0: float, seconds: float, tally: Tally, rng: random.Random):
    """Kill a random gunicorn worker at evenly spaced moments of the run."""
    for n in range(kills):
        time.sleep(max(0.0, t0 + (n + 1) * seconds / (kills + 1) - time.monotonic()))
        workers = srv.pids()[1:]
        if workers:
            os.kill(rng.choice(workers), signal.SIGKILL)
            tally.add("workers killed")


def check_stored(database_url: str, acknowledged: dict[str, dict[str, str]]) -> dict:
    """Read back every acknowledged response: once, complete, in a journey, answers as sent.

    The database holds the demo area and no demo responses: every response is the run's.
    """
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, token, status, completed_at, journey_id FROM response")
        ).all()
        answers: dict[int, dict[str, str]] = {}
        for rid, item, code in conn.execute(
            text("SELECT response_id, item_id, code FROM answer WHERE code IS NOT NULL")
        ):
            answers.setdefault(rid, {})[item] = code
        scored = set(
            conn.execute(text("SELECT DISTINCT response_id FROM response_score")).scalars()
        )
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM journey j WHERE NOT EXISTS "
                "(SELECT 1 FROM response r WHERE r.journey_id = j.id)"
            )
        ).scalar()
    engine.dispose()
    by_token: dict[str, list] = {}
    for row in rows:
        by_token.setdefault(row.token, []).append(row)
    found: Counter = Counter()
    for token, sent in acknowledged.items():
        stored = by_token.get(token, [])
        if len(stored) != 1:
            found["acknowledged but not stored exactly once"] += 1
            continue
        row = stored[0]
        if row.status != "complete" or row.completed_at is None or row.journey_id is None:
            found["acknowledged but not complete"] += 1
        elif answers.get(row.id, {}) != sent:
            found["acknowledged but answers differ from those sent"] += 1
            got = answers.get(row.id, {})
            diff = {
                k: (sent.get(k), got.get(k))
                for k in sent.keys() | got.keys()
                if sent.get(k) != got.get(k)
            }
            print(f"  answers differ (sent, stored): {diff}")
        else:
            found["stored exactly once, complete, with the answers sent"] += 1
            found["... of which with scores stored"] += row.id in scored
    found["responses in the database (all started)"] = len(rows)
    found["... complete"] = sum(r.status == "complete" for r in rows)
    found["orphan journeys (no response)"] = orphans
    return dict(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    ap.add_argument("--pg-db", default=server.PG_DB, help="scratch PostgreSQL database (dropped)")
    ap.add_argument("--respondents", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--doubles", type=float, default=0.1, help="share of POSTs sent twice")
    ap.add_argument("--timeouts", type=float, default=0.05, help="share of POSTs timed out")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--survey", default="lh-leaving-hospital")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--label", default="", help="a name for this run in the output")
    ap.add_argument(
        "--app-root",
        type=Path,
        help="serve the app from this checkout instead (e.g. a git worktree of an older commit)",
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--verbose", action="store_true", help="print why each journey was given up")
    args = ap.parse_args()
    server.PG_DB = args.pg_db  # bench_server drops and re-creates this database
    if args.app_root:
        server.ROOT = args.app_root.resolve()  # gunicorn and flask run from there
    # Every simulated person comes from 127.0.0.1 here; in life each has an address of its own.
    os.environ["SURVEY_START_LIMIT"] = "1000000 per minute"
    rng = random.Random(args.seed)
    version = code_version()
    print(f"measuring commit {version} {args.label}")
    tally = Tally()
    with bench_server(args.db, args.workers, args.threads, 0, args.seed, quiet=True) as srv:
        print(
            f"gunicorn at {srv.url} on {args.db}: {args.respondents} respondents, "
            f"{args.seconds:.0f} s, {args.kills} kills"
        )
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        people = [
            threading.Thread(
                target=Respondent(srv.url, tally, args, random.Random(rng.random())).run,
                args=(deadline,),
                daemon=True,
            )
            for _ in range(args.respondents)
        ]
        kill = threading.Thread(
            target=killer, args=(srv, args.kills, t0, args.seconds, tally, rng), daemon=True
        )
        for th in [*people, kill]:
            th.start()
        for th in [*people, kill]:
            th.join()
        wall = time.monotonic() - t0
        stored = check_stored(srv.env["DATABASE_URL"], tally.acknowledged)
    figures = {
        "respondents": args.respondents,
        "seconds": round(wall, 1),
        **{key: 0 for key in ("5xx", "double posts", "retries", "workers killed")},
        **dict(sorted(tally.counts.items())),
        "acknowledged": len(tally.acknowledged),
        **stored,
        "double posts answered differently": len(tally.doubles_differ),
        "5xx by page": dict(tally.server_errors.most_common()),
    }
    print(f"\n{args.db}, gunicorn -w {args.workers} --threads {args.threads}, {cpu_model()}")
    for key, value in figures.items():
        print(f"  {key:55} {value}")
    for line in tally.doubles_differ[:10]:
        print(f"  differ: {line}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        record = {"args": vars(args) | {"json": str(args.json)}, "commit": version}
        record |= {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "figures": figures}
        args.json.write_text(json.dumps(record, indent=2, default=str))


if __name__ == "__main__":
    main()
