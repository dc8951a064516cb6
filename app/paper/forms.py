"""The spreadsheet upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from app.fields import Date, Select, options, strip

MAX_BYTES = 10 * 1024 * 1024


class ImportForm(FlaskForm):
    survey = Select("Survey", validators=[InputRequired("Choose the survey the forms belong to")])
    place = StringField(
        "Where the forms were collected",
        description="For example, Riverside Carers' Centre coffee morning",
        filters=[strip],
        validators=[
            InputRequired("Enter where the forms were collected"),
            Length(
                max=200, message="Where the forms were collected must be 200 characters or fewer"
            ),
        ],
    )
    collected_on = Date(
        "When the forms were collected",
        description=(
            "As YYYY-MM-DD, for example 2026-03-31. Forms with no date of their own get this one."
        ),
        validators=[InputRequired("Enter the date the forms were collected")],
    )
    file = FileField(
        "Spreadsheet",
        description="An Excel workbook (.xlsx) or CSV file made from this survey's template.",
        validators=[
            FileRequired("Choose the spreadsheet to upload"),
            FileSize(MAX_BYTES, message="The file must be smaller than 10 MB"),
        ],
    )


def import_form(surveys, chosen: str | None = None) -> ImportForm:
    form = ImportForm(data={"survey": chosen} if chosen else None)
    form.survey.choices = options(
        [("", "Choose a survey"), *((s.slug, f"{s.title} ({s.stage.name})") for s in surveys)]
    )
    return form
