"""Services, pathways, stages and surveys: reading them, and loading an area file."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from sqlalchemy import select

from app.data import DataError, NotFound
from app.data.instruments import registry
from app.extensions import db
from app.models import Pathway, Service, Stage, Survey, SurveyInstrument

SCHEMA_FILE = Path(__file__).with_name("area.schema.yaml")


class AreaError(DataError):
    """An area file that cannot be loaded; nothing from it has been saved."""


def get_survey(slug: str) -> Survey:
    survey = db.session.scalar(select(Survey).filter_by(slug=slug))
    if survey is None:
        raise NotFound("We could not find that survey. Check the link or the QR code.")
    return survey


def get_pathway(slug: str) -> Pathway:
    pathway = db.session.scalar(select(Pathway).filter_by(slug=slug))
    if pathway is None:
        raise NotFound("We could not find that pathway. Check the link or the QR code.")
    return pathway


def open_survey_for_stage(stage: Stage, today: date) -> Survey | None:
    return next((s for s in stage.surveys if s.is_open(today)), None)


def live_services(survey: Survey) -> list[Service]:
    return [s for s in survey.services if not s.retired]


def all_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.slug)))


def area_is_empty() -> bool:
    return db.session.scalar(select(Survey.id).limit(1)) is None


@cache
def _validator():
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def read_area_file(path: str | Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AreaError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise AreaError(f"{path} must hold services, pathways and surveys")
    return _dates_as_text(data)


def _dates_as_text(value):
    """YAML reads 2026-01-31 as a date; the schema (and JSON) want text."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _where(path) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate_area(data: dict) -> list[str]:
    """Every problem in an area file, each naming where it is (entries counted from 1)."""
    problems = [f"{_where(e.path)}: {e.message}" for e in _validator().iter_errors(data)]
    if problems:
        return problems
    known_services = {s["code"] for s in data.get("services", [])} | set(
        db.session.scalars(select(Service.code))
    )
    stages = {(p["slug"], st["slug"]) for p in data.get("pathways", []) for st in p["stages"]} | {
        (p.slug, st.slug) for p in db.session.scalars(select(Pathway)) for st in p.stages
    }
    reg = registry()
    for n, survey in enumerate(data.get("surveys", []), start=1):
        where = f"surveys[{n}] ({survey['slug']})"
        if (survey["pathway"], survey["stage"]) not in stages:
            problems.append(f"{where}: pathway {survey['pathway']} has no stage {survey['stage']}")
        for code in survey["services"]:
            if code not in known_services:
                problems.append(f"{where}: service {code!r} is not defined in services")
        for chosen in survey["instruments"]:
            inst = reg.get(chosen["id"])
            if inst is None:
                problems.append(f"{where}: instrument {chosen['id']!r} is not loaded")
                continue
            for domain in chosen.get("domains", []):
                if domain not in inst.domains:
                    problems.append(f"{where}: {inst.id} has no domain {domain!r}")
            ids = {i.id for i in inst.items}
            for item_id in chosen.get("items", []):
                if item_id not in ids:
                    problems.append(f"{where}: {inst.id} has no item {item_id!r}")
        if (
            survey.get("opens_on")
            and survey.get("closes_on")
            and survey["closes_on"] < survey["opens_on"]
        ):
            problems.append(f"{where}: closes_on is before opens_on")
    for kind, key, entries in (
        ("service", "code", data.get("services", [])),
        ("pathway", "slug", data.get("pathways", [])),
        ("survey", "slug", data.get("surveys", [])),
    ):
        seen = set()
        for entry in entries:
            if entry[key] in seen:
                problems.append(f"{kind} {entry[key]!r} appears twice")
            seen.add(entry[key])
    return problems


def _upsert(model, key: str, value: str):
    row = db.session.scalar(select(model).filter_by(**{key: value}))
    if row is None:
        row = model(**{key: value})
        db.session.add(row)
    return row


def load_area(data: dict) -> dict[str, int]:
    """Create or update everything in an area file, all or nothing.

    Rows are matched by service code and pathway, stage and survey slug, so loading
    the same file twice changes nothing. Nothing is deleted: retire services instead.
    """
    problems = validate_area(data)
    if problems:
        raise AreaError("The area file has problems:\n- " + "\n- ".join(problems))
    try:
        _apply(data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {k: len(data.get(k, [])) for k in ("services", "pathways", "surveys")}


def _apply(data: dict) -> None:
    with db.session.no_autoflush:
        services = {}
        for spec in data.get("services", []):
            service = _upsert(Service, "code", spec["code"])
            service.name, service.sector = spec["name"], spec["sector"]
            service.locality, service.ods_code = spec.get("locality"), spec.get("ods_code")
            service.retired = spec.get("retired", False)
            services[spec["code"]] = service
        for spec in data.get("pathways", []):
            pathway = _upsert(Pathway, "slug", spec["slug"])
            pathway.name, pathway.description = spec["name"], spec.get("description")
            existing = {s.slug: s for s in pathway.stages}
            for position, st in enumerate(spec["stages"], start=1):
                stage = existing.get(st["slug"]) or Stage(slug=st["slug"])
                stage.name, stage.kind, stage.position = st["name"], st["kind"], position
                stage.description = st.get("description")
                if stage not in pathway.stages:
                    pathway.stages.append(stage)
        db.session.flush()
        for spec in data.get("surveys", []):
            survey = _upsert(Survey, "slug", spec["slug"])
            pathway = db.session.scalar(select(Pathway).filter_by(slug=spec["pathway"]))
            survey.stage = next(s for s in pathway.stages if s.slug == spec["stage"])
            survey.title, survey.intro = spec["title"], spec.get("intro")
            survey.roles = spec.get("roles", ["patient", "carer", "helped"])
            survey.opens_on = _date(spec.get("opens_on"))
            survey.closes_on = _date(spec.get("closes_on"))
            survey.services = [
                services.get(code) or db.session.scalar(select(Service).filter_by(code=code))
                for code in spec["services"]
            ]
            existing = {si.instrument_id: si for si in survey.instruments}
            chosen_rows = []
            for n, chosen in enumerate(spec["instruments"]):
                row = existing.get(chosen["id"]) or SurveyInstrument(instrument_id=chosen["id"])
                row.position, row.domains, row.item_ids = (
                    n,
                    chosen.get("domains"),
                    chosen.get("items"),
                )
                chosen_rows.append(row)
            survey.instruments = chosen_rows


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
