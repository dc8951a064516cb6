"""Audit rows for each audited action on accounts and sign-in; rows cannot be changed.

Set-up changes (services, pathways, surveys), exports and downloads are checked beside
the screens that make them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from app.data.audit import SYSTEM, events_for, record
from app.extensions import db
from app.models import AuditEvent, StaffSession
from app.models.audit import AuditRowChanged
from app.models.response import utcnow
from tests.conftest import STAFF_PASSWORD, sign_in


def only(action: str) -> AuditEvent:
    events = events_for(action)
    assert len(events) == 1, f"{action}: {len(events)} rows"
    return events[0]


def test_sign_in_events_record_who_when_and_from_where(app, make_user):
    user = make_user("admin")
    client = app.test_client()
    sign_in(client, user.email, "wrong-wrong-wrong")
    sign_in(client, user.email)
    client.post("/staff/sign-out")
    failure, success, out = only("sign_in.failure"), only("sign_in.success"), only("sign_out")
    assert failure.actor_email == success.actor_email == out.actor_email == user.email
    assert failure.actor_id is None and success.actor_id == user.id
    assert success.address == "127.0.0.1" and success.request_id
    assert abs(success.at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) < timedelta(
        minutes=1
    )


def test_session_expiry_and_throttling_are_recorded(app, make_user):
    user = make_user("admin")
    client = app.test_client()
    sign_in(client, user.email)
    db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    client.get("/admin/users")
    only("session.expired")
    for _ in range(app.config["SIGNIN_FAILURES_PER_ACCOUNT"] + 1):
        sign_in(client, user.email, "wrong-wrong-wrong")
    assert only("sign_in.throttled").actor_email == user.email


def test_account_changes_record_before_and_after(admin_client, app):
    admin_client.post(
        "/admin/users/new",
        data={"name": "Sam Lee", "email": "sam@example.org", "roles": ["volunteer"]},
    )
    created = next(e for e in events_for("user.create") if e.target == "user sam@example.org")
    assert created.after == {
        "email": "sam@example.org",
        "name": "Sam Lee",
        "roles": ["volunteer"],
        "active": True,
    }
    assert created.actor_email == "admin@test.invalid"
    user_id = db.session.scalar(text("select id from staff_user where email='sam@example.org'"))
    admin_client.post(
        f"/admin/users/{user_id}",
        data={"name": "Sam Lee", "roles": ["volunteer", "commissioner"], "active": "yes"},
    )
    changed = only("user.update")
    assert changed.before == {"roles": ["volunteer"]}
    assert changed.after == {"roles": ["commissioner", "volunteer"]}
    admin_client.post(f"/admin/users/{user_id}/reset-link")
    assert only("user.reset_link").target == "user sam@example.org"


def test_password_set_and_change_are_recorded_without_the_password(admin_client, app, make_user):
    user = make_user("volunteer")
    client = app.test_client()
    sign_in(client, user.email)
    new = "garnet-island-pepper-willow"
    client.post("/staff/account", data={"current": STAFF_PASSWORD, "password": new, "confirm": new})
    changed = only("password.change")
    assert new not in str(changed.before) + str(changed.after)
    page = admin_client.post(f"/admin/users/{user.id}/reset-link")
    link = BeautifulSoup(page.text, "html.parser").select_one("#password-link").text
    app.test_client().post(link, data={"password": new + "-x", "confirm": new + "-x"})
    assert only("password.set").after == {"link": "reset"}


def test_the_trail_can_be_filtered(admin_client, app, make_user):
    volunteer = make_user("volunteer")
    sign_in(app.test_client(), volunteer.email, "wrong-wrong-wrong")
    page = admin_client.get("/admin/audit?action=sign_in.failure")
    rows = BeautifulSoup(page.text, "html.parser").select("tbody tr")
    assert len(rows) == 1 and "volunteer@test.invalid" in rows[0].text
    by_person = admin_client.get("/admin/audit?who=VOLUNTEER")
    rows = BeautifulSoup(by_person.text, "html.parser").select("tbody tr")
    assert rows and all("volunteer@test.invalid" in row.text for row in rows)
    future = admin_client.get("/admin/audit?since=2099-01-01")
    assert "No events match" in future.text
    bad = admin_client.get("/admin/audit?until=31/12/2026")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text


def test_audit_rows_cannot_be_changed_through_the_app(app):
    event = record(SYSTEM, "export.data", "test")
    db.session.commit()
    event.target = "rewritten"
    with pytest.raises(AuditRowChanged):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditRowChanged):
        db.session.commit()
    db.session.rollback()
    # No route can change the trail: its only page is read only.
    methods = {m for r in app.url_map.iter_rules() if "audit" in r.rule for m in r.methods} - {
        "HEAD",
        "OPTIONS",
    }
    assert methods == {"GET"}


def test_the_database_refuses_changes_to_audit_rows_after_migration(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    record(SYSTEM, "export.data", "kept")
    db.session.commit()
    for statement in ("UPDATE audit_event SET target = 'changed'", "DELETE FROM audit_event"):
        with (
            pytest.raises(DBAPIError, match="audit rows cannot be changed"),
            db.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    assert db.session.scalar(text("select target from audit_event")) == "kept"
