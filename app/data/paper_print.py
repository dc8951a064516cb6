"""Print runs of paper questionnaires: numbering the forms, their journey codes, the record.

Printed forms are numbered P1, P2, ... per survey, carrying on after the last number printed
and after any P-number already entered for the survey another way (a spreadsheet). Numbers are
handed out under a lock on the survey's row, so two volunteers printing for the same survey at
the same moment get different numbers: the second waits for the first to commit, then counts
on from its last number. ``paper_printed_form``'s unique (survey, number) backs that up: a
clash fails the print run instead of printing a number twice.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.data import DataError, NotFound
from app.data.audit import Actor, record
from app.data.instruments import about_you, minutes_to_answer, survey_plan
from app.data.paper_forms import layout_for, printed_number
from app.data.responses import create_journey
from app.extensions import db
from app.models import PaperForm, Survey
from app.models.paper_print import (
    FORM_NUMBER_PREFIX,
    MAX_FORMS_PER_RUN,
    PaperPrintedForm,
    PaperPrintRun,
)
from app.paper_questionnaire import Questionnaire, build

MAX_FORMS = MAX_FORMS_PER_RUN
MAX_RETURN_TEXT = 600


def questionnaire(survey: Survey) -> Questionnaire:
    """What the survey's printed form asks, from the same plan the phone asks."""
    plan = survey_plan(survey)
    instruments = {p.instrument.id: p.instrument for p in plan}
    about = about_you()
    if about is not None:
        instruments[about.id] = about
    return build(layout_for(survey), instruments, stage_name=survey.stage.name)


def minutes(survey: Survey) -> int:
    return minutes_to_answer(survey_plan(survey))


def check_forms(forms: int | None) -> int:
    if forms is None or not 1 <= forms <= MAX_FORMS:
        raise DataError(f"Enter a number of forms from 1 to {MAX_FORMS}", "forms")
    return forms


def print_run(
    actor: Actor,
    survey: Survey,
    forms: int,
    *,
    large_print: bool,
    journey_codes: bool,
    return_text: str,
) -> PaperPrintRun:
    """Number ``forms`` new forms for ``survey`` (with a new journey each, if asked) and record
    the run. Commits."""
    check_forms(forms)
    return_text = " ".join(return_text.split())
    if not return_text:
        raise DataError("Enter how people give the form back", "return_text")
    if len(return_text) > MAX_RETURN_TEXT:
        raise DataError(
            f"How people give the form back must be {MAX_RETURN_TEXT} characters or fewer",
            "return_text",
        )
    # Row lock (PostgreSQL): a second run for this survey waits here until this one commits.
    # SQLite lets one transaction write at a time, and the unique key refuses what slips by.
    db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    last = db.session.scalar(
        select(func.max(PaperPrintRun.last_number)).where(PaperPrintRun.survey_id == survey.id)
    )
    first = max(last or 0, _highest_entered(survey)) + 1
    run = PaperPrintRun(
        survey_id=survey.id,
        first_number=first,
        last_number=first + forms - 1,
        forms=forms,
        large_print=large_print,
        journey_codes=journey_codes,
        return_text=return_text,
        printed_by_id=actor.user_id,
    )
    db.session.add(run)
    for number in range(first, first + forms):
        journey = create_journey() if journey_codes else None
        run.printed.append(PaperPrintedForm(survey_id=survey.id, number=number, journey=journey))
    db.session.flush()
    record(
        actor,
        "paper.print",
        f"survey {survey.slug}",
        after={
            "run": run.id,
            "forms": forms,
            "first": run.first_form_number,
            "last": run.last_form_number,
            "large_print": large_print,
            "journey_codes": journey_codes,
        },
    )
    db.session.commit()
    return run


def _highest_entered(survey: Survey) -> int:
    """The highest P-number already entered for the survey by other means (a group that
    numbered its own forms P1, P2 in a spreadsheet): printing carries on after it."""
    entered = db.session.scalars(
        select(PaperForm.form_number).where(
            PaperForm.survey_id == survey.id,
            PaperForm.form_number.like(f"{FORM_NUMBER_PREFIX}%"),
        )
    )
    digits = (number[len(FORM_NUMBER_PREFIX) :] for number in entered)
    return max((int(d) for d in digits if d.isdigit()), default=0)


def get_run(run_id: int) -> PaperPrintRun:
    """A print run with its forms and their journeys (two queries, not one per form)."""
    forms = selectinload(PaperPrintRun.printed).selectinload(PaperPrintedForm.journey)
    run = db.session.get(PaperPrintRun, run_id, options=[forms])
    if run is None:
        raise NotFound("We could not find that print run.")
    return run


def recent_runs(user_id: int | None, limit: int = 20) -> list[PaperPrintRun]:
    """The latest print runs: a volunteer's own, or everyone's for ``user_id`` None."""
    query = select(PaperPrintRun).order_by(PaperPrintRun.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(PaperPrintRun.printed_by_id == user_id)
    return list(db.session.scalars(query))


def printed_form(survey: Survey, form_number: str) -> PaperPrintedForm | None:
    """The printed form with this (normalised) number, for keyed entry to check against:
    None for a number this app did not print."""
    number = printed_number(form_number)
    if number is None:
        return None
    return db.session.scalar(
        select(PaperPrintedForm).where(
            PaperPrintedForm.survey_id == survey.id, PaperPrintedForm.number == number
        )
    )
