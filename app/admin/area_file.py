"""The whole area (services, pathways and stages, surveys) as a file to download."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template, url_for

from app.admin import bp
from app.auth.access import current_actor, requires_role
from app.data import area_export


@bp.get("/area", endpoint="area")
@requires_role("admin")
def area_page():
    return render_template(
        "admin/area.jinja", title="Download the area as a file", back_url=url_for("admin.surveys")
    )


@bp.get("/area/export.yaml", endpoint="area_export")
@requires_role("admin")
def area_download():
    text = area_export.export_area_file(current_actor(), current_app.config["ORGANISATION_NAME"])
    filename = f"area-{date.today().isoformat()}.yaml"
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
