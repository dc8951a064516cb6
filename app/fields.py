"""Form fields and filters shared by the staff forms."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def strip(value):
    """Stray spaces around typed text are never meant."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value):
    value = strip(value)
    return value or None


class Checkboxes(SelectMultipleField):
    """Checkboxes whose "not one of the options" message is plain English."""

    def pre_validate(self, form):
        allowed = {str(c.value) for c in self.choices}
        unknown = [v for v in self.data or [] if str(v) not in allowed]
        if unknown:
            raise ValidationError(f"{', '.join(unknown)} is not one of the options")


class Date(DateField):
    """A date typed as YYYY-MM-DD, with a message that says so when it is not one.

    Only 2000 to 2100: no survey, batch or report falls outside, and a date like 9999-12-31
    would overflow the "up to the end of that day" sums the filters make.
    """

    EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a real date in the form YYYY-MM-DD, like 2026-03-31") from exc
        if self.data is not None and not self.EARLIEST <= self.data <= self.LATEST:
            self.data = None
            raise ValueError("Enter a date between 2000-01-01 and 2100-12-31")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


class Select(SelectField):
    """A drop-down whose "not one of the options" message is plain English."""

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(f"Choose one of the options for {self.label.text.lower()}")
