"""The loaded instrument registry, survey plans, and frozen instrument versions."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import InstrumentVersion, Survey
from surveys import Instrument, Registry
from surveys.model import PlannedInstrument

ABOUT_YOU = "about-you"
EXTENSION_KEY = "carejourney.instruments"


def registry() -> Registry:
    return current_app.extensions[EXTENSION_KEY]


def about_you() -> Instrument | None:
    return registry().get(ABOUT_YOU)


def survey_plan(survey: Survey) -> list[PlannedInstrument]:
    """The instruments a survey asks, each with the items chosen for its stage."""
    reg = registry()
    plan = []
    for chosen in survey.instruments:
        instrument = reg.get(chosen.instrument_id)
        if instrument is None:
            # A survey naming an instrument whose file was removed: ask the rest.
            current_app.logger.error(
                "survey %s names instrument %s, which is not loaded",
                survey.slug,
                chosen.instrument_id,
            )
            continue
        plan.append(
            PlannedInstrument(instrument, instrument.select(chosen.domains, chosen.item_ids))
        )
    return plan


def response_plan(response) -> list[PlannedInstrument]:
    """What a response still to be finished asks: the survey's instruments it started with.

    An instrument an administrator adds later is for new responses only; one removed stops
    being asked (answers already given to it are kept).
    """
    started = {v.instrument_id for v in response.instrument_versions}
    return [p for p in survey_plan(response.survey) if p.instrument.id in started]


def version_row(instrument: Instrument) -> InstrumentVersion:
    """The stored copy of this exact instrument content, created on first use."""
    row = _stored_version(instrument)
    if row is not None:
        return row
    row = InstrumentVersion(
        instrument_id=instrument.id,
        version=instrument.version,
        content_hash=instrument.content_hash,
        definition=dict(instrument.definition),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another request stored it first
        row = _stored_version(instrument)
    return row


def _stored_version(instrument: Instrument) -> InstrumentVersion | None:
    return db.session.scalar(
        select(InstrumentVersion).filter_by(
            instrument_id=instrument.id, content_hash=instrument.content_hash
        )
    )


def minutes_to_answer(plan) -> int:
    """A fair estimate for the start page: about 12 seconds a statement, plus a few minutes."""
    statements = max(len(p.items) for p in plan) if plan else 0
    return max(5, round(statements * 12 / 60 / 5) * 5 + 5)
