"""Command-line account tools: the first administrator, and the demo accounts."""

from __future__ import annotations

import secrets

import click
from flask import Flask

from app.data import DataError
from app.data import users as user_data
from app.data.audit import SYSTEM

DEMO_ACCOUNTS = [
    ("admin@demo.invalid", "Demo Administrator", ["admin"]),
    ("volunteer@demo.invalid", "Demo Volunteer", ["volunteer"]),
    ("commissioner@demo.invalid", "Demo Commissioner", ["commissioner"]),
]
# Passphrases of four words from this list (about 36 bits, plus throttled sign-in): easy to
# type from the terminal for a demo, never for production.
WORDS = [
    "amber",
    "anchor",
    "apple",
    "arrow",
    "badge",
    "basket",
    "beacon",
    "birch",
    "bridge",
    "candle",
    "canyon",
    "cedar",
    "clover",
    "comet",
    "copper",
    "coral",
    "cotton",
    "crystal",
    "daisy",
    "delta",
    "ember",
    "falcon",
    "fern",
    "forest",
    "garnet",
    "harbour",
    "hazel",
    "island",
    "jasper",
    "juniper",
    "kettle",
    "lantern",
    "lemon",
    "maple",
    "meadow",
    "mint",
    "nectar",
    "orchid",
    "otter",
    "pebble",
    "pepper",
    "piano",
    "planet",
    "quartz",
    "raven",
    "river",
    "saffron",
    "sparrow",
    "spruce",
    "summit",
    "thistle",
    "tulip",
    "velvet",
    "willow",
    "winter",
    "yarrow",
    "zephyr",
]


@click.command("create-admin")
@click.option("--email", prompt="E-mail address")
@click.option("--name", prompt="Full name")
@click.password_option("--password", prompt="Password (12 characters or more)")
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator account (or make an existing account an administrator)."""
    existing = user_data.find_user(email)
    roles = sorted({"admin", *(existing.roles if existing else [])})
    try:
        user_data.create_user_with_password(SYSTEM, email, name, roles, password)
    except DataError as exc:
        click.echo(f"Not created: {exc.message}", err=True)
        raise SystemExit(1) from exc
    click.echo(
        f"Administrator {user_data.normalise_email(email)} can now sign in at /staff/sign-in"
    )


@click.command("demo-users")
def demo_users() -> None:
    """Create (or reset) demo accounts for each role with new random passwords, and print them."""
    click.echo("Demo staff accounts (sign in at http://127.0.0.1:5000/staff/sign-in):")
    for email, name, roles in DEMO_ACCOUNTS:
        password = "-".join(secrets.choice(WORDS) for _ in range(4))
        user_data.create_user_with_password(SYSTEM, email, name, roles, password)
        click.echo(f"  {roles[0]:<13} {email:<27} password: {password}")


def register(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_users)
