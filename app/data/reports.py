"""Assemble a report's input from the aggregate queries, and build it with reports/ (pure)."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime

from cachetools import TTLCache
from flask import current_app

from app.data import area as area_data
from app.data import area_edit, journey_latest, path_queries
from app.data import journey_queries as jq
from app.data import report_queries as q
from app.data.instruments import ABOUT_YOU, registry
from app.data.report_queries import ReportFilter
from app.data.scores import DIRECT, NOT_ANSWERED, PNTS, PREFER_NOT_TO_SAY, ethnic_groups
from app.data.whole_journey_queries import whole_journeys
from app.models.area import SECTORS
from app.models.response import ROLES
from reports.aggregate import ReportInput, build_report
from reports.journeys import JourneyRows
from reports.linked import NOT_KNOWN

# Equality breakdowns shown in reports (the Census groups; detailed ethnic groups where the
# numbers allow, which suppression decides).
EQUALITY = ("age_band", "sex", "ethnic_broad", "ethnic_group", "disability", "carer")
# A move's response is stored with the service LEFT as its service (and that service's sector),
# so "service_own" gives, per service, its own care (stage_kind "episode") and its hand-overs
# out (stage_kind "transition"); "service_in" gives hand-overs in (transition rows by the
# service moved to; its episode rows have no to_service). Moves are per transition stage.
BREAKDOWNS = {
    "pathway": (),
    "stage": ("stage",),
    "service_own": ("stage_kind", "service"),
    "service_in": ("stage_kind", "to_service"),
    "sector": ("sector",),
    "role": ("role",),
    "transition": ("stage", "from_service", "to_service"),
    "quarter": ("quarter",),
    "stage_quarter": ("stage", "quarter"),
    "stage_role": ("stage", "role"),
    **{f"equality:{d}": (d,) for d in EQUALITY},
}
PLAIN = {
    "prefer_not_to_say": "Prefer not to say",
    "not_answered": "Not answered",
    "limited_a_lot": "Disabled: day-to-day activities limited a lot",
    "limited_a_little": "Disabled: day-to-day activities limited a little",
    "not_disabled": "Not disabled",
    "yes": "Yes",
    "no": "No",
}


def measure_labels() -> dict[str, str]:
    labels = {}
    for inst in registry().values():
        if inst.scoring is None:
            continue
        name = inst.short_title or inst.title
        labels[inst.id] = name
        for domain, title in inst.domains.items():
            labels[f"{inst.id}:{domain}"] = f"{name}: {title}"
    return labels


def value_labels() -> dict[str, str]:
    """Codes of the About you answers (and derived groups) in words."""
    labels = dict(PLAIN)
    about = registry().get(ABOUT_YOU)
    for item in about.items if about else ():
        for option in item.scale.options if item.scale else ():
            labels.setdefault(option.code, option.label)
    labels.update(ROLES)
    labels.update(SECTORS)
    return labels


def dimension_labels() -> dict[str, dict[str, str]]:
    """``{dimension: {code: words}}`` for the equality dimensions in ``EQUALITY``, "role" and
    "sector": every value the dimension can take, "prefer_not_to_say" and "not_answered"
    included. Per dimension, because About you reuses codes ("other" is a sexual orientation
    and a religion)."""
    about = registry().get(ABOUT_YOU)
    missing = {code: PLAIN[code] for code in (PREFER_NOT_TO_SAY, NOT_ANSWERED)}
    derived = {
        "ethnic_broad": {group: group for group in ethnic_groups(about).values()},
        "disability": {c: PLAIN[c] for c in ("limited_a_lot", "limited_a_little", "not_disabled")},
        "carer": {"yes": PLAIN["yes"], "no": PLAIN["no"]},
    }
    out = {}
    for dim in EQUALITY:
        if dim in derived:
            out[dim] = {**derived[dim], **missing}
            continue
        try:
            scale = about.item(DIRECT[dim]).scale if about else None
        except KeyError:  # an About you file without this question
            scale = None
        options = {o.code: o.label for o in scale.options if o.code != PNTS} if scale else {}
        out[dim] = {**options, **missing}
    return {**out, "role": dict(ROLES), "sector": dict(SECTORS)}


def _labelled(rows: list[dict], key: str, labels: dict[str, str]) -> list[dict]:
    """The rows with ``label``: their ``key`` code in words (a code with no words: itself)."""
    return [
        {**r, "label": labels.get(r[key], r[key]) if r[key] is not None else NOT_KNOWN}
        for r in rows
    ]


def measure_items() -> dict[str, tuple[tuple[str, str], ...]]:
    """``{measure: (instrument, item) pairs}``: the statements each whole-instrument measure is
    scored from: its own instrument's, and those of any instrument whose file names it as a
    short form (CTM-15 items 2, 9 and 13 for the CTM-3, so a CTM-15 response is asked CTM-3)."""
    reg = registry()
    out: dict[str, list[tuple[str, str]]] = {}
    for inst in reg.values():
        if inst.scoring is not None:
            scored = [(inst.id, i.id) for i in inst.items if i.type == "choice" and i.scale]
            out.setdefault(inst.id, []).extend(scored)
        for form in inst.short_forms:
            out.setdefault(form.instrument, []).extend((inst.id, own) for own, _ in form.items)
    return {m: tuple(items) for m, items in out.items()}


def unscored(f: ReportFilter, pathway_rows: list[dict]) -> dict[str, dict[str, int]]:
    """``{measure: {"asked", "scored"}}`` per whole-instrument measure: complete responses in
    the filter asked at least one of its statements, and those with a score. The difference
    answered too few of them (a "don't know" is not an answer) for a score. Domains are left
    out: their figures are parts of the measure's."""
    scored = {r["measure"]: r["n"] for r in pathway_rows}
    asked = q.asked_counts(f, measure_items())
    return {
        m: {"asked": n, "scored": scored.get(m, 0)}
        for m, n in sorted(asked.items())
        if n or scored.get(m)
    }


def journey_rows(f: ReportFilter) -> JourneyRows:
    """The same people followed along the pathway: pairs, moves, follow-up, paths and whole
    journeys, each aggregated in SQL (app/data/journey_queries.py and its neighbours)."""
    with journey_latest.shared(f):  # each person's latest answer per stage, worked out once
        return JourneyRows(
            pairs=jq.paired_changes(f),
            moves=jq.move_changes(f),
            follow_up=jq.follow_up(f),
            flows=path_queries.flows(f),
            paths=path_queries.whole_paths(f),
            whole=whole_journeys(f, ("pathway", "role", *EQUALITY)),
        )


def report_input(
    f: ReportFilter, threshold: int, level: float = 0.95, journeys: bool = True
) -> ReportInput:
    """Everything a report needs, from the database. ``journeys=False`` leaves out the
    journeys section (the benchmark's side-by-side)."""
    pathway = area_data.get_pathway(f.pathway)
    labels = dimension_labels()
    rows = q.measure_stats_many(f, BREAKDOWNS)
    for key in ("role", "sector", *EQUALITY):
        name = key if key in ("role", "sector") else f"equality:{key}"
        rows[name] = _labelled(rows[name], key, labels[key])
    rows["stage_role"] = _labelled(rows["stage_role"], "role", labels["role"])
    services = {s.code: {"name": s.name, "sector": s.sector} for s in area_edit.list_services()}
    reg = registry()
    used = {r["measure"].split(":")[0] for r in rows["pathway"]}
    instruments = [
        {
            "id": i.id,
            "version": i.version,
            "title": i.title,
            "attribution": i.attribution,
            "scoring": i.scoring.description if i.scoring else None,
        }
        for i in reg.values()
        if i.id in used
    ]
    item_text = {
        (i.id, item.id): item.short_text or item.text for i in reg.values() for item in i.items
    }
    counts = q.equality_counts(f, EQUALITY)
    for d, by_value in counts.items():  # a code no longer in About you is its own label
        for code in by_value:
            labels[d].setdefault(code, code)
    return ReportInput(
        meta={
            "pathway": pathway.slug,
            "pathway_name": pathway.name,
            "date_from": f.date_from.isoformat() if f.date_from else None,
            "date_to": f.date_to.isoformat() if f.date_to else None,
            "period_text": period_text(f),
            "services": list(f.services),
            "role": f.role,
            "filters_text": filters_text(f, services),
            "generated_at": datetime.now(UTC).strftime("%-d %B %Y, %H:%M UTC"),
        },
        stages=[
            {"slug": s.slug, "name": s.name, "position": s.position, "kind": s.kind}
            for s in pathway.stages
        ],
        services=services,
        measures=measure_labels(),
        instruments=instruments,
        overview=q.overview(f),
        rows=rows,
        items=q.item_distribution(f, ("stage",)),
        item_text=item_text,
        comments=q.comments(f),
        group_counts={d: {v: c["responses"] for v, c in cs.items()} for d, cs in counts.items()},
        people={d: {v: c["people"] for v, c in cs.items()} for d, cs in counts.items()},
        labels=labels,
        unscored=unscored(f, rows["pathway"]),
        threshold=threshold,
        sectors=dict(SECTORS),
        level=level,
        journeys=journey_rows(f) if journeys else None,
    )


def period_text(f: ReportFilter) -> str:
    def day(d):
        return d.strftime("%-d %B %Y")

    if f.date_from and f.date_to:
        return f"{day(f.date_from)} to {day(f.date_to)}"
    if f.date_from:
        return f"From {day(f.date_from)}"
    if f.date_to:
        return f"Up to {day(f.date_to)}"
    return "All responses so far"


def filters_text(f: ReportFilter, services: dict) -> str:
    parts = []
    if f.services:
        parts.append(
            "Services: " + ", ".join(services.get(c, {}).get("name", c) for c in f.services)
        )
    if f.role:
        parts.append(f"Answered by: {ROLES.get(f.role, f.role).lower()}")
    return "; ".join(parts)


CACHE = "carejourney.report_cache"


def new_cache(seconds: int) -> TTLCache | None:
    """Reports built lately, by filter, threshold and data version, for one app: the
    dashboard, then its PDF, JSON or Excel download, build the same report, which takes
    seconds at 100,000 responses. A new response changes the version; a renamed service or
    rebuilt scores show after at most ``seconds``. 0: no cache."""
    return TTLCache(maxsize=32, ttl=seconds) if seconds > 0 else None


_cache_lock = threading.Lock()


def build(f: ReportFilter, threshold: int, level: float = 0.95) -> dict:
    """The report for ``f`` (a copy: callers may change it)."""
    cache = current_app.extensions.get(CACHE)
    if cache is None:
        return build_report(report_input(f, threshold, level))
    key = (f, threshold, level, q.data_version(f))
    with _cache_lock:
        report = cache.get(key)
    if report is None:
        report = build_report(report_input(f, threshold, level))
        with _cache_lock:
            cache[key] = report
    return copy.deepcopy(report)
