"""Thin views: read the response, ask the runner which page comes next, save, redirect."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import URLSafeSerializer

from app import journey_code
from app.data import DataError, NotFound
from app.data import area as area_data
from app.data import instruments as instrument_data
from app.data import responses as response_data
from app.extensions import limiter
from app.public_url import public_url_for
from app.survey import bp, forms, messages, pages, resumed, throttle
from app.survey.runner import first_unfinished, next_page_id, previous_page_id, progress

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


def _too_many_starts(_limit):
    return make_response(render_template("survey/too_many_starts.jinja"), 429)


@bp.route("/s/<slug>", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SURVEY_START_LIMIT"],
    methods=["POST"],
    scope="survey-start",
    on_breach=_too_many_starts,
)
def start(slug: str):
    survey = _or_404(area_data.get_survey, slug)
    if not survey.is_open(date.today()):
        return render_template("survey/closed.jinja", title=survey.title), 410
    form = forms.StartForm()
    if form.validate_on_submit():
        token = _start_signer().loads(form.start_token.data)  # BadSignature: a 400 page
        code, _ = _link_code(form.code.data)  # if it cannot be checked now, the journey page asks
        response = response_data.start_response(survey, token, code)
        return redirect(_page_url(response, _pages_for(response)[0].id))
    plan = instrument_data.survey_plan(survey)
    link_code = request.args.get("code", "")
    code, link_problem = _link_code(link_code)
    form.start_token.data = _start_signer().dumps(response_data.new_token())
    form.code.data = code or ""
    return render_template(
        "survey/start.jinja",
        survey=survey,
        form=form,
        plan=plan,
        minutes=instrument_data.minutes_to_answer(plan),
        code=code,
        link_problem=link_problem,
    )


@bp.route("/r/<token>/<page_id>", methods=["GET", "POST"])
def page(token: str, page_id: str):
    response, access = _open(token)
    if response.status == "complete":
        return redirect(url_for("survey.done", token=token))
    all_pages = _pages_for(response)
    current = next((p for p in all_pages if p.id == page_id), None)
    hidden = access.hidden(response)
    if current is None or current.id in hidden:
        return redirect(_page_url(response, first_unfinished(all_pages, response.pages_done)))
    if current.kind == "check":
        return _check(response, all_pages, current, hidden)
    form = pages.form_for(response, current)
    paused = False
    if form.validate_on_submit():
        try:
            if current.kind == "journey" and form.code.data:
                throttle.check(form.code.data)
            pages.save(response, current, form)
        except throttle.LookupPaused as exc:
            paused = True  # the code was not checked; the page is shown again as typed
            form.code.errors = [*form.code.errors, exc.message]
        except DataError as exc:
            if exc.field == "code":
                throttle.missed(form.code.data)
            pages.add_error(form, exc)
        else:
            resumed.remember_saved(access, response, current.id)
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
    return html, (429 if paused else 400 if form.errors else 200)


def _check(response, all_pages, current, hidden: frozenset[str]):
    form = forms.EmptyForm()
    missing = [p for p in all_pages[:-1] if p.id not in set(response.pages_done)]
    if form.validate_on_submit():
        if missing:
            return redirect(_page_url(response, missing[0].id))
        response_data.complete(response, pages.asked(all_pages))
        return redirect(url_for("survey.done", token=_url_token(response)))
    rows = pages.check_rows(response, all_pages, token=_url_token(response), hidden=hidden)
    return _render_page(
        "survey/check.jinja", response, all_pages, current, form, rows=rows, hidden=hidden
    )


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
    response, _ = _open(token)
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
        next_link=public_url_for("survey.pathway", slug=pathway.slug, code=code),
    )


@bp.route("/resume", methods=["GET", "POST"])
def resume():
    """A journey code opens only the pages not answered yet (app/survey/resumed.py)."""
    form = forms.ResumeForm()
    paused = False
    if form.validate_on_submit():
        since = resumed.started_since()
        try:
            response = throttle.look_up(
                form.code.data, lambda code: response_data.resumable(code, since)
            )
        except throttle.LookupPaused as exc:
            paused = True
            form.code.errors.append(exc.message)
        else:
            if response is not None:
                g.survey_access = resumed.Access(resumed.issue(response), by_code=True)
                pages_ = _pages_for(response)
                return redirect(_page_url(response, first_unfinished(pages_, response.pages_done)))
            form.code.errors.append(
                "We could not find an unfinished survey started in the last "
                f"{current_app.config['RESUME_DAYS']} days with that code. "
                "If you already sent your answers, there is nothing more to do. "
                "To start again, use the link or QR code you were given."
            )
    status = 429 if paused else 400 if form.errors else 200
    return render_template("survey/resume.jinja", form=form), status


@bp.get("/accessibility")
def accessibility():
    return render_template("survey/accessibility.jinja")


@bp.get("/privacy")
def privacy():
    return render_template("survey/privacy.jinja")


def _pages_for(response):
    return pages.pages_for(response, current_app.config["QUESTIONS_PER_PAGE"])


def _open(token: str):
    """The response this URL's token opens, and how: by its own token, or resumed by code."""
    resumed_id = resumed.response_id(token)
    if resumed_id is None:
        response = _or_404(response_data.get_response, token)
        access = resumed.Access(token)
    else:
        response = response_data.resumed_response(resumed_id, resumed.started_since())
        if response is None:
            abort(404)
        access = resumed.access(token, resumed_id)
    g.survey_access = access  # links on the page keep the token this request came with
    return response, access


def _url_token(response) -> str:
    access = g.get("survey_access")
    return access.token if access is not None else response.token


def _page_url(response, page_id: str) -> str:
    return url_for("survey.page", token=_url_token(response), page_id=page_id)


def _back_url(response, all_pages, page_id: str) -> str:
    if request.args.get("change"):
        return _page_url(response, "check")
    access = g.get("survey_access")
    hidden = access.hidden(response) if access is not None else frozenset()
    previous = previous_page_id(all_pages, page_id)
    while previous and previous in hidden:
        previous = previous_page_id(all_pages, previous)
    if previous:
        return _page_url(response, previous)
    return url_for("survey.start", slug=response.survey.slug)


def _start_signer() -> URLSafeSerializer:
    """Start tokens are signed, so only tokens this server issued can name a response."""
    return URLSafeSerializer(current_app.secret_key, salt="survey-start")


def _link_code(text: str | None) -> tuple[str | None, str | None]:
    """The journey code a start link carries, or (None, why not): "wrong" or "paused"."""
    if not text:
        return None, None
    try:
        code = journey_code.parse(text)
    except journey_code.JourneyCodeError:
        return None, "wrong"  # a slip the check symbol catches: no look-up, nothing counted
    try:
        journey = throttle.look_up(code, response_data.find_journey)
    except throttle.LookupPaused:
        return None, "paused"
    return (code, None) if journey is not None else (None, "wrong")


def _or_404(fetch, key):
    try:
        return fetch(key)
    except NotFound:
        abort(404)
