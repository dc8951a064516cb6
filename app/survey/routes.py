"""Thin views: read the response, ask the runner which page comes next, save, redirect."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from itsdangerous import URLSafeSerializer

from app import journey_code
from app.data import DataError, NotFound
from app.data import area as area_data
from app.data import instruments as instrument_data
from app.data import responses as response_data
from app.survey import bp, forms, messages, pages
from app.survey.runner import first_unfinished, next_page_id, previous_page_id, progress
from app.survey.throttle import journey_lookups, missed

STABLE_KINDS = {"questions", "about", "comments"}


@bp.get("/")
def home():
    return render_template("survey/home.jinja", surveys=area_data.all_surveys(), today=date.today())


@bp.route("/pathway/<slug>", methods=["GET", "POST"])
def pathway(slug: str):
    path = _or_404(area_data.get_pathway, slug)
    today = date.today()
    open_stages = [(st, area_data.open_survey_for_stage(st, today)) for st in path.stages]
    choices = [(st.slug, st.name) for st, survey in open_stages if survey]
    if not choices:
        return render_template("survey/closed.jinja", title=path.name), 410
    form = forms.single_choice_form(
        "stage",
        "Which part of your care do you want to tell us about?",
        choices,
        messages.CHOOSE_STAGE,
    )
    if form.validate_on_submit():
        survey = dict((st.slug, sv) for st, sv in open_stages)[form.stage.data]
        return redirect(url_for("survey.start", slug=survey.slug, code=request.args.get("code")))
    hints = {st.slug: st.description for st, _ in open_stages if st.description}
    return render_template("survey/pathway.jinja", pathway=path, form=form, hints=hints), (
        400 if form.errors else 200
    )


@bp.route("/s/<slug>", methods=["GET", "POST"])
@journey_lookups
def start(slug: str):
    survey = _or_404(area_data.get_survey, slug)
    if not survey.is_open(date.today()):
        return render_template("survey/closed.jinja", title=survey.title), 410
    form = forms.StartForm()
    if form.validate_on_submit():
        token = _start_signer().loads(form.start_token.data)  # BadSignature: a 400 page
        code = _valid_code(form.code.data)
        response = response_data.start_response(survey, token, code)
        return redirect(_page_url(response, _pages_for(response)[0].id))
    plan = instrument_data.survey_plan(survey)
    link_code = request.args.get("code", "")
    code = _valid_code(link_code)
    form.start_token.data = _start_signer().dumps(response_data.new_token())
    form.code.data = code or ""
    return render_template(
        "survey/start.jinja",
        survey=survey,
        form=form,
        plan=plan,
        minutes=instrument_data.minutes_to_answer(plan),
        code=code,
        bad_link_code=bool(link_code) and not code,
    )


@bp.route("/r/<token>/<page_id>", methods=["GET", "POST"])
@journey_lookups
def page(token: str, page_id: str):
    response = _or_404(response_data.get_response, token)
    if response.status == "complete":
        return redirect(url_for("survey.done", token=token))
    all_pages = _pages_for(response)
    current = next((p for p in all_pages if p.id == page_id), None)
    if current is None:
        return redirect(_page_url(response, first_unfinished(all_pages, response.pages_done)))
    if current.kind == "check":
        return _check(response, all_pages, current)
    form = pages.form_for(response, current)
    if form.validate_on_submit():
        try:
            pages.save(response, current, form)
        except DataError as exc:
            if exc.field == "code":
                missed()
            pages.add_error(form, exc)
        else:
            # Answers to statements never change which pages there are; the other pages can.
            refreshed = all_pages if current.kind in STABLE_KINDS else _pages_for(response)
            # After a change from "Check your answers", go back there unless new pages appeared.
            target = None if request.args.get("change") else next_page_id(refreshed, page_id)
            target = target or first_unfinished(refreshed, response.pages_done)
            return redirect(_page_url(response, target))
    html = _render_page(
        pages.template_for(current),
        response,
        all_pages,
        current,
        form,
        view=pages.view_model(response, current),
    )
    return html, (400 if form.errors else 200)


def _check(response, all_pages, current):
    form = forms.EmptyForm()
    missing = [p for p in all_pages[:-1] if p.id not in set(response.pages_done)]
    if form.validate_on_submit():
        if missing:
            return redirect(_page_url(response, missing[0].id))
        response_data.complete(response, pages.asked(all_pages))
        return redirect(url_for("survey.done", token=response.token))
    rows = pages.check_rows(response, all_pages)
    return _render_page("survey/check.jinja", response, all_pages, current, form, rows=rows)


def _render_page(template: str, response, all_pages, current, form, **extra) -> str:
    """A page of the response, with the Back link, progress and journey-code reminder."""
    return render_template(
        template,
        response=response,
        page=current,
        form=form,
        back_url=_back_url(response, all_pages, current.id),
        progress=progress(all_pages, current.id),
        code=journey_code.display(response.journey.code) if response.journey else None,
        **extra,
    )


@bp.get("/r/<token>/done")
def done(token: str):
    response = _or_404(response_data.get_response, token)
    if response.status != "complete":
        return redirect(
            _page_url(response, first_unfinished(_pages_for(response), response.pages_done))
        )
    code = response.journey.code
    pathway = response.survey.stage.pathway
    return render_template(
        "survey/done.jinja",
        response=response,
        code=journey_code.display(code),
        next_link=url_for("survey.pathway", slug=pathway.slug, code=code, _external=True),
    )


@bp.route("/resume", methods=["GET", "POST"])
@journey_lookups
def resume():
    form = forms.ResumeForm()
    if form.validate_on_submit():
        response = response_data.resumable(form.code.data)
        if response is not None:
            pages_ = _pages_for(response)
            return redirect(_page_url(response, first_unfinished(pages_, response.pages_done)))
        missed()
        form.code.errors.append(
            "We could not find an unfinished survey with that code. If you already sent your "
            "answers, there is nothing more to do. "
            "To start again, use the link or QR code you were given."
        )
    return render_template("survey/resume.jinja", form=form), (400 if form.errors else 200)


@bp.get("/accessibility")
def accessibility():
    return render_template("survey/accessibility.jinja")


@bp.get("/privacy")
def privacy():
    return render_template("survey/privacy.jinja")


def _pages_for(response):
    return pages.pages_for(response, current_app.config["QUESTIONS_PER_PAGE"])


def _page_url(response, page_id: str) -> str:
    return url_for("survey.page", token=response.token, page_id=page_id)


def _back_url(response, all_pages, page_id: str) -> str:
    if request.args.get("change"):
        return _page_url(response, "check")
    previous = previous_page_id(all_pages, page_id)
    if previous:
        return _page_url(response, previous)
    return url_for("survey.start", slug=response.survey.slug)


def _start_signer() -> URLSafeSerializer:
    """Start tokens are signed, so only tokens this server issued can name a response."""
    return URLSafeSerializer(current_app.secret_key, salt="survey-start")


def _valid_code(text: str | None) -> str | None:
    if not text:
        return None
    try:
        code = journey_code.parse(text)
    except journey_code.JourneyCodeError:
        missed()
        return None
    if response_data.find_journey(code) is None:
        missed()
        return None
    return code


def _or_404(fetch, key):
    try:
        return fetch(key)
    except NotFound:
        abort(404)
