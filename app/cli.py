"""Command-line tools: ``flask --app wsgi instruments check``, ``load-area``, ``demo``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.data import area as area_data
from app.data.instruments import registry
from app.demo import generator
from app.demo.generator import PLANTS
from surveys import InstrumentError, load_instruments

DEMO_AREA = Path(__file__).parent / "demo" / "area.yaml"

instruments_cli = AppGroup("instruments", help="Inspect and check the instrument files.")


@instruments_cli.command("check")
def instruments_check() -> None:
    """Validate every instrument file; exit 1 naming the file and item at fault."""
    try:
        loaded = load_instruments(current_app.config["LOCAL_INSTRUMENTS_DIR"])
    except InstrumentError as exc:
        click.echo(f"Instrument file problem: {exc}", err=True)
        raise SystemExit(1) from exc
    for inst in loaded.values():
        click.echo(
            f"ok  {inst.id:<20} v{inst.version:<7} {len(inst.items):>3} items  "
            f"{inst.content_hash[:12]}  {inst.source_file}"
        )


@click.command("load-area")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def load_area_command(file: str) -> None:
    """Create or update services, pathways, stages and surveys from an area FILE (YAML)."""
    try:
        counts = area_data.load_area(area_data.read_area_file(file))
    except area_data.AreaError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()) + f" loaded from {file}")


@click.command("demo")
@click.option(
    "--responses", "n", default=2500, show_default=True, type=click.IntRange(0, 2_000_000)
)
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has surveys.")
@click.option(
    "--without-plant",
    "without",
    multiple=True,
    type=click.Choice(PLANTS),
    help="Leave out a planted pattern (repeatable), e.g. to see a report without it.",
)
def demo_command(n: int, seed: int, if_empty: bool, without: tuple[str, ...]) -> None:
    """Load the demo area and add N synthetic responses (planted patterns: app/demo)."""
    if if_empty and not area_data.area_is_empty():
        click.echo("Database already has an area; demo data not loaded.")
    else:
        area_data.load_area(area_data.read_area_file(DEMO_AREA))
        plants = [p for p in PLANTS if p not in without]
        made = generator.generate(n, seed=seed, instruments=registry(), plants=plants)
        click.echo(f"Demo area loaded with {made} synthetic responses (seed {seed}).")
    for survey in area_data.all_surveys():
        click.echo(f"  {survey.title}: http://127.0.0.1:5000/s/{survey.slug}")
    pathways = {s.stage.pathway.slug for s in area_data.all_surveys()}
    for slug in sorted(pathways):
        click.echo(f"  Pathway link (choose a stage): http://127.0.0.1:5000/pathway/{slug}")


def register(app: Flask) -> None:
    from app import cli_backup, cli_reports, cli_responses, cli_users
    from app.data import scores
    from app.paper import cli as paper_cli

    cli_users.register(app)
    cli_reports.register(app)
    cli_backup.register(app)
    cli_responses.register(app)
    app.cli.add_command(instruments_cli)
    app.cli.add_command(load_area_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(scores.cli)
    paper_cli.register(app)
