"""The survey form: built per request, because its choices (stages, services, instruments
and each instrument's topics) come from the area and the loaded instrument files."""

from __future__ import annotations

import re

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.data import survey_edit
from app.data.survey_edit import ChosenInstrument, SurveyInput
from app.fields import Checkboxes, Date, blank_to_none, options, strip
from app.forms import Form
from app.public_url import public_url_for

ITEM_SEPARATORS = re.compile(r"[\s,;]+")
ROLE_HINTS = {
    "patient": "The patient answers for themselves.",
    "carer": "A carer, family member or friend answers about the person they care for.",
    "helped": "Someone helps the patient give their own answers.",
}


class _Radios(RadioField):
    """Radios whose "not one of the options" message is plain English."""

    def pre_validate(self, form):
        if self.data and self.data not in {c.value for c in self.choices}:
            raise ValidationError("Choose one of the options shown")


class _Options(Checkboxes):
    """Checkboxes that name what to choose from when a value is not an option (a service
    retired, or an instrument file removed, since the page was opened)."""

    def __init__(self, label=None, validators=None, unknown="Choose from the options shown", **kw):
        super().__init__(label, validators, **kw)
        self.unknown = unknown

    def pre_validate(self, form):
        allowed = {str(c.value) for c in self.choices}
        if any(str(v) not in allowed for v in self.data or []):
            raise ValidationError(self.unknown)


def _keep_order(chosen, saved: list[str]) -> list[str]:
    chosen = list(chosen or [])
    return sorted(chosen, key=lambda v: saved.index(v) if v in saved else len(saved))


def _item_ids(text: str | None) -> list[str]:
    seen: list[str] = []
    for part in ITEM_SEPARATORS.split(text or ""):
        if part and part not in seen:
            seen.append(part)
    return seen


class SurveyForm(Form):
    slug = StringField(
        "Short name for the link",
        filters=[strip],
        validators=[
            InputRequired("Enter a short name for the link"),
            Length(max=80, message="The short name must be 80 characters or fewer"),
        ],
    )
    title = StringField(
        "Title",
        description="People see this at the top of the survey and on the poster.",
        filters=[strip],
        validators=[
            InputRequired("Enter a title"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
    )
    intro = TextAreaField(
        "Introduction (optional)",
        description="A sentence or two shown on the start page, under the title.",
        filters=[blank_to_none],
        validators=[
            Optional(),
            Length(max=2000, message="The introduction must be 2000 characters or fewer"),
        ],
    )
    stage = _Radios(
        "Which pathway stage does this survey ask about?",
        validators=[InputRequired("Choose the pathway stage this survey asks about")],
    )
    instruments = _Options(
        "Instruments (sets of questions) to ask",
        unknown="Choose from the instruments shown",
        description="Select all that apply. The About you questions are asked in every survey.",
        validators=[InputRequired("Select at least one instrument")],
    )
    services = _Options(
        "Services this survey covers",
        unknown="Choose from the services shown. A retired service cannot be added",
        validators=[InputRequired("Select at least one service")],
    )
    roles = _Options(
        "Who can answer",
        choices=options(survey_edit.ROLES.items()),
        description="Select all that apply.",
        validators=[InputRequired("Select at least one kind of person who can answer")],
    )
    opens_on = Date(
        "Opens on (optional)",
        description="Type the date as YYYY-MM-DD, like 2026-04-01. Leave blank to open now.",
        validators=[Optional()],
    )
    closes_on = Date(
        "Closes on (optional)",
        description="The last day people can start it, as YYYY-MM-DD. Leave blank to keep it open.",
        validators=[Optional()],
    )

    # Filled by survey_form(): (instrument, its topics field or None, its statements field).
    parts: list

    def part(self, instrument_id: str) -> tuple:
        """(instrument, its topics field or None, its statements field)."""
        return next(p for p in self.parts if p[0].id == instrument_id)

    def subset_field(self, key: str):
        """The field a data-layer problem key names (``domains:<id>``, ``items:<id>``)."""
        kind, _, instrument_id = key.partition(":")
        for inst, domains, items in self.parts:
            if inst.id == instrument_id:
                return domains if kind == "domains" and domains is not None else items
        return None

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        """Show data-layer problems on their fields, after the form's own checks."""
        for key, messages in problems.items():
            target = self.subset_field(key) if ":" in key else getattr(self, key, None)
            if target is None:
                self.form_errors.append(" ".join(messages))
            elif not target.errors:
                target.errors = list(target.errors) + messages

    def survey_input(self, current: dict[str, list[str]] | None = None) -> SurveyInput:
        """The form as a SurveyInput. ``current`` is the survey's instruments and topics as
        saved: what is still chosen keeps its order (instruments are asked in that order),
        and anything new goes after, as listed."""
        current = current or {}
        by_id = {inst.id: (domains, items) for inst, domains, items in self.parts}
        instruments = []
        for instrument_id in _keep_order(self.instruments.data, list(current)):
            domains, items = by_id.get(instrument_id, (None, None))
            chosen_domains = list(domains.data or []) if domains is not None else []
            instruments.append(
                ChosenInstrument(
                    instrument_id,
                    domains=_keep_order(chosen_domains, current.get(instrument_id) or []),
                    items=_item_ids(items.data) if items is not None else [],
                )
            )
        return SurveyInput(
            slug=self.slug.data or "",
            title=self.title.data or "",
            intro=self.intro.data,
            stage_id=int(self.stage.data) if (self.stage.data or "").isdigit() else None,
            instruments=instruments,
            service_ids=[int(s) for s in self.services.data or [] if str(s).isdigit()],
            roles=list(self.roles.data or []),
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
        )


def survey_form(survey=None, locked: bool = False) -> SurveyForm:
    """A SurveyForm with this area's choices, filled from ``survey`` when editing.

    ``locked``: the survey has responses, so its link and stage are shown as text, not
    sent with the form; they keep the survey's values (a changed one is still refused)."""
    instruments = survey_edit.instrument_options()

    class Form(SurveyForm):
        pass

    # Each instrument's subset fields sit right after the instrument checkboxes, so the
    # error summary lists problems in page order (WTForms orders fields by this counter).
    counter = SurveyForm.instruments.creation_counter
    for n, inst in enumerate(instruments):
        name = inst.short_title or inst.title
        if inst.domains:
            domains = _Options(
                f"{name}: only these topics (optional)",
                choices=options(inst.domains.items()),
                description="Leave all unticked to ask every statement.",
            )
            domains.creation_counter = counter + (2 * n + 1) / 1000
            setattr(Form, f"domains_{n}", domains)
        items = StringField(
            f"{name}: only these statements (optional)",
            description="Item ids, separated by commas, like "
            f"{', '.join(i.id for i in inst.items[:2])}. They are asked as well as any topics "
            "ticked. The Instruments page lists them.",
            filters=[strip],
            validators=[
                Optional(),
                Length(max=2000, message="The list of statements must be 2000 characters or fewer"),
            ],
        )
        items.creation_counter = counter + (2 * n + 2) / 1000
        setattr(Form, f"items_{n}", items)

    form = Form(data=_initial(survey, instruments) if survey else None)
    form.parts = [
        (inst, getattr(form, f"domains_{n}", None), getattr(form, f"items_{n}"))
        for n, inst in enumerate(instruments)
    ]
    form.instruments.choices = options((i.id, f"{i.title} ({i.id})") for i in instruments)
    form.stage.choices = options(
        (str(st.id), f"{st.pathway.name}: {st.name}") for st in survey_edit.stage_options()
    )
    form.services.choices = options(
        (str(s.id), s.name + (" (retired)" if s.retired else ""))
        for s in survey_edit.service_options(survey)
    )
    form.services.description = _services_hint(survey.stage.kind if survey else None)
    if locked:
        form.slug.validators = form.stage.validators = []
    form.slug.description = (
        "Lower-case letters, numbers and hyphens, like lh-leaving-hospital. The public link "
        f"ends with it: {public_url_for('survey.start', slug='lh-leaving-hospital')}"
    )
    if survey is not None:
        form.slug.description += (
            ". Changing it stops any link, QR code or poster already given out from working."
        )
    return form


def _services_hint(stage_kind: str | None) -> str:
    if stage_kind == "transition":
        return (
            "Select all that apply. This stage is a move between services: these are the "
            "services people can say they moved from and to."
        )
    return (
        "Select all that apply. People choose the one they used. For a stage that is a move "
        "between services, these are the services people can say they moved from and to."
    )


def _initial(survey, instruments) -> dict:
    data = {
        "slug": survey.slug,
        "title": survey.title,
        "intro": survey.intro,
        "stage": str(survey.stage_id),
        "instruments": [si.instrument_id for si in survey.instruments],
        "services": [str(s.id) for s in survey.services],
        "roles": list(survey.roles or []),
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
    }
    chosen = {si.instrument_id: si for si in survey.instruments}
    for n, inst in enumerate(instruments):
        si = chosen.get(inst.id)
        if si is not None:
            data[f"domains_{n}"] = list(si.domains or [])
            data[f"items_{n}"] = ", ".join(si.item_ids or [])
    return data


def stage_hints() -> dict[str, str]:
    return {str(st.id): survey_edit.STAGE_KINDS[st.kind] for st in survey_edit.stage_options()}
