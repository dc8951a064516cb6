"""The audit trail, read only: filter by what happened, who, and when."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, render_template, request

from app.admin import bp
from app.admin.user_forms import AuditFilterForm
from app.auth.access import requires_role
from app.data import NotFound, audit

PER_PAGE = 50


@bp.get("/audit", endpoint="audit")
@requires_role("admin")
def audit_trail():
    form = AuditFilterForm(request.args)
    filters = {}
    if form.validate():
        filters = {
            "action": form.action.data or None,
            "who": form.who.data or None,
            "since": _start_of(form.since.data),
            "until": _start_of(form.until.data + timedelta(days=1)) if form.until.data else None,
        }
    try:
        page = audit.events_page(request.args.get("page", 1, type=int), PER_PAGE, **filters)
    except NotFound:
        abort(404)
    return render_template(
        "admin/audit.jinja",
        title="Audit trail",
        form=form,
        page=page,
        actions=audit.ACTIONS,
        args={k: v for k, v in request.args.items() if k != "page"},
    ), (400 if form.errors else 200)


def _start_of(day):
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
