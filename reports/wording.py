"""The words the report's outputs share: what each kind of headline point and each part of a
service's figures is called, and how a top or bottom box reads. The PDF, the CSV and XLSX
tables and the charts use these; the dashboard's template says the same words
(app/templates/dashboard/_cells.jinja keeps its own copy, tested to read the same)."""

from __future__ import annotations

#: A headline point's kind (reports.aggregate: weakest / strongest) in words.
KINDS = {
    "stage": "stage",
    "move": "move",
    "service": "service",
    "sector": "sector",
    "role": "who answered",
    "equality": "equality group",
    "statement": "statement",
}
#: A service's three figures: its own care (episode stages), the moves from it and to it.
PARTS = {"own": "Own care", "out": "Hand-overs out", "in": "Hand-overs in"}
TOP_BOX = "% Strongly agree"
BOTTOM_BOX = "% disagree"
NOT_COMPARED = "not compared"


def kind_name(kind: str) -> str:
    return KINDS.get(kind, kind)


def part_name(part: str | None) -> str:
    return PARTS.get(part, part or "")


def percent(box: dict | None) -> str:
    """A top or bottom box as whole-number percentages: "40% (35 to 45)"."""
    if not box:
        return ""
    return f"{100 * box['p']:.0f}% ({100 * box['low']:.0f} to {100 * box['high']:.0f})"


def count_text(value: int | None, threshold: int) -> str:
    """A count, or "fewer than 10" where it is hidden."""
    return f"fewer than {threshold}" if value is None else str(value)


def compared(cell: dict) -> bool:
    """False for groups shown but never banded ("Not answered", "Prefer not to say")."""
    return cell.get("compared", True) is not False
