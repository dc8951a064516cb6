"""End-to-end fixtures: the app on a live local server, driven by headless Chromium.

The server runs in a background thread on a free port with CSRF switched on, so the browser
must carry real tokens and cookies. One server serves the whole e2e package (its database is
dropped when the package is done, before any other test package touches the same database);
one browser serves the session, and every test gets fresh phone-sized contexts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app import create_app
from app.cli import DEMO_AREA
from app.data.area import load_area, read_area_file
from app.data.responses import create_journey
from app.extensions import db
from app.models import Journey, Response
from tests.conftest import needs
from tests.e2e.pages import AXE_JS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Built by `make assets` (npm ci, sass, copy). Note that make only checks the CSS file, so if
# app/static/nhsuk is missing it needs `make -B assets`.
BUILT_ASSETS = [
    ROOT / "app" / "static" / "css" / "carejourney.css",
    ROOT / "app" / "static" / "nhsuk" / "nhsuk-frontend.min.js",
    AXE_JS,
]
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}
# Generous but finite: a hung page fails the test instead of the whole run.
TIMEOUT_MS = 10_000


class _QuietHandler(WSGIRequestHandler):
    """No line per request in the captured log; errors still reach the app's logger."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass
class LiveServer:
    app: Flask
    url: str

    def query(self, fn: Callable[[], object]):
        """Run fn inside an app context (for database checks) and return its result."""
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def responses(self, code: str) -> list[dict]:
        """Every response in the journey with this code ("ABCDE-12345"), as plain data."""

        def fetch():
            rows = db.session.scalars(
                select(Response)
                .join(Journey)
                .where(Journey.code == code.replace("-", "").upper())
                .order_by(Response.id)
            ).all()
            return [
                {
                    "token": r.token,
                    "status": r.status,
                    "completed": r.completed_at is not None,
                    "survey": r.survey.slug,
                    "role": r.role,
                    "service": r.service.code if r.service else None,
                    "from": r.from_service.code if r.from_service else None,
                    "to": r.to_service.code if r.to_service else None,
                    "pages_done": list(r.pages_done or []),
                    "answers": {(a.instrument_id, a.item_id): a.code or a.text for a in r.answers},
                }
                for r in rows
            ]

        return self.query(fetch)

    def new_journey_code(self) -> str:
        """A journey code as if from an earlier stage (printed on a form or a confirmation)."""

        def make():
            code = create_journey().code
            db.session.commit()
            return f"{code[:5]}-{code[5:]}"

        return self.query(make)


@pytest.fixture(scope="package")
def live_server(database_url, tmp_path_factory) -> Iterator[LiveServer]:
    missing = [str(p.relative_to(ROOT)) for p in BUILT_ASSETS if not p.exists()]
    if missing:
        pytest.fail(f"built assets missing ({', '.join(missing)}): run `make -B assets`")
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path_factory.mktemp("instruments")),
        },
    )
    assert app.config["WTF_CSRF_ENABLED"] is not False, "browsers must pass real CSRF checks"
    assert not app.config.get("SERVER_NAME"), "the live server answers on 127.0.0.1:<port>"
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_area(read_area_file(DEMO_AREA))
        db.session.remove()

    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    # Links the app hands out (QR codes, the survey's last page) lead back to this server.
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        needs("Chromium", f"{CHROMIUM} not found (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make phone-sized browser contexts (each a fresh browser profile: no cookies)."""
    made: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **{**PHONE, **options})
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
