"""Public respondent blueprint: start, answer page by page, check, confirm, resume."""

from flask import Blueprint

bp = Blueprint("survey", __name__)

from app.survey import routes  # noqa: E402, F401  (routes register on bp)
