"""Forms for each kind of survey page, built from the instrument items on the page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from app import journey_code
from app.forms import Form
from app.survey import messages
from surveys.model import FreeText, Item
from surveys.wording import MOVED_FROM_QUESTION, MOVED_TO_QUESTION


class Radios(RadioField):
    """Radios whose "not one of the options" message is plain English."""

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(messages.NOT_AN_OPTION)


def _strip(value):
    """People type stray spaces, especially on phones; they are never meant."""
    return value.strip() if isinstance(value, str) else value


def _choices(pairs) -> list[SelectChoice]:
    return [c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in pairs]


def _radio(label: str, choices, required_message: str | None, description: str = "") -> Radios:
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return Radios(label, choices=_choices(choices), validators=validators, description=description)


def items_form(items: Iterable[Item], required: bool, data: dict | None = None) -> Form:
    """One field per item: radios for choice items, a text box for text items."""

    class ItemsForm(Form):
        pass

    for item in items:
        if item.type == "choice":
            choices = [(o.code, o.label) for o in item.scale.options]
            field = _radio(
                item.text,
                choices,
                messages.choose_agreement(item.text) if required else None,
                item.hint or "",
            )
        else:
            validators = [Optional()]
            if item.max_length:
                too_long = f"Your answer must be {item.max_length} characters or fewer"
                validators.append(
                    Length(max=item.max_length, message=item.pattern_message or too_long)
                )
            if item.pattern:
                wrong = (
                    item.pattern_message or "Check what you typed: it is not in the expected format"
                )
                validators.append(Regexp(item.pattern, re.IGNORECASE, wrong))
            field = StringField(
                item.text, validators=validators, description=item.hint or "", filters=[_strip]
            )
        setattr(ItemsForm, item.id, field)
    return ItemsForm(data=data or {})


def free_text_form(questions: Iterable[FreeText], data: dict | None = None) -> Form:
    class CommentsForm(Form):
        pass

    for q in questions:
        limit = Length(
            max=q.max_length, message=f"Your answer must be {q.max_length} characters or fewer"
        )
        setattr(
            CommentsForm,
            q.id,
            TextAreaField(q.text, validators=[Optional(), limit], description=q.hint or ""),
        )
    return CommentsForm(data=data or {})


def single_choice_form(name: str, label: str, choices, message: str, data=None) -> Form:
    class ChoiceForm(Form):
        pass

    setattr(ChoiceForm, name, _radio(label, choices, message))
    return ChoiceForm(data=data or {})


def transition_form(choices, data=None) -> Form:
    class TransitionForm(Form):
        from_service = _radio(MOVED_FROM_QUESTION, choices, messages.CHOOSE_FROM)
        to_service = _radio(MOVED_TO_QUESTION, choices, messages.CHOOSE_TO)

        def validate_to_service(self, field):
            if field.data and field.data == self.from_service.data:
                raise ValidationError("Select a different place for where you moved to")

    return TransitionForm(data=data or {})


class JourneyForm(Form):
    has_code = Radios(
        "Have you answered this survey before, at another stage of your care?",
        choices=_choices(
            [("yes", "Yes, I have a journey code"), ("no", "No, or I do not have my code")]
        ),
        validators=[InputRequired(messages.CHOOSE_HAS_CODE)],
    )
    code = StringField(
        "Journey code",
        description=(
            "It is 10 letters and numbers, like 7KQ2M-XR4PT. "
            "It is on your last confirmation page or paper form."
        ),
    )

    def validate_code(self, field):
        if self.has_code.data == "yes":
            try:
                field.data = journey_code.parse(field.data or "")
            except journey_code.JourneyCodeError as exc:
                raise ValidationError(str(exc)) from exc
        else:
            field.data = None


class ResumeForm(Form):
    code = StringField(
        "Your journey code",
        description="It is 10 letters and numbers, like 7KQ2M-XR4PT.",
    )

    def validate_code(self, field):
        try:
            field.data = journey_code.parse(field.data or "")
        except journey_code.JourneyCodeError as exc:
            raise ValidationError(str(exc)) from exc


class StartForm(Form):
    """Carries the server-issued start token, so a repeated start makes one response."""

    start_token = StringField(validators=[InputRequired(), Length(min=16, max=200)])
    code = StringField(validators=[Optional()])


class EmptyForm(Form):
    """CSRF only (the check-answers submit)."""
