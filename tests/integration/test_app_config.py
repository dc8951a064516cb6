"""The factory, configuration and branding an organisation sets."""

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production", {"SECRET_KEY": None, "LOCAL_INSTRUMENTS_DIR": str(tmp_path)})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}",
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path),
        },
    )
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_organisation_name_and_colour_come_from_configuration(app, demo_area):
    app.config.update(ORGANISATION_NAME="Healthwatch Riverside", BRAND_COLOUR="#330072")
    client = app.test_client()
    page = client.get("/s/lh-in-hospital").get_data(as_text=True)
    assert "Healthwatch Riverside" in page
    assert "#330072" in client.get("/brand.css").get_data(as_text=True)


def test_a_colour_that_is_not_a_hex_value_cannot_inject_css(app):
    app.config["BRAND_COLOUR"] = "red;}body{display:none"
    css = app.test_client().get("/brand.css").get_data(as_text=True)
    assert "display:none" not in css and "#005eb8" in css


def test_no_nhs_logo_unless_one_is_configured(app, demo_area):
    client = app.test_client()
    page = client.get("/s/lh-in-hospital").get_data(as_text=True)
    assert "nhsuk-header__logo" not in page and "<img" not in page
    app.config["LOGO_URL"] = "/static/our-logo.png"
    page = client.get("/s/lh-in-hospital").get_data(as_text=True)
    assert '<img class="nhsuk-header__organisation-logo" src="/static/our-logo.png"' in page


def test_pages_are_compressed_for_slow_connections(client, demo_area):
    page = client.get("/s/lh-leaving-hospital", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
