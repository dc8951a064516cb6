"""The report's tables audited together: how they add up to one another, as a reader holding
every download at once knows it (see ``reports.disclosure.LinkedFigures``).

Each table is first suppressed on its own (``reports.aggregate``); this adds the figures that
must also be hidden because another table would give them away, by marking them suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from reports.disclosure import LinkedFigures

NOT_KNOWN = "Not known"  # the group of responses with no value recorded (app.data.reports)
PATHWAY = ("pathway", None)
HEADLINE = ("headline", None)  # the number of responses the report states

# name in the report -> the key of each of its cells
ONE_WAY = {
    "journey": "stage",
    "sectors": "sector",
    "roles": "role",
    "trend": "quarter",
}
TWO_WAY = {"stage_trend": ("stage", "quarter", "trend"), "stage_roles": ("stage", "role", "roles")}
OWN, OUT, IN = "own", "out", "in"  # a service's own care, its hand-overs out and in


def _key(name: str, cell: Mapping) -> tuple:
    if name == "transitions":
        return (name, (cell["stage"], cell["from_service"], cell["to_service"]))
    if name == "services":
        return (name, (cell["service"], cell["part"]))
    if name in TWO_WAY:
        first, second, _ = TWO_WAY[name]
        return (name, (cell[first], cell[second]))
    return (name, cell[ONE_WAY.get(name) or name.split(":", 1)[1]])


def audit_together(
    inp, tables: dict[str, list[dict]], groups: dict[str, list[dict]], responses: int | None
) -> None:
    """Mark ``suppressed`` every further cell that the links between the tables would give
    away, measure by measure. ``groups``: the equality breakdowns, by dimension. Where a
    summary (a sector, a service's hand-overs in all) and a detail (one move) would each
    protect a hidden figure, the summary is hidden: the detail is what a board acts on."""
    named = dict(tables) | {f"equality:{dim}": cells for dim, cells in groups.items()}
    pathway = {r["measure"]: r["n"] for r in inp.rows.get("pathway", [])}
    by_measure: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for name, cells in named.items():
        for cell in cells:
            by_measure[cell["measure"]][_key(name, cell)] = cell
    for measure, cells in by_measure.items():
        if measure not in pathway:
            continue
        linked = _links(inp, cells, pathway[measure], responses)
        hidden = {k for k, c in cells.items() if c["suppressed"]}
        if pathway[measure] < inp.threshold:
            hidden.add(PATHWAY)
        summaries = {k for k in cells if k[0] == "sectors" or _part(k) in (OUT, IN)}
        for key in linked.suppress(hidden, keep={PATHWAY, HEADLINE}, first=summaries) - hidden:
            cells[key]["suppressed"] = True


def _part(key: tuple) -> str | None:
    return key[1][1] if key[0] == "services" else None


def _links(inp, cells: dict[tuple, dict], pathway_n: int, responses: int | None) -> LinkedFigures:
    counts = {PATHWAY: pathway_n} | {k: c["n"] for k, c in cells.items()}
    if responses is not None:
        counts[HEADLINE] = responses
    linked = LinkedFigures(counts, inp.threshold, cap=responses)
    linked.add([PATHWAY], [HEADLINE], equal=False)
    keys = defaultdict(list)
    for name, key in cells:
        keys[name].append((name, key))
    for name in [*ONE_WAY, *(n for n in keys if n.startswith("equality:"))]:
        if keys[name]:
            linked.add(keys[name], [PATHWAY])
    for name, (_, _, other) in TWO_WAY.items():
        for side, whole in ((0, "journey"), (1, other)):
            for total in keys[whole]:
                linked.add([k for k in keys[name] if k[1][side] == total[1]], [total])
    kind = {s["slug"]: s.get("kind") for s in inp.stages}
    stages = {
        part: [k for k in keys["journey"] if kind.get(k[1]) == want]
        for part, want in ((OWN, "episode"), (OUT, "transition"), (IN, "transition"))
    }
    services = keys["services"]
    for part, wholes in stages.items():  # each part of the services view adds up to stages
        linked.add([k for k in services if k[1][1] == part], wholes)
    moves = keys["transitions"]
    for stage in stages[OUT]:  # the moves at a transition stage add up to it
        linked.add([m for m in moves if m[1][0] == stage[1]], [stage])
    for key in services:  # hand-overs out and in add up from the moves
        service, part = key[1]
        if part in (OUT, IN):
            end = 1 if part == OUT else 2
            linked.add([m for m in moves if m[1][end] == service], [key])
    sector_of = {code: s.get("sector") for code, s in inp.services.items()}
    for sector in keys["sectors"]:  # a sector: its services' own care and hand-overs out
        parts = [
            k for k in services if k[1][1] in (OWN, OUT) and sector_of.get(k[1][0]) == sector[1]
        ]
        linked.add(parts, [sector])
    return linked
