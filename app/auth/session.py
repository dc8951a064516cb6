"""Flask-Login wired to server-side staff sessions (app.data.users)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_login import UserMixin

from app.data import audit, users
from app.extensions import login_manager


class StaffUser(UserMixin):
    """The signed-in person as the views see them. ``get_id`` is the session key, not the
    account id, so a copied cookie stops working once the session ends on the server."""

    def __init__(self, user, key: str):
        self.id, self.email, self.name = user.id, user.email, user.name
        self.roles = frozenset(user.roles)
        self.key = key

    def get_id(self) -> str:
        return self.key

    def has_role(self, role: str) -> bool:
        return role in self.roles


def init(app: Flask) -> None:
    login_manager.init_app(app)
    # Our sessions are checked on the server each request; Flask-Login's address check would
    # sign out people whose phone moves between networks.
    login_manager.session_protection = None
    login_manager.login_view = "auth.sign_in"


@login_manager.user_loader
def _load(key: str) -> StaffUser | None:
    config = current_app.config
    user, expired = users.load_session(
        key,
        idle=timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        longest=timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )
    if expired:
        g.session_expired = True
        actor = audit.Actor(None, None, request.remote_addr, g.get("request_id"))
        audit.record_now(actor, "session.expired", "staff session")
    return StaffUser(user, key) if user else None
