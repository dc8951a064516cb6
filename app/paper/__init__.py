"""Volunteer paper forms: printing, keyed entry, double entry, import (the paper issue)."""

from flask import Blueprint

bp = Blueprint("paper", __name__, url_prefix="/paper")

from app.paper import (  # noqa: E402, F401  (keyed entry)
    batches,
    double_entry,
    entry,
    printing,
    routes,
)
