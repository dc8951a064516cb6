"""Setting up services, pathways and stages from the admin screens.

Each command checks everything first and raises :class:`DataError` (naming the form field at
fault) before changing anything, then saves the change and its audit row in one commit.
Codes and slugs that answers already depend on cannot change, and nothing that answers or
surveys refer to is deleted: services are retired instead.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from app.data import DataError, NotFound
from app.data.audit import Actor, changes, record
from app.extensions import db
from app.models import Pathway, Response, Service, Stage, Survey, survey_services
from app.models.area import SECTORS, STAGE_KINDS  # the admin forms take their choices from here

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # the area file's slug pattern
ODS_CODE = re.compile(r"^[A-Z0-9]+$")
MAX = {"code": 60, "slug": 80, "name": 200, "locality": 120, "ods_code": 20}


def _exists(query: Select) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def _check(ok: bool, message: str, field: str) -> None:
    if not ok:
        raise DataError(message, field=field)


def _check_slug(value: str, field: str, what: str) -> None:
    _check(bool(value), f"Enter a {field} for the {what}", field)
    _check_length(value, field, f"The {field}")
    _check(
        bool(SLUG.match(value)),
        f"The {field} must be lower-case letters, numbers and hyphens",
        field,
    )


def _check_length(value: str | None, field: str, label: str) -> None:
    _check(
        len(value or "") <= MAX[field], f"{label} must be {MAX[field]} characters or fewer", field
    )


def _check_name(name: str, what: str) -> None:
    _check(bool(name), f"Enter the {what} name", "name")
    _check_length(name, "name", "The name")


def _commit(message: str, field: str) -> None:
    """A unique key taken by someone else between our check and the save comes back as one
    plain message; nothing is saved."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise DataError(message, field=field) from exc


# Services -----------------------------------------------------------------------------------


def list_services() -> list[Service]:
    return list(db.session.scalars(select(Service).order_by(Service.name, Service.code)))


def get_service(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound("There is no such service")
    return service


def service_answered(service: Service) -> bool:
    """Whether any response names the service (as the one answered about, or either end of a
    move): then its code is the key those answers are reported under."""
    ids = (Response.service_id, Response.from_service_id, Response.to_service_id)
    return _exists(select(Response.id).where(or_(*(col == service.id for col in ids))))


def surveys_offering(service: Service) -> list[Survey]:
    query = (
        select(Survey)
        .join(survey_services, survey_services.c.survey_id == Survey.id)
        .where(survey_services.c.service_id == service.id)
        .order_by(Survey.title)
    )
    return list(db.session.scalars(query))


def _service_fields(service: Service) -> dict:
    keys = ("code", "name", "sector", "locality", "ods_code", "retired")
    return {k: getattr(service, k) for k in keys}


def service_code_taken(code: str, service: Service | None = None) -> str | None:
    """The message to show if another service has this code already."""
    other = db.session.scalar(select(Service).filter_by(code=code))
    if other is None or other is service:
        return None
    return f"There is already a service with code {code}"


def _check_taken(problem: str | None, field: str) -> None:
    if problem:
        raise DataError(problem, field=field)


def _check_service(code: str, name: str, sector: str, locality, ods_code, service=None) -> None:
    _check_slug(code, "code", "service")
    _check_taken(service_code_taken(code, service), "code")
    _check_name(name, "service")
    _check(sector in SECTORS, "Select the sector the service is in", "sector")
    _check_length(locality, "locality", "The locality")
    _check_length(ods_code, "ods_code", "The ODS code")
    _check(
        not ods_code or bool(ODS_CODE.match(ods_code)),
        "The ODS code must be capital letters and numbers only",
        "ods_code",
    )


def create_service(
    actor: Actor,
    *,
    code: str,
    name: str,
    sector: str,
    locality: str | None = None,
    ods_code: str | None = None,
) -> Service:
    _check_service(code, name, sector, locality, ods_code)
    service = Service(
        code=code, name=name, sector=sector, locality=locality, ods_code=ods_code, retired=False
    )
    db.session.add(service)
    record(actor, "service.create", f"service {code}", after=_service_fields(service))
    _commit(f"There is already a service with code {code}", "code")
    return service


def update_service(
    actor: Actor,
    service: Service,
    *,
    code: str,
    name: str,
    sector: str,
    locality: str | None,
    ods_code: str | None,
) -> None:
    if code != service.code:
        _check(
            not service_answered(service),
            f"People have already answered about this service, so its code stays {service.code}",
            "code",
        )
    _check_service(code, name, sector, locality, ods_code, service)
    before = _service_fields(service)
    service.code, service.name, service.sector = code, name, sector
    service.locality, service.ods_code = locality, ods_code
    _save_service_change(actor, service, before)


def set_service_retired(actor: Actor, service: Service, retired: bool) -> None:
    """Retired services are not offered in surveys; answers about them are kept."""
    before = _service_fields(service)
    service.retired = retired
    _save_service_change(actor, service, before)


def _save_service_change(actor: Actor, service: Service, before: dict) -> None:
    old, new = changes(before, _service_fields(service))
    if new:
        record(actor, "service.update", f"service {before['code']}", before=old, after=new)
    _commit(f"There is already a service with code {service.code}", "code")


# Pathways -----------------------------------------------------------------------------------


def list_pathways() -> list[Pathway]:
    return list(db.session.scalars(select(Pathway).order_by(Pathway.name, Pathway.slug)))


def get_pathway(pathway_id: int) -> Pathway:
    pathway = db.session.get(Pathway, pathway_id)
    if pathway is None:
        raise NotFound("There is no such pathway")
    return pathway


def pathway_answered(pathway: Pathway) -> bool:
    query = select(Response.id).join(Stage, Response.stage_id == Stage.id)
    return _exists(query.where(Stage.pathway_id == pathway.id))


def _pathway_fields(pathway: Pathway) -> dict:
    return {"slug": pathway.slug, "name": pathway.name, "description": pathway.description}


def pathway_slug_taken(slug: str, pathway: Pathway | None = None) -> str | None:
    other = db.session.scalar(select(Pathway).filter_by(slug=slug))
    if other is None or other is pathway:
        return None
    return f"There is already a pathway with slug {slug}"


def _check_pathway(slug: str, name: str, pathway=None) -> None:
    _check_slug(slug, "slug", "pathway")
    _check_taken(pathway_slug_taken(slug, pathway), "slug")
    _check_name(name, "pathway")


def create_pathway(actor: Actor, *, slug: str, name: str, description: str | None) -> Pathway:
    _check_pathway(slug, name)
    pathway = Pathway(slug=slug, name=name, description=description)
    db.session.add(pathway)
    record(actor, "pathway.create", f"pathway {slug}", after=_pathway_fields(pathway))
    _commit(f"There is already a pathway with slug {slug}", "slug")
    return pathway


def update_pathway(
    actor: Actor, pathway: Pathway, *, slug: str, name: str, description: str | None
) -> None:
    if slug != pathway.slug:
        _check(
            not pathway_answered(pathway),
            f"People have already answered on this pathway, so its slug stays {pathway.slug}",
            "slug",
        )
    _check_pathway(slug, name, pathway)
    before = _pathway_fields(pathway)
    pathway.slug, pathway.name, pathway.description = slug, name, description
    old, new = changes(before, _pathway_fields(pathway))
    if new:
        record(actor, "pathway.update", f"pathway {before['slug']}", before=old, after=new)
    _commit(f"There is already a pathway with slug {slug}", "slug")


# Stages -------------------------------------------------------------------------------------


def get_stage(pathway: Pathway, stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None or stage.pathway_id != pathway.id:
        raise NotFound("There is no such stage on this pathway")
    return stage


def stage_answered(stage: Stage) -> bool:
    return _exists(select(Response.id).where(Response.stage_id == stage.id))


_AS_KIND = {"episode": "an episode", "transition": "a move between services"}


def kind_locked_reason(stage: Stage) -> str:
    return (
        f"People have already answered about this stage as {_AS_KIND[stage.kind]}; "
        "changing it would change what their answers mean"
    )


def why_stage_stays(stage: Stage) -> str | None:
    """Why the stage cannot be removed, in plain English, or None if it can."""
    if stage.surveys:
        names = " and ".join(f"“{s.title}” ({s.slug})" for s in stage.surveys)
        several = len(stage.surveys) > 1
        return (
            f"You cannot remove {stage.name} because the {'surveys' if several else 'survey'} "
            f"{names} {'ask' if several else 'asks'} about it. "
            f"Move {'them' if several else 'it'} to another stage first."
        )
    if stage_answered(stage):
        return f"You cannot remove {stage.name} because people have already answered about it."
    return None


def _stage_fields(stage: Stage) -> dict:
    keys = ("slug", "name", "kind", "description", "position")
    return {k: getattr(stage, k) for k in keys}


def _target(pathway: Pathway, slug: str) -> str:
    return f"stage {pathway.slug}/{slug}"


def stage_slug_taken(pathway: Pathway, slug: str, stage: Stage | None = None) -> str | None:
    other = next((s for s in pathway.stages if s.slug == slug), None)
    if other is None or other is stage:
        return None
    return f"{pathway.name} already has a stage with slug {slug}"


def _check_stage(pathway: Pathway, slug: str, name: str, kind: str, stage=None) -> None:
    _check_slug(slug, "slug", "stage")
    _check_taken(stage_slug_taken(pathway, slug, stage), "slug")
    _check_name(name, "stage")
    _check(kind in STAGE_KINDS, "Select what kind of stage this is", "kind")


def create_stage(
    actor: Actor, pathway: Pathway, *, slug: str, name: str, kind: str, description: str | None
) -> Stage:
    """A new stage goes last; move it into place afterwards."""
    _check_stage(pathway, slug, name, kind)
    stage = Stage(
        slug=slug, name=name, kind=kind, description=description, position=len(pathway.stages) + 1
    )
    pathway.stages.append(stage)
    record(actor, "stage.create", _target(pathway, slug), after=_stage_fields(stage))
    _commit(f"{pathway.name} already has a stage with slug {slug}", "slug")
    return stage


def update_stage(
    actor: Actor, stage: Stage, *, slug: str, name: str, kind: str, description: str | None
) -> None:
    if slug != stage.slug or kind != stage.kind:
        answered = stage_answered(stage)
        _check(
            not answered or slug == stage.slug,
            f"People have already answered about this stage, so its slug stays {stage.slug}",
            "slug",
        )
        _check(not answered or kind == stage.kind, kind_locked_reason(stage), "kind")
    _check_stage(stage.pathway, slug, name, kind, stage)
    before = _stage_fields(stage)
    stage.slug, stage.name, stage.kind, stage.description = slug, name, kind, description
    old, new = changes(before, _stage_fields(stage))
    if new:
        record(actor, "stage.update", _target(stage.pathway, before["slug"]), before=old, after=new)
    _commit(f"{stage.pathway.name} already has a stage with slug {slug}", "slug")


def _renumber(stages: list[Stage]) -> None:
    for position, stage in enumerate(stages, start=1):
        stage.position = position


def move_stage(actor: Actor, stage: Stage, direction: str) -> int:
    """Swap the stage with the one above ("up") or below ("down"); return its new position.
    Positions are rewritten as 1..n, so earlier gaps or ties are mended on the way."""
    pathway = stage.pathway
    stages = list(pathway.stages)
    here = stages.index(stage)
    there = here - 1 if direction == "up" else here + 1
    if direction not in ("up", "down") or not 0 <= there < len(stages):
        raise DataError(f"{stage.name} is already {'first' if direction == 'up' else 'last'}")
    before = [s.slug for s in stages]
    stages[here], stages[there] = stages[there], stages[here]
    _renumber(stages)
    record(
        actor,
        "stage.reorder",
        f"pathway {pathway.slug}",
        before={"order": before},
        after={"order": [s.slug for s in stages]},
    )
    db.session.commit()
    # The loaded collection keeps its old order (no expiry on commit): reload it.
    db.session.expire(pathway, ["stages"])
    return stage.position


def delete_stage(actor: Actor, stage: Stage) -> None:
    reason = why_stage_stays(stage)
    if reason:
        raise DataError(reason)
    pathway = stage.pathway
    record(actor, "stage.delete", _target(pathway, stage.slug), before=_stage_fields(stage))
    pathway.stages.remove(stage)  # delete-orphan: the row goes at the commit
    _renumber(list(pathway.stages))
    db.session.commit()
