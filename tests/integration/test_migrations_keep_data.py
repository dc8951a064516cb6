"""Migrations never delete data: downgrades and upgrades of a populated database, on SQLite
(a file) and on PostgreSQL, keep every row, or refuse, naming the data, and change nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.cli import DEMO_AREA
from app.data import paper_entry, paper_print
from app.data.area import get_survey, load_area, read_area_file
from app.data.audit import Actor
from app.data.instruments import registry
from app.demo import generator
from app.extensions import db


def _config(*x_args: str):
    return current_app.extensions["migrate"].migrate.get_config(x_arg=list(x_args))


def _revisions() -> list[str]:
    """Every revision, newest first."""
    return [s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()]


def _migrate(direction: str, revision: str, *x_args: str) -> None:
    db.session.remove()  # no open transaction of ours may hold locks the migration needs
    getattr(command, direction)(_config(*x_args), revision)


def _version() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _row_counts() -> dict[str, int]:
    db.session.remove()
    with db.engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {n: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(n))) for n in names}


def _same_where_both(now: dict[str, int], before: dict[str, int]) -> None:
    both = now.keys() & before.keys()
    assert {t: now[t] for t in both} == {t: before[t] for t in both}


def _drop_everything() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        if conn.dialect.name == "postgresql":  # made by migration 0002, outlives its table
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE")


@pytest.fixture
def at_head(app):
    """An empty database built by the migrations alone, at the newest revision."""
    _drop_everything()
    _migrate("upgrade", "head")
    yield app
    _drop_everything()


@pytest.fixture
def populated(at_head, make_user):
    """The demo area, demo responses with their scores and profiles, and a staff account."""
    load_area(read_area_file(DEMO_AREA))
    generator.generate(40, seed=11, instruments=registry(), until=date(2026, 1, 31))
    make_user("admin", "volunteer")
    db.session.commit()
    counts = _row_counts()
    for table in ("response", "answer", "response_score", "response_profile", "audit_event"):
        assert counts[table] > 0, f"the demo data should fill {table}"
    return counts


def _add_paper_forms(make_user) -> None:
    """A print run, and a keyed batch with defaults whose form became a paper response."""
    user = make_user("volunteer", email="keyer@test.invalid")
    actor = Actor(user_id=user.id, email=user.email)
    survey = get_survey("lh-six-weeks-on")
    paper_print.print_run(
        actor, survey, 3, large_print=False, journey_codes=True, return_text="Hand it in"
    )
    batch = paper_entry.open_batch(
        actor,
        survey,
        place="Ward 7",
        collected_on=date(2026, 2, 1),
        forms_expected=1,
        double_entry=False,
        defaults={"who_answered": "patient"},
    )
    paper_entry.key_form(
        actor, batch, "1", {"who_answered": "patient", "service": "district-nursing"}
    )
    db.session.commit()


def test_each_downgrade_the_data_allows_keeps_every_row_and_the_next_one_refuses(populated):
    at_head = populated
    head, *older = _revisions()
    reached, refused = head, ""
    for revision in older:
        try:
            _migrate("downgrade", revision)
        except RuntimeError as exc:
            refused = str(exc)
            break
        _same_where_both(_row_counts(), at_head)
        reached = revision
    # Undoing 0003 would drop the stored scores and equality profiles the demo responses have.
    assert reached == "0003"
    assert f"response_profile ({at_head['response_profile']} rows)" in refused
    assert "response_score" in refused and "Nothing was changed" in refused
    assert _version() == "0003"
    _same_where_both(_row_counts(), at_head)

    _migrate("upgrade", "head")
    assert _row_counts() == at_head


def test_the_command_line_refuses_a_downgrade_that_would_drop_data(populated, app):
    result = app.test_cli_runner().invoke(args=["db", "downgrade", "0001"])
    assert result.exit_code == 1
    assert "Downgrade past revision 0003 refused" in result.output
    assert "-x drop_data=yes" in result.output
    assert _version() == _revisions()[0]
    assert _row_counts() == populated


def test_a_column_holding_data_refuses_until_told_and_even_then_no_row_goes(populated, make_user):
    _add_paper_forms(make_user)
    at_head = _row_counts()
    head, previous = _revisions()[:2]
    with pytest.raises(RuntimeError, match=r"response\.left_blank \(1 row with a value\)"):
        _migrate("downgrade", "base")
    assert _version() == head and _row_counts() == at_head

    _migrate("downgrade", previous, "drop_data=yes")
    assert _version() == previous
    _same_where_both(_row_counts(), at_head)
    with pytest.raises(RuntimeError, match=r"paper_batch\.defaults \(1 row with a value\)"):
        _migrate("downgrade", "-1")
    _migrate("upgrade", "head")
    assert _row_counts() == at_head


def test_every_downgrade_and_upgrade_runs_on_an_empty_database(at_head):
    _migrate("downgrade", "base")
    assert _version() is None
    assert set(_row_counts()) <= {"alembic_version"}
    _migrate("upgrade", "head")
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []


def test_on_sqlite_a_dangling_reference_stops_the_migration_and_changes_nothing(populated):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks every reference as it goes")
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA foreign_keys=OFF")
        raw.driver_connection.execute(
            "INSERT INTO answer (response_id, instrument_id, item_id, code) "
            "VALUES (999999, 'ctm-15', 'ctm_1', '4')"
        )
        raw.driver_connection.commit()
        raw.driver_connection.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()
    before = _row_counts()
    head, previous = _revisions()[:2]
    with pytest.raises(RuntimeError, match=r"1 row\(s\) refer to rows that do not exist \(answer"):
        _migrate("downgrade", previous)
    assert _version() == head
    with db.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("response")}
        assert "left_blank" in columns  # the rebuilt table was rolled back too
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert _row_counts() == before
