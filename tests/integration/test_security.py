"""The security baseline: headers on every page, CSRF, HTTPS-only cookies, friendly errors,
one-time password links, and rate-limited journey-code look-ups."""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import update

from app import create_app
from app.auth.access import public
from app.extensions import db
from app.journey_code import generate
from app.models import PasswordLink, User
from app.models.response import utcnow
from tests.conftest import sign_in
from tests.integration.walker import check_page, start

# Downloads are checked in their own tests (the PDF takes seconds to make).
NOT_CRAWLED = ("/staff/sign-out", "/static/", "/reports/report.")
# Plotly adds style rules at run time: only the dashboard allows inline styles, never scripts.
CHART_PAGES = ("/reports/",)


def crawl(client, seeds: list[str], limit: int = 400) -> dict[str, object]:
    """Every page reachable by following links from the seeds (GET only), by path."""
    seen, queue = {}, deque(seeds)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.mimetype != "text/html":
            continue
        for link in BeautifulSoup(response.text, "html.parser").find_all("a", href=True):
            target = urljoin(url, link["href"])
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or target.startswith(NOT_CRAWLED):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                queue.append(path)
    return seen


def assert_security_headers(url: str, response) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", url
    assert directives.get("frame-ancestors") == "'none'", url
    assert directives["script-src"].startswith("'self' 'nonce-"), url
    assert "unsafe" not in directives["script-src"], url
    assert "unsafe-eval" not in csp, url
    if not url.startswith(CHART_PAGES):
        assert "unsafe-inline" not in csp, url
    assert "http" not in csp, f"{url}: a third-party origin in the CSP"
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    assert headers.get("X-Frame-Options") == "DENY", url
    if response.mimetype == "text/html":
        assert headers.get("Cache-Control") == "no-store", url


def test_every_page_an_admin_can_reach_has_the_security_headers(admin_client, demo_area):
    pages = crawl(admin_client, ["/staff/", "/", "/resume", "/pathway/leaving-hospital"])
    assert len(pages) >= 15, sorted(pages)  # the crawl really went through the staff pages
    assert any(url.startswith("/admin/") for url in pages)
    for url, response in pages.items():
        assert response.status_code < 500, url
        assert_security_headers(url, response)


def test_error_pages_and_the_respondent_flow_have_the_headers_too(client, demo_area):
    pages = {
        "404": client.get("/no-such-page"),
        "403-redirect": client.get("/admin/users"),
        "sign-in": client.get("/staff/sign-in"),
        "static": client.get("/static/css/carejourney.css"),
    }
    response, _ = start(client, "lh-leaving-hospital")
    pages["question"] = client.get(response.location)
    for name, response in pages.items():
        assert_security_headers(name, response)
    assert pages["static"].headers["Cache-Control"] != "no-store"
    pages["static"].close()


def test_the_one_inline_script_carries_the_nonce_from_the_header(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = BeautifulSoup(response.text, "html.parser").find_all("script")
    inline = [s for s in scripts if not s.get("src")]
    assert inline and all(s.get("nonce") == nonce for s in inline)
    assert (
        client.get("/").headers["Content-Security-Policy"]
        != response.headers["Content-Security-Policy"]
    ), "the nonce must change with every response"


def test_hsts_only_over_https():
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_production_redirects_to_https_and_sets_secure_cookie_flags(monkeypatch):
    app = create_app(
        "production",
        {
            "SECRET_KEY": "x" * 32,
            "PSEUDONYM_KEY": "y" * 32,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": True,
            "PUBLIC_URL": "https://localhost",
        },
    )
    client = app.test_client()
    plain = client.get("/staff/sign-in")
    assert plain.status_code == 302 and plain.location.startswith("https://")
    page = client.get("/staff/sign-in", base_url="https://localhost")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_posts_without_a_csrf_token_are_refused_everywhere(csrf_app, make_user, demo_area):
    client = csrf_app.test_client()
    # Sign-in form itself
    refused = client.post("/staff/sign-in", data={"email": "a@b.c", "password": "x"})
    assert refused.status_code == 400 and "This page timed out" in refused.text
    # A signed-in admin's change, without the token, changes nothing
    user = make_user("admin")
    soup = BeautifulSoup(client.get("/staff/sign-in").text, "html.parser")
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    assert (
        client.post(
            "/staff/sign-in",
            data={
                "email": user.email,
                "password": "lantern-otter-quartz-meadow",
                "csrf_token": token,
            },
        ).status_code
        == 302
    )
    before = db.session.query(User).count()
    response = client.post(
        "/admin/users/new", data={"name": "X", "email": "x@test.invalid", "roles": ["admin"]}
    )
    assert response.status_code == 400
    assert db.session.query(User).count() == before
    # The respondent survey
    survey = client.post("/s/lh-leaving-hospital", data={"start_token": "anything"})
    assert survey.status_code == 400


def test_server_errors_show_a_friendly_page_with_no_trace(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def broken():
        raise RuntimeError("SELECT secret FROM staff_user -- internal detail")

    app.add_url_rule("/broken-for-test", "broken", broken)
    response = app.test_client().get("/broken-for-test", headers={"X-Request-Id": "req-abc123"})
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert "req-abc123" in response.text
    assert any("req-abc123" in r.getMessage() for r in caplog.records)


def _invite(admin_client) -> tuple[str, int]:
    page = admin_client.post(
        "/admin/users/new",
        data={"name": "New Volunteer", "email": "new@example.org", "roles": ["volunteer"]},
    )
    link = BeautifulSoup(page.text, "html.parser").select_one("#password-link").text
    return urlsplit(link).path, db.session.query(User).filter_by(email="new@example.org").one().id


def test_an_invitation_link_works_once(admin_client, app):
    path, _ = _invite(admin_client)
    client = app.test_client()
    assert "Choose your password" in client.get(path).text
    new = {"password": "sparrow-canyon-ember-tulip", "confirm": "sparrow-canyon-ember-tulip"}
    assert client.post(path, data=new).location == "/staff/sign-in"
    assert sign_in(client, "new@example.org", new["password"]).status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 404 and "already been used or has expired" in again.text
    reuse = app.test_client().post(path, data={"password": "x" * 20, "confirm": "x" * 20})
    assert reuse.status_code == 404


def test_a_new_reset_link_cancels_the_older_one(admin_client, app):
    first, user_id = _invite(admin_client)
    page = admin_client.post(f"/admin/users/{user_id}/reset-link")
    second = urlsplit(
        BeautifulSoup(page.text, "html.parser").select_one("#password-link").text
    ).path
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_an_expired_link_is_refused(admin_client, app):
    path, _ = _invite(admin_client)
    db.session.execute(update(PasswordLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_journey_code_guessing_is_rate_limited_per_address(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "3 per 10 minutes"
    for _ in range(3):
        assert client.post("/resume", data={"code": generate()}).status_code == 400
    blocked = client.post("/resume", data={"code": generate()})
    assert blocked.status_code == 429 and "Wait a few minutes" in blocked.text
    # A start link's code is not looked up either, but the survey still opens
    start_page = client.get(f"/s/lh-leaving-hospital?code={generate()}")
    assert start_page.status_code == 200 and "could not be checked just now" in start_page.text
    # Another address is not affected
    other = app.test_client()
    assert (
        other.post(
            "/resume", data={"code": generate()}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        ).status_code
        == 400
    )


def test_right_codes_do_not_use_up_the_limit(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "2 per 10 minutes"
    response, _ = start(client, "lh-leaving-hospital")
    page = check_page(client.get(response.location).text)
    assert page  # an in-progress response with a journey code exists after the journey page
    for _ in range(5):
        assert client.get("/s/lh-leaving-hospital").status_code == 200
