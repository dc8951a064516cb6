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
from reports.journey_audit import flow_key, hidden_flows, hidden_stages, listed_paths
from reports.whole_journeys import whole_journey_figures

HANDOVER = "handover"
HANDOVER_REFERENCE = "the same people's own score before the move"
#: Fields of a follow-up figure that carry a number about its people.
SHARE_NUMBERS = ("people", "followed", "share")


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
    ):
        rows = rows or JourneyRows()
        self.threshold = threshold
        names = {code: s["name"] for code, s in services.items()}
        self.changes = _primary(paired.changes(rows.pairs, level), threshold)
        named = [r for r in rows.moves if r["from_service"] and r["to_service"]]
        self.moves = _primary(paired.changes(named, level), threshold)
        for cell in self.moves:
            cell["from_name"] = names.get(cell["from_service"], cell["from_service"])
            cell["to_name"] = names.get(cell["to_service"], cell["to_service"])
        everyone = sum(p["people"] for p in rows.paths)
        self.people = everyone if everyone >= threshold else None
        follow = paired.follow_up_figures(rows.follow_up, level)
        quiet = hidden_stages(rows.follow_up["stages"], threshold)
        hidden = hidden_flows(rows.flows, rows.follow_up["stages"], threshold, quiet)
        self.stages = [
            s
            | (
                {k: None for k in SHARE_NUMBERS} | {"suppressed": True}
                if s["stage"] in quiet
                else {}
            )
            for s in follow["stages"]
        ]
        self.differences = follow["measures"]
        for d in self.differences:
            small = min(d["n_followed"], d["n_not_followed"]) < threshold
            d["suppressed"] = small or d["stage"] in quiet
        counts = {flow_key(f): f["people"] for f in rows.flows}
        table = paths.flows_table(rows.flows, threshold)
        for row in table:
            if flow_key(row) in hidden:
                row.update(people=None, suppressed=True)
        self.flows = table
        shown = listed_paths(rows.paths, counts, hidden, threshold, paths.TOP_PATHS, self.people)
        self.paths = paths.common_paths(shown, threshold)
        self.whole = whole_journey_figures(rows.whole, labels, threshold, level)

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


def _public_change(cell: dict) -> dict:
    out = {k: v for k, v in cell.items() if k != COMPARISON}
    if out["suppressed"]:
        out |= dict.fromkeys(paired.CHANGE_NUMBERS)
    return out
