"""Journey queries: the same people followed from stage to stage, paired in SQL.

A journey code links one person's responses. Each function first keeps, for every journey
and stage, the person's latest complete response (``row_number()`` over (journey, stage),
newest ``completed_at`` first, then highest id): a person who answered a stage twice counts
once, with what they said last. Pairs are then built by joining that set to itself on the
journey, and only sums leave the database: per group and measure, n (people), the sums of
the changes (later score minus earlier), of their squares and of their cubes, as
``report_queries.measure_stats`` returns for scores (``reports.paired`` makes figures of them).
SQLAlchemy Core, the same on SQLite and PostgreSQL; rows are sorted in Python.

The filter (``report_queries.ReportFilter``):
- pathway, dates and role apply to every response used: both ends of a pair, the move and
  the stages either side of it, a stage and the later one that shows a person was followed
  up. The latest response per stage is the latest *within* the filter, so a report of a
  past period sees the journeys as they stood then. Near the end of a date range some people
  have not reached their next stage yet: they count as not (yet) followed up.
- services pick the people, not every response: a pair counts when either of its responses
  names one of the services (its service, or either end of its move); a move when the move
  does; a first stage when its response does. The stages before and after can be at any
  service: otherwise a report for Oakview Care Home could never show how the people who
  moved there from hospital changed, since their hospital answers do not name Oakview.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import CTE, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.data.report_queries import ReportFilter, conditions, service_condition
from app.extensions import db
from app.models import Pathway, Response, ResponseScore, Service, Stage

TRANSITION = "transition"


def _latest(f: ReportFilter) -> CTE:
    """Per journey and stage, the latest complete response in the filter's pathway, dates
    and role, with its stage and move, and ``named`` (1: it names one of the filter's
    services, or there is no service filter)."""
    if f.pathway is None:
        raise ValueError("journeys follow one pathway: the filter must name it")
    named = case((service_condition(f.services), 1), else_=0) if f.services else literal(1)
    rank = func.row_number().over(
        partition_by=(Response.journey_id, Response.stage_id),
        order_by=(Response.completed_at.desc(), Response.id.desc()),
    )
    ranked = (
        select(
            Response.id.label("response_id"),
            Response.journey_id,
            Stage.position,
            Stage.slug,
            Stage.name,
            Stage.kind,
            Response.from_service_id,
            Response.to_service_id,
            named.label("named"),
            rank.label("rank"),
        )
        .join(Stage, Stage.id == Response.stage_id)
        .where(*conditions(replace(f, services=())), Response.journey_id.is_not(None))
        .subquery("ranked")
    )
    columns = [c for c in ranked.c if c.name != "rank"]
    return select(*columns).where(ranked.c.rank == 1).cte("latest")


def _stage(alias, prefix: str) -> list:
    """A stage's slug, position and name, labelled ``prefix``, ``prefix_position``, ..."""
    return [
        alias.c.slug.label(prefix),
        alias.c.position.label(f"{prefix}_position"),
        alias.c.name.label(f"{prefix}_name"),
    ]


def _sums(x) -> list:
    """n and the sums of x, x^2 and x^3 (mean, spread and skew follow)."""
    return [
        func.count().label("n"),
        func.sum(x).label("total"),
        func.sum(x * x).label("total_sq"),
        func.sum(x * x * x).label("total_cu"),
    ]


def _row(row, keys: list[str]) -> dict[str, Any]:
    """A result row as a dict: counts as int, sums as float (dialects differ in types)."""
    out = {k: getattr(row, k) for k in keys}
    out.update(
        n=int(row.n),
        total=float(row.total),
        total_sq=float(row.total_sq),
        total_cu=float(row.total_cu),
    )
    return out


def _sorted(rows: list[dict], names: list[str]) -> list[dict]:
    """Rows in the order of ``names``, None last (the databases order NULLs differently)."""
    return sorted(
        rows, key=lambda r: tuple((r[n] is None, "" if r[n] is None else r[n]) for n in names)
    )


PAIR_KEYS = [
    "stage_from",
    "stage_from_position",
    "stage_from_name",
    "stage_to",
    "stage_to_position",
    "stage_to_name",
    "measure",
]


def paired_changes(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"stage_from", "stage_from_position", "stage_from_name", "stage_to",
    "stage_to_position", "stage_to_name", "measure", "n", "total", "total_sq", "total_cu"}:
    for every pair of stages in pathway order (earlier, later) and every measure scored at
    both, the number of people with a score at both, and the sums of their changes (later
    minus earlier, -100 to 100), of the squares and of the cubes."""
    latest = _latest(f)
    earlier, later = latest.alias("earlier"), latest.alias("later")
    s1 = aliased(ResponseScore, name="score_earlier")
    s2 = aliased(ResponseScore, name="score_later")
    keys = [*_stage(earlier, "stage_from"), *_stage(later, "stage_to"), s1.measure]
    stmt = (
        select(*keys, *_sums(s2.score - s1.score))
        .select_from(earlier)
        .join(
            later,
            and_(later.c.journey_id == earlier.c.journey_id, later.c.position > earlier.c.position),
        )
        .join(s1, s1.response_id == earlier.c.response_id)
        .join(s2, and_(s2.response_id == later.c.response_id, s2.measure == s1.measure))
        .where(or_(earlier.c.named == 1, later.c.named == 1))
        .group_by(*keys)
    )
    rows = [_row(r, PAIR_KEYS) for r in db.session.execute(stmt)]
    return _sorted(rows, ["stage_from_position", "stage_to_position", "measure"])


def _nearest(latest: CTE, move, side: str):
    """(move_id, response_id) of each move's nearest answered stage before (``side`` "before")
    or after it, in pathway order."""
    other = latest.alias(side)
    before = side == "before"
    nearest = func.row_number().over(
        partition_by=move.c.response_id,
        order_by=other.c.position.desc() if before else other.c.position.asc(),
    )
    step = other.c.position < move.c.position if before else other.c.position > move.c.position
    ranked = (
        select(
            move.c.response_id.label("move_id"),
            other.c.response_id.label("response_id"),
            nearest.label("nearest"),
        )
        .select_from(move)
        .join(other, and_(other.c.journey_id == move.c.journey_id, step))
        .where(move.c.kind == TRANSITION, move.c.named == 1)
        .subquery(f"{side}_ranked")
    )
    return (
        select(ranked.c.move_id, ranked.c.response_id)
        .where(ranked.c.nearest == 1)
        .subquery(f"nearest_{side}")
    )


MOVE_KEYS = ["stage", "stage_position", "stage_name", "from_service", "to_service", "measure"]


def move_changes(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"stage", "stage_position", "stage_name", "from_service", "to_service", "measure",
    "n", "total", "total_sq", "total_cu"}: across each transition stage, for the people who
    answered it (their move: the codes of the services it names as moved from and to, None
    if not named) and answered a stage before it and one after it, the change from the
    nearest stage before to the nearest stage after (each the closest in pathway order that
    they answered, whatever its measures), on every measure scored at both."""
    latest = _latest(f)
    move = latest.alias("move")
    before, after = _nearest(latest, move, "before"), _nearest(latest, move, "after")
    s1 = aliased(ResponseScore, name="score_before")
    s2 = aliased(ResponseScore, name="score_after")
    moved_from = aliased(Service, name="moved_from")
    moved_to = aliased(Service, name="moved_to")
    keys = [
        *_stage(move, "stage"),
        moved_from.code.label("from_service"),
        moved_to.code.label("to_service"),
        s1.measure,
    ]
    stmt = (
        select(*keys, *_sums(s2.score - s1.score))
        .select_from(move)
        .join(before, before.c.move_id == move.c.response_id)
        .join(after, after.c.move_id == move.c.response_id)
        .join(s1, s1.response_id == before.c.response_id)
        .join(s2, and_(s2.response_id == after.c.response_id, s2.measure == s1.measure))
        .outerjoin(moved_from, moved_from.id == move.c.from_service_id)
        .outerjoin(moved_to, moved_to.id == move.c.to_service_id)
        .group_by(*keys)
    )
    rows = [_row(r, MOVE_KEYS) for r in db.session.execute(stmt)]
    return _sorted(rows, ["stage_position", "from_service", "to_service", "measure"])


def follow_up(f: ReportFilter) -> dict[str, list[dict[str, Any]]]:
    """{"stages": rows {"stage", "stage_position", "stage_name", "people", "followed"},
    "measures": rows {"stage", "stage_position", "stage_name", "measure", "followed" (bool),
    "n", "total", "total_sq", "total_cu"}}: per stage, the people who answered it and how many
    of them answered any later stage; per stage, measure and followed up or not, the sums of
    their scores at that stage (to see whether those who drop out differ). The pathway's
    last stage is left out: nobody can be followed beyond it."""
    latest = _latest(f)
    first = latest.alias("first")
    last_answered = (
        select(latest.c.journey_id, func.max(latest.c.position).label("last"))
        .group_by(latest.c.journey_id)
        .subquery("last_answered")
    )
    last_stage = db.session.scalar(
        select(func.max(Stage.position))
        .join(Pathway, Pathway.id == Stage.pathway_id)
        .where(Pathway.slug == f.pathway)
    )
    followed = case((last_answered.c.last > first.c.position, 1), else_=0)
    keys = _stage(first, "stage")

    def people_at_stage(*columns):
        return (
            select(*columns)
            .select_from(first)
            .join(last_answered, last_answered.c.journey_id == first.c.journey_id)
            .where(first.c.named == 1, first.c.position < last_stage)
        )

    stages_stmt = people_at_stage(
        *keys, func.count().label("people"), func.sum(followed).label("followed")
    ).group_by(*keys)
    stages = [
        {
            "stage": r.stage,
            "stage_position": r.stage_position,
            "stage_name": r.stage_name,
            "people": int(r.people),
            "followed": int(r.followed),
        }
        for r in db.session.execute(stages_stmt)
    ]
    split = followed.label("followed")
    measures_stmt = (
        people_at_stage(*keys, ResponseScore.measure, split, *_sums(ResponseScore.score))
        .join(ResponseScore, ResponseScore.response_id == first.c.response_id)
        .group_by(*keys, ResponseScore.measure, followed)
    )
    measures = [
        {
            **_row(r, ["stage", "stage_position", "stage_name", "measure"]),
            "followed": bool(r.followed),
        }
        for r in db.session.execute(measures_stmt)
    ]
    return {
        "stages": _sorted(stages, ["stage_position"]),
        "measures": _sorted(measures, ["stage_position", "measure", "followed"]),
    }
