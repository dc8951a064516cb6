"""``flask --app wsgi import-responses FILE --survey SLUG``: import a spreadsheet of paper forms."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask

from app.data import NotFound
from app.data import area as area_data
from app.data.audit import SYSTEM
from app.paper.importing import limits, run_import


def _forms(count: int) -> str:
    return f"{count} form{'' if count == 1 else 's'}"


@click.command("import-responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--survey", "slug", required=True, help="The survey's link name, e.g. lh-in-hospital."
)
@click.option("--where", "place", help="Where the forms were collected (default: the file's name).")
@click.option(
    "--collected-on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="YYYY-MM-DD, the date the forms were collected (default: today). Rows with a "
    "date_completed of their own keep it.",
)
def import_responses(file: str, slug: str, place: str | None, collected_on) -> None:
    """Check every row of FILE (.xlsx or .csv, from the survey's template) and, if all are
    right, add the new forms as paper responses. Prints every problem and saves nothing
    if any row has one."""
    try:
        survey = area_data.get_survey(slug)
    except NotFound as exc:
        raise click.BadParameter(f"no survey {slug!r}", param_hint="--survey") from exc
    today = datetime.now(UTC).date()
    day = collected_on.date() if collected_on else today
    if day > today:
        raise click.BadParameter("cannot be in the future", param_hint="--collected-on")
    path = Path(file)
    most = limits().unpacked_bytes
    if path.stat().st_size > most:  # before reading it into memory
        click.echo(
            f"Nothing was imported: {path.name} is larger than {most // 1024 // 1024} MB, more "
            "than a file of paper forms needs. Split the forms into smaller files.",
            err=True,
        )
        raise SystemExit(1)
    outcome = run_import(
        survey,
        path.read_bytes(),
        path.name,
        place=place or f"Spreadsheet {path.name}",
        collected_on=day,
        actor=SYSTEM,
        today=today,
    )
    if outcome.problems:
        if outcome.sheet:
            click.echo(f"Read the sheet “{outcome.sheet}” of {path.name}.", err=True)
        for problem in outcome.problems:
            click.echo(str(problem), err=True)
        count = len(outcome.problems)
        click.echo(
            f"Nothing was imported: {path.name} has {count} problem{'s' if count != 1 else ''}.",
            err=True,
        )
        raise SystemExit(1)
    result = outcome.result
    where = f" in batch {result.batch_id}" if result.batch_id else ""
    click.echo(
        f"{_forms(len(result.added))} added{where} to {survey.slug}; "
        f"{len(result.present)} already present."
    )
    if result.written_codes:
        click.echo(
            "These forms were printed with a journey code but give another one, so they join "
            f"the journey of the code given: {', '.join(result.written_codes)}."
        )


def register(app: Flask) -> None:
    app.cli.add_command(import_responses)
