"""Public respondent blueprint: start, answer page by page, check, confirm, resume."""

from flask import Blueprint

from app.auth.access import public_blueprint

bp = Blueprint("survey", __name__)

from app.survey import routes  # noqa: E402, F401  (routes register on bp)

# Every respondent page is public: a response is reached only through its own random token.
public_blueprint(bp)
