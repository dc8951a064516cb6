"""Shared fixtures: an app on SQLite (a temp file) or on the PostgreSQL in TEST_DATABASE_URL.

With CI=true a test that needs PostgreSQL or Chromium fails when it is missing, never skips.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"


def needs(what: str, reason: str):
    """Fail in CI, skip elsewhere: a missing browser or database must not pass CI silently."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(f"{what} not available: {reason}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any connection failure means the database is not there
        needs("PostgreSQL", f"cannot connect to TEST_DATABASE_URL: {exc}")
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path / "instruments"),
            "SERVER_NAME": "localhost",
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_area(app):
    from app.cli import DEMO_AREA
    from app.data.area import load_area, read_area_file

    load_area(read_area_file(DEMO_AREA))
    return app
