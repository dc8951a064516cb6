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
    "services": "service",
    "sectors": "sector",
    "roles": "role",
    "trend": "quarter",
}
TWO_WAY = {"stage_trend": ("stage", "quarter", "trend"), "stage_roles": ("stage", "role", "roles")}


def _key(name: str, cell: Mapping) -> tuple:
    if name == "transitions":
        return (name, (cell["from_service"], cell["to_service"]))
    if name in TWO_WAY:
        first, second, _ = TWO_WAY[name]
        return (name, (cell[first], cell[second]))
    return (name, cell[ONE_WAY.get(name) or name.split(":", 1)[1]])


def audit_together(
    inp, tables: dict[str, list[dict]], groups: dict[str, list[dict]], responses: int | None
) -> None:
    """Mark ``suppressed`` every further cell that the links between the tables would give
    away, measure by measure. ``groups``: the equality breakdowns, by dimension."""
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
        for key in linked.suppress(hidden, keep={PATHWAY, HEADLINE}) - hidden:
            cells[key]["suppressed"] = True


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
    sector_label = {
        code: inp.sectors.get(s.get("sector"), s.get("sector")) for code, s in inp.services.items()
    }
    sector_label[None] = NOT_KNOWN
    for sector in keys["sectors"]:
        parts = [k for k in keys["services"] if sector_label.get(k[1]) == sector[1]]
        linked.add(parts, [sector])
    transition_stages = {s["slug"] for s in inp.stages if s.get("kind") == "transition"}
    moves = keys["transitions"]
    if moves:
        linked.add(moves, [k for k in keys["journey"] if k[1] in transition_stages])
    for service in keys["services"]:
        linked.add([m for m in moves if m[1][0] == service[1]], [service], equal=False)
    return linked
