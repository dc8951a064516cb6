"""Links the service hands out (one-time set-password links, the survey's link and QR code)
are built on the configured public address: a forged Host header cannot point them at
another site."""

from __future__ import annotations

import pytest

from app import create_app
from app.data.area import get_pathway
from tests.conftest import STAFF_PASSWORD
from tests.integration.walker import check_page

FORGED = {"Host": "evil.example"}


@pytest.fixture
def as_in_production(app):
    """No SERVER_NAME, as in production: Flask's own external links follow the Host header."""
    app.config["SERVER_NAME"] = None
    return app


@pytest.fixture
def forged_admin(as_in_production, make_user):
    """An admin signed in through the forged host (the cookies are that host's)."""
    client = as_in_production.test_client()
    user = make_user("admin")
    signed_in = client.post(
        "/staff/sign-in", data={"email": user.email, "password": STAFF_PASSWORD}, headers=FORGED
    )
    assert signed_in.status_code == 302
    return client


def password_link(page) -> str:
    assert page.status_code == 200, page.text[:500]
    return check_page(page.text).select_one("#password-link").get_text(strip=True)


def test_a_forged_host_does_not_change_invite_or_reset_links(forged_admin, make_user, client):
    invited = forged_admin.post(
        "/admin/users/new",
        data={"name": "Ann Keyer", "email": "ann@example.org", "roles": ["volunteer"]},
        headers=FORGED,
    )
    link = password_link(invited)
    assert link.startswith("http://localhost/staff/set-password/")
    assert client.get(link.removeprefix("http://localhost")).status_code == 200  # it works
    user = make_user("volunteer")
    reset = forged_admin.post(f"/admin/users/{user.id}/reset-link", headers=FORGED)
    assert password_link(reset).startswith("http://localhost/staff/set-password/")


def test_links_follow_the_public_address_with_its_path(app, forged_admin):
    app.config["PUBLIC_URL"] = "https://survey.example.org/carejourney"
    invited = forged_admin.post(
        "/admin/users/new",
        data={"name": "Ann Keyer", "email": "ann@example.org", "roles": ["volunteer"]},
        headers=FORGED,
    )
    link = password_link(invited)
    assert link.startswith("https://survey.example.org/carejourney/staff/set-password/")


def test_a_forged_host_does_not_change_the_survey_link_or_qr_code(forged_admin, demo_area):
    page = forged_admin.get("/admin/surveys/lh-leaving-hospital", headers=FORGED)
    assert "http://localhost/s/lh-leaving-hospital" in page.text
    assert "evil.example" not in page.text
    qr = forged_admin.get("/admin/surveys/lh-leaving-hospital/qr.svg", headers=FORGED)
    assert "QR code for http://localhost/s/lh-leaving-hospital" in qr.text
    pathway_id = get_pathway("leaving-hospital").id
    pathway = forged_admin.get(f"/admin/pathways/{pathway_id}", headers=FORGED)
    assert "http://localhost/pathway/leaving-hospital" in pathway.text
    assert "evil.example" not in pathway.text


def production(tmp_path, **settings):
    return create_app(
        "production",
        {
            "SECRET_KEY": "x" * 32,
            "PSEUDONYM_KEY": "y" * 32,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path),
            **settings,
        },
    )


def test_production_needs_a_public_address_or_a_server_name(tmp_path):
    with pytest.raises(RuntimeError, match="Set PUBLIC_URL"):
        production(tmp_path)
    assert production(tmp_path, SERVER_NAME="survey.example.org").config["PUBLIC_URL"] == (
        "https://survey.example.org"
    )
    with pytest.raises(RuntimeError, match=r"It is 'survey\.example\.org'"):
        production(tmp_path, PUBLIC_URL="survey.example.org")
