"""Carejourney: experience of whole care journeys, by stage, service and transition."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import public_url, upload_limit
from app.data import reports as report_data
from app.extensions import compress, csrf, db, limiter, migrate
from config import INSTANCE_DIR, get_config
from surveys import load_instruments

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(get_config(config_name))
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (see README, Configuration)")
    if not app.config.get("PSEUDONYM_KEY"):
        raise RuntimeError("PSEUDONYM_KEY must be set (see README, Configuration)")
    _templates(app)
    public_url.configure(app)  # links are built on the public address, never on Host

    # A broken instrument file stops the app here, naming the file and the item.
    app.extensions["carejourney.instruments"] = load_instruments(
        app.config["LOCAL_INSTRUMENTS_DIR"]
    )

    db.init_app(app)
    app.extensions[report_data.CACHE] = report_data.new_cache(app.config["REPORT_CACHE_SECONDS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    upload_limit.init(app)  # before CSRF, which reads the form: uploads get their larger limit
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    app.after_request(_close_streamed_body)

    from app import cli, converters, errors, filters, request_checks, security
    from app.admin import bp as admin_bp
    from app.auth import access, nav, session
    from app.auth import bp as auth_bp
    from app.dashboard import bp as dashboard_bp
    from app.paper import bp as paper_bp
    from app.survey import bp as survey_bp

    security.init(app)
    session.init(app)
    converters.register(app)  # before the blueprints: ids in URLs fit the id columns
    for blueprint in (survey_bp, auth_bp, admin_bp, dashboard_bp, paper_bp):
        app.register_blueprint(blueprint)
    errors.register(app)  # first: the request id is set before any other check runs
    request_checks.register(app)  # NUL bytes and lone surrogates: 400 before any view
    access.enforce(app)
    nav.register(app)
    filters.register(app)
    cli.register(app)
    logging.basicConfig(level=logging.INFO)
    return app


def _close_streamed_body(response):
    """Flask-Compress swaps a static file's stream for a compressing generator and never
    closes the file; close it when the response closes (closing twice is harmless)."""
    if response.is_streamed and hasattr(response.response, "close"):
        response.call_on_close(response.response.close)
    return response


def _templates(app: Flask) -> None:
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(Path(__file__).parent / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        "autoescape": True,
    }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets survey pages read while another respondent writes; enforce foreign keys."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
