"""Removing what abandoned (or scripted) starts leave behind.

Only two things are ever removed, both holding nothing a person said:
- unfinished web responses with no answers, untouched since the cutoff;
- journeys with no response left, made before the cutoff and not printed on a paper form
  (a journey page posted twice, or a start that was removed above).
A response with any answer, or a sent one, is never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists

from app.data.audit import SYSTEM, Actor, record
from app.extensions import db
from app.models import Answer, Journey, PaperForm, PaperPrintedForm, Response


@dataclass(frozen=True)
class Purged:
    responses: int
    journeys: int


def purge_unfinished(before: datetime, actor: Actor = SYSTEM) -> Purged:
    """Remove empty unfinished web responses last changed before ``before``, then the journeys
    left with no response. One transaction; recorded in the audit trail when anything went."""
    # The conditions are in the DELETE itself, not a list read first, so a response answered
    # while this runs is no longer matched. Its response_instrument rows go with it (the
    # foreign key cascades, on SQLite too: app/__init__.py turns foreign keys on).
    responses = db.session.execute(
        delete(Response)
        .where(
            Response.status == "in_progress",
            Response.channel == "web",
            Response.updated_at < before,
            ~exists().where(Answer.response_id == Response.id),
            ~exists().where(PaperForm.response_id == Response.id),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    journeys = db.session.execute(
        delete(Journey)
        .where(
            Journey.created_at < before,
            ~exists().where(Response.journey_id == Journey.id),
            ~exists().where(PaperPrintedForm.journey_id == Journey.id),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if responses or journeys:
        record(
            actor,
            "responses.purge",
            "unfinished responses",
            after={"responses": responses, "journeys": journeys, "before": before.isoformat()},
        )
    db.session.commit()
    return Purged(responses, journeys)
