"""Rows for the response-level export (reports.response_export does the rest, purely)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.data.instruments import ABOUT_YOU, registry
from app.data.report_queries import ReportFilter, conditions
from app.data.reports import EQUALITY, measure_labels, value_labels
from app.extensions import db
from app.models import (
    Answer,
    Pathway,
    Response,
    ResponseProfile,
    ResponseScore,
    Service,
    Stage,
    Survey,
)
from app.models.response import ROLES
from reports.response_export import pseudonym, suppress_rare

BASE = {
    "response": "Pseudonym of the response (the same in every export from this installation)",
    "journey": "Pseudonym of the person's journey: responses with the same value are one person",
    "pathway": "Care pathway (slug)",
    "survey": "Survey (slug)",
    "stage": "Pathway stage (slug)",
    "service": "Service answered about, or the service moved from (code)",
    "from_service": "For a move between services: the service moved from (code)",
    "to_service": "For a move between services: the service moved to (code)",
    "role": "Who answered",
    "channel": "How they answered",
    "completed_on": "Date completed (UTC)",
}


def pseudonym_key(key: str) -> bytes:
    """Pseudonyms stay stable across exports (and restores) made with the same PSEUDONYM_KEY.

    Derived as it was from SECRET_KEY before PSEUDONYM_KEY existed: setting PSEUDONYM_KEY to
    the old SECRET_KEY keeps every earlier pseudonym."""
    return hashlib.sha256(key.encode() + b"response-export").digest()


def export(f: ReportFilter, secret: bytes, threshold: int) -> tuple[list[dict], dict, dict]:
    """(rows, column meanings, coded values) for complete responses matching the filter."""
    # The same conditions again rather than IN (ids): SQLite allows 32,766 parameters.
    where = conditions(f)
    service, moved_from, moved_to = (aliased(Service) for _ in range(3))
    stmt = (
        select(
            Response.id,
            Response.journey_id,
            Pathway.slug,
            Survey.slug,
            Stage.slug,
            service.code,
            moved_from.code,
            moved_to.code,
            Response.role,
            Response.channel,
            Response.completed_at,
            *(getattr(ResponseProfile, d) for d in EQUALITY),
        )
        .join(Survey, Survey.id == Response.survey_id)
        .join(Stage, Stage.id == Response.stage_id)
        .join(Pathway, Pathway.id == Stage.pathway_id)
        .outerjoin(service, service.id == Response.service_id)
        .outerjoin(moved_from, moved_from.id == Response.from_service_id)
        .outerjoin(moved_to, moved_to.id == Response.to_service_id)
        .outerjoin(ResponseProfile, ResponseProfile.response_id == Response.id)
        .where(*where)
        .order_by(Response.completed_at, Response.id)
    )
    rows, ids = [], []
    for r in db.session.execute(stmt):
        ids.append(r[0])
        rows.append(
            {
                "response": pseudonym(secret, "response", r[0]),
                "journey": pseudonym(secret, "journey", r[1]),
                "pathway": r[2],
                "survey": r[3],
                "stage": r[4],
                "service": r[5],
                "from_service": r[6],
                "to_service": r[7],
                "role": r[8],
                "channel": r[9],
                "completed_on": r[10].date().isoformat() if r[10] else None,
                **dict(zip(EQUALITY, r[11:], strict=True)),
            }
        )
    by_id = dict(zip(ids, rows, strict=True))
    measures = measure_labels()
    for response_id, measure, score in (
        db.session.execute(
            select(ResponseScore.response_id, ResponseScore.measure, ResponseScore.score)
            .join(Response, Response.id == ResponseScore.response_id)
            .where(*where)
        )
        if ids
        else ()
    ):
        by_id[response_id][f"score:{measure}"] = round(score, 2)
    items: dict[str, str] = {}
    reg = registry()
    for response_id, instrument, item, code in (
        db.session.execute(
            select(Answer.response_id, Answer.instrument_id, Answer.item_id, Answer.code)
            .join(Response, Response.id == Answer.response_id)
            .where(*where, Answer.code.is_not(None), Answer.instrument_id != ABOUT_YOU)
        )
        if ids
        else ()
    ):
        column = f"{instrument}:{item}"
        by_id[response_id][column] = code
        if column not in items and instrument in reg:
            items[column] = reg[instrument].item(item).text
    rows = suppress_rare(rows, EQUALITY, threshold)
    scores = sorted({k for r in rows for k in r if k.startswith("score:")})
    meanings = {
        **BASE,
        **{d: f"Equality: {d.replace('_', ' ')} (rare values suppressed)" for d in EQUALITY},
        **{s: f"Score 0-100: {measures.get(s[6:], s[6:])}" for s in scores},
        **dict(sorted(items.items())),
    }
    labels = value_labels()
    coded = {
        "role": dict(ROLES),
        "channel": {"web": "Online", "paper": "Paper form", "phone": "By phone"},
        **{
            d: {v: labels.get(v, v) for v in sorted({r[d] for r in rows if r.get(d)})}
            for d in EQUALITY
        },
    }
    for column in items:
        instrument, item = column.split(":", 1)
        scale = reg[instrument].item(item).scale
        coded[column] = {o.code: o.label for o in scale.options} if scale else {}
    return rows, meanings, coded
