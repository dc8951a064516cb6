"""Static files reach the phone compressed, without leaking open files on the server."""

from __future__ import annotations

import gc
import warnings

import pytest

from app import create_app

pytestmark = pytest.mark.e2e

CHROMIUM_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def test_the_stylesheet_reaches_the_phone_compressed(page, live_server):
    with page.expect_response("**/static/css/carejourney.css") as css:
        page.goto("/")
    assert css.value.status == 200
    assert css.value.header_value("content-encoding") in {"br", "zstd"}


def test_the_script_reaches_the_phone_compressed(page, live_server):
    with page.expect_response("**/static/nhsuk/nhsuk-frontend.min.js") as script:
        page.goto("/")
    assert script.value.status == 200
    assert script.value.header_value("content-encoding") in {"br", "zstd"}


def test_compressed_static_files_are_closed(tmp_path):
    app = create_app(
        "test",
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "LOCAL_INSTRUMENTS_DIR": str(tmp_path)},
    )
    client = app.test_client()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with client.get(
            "/static/css/carejourney.css", headers={"Accept-Encoding": CHROMIUM_ACCEPT_ENCODING}
        ) as response:
            encoding = response.headers.get("Content-Encoding")
            response.get_data()
        del response
        gc.collect()
    assert encoding in {"br", "zstd"}
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks
