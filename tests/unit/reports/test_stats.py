"""Hand-computed checks of reports.stats: mean with Student's t interval, Wilson interval,
top and bottom box, moments, the comparison of a group with its reference (against every
possible group of a small population), Benjamini-Hochberg, and banding. How often the
comparison raises false alarms on realistic data: test_false_alarms.py."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import astuple
from decimal import Decimal
from statistics import NormalDist

import numpy as np
import pytest
from scipy.stats import pearson3
from scipy.stats import skew as sample_skew

from reports.stats import (
    ABOUT_THE_SAME,
    BANDING_METHOD,
    BETTER,
    WORSE,
    Comparison,
    MeanCI,
    Moments,
    Proportion,
    band,
    band_of,
    bottom_box,
    compare,
    false_discoveries,
    mean_ci,
    mean_ci_of_counts,
    top_box,
    wilson,
)

SD, D, A, SA = 0.0, 100 / 3, 200 / 3, 100.0  # respondent scores of one-item answers


def sums(scores: list[float]) -> tuple[int, float, float]:
    return len(scores), sum(scores), sum(s * s for s in scores)


# --- mean_ci --------------------------------------------------------------------------------


def test_mean_ci_by_hand():
    # Scores 0, 33.33, 66.67, 100: mean 50; deviations -50, -16.67, 16.67, 50;
    # sum of squares 2500 + 277.78 + 277.78 + 2500 = 5555.56; s^2 = 5555.56 / 3 = 1851.85;
    # s = 43.03; SE = 43.03 / 2 = 21.517; t(0.975, 3) = 3.1824; half-width = 68.475.
    ci = mean_ci(*sums([SD, D, A, SA]))
    assert ci is not None
    assert ci.n == 4
    assert ci.mean == pytest.approx(50.0)
    sd = (ci.high - ci.mean) / 3.1824463 * math.sqrt(4)  # half-width / t x sqrt(n)
    assert sd == pytest.approx(43.03, abs=0.01)
    assert ci.low == pytest.approx(50 - 68.475, abs=0.001)
    assert ci.high == pytest.approx(50 + 68.475, abs=0.001)


def test_mean_ci_uses_t_not_z():
    # Two scores 0 and 100: mean 50, s = 70.71, SE = 50, t(0.975, 1) = 12.706 (z would be 1.96).
    ci = mean_ci(*sums([SD, SA]))
    assert ci.low == pytest.approx(50 - 12.7062 * 50, abs=0.01)
    assert ci.high == pytest.approx(50 + 12.7062 * 50, abs=0.01)


def test_mean_ci_other_level():
    # Same four scores at 90%: t(0.95, 3) = 2.3534; half-width = 2.3534 x 21.517 = 50.64.
    ci = mean_ci(*sums([SD, D, A, SA]), level=0.90)
    assert ci.high - ci.mean == pytest.approx(50.64, abs=0.01)


def test_mean_ci_no_respondents():
    assert mean_ci(0, 0.0, 0.0) is None


def test_mean_ci_one_respondent_has_no_interval():
    assert mean_ci(1, 66.7, 66.7**2) == MeanCI(n=1, mean=66.7, low=None, high=None)


@pytest.mark.parametrize("value", [SD, D, A, SA, 77.77777777777777])
@pytest.mark.parametrize("n", [2, 7, 30, 1000])
def test_mean_ci_all_the_same_is_zero_width(value, n):
    ci = mean_ci(n, value * n, value * value * n)
    assert ci.mean == pytest.approx(value)
    assert ci.low == ci.high == ci.mean


def test_mean_ci_tiny_negative_variance_is_zero():
    # Rounding can make total_sq a hair below total^2 / n: no error, no NaN.
    n, total = 3, 200.0
    ci = mean_ci(n, total, total * total / n * (1 - 1e-15))
    assert ci.low == ci.high == pytest.approx(200 / 3)


def test_mean_ci_accepts_decimal_like_sums():
    ci = mean_ci(4, Decimal("200"), Decimal("15555.5555555556"))
    assert ci.mean == pytest.approx(50.0)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1])
def test_mean_ci_rejects_bad_level(level):
    with pytest.raises(ValueError):
        mean_ci(4, 200.0, 15555.6, level=level)


# --- wilson ---------------------------------------------------------------------------------


def test_wilson_8_of_10():
    # p = 0.8, z = 1.95996; centre = (0.8 + 0.19207) / 1.38415 = 0.71683;
    # half = 1.95996 / 1.38415 x sqrt(0.016 + 0.0096037) = 0.22667: 0.4902 to 0.9433.
    p = wilson(8, 10)
    assert (p.k, p.n, p.p) == (8, 10, 0.8)
    assert p.low == pytest.approx(0.4902, abs=5e-4)
    assert p.high == pytest.approx(0.9433, abs=5e-4)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe RG, Stat Med 1998;17:857-872, Table II (method 3, Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_matches_published_values(k, n, low, high):
    p = wilson(k, n)
    assert round(p.low, 4) == low
    assert round(p.high, 4) == high


def test_wilson_ends_stay_in_range():
    assert wilson(0, 10).low == 0.0
    assert wilson(10, 10).high == 1.0
    assert wilson(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10).low == pytest.approx(0.7225, abs=1e-4)


def test_wilson_no_denominator():
    assert wilson(0, 0) is None


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (1, -1)])
def test_wilson_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson(k, n)


# --- top and bottom box ---------------------------------------------------------------------


COUNTS = {"1": 1, "2": 2, "3": 3, "4": 4, "dk": 5, "nomed": 6}


def test_top_box_is_strongly_agree_over_agreement_answers():
    # 4 strongly agree of 1 + 2 + 3 + 4 = 10 answers; the 11 "dk"/"nomed" are left out.
    assert top_box(COUNTS) == wilson(4, 10)


def test_bottom_box_is_disagree_and_strongly_disagree():
    assert bottom_box(COUNTS) == wilson(3, 10)


def test_boxes_with_only_missing_answers():
    assert top_box({"dk": 7, "nomed": 2}) is None
    assert bottom_box({}) is None


def test_box_missing_codes_absent_is_fine():
    assert top_box({"4": 10}) == Proportion(k=10, n=10, p=1.0, low=wilson(10, 10).low, high=1.0)


def test_box_rejects_unknown_code():
    with pytest.raises(ValueError):
        top_box({"4": 1, "5": 1})


# --- banding --------------------------------------------------------------------------------


GROUP = MeanCI(n=40, mean=70.0, low=65.0, high=75.0)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (60.0, BETTER),  # whole interval above the pathway
        (80.0, WORSE),  # whole interval below
        (70.0, ABOUT_THE_SAME),
        (65.0, ABOUT_THE_SAME),  # an end equal to the reference contains it
        (75.0, ABOUT_THE_SAME),
        (64.99, BETTER),
        (75.01, WORSE),
    ],
)
def test_band(reference, expected):
    assert band(GROUP, reference) == expected


def test_band_needs_a_group_an_interval_and_a_reference():
    assert band(None, 50.0) is None
    assert band(GROUP, None) is None
    assert band(MeanCI(n=1, mean=90.0, low=None, high=None), 50.0) is None


def test_band_from_real_sums():
    # Group of ten all "Strongly agree" bar one "Agree" against a pathway mean of 70.
    scores = [SA] * 9 + [A]
    assert band(mean_ci(*sums(scores)), 70.0) == BETTER
    assert band(mean_ci(*sums([SD, D, A, SA])), 50.0) == ABOUT_THE_SAME


def test_banding_method_is_plain_english():
    for words in (
        "better",
        "worse",
        "about the same",
        "chance alone",
        "picked at random from the pathway's own people",
        "Benjamini-Hochberg",
        "1 in 20",
        "'Not answered' and 'Prefer not to say' are counted, not compared",
    ):
        assert words in BANDING_METHOD
    assert "confidence interval" not in BANDING_METHOD  # no longer how groups are banded


# --- moments --------------------------------------------------------------------------------


def test_moments_by_hand():
    # Scores 0, 100, 100, 100: mean 75; deviations -75, 25, 25, 25; variance (5625 + 3 x 625)
    # / 4 = 1875; third moment (-421875 + 3 x 15625) / 4 = -93750; skew -93750 / 1875^1.5
    # = -2 / sqrt(3) = -1.1547 (a long tail downwards).
    scores = [SD, SA, SA, SA]
    by_sums = Moments.of_sums(4, sum(scores), sum(s**2 for s in scores), sum(s**3 for s in scores))
    by_counts = Moments.of_counts({SD: 1, SA: 3})
    for m in (by_sums, by_counts):
        assert m.n == 4
        assert m.mean == pytest.approx(75.0)
        assert m.variance == pytest.approx(1875.0)
        assert m.skew == pytest.approx(-2 / math.sqrt(3))


def test_moments_match_numpy_and_scipy_on_survey_like_scores():
    rng = np.random.default_rng(3)
    scores = np.round(rng.beta(5, 1.5, 3000) * 24) * 100 / 24  # 8-item scores, bunched high
    m = Moments.of_sums(len(scores), scores.sum(), (scores**2).sum(), (scores**3).sum())
    assert m.mean == pytest.approx(scores.mean())
    assert m.variance == pytest.approx(scores.var())  # population variance, /n
    assert m.skew == pytest.approx(sample_skew(scores), rel=1e-9)
    assert m.skew < -0.5
    values, counts = np.unique(scores, return_counts=True)
    by_counts = Moments.of_counts(dict(zip(values.tolist(), counts.tolist(), strict=True)))
    assert astuple(by_counts) == pytest.approx(astuple(m))


@pytest.mark.parametrize("value", [SD, D, A, SA, 77.77777777777777, 100 / 45 * 37])
@pytest.mark.parametrize("n", [1, 2, 7, 30, 1000, 1_000_000])
def test_moments_of_identical_scores_have_no_spread_and_no_skew(value, n):
    m = Moments.of_sums(n, value * n, value * value * n, value**3 * n)
    assert m.mean == pytest.approx(value)
    assert (m.variance, m.skew) == (0.0, 0.0)
    by_counts = Moments.of_counts({value: n})
    assert (by_counts.mean, by_counts.variance, by_counts.skew) == (pytest.approx(value), 0, 0)


def test_moments_one_different_score_in_a_million_keeps_its_spread():
    # Not taken for rounding error: variance about 100^2 / n, skew about -sqrt(n).
    n = 1_000_000
    total, total_sq, total_cu = (n - 1) * 100.0, (n - 1) * 1e4, (n - 1) * 1e6
    m = Moments.of_sums(n, total, total_sq, total_cu)
    assert m.variance == pytest.approx(1e4 / n, rel=1e-3)
    assert m.skew == pytest.approx(-math.sqrt(n), rel=1e-2)


def test_moments_accept_decimal_sums_and_ignore_empty_answers():
    m = Moments.of_sums(4, Decimal("300"), Decimal("30000"), Decimal("3000000"))
    assert (m.mean, m.variance) == (pytest.approx(75.0), pytest.approx(1875.0))
    assert Moments.of_counts({SD: 1, D: 0, SA: 3}) == Moments.of_counts({SD: 1, SA: 3})


@pytest.mark.parametrize("counts", [{}, {SA: 0}, {SA: 3, SD: -1}])
def test_moments_of_counts_refuse_no_answers_or_negative_counts(counts):
    with pytest.raises(ValueError):
        Moments.of_counts(counts)


def test_moments_of_sums_refuse_no_scores():
    with pytest.raises(ValueError):
        Moments.of_sums(0, 0.0, 0.0, 0.0)


# --- compare --------------------------------------------------------------------------------


def normal_p(z: float) -> float:
    return 2 * NormalDist().cdf(-abs(z))


FLAT = Moments(n=1000, mean=80.0, variance=400.0, skew=0.0)


def test_compare_outside_the_reference_by_hand():
    # 16 people averaging 75 against 80 with sd 20: se = 20 / 4 = 5, z = -1, p = 0.3173.
    c = compare(16, 16 * 75.0, FLAT, within=False)
    assert c.direction == WORSE
    assert c.z == pytest.approx(-1.0)
    assert c.p == pytest.approx(0.31731, abs=1e-5)


def test_compare_within_the_reference_uses_the_finite_population_correction():
    # Part of 1000 people: se = 5 x sqrt((1000 - 16) / 999) = 4.96236, z = -1.00758.
    c = compare(16, 16 * 75.0, FLAT)
    assert c.z == pytest.approx(-5 / 4.96236, rel=1e-5)
    assert c.p == pytest.approx(normal_p(-5 / 4.96236), rel=1e-4)
    # Half the people: se = sqrt(400 / 500 x 500 / 999) = 0.63277; 1 point is z = 1.58.
    half = compare(500, 500 * 81.0, FLAT)
    assert (half.direction, half.z) == (BETTER, pytest.approx(1 / 0.63277, rel=1e-4))


@pytest.mark.parametrize("skew", [-2.0, -1.2, -0.3, 1e-6, 0.4, 1.5])
@pytest.mark.parametrize("mean", [60.0, 74.0, 79.5, 83.0, 90.0])
def test_compare_tails_are_pearson_type_iii(skew, mean):
    # Outside the reference: mean of 25 has se 20 / 5 = 4 and skewness skew / 5.
    reference = Moments(n=1000, mean=80.0, variance=400.0, skew=skew)
    c = compare(25, 25 * mean, reference, within=False)
    dist = pearson3(skew / 5, loc=80.0, scale=4.0)
    assert c.p == pytest.approx(min(1.0, 2 * min(dist.cdf(mean), dist.sf(mean))), rel=1e-6)


@functools.cache
def every_group_of(n: int) -> tuple[np.ndarray, Moments]:
    """The totals of every possible group of n of SMALL's people, and SMALL's moments."""
    members = np.array(list(itertools.combinations(range(len(SMALL)), n)))
    p = SMALL
    reference = Moments.of_sums(len(p), p.sum(), (p**2).sum(), (p**3).sum())
    return np.round(p[members].sum(axis=1), 9), reference


# 24 people's 8-item scores (steps of 100/24), most near the top, a few low: skew -1.23.
SMALL = np.array(
    [24] * 6 + [23, 22, 22, 21, 21, 20, 20, 19, 18, 18, 17, 16, 14, 12, 10, 7, 3, 0], dtype=float
) * (100 / 24)


def test_compare_standard_error_is_that_of_every_possible_group():
    totals, reference = every_group_of(6)  # all 134,596 groups of 6
    c = compare(6, totals[0], reference)
    se = (totals[0] / 6 - reference.mean) / c.z
    assert se == pytest.approx((totals / 6).std(), rel=1e-9)


def test_compare_skewness_is_that_of_every_possible_group():
    # The p value is Pearson type III with the exact sd and skewness of all groups' means.
    totals, reference = every_group_of(6)
    means = totals / 6
    sd, skew = means.std(), ((means - means.mean()) ** 3).mean() / means.std() ** 3
    assert skew < -0.2  # skewed downwards, like the scores
    for total in np.quantile(totals, [0.01, 0.3, 0.8, 0.99], method="nearest"):
        dist = pearson3(skew, loc=reference.mean, scale=sd)
        expected = 2 * min(dist.cdf(total / 6), dist.sf(total / 6))
        assert compare(6, total, reference).p == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("quantile", [0.025, 0.05, 0.95, 0.975])
def test_compare_p_matches_the_permutation_p_in_both_tails(quantile):
    # The exact p (mid-p on ties) at the 2.5%, 5%, 95% and 97.5% points of all groups of 6:
    # the skew-corrected p is within 25% of it, and closer than a normal p would be.
    totals, reference = every_group_of(6)
    total = np.quantile(totals, quantile, method="nearest")
    ties = np.isclose(totals, total).mean() / 2
    exact = 2 * min((totals < total - 1e-6).mean() + ties, (totals > total + 1e-6).mean() + ties)
    c = compare(6, total, reference)
    assert c.p == pytest.approx(exact, rel=0.25)
    assert abs(c.p - exact) < abs(normal_p(c.z) - exact)


def test_compare_is_symmetric_for_a_symmetric_reference_and_mirrors_a_skewed_one():
    symmetric = Moments.of_counts({SD: 5, D: 20, A: 20, SA: 5})
    worse, better = compare(40, 40 * 40.0, symmetric), compare(40, 40 * 60.0, symmetric)
    assert (worse.direction, better.direction) == (WORSE, BETTER)
    assert worse.p == pytest.approx(better.p)
    # Scores bunched at the top, and the same answers mirrored (bunched at the bottom).
    top = Moments.of_counts({SD: 2, D: 5, A: 30, SA: 63})
    bottom = Moments.of_counts({SA: 2, A: 5, D: 30, SD: 63})
    low, high = compare(20, 20 * 70.0, top), compare(20, 20 * 30.0, bottom)
    assert (low.direction, high.direction) == (WORSE, BETTER)
    assert low.p == pytest.approx(high.p)
    # A chance low is more common than an equally distant chance high when scores bunch at
    # the top: the same distance below gives a larger p than above.
    assert low.p > compare(20, 20 * (2 * top.mean - 70.0), top).p


def test_compare_equal_to_the_reference():
    c = compare(30, 30 * 80.0, FLAT)
    assert c == Comparison(p=1.0, direction=None, z=0.0)


def test_compare_not_possible():
    assert compare(1, 50.0, FLAT) is None  # one person
    assert compare(0, 0.0, FLAT) is None
    assert compare(10, 800.0, Moments(n=50, mean=80.0, variance=0.0, skew=0.0)) is None
    assert compare(1000, 80_000.0, FLAT) is None  # the group is the whole pathway
    assert compare(1000, 80_000.0, FLAT, within=False) is not None  # not part of it


# --- false discoveries (Benjamini-Hochberg) -------------------------------------------------


def test_false_discoveries_by_hand():
    # Seven p values, q = 0.05. Sorted: 0.001, 0.0025, 0.01, 0.02, 0.05, 0.50, 0.69 against
    # k/7 x 0.05 = 0.0071, 0.0143, 0.0214, 0.0286, 0.0357, 0.0429, 0.05: the largest k with
    # p(k) <= its bound is 4 (0.02 <= 0.0286), so the four smallest are discoveries.
    p = [0.50, 0.01, 0.001, 0.69, 0.02, 0.05, 0.0025]
    assert false_discoveries(p) == [False, True, True, False, True, False, True]


def test_false_discoveries_step_up():
    # 0.03 > 1/3 x 0.05 and 0.035 > 2/3 x 0.05, but 0.04 <= 3/3 x 0.05: all three are called.
    assert false_discoveries([0.04, 0.03, 0.035]) == [True, True, True]
    # Bonferroni would call none of them (each above 0.05 / 3).
    assert false_discoveries([0.04, 0.03, 0.035], q=0.01) == [False, False, False]


def test_false_discoveries_edges():
    assert false_discoveries([]) == []
    assert false_discoveries([0.049]) == [True]
    assert false_discoveries([0.051]) == [False]
    assert false_discoveries([0.2] * 100) == [False] * 100


@pytest.mark.parametrize(
    ("p", "q"), [([0.1, 1.2], 0.05), ([0.1, float("nan")], 0.05), ([0.1], 0), ([0.1], 1)]
)
def test_false_discoveries_refuse_impossible_values(p, q):
    with pytest.raises(ValueError):
        false_discoveries(p, q)


# --- band_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "flagged", "expected"),
    [
        (Comparison(p=0.0001, direction=WORSE, z=-4.0), True, WORSE),
        (Comparison(p=0.0001, direction=BETTER, z=4.0), True, BETTER),
        (Comparison(p=0.0001, direction=WORSE, z=-4.0), False, ABOUT_THE_SAME),
        (Comparison(p=1.0, direction=None, z=0.0), True, ABOUT_THE_SAME),
        (None, False, None),
    ],
)
def test_band_of(comparison, flagged, expected):
    assert band_of(comparison, flagged) == expected


# --- mean_ci_of_counts ----------------------------------------------------------------------


def test_mean_ci_of_counts_is_the_t_interval_of_the_answers():
    # One of each answer: the same four scores as test_mean_ci_by_hand (50 +/- 68.475).
    ci = mean_ci_of_counts({SD: 1, D: 1, A: 1, SA: 1})
    assert (ci.n, ci.mean) == (4, pytest.approx(50.0))
    assert (ci.low, ci.high) == (
        pytest.approx(50 - 68.475, abs=1e-3),
        pytest.approx(50 + 68.475, abs=1e-3),
    )


def test_mean_ci_of_counts_agrees_with_mean_ci_of_the_scores():
    counts = {SD: 3, D: 11, A: 140, SA: 246}
    scores = [value for value, count in counts.items() for _ in range(count)]
    expected = mean_ci(*sums(scores), level=0.9)
    got = mean_ci_of_counts(counts, level=0.9)
    assert (got.n, got.mean, got.low, got.high) == (
        expected.n,
        pytest.approx(expected.mean),
        pytest.approx(expected.low),
        pytest.approx(expected.high),
    )


def test_mean_ci_of_counts_few_answers():
    assert mean_ci_of_counts({}) is None
    assert mean_ci_of_counts({SA: 0, A: 0}) is None
    assert mean_ci_of_counts({A: 1, SA: 0}) == MeanCI(n=1, mean=A, low=None, high=None)
    ci = mean_ci_of_counts({SA: 12})
    assert ci.low == ci.high == ci.mean == SA
    with pytest.raises(ValueError):
        mean_ci_of_counts({SA: 12, SD: -1})
