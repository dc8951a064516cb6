"""Build the report, as plain JSON-ready data, from aggregated rows.

Input rows come from SQL GROUP BYs (count, sum and sum of squares of respondent scores per
group, see ``app/data/report_queries.py``); this module only does arithmetic on them. Every
figure is a dict with its count, mean, interval, band and a ``suppressed`` flag; a suppressed
figure carries no number at all, so no output format can show one by mistake.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from reports import overview as counted
from reports import statements as answers
from reports.disclosure import suppress_partition, suppress_table
from reports.figures import NOT_COMPARED, figure, public, reference_moments
from reports.group_sizes import Breakdown, audit_sizes
from reports.headline import STATEMENTS_TEXT, Candidate, band_all, headline
from reports.journey_method import JOURNEY_METHOD
from reports.journeys import JourneyRows, Journeys
from reports.linked import IN, NOT_KNOWN, OUT, OWN, audit_together
from reports.stats import BANDING_METHOD

DIMENSION_NAMES = {
    "age_band": "Age",
    "sex": "Sex",
    "ethnic_broad": "Ethnic group (broad)",
    "ethnic_group": "Ethnic group",
    "disability": "Disability",
    "carer": "Unpaid carer",
}
PART_NAMES = {OWN: "own care", OUT: "hand-overs out", IN: "hand-overs in"}
CTM3_NOTE = (
    "The CTM-3's three statements are also statements 2, 9 and 13 of the CTM-15, so the CTM-3 "
    "figures count everyone who answered those three statements, on either form: a CTM-15 "
    "response is given a CTM-3 score from them, by the CTM-3's own rule (at least 2 of the 3 "
    "answered)."
)


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
    group_counts: dict[str, dict[str, int]]  # dimension -> code -> responses
    threshold: int = 10
    level: float = 0.95
    sectors: dict[str, str] = field(default_factory=dict)  # sector id -> label
    people: dict[str, dict[str, int]] = field(default_factory=dict)  # dimension -> code -> people
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # dimension -> code -> words
    unscored: dict[str, dict[str, int]] = field(default_factory=dict)  # measure -> asked, scored
    journeys: JourneyRows | None = None  # the same people followed (None: not asked for)


def _by_measure(rows: Iterable[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["measure"]].append(row)
    return out


def pathway_figures(inp: ReportInput) -> tuple[dict[str, dict], dict]:
    """The whole pathway, per measure, and its spread: what every group is compared with."""
    out, moments = {}, {}
    for row in inp.rows.get("pathway", []):
        cell = figure(row, inp.level)
        out[row["measure"]] = cell if row["n"] >= inp.threshold else {**cell, "suppressed": True}
        moments[row["measure"]] = reference_moments(row)
    return out, moments


def _cells(
    inp: ReportInput,
    rows: Iterable[dict],
    keys: tuple[str, ...],
    moments: dict,
    labels: dict | None = None,
) -> dict[str, dict[tuple, dict]]:
    """Per measure, each group's figure by its key values, compared with the pathway."""
    out: dict[str, dict[tuple, dict]] = {}
    for measure, of_measure in _by_measure(rows).items():
        out[measure] = {}
        for r in of_measure:
            key = tuple(r[k] for k in keys)
            compared = not any(v in NOT_COMPARED for v in key)
            cell = {k: r[k] for k in keys} | {"measure": measure}
            if labels is not None:
                cell["label"] = r.get("label") or labels.get(key[-1]) or _words(key[-1])
            out[measure][key] = cell | figure(
                r, inp.level, moments.get(measure) if compared else None
            )
            if not compared:
                out[measure][key]["compared"] = False
    return out


def _words(value) -> str:
    return NOT_KNOWN if value is None else str(value)


def breakdown(
    inp: ReportInput,
    name: str,
    keys: tuple[str, ...],
    moments: dict,
    every_group: bool | set = False,
    **kw,
) -> list[dict]:
    """A partition of the pathway (by stage, sector, role...) whose total is shown: primary
    and secondary suppression within it (marked: ``build_report`` audits the tables together
    before anything is hidden). ``every_group``: groups of people (roles, equality groups)
    are listed on every measure, with none where nobody in the group has a score on it, so
    that a group missing from a measure's list is not a known zero (hidden like any small
    figure; a known zero beside a stated total would bound the other groups)."""
    rows = inp.rows.get(name, [])
    if every_group:
        rows = _every_group(rows, keys, None if every_group is True else every_group)
    cells = []
    for made in _cells(inp, rows, keys, moments, **kw).values():
        hidden = suppress_partition({k: c["n"] for k, c in made.items()}, inp.threshold)
        cells += [{**c, "suppressed": k in hidden} for k, c in made.items()]
    return cells


EMPTY = dict.fromkeys(("n", "total", "total_sq", "total_cu", "top", "bottom", "answered"), 0)


def _every_group(rows: list[dict], keys: tuple[str, ...], only: set | None = None) -> list[dict]:
    """The rows, plus a row holding nobody for each group (of ``only``, when given: values of
    the last key) missing from a measure."""
    groups = {tuple(r[k] for k in keys): r for r in rows}
    have = {(r["measure"], tuple(r[k] for k in keys)) for r in rows}
    extra = [
        {**groups[g], "measure": m, **EMPTY}
        for m in dict.fromkeys(r["measure"] for r in rows)
        for g in groups
        if (m, g) not in have and (only is None or g[-1] in only)
    ]
    return rows + extra


def _with_roles(rows: list[dict], roles: set) -> list[dict]:
    """Stage x role rows, plus nobody for each of ``roles`` at each stage of each measure."""
    stages = {(r["measure"], r["stage"]): r for r in rows}
    have = {(r["measure"], r["stage"], r["role"]) for r in rows}
    extra = [
        {**row, "role": role, "label": None, **EMPTY}
        for (measure, stage), row in stages.items()
        for role in roles
        if (measure, stage, role) not in have
    ]
    return rows + extra


def _primary(inp: ReportInput, made: dict[str, dict[tuple, dict]]) -> list[dict]:
    """Only the figures below the threshold are hidden here: these tables' totals are not
    published as such, so whatever else must go is for the joint audit to say."""
    return [
        {**c, "suppressed": c["n"] < inp.threshold}
        for cells in made.values()
        for c in cells.values()
    ]


def services_view(inp: ReportInput, moments: dict) -> list[dict]:
    """Per service: its own care (episode stages), its hand-overs out (moves from it, at
    transition stages) and in (moves to it), as three separate figures, so a receiving
    service's part in a hand-over shows and a sending service's own care is not blurred."""
    names = {code: s["name"] for code, s in inp.services.items()}
    parts = [
        (OWN, "service_own", "service", "episode"),
        (OUT, "service_own", "service", "transition"),
        (IN, "service_in", "to_service", "transition"),
    ]
    cells = []
    for part, name, column, kind in parts:
        rows = [
            {**r, "service": r[column], "part": part}
            for r in inp.rows.get(name, [])
            if r.get("stage_kind") == kind and r[column] is not None
        ]
        for cell in _primary(inp, _cells(inp, rows, ("service", "part"), moments)):
            cells.append({**cell, "service_name": names.get(cell["service"], cell["service"])})
    order = {code: i for i, code in enumerate(sorted(names, key=names.get))}
    rank = {OWN: 0, OUT: 1, IN: 2}
    return sorted(cells, key=lambda c: (order.get(c["service"], 99), rank[c["part"]], c["measure"]))


def moves(inp: ReportInput, moments: dict) -> list[dict]:
    """Each move between two services, per transition stage (moves between the same two
    services at different stages are different hand-overs)."""
    names = {code: s["name"] for code, s in inp.services.items()}
    stage_names = {s["slug"]: s["name"] for s in inp.stages}
    rows = [r for r in inp.rows.get("transition", []) if r["from_service"] and r["to_service"]]
    keys = ("stage", "from_service", "to_service")
    cells = _primary(inp, _cells(inp, rows, keys, moments))
    for cell in cells:
        cell["stage_name"] = stage_names.get(cell["stage"], cell["stage"])
        cell["from_name"] = names.get(cell["from_service"], cell["from_service"])
        cell["to_name"] = names.get(cell["to_service"], cell["to_service"])
    return _named_stages(cells, inp.stages)


def hidden_keys(cells: list[dict], key: str) -> set[tuple[str, object]]:
    """(measure, value of ``key``) of every suppressed cell of a breakdown."""
    return {(c["measure"], c[key]) for c in cells if c["suppressed"]}


def build_report(inp: ReportInput) -> dict:
    stage_names = {s["slug"]: s["name"] for s in inp.stages}
    reference, moments = pathway_figures(inp)
    journey = _named_stages(breakdown(inp, "stage", ("stage",), moments), inp.stages)
    role_labels = {**inp.labels.get("role", {})}
    sector_labels = {**inp.sectors, **inp.labels.get("sector", {})}
    # A role too few to count (its size hidden) is listed on every measure, none where it has
    # no score, so its absence beside the stated total does not bound its size (the same
    # for equality groups, below).
    few = {
        r for r, n in counted.overview(inp.overview, inp.threshold)["roles"].items() if n is None
    }
    roles = breakdown(inp, "role", ("role",), moments, every_group=few, labels=role_labels)
    trend = breakdown(inp, "quarter", ("quarter",), moments, labels={})
    tables = {
        "journey": journey,
        "services": services_view(inp, moments),
        "sectors": breakdown(inp, "sector", ("sector",), moments, labels=sector_labels),
        "roles": roles,
        "trend": trend,
        "transitions": moves(inp, moments),
        "stage_trend": _named_stages(
            _two_way(
                inp,
                inp.rows.get("stage_quarter", []),
                ("stage", "quarter"),
                moments,
                journey,
                trend,
                {},
            ),
            inp.stages,
        ),
        "stage_roles": _named_stages(
            _two_way(
                inp,
                _with_roles(inp.rows.get("stage_role", []), few),
                ("stage", "role"),
                moments,
                journey,
                roles,
                role_labels,
            ),
            inp.stages,
        ),
    }
    dims = sorted({k.split(":", 1)[1] for k in inp.rows if k.startswith("equality:")})
    groups = {
        dim: breakdown(
            inp,
            f"equality:{dim}",
            (dim,),
            moments,
            every_group=True,
            labels=inp.labels.get(dim, {}),
        )
        for dim in dims
    }
    numbers = counted.overview(inp.overview, inp.threshold)
    sizes = {
        dim: counted.group_sizes(
            inp.group_counts.get(dim, {}),
            inp.people.get(dim, {}),
            inp.labels.get(dim, {}),
            inp.threshold,
        )
        for dim in dims
    }
    items = answers.statements(inp.items, inp.item_text, stage_names, inp.threshold, inp.level)
    audit_together(inp, tables, groups, numbers.get("responses"))
    parts = _by_size(inp, tables, groups, numbers, sizes)
    while audit_sizes(inp, parts, numbers.get("responses"), numbers.get("journeys")):
        audit_together(inp, tables, groups, numbers.get("responses"))
    # What the snapshot tables say of the people followed: stage and pathway n (a hidden
    # stage figure as an unknown its links bound), and the number of people.
    published: dict[tuple, int] = {}
    for c in journey:
        key = ("stage_n", c["stage"], c["measure"])
        published[("hidden", key) if c["suppressed"] else key] = c["n"]
    published |= {("pathway_n", m): c["n"] for m, c in reference.items() if not c["suppressed"]}
    if numbers.get("journeys") is not None:
        published[("journeys",)] = numbers["journeys"]
    followed = Journeys(inp.journeys, inp.services, inp.labels, inp.threshold, inp.level, published)
    everything = [c for cells in [*tables.values(), *groups.values(), items] for c in cells]
    band_all([*everything, *followed.compared()])
    candidates = _candidates(tables, groups, items, reference, inp) + followed.candidates()
    points = headline(candidates, inp.measures)
    return {
        "meta": {
            **inp.meta,
            "threshold": inp.threshold,
            "level": inp.level,
            "banding_method": BANDING_METHOD,
            "ctm3_note": CTM3_NOTE,
            "journey_method": [{"title": t, "text": x} for t, x in JOURNEY_METHOD],
            "instruments": inp.instruments,
            "measures": inp.measures,
            "dimensions": {
                d: DIMENSION_NAMES.get(d, d.replace("_", " ").capitalize()) for d in dims
            },
            "unscored": counted.unscored(inp.unscored, inp.threshold),
        },
        "overview": numbers,
        "pathway": {m: public(c) for m, c in reference.items()},
        **points,
        **{name: [public(c) for c in cells] for name, cells in tables.items()},
        "statements": [answers.public(s) for s in items],
        "journeys": followed.public(),
        "equality": {
            dim: {
                "groups": [public(c) for c in groups[dim]],
                "counts": sizes[dim],
            }
            for dim in dims
        },
        "comments": counted.comments(inp.comments, inp.stages, inp.services, inp.threshold),
    }


def _by_size(inp, tables, groups, numbers, sizes) -> dict[str, Breakdown]:
    """The breakdowns whose groups' sizes add up to the responses, for ``audit_sizes``."""

    def hide_role(role):
        numbers["roles"][role] = None

    def hide_group(dim):
        def hide(group):
            sizes[dim][group]["responses"] = sizes[dim][group]["people"] = None

        return hide

    roles = inp.overview.get("roles", {})
    # Only breakdowns whose sizes are published: a stage's, sector's or quarter's size is
    # not, and bounding it from the total would mean hiding whole stages wherever an
    # instrument is not asked at every stage (a known limit: docs/decisions/0009).
    parts = {
        "roles": Breakdown(
            "role",
            tables["roles"],
            sizes={r: (n, None) for r, n in roles.items()},
            hidden={r for r, n in numbers["roles"].items() if n is None},
            hide=hide_role,
        ),
    }
    for dim, cells in groups.items():
        parts[f"equality:{dim}"] = Breakdown(
            dim,
            cells,
            sizes={
                g: (inp.group_counts.get(dim, {}).get(g, 0), inp.people.get(dim, {}).get(g, 0))
                for g in sizes[dim]
            },
            hidden={g for g, c in sizes[dim].items() if c["responses"] is None},
            hide=hide_group(dim),
        )
    return parts


def _candidates(tables: dict, groups: dict, items: list, reference: dict, inp) -> list[Candidate]:
    """Every figure a headline point can be: stages, moves, services (each part), sectors,
    roles, equality groups and statements."""

    def ref(cell):
        return reference.get(cell["measure"], {}).get("mean")

    out = [Candidate("stage", c["stage"], c["stage_name"], c, ref(c)) for c in tables["journey"]]
    out += [
        Candidate(
            "move",
            (c["stage"], c["from_service"], c["to_service"]),
            f"{c['from_name']} to {c['to_name']} ({c['stage_name']})",
            c,
            ref(c),
        )
        for c in tables["transitions"]
    ]
    out += [
        Candidate(
            "service",
            (c["service"], c["part"]),
            f"{c['service_name']}: {PART_NAMES[c['part']]}",
            c,
            ref(c),
        )
        for c in tables["services"]
    ]
    out += [Candidate("sector", c["sector"], c["label"], c, ref(c)) for c in tables["sectors"]]
    out += [Candidate("role", c["role"], c["label"], c, ref(c)) for c in tables["roles"]]
    for dim, cells in groups.items():
        name = DIMENSION_NAMES.get(dim, dim)
        out += [
            Candidate("equality", (dim, c[dim]), f"{name}: {c['label']}", c, ref(c)) for c in cells
        ]
    pooled = answers.pooled(inp.items)
    out += [
        Candidate(
            "statement",
            (s["stage"], s["instrument"], s["item"]),
            f"{s['text']} ({s['stage_name']})",
            s,
            pooled[s["instrument"]].mean if s["instrument"] in pooled else None,
            STATEMENTS_TEXT,
        )
        for s in items
    ]
    return out


def _named_stages(cells: list[dict], stages: list[dict]) -> list[dict]:
    """Cells in pathway order, each with its stage's name."""
    names = {s["slug"]: (s["position"], s["name"]) for s in stages}
    for cell in cells:
        cell["stage_name"] = names.get(cell["stage"], (99, cell["stage"]))[1]
    return sorted(cells, key=lambda c: names.get(c["stage"], (99, ""))[0])


def _two_way(
    inp: ReportInput,
    rows: list[dict],
    keys: tuple[str, str],
    moments: dict,
    rows_table: list[dict],
    cols_table: list[dict],
    labels: dict,
) -> list[dict]:
    """A breakdown by two keys (stage x quarter, stage x role), suppressed as a two-way table
    whose row and column totals are shown elsewhere in the report. Where that other table
    hides a total, the whole row or column is hidden here: otherwise its shown cells would
    give the hidden total away."""
    hidden_rows = hidden_keys(rows_table, keys[0])
    hidden_cols = hidden_keys(cols_table, keys[1])
    cells = []
    for measure, made in _cells(inp, rows, keys, moments, labels=labels).items():
        must = {k for k in made if (measure, k[0]) in hidden_rows or (measure, k[1]) in hidden_cols}
        hidden = suppress_table({k: c["n"] for k, c in made.items()}, inp.threshold, hidden=must)
        cells += [{**c, "suppressed": k in hidden} for k, c in made.items()]
    return cells
