"""Figures for the same people before and after, and for follow-up: hand-worked examples,
and a seeded check that the band raises no more false alarms than it should."""

from __future__ import annotations

import random

import pytest

from reports.figures import COMPARISON
from reports.headline import band_all
from reports.paired import change, change_words, follow_up_figures, follow_up_words
from reports.stats import ABOUT_THE_SAME, BETTER, WORSE


def sums(*values: float, **labels) -> dict:
    return {
        **labels,
        "n": len(values),
        "total": sum(values),
        "total_sq": sum(v**2 for v in values),
        "total_cu": sum(v**3 for v in values),
    }


def test_mean_change_and_paired_t_interval():
    # Changes -10, -20, -30, 0: mean -15; sample variance (1400 - 60^2/4) / 3 = 500/3, so
    # se = sqrt(500/3/4) = 6.455; t(0.975, 3 df) = 3.1824 from tables: -15 +/- 20.543.
    cell = change(sums(-10, -20, -30, 0, stage_from="a", stage_to="b", measure="m"))
    assert (cell["stage_from"], cell["stage_to"], cell["measure"]) == ("a", "b", "m")
    assert cell["n"] == 4 and cell["mean"] == -15
    assert cell["low"] == pytest.approx(-35.543, abs=1e-3)
    assert cell["high"] == pytest.approx(5.543, abs=1e-3)
    assert cell["band"] is None and cell["suppressed"] is False
    for sum_name in ("total", "total_sq", "total_cu"):
        assert sum_name not in cell


def test_band_asks_whether_swapping_before_and_after_could_give_it():
    # Swapping each person's answers gives changes of +/-10, 20, 30, 0: mean 0, variance
    # 1400/4 = 350, so the mean of 4 has se sqrt(350/4) = 9.354 and z = -15/9.354 = -1.604;
    # no skew (swapping is symmetric): p = 2 x Phi(-1.604) = 0.1088.
    comparison = change(sums(-10, -20, -30, 0))[COMPARISON]
    assert comparison.z == pytest.approx(-1.6036, abs=1e-4)
    assert comparison.p == pytest.approx(0.1088, abs=1e-4)
    assert comparison.direction == WORSE


def test_interval_stays_within_the_possible_changes():
    # -90 and -100: mean -95, sd sqrt(50), t(0.975, 1) = 12.706: -158.5 to -31.5 -> -100.
    cell = change(sums(-90, -100))
    assert cell["low"] == -100
    assert cell["high"] == pytest.approx(-95 + 12.7062 * 5, abs=1e-3)


def test_one_person_has_a_change_but_no_interval_or_band():
    cell = change(sums(-40))
    assert (cell["n"], cell["mean"], cell["low"], cell["high"]) == (1, -40, None, None)
    assert COMPARISON not in cell


def test_nobody_changing_is_no_clear_change():
    cells = [change(sums(0, 0, 0))]
    band_all(cells)
    assert cells[0]["band"] == ABOUT_THE_SAME
    assert change_words(cells[0]["band"]) == "no clear change"


def test_bands_in_words_after_the_report_wide_control():
    drop = change(sums(*[-20 + d for d in (-5, 0, 5, -3, 3, 2, -2, 1, -1, 0, 4, -4)]))
    rise = change(sums(*[15 + d for d in (-5, 0, 5, -3, 3, 2, -2, 1, -1, 0, 4, -4)]))
    noise = change(sums(-10, 10, -5, 5, 0, 3, -3, 8, -8, 1))
    band_all([drop, rise, noise])
    assert [change_words(c["band"]) for c in (drop, rise, noise)] == [
        "got worse",
        "got better",
        "no clear change",
    ]
    assert change_words(None) == ""


def scored_twice(rnd: random.Random, n: int, shift: float = 0.0) -> dict:
    """n people scored 0-100 twice, bunched near the top, with no real change (or ``shift``)."""
    changes = []
    for _ in range(n):
        usual = 100 * rnd.betavariate(5, 1.5)
        first = min(100.0, max(0.0, usual + rnd.gauss(0, 12)))
        second = min(100.0, max(0.0, usual + rnd.gauss(0, 12) + shift))
        changes.append(second - first)
    return sums(*changes)


@pytest.mark.parametrize("n", [10, 20])
def test_no_real_change_is_rarely_called_a_change(n):
    rnd = random.Random(13 + n)
    calls = {WORSE: 0, BETTER: 0}
    runs = 3000
    for _ in range(runs):
        comparison = change(scored_twice(rnd, n))[COMPARISON]
        if comparison.p < 0.05:
            calls[comparison.direction] += 1
    assert (calls[WORSE] + calls[BETTER]) / runs < 0.06
    assert calls[WORSE] / runs < 0.035 and calls[BETTER] / runs < 0.035  # neither side favoured


def test_a_real_drop_of_fifteen_points_is_found():
    rnd = random.Random(5)
    found = sum(change(scored_twice(rnd, 30, shift=-15))[COMPARISON].p < 0.05 for _ in range(200))
    assert found / 200 > 0.9


def follow_up_result() -> dict:
    labels = {"stage": "in-hospital", "stage_position": 2, "stage_name": "In hospital"}
    return {
        "stages": [{**labels, "people": 6, "followed": 3}],
        "measures": [
            {**labels, "measure": "i", "followed": True, **sums(80, 60, 90)},
            {**labels, "measure": "i", "followed": False, **sums(50, 70, 75)},
            {**labels, "measure": "i:comm", "followed": False, **sums(50)},
        ],
    }


def test_follow_up_share_with_wilson_interval():
    (stage,) = follow_up_figures(follow_up_result())["stages"]
    assert (stage["stage"], stage["people"], stage["followed"]) == ("in-hospital", 6, 3)
    # Wilson 3 of 6, z = 1.96: centre 0.5, half-width 1.96/1.6403 x sqrt(1/24 + 3.8415/144)
    # = 0.3124.
    assert stage["share"]["p"] == 0.5
    assert stage["share"]["low"] == pytest.approx(0.1876, abs=1e-4)
    assert stage["share"]["high"] == pytest.approx(0.8124, abs=1e-4)


def test_follow_up_difference_compares_the_followed_with_the_whole_stage():
    both, only_one = follow_up_figures(follow_up_result())["measures"]
    # Followed 80, 60, 90 (mean 76.67) against not 50, 70, 75 (65): 11.67 points higher.
    assert both["measure"] == "i"
    assert (both["n_followed"], both["n_not_followed"]) == (3, 3)
    assert both["mean_followed"] == pytest.approx(230 / 3)
    assert both["mean_not_followed"] == 65
    assert both["difference"] == pytest.approx(230 / 3 - 65)
    # All six: mean 70.83, variance (over 6) 31125/6 - 70.83^2 = 170.14. Three picked at
    # random from six: se = sqrt(170.14/3 x 3/5) = 5.833, so z = (76.67 - 70.83)/5.833 = 1;
    # half the stage has no skew in its means, so p = 2 x Phi(-1) = 0.3173.
    assert both[COMPARISON].z == pytest.approx(1.0)
    assert both[COMPARISON].p == pytest.approx(0.3173, abs=1e-4)
    band_all([both])
    assert follow_up_words(both["band"]) == (
        "no clear difference between those followed up and those not"
    )
    # Nobody followed up on the second measure: nothing to compare.
    assert (only_one["n_followed"], only_one["mean_not_followed"]) == (0, 50)
    assert only_one["difference"] is None and COMPARISON not in only_one
