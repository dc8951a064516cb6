"""Who may reach each view, declared once per view and enforced in one place.

Every endpoint carries an ``access`` mark: ``public`` (the respondent survey, static files)
or the staff roles that may use it. ``enforce`` runs before every request and refuses an
endpoint with no mark, so a new route cannot be reachable by accident; a test walks the URL
map and checks every mark.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user

from app.data.audit import Actor
from app.data.users import STAFF_ROLES

PUBLIC = "public"
ANY_STAFF = frozenset(STAFF_ROLES)


def public(view: Callable) -> Callable:
    view.access = PUBLIC
    return view


def requires_role(*roles: str) -> Callable[[Callable], Callable]:
    """The staff roles that may use this view; a user needs any one of them."""
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {unknown}")

    def mark(view: Callable) -> Callable:
        view.access = frozenset(roles)
        return view

    return mark


def any_staff(view: Callable) -> Callable:
    view.access = ANY_STAFF
    return view


def access_of(app: Flask, endpoint: str):
    if endpoint == "static":  # Flask's own view for our CSS, JavaScript and images
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce(app: Flask) -> None:
    @app.before_request
    def _check_access():
        if request.endpoint is None:  # no such route: the 404 handler answers
            return None
        access = access_of(app, request.endpoint)
        if access == PUBLIC:
            return None
        if access is None:
            app.logger.error("endpoint %s declares no access; refused", request.endpoint)
            abort(403)
        if not current_user.is_authenticated:
            reason = "idle" if g.get("session_expired") else None
            return redirect(
                url_for("auth.sign_in", next=request.full_path.rstrip("?"), reason=reason)
            )
        if not access & set(current_user.roles):
            abort(403)
        g.staff_page = True
        return None


def current_actor() -> Actor:
    user = current_user if current_user.is_authenticated else None
    return Actor(
        user_id=user.id if user else None,
        email=user.email if user else None,
        address=request.remote_addr,
        request_id=g.get("request_id"),
    )


def public_blueprint(bp) -> None:
    """Mark every view of a blueprint public (the respondent survey)."""

    def _mark(state):
        for endpoint, view in state.app.view_functions.items():
            if endpoint.startswith(bp.name + "."):
                view.access = PUBLIC

    bp.record(_mark)
