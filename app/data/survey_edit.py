"""Creating and changing surveys from the admin screens.

A response keeps its own stage, service and instrument versions, so editing a survey never
changes what earlier answers meant. Once a survey has a response its link (slug) and its
stage are fixed; everything else may change and applies to new responses only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app.data import DataError
from app.data.area_export import survey_spec
from app.data.audit import Actor, changes, record, record_now
from app.data.instruments import ABOUT_YOU, registry, survey_plan
from app.data.instruments import minutes_to_answer as plan_minutes
from app.extensions import db
from app.models import Pathway, Response, Service, Stage, Survey, SurveyInstrument
from app.models.area import STAGE_KINDS
from app.models.response import ROLES

__all__ = ["ABOUT_YOU", "ROLES", "STAGE_KINDS"]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class ChosenInstrument:
    id: str
    domains: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class SurveyInput:
    """What the survey form says, already parsed; checked by :func:`problems`."""

    slug: str = ""
    title: str = ""
    intro: str | None = None
    stage_id: int | None = None
    instruments: list[ChosenInstrument] = field(default_factory=list)
    service_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    opens_on: date | None = None
    closes_on: date | None = None


class SurveyProblems(DataError):
    """Every problem with a survey, by field: ``domains:<id>`` and ``items:<id>`` name the
    subset fields of one instrument."""

    def __init__(self, problems: dict[str, list[str]]):
        field_name, messages = next(iter(problems.items()))
        super().__init__(messages[0], field=field_name)
        self.problems = problems


# Reading


def survey_rows() -> list[tuple[Survey, int]]:
    """Every survey with its number of responses, by pathway then stage order."""
    counts = (
        select(Response.survey_id, func.count(Response.id).label("n"))
        .group_by(Response.survey_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Survey, func.coalesce(counts.c.n, 0))
        .join(Survey.stage)
        .join(Stage.pathway)
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .order_by(Pathway.name, Stage.position, Survey.slug)
    )
    return [(survey, n) for survey, n in rows]


def response_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.survey_id == survey.id))


def stage_options() -> list[Stage]:
    return list(
        db.session.scalars(select(Stage).join(Stage.pathway).order_by(Pathway.name, Stage.position))
    )


def service_options(survey: Survey | None = None) -> list[Service]:
    """Services a survey can cover: those not retired, and any already on this survey
    (so saving a survey never drops a retired service without the admin seeing it)."""
    current = {s.id for s in survey.services} if survey else set()
    services = db.session.scalars(select(Service).order_by(Service.name))
    return [s for s in services if not s.retired or s.id in current]


def instrument_options() -> list:
    """Instruments a survey can ask; About you is asked in every survey, so not listed."""
    return [i for i in sorted(registry().values(), key=lambda i: i.id) if i.id != ABOUT_YOU]


# Checking


def problems(data: SurveyInput, survey: Survey | None = None) -> dict[str, list[str]]:
    """Every problem with ``data`` (for a new survey, or a change to ``survey``), by field."""
    found: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        found.setdefault(where, []).append(message)

    answered = response_count(survey) if survey else 0
    if survey and answered and data.slug != survey.slug:
        add("slug", _locked(answered, "the link cannot change. Make a new survey instead"))
    elif not data.slug:
        add("slug", "Enter a short name for the link")
    elif not SLUG.match(data.slug) or len(data.slug) > 80:
        add(
            "slug",
            "The short name must use only lower-case letters, numbers and hyphens, start with "
            "a letter or number, and be 80 characters or fewer",
        )
    elif _slug_taken(data.slug, survey):
        add("slug", f"There is already a survey called {data.slug}. Choose another short name")

    if not data.title:
        add("title", "Enter a title")

    stage = db.session.get(Stage, data.stage_id) if data.stage_id else None
    if survey and answered and data.stage_id != survey.stage_id:
        add("stage", _locked(answered, "the stage cannot change. Make a new survey instead"))
    elif stage is None:
        add("stage", "Choose the pathway stage this survey asks about")

    _check_instruments(data.instruments, add)
    _check_services(data.service_ids, stage, survey, add)

    if not data.roles:
        add("roles", "Select at least one kind of person who can answer")
    elif set(data.roles) - set(ROLES):
        add("roles", "Choose from the options shown")

    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        add("closes_on", "The closing date must be the same as or after the opening date")
    return found


def _locked(answered: int, what: str) -> str:
    people = "1 response has" if answered == 1 else f"{answered} responses have"
    return f"{people} already been given to this survey, so {what}"


def _slug_taken(slug: str, survey: Survey | None) -> bool:
    query = select(Survey.id).where(Survey.slug == slug)
    if survey is not None:
        query = query.where(Survey.id != survey.id)
    return db.session.scalar(query) is not None


def _check_instruments(chosen: list[ChosenInstrument], add) -> None:
    if not chosen:
        add("instruments", "Select at least one instrument")
        return
    reg = registry()
    for c in chosen:
        inst = reg.get(c.id)
        if inst is None or c.id == ABOUT_YOU:
            add("instruments", f"{c.id} is not one of the instruments that can be chosen")
            continue
        wrong = [d for d in c.domains if d not in inst.domains]
        if wrong:
            add(f"domains:{c.id}", "Choose from the topics shown")
        ids = [i.id for i in inst.items]
        unknown = [i for i in c.items if i not in ids]
        if unknown:
            which = "the id" if len(unknown) == 1 else "the ids"
            add(
                f"items:{c.id}",
                f"{inst.title} has no statement with {which} {', '.join(unknown)}. Use ids "
                f"shown on the Instruments page, like {', '.join(ids[:2])}, separated by commas",
            )


def _check_services(service_ids: list[int], stage, survey, add) -> None:
    allowed = {s.id for s in service_options(survey)}
    if not service_ids:
        add("services", "Select at least one service")
    elif set(service_ids) - allowed:
        add("services", "Choose from the services shown: retired services cannot be added")
    elif stage is not None and stage.kind == "transition" and len(service_ids) < 2:
        add(
            "services",
            "Select at least two services: this stage is a move between services, so people "
            "choose one they moved from and another they moved to",
        )


# Changing


def create_survey(actor: Actor, data: SurveyInput) -> Survey:
    found = problems(data)
    if found:
        raise SurveyProblems(found)
    survey = Survey(slug=data.slug)
    db.session.add(survey)
    _apply(survey, data)
    db.session.flush()
    record(actor, "survey.create", f"survey {survey.slug}", after=survey_spec(survey))
    db.session.commit()
    return survey


def update_survey(actor: Actor, survey: Survey, data: SurveyInput) -> None:
    """Change a survey. Existing responses are not touched: they keep their own stage,
    services and instrument versions."""
    found = problems(data, survey)
    if found:
        raise SurveyProblems(found)
    before = survey_spec(survey)
    old_slug = survey.slug
    _apply(survey, data)
    db.session.flush()
    old, new = changes(before, survey_spec(survey))
    if new:
        record(actor, "survey.update", f"survey {old_slug}", before=old, after=new)
    db.session.commit()


def _apply(survey: Survey, data: SurveyInput) -> None:
    with db.session.no_autoflush:  # half-set rows must not be flushed by the lookups below
        _set_fields(survey, data)


def _set_fields(survey: Survey, data: SurveyInput) -> None:
    survey.slug, survey.title, survey.intro = data.slug, data.title, data.intro or None
    survey.stage = db.session.get(Stage, data.stage_id)
    survey.roles = [r for r in ROLES if r in data.roles]
    survey.opens_on, survey.closes_on = data.opens_on, data.closes_on
    chosen = select(Service).where(Service.id.in_(data.service_ids))
    survey.services = list(db.session.scalars(chosen))
    existing = {si.instrument_id: si for si in survey.instruments}
    rows = []
    for position, chosen in enumerate(data.instruments):
        row = existing.get(chosen.id) or SurveyInstrument(instrument_id=chosen.id)
        row.position = position
        row.domains, row.item_ids = chosen.domains or None, chosen.items or None
        rows.append(row)
    survey.instruments = rows


def poster_downloaded(actor: Actor, survey: Survey) -> None:
    record_now(actor, "download.poster", f"survey {survey.slug}")


def chosen_instruments(survey: Survey) -> list[tuple[SurveyInstrument, object, int]]:
    """Each instrument row of a survey with the loaded instrument (None if its file is
    gone) and how many statements it asks."""
    reg = registry()
    out = []
    for si in sorted(survey.instruments, key=lambda si: si.position):
        inst = reg.get(si.instrument_id)
        asked = len(inst.select(si.domains, si.item_ids)) if inst else 0
        out.append((si, inst, asked))
    return out


def minutes_to_answer(survey: Survey) -> int:
    return plan_minutes(survey_plan(survey))
