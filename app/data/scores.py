"""Stored scores and equality profiles: written when a response is completed, read by reports.

``store_scores(response, asked)`` runs inside ``complete()``, in its transaction: it scores the
response on every instrument it used (``reports.scoring.score_response``, with the instrument
version the answers were given on) and stores the valid scores as ``ResponseScore`` rows, then
writes the ``ResponseProfile`` of every complete response in the journey. ``rebuild_scores()``
recomputes both tables from the stored answers (``flask --app wsgi scores rebuild``, and
migration 0008), for data that was there before this table, or after a scoring rule changed.

Short forms: a response to an instrument whose file names a short form (CTM-15 names CTM-3) is
also scored on the short form (``reports.scoring.score_short_form``), unless it answered the
short form itself, so there is never more than one score per measure. The mapping is the one
in the version answered or, when that version has none (CTM-15 1.0.0, before the mapping was
written down), the one in the loaded file of the same instrument; the short form is the loaded
one. An item of an older version whose scored answers differ from the short form's counts as
not asked.

Equality profile: the About you answers of the journey's most recent complete response that
has any. About you is asked once per journey, and a later stage's response without it is the
same person's, so all responses of a journey share one profile; when a later response gives
About you, the earlier ones are updated to it. The answers of one response are taken as a whole
(a later, partly answered About you replaces an earlier one; it is not merged with it).

Dimensions (``DIMENSIONS``), each also "prefer_not_to_say" and "not_answered":
- age_band, sex, gender_identity_same, sexual_orientation, religion, ethnic_group: the
  About you option code as given.
- ethnic_broad: the ``group`` of the chosen ethnic group option (the 5 Census 2021 broad
  groups: "White", "Mixed or Multiple", "Asian or Asian British", "Black, Black British,
  Caribbean or African", "Other").
- disability: the three answers of the Census 2021 disability variable (ONS "disability",
  GSS harmonised standard, Equality Act definition): "limited_a_lot" and "limited_a_little"
  (disabled: a long-term condition, 12 months or more, reduces day-to-day activities a lot /
  a little) and "not_disabled". A "No" to the long-term condition question is "not_disabled"
  whatever the second answer (Census routes those people past it); "Yes" with "Not at all" is
  "not_disabled"; a reduction given without the first answer counts as that reduction (the
  question presumes a condition). Otherwise "prefer_not_to_say" when either answer was, else
  "not_answered".
- carer: unpaid carer status, "yes" (any hours) or "no".

What ``asked`` means: ``complete()`` passes the items the final pages asked, and paper forms
the items the form asked of that person (``surveys.codebook.interpret``); blank statements are
asked and not answered, and count against the minimum answered. So that a rebuild scores as
completion did, the items asked and left blank are kept with the response
(``Response.left_blank``): a rebuild takes the items answered plus those as the items asked.
Where they are not known (responses completed before migration 0007, a caller that passes no
``asked``, the demo generator's bulk path, which answers every item it asks) the items
answered are taken as asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.data.instruments import ABOUT_YOU, about_you, registry
from app.extensions import db
from app.models import (
    Answer,
    InstrumentVersion,
    Response,
    ResponseProfile,
    ResponseScore,
    response_instruments,
)
from reports.scoring import Score, score_response, score_short_form
from surveys import Instrument
from surveys.loader import _build as build_instrument  # the loader's own builder, no file
from surveys.model import ShortForm

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_ANSWERED = "not_answered"
PNTS = "pnts"  # the About you code for "Prefer not to say"
DIRECT = {  # dimension: About you item whose option code is stored as it is
    "age_band": "age_band",
    "sex": "sex",
    "gender_identity_same": "gender_identity_same",
    "sexual_orientation": "sexual_orientation",
    "religion": "religion",
    "ethnic_group": "ethnic_group",
}
DIMENSIONS = (
    "age_band",
    "sex",
    "gender_identity_same",
    "sexual_orientation",
    "religion",
    "ethnic_broad",
    "ethnic_group",
    "disability",
    "carer",
)
LIMITED = {"yes_a_lot": "limited_a_lot", "yes_a_little": "limited_a_little"}  # About you code
BATCH = 5000

Codes = Mapping[tuple[str, str], str | None]  # (instrument_id, item_id) -> option code


# --- pure helpers (also used by the demo generator's bulk path) -------------------------------


def compute_scores(
    instruments: Iterable[Instrument],
    codes: Codes,
    asked: Iterable[tuple[str, str]] | None = None,
    loaded: Mapping[str, Instrument] | None = None,
) -> list[Score]:
    """Every measure of every instrument for one response, valid or not, and of the short
    forms their items hold (see the module docstring).

    ``asked``: (instrument_id, item_id) pairs asked; None takes the items answered.
    ``loaded``: the loaded instruments by id (the short forms); None: the app's registry.
    """
    instruments = list(instruments)
    loaded = registry() if loaded is None else loaded
    asked_keys = set(asked) if asked is not None else {k for k, c in codes.items() if c}
    by_instrument: dict[str, set[str]] = defaultdict(set)
    for instrument_id, item_id in asked_keys:
        by_instrument[instrument_id].add(item_id)
    scores: list[Score] = []
    measures = {i.id for i in instruments}  # a short form answered itself is not derived
    for instrument in instruments:
        if instrument.scoring is None or instrument.id not in by_instrument:
            continue
        answers = {item: c for (inst, item), c in codes.items() if inst == instrument.id}
        scores += score_response(instrument, by_instrument[instrument.id], answers)
        for form in short_forms(instrument, loaded):
            short = loaded.get(form.instrument)
            if short is None or short.id in measures:
                continue
            derived = score_short_form(
                instrument, form, short, by_instrument[instrument.id], answers
            )
            if derived is not None:
                scores.append(derived)
                measures.add(short.id)
    return scores


def short_forms(instrument: Instrument, loaded: Mapping[str, Instrument]) -> tuple[ShortForm, ...]:
    """The short forms of the version answered, else those of the loaded file."""
    if instrument.short_forms:
        return instrument.short_forms
    current = loaded.get(instrument.id)
    return current.short_forms if current is not None else ()


def left_blank(
    asked: Iterable[tuple[str, str]] | None, answered: Iterable[tuple[str, str]]
) -> list[list[str]] | None:
    """``Response.left_blank``: the items asked without an answer (a code or a text), sorted;
    None when what was asked is not known."""
    if asked is None:
        return None
    return [list(key) for key in sorted(set(asked) - set(answered))]


def score_rows(response_id: int, scores: Iterable[Score]) -> list[dict]:
    """ResponseScore rows for the valid scores."""
    return [
        {
            "response_id": response_id,
            "measure": s.measure,
            "score": s.value,
            "answered": s.answered,
            "asked": s.asked,
            "top": s.top,
            "bottom": s.bottom,
        }
        for s in scores
        if s.value is not None
    ]


def _plain(code: str | None) -> str:
    if not code:
        return NOT_ANSWERED
    return PREFER_NOT_TO_SAY if code == PNTS else code


def disability(condition: str | None, reduced: str | None) -> str:
    """Equality Act disability from the two Census health questions (see module docstring)."""
    if condition == "no":
        return "not_disabled"
    if condition == PNTS:
        return PREFER_NOT_TO_SAY
    if reduced in LIMITED:
        return LIMITED[reduced]
    if condition == "yes" and reduced == "not_at_all":
        return "not_disabled"
    return PREFER_NOT_TO_SAY if PNTS in (condition, reduced) else NOT_ANSWERED


def carer(unpaid_care: str | None) -> str:
    if not unpaid_care or unpaid_care == PNTS:
        return _plain(unpaid_care)
    return "no" if unpaid_care == "no" else "yes"


def ethnic_groups(about: Instrument | None) -> dict[str, str]:
    """Ethnic group option code -> its Census broad group, from the About you instrument."""
    if about is None:
        return {}
    try:
        scale = about.item("ethnic_group").scale
    except KeyError:
        return {}
    return {o.code: o.group for o in scale.options if o.group} if scale else {}


def profile_values(codes: Mapping[str, str | None], groups: Mapping[str, str]) -> dict[str, str]:
    """One person's equality profile from their About you answers (item_id -> option code).

    ``groups``: ethnic group code -> broad group (``ethnic_groups``); a code with no group
    there (not in the loaded About you) is "not_answered" for ``ethnic_broad``.
    """
    values = {dim: _plain(codes.get(item)) for dim, item in DIRECT.items()}
    ethnic = codes.get("ethnic_group")
    values["ethnic_broad"] = (
        _plain(ethnic) if not ethnic or ethnic == PNTS else groups.get(ethnic, NOT_ANSWERED)
    )
    values["disability"] = disability(
        codes.get("long_term_condition"), codes.get("activity_limited")
    )
    values["carer"] = carer(codes.get("unpaid_carer"))
    return values


# --- instruments as answered ----------------------------------------------------------------


_FROZEN: dict[str, Instrument] = {}  # content hash -> instrument rebuilt from a stored copy


def instrument_for(version: InstrumentVersion) -> Instrument:
    """The instrument exactly as the answers were given on it: the loaded one when its content
    is the same, else rebuilt from the stored definition (an older version of the file)."""
    loaded = registry().get(version.instrument_id)
    if loaded is not None and loaded.content_hash == version.content_hash:
        return loaded
    if version.content_hash not in _FROZEN:
        _FROZEN[version.content_hash] = build_instrument(
            f"instrument_version {version.id}", version.definition
        )
    return _FROZEN[version.content_hash]


def _groups() -> dict[str, str]:
    return ethnic_groups(about_you())


# --- writing ---------------------------------------------------------------------------------


def store_scores(response: Response, asked: Iterable[tuple[str, str]] | None = None) -> list:
    """Score a complete response and store its valid scores and its journey's profiles, in the
    caller's transaction (nothing is committed). Returns every Score, valid or not.

    A failure here must not lose the person's answers: it is logged, the savepoint undoes
    what this function wrote, the response is still completed, and ``flask scores rebuild``
    fills the gap once the fault is fixed.
    """
    db.session.flush()  # the response's id and journey, and answers complete() dropped
    response.left_blank = left_blank(
        asked, [(a.instrument_id, a.item_id) for a in response.answers]
    )
    try:
        with db.session.begin_nested():
            return _store(response, asked)
    except Exception:  # any fault in scoring: keep the response, report the fault
        current_app.logger.exception("could not store the scores of response %s", response.id)
        return []


def _store(response: Response, asked: Iterable[tuple[str, str]] | None) -> list[Score]:
    codes = {(a.instrument_id, a.item_id): a.code for a in response.answers if a.code}
    instruments = [instrument_for(v) for v in response.instrument_versions]
    scores = compute_scores(instruments, codes, asked)
    # synchronize_session off: the ORM would otherwise search every object in the session on
    # each call (an import of 2,000 forms calls this per form).
    db.session.execute(
        delete(ResponseScore).where(ResponseScore.response_id == response.id),
        execution_options={"synchronize_session": False},
    )
    rows = score_rows(response.id, scores)
    if rows:
        db.session.execute(insert(ResponseScore), rows)
    refresh_profiles(response)
    return scores


def refresh_profiles(response: Response) -> None:
    """Write the profile of every complete response in ``response``'s journey."""
    complete = Response.status == "complete"
    if response.journey_id is None:
        members = [response.id] if response.status == "complete" else []
        in_journey = Response.id == response.id
    else:
        in_journey = Response.journey_id == response.journey_id
        members = list(db.session.scalars(select(Response.id).where(in_journey, complete)))
    source = db.session.scalar(
        select(Answer.response_id)
        .join(Response, Response.id == Answer.response_id)
        .where(in_journey, complete, Answer.instrument_id == ABOUT_YOU, Answer.code.is_not(None))
        .order_by(Response.completed_at.desc(), Response.id.desc())
        .limit(1)
    )
    codes = {}
    if source is not None:
        codes = dict(
            db.session.execute(
                select(Answer.item_id, Answer.code).where(
                    Answer.response_id == source, Answer.instrument_id == ABOUT_YOU
                )
            ).all()
        )
    values = profile_values(codes, _groups())
    if members:
        db.session.execute(
            delete(ResponseProfile).where(ResponseProfile.response_id.in_(members)),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            insert(ResponseProfile), [{"response_id": rid, **values} for rid in members]
        )


def rebuild_scores(batch: int = BATCH, session: Session | None = None) -> dict[str, int]:
    """Recompute every stored score and profile from the answers, in the caller's transaction.

    Works through the responses in id order, ``batch`` at a time, reading answers with plain
    selects and writing with executemany, so memory stays flat on a large database.
    ``session``: where to run (a migration passes one on its own connection); the app's by
    default. Only the columns it names are read, so it runs on the schema of migration 0008
    and later whatever other columns those tables gain.
    """
    session = db.session if session is None else session
    session.execute(delete(ResponseScore))
    session.execute(delete(ResponseProfile))
    stored = select(
        InstrumentVersion.id,
        InstrumentVersion.instrument_id,
        InstrumentVersion.content_hash,
        InstrumentVersion.definition,
    )
    versions = {v.id: instrument_for(v) for v in session.execute(stored)}
    loaded = registry()
    groups = _groups()
    made = {"responses": 0, "scores": 0, "profiles": 0}
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(Response.id)
                .where(Response.status == "complete", Response.id > last)
                .order_by(Response.id)
                .limit(batch)
            )
        )
        if not ids:
            break
        lo, hi, last = ids[0], ids[-1], ids[-1]
        in_range = Answer.response_id.between(lo, hi)
        used: dict[int, list[Instrument]] = defaultdict(list)
        link = response_instruments.c
        for rid, vid in session.execute(
            select(link.response_id, link.instrument_version_id).where(
                link.response_id.between(lo, hi)
            )
        ):
            used[rid].append(versions[vid])
        codes: dict[int, dict] = defaultdict(dict)
        # What completion took as asked: the items answered (a code or a text) and those
        # left blank.
        asked: dict[int, set] = defaultdict(set)
        for rid, blanks in session.execute(
            select(Response.id, Response.left_blank).where(Response.id.between(lo, hi))
        ):
            asked[rid].update(tuple(key) for key in blanks or ())
        for rid, inst, item, code in session.execute(
            select(Answer.response_id, Answer.instrument_id, Answer.item_id, Answer.code).where(
                in_range
            )
        ):
            asked[rid].add((inst, item))
            if code is not None:
                codes[rid][inst, item] = code
        rows = []
        for rid in ids:
            scores = compute_scores(used[rid], codes[rid], asked[rid], loaded)
            rows += score_rows(rid, scores)
        if rows:
            session.execute(insert(ResponseScore), rows)
        made["responses"] += len(ids)
        made["scores"] += len(rows)
    made["profiles"] = _rebuild_profiles(session, groups, batch)
    return made


def _rebuild_profiles(session: Session, groups: Mapping[str, str], batch: int) -> int:
    """Profiles of all complete responses, a batch of journeys at a time."""
    complete = Response.status == "complete"
    made = 0
    last = 0
    while True:
        journeys = list(
            session.scalars(
                select(Response.journey_id)
                .where(complete, Response.journey_id > last)
                .group_by(Response.journey_id)
                .order_by(Response.journey_id)
                .limit(batch)
            )
        )
        if not journeys:
            break
        lo, hi, last = journeys[0], journeys[-1], journeys[-1]
        made += _write_profiles(session, Response.journey_id.between(lo, hi), groups)
    # A complete response outside any journey (complete() always makes one): its own answers.
    made += _write_profiles(session, Response.journey_id.is_(None), groups, own=True)
    return made


def _write_profiles(session: Session, where, groups: Mapping[str, str], own: bool = False) -> int:
    complete = Response.status == "complete"
    members = session.execute(
        select(Response.id, Response.journey_id, Response.completed_at).where(where, complete)
    ).all()
    about: dict[int, dict[str, str]] = defaultdict(dict)
    for rid, item, code in session.execute(
        select(Answer.response_id, Answer.item_id, Answer.code)
        .join(Response, Response.id == Answer.response_id)
        .where(where, complete, Answer.instrument_id == ABOUT_YOU)
    ):
        about[rid][item] = code
    latest: dict[object, tuple] = {}  # journey -> (completed_at, id) of its About you source
    for rid, jid, done in members:
        key = ("response", rid) if own else jid
        order = (done is not None, done, rid)
        if any(about[rid].values()) and (key not in latest or order > latest[key]):
            latest[key] = order
    rows = []
    for rid, jid, _ in members:
        source = latest.get(("response", rid) if own else jid)
        values = profile_values(about[source[-1]] if source else {}, groups)
        rows.append({"response_id": rid, **values})
    if rows:
        session.execute(insert(ResponseProfile), rows)
    return len(rows)


# --- command line ----------------------------------------------------------------------------

cli = AppGroup("scores", help="Stored respondent scores and equality profiles for reports.")


@cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every response's stored scores and equality profile from its answers."""
    made = rebuild_scores()
    db.session.commit()
    click.echo(
        f"Scored {made['responses']} complete responses: {made['scores']} valid scores, "
        f"{made['profiles']} equality profiles."
    )
