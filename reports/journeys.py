"""The report's journeys section: the same people followed from stage to stage.

From the sums and counts the journey queries return (``app.data.journey_queries``,
``path_queries``, ``whole_journey_queries``): how each person's own score changed between two
stages and across each move, the flows and common whole paths between services, who was
followed up, and whole-journey scores by group. Figures are made by ``reports.paired``,
``reports.paths`` and ``reports.whole_journeys``; this module hides what must be hidden and
lays the section out. Bands are set by the report's one false-alarm control
(``reports.headline.band_all``), so :meth:`Journeys.public` is called after it.

Method and reasons: docs/decisions/0010-following-people.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reports import paired, paths
from reports.figures import COMPARISON, public
from reports.headline import Candidate
from reports.journey_audit import PeopleLinks, flow_key, hidden_stages, listed_paths
from reports.whole_journeys import whole_journey_figures

HANDOVER = "handover"
HANDOVER_REFERENCE = "the same people's own score before the move"


@dataclass
class JourneyRows:
    """What the journey queries return for one report filter (plain data)."""

    pairs: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)
    follow_up: dict = field(default_factory=lambda: {"stages": [], "measures": []})
    flows: list[dict] = field(default_factory=list)
    paths: list[dict] = field(default_factory=list)
    whole: list[dict] = field(default_factory=list)


def _primary(cells: list[dict], threshold: int) -> list[dict]:
    for cell in cells:
        cell["suppressed"] = cell["n"] < threshold
    return cells


class Journeys:
    """The section's figures, hidden where they must be, before and after banding."""

    def __init__(
        self,
        rows: JourneyRows | None,
        services: Mapping[str, Mapping],
        labels: Mapping[str, Mapping[str, str]],
        threshold: int,
        level: float,
        published: Mapping[tuple, int] | None = None,
    ):
        """``published``: counts other tables show that bound the people followed: each
        stage's n on each measure, keyed ("stage_n", stage, measure), the pathway's n on each
        measure, ("pathway_n", measure), and the report's number of people (journey codes),
        ("journeys",); a stage figure its own audit hides is keyed ("hidden", its key), with
        its true n, as an unknown the links bound."""
        rows = rows or JourneyRows()
        self.published = {k: n for k, n in (published or {}).items() if k[0] != "hidden"}
        self.unpublished = {k[1]: n for k, n in (published or {}).items() if k[0] == "hidden"}
        self.threshold = threshold
        names = {code: s["name"] for code, s in services.items()}
        self.changes = _primary(paired.changes(rows.pairs, level), threshold)
        named = [r for r in rows.moves if r["from_service"] and r["to_service"]]
        self.moves = _primary(paired.changes(named, level), threshold)
        for cell in self.moves:
            cell["from_name"] = names.get(cell["from_service"], cell["from_service"])
            cell["to_name"] = names.get(cell["to_service"], cell["to_service"])
        everyone = sum(p["people"] for p in rows.paths)
        follow = paired.follow_up_figures(rows.follow_up, level)
        quiet = hidden_stages(rows.follow_up["stages"], threshold)
        self.differences = follow["measures"]
        for d in self.differences:
            small = min(d["n_followed"], d["n_not_followed"]) < threshold
            d["suppressed"] = small or d["stage"] in quiet
        self.whole = whole_journey_figures(rows.whole, labels, threshold, level)
        counts = {flow_key(f): f["people"] for f in rows.flows}
        small = {k for k, n in counts.items() if n < threshold}
        shown = everyone if everyone >= threshold else None
        listed = listed_paths(rows.paths, counts, small, threshold, paths.TOP_PATHS, shown)
        links = self._links(rows, follow["stages"], quiet, everyone)
        keep = set(self.published)
        first = {("followed", s["stage"]) for s in follow["stages"]}
        hidden = links.audit({tuple(p["steps"]) for p in listed}, first, keep)
        self._apply(hidden, quiet)
        self.people = None if ("everyone",) in hidden or everyone < threshold else everyone
        hidden_flows = {k[1] for k in hidden if k[0] == "flow"}
        hide = dict.fromkeys(paired.SHARE_NUMBERS) | {"suppressed": True}
        self.stages = [s | (hide if s["stage"] in quiet else {}) for s in follow["stages"]]
        table = paths.flows_table(rows.flows, threshold)
        for row in table:
            if flow_key(row) in hidden_flows:
                row.update(people=None, suppressed=True)
        self.flows = table
        kept = [p for i, p in enumerate(rows.paths) if ("path", i) not in hidden]
        still = [p for p in listed if p in kept]
        shown = listed_paths(still, counts, hidden_flows, threshold, paths.TOP_PATHS, self.people)
        self.paths = paths.common_paths(shown, threshold)

    def _links(self, rows: JourneyRows, stages: list[dict], quiet: set, everyone: int):
        """Every count of people this section publishes, with the paths each counts."""
        t = self.threshold
        links = PeopleLinks(rows.paths, t)
        for f in rows.flows:
            key = flow_key(f)
            links.figure(("flow", key), f["people"], f["people"] < t)
            links.within(("flow", key), links.on[("flow", key)])
        for key, n in self.published.items():  # shown elsewhere, so never hidden here
            links.figure(key, n, False)
        for key, n in self.unpublished.items():  # hidden elsewhere: bounded only by links
            links.unknown(key, n)
        at_stages = [k for k in [*self.published, *self.unpublished] if k[0] == "stage_n"]
        for total in [k for k in self.published if k[0] == "pathway_n"]:
            links.at_most([k for k in at_stages if k[2] == total[1]], [total])
        for s in stages:
            stage = s["stage"]
            links.figure(("people", stage), s["people"], s["people"] < t)
            # A stage's people are at most its responses, which a measure everyone answers
            # states (links that the true counts break are dropped by the audit).
            for key in self.published:
                if key[0] == "stage_n" and key[1] == stage:
                    links.at_most([("people", stage)], [key])
            links.figure(("followed", stage), s["followed"], stage in quiet)
            links.within(("followed", stage), links.on[("on", stage)])
            # Those not followed up are a group too (people minus followed): protected alike.
            if s["people"] > s["followed"]:
                links.figure(("not", stage), s["people"] - s["followed"], stage in quiet)
            links.at_most([("followed", stage), ("not", stage)], [("people", stage)])
        if everyone:
            links.figure(("everyone",), everyone, everyone < t)
            links.within(("everyone",), links.on[("all",)])
            links.at_most([("everyone",)], [("journeys",)])

        def stage_n(stage: str, measure: str) -> list:
            """The stage's n on the measure (shown, or hidden and bounded by its links)."""
            key = ("stage_n", stage, measure)
            return [key] if key in self.published or key in self.unpublished else []

        for i, c in enumerate(self.changes):
            links.figure(("change", i), c["n"], c["suppressed"])
            links.within(("change", i), links.on[("both", c["stage_from"], c["stage_to"])])
            # People scored at both stages: at most the responses scored at either.
            for stage in (c["stage_from"], c["stage_to"]):
                if stage_n(stage, c["measure"]):
                    links.at_most([("change", i)], stage_n(stage, c["measure"]))
        for i, c in enumerate(self.moves):
            links.figure(("move", i), c["n"], c["suppressed"])
            links.within(("move", i), links.on[("move", c["stage"], c["to_service"])])
        for i, d in enumerate(self.differences):
            # A group of nobody is not a figure to protect (a known zero).
            parts = []
            for side in ("followed", "not_followed"):
                if d[f"n_{side}"]:
                    parts.append((f"n_{side}", i))
                    links.figure((f"n_{side}", i), d[f"n_{side}"], d["suppressed"])
            if d["n_followed"]:
                links.within(("n_followed", i), links.on[("on", d["stage"])])
            links.at_most(parts, [("people", d["stage"])])
            if stage_n(d["stage"], d["measure"]):
                links.at_most(parts, stage_n(d["stage"], d["measure"]))
        for i, c in enumerate(self.whole["pathway"]):
            if c["n"]:
                links.figure(("whole", i), c["n"], c["suppressed"])
                links.within(("whole", i), links.on[("all",)])
        return links

    def _apply(self, hidden: set, quiet: set) -> None:
        """Mark suppressed what the joint audit hides."""
        for kind, cells in (("change", self.changes), ("move", self.moves)):
            for i, c in enumerate(cells):
                if (kind, i) in hidden:
                    c["suppressed"] = True
        for i, d in enumerate(self.differences):
            if ("n_followed", i) in hidden or ("n_not_followed", i) in hidden:
                d["suppressed"] = True
        for i, c in enumerate(self.whole["pathway"]):
            if ("whole", i) in hidden:
                # Its groups add up to it: hidden with it, or they would give it away.
                for group in [c, *self.whole["roles"], *_flat(self.whole["equality"])]:
                    if group["measure"] == c["measure"]:
                        group["suppressed"] = True
        for key in hidden:
            if key[0] in ("followed", "not", "people"):
                quiet.add(key[1])
        for d in self.differences:
            if d["stage"] in quiet:
                d["suppressed"] = True

    def compared(self) -> list[dict]:
        """Every figure that joins the report's false-alarm control."""
        whole = [c for cells in self._whole_cells() for c in cells]
        return [*self.changes, *self.moves, *self.differences, *whole]

    def _whole_cells(self) -> list[list[dict]]:
        return [self.whole["pathway"], self.whole["roles"], *self.whole["equality"].values()]

    def candidates(self) -> list[Candidate]:
        """The moves across a transition stage, as headline points: where the same people
        got clearly worse (or better) after a hand-over."""
        return [
            Candidate(
                HANDOVER,
                (c["stage"], c["from_service"], c["to_service"]),
                f"People who moved from {c['from_name']} to {c['to_name']} ({c['stage_name']})",
                c,
                0.0,
                HANDOVER_REFERENCE,
                first=True,
            )
            for c in self.moves
        ]

    def public(self) -> dict:
        """The section as published (after ``band_all``): hidden figures carry no number."""

        def change(cell: dict) -> dict:
            out = _public_change(cell)
            out["words"] = "" if out["suppressed"] else paired.change_words(out["band"])
            return out

        def difference(cell: dict) -> dict:
            out = {k: v for k, v in cell.items() if k != COMPARISON}
            if out["suppressed"]:
                out |= dict.fromkeys(paired.DIFFERENCE_NUMBERS)
            out["words"] = "" if out["suppressed"] else paired.follow_up_words(out["band"])
            return out

        hidden = sum(r["suppressed"] for r in self.flows)
        return {
            "people": self.people,
            "changes": [change(c) for c in self.changes],
            "moves": [change(c) for c in self.moves],
            "flows": self.flows,
            "paths": [
                {"labels": list(p["labels"]), "text": p["text"], "people": p["people"]}
                for p in self.paths
            ],
            "paths_note": (
                f"Only paths taken by at least {self.threshold} people are listed, at most "
                f"{paths.TOP_PATHS}; a path is also left out when listing it would let a "
                "reader count a smaller group by subtraction."
            ),
            "follow_up": {
                "stages": self.stages,
                "differences": [difference(d) for d in self.differences],
            },
            "whole": {
                "pathway": [public(c) for c in self.whole["pathway"]],
                "roles": [public(c) for c in self.whole["roles"]],
                "equality": {
                    dim: [public(c) for c in cells] for dim, cells in self.whole["equality"].items()
                },
            },
            "sankey_alt": paths.sankey_alt(self.flows, self.threshold),
            "hidden_flows": hidden,
        }


def _flat(groups: Mapping[str, list[dict]]) -> list[dict]:
    return [c for cells in groups.values() for c in cells]


def _public_change(cell: dict) -> dict:
    out = {k: v for k, v in cell.items() if k != COMPARISON}
    if out["suppressed"]:
        out |= dict.fromkeys(paired.CHANGE_NUMBERS)
    return out
