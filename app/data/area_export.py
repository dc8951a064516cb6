"""The area (services, pathways and stages, surveys) written out as an area file.

The export is what ``load-area`` reads (app/data/area.schema.yaml), so an area set up on
screen can be kept, reviewed or moved to another installation. Lists are in a fixed order
and empty optional keys are left out, so exporting twice gives the same file.
"""

from __future__ import annotations

from datetime import UTC, datetime

import yaml
from sqlalchemy import select

from app.data.audit import Actor, record_now
from app.extensions import db
from app.models import Pathway, Service, Survey
from app.models.response import ROLES


def _present(**values) -> dict:
    """Keys with a value only: optional keys that are empty are left out of the file."""
    return {k: v for k, v in values.items() if v is not None}


def service_spec(service: Service) -> dict:
    return _present(
        code=service.code,
        name=service.name,
        sector=service.sector,
        locality=service.locality,
        ods_code=service.ods_code,
        retired=True if service.retired else None,
    )


def pathway_spec(pathway: Pathway) -> dict:
    stages = [
        _present(slug=st.slug, name=st.name, kind=st.kind, description=st.description)
        for st in pathway.stages  # already in position order
    ]
    return _present(
        slug=pathway.slug, name=pathway.name, description=pathway.description, stages=stages
    )


def survey_spec(survey: Survey) -> dict:
    """One survey as an area file entry; also the before/after of its audit rows."""
    instruments = [
        _present(id=si.instrument_id, domains=si.domains or None, items=si.item_ids or None)
        for si in sorted(survey.instruments, key=lambda si: si.position)
    ]
    return _present(
        slug=survey.slug,
        title=survey.title,
        pathway=survey.stage.pathway.slug,
        stage=survey.stage.slug,
        intro=survey.intro or None,
        services=sorted(s.code for s in survey.services),
        roles=[r for r in ROLES if r in (survey.roles or ())],
        instruments=instruments,
        opens_on=survey.opens_on.isoformat() if survey.opens_on else None,
        closes_on=survey.closes_on.isoformat() if survey.closes_on else None,
    )


def export_area(name: str | None = None) -> dict:
    """Everything ``load_area`` would need to rebuild this area, in a stable order."""
    services = db.session.scalars(select(Service).order_by(Service.code))
    pathways = db.session.scalars(select(Pathway).order_by(Pathway.slug))
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug))
    return _present(
        name=name,
        services=[service_spec(s) for s in services],
        pathways=[pathway_spec(p) for p in pathways],
        surveys=[survey_spec(s) for s in surveys],
    )


def to_yaml(data: dict, heading: str = "") -> str:
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return heading + body


def export_area_file(actor: Actor, name: str | None = None) -> str:
    """The area as YAML text, with an audit row for the download."""
    data = export_area(name)
    counts = {k: len(data[k]) for k in ("services", "pathways", "surveys")}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = (
        f"# Area file exported from Carejourney on {now}.\n"
        "# Load it with: flask --app wsgi load-area FILE\n"
    )
    text = to_yaml(data, heading)
    record_now(actor, "export.area", "area file", after=counts)
    return text
