"""Summary statistics for published results: mean scores with confidence intervals, proportions
with Wilson intervals, top and bottom box, and CQC-style banding against the pathway.

Rules come from reference/instruments.md ("Publishing rules"): a mean score is shown with its
95% confidence interval; a proportion with a Wilson score interval (the OHID/PHE standard);
a group is banded "better / about the same / worse" by whether its confidence interval lies
wholly above, around or wholly below the pathway's mean (after CQC's survey programme).

Pure: the standard library and SciPy only (SciPy for Student's t quantiles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

from scipy.stats import t as student_t

#: Agreement codes on the four-point scale, lowest to highest (instrument files: "1".."4").
AGREEMENT_CODES: tuple[str, ...] = ("1", "2", "3", "4")
#: Answers that are missing, never a value: "Don't know / not applicable", "no medication".
MISSING_CODES: tuple[str, ...] = ("dk", "nomed")
TOP_BOX_CODES: tuple[str, ...] = ("4",)
BOTTOM_BOX_CODES: tuple[str, ...] = ("1", "2")

BETTER = "better"
ABOUT_THE_SAME = "about the same"
WORSE = "worse"

BANDING_METHOD = (
    "Each group (a service, a stage of the pathway or an equality group) is compared with the "
    "pathway as a whole, in the way the Care Quality Commission's national survey programme "
    "bands organisations. We work out the group's average score and a 95% confidence interval "
    "around it: the range within which the true average is likely to lie, given how many "
    "people answered and how much their answers varied. If the whole of that range is above "
    "the average for the whole pathway, the group is marked 'better'; if the whole of it is "
    "below, 'worse'; if the range includes the pathway average, 'about the same'. A group "
    "marked 'about the same' may still differ a little from the rest of the pathway: the "
    "survey cannot tell. Groups with too few answers to publish are not banded. Because many "
    "groups are compared at once, an occasional 'better' or 'worse' can happen by chance, "
    "so look at the pattern across questions and over time rather than at one result alone."
)


@dataclass(frozen=True)
class MeanCI:
    """A mean of ``n`` respondent scores with its confidence interval (None when n < 2)."""

    n: int
    mean: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` (proportion ``p``) with its confidence interval ``low``-``high``."""

    k: int
    n: int
    p: float
    low: float
    high: float


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level!r}")


def mean_ci(n: int, total: float, total_sq: float, level: float = 0.95) -> MeanCI | None:
    """Mean and Student's t confidence interval from a count, sum and sum of squares.

    Rule: mean = total / n; sample variance s^2 = (total_sq - total^2 / n) / (n - 1) (the
    unbiased estimator, n - 1 degrees of freedom); interval = mean +/- t(1 - (1 - level) / 2,
    n - 1) x s / sqrt(n). These three sums are what a SQL ``GROUP BY`` returns, so the
    interval needs no second pass over the scores. Floating-point cancellation can leave a
    tiny negative (or tiny positive) variance when every score is the same: anything within
    rounding error of zero (1e-10 of ``total_sq``) is taken as zero, so such a group has a
    zero-width interval.
    The interval is not clipped to the 0-100 scale (with very few respondents it can run past
    the ends); clip for display if wanted. None when n == 0; ``low``/``high`` None when n == 1.

    Source: Student's t interval for a mean with unknown variance (Student 1908; the standard
    method in the CQC and NHS survey programmes' technical documents for mean scores); the
    t quantile from ``scipy.stats.t``.
    """
    _check_level(level)
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    if n == 0:
        return None
    total = float(total)
    total_sq = float(total_sq)
    mean = total / n
    if n == 1:
        return MeanCI(n=n, mean=mean, low=None, high=None)
    sum_sq_dev = total_sq - total * total / n
    # Rounding error in total_sq - total^2/n (and in summing the squares, in SQL or here)
    # grows with total_sq: anything below 1e-10 of it is taken as exactly zero.
    if sum_sq_dev <= 1e-10 * abs(total_sq):
        sum_sq_dev = 0.0
    variance = sum_sq_dev / (n - 1)
    half = float(student_t.ppf(1 - (1 - level) / 2, n - 1)) * math.sqrt(variance / n)
    return MeanCI(n=n, mean=mean, low=mean - half, high=mean + half)


def wilson(k: int, n: int, level: float = 0.95) -> Proportion | None:
    """Proportion ``k / n`` with its Wilson score interval.

    Rule: with p = k / n and z the standard normal quantile at 1 - (1 - level) / 2,
    centre = (p + z^2 / 2n) / (1 + z^2 / n) and
    half-width = z / (1 + z^2 / n) x sqrt(p(1 - p) / n + z^2 / 4n^2);
    the interval is centre +/- half-width, kept within 0-1. None when n == 0.

    Source: Wilson score interval (Wilson 1927, JASA 22:209-212; the OHID/PHE standard
    method for proportions, "Technical Guide: Confidence Intervals", Public Health England).
    """
    _check_level(level)
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, not k={k}, n={n}")
    if n == 0:
        return None
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Proportion(k=k, n=n, p=p, low=low, high=high)


def band(group: MeanCI | None, reference_mean: float | None) -> str | None:
    """CQC-style band of a group's mean score against the pathway's mean.

    Rule: "better" when the group's whole confidence interval is above the reference mean
    (the whole pathway's), "worse" when it is wholly below, "about the same" when the interval
    contains it (an end equal to the reference counts as containing it). None when the group
    or the reference is missing, or the group has no interval (fewer than 2 respondents).
    The reference's own uncertainty is not taken into account.

    Source: CQC NHS Patient Survey Programme, banding of organisations' scores as
    "better / about the same / worse than expected" (reference/instruments.md, Publishing rules).
    """
    if group is None or reference_mean is None or group.low is None or group.high is None:
        return None
    if group.low > reference_mean:
        return BETTER
    if group.high < reference_mean:
        return WORSE
    return ABOUT_THE_SAME


def _box(counts: Mapping[str, int], codes: tuple[str, ...], level: float) -> Proportion | None:
    n = 0
    k = 0
    for code, count in counts.items():
        if code is None or code in MISSING_CODES:
            continue
        if code not in AGREEMENT_CODES:
            raise ValueError(f"not an agreement answer code: {code!r}")
        if count < 0:
            raise ValueError(f"a count must not be negative: {code!r} has {count}")
        n += count
        if code in codes:
            k += count
    return wilson(k, n, level)


def top_box(counts: Mapping[str, int], level: float = 0.95) -> Proportion | None:
    """Share answering "Strongly agree" (code "4") with its Wilson interval.

    Rule: top box = answers "4" / answers "1"-"4"; "Don't know" ("dk"), "no medication"
    ("nomed") and unanswered (None) are left out of the denominator; any other code is an
    error. None when nobody gave an agreement answer.

    Source: CTM reporting conventions, "top box" = % Strongly agree
    (reference/instruments.md); interval as :func:`wilson`.
    """
    return _box(counts, TOP_BOX_CODES, level)


def bottom_box(counts: Mapping[str, int], level: float = 0.95) -> Proportion | None:
    """Share answering "Strongly disagree" or "Disagree" (codes "1", "2") with its Wilson interval.

    Rule: bottom box = answers "1" or "2" / answers "1"-"4"; "dk", "nomed" and unanswered
    (None) are left out of the denominator; any other code is an error. None when nobody gave
    an agreement answer.

    Source: CTM reporting conventions, "bottom box" = % Strongly disagree + Disagree
    (reference/instruments.md); interval as :func:`wilson`.
    """
    return _box(counts, BOTTOM_BOX_CODES, level)
