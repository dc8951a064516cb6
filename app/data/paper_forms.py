"""Paper forms shared by every way in (import, keyed entry, double entry): a survey's layout,
batches, and turning a form's final record into a complete response with channel "paper".

A form counts only once its record is final (``Finaliser.finalise``): that is when its
``Response`` is made, complete, with its answers, its scores and its journey's equality profile,
as a web response is completed. Nothing before that reaches a report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import func, insert, select

from app import journey_code
from app.data.area import live_services
from app.data.instruments import ABOUT_YOU, about_you, survey_plan, version_row
from app.data.responses import new_token
from app.data.scores import (
    compute_scores,
    ethnic_groups,
    instrument_for,
    left_blank,
    profile_values,
    refresh_profiles,
    score_rows,
)
from app.extensions import db
from app.models import (
    Answer,
    Journey,
    PaperBatch,
    PaperForm,
    PaperPrintedForm,
    Response,
    ResponseProfile,
    ResponseScore,
    Survey,
)
from app.models.paper_print import FORM_NUMBER_PREFIX
from app.models.response import ROLES, utcnow
from surveys.codebook import Choice, Layout, PaperAnswers, fingerprint, form_layout, interpret

# A paper response is dated at midday UTC of the day on the form (or the day the forms were
# collected), so it falls on that calendar day in reports whatever the time zone shown.
MIDDAY = time(12, 0)


def layout_for(survey: Survey) -> Layout:
    """The survey's paper form as it is asked now: its instruments, roles and live services."""
    roles = [Choice(code, label) for code, label in ROLES.items() if code in survey.roles]
    services = [Choice(s.code, s.name, s.sector) for s in live_services(survey)]
    return form_layout(
        survey_plan(survey),
        about_you(),
        stage_kind=survey.stage.kind,
        roles=roles,
        services=services,
    )


def new_batch(
    survey: Survey,
    *,
    source: str,
    place: str,
    collected_on: date,
    created_by_id: int | None,
    forms_expected: int | None = None,
    double_entry: bool = False,
    status: str = "open",
    file_name: str | None = None,
    file_sha256: str | None = None,
) -> PaperBatch:
    """A batch added to the session (not committed)."""
    batch = PaperBatch(
        survey_id=survey.id,
        source=source,
        place=place,
        collected_on=collected_on,
        created_by_id=created_by_id,
        forms_expected=forms_expected,
        double_entry=double_entry,
        status=status,
        closed_at=utcnow() if status == "closed" else None,
        file_name=file_name,
        file_sha256=file_sha256,
    )
    db.session.add(batch)
    return batch


def forms_numbered(survey: Survey, numbers: Iterable[str]) -> dict[str, PaperForm]:
    """The survey's forms already entered under these numbers, by number."""
    numbers = sorted(set(numbers))
    found: dict[str, PaperForm] = {}
    for start in range(0, len(numbers), 500):  # a bounded IN list on any database
        chunk = numbers[start : start + 500]
        found |= {
            f.form_number: f
            for f in db.session.scalars(
                select(PaperForm).where(
                    PaperForm.survey_id == survey.id, PaperForm.form_number.in_(chunk)
                )
            )
        }
    return found


def printed_number(form_number: str) -> int | None:
    """The running number of a form number this app prints ("P12" -> 12), else None. "P012"
    is not P12: printed numbers have no leading zeros, so it is a group's own number."""
    digits = form_number[len(FORM_NUMBER_PREFIX) :]
    if not form_number.startswith(FORM_NUMBER_PREFIX) or not digits.isdigit() or digits[0] == "0":
        return None
    return int(digits)


def printed_journeys(survey: Survey, form_numbers: Iterable[str]) -> dict[str, Journey]:
    """The journeys printed on these forms of the survey, by form number. Numbers this app did
    not print, or printed without a journey code, are left out."""
    wanted = {n: printed_number(n) for n in set(form_numbers)}
    numbers = sorted({n for n in wanted.values() if n is not None})
    journeys: dict[int, Journey] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        journeys |= dict(
            db.session.execute(
                select(PaperPrintedForm.number, Journey)
                .join(Journey, Journey.id == PaperPrintedForm.journey_id)
                .where(PaperPrintedForm.survey_id == survey.id, PaperPrintedForm.number.in_(chunk))
            ).all()
        )
    return {form: journeys[n] for form, n in wanted.items() if n in journeys}


def printed_codes_set_aside(survey: Survey, forms: Iterable[PaperForm]) -> dict[str, str]:
    """Form number -> the journey code printed on it, for the final forms whose response is in
    another journey: the one of the code written on the form, which wins (see
    ``Finaliser.finalise_all``). Said to the volunteer, in case the written code was a slip."""
    final = [f for f in forms if f.response is not None]
    printed = printed_journeys(survey, [f.form_number for f in final])
    return {
        f.form_number: printed[f.form_number].code
        for f in final
        if f.form_number in printed and f.response.journey_id != printed[f.form_number].id
    }


def journeys_coded(codes: Iterable[str]) -> dict[str, Journey]:
    """The journeys with these codes, by code."""
    codes = sorted(set(codes))
    found: dict[str, Journey] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        query = select(Journey).where(Journey.code.in_(chunk))
        found |= {j.code: j for j in db.session.scalars(query)}
    return found


class Finaliser:
    """Makes the complete responses of one survey's final paper records, in the caller's
    transaction (nothing is committed).

    Scores and equality profiles are worked out as ``app.data.scores.store_scores`` works them
    out on completion (the same ``compute_scores`` and ``profile_values`` on the same answers,
    with the items asked, blanks included), but for many forms at once: a spreadsheet of
    thousands of forms is a few statements per table, not a dozen per form.
    """

    def __init__(self, survey: Survey, layout: Layout | None = None):
        self.survey = survey
        self.layout = layout or layout_for(survey)
        self.versions = [version_row(p.instrument) for p in survey_plan(survey)]
        about = about_you()
        self.about_version = version_row(about) if about is not None else None
        self.service_ids = {s.code: s.id for s in survey.services}
        self.groups = ethnic_groups(about)

    def finalise(
        self,
        form: PaperForm,
        record: Mapping[str, str],
        collected_on: date,
        journey: Journey | None = None,
    ) -> Response:
        """Make one form final with ``record`` (see ``finalise_all``)."""
        return self.finalise_all([(form, record, journey)], collected_on)[0]

    def finalise_all(
        self,
        forms: Sequence[tuple[PaperForm, Mapping[str, str], Journey | None]],
        collected_on: date,
    ) -> list[Response]:
        """Make each form final with its record: its complete response, answers, scores and
        equality profile. Its journey is the one a phone response would join:

        - the journey of the code written on the form (the caller has looked it up and passes
          it): the printed form asks a person with a code from an earlier stage to write it
          there "instead" of the printed one;
        - else the journey printed on the form, as if its QR code had been scanned;
        - else a new journey, as a web response without a code gets.
        """
        printed = printed_journeys(self.survey, [form.form_number for form, _, _ in forms])
        made = [
            self._response(form, record, written, printed.get(form.form_number), collected_on)
            for form, record, written in forms
        ]
        fresh = [r for r, _ in made if r.journey is None]
        for response, journey in zip(fresh, new_journeys(len(fresh)), strict=True):
            response.journey = journey
        db.session.add_all(r for r, _ in made)
        db.session.flush()
        alone = {id(r) for r in fresh}
        alone |= _first_in_journey([r for r, _ in made if id(r) not in alone])
        scores, profiles = [], []
        for response, answers in made:
            instruments = [instrument_for(v) for v in response.instrument_versions]
            scores += score_rows(
                response.id, compute_scores(instruments, answers.codes, answers.asked)
            )
            if id(response) in alone:  # alone in its journey: the profile is its own About you
                about = {
                    item: code for (inst, item), code in answers.codes.items() if inst == ABOUT_YOU
                }
                profiles.append({"response_id": response.id, **profile_values(about, self.groups)})
        if scores:
            db.session.execute(insert(ResponseScore), scores)
        if profiles:
            db.session.execute(insert(ResponseProfile), profiles)
        joined = {r.journey_id: r for r, _ in made if id(r) not in alone}
        for response in joined.values():  # an earlier response's journey: its profile may change
            refresh_profiles(response)
        return [r for r, _ in made]

    def _response(
        self,
        form: PaperForm,
        record: Mapping[str, str],
        written: Journey | None,
        printed: Journey | None,
        collected_on: date,
    ) -> tuple[Response, PaperAnswers]:
        answers = interpret(self.layout, record)
        if answers.journey_code and (written is None or written.code != answers.journey_code):
            raise ValueError(f"form {form.form_number}: pass the journey its code names")
        when = datetime.combine(answers.completed_on or collected_on, MIDDAY, UTC)
        versions = list(self.versions)
        if answers.about_you and self.about_version is not None:
            versions.append(self.about_version)
        response = Response(
            token=new_token(),
            survey_id=self.survey.id,
            stage_id=self.survey.stage_id,
            service_id=self.service_ids.get(answers.service),
            from_service_id=self.service_ids.get(answers.moved_from),
            to_service_id=self.service_ids.get(answers.moved_to),
            role=answers.role,
            channel="paper",
            status="complete",
            about_you_given=answers.about_you,
            started_at=when,
            completed_at=when,
            pages_done=[],
            instrument_versions=versions,
            journey=written if answers.journey_code else printed,
            left_blank=left_blank(answers.asked, [*answers.codes, *answers.texts]),
        )
        for (instrument_id, item_id), code in answers.codes.items():
            response.answers.append(Answer(instrument_id=instrument_id, item_id=item_id, code=code))
        for (instrument_id, item_id), text in answers.texts.items():
            response.answers.append(Answer(instrument_id=instrument_id, item_id=item_id, text=text))
        form.response = response
        form.status = "final"
        form.record = dict(record)
        form.fingerprint = fingerprint(record)
        form.finalised_at = utcnow()
        return response, answers


def _first_in_journey(responses: Sequence[Response]) -> set[int]:
    """Those of these flushed responses that are the only complete one in their (existing)
    journey, such as the first form back from a printed journey: their profile is their own
    About you, written in bulk rather than looked up journey by journey."""
    ids = sorted({r.journey_id for r in responses})
    counts: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        counts |= dict(
            db.session.execute(
                select(Response.journey_id, func.count())
                .where(Response.journey_id.in_(chunk), Response.status == "complete")
                .group_by(Response.journey_id)
            ).all()
        )
    return {id(r) for r in responses if counts.get(r.journey_id) == 1}


def new_journeys(n: int, generate=journey_code.generate) -> list[Journey]:
    """``n`` journeys with fresh codes, checked against the database in a few queries (the
    one-at-a-time ``create_journey`` costs a savepoint each)."""
    codes: set[str] = set()
    while len(codes) < n:
        drawn = {generate() for _ in range(n - len(codes))} - codes
        codes |= drawn - set(journeys_coded(drawn))
    return [Journey(code=code) for code in sorted(codes)]
