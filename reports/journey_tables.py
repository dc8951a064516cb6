"""The journeys section of a report (the same people followed from stage to stage) as flat
tables for the CSV and XLSX downloads (reports.tables): changes between stages, changes
across each move, flows between services, the common paths, follow-up and its differences,
and whole-journey scores.

Every table has a ``suppressed`` column. A hidden row keeps its labels and has every number
empty: the report has no number for it, and these tables blank one anyway, so a hidden
figure can never reach a spreadsheet. Text is made safe from formulas by reports.tables.
"""

from __future__ import annotations

from reports.paired import CHANGE_NUMBERS, DIFFERENCE_NUMBERS

FLOW_LABELS = (
    "stage_from",
    "stage_from_name",
    "service_from",
    "service_from_name",
    "stage_to",
    "stage_to_name",
    "service_to",
    "service_to_name",
    "from",
    "to",
)
WHOLE_NUMBERS = ("n", "mean", "low", "high", "band")


def _row(
    cell: dict, labels: tuple[str, ...], numbers: tuple[str, ...], before=None, after=None
) -> dict:
    """A table row: the labels, ``before`` (the measure), the numbers (empty where hidden),
    ``after`` (words) and ``suppressed``."""
    hidden = bool(cell["suppressed"])
    return {
        **{k: cell.get(k) for k in labels},
        **(before or {}),
        **{k: None if hidden else cell.get(k) for k in numbers},
        **(after or {}),
        "suppressed": hidden,
    }


def _measure(cell: dict, measures: dict) -> dict:
    return {
        "measure": cell["measure"],
        "measure_name": measures.get(cell["measure"], cell["measure"]),
    }


def _words(cell: dict) -> dict:
    """A change's or a difference's band in words ("" where hidden)."""
    return {"words": "" if cell["suppressed"] else cell.get("words") or ""}


def _changes(cells: list[dict], labels: tuple[str, ...], measures: dict) -> list[dict]:
    return [_row(c, labels, CHANGE_NUMBERS, _measure(c, measures), _words(c)) for c in cells]


def _share(stage: dict) -> dict:
    share = None if stage["suppressed"] else stage.get("share")
    share = share or {}
    return {"share": share.get("p"), "share_low": share.get("low"), "share_high": share.get("high")}


def _whole(whole: dict, dimensions: dict, measures: dict) -> list[dict]:
    cells = [*whole.get("pathway", []), *whole.get("roles", [])]
    for cells_of_dimension in whole.get("equality", {}).values():
        cells += cells_of_dimension
    names = {"pathway": "Everyone followed", "role": "Who answered", **dimensions}
    return [
        _row(
            {**c, "dimension_name": names.get(c["dimension"], c["dimension"])},
            ("dimension", "dimension_name", "group", "label"),
            WHOLE_NUMBERS,
            _measure(c, measures),
        )
        for c in cells
    ]


def journey_tables(journeys: dict, meta: dict) -> dict[str, list[dict]]:
    """The section's tables by name (a name with no rows is an empty list)."""
    measures = meta["measures"]
    follow_up = journeys.get("follow_up") or {}
    stage = ("stage", "stage_name")
    return {
        "journey_changes": _changes(
            journeys.get("changes", []),
            ("stage_from", "stage_from_name", "stage_to", "stage_to_name"),
            measures,
        ),
        "journey_moves": _changes(
            journeys.get("moves", []),
            (*stage, "from_service", "from_name", "to_service", "to_name"),
            measures,
        ),
        "journey_flows": [_row(f, FLOW_LABELS, ("people",)) for f in journeys.get("flows", [])],
        # Only paths taken by enough people are in the report at all.
        "journey_paths": [
            {
                "rank": rank,
                "path": p["text"],
                "steps": len(p["labels"]),
                "people": p["people"],
                "suppressed": False,
            }
            for rank, p in enumerate(journeys.get("paths", []), 1)
        ],
        "follow_up": [
            _row(s, stage, ("people", "followed"), after=_share(s))
            for s in follow_up.get("stages", [])
        ],
        "follow_up_differences": [
            _row(d, stage, DIFFERENCE_NUMBERS, _measure(d, measures), _words(d))
            for d in follow_up.get("differences", [])
        ],
        "whole_journeys": _whole(
            journeys.get("whole") or {}, meta.get("dimensions") or {}, measures
        ),
    }
