"""Path queries: how people move from service to service along a pathway, counted in SQL.

Each person (journey code) counts once per stage, with their latest complete response there
(``row_number()`` over (journey, stage), newest ``completed_at`` first, then highest id). A
person's place at a stage is the service the response is about, and for a move (a transition
stage) the service moved *to*: where the move took them, which is what a path is about (the
service moved from is their place at the stage before, and the moves table has both ends).
Only counts of people leave the database; ``reports.paths`` suppresses and draws them.
SQLAlchemy Core, the same on SQLite and PostgreSQL; rows are sorted in Python.

The filter (``report_queries.ReportFilter``), as ``journey_queries`` reads it: pathway, dates
and role apply to every response used; services pick the people, not the responses: a flow
counts when either of its two responses names one of the services (its service or either
end of its move), a whole path when any of its responses does, and the rest of the path can
be at any service.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from app.data import journey_latest
from app.data.report_queries import ReportFilter
from app.extensions import db
from app.models import Pathway, Service, Stage


def _latest(f: ReportFilter):
    """The latest response per person and stage (``app.data.journey_latest``)."""
    return journey_latest.latest(f)


def _names(f: ReportFilter) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str]]]:
    """Small lookups: {stage position: (slug, name)} of the pathway, {service id: (code,
    name)} of every service (a handful of rows each)."""
    stages = db.session.execute(
        select(Stage.position, Stage.slug, Stage.name)
        .join(Pathway, Pathway.id == Stage.pathway_id)
        .where(Pathway.slug == f.pathway)
    )
    services = db.session.execute(select(Service.id, Service.code, Service.name))
    return {p: (s, n) for p, s, n in stages}, {i: (c, n) for i, c, n in services}


def _service(services: dict[int, tuple[str, str]], place: int) -> tuple[str | None, str | None]:
    return services.get(place, (None, None))


def flows(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"stage_from", "stage_from_position", "stage_from_name", "service_from",
    "service_from_name", "stage_to", "stage_to_position", "stage_to_name", "service_to",
    "service_to_name", "people"}: for each person, each step from a stage they answered to
    the next stage they answered (pathway order; a stage they skipped is stepped over),
    counted per (stage, place) at both ends. Services are codes and names (None: the
    response names no service). Sorted by the stages' positions, then service codes."""
    latest = _latest(f)
    over = {"partition_by": latest.c.journey_id, "order_by": latest.c.position}
    steps = select(
        latest.c.position.label("a_position"),
        latest.c.place.label("a_place"),
        latest.c.named.label("a_named"),
        func.lead(latest.c.position).over(**over).label("b_position"),
        func.lead(latest.c.place).over(**over).label("b_place"),
        func.lead(latest.c.named).over(**over).label("b_named"),
    ).subquery("steps")
    keys = (steps.c.a_position, steps.c.a_place, steps.c.b_position, steps.c.b_place)
    stmt = (
        select(*keys, func.count().label("people"))
        .where(steps.c.b_position.is_not(None), (steps.c.a_named + steps.c.b_named) > 0)
        .group_by(*keys)
    )
    stages, services = _names(f)

    def end(side: str, position: int, place: int) -> dict[str, Any]:
        (stage, stage_name), (service, service_name) = stages[position], _service(services, place)
        return {
            f"stage_{side}": stage,
            f"stage_{side}_position": position,
            f"stage_{side}_name": stage_name,
            f"service_{side}": service,
            f"service_{side}_name": service_name,
        }

    rows = [
        end("from", r.a_position, r.a_place)
        | end("to", r.b_position, r.b_place)
        | {"people": int(r.people)}
        for r in db.session.execute(stmt)
    ]
    order = ("stage_from_position", "stage_to_position", "service_from", "service_to")
    return sorted(rows, key=lambda r: tuple((r[k] is None, r[k] or "") for k in order))


def whole_paths(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"steps": ((stage, stage_name, service, service_name), ...) in pathway order,
    "people": n}: the people whose answered stages and places were exactly these, one row
    per distinct path, for people who answered two stages or more. Sorted by people, most
    first, then by the steps. The path is built as one column per stage of the pathway (the
    place there, or NULL if not answered), so it is plain GROUP BY on both databases."""
    latest = _latest(f)
    stages, services = _names(f)
    positions = sorted(stages)
    per_person = (
        select(
            *(
                func.max(case((latest.c.position == p, latest.c.place))).label(f"s{p}")
                for p in positions
            ),
        )
        .group_by(latest.c.journey_id)
        .having(func.count() >= 2, func.max(latest.c.named) == 1)
        .subquery("per_person")
    )
    columns = [per_person.c[f"s{p}"] for p in positions]
    stmt = select(*columns, func.count().label("people")).group_by(*columns)
    rows = []
    for r in db.session.execute(stmt):
        steps = tuple(
            (*stages[p], *_service(services, place))
            for p, place in zip(positions, r[:-1], strict=True)
            if place is not None
        )
        rows.append({"steps": steps, "people": int(r.people)})
    return sorted(
        rows, key=lambda r: (-r["people"], [tuple(x or "" for x in s) for s in r["steps"]])
    )
