"""Volunteer pages: print numbered questionnaires for a survey, standard or large print."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from app.auth.access import current_actor, requires_role
from app.data import DataError, NotFound, paper_print
from app.data import area as area_data
from app.fields import Select, options, strip
from app.forms import Form
from app.paper import bp
from app.paper_pdf import default_return_text, run_pdf
from app.public_url import public_url_for

YES_NO = [("yes", "Yes"), ("no", "No")]


class Count(IntegerField):
    """A whole number typed in figures, with a message in words when it is not one."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = int(text)
            except ValueError as exc:
                raise ValueError("Enter the number of forms in figures, like 20") from exc

    def pre_validate(self, form):
        if self.data is not None and not self.errors:
            try:
                paper_print.check_forms(self.data)
            except DataError as exc:
                raise ValidationError(exc.message) from exc


class PrintForm(Form):
    survey = Select("Survey", validators=[InputRequired("Choose the survey to print")])
    forms = Count(
        "How many forms",
        description=f"From 1 to {paper_print.MAX_FORMS}. Each form gets its own form number.",
        validators=[InputRequired("Enter how many forms to print")],
    )
    large_print = RadioField(
        "Large print?",
        choices=options(YES_NO),
        validators=[InputRequired("Choose whether to print in large print")],
    )
    journey_codes = RadioField(
        "Print a journey code on each form?",
        choices=options(YES_NO),
        validators=[InputRequired("Choose whether to print a journey code on each form")],
    )
    return_text = TextAreaField(
        "How people give the form back",
        description="Printed at the end of each form. Add an address if people can post it.",
        filters=[strip],
        validators=[
            InputRequired("Enter how people give the form back"),
            Length(
                max=paper_print.MAX_RETURN_TEXT,
                message="How people give the form back must be "
                f"{paper_print.MAX_RETURN_TEXT} characters or fewer",
            ),
        ],
    )


HINTS = {
    "large_print": {"yes": "At least 16 point text, one answer under another."},
    "journey_codes": {
        "yes": "Each form gets its own journey code, and a QR code that opens the survey "
        "with that code, so the person can answer on their phone or at the next stage.",
        "no": "The QR code opens the survey. People can write in a journey code they already have.",
    },
}


def _print_form(surveys) -> PrintForm:
    form = PrintForm()
    form.survey.choices = options(
        [("", "Choose a survey"), *((s.slug, f"{s.title} ({s.stage.name})") for s in surveys)]
    )
    if not form.is_submitted():
        form.return_text.data = default_return_text()
        form.survey.data = request.args.get("survey", "")
    return form


@bp.route("/print", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
def home_print():
    surveys = area_data.all_surveys()
    form = _print_form(surveys)
    if form.validate_on_submit():
        try:
            run = paper_print.print_run(
                current_actor(),
                area_data.get_survey(form.survey.data),
                form.forms.data,
                large_print=form.large_print.data == "yes",
                journey_codes=form.journey_codes.data == "yes",
                return_text=form.return_text.data,
            )
        except DataError as exc:
            form[exc.field or "forms"].errors.append(exc.message)
        else:
            flash(f"Forms {run.first_form_number} to {run.last_form_number} are numbered.")
            return redirect(url_for("paper.home_print_run", run_id=run.id))
    runs = paper_print.recent_runs(None if current_user.has_role("admin") else current_user.id)
    return render_template(
        "paper/print.jinja",
        title="Print questionnaires",
        form=form,
        hints=HINTS,
        runs=runs,
    ), (400 if form.errors else 200)


def _run_or_404(run_id: int):
    """A volunteer sees their own print runs; an admin sees everyone's."""
    try:
        run = paper_print.get_run(run_id)
    except NotFound:
        abort(404)
    if run.printed_by_id != current_user.id and not current_user.has_role("admin"):
        abort(404)
    return run


@bp.get("/print/<int:run_id>")
@requires_role("volunteer", "admin")
def home_print_run(run_id: int):
    run = _run_or_404(run_id)
    return render_template(
        "paper/print_run.jinja",
        title=f"Print run {run.first_form_number} to {run.last_form_number}",
        run=run,
    )


@bp.get("/print/<int:run_id>/forms.pdf")
@requires_role("volunteer", "admin")
def home_print_pdf(run_id: int):
    run = _run_or_404(run_id)
    slug = run.survey.slug

    def link_for(code: str | None) -> str:
        return public_url_for("survey.start", slug=slug, code=code)

    pdf = run_pdf(run, link_for)
    numbers = f"{run.first_form_number}-{run.last_form_number}"
    large = "-large-print" if run.large_print else ""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}-forms-{numbers}{large}.pdf"'
        },
    )
