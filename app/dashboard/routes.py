"""Commissioner dashboard and downloads: thin views over app.data.reports and reports/."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Response, current_app, render_template, request, send_file

from app.auth.access import current_actor, requires_role
from app.dashboard import bp, downloads
from app.dashboard.forms import ReportForm
from app.data import area_edit, audit
from app.data import reports as report_data
from app.security import allows_chart_styles
from reports.charts import figures
from reports.wording import (
    change_interval,
    change_text,
    follow_up_sentence,
    point_figure,
)

READERS = ("commissioner", "admin")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# The words of changes and follow-up, as the PDF and the downloads say them (reports.wording).
for _words in (change_text, change_interval, follow_up_sentence, point_figure):
    bp.add_app_template_filter(_words)


def _form() -> ReportForm:
    return ReportForm(
        request.args, pathways=area_edit.list_pathways(), services=area_edit.list_services()
    )


def _report(form: ReportForm) -> dict:
    return report_data.build(form.report_filter(), current_app.config["REPORT_THRESHOLD"])


@bp.get("/")
@requires_role(*READERS)
@allows_chart_styles
def home():
    form = _form()
    if not form.pathway.choices:
        return render_template("dashboard/empty.jinja", title="Reports")
    if not form.validate():
        return render_template("dashboard/home.jinja", title="Reports", form=form), 400
    report = _report(form)
    charts = {name: fig.to_json() for name, fig in figures(report).items()}
    return render_template(
        "dashboard/home.jinja",
        title="Reports",
        form=form,
        report=report,
        charts=charts,
        query=request.query_string.decode(),
    )


@bp.get("/report.<any(pdf, json, csv, xlsx):kind>", endpoint="download")
@requires_role(*READERS)
def download(kind: str):
    form = _form()
    if not form.pathway.choices or not form.validate():
        return render_template("dashboard/home.jinja", title="Reports", form=form), 400
    report = _report(form)
    audit.record_now(
        current_actor(),
        "report.download",
        f"{kind} {report['meta']['pathway']}",
        after={"filters": request.args.to_dict(flat=False)},
    )
    name = f"{report['meta']['pathway']}-report.{kind}"
    org = current_app.config["ORGANISATION_NAME"]
    body, mimetype = downloads.render(kind, report, org)
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/responses.zip")
@requires_role("admin")
def responses_export():
    """One row per response, pseudonymous, with its codebook. Admins only: commissioners see
    aggregated figures, never a single person's answers."""
    form = _form()
    if not form.pathway.choices or not form.validate():
        return render_template("dashboard/home.jinja", title="Reports", form=form), 400
    body, rows = downloads.responses_zip(form.report_filter(), current_app)
    audit.record_now(
        current_actor(),
        "export.data",
        f"responses {form.pathway.data}",
        after={"rows": rows, "filters": request.args.to_dict(flat=False)},
    )
    name = f"{form.pathway.data}-responses.zip"
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/plotly.min.js")
@requires_role(*READERS)
def plotly_js():
    """Plotly's own JavaScript, served from the installed package: the same version as the
    figures, and no CDN (a ward's laptop, our CI)."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86400)
