"""Glue between a saved response and its pages: the page list, each page's form, saving.

Kept apart from routes so each view stays a few lines.
"""

from __future__ import annotations

from flask import url_for

from app import journey_code
from app.data import DataError
from app.data import area as area_data
from app.data import instruments as instrument_data
from app.data import responses as response_data
from app.survey import forms, messages
from app.survey.runner import Context, Page, build_pages
from surveys.wording import ABOUT_YOU_HINT, COMMENTS_HINT, ROLE_LABELS, ROLE_QUESTION

YES_NO = [("yes", "Yes"), ("no", "No")]
HIDDEN_ANSWER = "Answered before you continued with your journey code"
TEMPLATES = {
    "journey": "survey/journey.jinja",
    "role": "survey/choice.jinja",
    "service": "survey/choice.jinja",
    "about_intro": "survey/choice.jinja",
    "transition": "survey/transition.jinja",
    "questions": "survey/questions.jinja",
    "about": "survey/questions.jinja",
    "comments": "survey/comments.jinja",
}


def pages_for(response, per_page: int) -> list[Page]:
    survey = response.survey
    chosen = [s for s in (response.service, response.from_service, response.to_service) if s]
    journey_from_link = response.journey is not None and "journey" not in (
        response.pages_done or []
    )
    ctx = Context(
        stage_kind=response.stage.kind,
        roles_allowed=tuple(survey.roles),
        n_services=len(area_data.live_services(survey)),
        role=response.role,
        sectors=frozenset(s.sector for s in chosen),
        journey_from_link=journey_from_link,
        about_you_known=response_data.about_you_known(response),
        about_you_wanted=response.about_you_given,
    )
    plan = instrument_data.response_plan(response)
    return build_pages(plan, instrument_data.about_you(), ctx, per_page)


def _service_choices(response):
    return [(str(s.id), s.name) for s in area_data.live_services(response.survey)]


def _saved(response, instrument_id: str) -> dict:
    return {
        a.item_id: a.code if a.code is not None else a.text
        for a in response.answers
        if a.instrument_id == instrument_id
    }


def form_for(response, page: Page):
    kind = page.kind
    if kind == "journey":
        data = {}
        if "journey" in (response.pages_done or []) and response.journey:
            others = len(response.journey.responses) > 1
            data = {
                "has_code": "yes" if others else "no",
                "code": journey_code.display(response.journey.code) if others else "",
            }
        return forms.JourneyForm(data=data)
    if kind == "role":
        choices = [(r, ROLE_LABELS[r]) for r in response.survey.roles]
        return forms.single_choice_form(
            "role", page.title, choices, messages.CHOOSE_ROLE, {"role": response.role}
        )
    if kind == "service":
        data = {"service": str(response.service_id) if response.service_id else None}
        return forms.single_choice_form(
            "service", page.title, _service_choices(response), messages.CHOOSE_SERVICE, data
        )
    if kind == "transition":
        data = {
            "from_service": str(response.from_service_id) if response.from_service_id else None,
            "to_service": str(response.to_service_id) if response.to_service_id else None,
        }
        return forms.transition_form(_service_choices(response), data)
    if kind == "about_intro":
        wanted = response.about_you_given
        data = {"about_you": None if wanted is None else ("yes" if wanted else "no")}
        return forms.single_choice_form(
            "about_you",
            "Would you like to tell us about yourself?",
            YES_NO,
            messages.CHOOSE_ABOUT_YOU,
            data,
        )
    if kind in ("questions", "about"):
        return forms.items_form(
            page.items, required=kind == "questions", data=_saved(response, page.instrument.id)
        )
    if kind == "comments":
        data = {}
        for instrument_id, question in page.free_text:
            data[question.id] = _saved(response, instrument_id).get(question.id)
        return forms.free_text_form([q for _, q in page.free_text], data)
    raise ValueError(f"no form for page kind {kind}")


def save(response, page: Page, form) -> None:
    kind = page.kind
    if kind == "journey":
        response_data.link_journey(response, form.code.data, page.id)
    elif kind == "role":
        response_data.set_role(response, form.role.data, page.id)
    elif kind == "service":
        response_data.set_services(response, page.id, service_id=int(form.service.data))
    elif kind == "transition":
        response_data.set_services(
            response, page.id, from_id=int(form.from_service.data), to_id=int(form.to_service.data)
        )
    elif kind == "about_intro":
        response_data.set_about_you_wanted(response, form.about_you.data == "yes", page.id)
    elif kind in ("questions", "about"):
        codes, texts = {}, {}
        for item in page.items:
            value = form[item.id].data
            if item.type == "choice":
                codes[item.id] = value
            else:
                texts[item.id] = value.upper() if value and item.pattern else value
        response_data.save_answers(response, page.instrument.id, codes, texts, page.id)
    elif kind == "comments":
        by_instrument: dict[str, dict] = {}
        for instrument_id, question in page.free_text:
            by_instrument.setdefault(instrument_id, {})[question.id] = form[question.id].data
        for n, (instrument_id, texts) in enumerate(by_instrument.items()):
            last = n == len(by_instrument) - 1
            response_data.save_answers(
                response, instrument_id, texts=texts, page_id=page.id if last else None
            )


def asked(all_pages: list[Page]) -> set[tuple[str, str]]:
    """Every (instrument, item) the pages ask, free text included."""
    keys = {(p.instrument.id, item.id) for p in all_pages if p.instrument for item in p.items}
    keys |= {(inst_id, q.id) for p in all_pages for inst_id, q in p.free_text}
    return keys


def add_error(form, exc: DataError) -> None:
    field = form[exc.field] if exc.field and exc.field in form else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def template_for(page: Page) -> str:
    return TEMPLATES[page.kind]


def view_model(response, page: Page) -> dict:
    """Extra text a page shows beside its form."""
    if page.kind == "role":
        return {"field": "role", "heading": ROLE_QUESTION}
    if page.kind == "service":
        return {
            "field": "service",
            "heading": page.title,
            "hint": f"This part of your care: {response.stage.name}.",
        }
    if page.kind == "about_intro":
        return {
            "field": "about_you",
            "heading": "About you",
            "about_intro": instrument_data.about_you(),
            "hint": ABOUT_YOU_HINT,
        }
    if page.kind == "comments":
        return {"hint": COMMENTS_HINT}
    return {}


def _label(item, code) -> str:
    if item.type != "choice" or code is None:
        return code or ""
    option = item.scale.option(code)
    return option.label if option else code


def check_rows(
    response, all_pages: list[Page], token: str | None = None, hidden: frozenset[str] = frozenset()
) -> list[dict]:
    """Rows for "Check your answers": each question, the answer, and where to change it.

    ``token`` is the one in the page's address; the answers on ``hidden`` pages (given before
    a resume by journey code) are neither shown nor offered for change.
    """
    done = set(response.pages_done or [])
    rows = []

    def row(key, value, page_id, section=None):
        closed = page_id in hidden
        rows.append(
            {
                "key": key,
                "value": HIDDEN_ANSWER if closed else (value or "Not answered"),
                "href": None
                if closed
                else url_for(
                    "survey.page", token=token or response.token, page_id=page_id, change=1
                ),
                "section": section,
                "done": page_id in done,
            }
        )

    for page in all_pages:
        if page.kind == "journey":
            row(
                "Journey code",
                journey_code.display(response.journey.code) if response.journey else "",
                page.id,
            )
        elif page.kind == "role":
            row("Who is answering", ROLE_LABELS.get(response.role or ""), page.id)
        elif page.kind == "service":
            row("Service", response.service.name if response.service else "", page.id)
        elif page.kind == "transition":
            row("Moved from", response.from_service.name if response.from_service else "", page.id)
            row("Moved to", response.to_service.name if response.to_service else "", page.id)
        elif page.kind in ("questions", "about"):
            saved = _saved(response, page.instrument.id)
            for item in page.items:
                row(item.text, _label(item, saved.get(item.id)), page.id, page.title)
        elif page.kind == "comments":
            for instrument_id, question in page.free_text:
                row(
                    question.text,
                    _saved(response, instrument_id).get(question.id),
                    page.id,
                    page.title,
                )
        elif page.kind == "about_intro":
            given = response.about_you_given
            row(
                "Tell us about yourself",
                None if given is None else ("Yes" if given else "No"),
                page.id,
            )
    return rows
