"""Start Carejourney under gunicorn on a scratch database, for the benchmarks; clean up after.

    with bench_server("sqlite", workers=4, threads=4) as srv:
        srv.url            # http://127.0.0.1:<free port>
        srv.cpu_seconds()  # user+system CPU of the gunicorn master and workers so far

SQLite: a fresh file in a temp dir. PostgreSQL: a scratch database (default
carejourney_bench, owner carejourney) in the local cluster, dropped afterwards.
Either way: ``flask db upgrade`` then ``flask demo --responses N --seed S``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_CLUSTER = ("15", "main")
PG_ROLE = PG_PASSWORD = "carejourney"
PG_DB = "carejourney_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql: str, db: str = "postgres") -> str:
    as_postgres = (
        ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else ["sudo", "-u", "postgres"]
    )
    cmd = [*as_postgres, "psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def _postgres_up() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode != 0:
        subprocess.run(["pg_ctlcluster", *PG_CLUSTER, "start"], check=True)
        for _ in range(50):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not come up")


def _postgres_scratch_db() -> str:
    _postgres_up()
    if not _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'"):
        _psql(f"CREATE ROLE {PG_ROLE} LOGIN PASSWORD '{PG_PASSWORD}'")
    _psql(f"DROP DATABASE IF EXISTS {PG_DB}")
    _psql(f"CREATE DATABASE {PG_DB} OWNER {PG_ROLE}")
    return f"postgresql+psycopg://{PG_ROLE}:{PG_PASSWORD}@127.0.0.1:5432/{PG_DB}"


def _proc_cpu(pid: int) -> float:
    """utime+stime of one process, in seconds (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU used so far by the PostgreSQL server processes (0 with SQLite: none run)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().startswith(f"{stat.parent.name} (postgres)"):
                total += _proc_cpu(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    env: dict

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [self.proc.pid, *map(int, children.read_text().split())]

    def cpu_seconds(self) -> float:
        return sum(_proc_cpu(pid) for pid in self.pids())


def app_env(database_url: str, instance: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        CAREJOURNEY_ENV="production",
        CAREJOURNEY_INSTANCE=str(instance),
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        PSEUDONYM_KEY="bench-only-" + os.urandom(16).hex(),
        # Plain HTTP on loopback: a Secure session cookie would never be sent back, and a
        # redirect to HTTPS would answer every request.
        SESSION_COOKIE_SECURE="0",
        FORCE_HTTPS="0",
        # Production needs a public address; the benchmarks follow no link the app builds.
        PUBLIC_URL="http://127.0.0.1",
    )
    return env


@contextlib.contextmanager
def scratch_database(db: str, demo_responses: int = 600, seed: int = 2026, quiet: bool = False):
    """Yield the environment for the app on a fresh, migrated database with demo data."""
    tmp = Path(tempfile.mkdtemp(prefix="carejourney-bench-"))
    try:
        if db == "sqlite":
            url = f"sqlite:///{tmp / 'bench.db'}"
        elif db == "postgres":
            url = _postgres_scratch_db()
        else:
            raise ValueError(db)
        env = app_env(url, tmp / "instance")
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        out = subprocess.DEVNULL if quiet else None
        subprocess.run(
            [*flask, "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [*flask, "demo", "--responses", str(demo_responses), "--seed", str(seed)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield env
    finally:
        if db == "postgres":
            with contextlib.suppress(subprocess.CalledProcessError):
                _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def bench_server(
    db: str,
    workers: int = 4,
    threads: int = 4,
    demo_responses: int = 600,
    seed: int = 2026,
    quiet: bool = False,
):
    with scratch_database(db, demo_responses, seed, quiet) as env:
        port = free_port()
        cmd = [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                raise RuntimeError("gunicorn did not answer /healthz")
            time.sleep(0.5)  # let every worker finish importing
            yield Server(base, proc, env)
        finally:
            proc.send_signal(signal.SIGTERM)  # the gunicorn master stops its own workers
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def code_version() -> str:
    """The commit being measured, and whether the app's files differ from it."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", ".", ":!bench"], capture_output=True, text=True
    )
    state = "uncommitted changes outside bench/" if dirty.stdout.strip() else "clean"
    return f"{head.stdout.strip() or 'unknown'} ({state})"


def gunicorn_version() -> str:
    return subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()


def cpu_model() -> str:
    """The CPU's model name, for a benchmark's record of its machine."""
    return next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
