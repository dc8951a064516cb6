"""Recording and reading the audit trail. Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from app.data import NotFound
from app.extensions import db
from app.models import AuditEvent

# What each action means, for the filter on the audit page. Keep in step with record() calls.
ACTIONS = {
    "sign_in.success": "Signed in",
    "sign_in.failure": "Sign-in failed",
    "sign_in.throttled": "Sign-in refused: too many tries",
    "sign_out": "Signed out",
    "session.expired": "Session ended after inactivity",
    "password.set": "Password set from a link",
    "password.change": "Password changed",
    "user.create": "Account created",
    "user.update": "Account changed",
    "user.reset_link": "Password reset link made",
    "service.create": "Service created",
    "service.update": "Service changed",
    "pathway.create": "Pathway created",
    "pathway.update": "Pathway changed",
    "stage.create": "Stage added",
    "stage.update": "Stage changed",
    "stage.delete": "Stage removed",
    "stage.reorder": "Stages reordered",
    "survey.create": "Survey created",
    "survey.update": "Survey changed",
    "area.load": "Area file loaded",
    "export.area": "Area exported",
    "download.poster": "QR poster downloaded",
    "export.data": "Data exported",
    "report.download": "Report downloaded",
    "paper.import": "Paper responses imported from a spreadsheet",
    "paper.print": "Paper questionnaires numbered for printing",
    "paper.batch_open": "Batch of paper forms opened for keying",
    "paper.batch_close": "Batch of paper forms closed",
    "paper.batch_reopen": "Batch of paper forms reopened",
    "paper.key": "Paper form keyed in",
    "paper.correct": "Keyed paper form corrected",
    "paper.resolve": "Double-entry differences resolved",
    "responses.purge": "Unfinished responses with no answers removed",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; views build it from the request (app.auth)."""

    user_id: int | None
    email: str | None
    address: str | None = None
    request_id: str | None = None


SYSTEM = Actor(user_id=None, email="command line")


def record(
    actor: Actor,
    action: str,
    target: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction: it is saved with the change it describes,
    or not at all. The caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_email=actor.email,
        action=action,
        target=target,
        address=actor.address,
        request_id=actor.request_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_now(actor: Actor, action: str, target: str | None = None, **changes) -> None:
    """Record an event that has no other change to go with (a sign-in, a download)."""
    record(actor, action, target, **changes)
    db.session.commit()


def changes(before: dict, after: dict) -> tuple[dict | None, dict | None]:
    """Only the fields that differ, so an audit row says what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    if not keys:
        return None, None
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def query_events(
    action: str | None = None,
    who: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select:
    """Newest first, filtered; the view paginates it."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(AuditEvent.actor_email.ilike(f"%{who.strip()}%"))
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return query


def events_for(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(query_events(action=action)))


def events_page(page: int, per_page: int, **filters):
    """One page of the filtered trail (a Flask-SQLAlchemy Pagination).

    A page before the first or after the last is NotFound. The first test keeps a huge page
    number out of the query's OFFSET, which the database refuses past its integer range:
    ids are 32-bit integers, so no trail is longer than 2**31 events.
    """
    if page < 1 or (page - 1) * per_page >= 2**31:
        raise NotFound(f"There is no page {page} of the audit trail")
    found = db.paginate(query_events(**filters), page=page, per_page=per_page, error_out=False)
    if page > max(found.pages, 1):
        raise NotFound(f"There is no page {page} of the audit trail")
    return found
