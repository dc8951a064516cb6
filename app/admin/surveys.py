"""Surveys: list, create, change, and hand out (public link, QR code, A4 poster)."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from app.admin import bp
from app.admin.survey_forms import ROLE_HINTS, SurveyForm, stage_hints, survey_form
from app.auth.access import current_actor, requires_role
from app.data import NotFound, survey_edit
from app.data import area as area_data
from app.data.survey_edit import SurveyProblems
from app.filters import HEX
from app.poster import poster_pdf
from app.public_url import public_url_for
from app.qr import qr_data_uri, qr_svg


def _survey_or_404(slug: str):
    try:
        return area_data.get_survey(slug)
    except NotFound:
        abort(404)


def _link(survey) -> str:
    return public_url_for("survey.start", slug=survey.slug)


def _day(value: date) -> str:
    return value.strftime("%-d %b %Y")


def status(survey, today: date | None = None) -> dict:
    """Open or closed today, in words, with the dates that decide it."""
    today = today or date.today()
    opens, closes = survey.opens_on, survey.closes_on
    if opens and today < opens:
        text, colour = "Not open yet", "nhsuk-tag--yellow"
    elif closes and today > closes:
        text, colour = "Closed", "nhsuk-tag--grey"
    else:
        text, colour = "Open", "nhsuk-tag--green"
    dates = [
        f"Opens {_day(opens)}" if opens else "No opening date",
        f"closes {_day(closes)}" if closes else "no closing date",
    ]
    return {"text": text, "classes": colour, "dates": ", ".join(dates)}


@bp.get("/surveys", endpoint="surveys")
@requires_role("admin")
def surveys_list():
    rows = [(s, n, status(s)) for s, n in survey_edit.survey_rows()]
    return render_template("admin/surveys/list.jinja", title="Surveys", rows=rows)


def _save(form: SurveyForm, survey=None):
    """Check the whole form at once (its own checks, then the area's) and save if it is
    all right. Returns the saved survey, or None when the form shows problems."""
    valid = form.validate()
    saved = {si.instrument_id: si.domains for si in survey.instruments} if survey else {}
    data = form.survey_input(saved)
    form.add_problems(survey_edit.problems(data, survey))
    if not valid or form.errors:
        return None
    try:
        if survey is None:
            return survey_edit.create_survey(current_actor(), data)
        survey_edit.update_survey(current_actor(), survey, data)
        return survey
    except SurveyProblems as exc:  # changed by someone else since the check above
        form.add_problems(exc.problems)
        return None


@bp.route("/surveys/new", methods=["GET", "POST"])
@requires_role("admin")
def surveys_new():
    form = survey_form()
    if form.is_submitted():
        survey = _save(form)
        if survey is not None:
            flash(f"Survey saved: {survey.title}")
            return redirect(url_for("admin.surveys_show", slug=survey.slug))
    return _form_page(form, None, 0, "Create a survey")


@bp.route("/surveys/<slug>/edit", methods=["GET", "POST"])
@requires_role("admin")
def surveys_edit(slug: str):
    survey = _survey_or_404(slug)
    answered = survey_edit.response_count(survey)
    form = survey_form(survey, locked=answered > 0)
    if form.is_submitted() and _save(form, survey) is not None:
        flash(f"Survey saved: {survey.title}")
        return redirect(url_for("admin.surveys_show", slug=survey.slug))
    return _form_page(form, survey, answered, f"Change survey: {survey.title}")


def _form_page(form: SurveyForm, survey, answered: int, title: str):
    back = url_for("admin.surveys_show", slug=survey.slug) if survey else url_for("admin.surveys")
    return render_template(
        "admin/surveys/form.jinja",
        title=title,
        back_url=back,
        form=form,
        survey=survey,
        answered=answered,
        stage_hints=stage_hints(),
        role_hints=ROLE_HINTS,
    ), (400 if form.errors else 200)


@bp.get("/surveys/<slug>")
@requires_role("admin")
def surveys_show(slug: str):
    survey = _survey_or_404(slug)
    return render_template(
        "admin/surveys/show.jinja",
        title=f"Survey: {survey.title}",
        back_url=url_for("admin.surveys"),
        survey=survey,
        link=_link(survey),
        status=status(survey),
        answered=survey_edit.response_count(survey),
        instruments=survey_edit.chosen_instruments(survey),
        roles=survey_edit.ROLES,
    )


@bp.get("/surveys/<slug>/qr.svg")
@requires_role("admin")
def surveys_qr(slug: str):
    survey = _survey_or_404(slug)
    link = _link(survey)
    response = Response(qr_svg(link, title=f"QR code for {link}"), mimetype="image/svg+xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{survey.slug}-qr.svg"'
    return response


@bp.get("/surveys/<slug>/poster.pdf")
@requires_role("admin")
def surveys_poster(slug: str):
    survey = _survey_or_404(slug)
    link = _link(survey)
    colour = current_app.config["BRAND_COLOUR"]
    html = render_template(
        "admin/surveys/poster.jinja",
        survey=survey,
        link=link,
        qr_uri=qr_data_uri(link, title=f"QR code for {link}"),
        minutes=survey_edit.minutes_to_answer(survey),
        colour=colour if HEX.match(colour) else "#005eb8",
    )
    pdf = poster_pdf(html)
    survey_edit.poster_downloaded(current_actor(), survey)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{survey.slug}-poster.pdf"'},
    )
