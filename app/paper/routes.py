"""Volunteer pages: spreadsheet templates per survey, and importing a filled one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, url_for

from app.auth.access import current_actor, requires_role
from app.data import NotFound, paper_forms
from app.data import area as area_data
from app.paper import bp, downloads
from app.paper.forms import import_form
from app.paper.importing import run_import
from app.upload_limit import accepts_upload

MAX_SHOWN = 1000  # problems listed on the page; the command line lists them all
FILES = {
    "template.csv": ("-template.csv", downloads.CSV),
    "codebook.csv": ("-codebook.csv", downloads.CSV),
    "template.xlsx": ("-template.xlsx", downloads.XLSX),
}


def _today():
    return datetime.now(UTC).date()


@bp.get("/")
@requires_role("volunteer", "admin")
def home():
    return render_template("paper/home.jinja", title="Paper forms", surveys=area_data.all_surveys())


@bp.get("/surveys/<slug>/<any('template.csv', 'codebook.csv', 'template.xlsx'):name>")
@requires_role("volunteer", "admin")
def home_template(slug: str, name: str):
    try:
        survey = area_data.get_survey(slug)
    except NotFound:
        abort(404)
    layout = paper_forms.layout_for(survey)
    suffix, mimetype = FILES[name]
    if name == "template.xlsx":
        body = downloads.template_xlsx(layout, survey.title)
    elif name == "template.csv":
        body = downloads.template_csv(layout)
    else:
        body = downloads.codebook_csv(layout)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{survey.slug}{suffix}"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
@accepts_upload
def home_import():
    surveys = area_data.all_surveys()
    form = import_form(surveys)
    problems, file_name, sheet = [], None, None
    if form.validate_on_submit():
        if form.collected_on.data > _today():
            form.collected_on.errors.append("The date the forms were collected is in the future")
        else:
            upload = form.file.data
            file_name = upload.filename or None
            outcome = run_import(
                area_data.get_survey(form.survey.data),
                upload.read(),
                file_name,
                place=form.place.data,
                collected_on=form.collected_on.data,
                actor=current_actor(),
                today=_today(),
            )
            if not outcome.problems:
                flash(_done(outcome.result))
                return redirect(url_for("paper.home"))
            problems, sheet = outcome.problems, outcome.sheet
    return render_template(
        "paper/import.jinja",
        title="Import a spreadsheet of paper forms",
        form=form,
        problems=problems[:MAX_SHOWN],
        more=max(0, len(problems) - MAX_SHOWN),
        total=len(problems),
        file_name=file_name,
        sheet=sheet,
        surveys=surveys,
    )


def _done(result) -> str:
    added, present = len(result.added), len(result.present)
    forms = "form" if added == 1 else "forms"
    text = f"{added} paper {forms} added" + (f" in batch {result.batch_id}" if added else "")
    if present:
        text += f". {present} {'was' if present == 1 else 'were'} already in and left as they were"
    return text + "."
