"""Report queries: counts and score sums per group, aggregated in SQL, as plain Python data.

Every function takes a ``ReportFilter`` (a pathway, a period of completion dates, optionally
some services and one respondent role) and counts complete responses only. Scores come from
the stored ``response_score`` rows (``app.data.scores``), never from answer rows loaded into
Python: ``measure_stats`` is one GROUP BY returning, per group and measure, n, the sums of
the scores, of their squares and of their cubes (mean, spread and skew follow, and all of them
add up when groups are merged), and the sums of the items answered, answered "Strongly agree"
(``top``) and answered (strongly) disagree (``bottom``), for top and bottom boxes. The
statements are SQLAlchemy Core and run the same on SQLite and PostgreSQL; results are sorted
in Python (the two databases order NULLs differently).

Grouping keys (``by``):
- "stage": adds "stage" (slug), "stage_position" and "stage_name".
- "stage_kind": "episode" (care at one service) or "transition" (a move between two).
- "service": the response's service code. For a move this is the service LEFT (the web's
  ``set_services`` and paper forms store the moved-from service as the response's service),
  so grouping by ("stage_kind", "service") gives a service's own care (episode rows) and its
  hand-overs out (transition rows). "from_service", "to_service": the two ends of a move (None
  for an episode); ("stage_kind", "to_service") gives hand-overs in. "sector": the sector of
  the response's service, so for a move the sector of the service left.
- "role", "channel": as stored on the response.
- "quarter": "2026-Q3", the calendar quarter of completion in UTC.
- equality dimensions (``app.data.scores.DIMENSIONS``): "age_band", "sex",
  "gender_identity_same", "sexual_orientation", "religion", "ethnic_broad", "ethnic_group",
  "disability", "carer"; values include "prefer_not_to_say" and "not_answered".

Dates are UTC calendar days: ``date_from`` and ``date_to`` are inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
)
from sqlalchemy.orm import aliased

from app.data.instruments import ABOUT_YOU
from app.data.scores import DIMENSIONS, NOT_ANSWERED
from app.extensions import db
from app.models import (
    Answer,
    Pathway,
    Response,
    ResponseProfile,
    ResponseScore,
    Service,
    Stage,
)

GROUPINGS = (
    "stage",
    "stage_kind",
    "service",
    "from_service",
    "to_service",
    "sector",
    "role",
    "channel",
    "quarter",
    *DIMENSIONS,
)


SERVICE_COLUMNS = (Response.service_id, Response.from_service_id, Response.to_service_id)


@dataclass(frozen=True)
class ReportFilter:
    """Which responses a report covers. ``pathway``: a slug (None: every pathway, for the
    response export only). ``services``: codes; a response counts when its service, or
    either end of its move, is one of them."""

    pathway: str | None
    date_from: date | None = None
    date_to: date | None = None
    services: tuple[str, ...] = ()
    role: str | None = None


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _next_quarter(start: date) -> date:
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _utc_date(moment: datetime) -> date:
    """The UTC day of a stored time (SQLite gives it naive, in UTC; PostgreSQL aware, in the
    session's time zone)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def _quarter(f: ReportFilter, where: list) -> tuple[Any, bool]:
    """(expression, whether it varies): the quarter of completion, "2026-Q1", as a CASE over
    the quarters the filter spans. Plain timestamp comparisons: the same on SQLite and
    PostgreSQL, in UTC whatever the session's time zone, and about twice as fast on
    PostgreSQL as extracting the year and month of every row."""
    first, last = f.date_from, f.date_to
    if first is None or last is None:  # an open end: the data's own first or last day
        low, high = db.session.execute(
            select(func.min(Response.completed_at), func.max(Response.completed_at)).where(*where)
        ).one()
        if low is None:
            return literal(None, String), False
        first, last = first or _utc_date(low), last or _utc_date(high)
    starts = [_quarter_start(first)]
    while _next_quarter(starts[-1]) <= last:
        starts.append(_next_quarter(starts[-1]))
    labels = [f"{q.year}-Q{(q.month - 1) // 3 + 1}" for q in starts]
    if len(starts) == 1:
        return literal(labels[0], String), False
    whens = [
        (Response.completed_at < _utc_midnight(_next_quarter(q)), label)
        for q, label in zip(starts[:-1], labels[:-1], strict=True)
    ]
    return case(*whens, else_=labels[-1]), True


def service_condition(services: tuple[str, ...]):
    """SQL: the response's service, or either end of its move, is one of ``services`` (codes)."""
    ids = list(db.session.scalars(select(Service.id).where(Service.code.in_(services))))
    return or_(*(column.in_(ids) for column in SERVICE_COLUMNS))


def conditions(f: ReportFilter) -> list:
    """WHERE conditions on Response for the filter (small lookups resolve slugs and codes)."""
    where = [Response.status == "complete"]
    if f.pathway is not None:
        stage_ids = list(
            db.session.scalars(
                select(Stage.id)
                .join(Pathway, Pathway.id == Stage.pathway_id)
                .where(Pathway.slug == f.pathway)
            )
        )
        where.append(Response.stage_id.in_(stage_ids))
    if f.date_from is not None:
        where.append(Response.completed_at >= _utc_midnight(f.date_from))
    if f.date_to is not None:
        where.append(Response.completed_at < _utc_midnight(f.date_to + timedelta(days=1)))
    if f.services:
        where.append(service_condition(f.services))
    if f.role is not None:
        where.append(Response.role == f.role)
    return where


class _Grouping:
    """The joins, selected columns and GROUP BY expressions for a tuple of grouping keys."""

    def __init__(self, by: tuple[str, ...], f: ReportFilter, where: list):
        unknown = [k for k in by if k not in GROUPINGS]
        if unknown:
            raise ValueError(f"cannot group by {', '.join(unknown)}; choose from {GROUPINGS}")
        self.by = tuple(dict.fromkeys(by))
        self.columns: list = []
        self.constant: set[str] = set()  # columns that are one value: not grouped by
        self.joins: list[tuple[Any, Any, bool]] = []  # (target, on, outer) joins from Response
        self._services: dict[str, Any] = {}
        profile_joined = stage_joined = False
        for key in self.by:
            if key in ("stage", "stage_kind") and not stage_joined:
                self.joins.append((Stage, Stage.id == Response.stage_id, False))
                stage_joined = True
            if key == "stage_kind":
                self.columns.append(Stage.kind.label("stage_kind"))
            elif key == "stage":
                self.columns += [
                    Stage.slug.label("stage"),
                    Stage.position.label("stage_position"),
                    Stage.name.label("stage_name"),
                ]
            elif key in ("service", "sector"):
                self.columns.append(
                    getattr(self._service("service_id"), "code" if key == "service" else key).label(
                        key
                    )
                )
            elif key in ("from_service", "to_service"):
                self.columns.append(self._service(f"{key}_id").code.label(key))
            elif key in ("role", "channel"):
                self.columns.append(getattr(Response, key).label(key))
            elif key == "quarter":
                quarter, varies = _quarter(f, where)
                self.columns.append(quarter.label("quarter"))
                if not varies:
                    self.constant.add("quarter")
            else:
                if not profile_joined:
                    on = ResponseProfile.response_id == Response.id
                    self.joins.append((ResponseProfile, on, True))  # none: "not_answered"
                    profile_joined = True
                column = getattr(ResponseProfile, key)
                self.columns.append(func.coalesce(column, NOT_ANSWERED).label(key))

    def _service(self, column: str):
        if column not in self._services:
            alias = aliased(Service, name=column.removesuffix("_id"))
            self.joins.append((alias, alias.id == getattr(Response, column), True))
            self._services[column] = alias
        return self._services[column]

    def apply(self, stmt: Select) -> Select:
        for target, on, outer in self.joins:
            stmt = stmt.join(target, on, isouter=outer)
        return stmt.group_by(*(c for c in self.columns if c.name not in self.constant))

    def keys(self, row) -> dict[str, Any]:
        """The grouping values of a result row, by name."""
        return {column.name: getattr(row, column.name) for column in self.columns}


def _sorted(rows: list[dict], names: list[str]) -> list[dict]:
    """Rows in group order, None last (SQLite and PostgreSQL order NULLs differently)."""
    order = [n for n in ("stage_position", *names) if rows and n in rows[0]]
    return sorted(
        rows, key=lambda r: tuple((r[n] is None, "" if r[n] is None else r[n]) for n in order)
    )


def data_version(f: ReportFilter) -> tuple:
    """What changes whenever the report for ``f`` could: the count of complete responses on
    the pathway, the latest completion and the highest response id (one indexed scan)."""
    where = conditions(ReportFilter(f.pathway))
    return tuple(
        db.session.execute(
            select(
                func.count(Response.id), func.max(Response.completed_at), func.max(Response.id)
            ).where(*where)
        ).one()
    )


def overview(f: ReportFilter) -> dict[str, Any]:
    """{"responses", "journeys" (distinct), "services" (distinct services named, either end of
    a move included), "stages" (distinct), "channels": {channel: n}, "roles": {role: n}}."""
    where = conditions(f)
    responses, journeys, stages = db.session.execute(
        select(
            func.count(Response.id),
            func.count(distinct(Response.journey_id)),
            func.count(distinct(Response.stage_id)),
        ).where(*where)
    ).one()
    named = union(
        *(select(column.label("sid")).where(*where) for column in SERVICE_COLUMNS)
    ).subquery()
    services = db.session.scalar(select(func.count(named.c.sid)).where(named.c.sid.is_not(None)))
    channels = db.session.execute(
        select(Response.channel, func.count()).where(*where).group_by(Response.channel)
    ).all()
    roles = db.session.execute(
        select(Response.role, func.count()).where(*where).group_by(Response.role)
    ).all()
    return {
        "responses": responses,
        "journeys": journeys,
        "services": services,
        "stages": stages,
        "channels": dict(sorted(channels)),
        "roles": dict(sorted(roles, key=lambda r: (r[0] is None, r[0] or ""))),
    }


def _sums() -> list:
    """The aggregates of one group's scores on one measure (``_figures`` reads them)."""
    score = ResponseScore.score
    return [
        func.count().label("n"),
        func.sum(score).label("total"),
        func.sum(score * score).label("total_sq"),
        func.sum(score * score * score).label("total_cu"),
        func.sum(ResponseScore.answered).label("answered"),
        func.sum(ResponseScore.top).label("top"),
        func.sum(ResponseScore.bottom).label("bottom"),
    ]


def _figures(row) -> dict[str, Any]:
    """The measure and sums of a result row: counts as int, sums of scores as float (the
    databases return Decimal, bigint or int depending on the type and dialect)."""
    return {
        "measure": row.measure,
        "n": int(row.n),
        "total": float(row.total),
        "total_sq": float(row.total_sq),
        "total_cu": float(row.total_cu),
        "answered": int(row.answered),
        "top": int(row.top),
        "bottom": int(row.bottom),
    }


def measure_stats(f: ReportFilter, by: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows {**group keys, "measure", "n", "total", "total_sq", "total_cu", "answered", "top",
    "bottom"}: per group and measure, the number of valid scores; the sums of the scores, their
    squares and their cubes; and the sums over those people of the items they answered, of
    those answered "Strongly agree" and of those answered (strongly) disagree. One GROUP BY."""
    where = conditions(f)
    grouping = _Grouping(by, f, where)
    stmt = select(*grouping.columns, ResponseScore.measure, *_sums()).select_from(ResponseScore)
    stmt = stmt.join(Response, Response.id == ResponseScore.response_id)
    stmt = grouping.apply(stmt).where(*where).group_by(ResponseScore.measure)
    rows = [{**grouping.keys(row), **_figures(row)} for row in db.session.execute(stmt)]
    return _sorted(rows, [*grouping.by, "measure"])


def measure_stats_many(
    f: ReportFilter, breakdowns: dict[str, tuple[str, ...]]
) -> dict[str, list[dict[str, Any]]]:
    """``{name: measure_stats(f, by)}`` for several breakdowns at once. On PostgreSQL one
    query with GROUPING SETS reads the scores once for all of them (a report has 15
    breakdowns: one scan instead of 15, the difference between seconds and a minute at a
    million responses); SQLite has no GROUPING SETS, so there each is its own query."""
    if db.session.get_bind().dialect.name != "postgresql" or len(breakdowns) < 2:
        return {name: measure_stats(f, by) for name, by in breakdowns.items()}
    where = conditions(f)
    every_key = tuple(dict.fromkeys(k for by in breakdowns.values() for k in by))
    grouping = _Grouping(every_key, f, where)
    by_name = {c.name: c for c in grouping.columns}
    # One column stands for each key in GROUPING(): the stage's slug for its three columns.
    marker = {k: by_name[k] for k in every_key if k not in grouping.constant}
    per_key = {k: [by_name[k]] for k in marker}
    if "stage" in per_key:
        per_key["stage"] = [by_name["stage"], by_name["stage_position"], by_name["stage_name"]]
    markers = list(marker)
    sets, mask_of = [], {}
    for name, by in breakdowns.items():
        keys = [k for k in dict.fromkeys(by) if k in marker]
        mask = sum(1 << (len(markers) - 1 - i) for i, k in enumerate(markers) if k not in keys)
        if mask not in mask_of:  # a set named twice would return its rows twice
            columns = [c.element for k in keys for c in per_key[k]]
            sets.append(tuple_(*columns, ResponseScore.measure))
        mask_of.setdefault(mask, []).append(name)
    stmt = select(
        *grouping.columns,
        ResponseScore.measure,
        func.grouping(*(c.element for c in marker.values())).label("grouping_set"),
        *_sums(),
    ).select_from(ResponseScore)
    stmt = stmt.join(Response, Response.id == ResponseScore.response_id)
    for target, on, outer in grouping.joins:
        stmt = stmt.join(target, on, isouter=outer)
    stmt = stmt.where(*where).group_by(func.grouping_sets(*sets))
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in breakdowns}
    wanted = {name: _Grouping(by, f, where) for name, by in breakdowns.items()}
    for row in db.session.execute(stmt):
        for name in mask_of[row.grouping_set]:
            out[name].append(
                {**{c.name: getattr(row, c.name) for c in wanted[name].columns}, **_figures(row)}
            )
    return {name: _sorted(rows, [*wanted[name].by, "measure"]) for name, rows in out.items()}


def item_distribution(f: ReportFilter, by: tuple[str, ...] = ("stage",)) -> list[dict]:
    """Rows {**group keys, "instrument_id", "item_id", "code", "n"}: how many answers gave each
    option of each choice item ("dk" and the like included). About you is left out: its counts
    are ``group_counts``."""
    where = conditions(f)
    grouping = _Grouping(by, f, where)
    stmt = select(
        *grouping.columns,
        Answer.instrument_id,
        Answer.item_id,
        Answer.code,
        func.count().label("n"),
    ).select_from(Answer)
    stmt = stmt.join(Response, Response.id == Answer.response_id)
    stmt = grouping.apply(stmt).where(
        *where, Answer.code.is_not(None), Answer.instrument_id != ABOUT_YOU
    )
    stmt = stmt.group_by(Answer.instrument_id, Answer.item_id, Answer.code)
    rows = [
        {
            **grouping.keys(row),
            "instrument_id": row.instrument_id,
            "item_id": row.item_id,
            "code": row.code,
            "n": int(row.n),
        }
        for row in db.session.execute(stmt)
    ]
    return _sorted(rows, [*grouping.by, "instrument_id", "item_id", "code"])


COMMENTS_PER_GROUP = 20


def comments(f: ReportFilter, per_group: int | None = COMMENTS_PER_GROUP) -> list[dict[str, Any]]:
    """Rows {"stage", "service", "instrument_id", "item_id", "text", "role", "group_total"}:
    free-text answers as typed (not redacted), in pathway order, then as given.
    ``group_total`` is how many comments the stage and service have in all; only the
    ``per_group`` latest of each are returned (None: all), so a report's size and memory do
    not grow with the number of responses (at 1M responses there are 650,000 comments).
    About you's postcode district is not a comment and is left out."""
    service = aliased(Service, name="service")
    group = (Stage.position, Response.service_id)
    inner = (
        select(
            Stage.position.label("position"),
            Stage.slug.label("stage"),
            service.code.label("service"),
            Answer.instrument_id,
            Answer.item_id,
            Answer.text,
            Response.role,
            Response.id.label("response_id"),
            Answer.id.label("answer_id"),
            func.count().over(partition_by=group).label("group_total"),
            func.row_number()
            .over(partition_by=group, order_by=(Response.id.desc(), Answer.id.desc()))
            .label("latest"),
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Stage, Stage.id == Response.stage_id)
        .outerjoin(service, service.id == Response.service_id)
        .where(
            *conditions(f),
            Answer.text.is_not(None),
            Answer.code.is_(None),
            Answer.instrument_id != ABOUT_YOU,
        )
        .subquery()
    )
    c = inner.c
    stmt = select(c.stage, c.service, c.instrument_id, c.item_id, c.text, c.role, c.group_total)
    if per_group is not None:
        stmt = stmt.where(c.latest <= per_group)
    stmt = stmt.order_by(c.position, c.response_id, c.answer_id)
    return [
        {**row._mapping, "group_total": int(row.group_total)} for row in db.session.execute(stmt)
    ]


def group_counts(f: ReportFilter, dimension: str) -> list[dict[str, Any]]:
    """Rows {dimension: value, "n": responses, "journeys": distinct journeys} for one equality
    dimension, "prefer_not_to_say" and "not_answered" included."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"{dimension!r} is not an equality dimension; choose from {DIMENSIONS}")
    value = func.coalesce(getattr(ResponseProfile, dimension), NOT_ANSWERED).label(dimension)
    stmt = (
        select(value, func.count(Response.id), func.count(distinct(Response.journey_id)))
        .select_from(Response)
        .outerjoin(ResponseProfile, ResponseProfile.response_id == Response.id)
        .where(*conditions(f))
        .group_by(value)
    )
    rows = [{dimension: v, "n": int(n), "journeys": int(j)} for v, n, j in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: r[dimension])


def group_counts_many(f: ReportFilter, dimensions: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """``{dimension: {value: responses}}`` for several equality dimensions ("prefer_not_to_say"
    and "not_answered" included): the responses of ``equality_counts``."""
    return {
        d: {v: c["responses"] for v, c in by_value.items()}
        for d, by_value in equality_counts(f, dimensions).items()
    }


def equality_counts(
    f: ReportFilter, dimensions: tuple[str, ...]
) -> dict[str, dict[str, dict[str, int]]]:
    """``{dimension: {value: {"responses": n, "people": distinct journeys}}}`` for several
    equality dimensions ("prefer_not_to_say" and "not_answered" included). A person answers
    once per stage, so a group's responses can count the same person several times; its
    people count each journey once (every response of a journey shares one profile). One
    GROUPING SETS query on PostgreSQL (one scan instead of one per dimension)."""
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"not equality dimensions: {unknown}; choose from {DIMENSIONS}")
    if db.session.get_bind().dialect.name != "postgresql" or len(dimensions) < 2:
        return {
            d: {r[d]: {"responses": r["n"], "people": r["journeys"]} for r in group_counts(f, d)}
            for d in dimensions
        }
    values = [func.coalesce(getattr(ResponseProfile, d), NOT_ANSWERED) for d in dimensions]
    stmt = (
        select(
            *(v.label(d) for v, d in zip(values, dimensions, strict=True)),
            func.grouping(*values).label("grouping_set"),
            func.count(Response.id).label("n"),
            func.count(distinct(Response.journey_id)).label("journeys"),
        )
        .select_from(Response)
        .outerjoin(ResponseProfile, ResponseProfile.response_id == Response.id)
        .where(*conditions(f))
        .group_by(func.grouping_sets(*(tuple_(v) for v in values)))
    )
    last = len(dimensions) - 1
    mask = {(2 ** len(dimensions) - 1) ^ (1 << (last - i)): d for i, d in enumerate(dimensions)}
    out: dict[str, dict[str, dict[str, int]]] = {d: {} for d in dimensions}
    for row in db.session.execute(stmt):
        d = mask[row.grouping_set]
        out[d][getattr(row, d)] = {"responses": int(row.n), "people": int(row.journeys)}
    return {d: dict(sorted(counts.items())) for d, counts in out.items()}


Items = tuple[tuple[str, str], ...]  # (instrument_id, item_id) pairs


def _any_of(items: Items, instrument, item):
    """SQL: (instrument, item) is one of ``items``."""
    by_instrument: dict[str, list[str]] = {}
    for inst, it in items:
        by_instrument.setdefault(inst, []).append(it)
    return or_(*(and_(instrument == i, item.in_(its)) for i, its in by_instrument.items()))


def asked_counts(f: ReportFilter, measures: dict[str, Items]) -> dict[str, int]:
    """``{measure: responses}``: how many complete responses in the filter were asked at least
    one of the measure's statements (``measures[m]``: (instrument, item) pairs, e.g. CTM-15's
    items 2, 9 and 13 for the CTM-3): they answered one (a "don't know" counts) or left one
    blank (``Response.left_blank``). Compared with the responses scored on the measure, this
    gives those with too few statements answered for a score. A response that used an
    instrument but was asked none of its statements (a carer shown the carers' version) is
    not counted. One pass over the answers, then per measure a look at the few responses
    that answered none of its statements but left some blank."""
    measures = {m: items for m, items in measures.items() if items}
    if not measures:
        return {}
    where = conditions(f)
    names = list(measures)
    coded = Answer.code.is_not(None)
    answered = [
        func.count(
            distinct(
                case((_any_of(measures[m], Answer.instrument_id, Answer.item_id), Response.id))
            )
        )
        for m in names
    ]
    every = tuple(pair for items in measures.values() for pair in items)
    stmt = (
        select(*answered)
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(*where, coded, _any_of(every, Answer.instrument_id, Answer.item_id))
    )
    counts = dict(zip(names, (int(n) for n in db.session.execute(stmt).one()), strict=True))
    for m in names:
        items = set(measures[m])
        instruments = {inst for inst, _ in items}
        some_answer = (
            select(Answer.id)
            .where(
                Answer.response_id == Response.id,
                coded,
                _any_of(measures[m], Answer.instrument_id, Answer.item_id),
            )
            .exists()
        )
        # left_blank is JSON ([["ctm-15", "ctm02"], ...]); its text narrows the candidates
        # the same way on SQLite and PostgreSQL, Python checks the items.
        mentions = or_(
            *(
                cast(Response.left_blank, Text).contains(f'"{i}"', autoescape=True)
                for i in instruments
            )
        )
        stmt = select(Response.left_blank).where(*where, mentions, ~some_answer)
        counts[m] += sum(
            any(tuple(pair) in items for pair in blanks or ())
            for blanks in db.session.scalars(stmt)
        )
    return counts
