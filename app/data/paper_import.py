"""Importing checked spreadsheet rows: the checks that need the database, then one transaction.

The rows come checked against the survey's layout (``app.paper.checking``). Here: a form
number entered before is either the same form again (same answers: nothing to do, so importing
a file twice adds nothing) or a different form given a number already used (a problem); a
journey code must name a journey that exists. Then every new form is saved in one transaction,
with its batch and one audit row, or nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from app.data import DataError
from app.data.audit import Actor, record
from app.data.paper_forms import (
    Finaliser,
    forms_numbered,
    journeys_coded,
    new_batch,
    printed_codes_set_aside,
)
from app.extensions import db
from app.models import PaperForm, Survey
from surveys.codebook import FORM_NUMBER, JOURNEY, fingerprint

# (row as the spreadsheet shows it, column name or None, the value, what is wrong)
Issue = tuple[int | None, str | None, str | None, str]
SHOW_DIFFERENCES = 3


class FormInput(Protocol):
    """A checked spreadsheet row (``app.paper.checking.FormRow``)."""

    row: int
    form_number: str | None
    record: dict[str, str]
    ok: bool


@dataclass
class Checked:
    new: list = field(default_factory=list)  # forms to add
    present: list[str] = field(default_factory=list)  # form numbers already in, same answers
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None  # None when every form was already present
    added: list[str]
    present: list[str]
    # Form numbers printed with a journey code whose row gives another code, which wins.
    written_codes: list[str] = field(default_factory=list)


class ImportRefused(DataError):
    """Nothing was saved; ``issues`` says why."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{len(issues)} problems with the file; nothing was saved")
        self.issues = issues


def _batch_words(form: PaperForm) -> str:
    batch = form.batch
    return f"batch {batch.id}, {batch.place}, collected {batch.collected_on.isoformat()}"


def _differences(old: dict, new: dict) -> str:
    names = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    shown = ", ".join(names[:SHOW_DIFFERENCES])
    more = len(names) - SHOW_DIFFERENCES
    return shown + (f" and {more} more" if more > 0 else "")


def check_forms(survey: Survey, forms: Sequence[FormInput]) -> Checked:
    """Sort the forms into new and already present, with every problem that needs the
    database. Forms with problems of their own are still looked up by number and journey
    code, so all problems show at once, but are never counted as new or present."""
    checked = Checked()
    existing = forms_numbered(survey, [f.form_number for f in forms if f.form_number])
    codes = [f.record[JOURNEY] for f in forms if f.record.get(JOURNEY)]
    journeys = journeys_coded(codes)
    for form in forms:
        code = form.record.get(JOURNEY)
        if code and code not in journeys:
            checked.issues.append(
                (
                    form.row,
                    JOURNEY,
                    code,
                    "is not the journey code of any response here. Check it against the form, "
                    "or leave it blank to start a new journey",
                )
            )
        before = existing.get(form.form_number) if form.form_number else None
        if before is None:
            if form.ok and not (code and code not in journeys):
                checked.new.append(form)
            continue
        if before.status != "final":
            checked.issues.append(
                (
                    form.row,
                    FORM_NUMBER,
                    form.form_number,
                    f"is being keyed in ({_batch_words(before)}), so it cannot be imported too",
                )
            )
        elif before.fingerprint == fingerprint(form.record):
            if form.ok:
                checked.present.append(form.form_number)
        elif form.ok:
            checked.issues.append(
                (
                    form.row,
                    FORM_NUMBER,
                    form.form_number,
                    f"was entered before ({_batch_words(before)}) with different answers "
                    f"({_differences(before.record or {}, form.record)}). If this is another "
                    "form, give it a number of its own; if it is the same form, the earlier "
                    "entry stands and this row can be deleted",
                )
            )
    return checked


def import_forms(
    actor: Actor,
    survey: Survey,
    forms: Sequence[FormInput],
    *,
    place: str,
    collected_on: date,
    file_name: str | None = None,
    file_sha256: str | None = None,
) -> ImportResult:
    """Save every new form as a complete paper response, in one batch, or raise
    ``ImportRefused`` with every problem and save nothing."""
    if any(not f.ok for f in forms):
        raise ValueError("import_forms takes checked rows only; show their problems first")
    checked = check_forms(survey, forms)
    if checked.issues:
        raise ImportRefused(checked.issues)
    if not checked.new:
        return ImportResult(None, [], checked.present)
    journeys = journeys_coded(f.record[JOURNEY] for f in checked.new if f.record.get(JOURNEY))
    try:
        finaliser = Finaliser(survey)
        batch = new_batch(
            survey,
            source="import",
            place=place,
            collected_on=collected_on,
            created_by_id=actor.user_id,
            forms_expected=len(checked.new),
            status="closed",  # nothing left to key
            file_name=file_name,
            file_sha256=file_sha256,
        )
        papers = [
            PaperForm(batch=batch, form_number=f.form_number, status="final") for f in checked.new
        ]
        db.session.add_all(papers)
        db.session.flush()  # a number another import saved meanwhile fails here, cleanly
        finaliser.finalise_all(
            [
                (paper, form.record, journeys.get(form.record.get(JOURNEY, "")))
                for paper, form in zip(papers, checked.new, strict=True)
            ],
            collected_on,
        )
        added = [f.form_number for f in checked.new]
        written_codes = sorted(printed_codes_set_aside(survey, papers))
        record(
            actor,
            "paper.import",
            f"{survey.slug} batch {batch.id}",
            after={
                "batch": batch.id,
                "survey": survey.slug,
                "file": file_name,
                "sha256": file_sha256,
                "place": place,
                "collected_on": collected_on.isoformat(),
                "added": len(added),
                "already_present": len(checked.present),
                "form_numbers": added,
                "written_code_not_printed": written_codes,
            },
        )
        db.session.commit()
    except IntegrityError as exc:  # another import saved one of these numbers meanwhile
        db.session.rollback()
        raise ImportRefused(
            [
                (
                    None,
                    None,
                    None,
                    "Some of these forms were saved by someone else while this file was being "
                    "checked, so nothing from it was saved. Upload it again to add the rest.",
                )
            ]
        ) from exc
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(batch.id, added, checked.present, written_codes)
