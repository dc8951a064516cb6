"""Assemble a report's input from the aggregate queries, and build it with reports/ (pure)."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime

from cachetools import TTLCache
from flask import current_app

from app.data import area as area_data
from app.data import area_edit
from app.data import report_queries as q
from app.data.instruments import ABOUT_YOU, registry
from app.data.report_queries import ReportFilter
from app.models.area import SECTORS
from app.models.response import ROLES
from reports.aggregate import ReportInput, build_report
from reports.linked import NOT_KNOWN

# Equality breakdowns shown in reports (the Census groups; detailed ethnic groups where the
# numbers allow, which suppression decides).
EQUALITY = ("age_band", "sex", "ethnic_broad", "ethnic_group", "disability", "carer")
BREAKDOWNS = {
    "pathway": (),
    "stage": ("stage",),
    "service": ("service",),
    "sector": ("sector",),
    "role": ("role",),
    "transition": ("from_service", "to_service"),
    "quarter": ("quarter",),
    "stage_quarter": ("stage", "quarter"),
    "stage_role": ("stage", "role"),
    **{f"equality:{d}": (d,) for d in EQUALITY},
}
PLAIN = {
    "prefer_not_to_say": "Prefer not to say",
    "not_answered": "Not answered",
    "disabled": "Disabled (condition limits day-to-day activities)",
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


def _label_rows(rows: list[dict], key: str, labels: dict[str, str]) -> list[dict]:
    return [
        {**r, key: labels.get(r[key], r[key]) if r[key] is not None else NOT_KNOWN} for r in rows
    ]


def report_input(f: ReportFilter, threshold: int, level: float = 0.95) -> ReportInput:
    pathway = area_data.get_pathway(f.pathway)
    labels = value_labels()
    rows = q.measure_stats_many(f, BREAKDOWNS)
    for key in ("role", "sector", *EQUALITY):
        name = key if key in ("role", "sector") else f"equality:{key}"
        rows[name] = _label_rows(rows[name], key, labels)
    rows["stage_role"] = _label_rows(rows["stage_role"], "role", labels)
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
    counts = {
        d: {labels.get(value, value): n for value, n in by_value.items()}
        for d, by_value in q.group_counts_many(f, EQUALITY).items()
    }
    for d in EQUALITY:  # the report looks the count up by this key
        counts[d]["prefer_not_to_say"] = counts[d].pop(PLAIN["prefer_not_to_say"], 0)
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
        group_counts=counts,
        threshold=threshold,
        sectors=dict(SECTORS),
        level=level,
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
