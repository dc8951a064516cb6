"""Shared fixtures: an app on SQLite (a temp file) or on the PostgreSQL in TEST_DATABASE_URL.

With CI=true a test that needs PostgreSQL or Chromium fails when it is missing, never skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db, limiter

IN_CI = os.environ.get("CI", "").lower() == "true"
# CAREJOURNEY_TESTS=database: the CI's second pass, on PostgreSQL. It runs what touches the
# database: tests/integration, and the browser tests marked both_databases. The unit tests
# (pure functions) and the other browser tests ran on the first pass and would repeat it.
DATABASE_ONLY = os.environ.get("CAREJOURNEY_TESTS") == "database"
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if not DATABASE_ONLY:
        return
    kept, dropped = [], []
    for item in items:
        path = Path(str(item.path)).resolve()
        same_everywhere = path.is_relative_to(TESTS / "unit") or (
            path.is_relative_to(TESTS / "e2e") and not item.get_closest_marker("both_databases")
        )
        (dropped if same_everywhere else kept).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


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


class FreshGlobalsClient(FlaskClient):
    """Each request starts with an empty ``flask.g``, as in production.

    The app fixture keeps one app context open for the test body, and Flask reuses it for
    every request: without this, who is signed in (Flask-Login keeps it in ``g``) would
    carry over from one request, and one client, to the next.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        saved = dict(g.__dict__)
        g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            g.__dict__.clear()
            g.__dict__.update(saved)


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
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        limiter.reset()  # limits are counted per process: each test starts with none used
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


STAFF_PASSWORD = "lantern-otter-quartz-meadow"


@pytest.fixture
def make_user(app):
    """make_user("admin") -> an active account with STAFF_PASSWORD, e-mail <roles>@test.invalid."""
    from app.data.audit import SYSTEM
    from app.data.users import create_user_with_password

    def make(*roles: str, email: str | None = None, name: str | None = None):
        email = email or f"{'-'.join(roles)}@test.invalid"
        name = name or f"Test {' '.join(roles)}"
        return create_user_with_password(SYSTEM, email, name, list(roles), STAFF_PASSWORD)

    return make


def sign_in(client, email: str, password: str = STAFF_PASSWORD):
    return client.post("/staff/sign-in", data={"email": email, "password": password})


@pytest.fixture
def staff_client(app, make_user):
    """staff_client("admin") -> a test client signed in with an account holding those roles."""

    def make(*roles: str):
        user = make_user(*roles)
        client = app.test_client()
        response = sign_in(client, user.email)
        assert response.status_code == 302, "sign-in failed"
        return client

    return make


@pytest.fixture
def admin_client(staff_client):
    return staff_client("admin")
