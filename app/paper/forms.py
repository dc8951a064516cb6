"""The spreadsheet upload form."""

from __future__ import annotations

from flask import current_app
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from app.fields import Date, Select, options, strip
from app.forms import Form


def _survey() -> Select:
    return Select("Survey", validators=[InputRequired("Choose the survey the forms belong to")])


def _place(example: str) -> StringField:
    """Where a batch of forms was collected (imports and keyed batches ask the same)."""
    return StringField(
        "Where the forms were collected",
        description=f"For example, {example}",
        filters=[strip],
        validators=[
            InputRequired("Enter where the forms were collected"),
            Length(
                max=200, message="Where the forms were collected must be 200 characters or fewer"
            ),
        ],
    )


def _collected_on(description: str) -> Date:
    return Date(
        "When the forms were collected",
        description=description,
        validators=[InputRequired("Enter the date the forms were collected")],
    )


class ImportForm(Form):
    survey = _survey()
    place = _place("Riverside Carers' Centre coffee morning")
    collected_on = _collected_on(
        "As YYYY-MM-DD, for example 2026-03-31. Forms with no date of their own get this one."
    )
    file = FileField(
        "Spreadsheet",
        description="An Excel workbook (.xlsx) or CSV file made from this survey's template.",
        validators=[
            FileRequired("Choose the spreadsheet to upload"),
        ],
    )


def import_form(surveys, chosen: str | None = None) -> ImportForm:
    form = ImportForm(data={"survey": chosen} if chosen else None)
    # The same limit as the request's (MAX_UPLOAD_BYTES), so the page and the check agree.
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    form.file.validators = [
        *form.file.validators,
        FileSize(limit, message=f"The file must be smaller than {limit // (1024 * 1024)} MB"),
    ]
    form.survey.choices = options(
        [("", "Choose a survey"), *((s.slug, f"{s.title} ({s.stage.name})") for s in surveys)]
    )
    return form


class _Count(IntegerField):
    """A whole number, with a plain-English message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter how many forms are in the batch, as a number like 25") from exc


class BatchForm(Form):
    """Opening a batch of paper forms to key in."""

    survey = _survey()
    place = _place("Ward 7, County Hospital")
    collected_on = _collected_on("As YYYY-MM-DD, for example 2026-03-31")
    forms_expected = _Count(
        "How many forms are in the batch",
        validators=[
            InputRequired("Enter how many forms are in the batch, as a number like 25"),
            NumberRange(1, 2000, message="A batch holds between 1 and 2,000 forms"),
        ],
    )
    double_entry = RadioField(
        "Will a second volunteer key these forms again to check them?",
        description="Double entry: someone else keys every form again without seeing your "
        "keying, and any difference is settled by reading the paper.",
        choices=options([("no", "No, key once"), ("yes", "Yes, double entry")]),
        default="no",
        validators=[InputRequired("Choose whether the batch is keyed twice")],
        invalid_choice_message="Choose one of the options shown",
    )
    # Optional: values most forms of the batch share, filled in on each new form. The names
    # are the record's column names; the choices are checked against the survey on saving.
    who_answered = Select("Who answered", default="")
    service = Select(
        "The service the forms are about",
        description="For a survey about one service",
        default="",
    )
    moved_from = Select(
        "Where people moved from",
        description="For a survey about a move between services",
        default="",
    )
    moved_to = Select("Where people moved to", default="")


NOT_SET = ("", "Not set: key it on each form")


def batch_form(surveys, roles, services) -> BatchForm:
    """``roles`` and ``services``: the choices offered as defaults (codes and labels)."""
    form = BatchForm()
    form.survey.choices = options(
        [("", "Choose a survey"), *((s.slug, f"{s.title} ({s.stage.name})") for s in surveys)]
    )
    form.who_answered.choices = options([NOT_SET, *((r.code, r.label) for r in roles)])
    for field in (form.service, form.moved_from, form.moved_to):
        field.choices = options([NOT_SET, *((s.code, s.label) for s in services)])
    return form
