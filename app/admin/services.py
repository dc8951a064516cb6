"""Services: list, add, change, retire and bring back. Never deleted: answers refer to them."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, url_for

from app.admin import bp
from app.admin.area_forms import ServiceForm
from app.admin.saving import saved
from app.auth.access import current_actor, requires_role
from app.data import NotFound, area_edit


def _service_or_404(service_id: int):
    try:
        return area_edit.get_service(service_id)
    except NotFound:
        abort(404)


@bp.get("/services", endpoint="services")
@requires_role("admin")
def services_list():
    return render_template(
        "admin/services/list.jinja",
        title="Services",
        services=area_edit.list_services(),
        sectors=area_edit.SECTORS,
    )


@bp.route("/services/new", methods=["GET", "POST"])
@requires_role("admin")
def services_new():
    form = ServiceForm(taken=area_edit.service_code_taken)
    service = saved(form, lambda: area_edit.create_service(current_actor(), **form.values()))
    if service:
        flash(f"Service saved: {service.name}")
        return redirect(url_for("admin.services"))
    return render_template(
        "admin/services/form.jinja", title="Add a service", form=form, service=None
    ), (400 if form.errors else 200)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@requires_role("admin")
def services_edit(service_id: int):
    service = _service_or_404(service_id)
    form = ServiceForm(obj=service, taken=partial(area_edit.service_code_taken, service=service))
    code_locked = area_edit.service_answered(service)
    if code_locked:
        del form.code  # the code is shown as text with the reason, never as a box
    kept = {"code": service.code}  # when locked, the form has no code
    if saved(
        form,
        lambda: area_edit.update_service(current_actor(), service, **{**kept, **form.values()}),
    ):
        flash(f"Service saved: {service.name}")
        return redirect(url_for("admin.services"))
    return render_template(
        "admin/services/form.jinja",
        title=f"Service: {service.name}",
        form=form,
        service=service,
        code_locked=code_locked,
        surveys=area_edit.surveys_offering(service),
    ), (400 if form.errors else 200)


def _set_retired(service_id: int, retired: bool):
    service = _service_or_404(service_id)
    if service.retired != retired:
        area_edit.set_service_retired(current_actor(), service, retired)
    flash(f"Service {'retired' if retired else 'brought back'}: {service.name}")
    return redirect(url_for("admin.services"))


@bp.post("/services/<int:service_id>/retire")
@requires_role("admin")
def services_retire(service_id: int):
    return _set_retired(service_id, True)


@bp.post("/services/<int:service_id>/unretire")
@requires_role("admin")
def services_unretire(service_id: int):
    return _set_retired(service_id, False)
