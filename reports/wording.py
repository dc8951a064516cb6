"""The words the report's outputs share: what each kind of headline point and each part of a
service's figures is called, how a top or bottom box reads, and how a change in the same
people's own score reads ("15.5 points lower", never a score). The PDF, the CSV and XLSX
tables and the charts use these; the dashboard's template says the same words
(app/templates/dashboard/_cells.jinja keeps its own copy of the kinds and parts, tested to
read the same; the words of changes and follow-up reach its templates as filters)."""

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
    "handover": "hand-over",
}
#: A service's three figures: its own care (episode stages), the moves from it and to it.
PARTS = {"own": "Own care", "out": "Hand-overs out", "in": "Hand-overs in"}
TOP_BOX = "% Strongly agree"
BOTTOM_BOX = "% disagree"
NOT_COMPARED = "not compared"
#: What a hand-over point's change is measured from (its ``reference`` is 0: no change).
BEFORE_THE_MOVE = "their own score before the move"


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


def change_text(mean: float | None) -> str:
    """A mean change in the same people's own score: "15.5 points lower", "2.0 points higher"
    ("" when hidden)."""
    if mean is None:
        return ""
    if round(mean, 1) == 0:
        return "no change on average"
    return f"{abs(mean):.1f} points {'lower' if mean < 0 else 'higher'}"


def change_interval(low: float | None, high: float | None) -> str:
    """A change's interval in the same words: "11.0 to 20.0 lower", "2.0 lower to 3.5 higher"."""
    if low is None or high is None:
        return ""
    if high <= 0:
        return f"{-high:.1f} to {-low:.1f} lower"
    if low >= 0:
        return f"{low:.1f} to {high:.1f} higher"
    return f"{-low:.1f} lower to {high:.1f} higher"


def is_change(point: dict) -> bool:
    """A headline point whose figure is a change in the same people's own score (a hand-over),
    not a score: it is worded as a change everywhere."""
    return point.get("kind") == "handover"


def point_figure(point: dict) -> str:
    """A headline point's figure in words, without its size: a hand-over's "15.5 points lower
    than their own score before the move (95% interval 11.0 to 20.0 lower)", any other
    point's "48.2 (95% interval 43.9 to 52.5)"."""
    if is_change(point):
        text = change_text(point["mean"])
        if not text.startswith("no change"):
            text += f" than {BEFORE_THE_MOVE}"
        interval = change_interval(point.get("low"), point.get("high"))
    else:
        text = f"{point['mean']:.1f}"
        low, high = point.get("low"), point.get("high")
        interval = "" if low is None or high is None else f"{low:.1f} to {high:.1f}"
    return f"{text} (95% interval {interval})" if interval else text


def point_score(point: dict) -> str:
    """A headline point's figure for a table whose next column says what it is compared
    with: "15.5 points lower (11.0 to 20.0 lower)" or "48.2 (43.9 to 52.5)"."""
    if is_change(point):
        text, interval = change_text(point["mean"]), change_interval(point["low"], point["high"])
    else:
        low, high = point.get("low"), point.get("high")
        text = f"{point['mean']:.1f}"
        interval = "" if low is None or high is None else f"{low:.1f} to {high:.1f}"
    return f"{text} ({interval})" if interval else text


def follow_up_sentence(cell: dict, measure_name: str, threshold: int) -> str:
    """Whether the people followed up from a stage scored differently there, in plain words:
    "On the ward, CTM-15: those followed up scored higher at first (63.1 for the 120 people
    who answered a later stage, 55.8 for the 46 who did not)." """
    where = f"{cell['stage_name']}, {measure_name}"
    if cell["suppressed"]:
        return f"{where}: not shown (fewer than {threshold} people)."
    followed, others = cell["n_followed"], cell["n_not_followed"]
    if not others:
        return f"{where}: everyone who answered here answered a later stage too."
    if not followed:
        return f"{where}: nobody who answered here answered a later stage."
    words = cell.get("words") or "not compared"
    return (
        f"{where}: {words} ({cell['mean_followed']:.1f} for the {followed} people who answered "
        f"a later stage, {cell['mean_not_followed']:.1f} for the {others} who did not)."
    )
