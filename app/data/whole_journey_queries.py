"""Whole journeys: each person's own mean score over the stages they answered, by group.

A journey code links one person's responses. As in ``journey_queries`` (whose ``_latest``
this module uses), a person counts once per stage, with their latest complete response there.
Their *journey score* on a measure is the mean of their own stage scores on it, over the
stages where they have a score; only people with a score at two or more stages have one (one
stage is a snapshot, not a journey). Only sums leave the database: per dimension, group and
measure, n (people), the sums of the journey scores, of their squares and of their cubes, as
``report_queries.measure_stats`` returns for scores (``reports.whole_journeys`` makes figures
of them). SQLAlchemy Core, the same on SQLite and PostgreSQL; rows are sorted in Python.

Which group a person is in (one group per dimension, the same on every measure):
- "pathway": everyone with a journey score (group None): what the groups are compared with.
- "role": the role of the person's latest response in pathway order (the one at the last
  stage they answered within the filter, whether or not it scored on the measure): who
  answered where the journey had got to. A person's role rarely changes; when it does, the
  latest says who is speaking for the journey now.
- an equality dimension (``app.data.scores.DIMENSIONS``): the equality profile of that same
  response. Every response of a journey carries the same profile, so this is the person's;
  no profile or no answer is "not_answered", as in the equality breakdown of the report.

The filter (``report_queries.ReportFilter``), as ``journey_queries`` reads it: pathway, dates
and role apply to every response used (the latest response per stage is the latest within
them); services pick the people: a person counts when any of their latest responses names one
of the services (its service, or either end of its move), and then all their stages count.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CTE, String, cast, func, literal, null, select

from app.data.journey_queries import _latest, _row, _sorted, _sums
from app.data.report_queries import ReportFilter
from app.data.scores import DIMENSIONS, NOT_ANSWERED
from app.extensions import db
from app.models import Response, ResponseProfile, ResponseScore

PATHWAY = "pathway"
ROLE = "role"
WHOLE_DIMENSIONS = (PATHWAY, ROLE, *DIMENSIONS)
#: Stages with a score a person needs for a journey score.
MIN_STAGES = 2


def _journey_scores(latest: CTE, f: ReportFilter) -> CTE:
    """Per person and measure scored at MIN_STAGES or more of their stages: the mean of
    their stage scores (``score``)."""
    stmt = (
        select(
            latest.c.journey_id,
            ResponseScore.measure,
            func.avg(ResponseScore.score).label("score"),
        )
        .select_from(latest)
        .join(ResponseScore, ResponseScore.response_id == latest.c.response_id)
        .group_by(latest.c.journey_id, ResponseScore.measure)
        .having(func.count() >= MIN_STAGES)
    )
    if f.services:
        named = (
            select(latest.c.journey_id)
            .group_by(latest.c.journey_id)
            .having(func.max(latest.c.named) == 1)
        )
        stmt = stmt.where(latest.c.journey_id.in_(named))
    return stmt.cte("journey_scores")


def _last_response(latest: CTE) -> CTE:
    """Per person, their response at the last stage they answered (pathway order)."""
    last = func.row_number().over(
        partition_by=latest.c.journey_id, order_by=latest.c.position.desc()
    )
    ranked = select(latest.c.journey_id, latest.c.response_id, last.label("last")).subquery(
        "ranked_last"
    )
    return (
        select(ranked.c.journey_id, ranked.c.response_id)
        .where(ranked.c.last == 1)
        .cte("last_response")
    )


def whole_journeys(f: ReportFilter, dimensions: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows {"dimension", "group", "measure", "n", "total", "total_sq", "total_cu"}: per
    dimension ("pathway", "role" or an equality dimension), group (None for "pathway") and
    measure, the number of people with a journey score (see the module docstring) and the
    sums of their journey scores, of the squares and of the cubes. One statement (a UNION ALL
    of one GROUP BY per dimension over the same journey scores)."""
    unknown = [d for d in dimensions if d not in WHOLE_DIMENSIONS]
    if unknown:
        raise ValueError(
            f"cannot group whole journeys by {', '.join(unknown)}; choose from {WHOLE_DIMENSIONS}"
        )
    dimensions = tuple(dict.fromkeys(dimensions))
    if not dimensions:
        return []
    latest = _latest(f)
    scores = _journey_scores(latest, f)
    last = _last_response(latest)
    wanted = [d for d in dimensions if d not in (PATHWAY, ROLE)]
    # One join of the journey scores to each person's last response and its profile,
    # shared by every dimension's GROUP BY (a CTE used several times is computed once).
    people = (
        select(
            scores.c.journey_id,
            scores.c.measure,
            scores.c.score,
            Response.role.label("role"),
            *(func.coalesce(getattr(ResponseProfile, d), NOT_ANSWERED).label(d) for d in wanted),
        )
        .select_from(scores)
        .join(last, last.c.journey_id == scores.c.journey_id)
        .join(Response, Response.id == last.c.response_id)
        .outerjoin(ResponseProfile, ResponseProfile.response_id == last.c.response_id)
        .cte("people")
    )
    parts = []
    for dimension in dimensions:
        group = cast(null(), String) if dimension == PATHWAY else people.c[dimension]
        stmt = select(
            literal(dimension, String).label("dimension"),
            group.label("group_value"),
            people.c.measure,
            *_sums(people.c.score),
        ).select_from(people)
        if dimension != PATHWAY:
            stmt = stmt.group_by(group, people.c.measure)
        else:
            stmt = stmt.group_by(people.c.measure)
        parts.append(stmt)
    union = parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])
    order = {d: i for i, d in enumerate(dimensions)}
    rows = [
        {**_row(r, ["dimension", "measure"]), "group": r.group_value}
        for r in db.session.execute(union)
    ]
    rows = _sorted(rows, ["group", "measure"])
    return sorted(rows, key=lambda r: order[r["dimension"]])
