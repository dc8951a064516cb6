"""Staff sign-in and accounts: sign in and out, set a password from a link, change it."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from app.auth import routes  # noqa: E402, F401  (routes register on bp)
