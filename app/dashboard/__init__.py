"""Commissioner reports and downloads (the reports issue fills this in)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/reports")

from app.dashboard import routes  # noqa: E402, F401  (routes register on bp)
