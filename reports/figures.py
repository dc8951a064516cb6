"""One published figure: a group's mean score on one measure, its interval, its top and bottom
box, and (set later, once every comparison of the report is known) its band.

A figure is a plain dict; a suppressed one keeps its labels and loses every number, so no
output format can show one by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.stats import Moments, compare, mean_ci, wilson

#: The fields of a figure that carry a number about its group.
NUMBERS = ("n", "mean", "low", "high", "band", "top_box", "bottom_box")
#: Private: the comparison with the pathway, read by the banding step and then dropped.
COMPARISON = "_comparison"
#: Groups that say who did not answer: counted, never compared (they are the same people in
#: every dimension, so one chance difference would be flagged once per dimension).
NOT_COMPARED = ("not_answered", "prefer_not_to_say")


def reference_moments(row: Mapping) -> Moments | None:
    """The pathway's spread and skew, from the sums a SQL GROUP BY returns."""
    if not row or row["n"] < 2:
        return None
    return Moments.of_sums(row["n"], row["total"], row["total_sq"], row["total_cu"])


def figure(row: Mapping, level: float, reference: Moments | None = None) -> dict:
    """A group's figure from its row of sums (n, total, total_sq, top, bottom, answered),
    compared with ``reference`` (the pathway it is part of) when given."""
    n = row["n"]
    estimate = mean_ci(n, row["total"], row["total_sq"], level)
    cell = {
        "n": n,
        "mean": estimate.mean if estimate else None,
        # Scores lie on 0-100: an interval is shown within it ("-1.7 to 65.7" reads as an error).
        "low": max(0.0, estimate.low) if estimate and estimate.low is not None else None,
        "high": min(100.0, estimate.high) if estimate and estimate.high is not None else None,
        "band": None,
        "top_box": box(row.get("top"), row.get("answered"), n, level),
        "bottom_box": box(row.get("bottom"), row.get("answered"), n, level),
        "suppressed": False,
    }
    if reference is not None and n >= 2:
        cell[COMPARISON] = compare(n, row["total"], reference)
    return cell


def box(part: int | None, answered: int | None, people: int, level: float) -> dict | None:
    """Share of a measure's answers that were in the box (e.g. "Strongly agree"), with a Wilson
    interval that counts each person once: the share is of every answer the group gave, but
    one person's answers to several statements go together, so the interval is as wide as if
    each person had given one answer (on the safe side)."""
    if part is None or not answered or people <= 0:
        return None
    p = part / answered
    interval = wilson(round(p * people), people, level)
    return {"p": p, "low": min(interval.low, p), "high": max(interval.high, p)}


def hide(cell: dict) -> dict:
    """A suppressed figure keeps its labels and loses every number."""
    return {
        **{k: v for k, v in cell.items() if k not in NUMBERS and k != COMPARISON},
        **dict.fromkeys(NUMBERS),
        "suppressed": True,
    }


def public(cell: dict) -> dict:
    """The figure as published: hidden if suppressed, without the private comparison."""
    if cell["suppressed"]:
        return hide(cell)
    return {k: v for k, v in cell.items() if k != COMPARISON}
