"""Each statement's answers at each stage: distribution, top and bottom box, mean score with its
interval, and its comparison with every answer to the same questionnaire on the pathway.

A statement is compared with its questionnaire's answers pooled over every statement and
stage: "people at this stage agreed with this statement less than with the questionnaire's
statements in general, by more than chance". Its band is set with the rest of the report's
(``reports.headline.band_all``).
"""

from __future__ import annotations

from collections import defaultdict

from reports.figures import COMPARISON
from reports.stats import Moments, bottom_box, compare, mean_ci_of_counts, top_box

AGREEMENT_VALUES = {"1": 0.0, "2": 100 / 3, "3": 200 / 3, "4": 100.0}  # 0-100, as scoring.py


def _values(counts: dict[str, int]) -> dict[float, int]:
    return {AGREEMENT_VALUES[c]: n for c, n in counts.items() if c in AGREEMENT_VALUES and n}


def pooled(items: list[dict]) -> dict[str, Moments]:
    """Per questionnaire, the spread of every agreement answer to it on the pathway."""
    counts: dict[str, dict[float, int]] = defaultdict(lambda: defaultdict(int))
    for row in items:
        if row["code"] in AGREEMENT_VALUES:
            counts[row["instrument_id"]][AGREEMENT_VALUES[row["code"]]] += row["n"]
    return {inst: Moments.of_counts(dict(c)) for inst, c in counts.items() if sum(c.values()) > 1}


def statements(
    items: list[dict], item_text: dict, stage_names: dict, threshold: int, level: float
) -> list[dict]:
    """A statement at a stage answered by fewer than the threshold shows nothing."""
    grouped: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in items:
        grouped[(row["stage"], row["instrument_id"], row["item_id"])][row["code"]] = row["n"]
    reference = pooled(items)
    out = []
    for (stage, instrument, item), counts in grouped.items():
        answered = sum(counts.values())
        values = _values(counts)
        n_valued = sum(values.values())
        cell = {
            "stage": stage,
            "stage_name": stage_names.get(stage, stage),
            "instrument": instrument,
            "measure": instrument,
            "item": item,
            "text": item_text.get((instrument, item), item),
            "suppressed": answered < threshold or n_valued < threshold,
            "n": answered,
            "distribution": dict(sorted(counts.items())),
            "top_box": _proportion(top_box(counts)),
            "bottom_box": _proportion(bottom_box(counts)),
            "band": None,
            **_mean(values, level),
        }
        if instrument in reference and n_valued >= 2:
            total = sum(v * n for v, n in values.items())
            cell[COMPARISON] = compare(n_valued, total, reference[instrument])
        out.append(cell)
    return out


def public(cell: dict) -> dict:
    if cell["suppressed"]:
        hidden = ("n", "distribution", "top_box", "bottom_box", "mean", "low", "high", "band")
        return {k: (None if k in hidden else v) for k, v in cell.items() if k != COMPARISON}
    return {k: v for k, v in cell.items() if k != COMPARISON}


def _mean(values: dict[float, int], level: float) -> dict:
    estimate = mean_ci_of_counts(values, level)
    if estimate is None:
        return {"mean": None, "low": None, "high": None}
    return {
        "mean": estimate.mean,
        "low": max(0.0, estimate.low) if estimate.low is not None else None,
        "high": min(100.0, estimate.high) if estimate.high is not None else None,
    }


def _proportion(p) -> dict | None:
    return None if p is None else {"k": p.k, "n": p.n, "p": p.p, "low": p.low, "high": p.high}
