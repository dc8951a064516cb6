"""Build the report, as plain JSON-ready data, from aggregated rows.

Input rows come from SQL GROUP BYs (count, sum and sum of squares of respondent scores per
group, see ``app/data/report_queries.py``); this module only does arithmetic on them. Every
figure is a dict with its count, mean, interval, band and a ``suppressed`` flag; a suppressed
figure carries no number at all, so no output format can show one by mistake.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reports.disclosure import suppress_partition, suppress_table
from reports.linked import audit_together
from reports.redact import redact
from reports.stats import BANDING_METHOD, band, bottom_box, mean_ci, top_box

AGREEMENT_VALUES = {"1": 0.0, "2": 100 / 3, "3": 200 / 3, "4": 100.0}  # 0-100, as scoring.py


@dataclass
class ReportInput:
    """Everything the report needs, as plain data (built by app.data.reports)."""

    meta: dict
    stages: list[dict]  # {slug, name, position, kind}, in pathway order
    services: dict[str, dict]  # code -> {name, sector}
    measures: dict[str, str]  # measure id -> label
    instruments: list[dict]  # {id, version, title, attribution, source, scoring}
    overview: dict
    rows: dict[str, list[dict]]  # breakdown name -> measure_stats rows
    items: list[dict]  # item_distribution rows by stage
    item_text: dict[tuple[str, str], str]  # (instrument, item) -> short text
    comments: list[dict]
    group_counts: dict[str, dict[str, int]]
    threshold: int = 10
    level: float = 0.95
    sectors: dict[str, str] = field(default_factory=dict)  # sector id -> label


def figure(n: int, total: float, total_sq: float, level: float, reference: float | None) -> dict:
    estimate = mean_ci(n, total, total_sq, level)
    return {
        "n": n,
        "mean": estimate.mean if estimate else None,
        # Scores lie on 0-100: an interval is shown within it ("-1.7 to 65.7" reads as an error).
        "low": max(0.0, estimate.low) if estimate and estimate.low is not None else None,
        "high": min(100.0, estimate.high) if estimate and estimate.high is not None else None,
        "band": band(estimate, reference),
        "suppressed": False,
    }


def hide(cell: dict) -> dict:
    """A suppressed figure keeps its labels and loses every number."""
    return {
        **{k: v for k, v in cell.items() if k not in NUMBERS},
        **dict.fromkeys(NUMBERS),
        "suppressed": True,
    }


NUMBERS = ("n", "mean", "low", "high", "band")


def _by_measure(rows: Iterable[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["measure"]].append(row)
    return out


def pathway_figures(inp: ReportInput) -> dict[str, dict]:
    """The whole pathway, per measure: the reference every group is banded against."""
    out = {}
    for row in inp.rows.get("pathway", []):
        cell = figure(row["n"], row["total"], row["total_sq"], inp.level, None)
        cell["band"] = None
        out[row["measure"]] = cell if row["n"] >= inp.threshold else hide(cell)
    return out


def breakdown(
    inp: ReportInput,
    name: str,
    keys: tuple[str, ...],
    reference: dict,
) -> list[dict]:
    """One partition of the pathway (by stage, service, role...): each group's figure per
    measure, banded against the pathway, with primary and secondary suppression (marked, not
    yet applied: ``build_report`` audits the tables together first, then hides)."""
    cells = []
    for measure, rows in _by_measure(inp.rows.get(name, [])).items():
        ref = reference.get(measure, {}).get("mean")
        made = {
            tuple(r[k] for k in keys): {
                **{k: r[k] for k in keys},
                "measure": measure,
                **figure(r["n"], r["total"], r["total_sq"], inp.level, ref),
            }
            for r in rows
        }
        hidden = suppress_partition({k: c["n"] for k, c in made.items()}, inp.threshold)
        cells += [{**c, "suppressed": k in hidden} for k, c in made.items()]
    return cells


def hidden_keys(cells: list[dict], key: str) -> set[tuple[str, object]]:
    """(measure, value of ``key``) of every suppressed cell of a breakdown."""
    return {(c["measure"], c[key]) for c in cells if c["suppressed"]}


def transitions(
    inp: ReportInput,
    reference: dict,
    hidden_stages: set = frozenset(),
    hidden_services: set = frozenset(),
) -> list[dict]:
    """Moved-from x moved-to: a two-way table with row and column totals implied.

    Linked tables: the moves add up to the transition stages' figures, and a move counts for
    the service left in the services breakdown. So when the journey hides a transition stage
    every move of that measure is hidden, and when the services breakdown hides a service,
    the moves from it are hidden (else the shown moves would bound the hidden figures)."""
    transition_stages = {s["slug"] for s in inp.stages if s.get("kind") == "transition"}
    cells = []
    for measure, rows in _by_measure(inp.rows.get("transition", [])).items():
        ref = reference.get(measure, {}).get("mean")
        made = {
            (r["from_service"], r["to_service"]): {
                "from_service": r["from_service"],
                "to_service": r["to_service"],
                "measure": measure,
                **figure(r["n"], r["total"], r["total_sq"], inp.level, ref),
            }
            for r in rows
            if r["from_service"] and r["to_service"]
        }
        if any((measure, stage) in hidden_stages for stage in transition_stages):
            must = set(made)
        else:
            must = {k for k in made if (measure, k[0]) in hidden_services}
        hidden = suppress_table({k: c["n"] for k, c in made.items()}, inp.threshold, hidden=must)
        cells += [{**c, "suppressed": k in hidden} for k, c in made.items()]
    return cells


def statements(inp: ReportInput) -> list[dict]:
    """Each statement's answers by stage: distribution, top box, bottom box, mean score.
    A statement at a stage answered by fewer than the threshold shows nothing."""
    grouped: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in inp.items:
        grouped[(row["stage"], row["instrument_id"], row["item_id"])][row["code"]] = row["n"]
    out = []
    for (stage, instrument, item), counts in grouped.items():
        answered = sum(counts.values())
        valued = {c: n for c, n in counts.items() if c in AGREEMENT_VALUES}
        n_valued = sum(valued.values())
        base = {
            "stage": stage,
            "instrument": instrument,
            "item": item,
            "text": inp.item_text.get((instrument, item), item),
        }
        if answered < inp.threshold or n_valued < inp.threshold:
            out.append(
                {
                    **base,
                    "suppressed": True,
                    "n": None,
                    "distribution": None,
                    "top_box": None,
                    "bottom_box": None,
                    "mean": None,
                }
            )
            continue
        mean = sum(AGREEMENT_VALUES[c] * n for c, n in valued.items()) / n_valued
        out.append(
            {
                **base,
                "suppressed": False,
                "n": answered,
                "distribution": dict(sorted(counts.items())),
                "top_box": _proportion(top_box(counts)),
                "bottom_box": _proportion(bottom_box(counts)),
                "mean": mean,
            }
        )
    return out


def _proportion(p) -> dict | None:
    return None if p is None else {"k": p.k, "n": p.n, "p": p.p, "low": p.low, "high": p.high}


def points(journey: list[dict], moves: list[dict], items: list[dict]) -> list[dict]:
    """Candidates for strongest and weakest points: stages, transitions and statements with
    a shown mean (statements' mean from their answer distribution)."""
    found = [
        {"kind": "stage", "what": c["stage_name"], "measure": c["measure"], **_nums(c)}
        for c in journey
        if not c["suppressed"]
    ]
    found += [
        {
            "kind": "transition",
            "what": f"{c['from_name']} to {c['to_name']}",
            "measure": c["measure"],
            **_nums(c),
        }
        for c in moves
        if not c["suppressed"]
    ]
    found += [
        {
            "kind": "statement",
            "what": f"{s['text']} ({s['stage_name']})",
            "measure": s["instrument"],
            "n": s["n"],
            "mean": s["mean"],
            "low": None,
            "high": None,
            "band": None,
        }
        for s in items
        if not s["suppressed"]
    ]
    # One entry per place: its whole-instrument measure, not each domain of it, and the
    # lowest of its measures when it has several (a move asked on both CTM and I statements).
    best: dict[tuple[str, str], dict] = {}
    for point in found:
        if ":" in point["measure"]:
            continue
        key = (point["kind"], point["what"])
        if key not in best or point["mean"] < best[key]["mean"]:
            best[key] = point
    return sorted(best.values(), key=lambda p: p["mean"])


def _nums(cell: Mapping) -> dict:
    return {k: cell[k] for k in NUMBERS}


def build_report(inp: ReportInput) -> dict:
    stage_names = {s["slug"]: s["name"] for s in inp.stages}
    service_names = {code: s["name"] for code, s in inp.services.items()}
    reference = pathway_figures(inp)
    journey = breakdown(inp, "stage", ("stage",), reference)
    order = {s["slug"]: s["position"] for s in inp.stages}
    journey.sort(key=lambda c: (order.get(c["stage"], 99), c["measure"]))
    for cell in journey:
        cell["stage_name"] = stage_names.get(cell["stage"], cell["stage"])
    services = breakdown(inp, "service", ("service",), reference)
    moves = transitions(
        inp, reference, hidden_keys(journey, "stage"), hidden_keys(services, "service")
    )
    for cell in moves:
        cell["from_name"] = service_names.get(cell["from_service"], cell["from_service"])
        cell["to_name"] = service_names.get(cell["to_service"], cell["to_service"])
    for cell in services:
        cell["service_name"] = service_names.get(cell["service"], cell["service"])
    roles = breakdown(inp, "role", ("role",), reference)
    trend = breakdown(inp, "quarter", ("quarter",), reference)
    tables = {
        "journey": journey,
        "services": services,
        "sectors": breakdown(inp, "sector", ("sector",), reference),
        "roles": roles,
        "trend": trend,
        "transitions": moves,
        "stage_trend": _named_stages(
            _two_way(
                inp,
                "stage_quarter",
                ("stage", "quarter"),
                reference,
                hidden_keys(journey, "stage"),
                hidden_keys(trend, "quarter"),
            ),
            inp.stages,
        ),
        "stage_roles": _named_stages(
            _two_way(
                inp,
                "stage_role",
                ("stage", "role"),
                reference,
                hidden_keys(journey, "stage"),
                hidden_keys(roles, "role"),
            ),
            inp.stages,
        ),
    }
    dims = sorted({k.split(":", 1)[1] for k in inp.rows if k.startswith("equality:")})
    groups = {dim: breakdown(inp, f"equality:{dim}", (dim,), reference) for dim in dims}
    overview = _overview(inp.overview, inp.threshold)
    audit_together(inp, tables, groups, overview.get("responses"))
    tables = {
        name: [hide(c) if c["suppressed"] else c for c in cells] for name, cells in tables.items()
    }
    groups = {
        dim: [hide(c) if c["suppressed"] else c for c in cells] for dim, cells in groups.items()
    }
    items = statements(inp)
    for s in items:
        s["stage_name"] = stage_names.get(s["stage"], s["stage"])
    ranked = points(tables["journey"], tables["transitions"], items)
    return {
        "meta": {
            **inp.meta,
            "threshold": inp.threshold,
            "level": inp.level,
            "banding_method": BANDING_METHOD,
            "instruments": inp.instruments,
            "measures": inp.measures,
        },
        "overview": overview,
        "pathway": reference,
        "strongest": list(reversed(ranked[-3:])),
        "weakest": ranked[:3],
        **tables,
        "statements": items,
        "equality": {
            dim: {
                "groups": groups[dim],
                "counts": _counts(inp.group_counts.get(dim, {}), inp.threshold),
            }
            for dim in dims
        },
        "comments": _comments(inp),
    }


def _named_stages(cells: list[dict], stages: list[dict]) -> list[dict]:
    """Cells in pathway order, each with its stage's name."""
    names = {s["slug"]: (s["position"], s["name"]) for s in stages}
    for cell in cells:
        cell["stage_name"] = names.get(cell["stage"], (99, cell["stage"]))[1]
    return sorted(cells, key=lambda c: names.get(c["stage"], (99, ""))[0])


def _counts(counts: Mapping[str, int], threshold: int) -> dict[str, int | None]:
    hidden = suppress_partition(dict(counts), threshold)
    return {k: (None if k in hidden else n) for k, n in counts.items()}


def _overview(overview: dict, threshold: int) -> dict:
    """Channel and role counts are breakdowns of the total like any other: suppressed too. The
    number of responses and of people are figures too: below the threshold (but not none at
    all, which says the filters matched nobody) they are shown as "fewer than" the threshold."""
    small = {
        key: None for key in ("responses", "journeys") if 0 < (overview.get(key) or 0) < threshold
    }
    return {
        **overview,
        **small,
        "channels": _counts(overview.get("channels", {}), threshold),
        "roles": _counts(overview.get("roles", {}), threshold),
    }


def _two_way(
    inp: ReportInput,
    name: str,
    keys: tuple[str, str],
    reference: dict,
    hidden_rows: set = frozenset(),
    hidden_cols: set = frozenset(),
) -> list[dict]:
    """A breakdown by two keys (stage x quarter, stage x role), suppressed as a two-way table
    whose row and column totals are shown elsewhere in the report. Where that other table
    hides a total (``hidden_rows``, ``hidden_cols``: (measure, key)), the whole row or column
    is hidden here: otherwise its shown cells would give the hidden total away."""
    cells = []
    for measure, rows in _by_measure(inp.rows.get(name, [])).items():
        ref = reference.get(measure, {}).get("mean")
        made = {
            (r[keys[0]], r[keys[1]]): {
                keys[0]: r[keys[0]],
                keys[1]: r[keys[1]],
                "measure": measure,
                **figure(r["n"], r["total"], r["total_sq"], inp.level, ref),
            }
            for r in rows
        }
        must = {k for k in made if (measure, k[0]) in hidden_rows or (measure, k[1]) in hidden_cols}
        hidden = suppress_table({k: c["n"] for k, c in made.items()}, inp.threshold, hidden=must)
        cells += [{**c, "suppressed": k in hidden} for k, c in made.items()]
    return cells


def _comments(inp: ReportInput) -> list[dict]:
    """Redacted comments grouped by stage and service; a group with fewer comments than the
    threshold is left out, so nobody in a small group can be recognised by what they wrote.
    Rows may carry ``group_total`` (the group's comments in all, when only the latest are
    given); ``total`` says how many there are, ``comments`` are those shown."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in inp.comments:
        key = (row["stage"], row.get("service") or "")
        totals[key] = max(totals[key], row.get("group_total", 0))
        text = (row.get("text") or "").strip()
        if text:
            groups[key].append(redact(text))
    stage_names = {s["slug"]: s["name"] for s in inp.stages}
    return [
        {
            "stage": stage,
            "stage_name": stage_names.get(stage, stage),
            "service": service,
            "service_name": inp.services.get(service, {}).get("name", service),
            "total": max(totals[stage, service], len(texts)),
            "comments": texts,
        }
        for (stage, service), texts in sorted(groups.items())
        if max(totals[stage, service], len(texts)) >= inp.threshold
    ]
