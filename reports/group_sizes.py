"""The report's figures audited across measures through the size of each group.

``reports.linked`` audits one measure at a time. But every measure of one group is about the
same people: a group's figure on any measure is at most the group's size, the sizes of one
breakdown's groups add up to the responses the report states, and the sizes of equality groups
(in responses and people) and of roles are published. So a figure shown on one measure can pin
a figure hidden on another: "not disabled: 10 on the I statements" with 16 responses stated
says the one other group holds at most 6. This audit is one linear programme per breakdown,
over every measure of it, with each group's size as an unknown; it hides more (sizes before
figures) until nothing below the threshold can be bounded below it. Stages, sectors and
quarters are left out: their sizes are not published (see docs/decisions/0009).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reports.disclosure import LinkedFigures

HEADLINE = ("headline",)
JOURNEYS = ("journeys",)


@dataclass
class Breakdown:
    """One breakdown of the responses, on every measure: ``key`` names its group in each of
    ``cells``; ``sizes`` are its groups' published sizes, {group: (responses, people or None)}
    (true counts), with ``hidden`` the groups whose size is not shown (both stay in step with
    the outputs: ``hide`` is called for a size the audit hides)."""

    key: str
    cells: list[dict]
    sizes: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    hide: Callable[[object], None] | None = None


def audit_sizes(
    inp, breakdowns: Mapping[str, Breakdown], responses: int | None, journeys: int | None
) -> bool:
    """Hide what the groups' sizes would give away; True when anything more was hidden."""
    if not responses:
        return False
    pathway = {r["measure"]: r["n"] for r in inp.rows.get("pathway", [])}
    changed = False
    for part in breakdowns.values():
        linked, hidden, where = _links(inp, part, pathway, responses, journeys)
        first = {k for k in where if k[0] in ("size", "people")}
        for figure in linked.suppress(hidden, keep={HEADLINE, JOURNEYS}, first=first) - hidden:
            target = where.get(figure)
            if isinstance(target, dict):
                target["suppressed"] = True
                changed = True
            elif target is not None and target not in part.hidden:
                part.hidden.add(target)
                if part.hide:
                    part.hide(target)
                changed = True
    return changed


def _links(inp, part: Breakdown, pathway: dict, responses: int, journeys: int | None):
    """The breakdown's figures on every measure, its groups' sizes and how they add up."""
    counts: dict = {HEADLINE: responses}
    hidden: set = set()
    where: dict = {}  # figure -> the cell to hide, or the group whose size to hide
    least: dict = {}  # group -> the most any of its figures holds
    owner = {}
    for cell in part.cells:
        figure = ("figure", cell["measure"], cell[part.key])
        owner[figure] = cell[part.key]
        counts[figure] = cell["n"]
        counts.setdefault(("pathway", cell["measure"]), pathway.get(cell["measure"], 0))
    for figure, cell in zip([k for k in counts if k[0] == "figure"], part.cells, strict=True):
        where[figure] = cell
        if cell["suppressed"]:
            hidden.add(figure)
        least[owner[figure]] = max(least.get(owner[figure], 0), counts[figure])
    for group in [*least, *(g for g in part.sizes if g not in least)]:
        size = ("size", group)
        most = least.get(group, 0)
        if group in part.sizes:
            responses_in, people_in = part.sizes[group]
            counts[size] = responses_in
            where[size] = group
            if people_in is not None:
                counts[("people", group)] = people_in
                where[("people", group)] = group
            if group in part.hidden:
                hidden |= {size, ("people", group)}
        else:  # not published: a reader knows only that it holds at least its figures
            counts[size] = most
            hidden.add(size)
    if journeys:
        counts[JOURNEYS] = journeys
    linked = LinkedFigures(counts, inp.threshold, cap=responses)
    for measure in {k[1] for k in counts if k[0] == "pathway"}:
        linked.add(
            [k for k in counts if k[0] == "figure" and k[1] == measure], [("pathway", measure)]
        )
        if pathway.get(measure, 0) < inp.threshold:
            hidden.add(("pathway", measure))
    for figure, group in owner.items():
        linked.add([figure], [("size", group)], equal=False)
    linked.add([k for k in counts if k[0] == "size"], [HEADLINE])
    people = [k for k in counts if k[0] == "people"]
    for k in people:
        linked.add([k], [("size", k[1])], equal=False)
    if people and journeys:
        linked.add(people, [JOURNEYS])
    return linked, hidden & set(counts), where
