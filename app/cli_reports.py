"""``flask --app wsgi report``: the commissioner's report from the command line (scheduled use)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.data import NotFound, area, audit, response_export
from app.data.report_queries import ReportFilter
from app.data.reports import build
from reports import response_export as exporting
from reports.pdf import report_html, report_pdf
from reports.tables import to_csv

FORMATS = ("pdf", "html", "json", "csv")


@click.command("report")
@click.option("--pathway", required=True, help="The pathway's slug, e.g. leaving-hospital.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD, inclusive")
@click.option("--format", "kind", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def report_command(pathway: str, date_from, date_to, kind: str, output: str) -> None:
    """Write the report for a pathway and period to OUTPUT."""
    start = date_from.date() if date_from else None
    end = date_to.date() if date_to else None
    if start and end and end < start:
        raise click.BadParameter("--to must be the same as or after --from", param_hint="--to")
    try:
        report = build(ReportFilter(pathway, start, end), current_app.config["REPORT_THRESHOLD"])
    except NotFound as exc:
        raise click.BadParameter(f"no pathway {pathway!r}", param_hint="--pathway") from exc
    organisation = current_app.config["ORGANISATION_NAME"]
    body = {
        "pdf": lambda: report_pdf(report, organisation),
        "html": lambda: report_html(report, organisation).encode("utf-8"),
        "json": lambda: json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8"),
        "csv": lambda: to_csv(report),
    }[kind]()
    Path(output).write_bytes(body)
    audit.record_now(audit.SYSTEM, "report.download", f"{kind} {pathway}", after={"file": output})
    click.echo(f"{kind} report for {pathway} written to {output} ({len(body):,} bytes)")


export_cli = AppGroup("export", help="Export data for analysis elsewhere.")


@export_cli.command("responses")
@click.option("--pathway", help="The pathway's slug (default: every pathway).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD, inclusive")
@click.option("--format", "kind", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_responses(pathway: str | None, date_from, date_to, kind: str, output: str) -> None:
    """One row per response (pseudonymous) to OUTPUT, and its codebook beside it."""
    start = date_from.date() if date_from else None
    end = date_to.date() if date_to else None
    if start and end and end < start:
        raise click.BadParameter("--to must be the same as or after --from", param_hint="--to")
    if pathway is not None:
        try:
            area.get_pathway(pathway)
        except NotFound as exc:
            raise click.BadParameter(f"no pathway {pathway!r}", param_hint="--pathway") from exc
    f = ReportFilter(pathway, start, end)
    rows, meanings, coded = response_export.export(
        f,
        response_export.pseudonym_key(current_app.config["PSEUDONYM_KEY"]),
        current_app.config["REPORT_THRESHOLD"],
    )
    out = Path(output)
    out.write_bytes(exporting.to_csv(rows, list(meanings)))
    book = out.with_name(out.stem + "-codebook.csv")
    book.write_bytes(exporting.codebook(meanings, coded))
    audit.record_now(
        audit.SYSTEM,
        "export.data",
        f"responses {pathway or 'all pathways'}",
        after={"rows": len(rows), "file": output},
    )
    click.echo(f"{len(rows)} responses written to {out}; codebook in {book}")


def register(app: Flask) -> None:
    app.cli.add_command(report_command)
    app.cli.add_command(export_cli)
