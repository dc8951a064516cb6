"""Every route declares who may use it, and every staff route refuses everyone else.

The routes come from the application's URL map, not a list written here: a new route with no
declared access, or a staff page reachable by the wrong role, fails this test.
"""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter

from app.auth.access import PUBLIC, access_of
from app.data.users import STAFF_ROLES
from tests.conftest import sign_in

# Public on purpose: the respondent survey, sign-in pages, static files, health check.
PUBLIC_ENDPOINTS = {"static", "healthz", "brand_css", "auth.sign_in", "auth.set_password"}
PUBLIC_BLUEPRINTS = {"survey"}
CHECKED_METHODS = {"GET", "POST"}


def _sample(rule, argument: str):
    """A value the URL converter accepts: 1, or the first choice of an any(...) part."""
    converter = rule._converters[argument]
    return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else 1


def staff_routes(app) -> list[tuple[str, str, frozenset]]:
    """(method, url, roles allowed) for every staff route, with 1 for each URL argument."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = access_of(app, rule.endpoint)
            if access == PUBLIC:
                continue
            url = url_for(rule.endpoint, **{arg: _sample(rule, arg) for arg in rule.arguments})
            for method in sorted(rule.methods & CHECKED_METHODS):
                routes.append((method, url, access))
    return routes


def test_every_route_declares_its_access(app):
    undeclared = [
        rule.rule for rule in app.url_map.iter_rules() if access_of(app, rule.endpoint) is None
    ]
    assert not undeclared, f"routes with no @public or @requires_role: {undeclared}"


def test_only_the_expected_routes_are_public(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_of(app, rule.endpoint) == PUBLIC
        and rule.endpoint not in PUBLIC_ENDPOINTS
        and rule.endpoint.split(".")[0] not in PUBLIC_BLUEPRINTS
    }
    assert not public, f"public routes that look like staff pages: {public}"


def test_there_are_staff_routes_to_check(app):
    # Guards the tests below against passing on an empty list.
    endpoints = {url for _, url, _ in staff_routes(app)}
    assert {"/admin/users", "/admin/audit", "/reports/", "/paper/", "/staff/"} <= endpoints


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client):
    for method, url, _ in staff_routes(app):
        response = client.open(url, method=method)
        response.close()
        assert response.status_code == 302, f"{method} {url} gave {response.status_code}"
        assert response.location.startswith("/staff/sign-in"), f"{method} {url}"


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_each_role_reaches_only_its_own_routes(app, make_user, role):
    user = make_user(role)
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    refused, allowed = [], []
    # Signing out last: it ends the session the other requests use.
    routes = sorted(staff_routes(app), key=lambda route: route[1] == "/staff/sign-out")
    for method, url, access in routes:
        response = client.open(url, method=method)
        response.close()  # file downloads keep their file open until closed
        if role in access:
            # Reached the view: it may still answer 404 or 400 for the made-up id or form.
            assert response.status_code != 403, f"{role} refused {method} {url}"
            if url != "/staff/sign-out":  # the one page whose answer is "go to sign-in"
                assert not (response.location or "").startswith("/staff/sign-in"), url
            allowed.append(url)
        else:
            assert response.status_code == 403, f"{role} got {response.status_code}: {url}"
            assert "You do not have access to this page" in response.text
            refused.append(url)
    assert allowed, f"{role} can reach nothing"
    if role != "admin":
        assert any(url.startswith("/admin/") for url in refused)


def test_a_route_without_a_declaration_is_refused(app, client, make_user):
    """The app-wide check fails closed, even before the test above would catch it."""

    def undeclared():
        return "secret"

    app.view_functions["admin.users"], original = undeclared, app.view_functions["admin.users"]
    try:
        user = make_user("admin")
        assert sign_in(client, user.email).status_code == 302
        response = client.get("/admin/users")
        assert response.status_code == 403
        assert "secret" not in response.text
    finally:
        app.view_functions["admin.users"] = original
