"""Hand-computed checks of reports.scoring (respondent scores 0-100) on the real instrument
files: score = (mean of the answered items - 1) / 3 x 100; "dk" and "nomed" are missing;
a score needs the instrument's minimum of the items asked."""

from __future__ import annotations

import pytest

from reports.scoring import Score, linear_0_100, measure_id, score_response, score_short_form
from surveys import load_instruments

CTM15_IDS = [f"ctm{i:02d}" for i in range(1, 16)]
CTM3_IDS = ["ctm3_1", "ctm3_2", "ctm3_3"]


@pytest.fixture(scope="module")
def registry():
    return load_instruments()


def whole(scores: list[Score]) -> Score:
    return scores[0]


def by_measure(scores: list[Score]) -> dict[str, Score]:
    return {s.measure: s for s in scores}


# --- the transform --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1], 0.0),
        ([2], 100 / 3),
        ([3], 200 / 3),
        ([4], 100.0),
        ([4, 3, 3], 77.78),  # mean 3.333; (3.333 - 1) / 3 x 100 = 77.78
        ([1, 2], 16.67),  # mean 1.5; 0.5 / 3 x 100
    ],
)
def test_linear_0_100(values, expected):
    assert linear_0_100(values) == pytest.approx(expected, abs=0.005)


def test_measure_ids():
    assert measure_id("ctm-15") == "ctm-15"
    assert measure_id("i-statements", "communication") == "i-statements:communication"


# --- CTM-15 ---------------------------------------------------------------------------------


def test_ctm15_all_dont_know_has_no_score(registry):
    answers = dict.fromkeys(CTM15_IDS, "dk")
    score = whole(score_response(registry["ctm-15"], CTM15_IDS, answers))
    assert score == Score("ctm-15", None, 0, 15, top=0, bottom=0)


def test_ctm15_exactly_ten_answered_has_a_score(registry):
    # Five "4" and five "3", five "dk": mean 3.5 -> (3.5 - 1) / 3 x 100 = 83.33.
    answers = dict.fromkeys(CTM15_IDS[:5], "4") | dict.fromkeys(CTM15_IDS[5:10], "3")
    answers |= dict.fromkeys(CTM15_IDS[10:], "dk")
    score = whole(score_response(registry["ctm-15"], CTM15_IDS, answers))
    assert score.answered == 10
    assert score.asked == 15
    assert score.value == pytest.approx(83.33, abs=0.005)


def test_ctm15_nine_answered_has_none(registry):
    answers = dict.fromkeys(CTM15_IDS[:9], "4")  # six left blank
    score = whole(score_response(registry["ctm-15"], CTM15_IDS, answers))
    assert score == Score("ctm-15", None, 9, 15, top=9, bottom=0)


def test_ctm15_is_not_scored_by_domain(registry):
    answers = dict.fromkeys(CTM15_IDS, "4")
    scores = score_response(registry["ctm-15"], CTM15_IDS, answers)
    assert [s.measure for s in scores] == ["ctm-15"]
    assert scores[0].value == 100.0


def test_ctm15_subset_asked_changes_the_minimum(registry):
    # Twelve asked: the minimum is still 10 (min(10, 12)).
    asked = CTM15_IDS[:12]
    ten = dict.fromkeys(asked[:10], "2")
    nine = dict.fromkeys(asked[:9], "2")
    instrument = registry["ctm-15"]
    assert whole(score_response(instrument, asked, ten)).value == pytest.approx(100 / 3)
    assert whole(score_response(instrument, asked, nine)).value is None
    # Six asked: the minimum falls to 6 (min(10, 6)), so all six are needed.
    asked = CTM15_IDS[:6]
    all_six = dict.fromkeys(asked, "1")
    five = dict.fromkeys(asked[:5], "1") | {asked[5]: "dk"}
    assert whole(score_response(instrument, asked, all_six)) == Score("ctm-15", 0.0, 6, 6, 0, 6)
    assert whole(score_response(instrument, asked, five)) == Score("ctm-15", None, 5, 6, 0, 5)


def test_answers_to_items_not_asked_are_ignored(registry):
    asked = CTM15_IDS[:10]
    answers = dict.fromkeys(asked, "3") | dict.fromkeys(CTM15_IDS[10:], "1")
    assert whole(score_response(registry["ctm-15"], asked, answers)) == Score(
        "ctm-15", pytest.approx(200 / 3), 10, 10, top=0, bottom=0
    )


def test_unknown_code_is_missing(registry):
    answers = dict.fromkeys(CTM15_IDS[:9], "4") | {CTM15_IDS[9]: "nomed"}  # no "nomed" here
    assert whole(score_response(registry["ctm-15"], CTM15_IDS, answers)).value is None


# --- CTM-3 ----------------------------------------------------------------------------------


def test_ctm3_four_three_three(registry):
    answers = {"ctm3_1": "4", "ctm3_2": "3", "ctm3_3": "3"}
    score = whole(score_response(registry["ctm-3"], CTM3_IDS, answers))
    assert score.value == pytest.approx(77.78, abs=0.005)  # mean 3.333
    assert (score.answered, score.asked) == (3, 3)


def test_ctm3_two_of_three_is_enough(registry):
    answers = {"ctm3_1": "1", "ctm3_2": "2", "ctm3_3": "dk"}
    score = whole(score_response(registry["ctm-3"], CTM3_IDS, answers))
    assert score.value == pytest.approx(16.67, abs=0.005)  # mean 1.5
    assert score.answered == 2


def test_ctm3_no_medication_never_counts(registry):
    instrument = registry["ctm-3"]
    # Two answered plus "no medication": a score over the two only, 4 and 3 -> 83.33.
    two = {"ctm3_1": "4", "ctm3_2": "3", "ctm3_3": "nomed"}
    assert whole(score_response(instrument, CTM3_IDS, two)).value == pytest.approx(83.33, abs=0.005)
    # One answered plus "no medication": below the minimum of 2.
    one = {"ctm3_1": "4", "ctm3_2": "dk", "ctm3_3": "nomed"}
    assert whole(score_response(instrument, CTM3_IDS, one)) == Score("ctm-3", None, 1, 3, 1, 0)


def test_ctm3_all_missing(registry):
    answers = {"ctm3_1": "dk", "ctm3_2": "dk", "ctm3_3": "nomed"}
    assert whole(score_response(registry["ctm-3"], CTM3_IDS, answers)).value is None


# --- top and bottom boxes ------------------------------------------------------------------


def test_top_and_bottom_counts_on_a_worked_example(registry):
    # 15 asked: five "Strongly agree" (4), three "Agree" (3), two "Disagree" (2), three
    # "Strongly disagree" (1), two "Don't know". Top: the five 4s. Bottom: the 2s and 1s, 5.
    # Agree is neither; "Don't know" is not an answer. Mean (20+9+4+3)/13 = 2.769 -> 58.97.
    codes = ["4"] * 5 + ["3"] * 3 + ["2"] * 2 + ["1"] * 3 + ["dk"] * 2
    answers = dict(zip(CTM15_IDS, codes, strict=True))
    score = whole(score_response(registry["ctm-15"], CTM15_IDS, answers))
    assert (score.answered, score.top, score.bottom) == (13, 5, 5)
    assert score.value == pytest.approx(58.97, abs=0.005)


def test_top_and_bottom_per_domain(registry):
    answers = {"is_kept_informed": "4", "is_worked_as_team": "1", "is_set_goals": "2"}
    asked = [*COMMUNICATION, "is_set_goals"]
    scores = by_measure(score_response(registry["i-statements"], asked, answers))
    assert (scores["i-statements"].top, scores["i-statements"].bottom) == (1, 2)
    communication = scores["i-statements:communication"]
    assert (communication.top, communication.bottom) == (1, 1)
    goals = scores["i-statements:goals_outcomes"]
    assert (goals.top, goals.bottom) == (0, 1)


# --- CTM-3 from a CTM-15 --------------------------------------------------------------------

CTM3_IN_CTM15 = {"ctm02": "ctm3_1", "ctm09": "ctm3_2", "ctm13": "ctm3_3"}


def ctm3_of_ctm15(registry, answers: dict[str, str], asked=CTM15_IDS) -> Score | None:
    ctm15 = registry["ctm-15"]
    (form,) = ctm15.short_forms
    return score_short_form(ctm15, form, registry["ctm-3"], asked, answers)


@pytest.mark.parametrize(
    ("three", "expected"),
    [
        (("4", "3", "3"), (77.78, 3, 1, 0)),  # mean 3.333
        (("1", "2", "dk"), (16.67, 2, 0, 2)),  # mean 1.5
        (("4", "4", "2"), (77.78, 3, 2, 1)),
        (("4", "dk", "dk"), (None, 1, 1, 0)),  # one of three: below CTM-3's minimum of 2
    ],
)
def test_ctm15_answers_give_the_ctm3_score_of_the_same_three_answers(registry, three, expected):
    answers = dict.fromkeys(CTM15_IDS, "1") | dict(zip(CTM3_IN_CTM15, three, strict=True))
    derived = ctm3_of_ctm15(registry, answers)
    direct = whole(
        score_response(registry["ctm-3"], CTM3_IDS, dict(zip(CTM3_IDS, three, strict=True)))
    )
    assert derived == direct
    value, answered, top, bottom = expected
    assert derived.measure == "ctm-3"
    assert derived.value == (None if value is None else pytest.approx(value, abs=0.005))
    assert (derived.answered, derived.asked, derived.top, derived.bottom) == (
        answered,
        3,
        top,
        bottom,
    )


def test_no_medication_on_ctm3_and_dont_know_on_ctm15_item_13_are_both_missing(registry):
    # CTM-15 item 13 offers no "no medication": a person given none answers "Don't know".
    assert "nomed" not in registry["ctm-15"].item("ctm13").scale.codes
    on_ctm3 = whole(
        score_response(
            registry["ctm-3"], CTM3_IDS, {"ctm3_1": "4", "ctm3_2": "3", "ctm3_3": "nomed"}
        )
    )
    on_ctm15 = ctm3_of_ctm15(registry, {"ctm02": "4", "ctm09": "3", "ctm13": "dk"})
    assert on_ctm15 == on_ctm3
    assert on_ctm15.value == pytest.approx(83.33, abs=0.005)  # 4 and 3 only
    assert (on_ctm15.answered, on_ctm15.asked) == (2, 3)


def test_ctm3_from_ctm15_counts_only_the_mapped_items_asked(registry):
    # A survey asking only the medicines domain (items 13-15) asks one CTM-3 item: one
    # answered of one asked meets CTM-3's minimum (min(2, 1)), as a CTM-3 asking one would.
    medicines = ["ctm13", "ctm14", "ctm15"]
    derived = ctm3_of_ctm15(registry, {"ctm13": "2", "ctm02": "4"}, asked=medicines)
    assert (derived.value, derived.answered, derived.asked) == (pytest.approx(100 / 3), 1, 1)
    # Nothing of the CTM-3 asked: no CTM-3 score at all.
    assert ctm3_of_ctm15(registry, {"ctm14": "4"}, asked=["ctm14", "ctm15"]) is None


# --- I statements ---------------------------------------------------------------------------

COMMUNICATION = ["is_kept_informed", "is_worked_as_team", "is_knew_in_charge", "is_first_contact"]
GOALS = ["is_self_management", "is_set_goals", "is_home_support"]


def test_i_statements_whole_and_per_domain(registry):
    # Seven asked: four communication, three goals. Minimum overall ceil(3.5) = 4;
    # communication ceil(2) = 2; goals ceil(1.5) = 2.
    asked = COMMUNICATION + GOALS
    answers = {
        "is_kept_informed": "4",
        "is_worked_as_team": "2",
        "is_knew_in_charge": "dk",
        "is_first_contact": "dk",
        "is_self_management": "3",
        "is_set_goals": "dk",
        "is_home_support": "dk",
    }
    scores = by_measure(score_response(registry["i-statements"], asked, answers))
    # Whole: only 3 of 7 answered (< 4): no score.
    assert scores["i-statements"] == Score("i-statements", None, 3, 7, top=1, bottom=1)
    # Communication: 2 of 4 answered (= half): mean of 4 and 2 = 3 -> 66.67.
    communication = scores["i-statements:communication"]
    assert communication.value == pytest.approx(66.67, abs=0.005)
    assert (communication.answered, communication.asked) == (2, 4)
    # Goals: 1 of 3 answered (< 2): no score.
    assert scores["i-statements:goals_outcomes"] == Score(
        "i-statements:goals_outcomes", None, 1, 3, top=0, bottom=0
    )
    # Domains with nothing asked are not reported at all.
    assert set(scores) == {
        "i-statements",
        "i-statements:communication",
        "i-statements:goals_outcomes",
    }


def test_i_statements_half_answered_scores(registry):
    # Four asked, two answered (exactly half): 4 and 3 -> mean 3.5 -> 83.33.
    answers = {"is_kept_informed": "4", "is_worked_as_team": "3"}
    scores = by_measure(score_response(registry["i-statements"], COMMUNICATION, answers))
    assert scores["i-statements"].value == pytest.approx(83.33, abs=0.005)
    assert scores["i-statements:communication"].value == pytest.approx(83.33, abs=0.005)


def test_i_statements_one_asked_needs_one(registry):
    scores = score_response(registry["i-statements"], ["is_set_goals"], {"is_set_goals": "1"})
    assert [(s.measure, s.value) for s in scores] == [
        ("i-statements", 0.0),
        ("i-statements:goals_outcomes", 0.0),
    ]
    none = score_response(registry["i-statements"], ["is_set_goals"], {"is_set_goals": "dk"})
    assert [s.value for s in none] == [None, None]


def test_subset_of_i_statements_changes_the_minimum(registry):
    # Five asked: minimum ceil(2.5) = 3, so two answered is not enough; three is.
    asked = [*COMMUNICATION, "is_set_goals"]
    two = {"is_kept_informed": "4", "is_worked_as_team": "4"}
    three = two | {"is_set_goals": "1"}
    instrument = registry["i-statements"]
    assert whole(score_response(instrument, asked, two)).value is None
    # Mean of 4, 4, 1 = 3 -> 66.67.
    assert whole(score_response(instrument, asked, three)).value == pytest.approx(66.67, abs=0.005)


def test_nothing_asked_gives_no_scores(registry):
    assert score_response(registry["i-statements"], [], {}) == []
