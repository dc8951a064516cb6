"""Forms for services, pathways and stages. Their rules are the area file's rules."""

from __future__ import annotations

from collections.abc import Callable

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.data.area_edit import MAX, ODS_CODE, SECTORS, SLUG, STAGE_KINDS
from app.fields import blank_to_none, options, strip
from app.forms import Form

KIND_HINTS = {
    "episode": "Care from one service, like a stay on a ward. "
    "People say which service they are answering about.",
    "transition": "Moving from one service to another, like leaving hospital. "
    "People say where they moved from and where to.",
}


def _ods(value):
    """ODS codes are capitals; people type them in any case and with stray spaces."""
    value = blank_to_none(value)
    return value.upper().replace(" ", "") if value else value


def _too_long(what: str, key: str) -> Length:
    return Length(max=MAX[key], message=f"{what} must be {MAX[key]} characters or fewer")


def _slug_field(label: str, what: str, example: str, key: str, hint: str) -> StringField:
    return StringField(
        label,
        description=hint,
        filters=[strip],
        validators=[
            InputRequired(f"Enter a {label.lower()} for the {what}"),
            _too_long(label, key),
            Regexp(
                SLUG,
                message=f"{label} must be lower-case letters, numbers and hyphens, like {example}",
            ),
        ],
    )


def _name_field(what: str, hint: str) -> StringField:
    return StringField(
        "Name",
        description=hint,
        filters=[strip],
        validators=[InputRequired(f"Enter the {what} name"), _too_long("Name", "name")],
    )


class AreaForm(Form):
    """A form whose ``key`` field (code or slug) must not be taken: ``taken(value)`` gives the
    message if it is, so a clash shows with the other problems, not after they are fixed."""

    key = ""

    def __init__(self, *args, taken: Callable[[str], str | None] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = taken

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        field = self._fields.get(self.key)
        if self._taken and field is not None and field.data and not field.errors:
            problem = self._taken(field.data)
            if problem:
                field.errors.append(problem)
                valid = False
        return valid

    def values(self) -> dict:
        """The typed values by field name, for the data command of the same field names."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class ServiceForm(AreaForm):
    key = "code"

    code = _slug_field(
        "Code",
        "service",
        "county-wards",
        "code",
        "The key the area file uses for this service. Lower-case letters, numbers and hyphens. "
        "It cannot be changed once people have answered about the service.",
    )
    name = _name_field(
        "service", "As people answering will recognise it, like County Hospital wards."
    )
    sector = RadioField(
        "Sector",
        choices=options(SECTORS.items()),
        validators=[InputRequired("Select the sector the service is in")],
        invalid_choice_message="Select one of the sectors listed",
    )
    locality = StringField(
        "Locality (optional)",
        description="The town or part of the area, like Riverside.",
        filters=[blank_to_none],
        validators=[Optional(), _too_long("Locality", "locality")],
    )
    ods_code = StringField(
        "ODS code (optional)",
        description="The NHS Organisation Data Service code, like RXH or RXH01. "
        "Leave it blank if the service has none.",
        filters=[_ods],
        validators=[
            Optional(),
            _too_long("ODS code", "ods_code"),
            Regexp(
                ODS_CODE, message="ODS code must be letters and numbers only, like RXH or RXH01"
            ),
        ],
    )


class PathwayForm(AreaForm):
    key = "slug"

    slug = _slug_field(
        "Slug",
        "pathway",
        "leaving-hospital",
        "slug",
        "Used in the pathway's web link and QR code, like /pathway/leaving-hospital. "
        "Lower-case letters, numbers and hyphens. It cannot be changed once people have answered.",
    )
    name = _name_field("pathway", "People answering see it above the list of stages.")
    description = TextAreaField(
        "Description (optional)",
        description="Where the pathway starts and ends, for staff. People answering do not see it.",
        filters=[blank_to_none],
    )


class StageForm(AreaForm):
    key = "slug"

    slug = _slug_field(
        "Slug",
        "stage",
        "in-hospital",
        "slug",
        "Must be different from the other stages of this pathway. Lower-case letters, numbers "
        "and hyphens. It cannot be changed once people have answered about the stage.",
    )
    name = _name_field("stage", "People answering choose the stage by this name, like In hospital.")
    kind = RadioField(
        "What kind of stage is it?",
        choices=options(STAGE_KINDS.items()),
        validators=[InputRequired("Select what kind of stage this is")],
        invalid_choice_message="Select one of the kinds of stage listed",
    )
    description = TextAreaField(
        "Description (optional)",
        description="One plain-English line people see under the name when they choose the "
        "stage, like: Your stay on a hospital ward.",
        filters=[blank_to_none],
    )
