"""Keyed entry of paper forms: batches, keyings (one or two blind rounds), resolutions.

Who may do what (see docs/decisions/paper-responses.md, "Keyed entry and double entry"):
- the batch's creator keys round 1, sees and corrects the forms of the batch while it is open,
  closes it, and is the batch's lead: they resolve its differences (they hold the paper);
- in a double-entry batch, any other volunteer keys round 2, blind, and sees only their own
  round-2 keyings;
- an admin sees every batch, resolves, and reopens a closed batch.
Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from app.data import DataError, NotFound
from app.data.audit import Actor, record
from app.data.paper_defaults import batch_defaults
from app.data.paper_forms import (
    Finaliser,
    forms_numbered,
    journeys_coded,
    layout_for,
    new_batch,
    printed_codes_set_aside,
)
from app.data.scores import refresh_profiles
from app.extensions import db
from app.models import (
    PaperBatch,
    PaperForm,
    PaperKeying,
    PaperResolution,
    Response,
    ResponseProfile,
    ResponseScore,
    Survey,
)
from app.models.response import utcnow
from surveys.codebook import FORM_NUMBER, JOURNEY, Layout


class EntryRefused(DataError):
    """Nothing saved. ``field`` names the column at fault; ``form`` is the form already
    entered under the number typed, when that is the reason."""

    def __init__(self, message: str, field: str | None = None, form: PaperForm | None = None):
        super().__init__(message, field)
        self.form = form


class NotAllowed(DataError):
    pass


# --- batches ---------------------------------------------------------------------------------


def open_batch(
    actor: Actor,
    survey: Survey,
    *,
    place: str,
    collected_on: date,
    forms_expected: int,
    double_entry: bool,
    defaults: Mapping[str, str | None] | None = None,
) -> PaperBatch:
    """A new keyed batch; DefaultRefused (nothing saved) when a default does not fit the survey."""
    checked = batch_defaults(survey, defaults or {})
    batch = new_batch(
        survey,
        source="keyed",
        place=place,
        collected_on=collected_on,
        created_by_id=actor.user_id,
        forms_expected=forms_expected,
        double_entry=double_entry,
    )
    batch.defaults = checked or None
    db.session.flush()
    record(
        actor,
        "paper.batch_open",
        f"{survey.slug} batch {batch.id}",
        after={
            "batch": batch.id,
            "survey": survey.slug,
            "place": place,
            "collected_on": collected_on.isoformat(),
            "forms_expected": forms_expected,
            "double_entry": double_entry,
            "defaults": checked,
        },
    )
    db.session.commit()
    return batch


def get_batch(batch_id: int) -> PaperBatch:
    batch = db.session.get(PaperBatch, batch_id)
    if batch is None or batch.source != "keyed":
        raise NotFound("There is no such batch")
    return batch


def get_form(batch: PaperBatch, form_id: int) -> PaperForm:
    form = db.session.get(PaperForm, form_id)
    if form is None or form.batch_id != batch.id:
        raise NotFound("There is no such form in this batch")
    return form


def is_lead(batch: PaperBatch, user_id: int | None, is_admin: bool) -> bool:
    """May see every form of the batch and resolve its differences."""
    return is_admin or (user_id is not None and batch.created_by_id == user_id)


def round_for(batch: PaperBatch, user_id: int | None) -> int | None:
    """The round this person keys in the batch: 1 for its creator, 2 for anyone else in a
    double-entry batch, None when they may not key it."""
    if user_id is None:
        return None
    if batch.created_by_id == user_id:
        return 1
    return 2 if batch.double_entry else None


def may_view(batch: PaperBatch, user_id: int | None, is_admin: bool) -> bool:
    return is_lead(batch, user_id, is_admin) or round_for(batch, user_id) == 2


def batches_for(user_id: int, is_admin: bool) -> dict[str, list[PaperBatch]]:
    """ "mine": batches this person opened; "second": other people's open double-entry
    batches they can key a second time; "all": every keyed batch (admins only)."""
    keyed = select(PaperBatch).where(PaperBatch.source == "keyed").order_by(PaperBatch.id.desc())
    mine = list(db.session.scalars(keyed.where(PaperBatch.created_by_id == user_id)))
    second = list(
        db.session.scalars(
            keyed.where(
                PaperBatch.created_by_id != user_id,
                PaperBatch.double_entry.is_(True),
                PaperBatch.status == "open",
            )
        )
    )
    everyone = list(db.session.scalars(keyed)) if is_admin else []
    return {"mine": mine, "second": second, "all": everyone}


def _batch_words(batch: PaperBatch) -> str:
    return f"batch {batch.id} ({batch.place}, collected {batch.collected_on.isoformat()})"


def close_batch(actor: Actor, batch: PaperBatch) -> None:
    if batch.status == "closed":
        raise EntryRefused("This batch is already closed")
    batch.status, batch.closed_at = "closed", utcnow()
    counts = status_counts(batch)
    record(actor, "paper.batch_close", f"batch {batch.id}", after={"batch": batch.id, **counts})
    db.session.commit()


def reopen_batch(actor: Actor, batch: PaperBatch) -> None:
    if batch.status == "open":
        raise EntryRefused("This batch is already open")
    batch.status, batch.closed_at = "open", None
    record(actor, "paper.batch_reopen", f"batch {batch.id}", after={"batch": batch.id})
    db.session.commit()


def status_counts(batch: PaperBatch) -> dict[str, int]:
    counts = {"awaiting_second": 0, "to_resolve": 0, "final": 0}
    for form in batch.forms:
        counts[form.status] += 1
    return counts


# --- keying ----------------------------------------------------------------------------------


def _check_open(batch: PaperBatch) -> None:
    if batch.status != "open":
        raise NotAllowed(
            f"Batch {batch.id} is closed, so its forms cannot be keyed or changed. "
            "An administrator can reopen it."
        )


def _check_journey(record_: dict[str, str]):
    code = record_.get(JOURNEY)
    if not code:
        return None
    journey = journeys_coded([code]).get(code)
    if journey is None:
        raise EntryRefused(
            "is not the journey code of any response here. Check it against the form, or leave "
            "it blank to start a new journey",
            JOURNEY,
        )
    return journey


def key_form(actor: Actor, batch: PaperBatch, number: str, record_: dict[str, str]) -> PaperForm:
    """Save a new keying of the form numbered ``number`` (already checked against the layout,
    without the form number). Round 1 makes the form; round 2 (blind) needs round 1 first."""
    _check_open(batch)
    round_ = round_for(batch, actor.user_id)
    if round_ is None:
        raise NotAllowed("Only the volunteer who opened this batch can key its forms")
    journey = _check_journey(record_)
    existing = forms_numbered(batch.survey, [number]).get(number)
    if round_ == 1:
        if existing is not None:
            where = "this batch" if existing.batch_id == batch.id else _batch_words(existing.batch)
            raise EntryRefused(
                f"Form {number} has already been keyed in {where}. Each form goes in once: "
                "check the number on the paper form",
                FORM_NUMBER,
                existing,
            )
        form = PaperForm(
            batch=batch,
            form_number=number,
            status="awaiting_second" if batch.double_entry else "final",
        )
        db.session.add(form)
        form.keyings.append(PaperKeying(round=1, keyed_by_id=actor.user_id, record=record_))
        db.session.flush()
        if not batch.double_entry:
            Finaliser(batch.survey).finalise(form, record_, batch.collected_on, journey)
    else:
        if existing is None or existing.batch_id != batch.id:
            raise EntryRefused(
                f"Form {number} has not been keyed in this batch yet. Check the number on the "
                "paper form; the first keying comes first",
                FORM_NUMBER,
            )
        if len(existing.keyings) > 1:
            mine = existing.keyings[1].keyed_by_id == actor.user_id
            raise EntryRefused(
                f"Form {number} has already been keyed a second time"
                + (" (by you)" if mine else " by someone else")
                + ". Each form is keyed twice at most",
                FORM_NUMBER,
                existing if mine else None,
            )
        if existing.keyings[0].keyed_by_id == actor.user_id:
            raise NotAllowed("You keyed this form the first time: someone else keys it again")
        form = existing
        form.keyings.append(PaperKeying(round=2, keyed_by_id=actor.user_id, record=record_))
        db.session.flush()
        differ = differences(form.keyings[0].record, record_)
        if differ:
            form.status = "to_resolve"
        else:
            Finaliser(batch.survey).finalise(form, record_, batch.collected_on, journey)
    record(
        actor,
        "paper.key",
        f"batch {batch.id} form {number}",
        after={"batch": batch.id, "form": number, "round": round_, "status": form.status},
    )
    db.session.commit()
    return form


def printed_code_set_aside(form: PaperForm) -> str | None:
    """The journey code printed on this final form when the code written on it won."""
    return printed_codes_set_aside(form.batch.survey, [form]).get(form.form_number)


def own_keying(form: PaperForm, user_id: int | None) -> PaperKeying | None:
    return next((k for k in form.keyings if k.keyed_by_id == user_id), None)


def correct_form(
    actor: Actor, batch: PaperBatch, form: PaperForm, number: str, record_: dict[str, str]
) -> PaperForm:
    """Change one's own round-1 keying while the batch is open. A single-entry form that
    already counts gets its response made again from the corrected record; a double-entry
    form can be corrected only until its second keying (then differences are resolved)."""
    _check_open(batch)
    keying = own_keying(form, actor.user_id)
    if keying is None or keying.round != 1:
        raise NotAllowed("You can correct only the forms you keyed in your own batches")
    if batch.double_entry and form.status != "awaiting_second":
        raise EntryRefused(
            "This form has been keyed a second time, so it is no longer corrected here: "
            "differences between the two keyings are resolved on the comparison page"
        )
    journey = _check_journey(record_)
    if number != form.form_number:
        other = forms_numbered(batch.survey, [number]).get(number)
        if other is not None:
            raise EntryRefused(
                f"Form {number} has already been keyed in "
                + ("this batch" if other.batch_id == batch.id else _batch_words(other.batch))
                + ". Check the number on the paper form",
                FORM_NUMBER,
                other,
            )
    before = {"form": form.form_number, **keying.record}
    form.form_number, keying.record = number, dict(record_)
    if form.status == "final":
        _drop_response(form)
        db.session.flush()
        Finaliser(batch.survey).finalise(form, record_, batch.collected_on, journey)
    record(
        actor,
        "paper.correct",
        f"batch {batch.id} form {number}",
        before=before,
        after={"form": number, **record_},
    )
    db.session.commit()
    return form


def _drop_response(form: PaperForm) -> None:
    """Remove the response a corrected single-entry form made (it is made again, perhaps in
    another journey: a corrected number can name another printed form). The other responses
    of its journey may have taken their equality profile from it, so theirs is worked out
    again without it."""
    response = form.response
    form.response, form.response_id = None, None
    db.session.flush()
    if response is None:
        return
    for model in (ResponseScore, ResponseProfile):
        db.session.execute(
            delete(model).where(model.response_id == response.id),
            execution_options={"synchronize_session": False},
        )
    journey_id = response.journey_id
    db.session.delete(response)
    db.session.flush()
    other = journey_id and db.session.scalar(
        select(Response)
        .where(Response.journey_id == journey_id, Response.status == "complete")
        .limit(1)
    )
    if other:
        refresh_profiles(other)


# --- double entry ------------------------------------------------------------------------------


def differences(first: dict, second: dict, layout: Layout | None = None) -> list[str]:
    """The fields on which two records differ, in the paper's order when ``layout`` is given."""
    names = {k for k in set(first) | set(second) if first.get(k) != second.get(k)}
    if layout is None:
        return sorted(names)
    return [c.name for c in layout.columns if c.name in names]


@dataclass(frozen=True)
class Agreement:
    agreeing: int
    compared: int

    @property
    def rate(self) -> float | None:
        return self.agreeing / self.compared if self.compared else None


def _agreement(pairs: Iterable[tuple[dict, dict]]) -> Agreement:
    """Fields agreeing / fields compared. A field is compared when at least one of the two
    keyings has a value there: fields both left blank would pad the rate with empty boxes."""
    agreeing = compared = 0
    for first, second in pairs:
        for name in set(first) | set(second):
            compared += 1
            agreeing += first.get(name) == second.get(name)
    return Agreement(agreeing, compared)


def _keyed_twice(forms: Iterable[PaperForm]) -> list[PaperForm]:
    return [f for f in forms if len(f.keyings) == 2]


def batch_agreement(batch: PaperBatch) -> Agreement:
    return _agreement((f.keyings[0].record, f.keyings[1].record) for f in _keyed_twice(batch.forms))


def volunteer_agreement(batches: Iterable[PaperBatch]) -> list[tuple[str, Agreement]]:
    """Per volunteer, over every form they keyed (either round) that was keyed twice."""
    pairs: dict[str, list] = defaultdict(list)
    for batch in batches:
        for form in _keyed_twice(batch.forms):
            pair = (form.keyings[0].record, form.keyings[1].record)
            for keying in form.keyings:
                pairs[keying.keyed_by.email].append(pair)
    return [(who, _agreement(found)) for who, found in sorted(pairs.items())]


def double_entry_batches() -> list[PaperBatch]:
    query = select(PaperBatch).where(PaperBatch.source == "keyed", PaperBatch.double_entry)
    return list(db.session.scalars(query))


def resolve_form(
    actor: Actor, batch: PaperBatch, form: PaperForm, values: dict[str, str | None], final: dict
) -> Response:
    """Record what the paper says for each differing field (``values``) and make the form
    final with ``final`` (checked by the caller: round 1's values where both agree, plus
    these). The keyings are left as they were, for agreement rates."""
    if form.status != "to_resolve":
        raise EntryRefused("This form has no differences left to resolve")
    journey = _check_journey(final)
    for field_name, value in values.items():
        form.resolutions.append(
            PaperResolution(field=field_name, value=value, resolved_by_id=actor.user_id)
        )
    db.session.flush()
    response = Finaliser(batch.survey).finalise(form, final, batch.collected_on, journey)
    record(
        actor,
        "paper.resolve",
        f"batch {batch.id} form {form.form_number}",
        before={
            f: {"round 1": form.keyings[0].record.get(f), "round 2": form.keyings[1].record.get(f)}
            for f in values
        },
        after={"batch": batch.id, "form": form.form_number, "values": values},
    )
    db.session.commit()
    return response


def layout_of(batch: PaperBatch) -> Layout:
    return layout_for(batch.survey)
