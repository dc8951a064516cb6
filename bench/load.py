"""Survey page load: N concurrent simulated respondents against gunicorn, vs. /healthz.

    .venv/bin/python bench/load.py --db sqlite --respondents 50 --seconds 20

One run, one server, one concurrency, three phases:
  warm-up  (respondents answer the survey, not counted)
  minimal  (every respondent GETs /healthz in a loop for --seconds)
  survey   (every respondent answers the survey like a browser for --seconds:
            GET start page, POST csrf_token + start_token, then GET each page and
            POST one answer per radio group with the page's csrf token, until /done;
            then start again with a fresh cookie jar)
Each respondent is a thread with its own httpx.Client (cookie jar, keep-alive).
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
from server import bench_server, code_version, postgres_cpu_seconds

FORM = re.compile(r'<form[^>]*method="post".*?</form>', re.S | re.I)
TAG = re.compile(r"<(input|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')
KINDS = ("start GET", "start POST", "page GET", "page POST", "done GET")


def form_fields(page: str) -> dict[str, str]:
    """The data a person would send: hidden inputs as given, one radio per group, blanks."""
    form = FORM.search(page)
    if form is None:
        raise ValueError("no POST form on page")
    data, radios = {}, defaultdict(list)
    for tag, attrs in TAG.findall(form.group(0)):
        a = {k.lower(): html.unescape(v or "") for k, v in ATTR.findall(attrs)}
        name = a.get("name")
        if not name:
            continue
        if a.get("type") == "radio":
            radios[name].append(a.get("value", ""))
        elif a.get("type") != "checkbox":
            data[name] = a.get("value", "") if tag.lower() == "input" else ""
    for name, values in radios.items():
        if name == "has_code":  # "yes" would need a real journey code
            data[name] = "no"
        elif name == "to_service":  # must differ from the service they left
            data[name] = random.choice([v for v in values if v != data.get("from_service")])
        else:
            data[name] = random.choice(values)
    return data


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = defaultdict(list)  # kind -> [seconds]
        self.errors = defaultdict(int)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1


class StatusError(RuntimeError):
    """An unexpected HTTP status (already counted as an error of its kind)."""


def timed(rec: Recorder, kind: str, expect: int, send, url: str, **kw) -> httpx.Response:
    t = time.perf_counter()
    r = send(url, **kw)
    rec.add(kind, time.perf_counter() - t, r.status_code == expect)
    if r.status_code != expect:
        raise StatusError(f"{kind} {r.request.url}: {r.status_code}")
    return r


def read(think: float, deadline: float) -> None:
    """A person reading the page: think seconds on average (0: no pause), not past the end."""
    if think:
        time.sleep(max(0.0, min(random.uniform(0.5, 1.5) * think, deadline - time.perf_counter())))


def journey(client: httpx.Client, rec: Recorder, slug: str, deadline: float, think: float):
    start_url = f"/s/{slug}"
    r = timed(rec, "start GET", 200, client.get, start_url)
    data = form_fields(r.text)
    read(think, deadline)
    if time.perf_counter() > deadline:
        return
    r = timed(rec, "start POST", 302, client.post, start_url, data=data)
    url = r.headers["location"]
    for _ in range(60):
        if time.perf_counter() > deadline:
            return
        if url.endswith("/done"):
            timed(rec, "done GET", 200, client.get, url)
            return
        r = timed(rec, "page GET", 200, client.get, url)
        data = form_fields(r.text)
        read(think, deadline)
        if time.perf_counter() > deadline:
            return
        r = timed(rec, "page POST", 302, client.post, url, data=data)
        url = r.headers["location"]
    raise RuntimeError("survey did not finish in 60 pages")


def respondent(base, phase, rec: Recorder, slug: str, deadline: float, think: float) -> None:
    read(think, deadline)  # with think time, arrivals are spread out rather than all at once
    while time.perf_counter() < deadline:
        with httpx.Client(base_url=base, timeout=30) as client:  # fresh browser each journey
            try:
                if phase == "minimal":
                    while time.perf_counter() < deadline:
                        timed(rec, "healthz GET", 200, client.get, "/healthz")
                else:
                    journey(client, rec, slug, deadline, think)
            except (RuntimeError, ValueError, httpx.HTTPError) as exc:
                if not isinstance(exc, StatusError):  # a timeout, a page without a form...
                    rec.add("error", 0.0, False)
                print(f"  respondent error: {exc}")
                time.sleep(0.1)


def run_phase(server, phase: str, n: int, seconds: float, slug: str, think: float = 0) -> dict:
    rec = Recorder()
    cpu0, client0, busy0 = server.cpu_seconds(), _own_cpu(), _machine_busy()
    db0 = postgres_cpu_seconds()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    threads = [
        threading.Thread(
            target=respondent,
            args=(server.url, phase, rec, slug, deadline, think),
            daemon=True,  # Ctrl+C stops the run at once
        )
        for _ in range(n)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {
        "phase": phase,
        "wall_s": wall,
        "server_cpu_s": server.cpu_seconds() - cpu0,
        "client_cpu_s": _own_cpu() - client0,
        "postgres_cpu_s": postgres_cpu_seconds() - db0,
        "machine_busy_cpu_s": _machine_busy() - busy0,
        "kinds": {k: _stats(v, rec.errors[k], wall) for k, v in sorted(rec.samples.items())},
        "total": _stats(
            [x for k, v in rec.samples.items() if k != "error" for x in v],
            sum(rec.errors.values()),
            wall,
        ),
    }


def _own_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _machine_busy() -> float:
    """CPU seconds spent not idle on the whole machine (all cores, all processes, incl. DB)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _stats(samples: list[float], errors: int, wall: float) -> dict:
    s = sorted(samples)
    pct = (lambda p: 1000 * s[min(len(s) - 1, int(p / 100 * len(s)))]) if s else (lambda p: 0.0)
    return {
        "n": len(s),
        "errors": errors,
        "rps": len(s) / wall,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
    }


def report(args, phases: dict) -> dict:
    mini, surv = phases["minimal"], phases["survey"]
    rows = [("/healthz GET", mini["kinds"]["healthz GET"])]
    rows += [(k, surv["kinds"][k]) for k in KINDS if k in surv["kinds"]]
    rows += [("survey, all requests", surv["total"])]
    print(
        f"\n{args.db}: {args.respondents} respondents, {args.seconds:.0f} s per phase, "
        f"gunicorn -w {args.workers} -k gthread --threads {args.threads}, "
        f"think time {args.think:g} s"
    )
    print(f"{'':24}{'n':>7}{'err':>5}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, s in rows:
        print(
            f"{name:24}{s['n']:>7}{s['errors']:>5}{s['rps']:>8.1f}"
            f"{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}"
        )
    print("CPU seconds per phase (2 cores: 2 s per wall second):")
    for p in (mini, surv):
        n = p["total"]["n"] or 1
        others = p["machine_busy_cpu_s"] - p["server_cpu_s"] - p["client_cpu_s"]
        others -= p["postgres_cpu_s"]
        print(
            f"  {p['phase']:8} wall {p['wall_s']:.1f} s; gunicorn {p['server_cpu_s']:.1f} "
            f"({1000 * p['server_cpu_s'] / n:.2f} ms/request), load generator "
            f"{p['client_cpu_s']:.1f}, postgres {p['postgres_cpu_s']:.1f}, "
            f"other processes {others:.1f}; machine "
            f"{100 * p['machine_busy_cpu_s'] / p['wall_s'] / os.cpu_count():.0f}% busy"
        )
        if others > 0.05 * p["wall_s"] * os.cpu_count():
            print("  WARNING: other processes took over 5% of the CPU: this run is not clean")
    page = surv["kinds"].get("page GET", {"rps": 0, "p95_ms": float("inf")})
    headline = {
        "ratio_all_survey_requests": surv["total"]["rps"] / mini["total"]["rps"],
        "ratio_page_get_only": page["rps"] / mini["total"]["rps"],
        "page_get_p95_ms": page["p95_ms"],
        "healthz_p95_ms": mini["total"]["p95_ms"],
    }
    if args.think:
        print("(with --think the survey phase is paced, so the rps ratio means nothing)")
    print(
        f"ratio survey rps / minimal rps: {headline['ratio_all_survey_requests']:.2f} "
        f"(all survey requests), {headline['ratio_page_get_only']:.2f} (page GETs only)"
    )
    print(
        f"p95 page GET {page['p95_ms']:.1f} ms vs /healthz {mini['total']['p95_ms']:.1f} ms; "
        f"goal p95 <= 100 ms: {'met' if page['p95_ms'] <= 100 else 'MISSED'}, "
        f"ratio >= 0.5: {'met' if headline['ratio_all_survey_requests'] >= 0.5 else 'MISSED'}"
    )
    return headline


def machine_busy_before(wait: float, seconds: float = 3) -> float:
    """How busy the machine is before we start (other work skews every figure).

    Waits up to `wait` seconds for it to be under 10 % busy.
    """
    give_up = time.monotonic() + wait
    while True:
        busy0 = _machine_busy()
        time.sleep(seconds)
        share = (_machine_busy() - busy0) / seconds / os.cpu_count()
        if share <= 0.1 or time.monotonic() > give_up:
            break
        print(f"machine {100 * share:.0f}% busy; waiting for it to be quiet")
    note = "  WARNING: the machine is not idle; figures will be low" if share > 0.1 else ""
    print(f"machine CPU busy before the run: {100 * share:.0f}%{note}")
    return share


def start_py_spy(args, pid: int):
    """Sample the gunicorn workers during the survey phase (py-spy is not a project dependency)."""
    if not args.py_spy:
        return None
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if exe is None:
        sys.exit("--py-spy needs py-spy: .venv/bin/pip install py-spy (not a project dependency)")
    opts = f"--subprocesses --nonblocking --rate 100 --duration {int(args.seconds) - 2}"
    opts += " --gil" if args.py_spy_gil else ""
    cmd = [exe, "record", "--pid", str(pid), *opts.split(), "--format", "raw"]
    cmd += ["-o", str(args.py_spy)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--respondents", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--demo-responses", type=int, default=600)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--survey", default="lh-leaving-hospital")
    ap.add_argument(
        "--think",
        type=float,
        default=0,
        help="survey phase only: mean seconds a respondent reads each page (default 0: none)",
    )
    ap.add_argument(
        "--wait-quiet",
        type=float,
        default=300,
        help="wait up to this many seconds for the machine to be idle before starting",
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--py-spy", type=Path, help="record the survey phase with py-spy to this file")
    ap.add_argument(
        "--py-spy-gil",
        action="store_true",
        help="with --py-spy: sample only the thread holding the GIL (CPU, not waits)",
    )
    args = ap.parse_args()
    random.seed(args.seed)
    idle_busy = machine_busy_before(args.wait_quiet)
    version = code_version()
    print(f"measuring commit {version}")

    with bench_server(
        args.db, args.workers, args.threads, args.demo_responses, args.seed, quiet=True
    ) as server:
        print(f"gunicorn at {server.url} on {args.db}; warming up {args.warmup:.0f} s")
        run_phase(server, "survey", args.respondents, args.warmup, args.survey)
        phases = {}
        for phase in ("minimal", "survey"):
            print(f"phase {phase}: {args.respondents} respondents for {args.seconds:.0f} s")
            spy = start_py_spy(args, server.proc.pid) if phase == "survey" else None
            think = args.think if phase == "survey" else 0
            phases[phase] = run_phase(
                server, phase, args.respondents, args.seconds, args.survey, think
            )
            if spy:
                spy.wait()
    headline = report(args, phases)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "args": vars(args) | {"json": str(args.json), "py_spy": str(args.py_spy)},
                    "machine_busy_before": idle_busy,
                    "commit": version,
                    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                    "phases": phases,
                    "headline": headline,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
