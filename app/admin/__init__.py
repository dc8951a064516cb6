"""Administrators: services, pathways and stages, surveys, instruments, accounts, audit trail.

Every view here needs the admin role; each module marks its views with ``requires_role``.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import audit_log, users  # noqa: E402, F401  (routes register on bp)
