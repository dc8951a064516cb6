"""A backup restored gives the same report and the same export pseudonyms, on SQLite (the
online backup API, through ``flask backup``) and on PostgreSQL (pg_dump and pg_restore);
the pseudonyms follow PSEUDONYM_KEY, not SECRET_KEY."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app import create_app
from app.cli import DEMO_AREA
from app.data.area import load_area, read_area_file
from app.data.instruments import registry
from app.demo import generator
from app.extensions import db
from tests.conftest import needs


def _populate() -> None:
    load_area(read_area_file(DEMO_AREA))
    generator.generate(150, seed=5, instruments=registry(), until=date(2026, 1, 31))
    db.session.commit()


def _without_time(value):
    """The report, less the moment it was built, with numbers to 9 decimal places: a restored
    PostgreSQL database may read rows in another order, and a sum of floating-point scores
    in another order can differ in its last bits (far below anything a report shows)."""
    if isinstance(value, dict):
        return {k: _without_time(v) for k, v in value.items() if k != "generated_at"}
    if isinstance(value, list):
        return [_without_time(v) for v in value]
    if isinstance(value, float):
        return round(value, 9)
    return value


def _report_and_export(app, folder: Path) -> tuple[dict, list[dict]]:
    """What a commissioner and an analyst take away: the report (JSON) and the export rows."""
    folder.mkdir()
    with app.app_context():
        runner = app.test_cli_runner()
        report = runner.invoke(
            args=[
                "report",
                "--pathway",
                "leaving-hospital",
                "--format",
                "json",
                "--output",
                str(folder / "report.json"),
            ]
        )
        export = runner.invoke(args=["export", "responses", "--output", str(folder / "r.csv")])
        db.session.remove()
    assert report.exit_code == 0, report.output
    assert export.exit_code == 0, export.output
    rows = list(csv.DictReader(io.StringIO((folder / "r.csv").read_text(encoding="utf-8-sig"))))
    return _without_time(json.loads((folder / "report.json").read_text())), rows


def _restored_app(url: str, tmp_path: Path, pseudonym_key: str):
    """The app on the restored database, as after a move to a new server: the same
    PSEUDONYM_KEY kept with the backup, and a new SECRET_KEY (sessions)."""
    return create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path / "instruments"),
            "SECRET_KEY": "rotated-after-the-restore",
            "PSEUDONYM_KEY": pseudonym_key,
        },
    )


def _same_outputs(before, after) -> None:
    report, rows = before
    assert rows and any(not v.get("suppressed", False) for v in _figures(report))
    assert after[0] == report
    assert [(r["response"], r["journey"]) for r in after[1]] == [
        (r["response"], r["journey"]) for r in rows
    ]
    assert after[1] == rows


def _figures(report) -> list[dict]:
    """Every figure object in the report (each has a 'suppressed' flag)."""
    found = []
    stack = [report]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "suppressed" in value:
                found.append(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def test_a_sqlite_backup_restores_the_same_report_and_pseudonyms(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite backup; PostgreSQL is the next test")
    _populate()
    db.session.remove()
    before = _report_and_export(app, tmp_path / "before")

    backup = tmp_path / "backup.db"
    made = app.test_cli_runner().invoke(args=["backup", "--output", str(backup)])
    assert made.exit_code == 0, made.output
    again = app.test_cli_runner().invoke(args=["backup", "--output", str(backup)])
    assert again.exit_code == 1 and "already exists" in again.output

    db.drop_all()  # the live database is lost
    db.engine.dispose()
    restored = tmp_path / "restored.db"
    shutil.copyfile(backup, restored)  # restoring: the backup file, put in place
    restored_app = _restored_app(f"sqlite:///{restored}", tmp_path, app.config["PSEUDONYM_KEY"])
    _same_outputs(before, _report_and_export(restored_app, tmp_path / "after"))

    other_key = _restored_app(f"sqlite:///{restored}", tmp_path, "another key")
    _, rows = _report_and_export(other_key, tmp_path / "other")
    assert not {r["response"] for r in rows} & {r["response"] for r in before[1]}
    with restored_app.app_context():
        db.engine.dispose()
    with other_key.app_context():
        db.engine.dispose()


def test_a_postgresql_dump_restores_the_same_report_and_pseudonyms(app, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        needs("pg_dump and pg_restore", "install the postgresql client package")
    _populate()
    db.session.remove()
    before = _report_and_export(app, tmp_path / "before")
    url = db.engine.url
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "carejourney.dump"
    subprocess.run(["pg_dump", "-Fc", "--file", str(dump), libpq], check=True)

    db.drop_all()  # the live database is lost
    db.engine.dispose()
    # --clean --if-exists: over whatever is left (the audit trigger's function outlives tables)
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
    subprocess.run([*restore, "--dbname", libpq, str(dump)], check=True)
    restored_url = url.render_as_string(hide_password=False)
    restored_app = _restored_app(restored_url, tmp_path, app.config["PSEUDONYM_KEY"])
    _same_outputs(before, _report_and_export(restored_app, tmp_path / "after"))
    with restored_app.app_context():
        db.engine.dispose()


def test_production_refuses_to_start_without_a_pseudonym_key(tmp_path):
    with pytest.raises(RuntimeError, match="PSEUDONYM_KEY must be set"):
        create_app(
            "production",
            {
                "SECRET_KEY": "x" * 32,
                "PSEUDONYM_KEY": None,
                "PUBLIC_URL": "https://survey.example.org",
                "LOCAL_INSTRUMENTS_DIR": str(tmp_path),
            },
        )
