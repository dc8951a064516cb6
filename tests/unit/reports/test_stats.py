"""Hand-computed checks of reports.stats: mean with Student's t interval, Wilson interval,
top and bottom box, and CQC-style banding."""

from __future__ import annotations

import math

import pytest

from reports.stats import (
    ABOUT_THE_SAME,
    BANDING_METHOD,
    BETTER,
    WORSE,
    MeanCI,
    Proportion,
    band,
    bottom_box,
    mean_ci,
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
    from decimal import Decimal

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
    assert "95% confidence interval" in BANDING_METHOD
    assert all(word in BANDING_METHOD for word in ("better", "worse", "about the same"))
