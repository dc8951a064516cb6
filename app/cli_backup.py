"""``flask --app wsgi backup --output FILE``: a consistent copy of the SQLite database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.data.backup import BackupRefused, backup_sqlite


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def backup_command(output: str) -> None:
    """Copy the SQLite database to OUTPUT while the app runs (safe with WAL, unlike cp)."""
    try:
        size = backup_sqlite(Path(output))
    except BackupRefused as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Database backed up to {output} ({size:,} bytes)")


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
