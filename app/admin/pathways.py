"""Pathways and their ordered stages: add, change, reorder, and remove unused stages."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for

from app.admin import bp
from app.admin.area_forms import KIND_HINTS, PathwayForm, StageForm
from app.admin.saving import saved
from app.auth.access import current_actor, requires_role
from app.data import DataError, NotFound, area_edit


def _or_404(get, *args):
    try:
        return get(*args)
    except NotFound:
        abort(404)


def _pathway_page(pathway):
    return redirect(url_for("admin.pathways_show", pathway_id=pathway.id))


@bp.get("/pathways", endpoint="pathways")
@requires_role("admin")
def pathways_list():
    return render_template(
        "admin/pathways/list.jinja", title="Pathways", pathways=area_edit.list_pathways()
    )


@bp.route("/pathways/new", methods=["GET", "POST"])
@requires_role("admin")
def pathways_new():
    form = PathwayForm(taken=area_edit.pathway_slug_taken)
    pathway = saved(form, lambda: area_edit.create_pathway(current_actor(), **form.values()))
    if pathway:
        flash(f"Pathway saved: {pathway.name}. Now add its stages.")
        return _pathway_page(pathway)
    return render_template(
        "admin/pathways/form.jinja", title="Add a pathway", form=form, pathway=None
    ), (400 if form.errors else 200)


@bp.get("/pathways/<int:pathway_id>")
@requires_role("admin")
def pathways_show(pathway_id: int):
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    return render_template(
        "admin/pathways/show.jinja",
        title=f"Pathway: {pathway.name}",
        pathway=pathway,
        kinds=area_edit.STAGE_KINDS,
    )


@bp.route("/pathways/<int:pathway_id>/edit", methods=["GET", "POST"])
@requires_role("admin")
def pathways_edit(pathway_id: int):
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    form = PathwayForm(obj=pathway, taken=partial(area_edit.pathway_slug_taken, pathway=pathway))
    slug_locked = area_edit.pathway_answered(pathway)
    if slug_locked:
        del form.slug  # shown as text with the reason instead
    kept = {"slug": pathway.slug}
    if saved(
        form,
        lambda: area_edit.update_pathway(current_actor(), pathway, **{**kept, **form.values()}),
    ):
        flash(f"Pathway saved: {pathway.name}")
        return _pathway_page(pathway)
    return render_template(
        "admin/pathways/form.jinja",
        title=f"Change pathway: {pathway.name}",
        form=form,
        pathway=pathway,
        slug_locked=slug_locked,
    ), (400 if form.errors else 200)


@bp.route("/pathways/<int:pathway_id>/stages/new", methods=["GET", "POST"])
@requires_role("admin")
def pathways_stage_new(pathway_id: int):
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    form = StageForm(taken=partial(area_edit.stage_slug_taken, pathway))
    stage = saved(form, lambda: area_edit.create_stage(current_actor(), pathway, **form.values()))
    if stage:
        later = "; use Move up to change its place" if stage.position > 1 else ""
        flash(f"Stage saved: {stage.name}. It is stage {stage.position}, the last{later}")
        return _pathway_page(pathway)
    return render_template(
        "admin/pathways/stage_form.jinja",
        title=f"Add a stage to {pathway.name}",
        form=form,
        pathway=pathway,
        stage=None,
        kind_hints=KIND_HINTS,
    ), (400 if form.errors else 200)


@bp.route("/pathways/<int:pathway_id>/stages/<int:stage_id>", methods=["GET", "POST"])
@requires_role("admin")
def pathways_stage_edit(pathway_id: int, stage_id: int):
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    stage = _or_404(area_edit.get_stage, pathway, stage_id)
    form = StageForm(obj=stage, taken=partial(area_edit.stage_slug_taken, pathway, stage=stage))
    locked = area_edit.stage_answered(stage)
    if locked:  # shown as text with the reason instead
        del form.slug
        del form.kind
    kept = {"slug": stage.slug, "kind": stage.kind}  # when locked, the form has neither
    if saved(
        form, lambda: area_edit.update_stage(current_actor(), stage, **{**kept, **form.values()})
    ):
        flash(f"Stage saved: {stage.name}")
        return _pathway_page(pathway)
    return render_template(
        "admin/pathways/stage_form.jinja",
        title=f"Change stage: {stage.name}",
        form=form,
        pathway=pathway,
        stage=stage,
        kind_hints=KIND_HINTS,
        locked=locked,
        kind_reason=area_edit.kind_locked_reason(stage),
        kinds=area_edit.STAGE_KINDS,
        why_stays=area_edit.why_stage_stays(stage),
    ), (400 if form.errors else 200)


@bp.post("/pathways/<int:pathway_id>/stages/<int:stage_id>/move/<direction>")
@requires_role("admin")
def pathways_stage_move(pathway_id: int, stage_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    stage = _or_404(area_edit.get_stage, pathway, stage_id)
    try:
        position = area_edit.move_stage(current_actor(), stage, direction)
    except DataError as exc:  # a second click on a page that is out of date
        flash(f"{exc.message}, so it was not moved")
    else:
        flash(f"Stage moved: {stage.name} is now stage {position} of {len(pathway.stages)}")
    return _pathway_page(pathway)


@bp.route("/pathways/<int:pathway_id>/stages/<int:stage_id>/delete", methods=["GET", "POST"])
@requires_role("admin")
def pathways_stage_delete(pathway_id: int, stage_id: int):
    pathway = _or_404(area_edit.get_pathway, pathway_id)
    stage = _or_404(area_edit.get_stage, pathway, stage_id)
    why_stays = area_edit.why_stage_stays(stage)
    if request.method == "POST" and why_stays is None:
        name = stage.name
        try:
            area_edit.delete_stage(current_actor(), stage)
        except DataError as exc:  # a survey was set up on it since the check
            why_stays = exc.message
        else:
            flash(f"Stage removed: {name}")
            return _pathway_page(pathway)
    return render_template(
        "admin/pathways/stage_delete.jinja",
        title=f"Remove stage: {stage.name}",
        pathway=pathway,
        stage=stage,
        why_stays=why_stays,
    ), (400 if request.method == "POST" else 200)
