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
from surveys.loader import content_hash


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
    head = _revisions()[0]
    with pytest.raises(RuntimeError, match=r"response\.left_blank \(1 row with a value\)"):
        _migrate("downgrade", "base")
    assert _version() == head and _row_counts() == at_head

    _migrate("downgrade", "0006", "drop_data=yes")  # past 0007, which drops left_blank
    assert _version() == "0006"
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
    head = _revisions()[0]
    with pytest.raises(RuntimeError, match=r"1 row\(s\) refer to rows that do not exist \(answer"):
        _migrate("downgrade", "0006")  # 0008 and 0007 each rebuild a table
    assert _version() == head
    with db.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("response")}
        assert "left_blank" in columns  # the rebuilt tables were rolled back too
        columns = {c["name"] for c in sa.inspect(conn).get_columns("response_score")}
        assert {"top", "bottom"} <= columns
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert _row_counts() == before


# --- 0008: top and bottom counts, CTM-3 from CTM-15, three disability answers ----------------

SCORES = sa.table(
    "response_score", *(sa.column(c) for c in ("response_id", "measure", "score", "top", "bottom"))
)
CTM3_IN_CTM15 = ("ctm02", "ctm09", "ctm13")


def _scores(*columns: str) -> dict[tuple[int, str], tuple]:
    db.session.remove()
    names = ("response_id", "measure", "score", "answered", "asked", *columns)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(*(sa.column(c) for c in names)).select_from(SCORES))
        return {(rid, m): tuple(rest) for rid, m, *rest in rows}


def _disability() -> dict[int, str]:
    with db.engine.connect() as conn:
        return dict(
            conn.exec_driver_sql("SELECT response_id, disability FROM response_profile").all()
        )


def _as_before_0008() -> None:
    """What a database at 0007 held: CTM-15 answered on version 1.0.0 (no short_forms block),
    no CTM-3 score for a CTM-15 response (the old code made none)."""
    old = {k: v for k, v in registry()["ctm-15"].definition.items() if k != "short_forms"}
    old["version"] = "1.0.0"
    versions = sa.table(
        "instrument_version",
        sa.column("instrument_id"),
        sa.column("version"),
        sa.column("content_hash"),
        sa.column("definition", sa.JSON),
    )
    with db.engine.begin() as conn:
        conn.execute(
            versions.update()
            .where(versions.c.instrument_id == "ctm-15")
            .values(version="1.0.0", content_hash=content_hash(old), definition=old)
        )
        conn.exec_driver_sql(
            "DELETE FROM response_score WHERE measure = 'ctm-3' AND response_id IN "
            "(SELECT response_id FROM answer WHERE instrument_id = 'ctm-15')"
        )


def _ctm3_by_hand() -> dict[int, tuple[float, int, int, int, int]]:
    """Each CTM-15 response's CTM-3 from its items 2, 9, 13: (score, answered, asked, top,
    bottom), where at least 2 of the 3 have a 1-4 answer ("dk" is no answer)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT response_id, item_id, code FROM answer WHERE instrument_id = 'ctm-15' "
                "AND item_id IN ('ctm02', 'ctm09', 'ctm13')"
            )
        ).all()
    asked: dict[int, int] = {}
    values: dict[int, list[int]] = {}
    for rid, _, code in rows:
        asked[rid] = asked.get(rid, 0) + 1
        values.setdefault(rid, [])
        if code in ("1", "2", "3", "4"):
            values[rid].append(int(code))
    return {
        rid: (
            pytest.approx((sum(v) / len(v) - 1) / 3 * 100),
            len(v),
            asked[rid],
            v.count(4),
            v.count(1) + v.count(2),
        )
        for rid, v in values.items()
        if len(v) >= 2
    }


def test_an_upgrade_to_0008_leaves_the_scores_a_fresh_scoring_gives(populated):
    """Straight after the upgrade: every score row has its top and bottom counts, each CTM-15
    response has its CTM-3 score (though answered on CTM-15 1.0.0, before the mapping), and
    profiles have the three disability answers, all as scoring the responses today gives."""
    fresh = _scores("top", "bottom")  # the demo generator scores as completion does
    fresh_disability = _disability()
    by_hand = _ctm3_by_hand()
    assert len(by_hand) >= 5, "the demo data should have CTM-15 responses with a CTM-3 score"
    assert {(rid, "ctm-3"): row for rid, row in by_hand.items()} == {
        key: row for key, row in fresh.items() if key[0] in by_hand and key[1] == "ctm-3"
    }
    assert any(row[-2] for row in fresh.values()) and any(row[-1] for row in fresh.values())
    assert {"limited_a_lot", "limited_a_little", "not_disabled"} <= set(fresh_disability.values())

    _migrate("downgrade", "0007")
    _as_before_0008()
    assert not any(rid in by_hand for rid, m in _scores() if m == "ctm-3")
    assert "disabled" in _disability().values()  # the downgrade restored the old answer
    assert set(_disability().values()) & {"limited_a_lot", "limited_a_little"} == set()

    _migrate("upgrade", "head")
    assert _scores("top", "bottom") == fresh
    assert _disability() == fresh_disability
