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

from typing import Any

from sqlalchemy import CTE, and_, case, func, literal, select

from app.data import journey_latest
from app.data.report_queries import ReportFilter
from app.extensions import db
from app.models import Pathway, ResponseScore, Service, Stage

TRANSITION = "transition"


def _latest(f: ReportFilter):
    """The latest response per person and stage (``app.data.journey_latest``)."""
    return journey_latest.latest(f)


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


def _stages(f: ReportFilter) -> list[tuple[int, str, str, str]]:
    """(position, slug, name, kind) of the pathway's stages, in order (a handful of rows)."""
    rows = db.session.execute(
        select(Stage.position, Stage.slug, Stage.name, Stage.kind)
        .join(Pathway, Pathway.id == Stage.pathway_id)
        .where(Pathway.slug == f.pathway)
        .order_by(Stage.position)
    )
    return [tuple(r) for r in rows]


#: The columns of ``_flags`` that belong to the response, not to the person's whole journey.
FLAG_ROW_COLUMNS = ("journey_id", "response_id", "position", "named", "last")


def _flags(latest: CTE, stages: list[tuple]) -> Any:
    """Each latest response, with what its person did at every stage, as window columns over
    the journey: ``a{p}`` 1 if they answered stage position p, ``n{p}`` that response's
    ``named``, ``f{p}``/``t{p}`` the move's services at a transition stage, and ``last``
    the last position they answered. One pass, no self-join: a join of the latest responses
    to themselves on the journey is quadratic on SQLite, which cannot index a CTE."""
    over = {"partition_by": latest.c.journey_id}
    at = latest.c.position

    def each(p, value, else_=None):
        return func.max(case((at == p, value), else_=else_)).over(**over)

    columns = [latest.c.journey_id, latest.c.response_id, at.label("position"), latest.c.named]
    for p, *_, kind in stages:
        columns += [each(p, 1, 0).label(f"a{p}"), each(p, latest.c.named, 0).label(f"n{p}")]
        if kind == TRANSITION:
            columns += [
                each(p, latest.c.from_service_id).label(f"f{p}"),
                each(p, latest.c.to_service_id).label(f"t{p}"),
            ]
    columns.append(func.max(at).over(**over).label("last"))
    return select(*columns).subquery("flags")


def _pivot(f: ReportFilter, stages: list[tuple]) -> Any:
    """One row per person and measure: their flags (``_flags``) and ``s{p}``, their score on
    the measure at each stage position p (NULL: no score there)."""
    flags = _flags(_latest(f), stages)
    per_journey = [c for c in flags.c if c.name not in FLAG_ROW_COLUMNS]
    columns = [func.max(c).label(c.name) for c in per_journey]
    scores = [
        func.max(case((flags.c.position == p, ResponseScore.score))).label(f"s{p}")
        for p, *_ in stages
    ]
    return (
        select(ResponseScore.measure, *columns, *scores)
        .select_from(flags)
        .join(ResponseScore, ResponseScore.response_id == flags.c.response_id)
        .group_by(flags.c.journey_id, ResponseScore.measure)
        .subquery("pivot")
    )


def _sum_columns(label: str, when, x) -> list:
    """n and the sums of x, x^2 and x^3 over the rows where ``when`` holds."""
    return [
        func.sum(case((when, 1), else_=0)).label(f"{label}_n"),
        func.sum(case((when, x), else_=0)).label(f"{label}_total"),
        func.sum(case((when, x * x), else_=0)).label(f"{label}_total_sq"),
        func.sum(case((when, x * x * x), else_=0)).label(f"{label}_total_cu"),
    ]


def _sums_of(row, label: str) -> dict[str, float | int]:
    return {
        "n": int(getattr(row, f"{label}_n") or 0),
        "total": float(getattr(row, f"{label}_total") or 0),
        "total_sq": float(getattr(row, f"{label}_total_sq") or 0),
        "total_cu": float(getattr(row, f"{label}_total_cu") or 0),
    }


def paired_changes(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"stage_from", "stage_from_position", "stage_from_name", "stage_to",
    "stage_to_position", "stage_to_name", "measure", "n", "total", "total_sq", "total_cu"}:
    for every pair of stages in pathway order (earlier, later) and every measure scored at
    both, the number of people with a score at both, and the sums of their changes (later
    minus earlier, -100 to 100), of the squares and of the cubes. A pair counts when either
    of its responses names one of the filter's services."""
    stages = _stages(f)
    pivot = _pivot(f, stages)
    c = pivot.c
    pairs = [(a, b) for i, a in enumerate(stages) for b in stages[i + 1 :]]
    columns = []
    for (p, *_), (q, *_) in pairs:
        both = and_(c[f"s{p}"].is_not(None), c[f"s{q}"].is_not(None), (c[f"n{p}"] + c[f"n{q}"]) > 0)
        columns += _sum_columns(f"p{p}_{q}", both, c[f"s{q}"] - c[f"s{p}"])
    if not columns:
        return []
    stmt = select(c.measure, *columns).group_by(c.measure)
    rows = []
    for r in db.session.execute(stmt):
        for (p, slug_p, name_p, _), (q, slug_q, name_q, _) in pairs:
            sums = _sums_of(r, f"p{p}_{q}")
            if sums["n"]:
                rows.append(
                    {
                        "stage_from": slug_p,
                        "stage_from_position": p,
                        "stage_from_name": name_p,
                        "stage_to": slug_q,
                        "stage_to_position": q,
                        "stage_to_name": name_q,
                        "measure": r.measure,
                        **sums,
                    }
                )
    return _sorted(rows, ["stage_from_position", "stage_to_position", "measure"])


def _nearest(c, positions: list[int]):
    """The score at the first of ``positions`` the person answered (whatever its measures:
    NULL if that stage has no score on this one), NULL if they answered none of them."""
    if not positions:
        return literal(None)
    return case(*((c[f"a{p}"] == 1, c[f"s{p}"]) for p in positions), else_=None)


def move_changes(f: ReportFilter) -> list[dict[str, Any]]:
    """Rows {"stage", "stage_position", "stage_name", "from_service", "to_service", "measure",
    "n", "total", "total_sq", "total_cu"}: across each transition stage, for the people who
    answered it (their move: the codes of the services it names as moved from and to, None
    if not named) and answered a stage before it and one after it, the change from the
    nearest stage before to the nearest stage after (each the closest in pathway order that
    they answered, whatever its measures), on every measure scored at both. A move counts
    when it names one of the filter's services."""
    stages = _stages(f)
    pivot = _pivot(f, stages)
    c = pivot.c
    positions = [s[0] for s in stages]
    codes = dict(db.session.execute(select(Service.id, Service.code)).all())
    rows = []
    for p, slug, name, kind in stages:
        if kind != TRANSITION:
            continue
        before = _nearest(c, [q for q in reversed(positions) if q < p])
        after = _nearest(c, [q for q in positions if q > p])
        when = and_(c[f"a{p}"] == 1, c[f"n{p}"] == 1, before.is_not(None), after.is_not(None))
        ends = (c[f"f{p}"].label("moved_from"), c[f"t{p}"].label("moved_to"))
        stmt = (
            select(c.measure, *ends, *_sum_columns("m", when, after - before))
            .where(when)
            .group_by(c.measure, *ends)
        )
        for r in db.session.execute(stmt):
            rows.append(
                {
                    "stage": slug,
                    "stage_position": p,
                    "stage_name": name,
                    "from_service": codes.get(r.moved_from),
                    "to_service": codes.get(r.moved_to),
                    "measure": r.measure,
                    **_sums_of(r, "m"),
                }
            )
    return _sorted(rows, ["stage_position", "from_service", "to_service", "measure"])


def follow_up(f: ReportFilter) -> dict[str, list[dict[str, Any]]]:
    """{"stages": rows {"stage", "stage_position", "stage_name", "people", "followed"},
    "measures": rows {"stage", "stage_position", "stage_name", "measure", "followed" (bool),
    "n", "total", "total_sq", "total_cu"}}: per stage, the people who answered it and how many
    of them answered any later stage; per stage, measure and followed up or not, the sums of
    their scores at that stage (to see whether those who drop out differ). The pathway's
    last stage is left out: nobody can be followed beyond it. A stage's response counts when
    it names one of the filter's services."""
    stages = _stages(f)
    if not stages:
        return {"stages": [], "measures": []}
    names = {p: (slug, name) for p, slug, name, _ in stages}
    flags = _flags(_latest(f), stages)
    first = select(flags).where(flags.c.named == 1, flags.c.position < stages[-1][0])
    first = first.subquery("first")
    followed = case((first.c.last > first.c.position, 1), else_=0)
    stages_stmt = select(
        first.c.position, func.count().label("people"), func.sum(followed).label("followed")
    ).group_by(first.c.position)
    split = followed.label("followed")
    measures_stmt = (
        select(first.c.position, ResponseScore.measure, split, *_sums(ResponseScore.score))
        .join(ResponseScore, ResponseScore.response_id == first.c.response_id)
        .group_by(first.c.position, ResponseScore.measure, followed)
    )

    def stage(position: int) -> dict[str, Any]:
        slug, name = names[position]
        return {"stage": slug, "stage_position": position, "stage_name": name}

    out_stages = [
        {**stage(r.position), "people": int(r.people), "followed": int(r.followed)}
        for r in db.session.execute(stages_stmt)
    ]
    measures = [
        {
            **stage(r.position),
            **_row(r, ["measure"]),
            "followed": bool(r.followed),
        }
        for r in db.session.execute(measures_stmt)
    ]
    return {
        "stages": _sorted(out_stages, ["stage_position"]),
        "measures": _sorted(measures, ["stage_position", "measure", "followed"]),
    }
