"""Figures for the same people followed along their journey: how each person's own score
changed between two stages, and who was followed up. From the sums that
``app.data.journey_queries`` returns (n, total, total_sq, total_cu per group).

A change (later score minus earlier, -100 to 100) is shown as its mean with a Student's t
interval of the mean difference (the paired t interval: the pairs' changes are one sample).
Its band, "got worse / no clear change / got better", asks the question of
docs/decisions/0008 in its paired form: if the stages made no difference to anyone, each
person's earlier and later answers could be swapped, and each change is as likely to be -d
as +d. The mean changes that swapping gives have mean 0, variance sum(change^2)/n over n,
and no skew (swapping makes the distribution symmetric); :func:`reports.stats.compare`
(``within=False``) sets the observed mean against them (Fisher's randomization test for
paired data, in its normal form). The comparison joins the report's Benjamini-Hochberg
family through ``cell["_comparison"]`` like every other band.

Why not the changes' own spread and skew around 0 (variance and skew about their own mean):
a seeded simulation of no real change (people scoring 0-100, bunched at the top, asked
twice) called 9.5% of groups of 10 and 6.8% of 20 different at p < 0.05, where the swap
reference called 4.1% and 4.4% (a t test: 4.9%, 4.8%), with false "worse" as common as
false "better"; ``tests/unit/reports/test_paired.py`` keeps that check.

Follow-up: the share of a stage's people who answered a later stage, with a Wilson interval;
and whether those followed up scored differently at that stage, by the group-against-its-
whole comparison of 0008 (``within=True``): the followed-up people against all the stage's
people, the permutation test of followed against not followed (under no difference, who
was followed up is a random pick of the stage's people), with the finite population
correction and the allowance for skewed scores the rest of the report uses.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reports.figures import COMPARISON
from reports.stats import (
    ABOUT_THE_SAME,
    BETTER,
    WORSE,
    Comparison,
    Moments,
    compare,
    mean_ci,
    wilson,
)

SUMS = ("n", "total", "total_sq", "total_cu")
#: A change's band in words (``reports.headline.band_all`` sets the band from stats').
CHANGE_WORDS = {WORSE: "got worse", ABOUT_THE_SAME: "no clear change", BETTER: "got better"}
#: The follow-up comparison's band in words: how the followed-up people scored at first.
FOLLOW_UP_WORDS = {
    WORSE: "those followed up scored lower at first",
    ABOUT_THE_SAME: "no clear difference between those followed up and those not",
    BETTER: "those followed up scored higher at first",
}
#: The fields of a change figure that carry a number about its people.
CHANGE_NUMBERS = ("n", "mean", "low", "high", "band")
#: The same for a follow-up share and a follow-up difference.
SHARE_NUMBERS = ("people", "followed", "share")
DIFFERENCE_NUMBERS = (
    "n_followed",
    "mean_followed",
    "n_not_followed",
    "mean_not_followed",
    "difference",
    "band",
)
#: A change can run from -100 (top score to bottom) to 100.
LIMIT = 100.0


def swap_reference(n: int, total_sq: float) -> Moments:
    """What swapping each person's earlier and later answers gives: changes of +/- their
    size, mean 0, variance sum(change^2)/n, no skew."""
    return Moments(n=n, mean=0.0, variance=float(total_sq) / n, skew=0.0)


def change(row: Mapping, level: float = 0.95) -> dict:
    """A change's figure from its row of sums: the row's labels (stages, move, measure), n,
    mean change, the t interval of the mean difference (within -100 to 100), band (None
    until ``band_all``), suppressed False, and the private comparison with no change."""
    n = row["n"]
    labels = {k: v for k, v in row.items() if k not in SUMS}
    estimate = mean_ci(n, row["total"], row["total_sq"], level)
    low = high = None
    if estimate is not None and estimate.low is not None:
        low, high = max(-LIMIT, estimate.low), min(LIMIT, estimate.high)
    cell = {
        **labels,
        "n": n,
        "mean": estimate.mean if estimate else None,
        "low": low,
        "high": high,
        "band": None,
        "suppressed": False,
    }
    if n >= 2 and row["total_sq"] > 0:
        cell[COMPARISON] = compare(n, row["total"], swap_reference(n, row["total_sq"]), False)
    elif n >= 2:  # nobody's score moved at all: as clear a "no change" as there can be
        cell[COMPARISON] = Comparison(p=1.0, direction=None, z=0.0)
    return cell


def changes(rows: Iterable[Mapping], level: float = 0.95) -> list[dict]:
    """:func:`change` of every row (paired changes or changes across moves)."""
    return [change(row, level) for row in rows]


def change_words(band: str | None) -> str:
    """A change's band as the report says it ("" when not compared)."""
    return CHANGE_WORDS.get(band, "") if band else ""


def _stage_labels(row: Mapping) -> dict:
    return {k: row[k] for k in ("stage", "stage_position", "stage_name")}


def share(row: Mapping, level: float = 0.95) -> dict:
    """A stage's follow-up: people, followed, and ``share`` {"p", "low", "high"} (Wilson)."""
    interval = wilson(row["followed"], row["people"], level)
    return {
        **_stage_labels(row),
        "people": row["people"],
        "followed": row["followed"],
        "share": (
            {"p": interval.p, "low": interval.low, "high": interval.high} if interval else None
        ),
        "suppressed": False,
    }


def difference(followed: Mapping | None, not_followed: Mapping | None) -> dict:
    """Did the people followed up from a stage score differently there from those who were
    not? ``followed``/``not_followed``: their rows of sums on one measure at that stage (None:
    nobody). The figure: both groups' n and means, ``difference`` (followed minus not), band
    (None until ``band_all``) and the private comparison of the followed-up people with all
    of the stage's people (None when either group is empty or has fewer than 2 people)."""
    rows = [r for r in (followed, not_followed) if r is not None]
    if not rows:
        raise ValueError("a follow-up difference needs at least one group")
    first = rows[0]

    def mean(r: Mapping | None) -> float | None:
        return r["total"] / r["n"] if r and r["n"] else None

    cell = {
        **_stage_labels(first),
        "measure": first["measure"],
        "n_followed": followed["n"] if followed else 0,
        "mean_followed": mean(followed),
        "n_not_followed": not_followed["n"] if not_followed else 0,
        "mean_not_followed": mean(not_followed),
        "difference": None,
        "band": None,
        "suppressed": False,
    }
    if followed and not_followed:
        cell["difference"] = cell["mean_followed"] - cell["mean_not_followed"]
        everyone = Moments.of_sums(*(followed[k] + not_followed[k] for k in SUMS))
        cell[COMPARISON] = compare(followed["n"], followed["total"], everyone, within=True)
    return cell


def follow_up_figures(result: Mapping, level: float = 0.95) -> dict:
    """{"stages": :func:`share` per stage, "measures": :func:`difference` per stage and
    measure} from ``journey_queries.follow_up``'s result."""
    groups: dict[tuple, dict[bool, Mapping]] = {}
    for row in result["measures"]:
        key = (row["stage_position"], row["stage"], row["measure"])
        groups.setdefault(key, {})[row["followed"]] = row
    return {
        "stages": [share(row, level) for row in result["stages"]],
        "measures": [
            difference(pair.get(True), pair.get(False))
            for _, pair in sorted(groups.items(), key=lambda item: item[0])
        ],
    }


def follow_up_words(band: str | None) -> str:
    """A follow-up difference's band as the report says it ("" when not compared)."""
    return FOLLOW_UP_WORDS.get(band, "") if band else ""
