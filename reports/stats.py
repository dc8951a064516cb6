"""Summary statistics for published results: mean scores with confidence intervals, proportions
with Wilson intervals, top and bottom box, and the comparison of a group with the pathway.

Publishing rules: a mean score is shown with its 95% confidence interval (Student's t); a
proportion with a Wilson score interval (the OHID/PHE standard); a group is banded "better /
about the same / worse" by asking how likely chance alone is to give a group of its size,
drawn from the pathway's own people, a mean as far from the pathway's (:func:`compare`), with
Benjamini-Hochberg false discovery rate control across one report (:func:`false_discoveries`).
Why, and what was rejected: docs/decisions/0008-comparing-groups.md.

Pure: the standard library, NumPy and SciPy only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.special import gammainc, gammaincc, ndtr
from scipy.stats import false_discovery_control
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
    "Each group (a stage of the pathway, a service, a move between services, a sector, a role "
    "or an equality group) is compared with the pathway as a whole; each statement with all "
    "the answers to its questionnaire. We ask how often chance alone would give a group of "
    "that size, picked at random from the pathway's own people, an average as far from the "
    "pathway's as this group's. This is the idea behind the 'expected range' the Care Quality "
    "Commission uses to band trusts in the national patient surveys. Most people give high "
    "scores, so a few low scores pull a small group's average down further than high scores "
    "can push it up; we allow for that, so a group is no more likely to be wrongly called "
    "'better' than wrongly called 'worse'. A report makes about a hundred comparisons, and "
    "some groups will look different by chance alone. So the comparisons in one report are "
    "judged together (the Benjamini-Hochberg method): a group is marked 'better' or 'worse' "
    "only when the evidence is strong enough that, of all the groups so marked, at most about "
    "1 in 20 is expected to be a false alarm. Every other group is marked 'about the same': "
    "it may still differ a little from the pathway, but this survey cannot show it. The 95% "
    "interval shown beside each score describes that group alone, so a group's interval can "
    "lie just above or below the pathway's average while the group is still marked 'about "
    "the same'. The headline lists only groups marked 'better' or 'worse'. 'Not "
    "answered' and 'Prefer not to say' are counted, not compared: they are largely the same "
    "people in every equality question. Groups with too few answers to publish are not "
    "compared."
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


def mean_ci_of_counts(counts: Mapping[float, int], level: float = 0.95) -> MeanCI | None:
    """:func:`mean_ci` of a distribution ``{value: number of answers}`` (a statement's answers
    on 0-100). None when there are no answers."""
    x, w = _distribution(counts)
    return mean_ci(int(w.sum()), w @ x, w @ x**2, level)


def _distribution(counts: Mapping[float, int]) -> tuple[np.ndarray, np.ndarray]:
    """Values and their counts as arrays; a negative count is an error."""
    if any(count < 0 for count in counts.values()):
        raise ValueError(f"a count must not be negative: {dict(counts)!r}")
    return np.array([float(v) for v in counts]), np.array([float(c) for c in counts.values()])


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


@dataclass(frozen=True)
class Moments:
    """``n`` scores as mean, population variance (over n) and skewness (third central moment
    over variance^1.5: negative when scores bunch at the top; 0 with no variance). The
    reference a group is compared with: the pathway's scores, or a questionnaire's answers."""

    n: int
    mean: float
    variance: float
    skew: float

    @classmethod
    def of_sums(cls, n: int, total: float, total_sq: float, total_cu: float) -> Moments:
        """From n and the sums of x, x^2 and x^3 (what a SQL ``GROUP BY`` returns).

        m2 = total_sq/n - mean^2, m3 = total_cu/n - 3 mean total_sq/n + 2 mean^3; what is left
        within 1e-10 of the terms subtracted is rounding error, taken as 0 (identical scores
        have variance 0 and skew 0).
        """
        if n < 1:
            raise ValueError(f"moments need at least one score, not n={n}")
        mean = float(total) / n
        raw2, raw3 = float(total_sq) / n, float(total_cu) / n
        m2 = raw2 - mean * mean
        m2 = 0.0 if m2 <= 1e-10 * abs(raw2) else m2
        m3 = raw3 - 3 * mean * raw2 + 2 * mean**3
        m3_scale = abs(raw3) + 3 * abs(mean) * raw2 + 2 * abs(mean) ** 3
        m3 = 0.0 if m2 == 0 or abs(m3) <= 1e-10 * m3_scale else m3
        return cls(n=n, mean=mean, variance=m2, skew=m3 / m2**1.5 if m2 else 0.0)

    @classmethod
    def of_counts(cls, counts: Mapping[float, int]) -> Moments:
        """From a distribution ``{value: number of answers}`` (a statement's answers, 0-100)."""
        x, w = _distribution(counts)
        return cls.of_sums(int(w.sum()), w @ x, w @ x**2, w @ x**3)


@dataclass(frozen=True)
class Comparison:
    """A group against its reference: two-sided ``p``, ``direction`` (BETTER when its mean is
    above the reference's, WORSE below, None equal) and ``z``, the difference in standard
    errors (before the allowance for skew; ``p`` includes it)."""

    p: float
    direction: str | None
    z: float


def _pearson3_tails(z: float, skew: float) -> tuple[float, float]:
    """P(Z <= z), P(Z >= z) for ``scipy.stats.pearson3(skew)`` (mean 0, sd 1): a gamma of
    shape 4/skew^2 shifted and scaled, normal below scipy's switch-over skew. Computed with
    the incomplete gamma function: ``pearson3.cdf`` costs 150 times as much (0.3 ms a call),
    and the false-alarm simulations make hundreds of thousands of comparisons."""
    if abs(skew) < _NORMAL_BELOW_SKEW:
        return float(ndtr(z)), float(ndtr(-z))
    shape = 4 / (skew * skew)
    x = max(0.0, shape + 2 * z / skew)
    below, above = float(gammainc(shape, x)), float(gammaincc(shape, x))
    return (below, above) if skew > 0 else (above, below)


_NORMAL_BELOW_SKEW = 1.6e-5  # scipy.stats.pearson3's own switch to the normal distribution


def compare(n: int, total: float, reference: Moments, within: bool = True) -> Comparison | None:
    """Is a group of ``n`` whose scores sum to ``total`` different from ``reference``?

    Rule: the group's mean is set against the means that groups of ``n`` people picked at
    random from the reference's own people would have (the permutation view: under "no
    difference" the group is such a pick). Those means have
      standard error  se = sqrt(var/n x (N-n)/(N-1))            (finite population correction)
      skewness        g  = skew x (N-2n)/(N-2) x sqrt((N-1)/(n(N-n)))
    when the group is part of the reference (``within``, N = reference.n; for large N,
    g ~ skew (1-2f)/sqrt(n(1-f)) with f = n/N), and se = sqrt(var/n), g = skew/sqrt(n) when it
    is not. A Pearson type III distribution with that mean, se and g gives both tails;
    p = min(1, 2 x the smaller). Allowing for g matters because scores bunch at the top of the
    scale: means of small groups have a long tail downwards, and a normal (or t) test then
    calls chance highs "better" more often than chance lows "worse".
    None when n < 2, the reference's scores are all the same, or (``within``) n >= N: the
    group is the whole reference.

    Sources: the "expected range" of the CQC NHS Patient Survey Programme (a score against
    the range chance gives an organisation of its size; "Technical details for analysing
    trust-level results"); the finite population correction (Cochran, Sampling Techniques,
    3rd ed. 1977, ch. 2); the third moment of a mean drawn without replacement (Sugden,
    Smith and Jones, J R Stat Soc B 2000;62:787-793, on Cochran's rule for skewed
    populations); Pearson type III from three moments (``scipy.stats.pearson3``). Both
    moments are checked against every possible group of a small population in the tests.
    """
    if n < 2 or reference.variance <= 0:
        return None
    big_n = reference.n
    if within and n >= big_n:
        return None
    if within:
        se = math.sqrt(reference.variance / n * (big_n - n) / (big_n - 1))
        shrink = (big_n - 2 * n) / (big_n - 2) if big_n > 2 else 0.0
        g = reference.skew * shrink * math.sqrt((big_n - 1) / (n * (big_n - n)))
    else:
        se = math.sqrt(reference.variance / n)
        g = reference.skew / math.sqrt(n)
    z = (float(total) / n - reference.mean) / se
    below, above = _pearson3_tails(z, g)
    p = min(1.0, 2 * min(below, above))
    direction = WORSE if z < 0 else BETTER if z > 0 else None
    return Comparison(p=p, direction=direction, z=z)


def false_discoveries(p_values: Sequence[float], q: float = 0.05) -> list[bool]:
    """Which comparisons to call different, keeping the false discovery rate at ``q``.

    Rule (Benjamini-Hochberg step-up): sort the m p values, find the largest k with
    p(k) <= k/m x q, call the k smallest different. On average at most a share ``q`` of the
    groups called better or worse are false alarms. Pass every comparison of one report.

    Source: Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. J R Stat Soc B 1995;57:289-300; computed by
    ``scipy.stats.false_discovery_control`` (method "bh").
    """
    if not 0 < q < 1:
        raise ValueError(f"the false discovery rate must be between 0 and 1, not {q!r}")
    if len(p_values) == 0:
        return []
    adjusted = false_discovery_control(np.asarray(p_values, dtype=float), method="bh")
    return [bool(a <= q) for a in adjusted]


def band_of(comparison: Comparison | None, flagged: bool) -> str | None:
    """BETTER or WORSE when :func:`false_discoveries` flagged the comparison (by its
    direction), ABOUT_THE_SAME when not; None when there was no comparison."""
    if comparison is None:
        return None
    if flagged and comparison.direction in (BETTER, WORSE):
        return comparison.direction
    return ABOUT_THE_SAME


def band(group: MeanCI | None, reference_mean: float | None) -> str | None:
    """CQC-style band of a group's mean score against the pathway's mean.

    Rule: "better" when the group's whole confidence interval is above the reference mean,
    "worse" when wholly below, "about the same" when it contains it (an end equal counts).
    None when the group or the reference is missing, or the group has no interval.
    Superseded by :func:`compare` and :func:`false_discoveries` (docs/decisions/0008): on
    scores bunched at the top this calls chance highs "better" about twice as often as chance
    lows "worse", and with about 100 groups a report shows several false findings.

    Source: the confidence-interval reading of CQC NHS Patient Survey Programme bands
    ("better / about the same / worse than expected").
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

    Source: top-box reporting of the Care Transitions Measure (Coleman et al., Med Care
    2005;43:246-255; its CTM-3 items are the HCAHPS "care transition" measure, publicly
    reported by CMS as % "Strongly agree"); interval as :func:`wilson`.
    """
    return _box(counts, TOP_BOX_CODES, level)


def bottom_box(counts: Mapping[str, int], level: float = 0.95) -> Proportion | None:
    """Share answering "Strongly disagree" or "Disagree" (codes "1", "2") with its Wilson interval.

    Rule: bottom box = answers "1" or "2" / answers "1"-"4"; "dk", "nomed" and unanswered
    (None) are left out of the denominator; any other code is an error. None when nobody gave
    an agreement answer.

    Source: bottom-box reporting of the Care Transitions Measure (HCAHPS "care transition":
    % "Strongly disagree" or "Disagree", as CMS reports it); interval as :func:`wilson`.
    """
    return _box(counts, BOTTOM_BOX_CODES, level)
