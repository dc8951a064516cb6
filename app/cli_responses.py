"""``flask --app wsgi responses purge-unfinished``: run it daily (cron, a systemd timer).

Quiet and schedule-friendly: one line with the counts, exit code 0, also when nothing is removed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.data import cleanup

responses_cli = AppGroup("responses", help="Look after stored survey responses.")


@responses_cli.command("purge-unfinished")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Untouched for this many days (default: UNFINISHED_KEEP_DAYS).",
)
def purge_unfinished(days: int | None) -> None:
    """Remove unfinished web responses with no answers, and journeys left with no responses.

    A response with any answer, or one that was sent, is never removed.
    """
    days = days or current_app.config["UNFINISHED_KEEP_DAYS"]
    before = datetime.now(UTC) - timedelta(days=days)
    purged = cleanup.purge_unfinished(before)
    click.echo(
        f"Removed {purged.responses} unfinished {_plural(purged.responses, 'response')} "
        f"with no answers and {purged.journeys} {_plural(purged.journeys, 'journey')} "
        f"with no responses, untouched for {days} {_plural(days, 'day')}."
    )


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def register(app: Flask) -> None:
    app.cli.add_command(responses_cli)
