"""Administrators: services, pathways and stages, surveys, instruments, accounts, audit trail.

Every view here needs the admin role; each module marks its views with ``requires_role``.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import (  # noqa: E402, F401  (routes register on bp)
    area_file,
    audit_log,
    instruments,
    pathways,
    services,
    surveys,
    users,
)
