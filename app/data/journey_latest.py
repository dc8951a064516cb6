"""Each person's latest complete response per stage: the set every journey query starts from.

Per journey and stage, the latest complete response in the filter's pathway, dates and role
(``row_number()`` over (journey, stage), newest ``completed_at`` first, then highest id), with
its stage, its move, its ``place`` (the service moved to, else the service it is about, else
0) and ``named`` (1: it names one of the filter's services, or there is no service filter).

A report runs seven journey statements. Inside :func:`shared`, the set is worked out once into
a temporary table (indexed by journey, and analysed on PostgreSQL so the planner knows its
size) that they all read; outside it, each statement computes it as a CTE.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from uuid import uuid4

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    case,
    func,
    literal,
    select,
    text,
)

from app.data.report_queries import ReportFilter, conditions, service_condition
from app.extensions import db
from app.models import Response, Stage

NO_SERVICE = 0  # the place of a response that names no service (ids start at 1)
_shared: ContextVar[tuple[ReportFilter, Table] | None] = ContextVar("journey_latest", default=None)


def _select(f: ReportFilter):
    if f.pathway is None:
        raise ValueError("journeys follow one pathway: the filter must name it")
    named = case((service_condition(f.services), 1), else_=0) if f.services else literal(1)
    rank = func.row_number().over(
        partition_by=(Response.journey_id, Response.stage_id),
        order_by=(Response.completed_at.desc(), Response.id.desc()),
    )
    place = func.coalesce(Response.to_service_id, Response.service_id, NO_SERVICE)
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
            place.label("place"),
            named.label("named"),
            rank.label("rank"),
        )
        .join(Stage, Stage.id == Response.stage_id)
        .where(*conditions(replace(f, services=())), Response.journey_id.is_not(None))
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.name != "rank")).where(ranked.c.rank == 1)


def latest(f: ReportFilter):
    """The latest responses for ``f``: the shared table when one is open for ``f``, else a
    CTE. Columns: response_id, journey_id, position, slug, name, kind, from_service_id,
    to_service_id, place, named."""
    open_ = _shared.get()
    if open_ is not None and open_[0] == f:
        return open_[1]
    return _select(f).cte("latest")


@contextmanager
def shared(f: ReportFilter) -> Iterator[None]:
    """Work the latest responses out once for every journey query run inside."""
    name = f"journey_latest_{uuid4().hex[:12]}"
    table = Table(
        name,
        MetaData(),
        Column("response_id", Integer),
        Column("journey_id", Integer),
        Column("position", Integer),
        Column("slug", String),
        Column("name", String),
        Column("kind", String),
        Column("from_service_id", Integer),
        Column("to_service_id", Integer),
        Column("place", Integer),
        Column("named", Integer),
        prefixes=["TEMPORARY"],
    )
    Index(f"{name}_journey", table.c.journey_id, table.c.position)
    connection = db.session.connection()
    table.create(connection)
    token = _shared.set((f, table))
    try:
        connection.execute(table.insert().from_select(list(table.c.keys()), _select(f)))
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"ANALYZE {name}"))
        yield
    finally:
        _shared.reset(token)
        table.drop(connection)
