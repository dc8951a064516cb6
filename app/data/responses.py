"""Starting, saving, resuming and completing responses, and linking them into journeys."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import journey_code
from app.data import DataError, NotFound
from app.data.area import live_services
from app.data.instruments import about_you, survey_plan, version_row
from app.data.scores import store_scores
from app.extensions import db
from app.models import Answer, Journey, Response, Survey
from app.models.response import utcnow

CODE_ATTEMPTS = 8


def new_token() -> str:
    return secrets.token_urlsafe(24)


def create_journey(generate=journey_code.generate) -> Journey:
    """A journey with a fresh code; a clash with an existing code is retried."""
    for _ in range(CODE_ATTEMPTS):
        journey = Journey(code=generate())
        try:
            with db.session.begin_nested():
                db.session.add(journey)
        except IntegrityError:
            continue
        return journey
    raise RuntimeError("could not find an unused journey code")


def find_journey(code: str) -> Journey | None:
    return db.session.scalar(select(Journey).filter_by(code=code))


def start_response(survey: Survey, token: str, code: str | None = None) -> Response:
    """Create the response for this start token, or return the one it already made.

    The token is issued with the start page, so a double tap or a resent form finds
    the first response instead of making a second.
    """
    existing = get_response(token, missing_ok=True)
    if existing is not None:
        return existing
    journey = find_journey(code) if code else None
    versions = [version_row(p.instrument) for p in survey_plan(survey)]
    response = Response(
        token=token,
        survey_id=survey.id,
        stage_id=survey.stage_id,
        channel="web",
        status="in_progress",
        pages_done=[],
        instrument_versions=versions,
    )
    if len(survey.roles) == 1:
        response.role = survey.roles[0]
    live = live_services(survey)
    if survey.stage.kind == "episode" and len(live) == 1:
        response.service_id = live[0].id
    try:
        with db.session.begin_nested():
            db.session.add(response)
            response.journey = journey
    except IntegrityError:  # the same start arrived twice at once
        return get_response(token)
    db.session.commit()
    return response


def get_response(token: str, missing_ok: bool = False) -> Response | None:
    response = db.session.scalar(select(Response).filter_by(token=token))
    if response is None and not missing_ok:
        raise NotFound("We could not find that survey response.")
    return response


def answers_for(response: Response) -> dict[tuple[str, str], Answer]:
    return {(a.instrument_id, a.item_id): a for a in response.answers}


def hold(response: Response) -> None:
    """Take the response for the rest of this transaction, then reload it as the last writer
    left it. Every change to a started response begins here
    (docs/decisions/0005-one-writer-per-response.md).

    Two copies of one request (a retry after a time-out, a double tap) then run one after the
    other, and the second finds the first's work done: its answers to update, not insert; the
    page already marked done; the journey already made; the response already complete.
    The one statement that takes this lock on both databases is a write: on PostgreSQL it locks
    the row (as SELECT ... FOR UPDATE would); SQLite has no row locks, and as pysqlite opens a
    transaction at its first write, this takes the database's write lock (as BEGIN IMMEDIATE).
    """
    db.session.execute(
        update(Response).where(Response.id == response.id).values(updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    # What this request read before the lock may be stale: reload the row, its answers and
    # (lazily) its journey. populate_existing overwrites the objects already in the session.
    db.session.execute(
        select(Response)
        .where(Response.id == response.id)
        .options(selectinload(Response.answers))
        .execution_options(populate_existing=True)
    ).one()


def mark_done(response: Response, page_id: str) -> None:
    if page_id not in (response.pages_done or []):
        response.pages_done = [*(response.pages_done or []), page_id]


def save_answers(
    response: Response,
    instrument_id: str,
    codes: Mapping[str, str | None] | None = None,
    texts: Mapping[str, str | None] | None = None,
    page_id: str | None = None,
) -> None:
    """Store one page's answers; a blank value removes an earlier answer."""
    hold(response)
    _check_editable(response)
    current = answers_for(response)
    for item_id, value in (codes or {}).items():
        _put(response, current, instrument_id, item_id, code=value or None)
    for item_id, value in (texts or {}).items():
        _put(response, current, instrument_id, item_id, text=(value or "").strip() or None)
    if page_id:
        mark_done(response, page_id)
    db.session.commit()


def _put(response, current, instrument_id, item_id, code=None, text=None):
    answer = current.get((instrument_id, item_id))
    if code is None and text is None:
        if answer is not None:
            response.answers.remove(answer)
        return
    if answer is None:
        answer = Answer(instrument_id=instrument_id, item_id=item_id)
        response.answers.append(answer)
    answer.code, answer.text = code, text


def _check_editable(response: Response) -> None:
    if response.status == "complete":
        raise DataError("This response has already been sent and cannot be changed.")


def set_role(response: Response, role: str, page_id: str) -> None:
    hold(response)
    _check_editable(response)
    response.role = role
    mark_done(response, page_id)
    db.session.commit()


def set_services(
    response: Response,
    page_id: str,
    service_id: int | None = None,
    from_id: int | None = None,
    to_id: int | None = None,
) -> None:
    """Record the service, or for a move between services where from and to.

    For a transition the response's service is the one the person moved *from*: the
    service that planned the move (as the CTM asks of the hospital that discharged).
    """
    hold(response)
    _check_editable(response)
    if from_id is not None or to_id is not None:
        if from_id == to_id:
            raise DataError(
                "The service you moved to must be different from the one you left", "to_service"
            )
        response.from_service_id, response.to_service_id = from_id, to_id
        response.service_id = from_id
    else:
        response.service_id = service_id
    mark_done(response, page_id)
    db.session.commit()


def link_journey(response: Response, code: str | None, page_id: str) -> Journey:
    """Join the response to the journey with this code, or (no code) to a journey of its own."""
    hold(response)
    _check_editable(response)
    previous = response.journey
    if code:
        journey = find_journey(code)
        if journey is None:
            raise DataError(
                "We could not find that journey code. Check it against your confirmation page "
                "or form, or choose 'No' to get a new code.",
                "code",
            )
    elif previous is not None and _only_response(previous, response):
        journey = previous
    else:
        journey = create_journey()
    response.journey = journey
    if previous is not None and previous is not journey and not previous.responses:
        db.session.delete(previous)  # a code made for this response and then replaced
    mark_done(response, page_id)
    db.session.commit()
    return journey


def _only_response(journey: Journey, response: Response) -> bool:
    # Asked of the database: the journey's loaded list of responses may predate the lock.
    others = exists().where(Response.journey_id == journey.id, Response.id != response.id)
    return not db.session.scalar(select(others))


def about_you_known(response: Response) -> bool:
    """Whether another response in the same journey already holds About you."""
    if response.journey_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Response.journey_id == response.journey_id,
                    Response.id != response.id,
                    Response.about_you_given.is_(True),
                )
            )
        )
    )


def set_about_you_wanted(response: Response, wanted: bool, page_id: str) -> None:
    hold(response)
    _check_editable(response)
    response.about_you_given = wanted
    about = about_you()
    if wanted and about is not None:
        row = version_row(about)
        if row not in response.instrument_versions:
            response.instrument_versions.append(row)
    if not wanted:
        for answer in [a for a in response.answers if a.instrument_id == "about-you"]:
            response.answers.remove(answer)
    mark_done(response, page_id)
    db.session.commit()


def complete(response: Response, asked: set[tuple[str, str]] | None = None) -> Response:
    """Mark the response complete; a repeated submit is a success, not a second response.

    ``asked`` is every (instrument, item) the final page list asks. Answers outside it were
    given before the person changed an earlier answer (say, from patient to carer) and no
    longer apply, so they are dropped rather than kept with a meaning nobody saw.
    """
    hold(response)  # a second copy of the submit waits here, then finds it complete
    if response.status != "complete":
        if asked is not None:
            for answer in [
                a for a in response.answers if (a.instrument_id, a.item_id) not in asked
            ]:
                response.answers.remove(answer)
        response.status = "complete"
        response.completed_at = utcnow()
        if response.journey is None:
            response.journey = create_journey()
        store_scores(response, asked)
        db.session.commit()
    return response


def resumable(code: str, since: datetime) -> Response | None:
    """The most recent unfinished web response in the journey with this code, started at or
    after ``since``: a code found on an old form or confirmation page opens nothing."""
    return db.session.scalar(
        select(Response)
        .join(Journey)
        .where(
            Journey.code == code,
            Response.status == "in_progress",
            Response.channel == "web",
            Response.started_at >= since,
        )
        .order_by(Response.updated_at.desc())
        .limit(1)
    )


def resumed_response(response_id: int, since: datetime) -> Response | None:
    """The web response a journey code resumed (app.survey.resumed), while it still may be."""
    return db.session.scalar(
        select(Response).where(
            Response.id == response_id, Response.channel == "web", Response.started_at >= since
        )
    )
