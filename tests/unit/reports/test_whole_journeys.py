"""Whole-journey figures from rows of sums: which groups are hidden, and which are flagged."""

from __future__ import annotations

import pytest

from reports.figures import COMPARISON, public
from reports.headline import band_all
from reports.stats import ABOUT_THE_SAME, WORSE
from reports.whole_journeys import whole_journey_figures

IS, CTM3 = "i-statements", "ctm-3"
LABELS = {
    "role": {"patient": "Patient", "carer": "Carer", "helped": "Patient, helped to answer"},
    "sex": {"female": "Female", "male": "Male", "not_answered": "Not answered"},
}


def row(dimension: str, group, measure: str, scores: list[float]) -> dict:
    return {
        "dimension": dimension,
        "group": group,
        "measure": measure,
        "n": len(scores),
        "total": float(sum(scores)),
        "total_sq": float(sum(s**2 for s in scores)),
        "total_cu": float(sum(s**3 for s in scores)),
    }


def rows_of(dimension: str, groups: dict, measure: str = IS) -> list[dict]:
    """The pathway row (everyone in ``groups``) and one row per group."""
    everyone = [s for scores in groups.values() for s in scores]
    return [row("pathway", None, measure, everyone)] + [
        row(dimension, g, measure, scores) for g, scores in groups.items()
    ]


def spread(n: int, centre: float) -> list[float]:
    """n journey scores around ``centre`` (within 10 points either side)."""
    return [centre + (i % 5 - 2) * 5 for i in range(n)]


def cells_by_group(cells: list[dict]) -> dict:
    return {(c["measure"], c["group"]): c for c in cells}


def test_a_small_group_is_hidden_with_the_next_smallest():
    rows = rows_of(
        "sex", {"female": spread(25, 70), "male": spread(12, 70), "not_answered": spread(3, 70)}
    )
    result = whole_journey_figures(rows, LABELS, threshold=10)
    sex = cells_by_group(result["equality"]["sex"])
    # 3 not answered: hidden; 40 - 25 would give them away unless males (12) are hidden too.
    assert sex[(IS, "not_answered")]["suppressed"]
    assert sex[(IS, "male")]["suppressed"]
    assert not sex[(IS, "female")]["suppressed"]
    assert sex[(IS, "female")]["n"] == 25 and sex[(IS, "female")]["mean"] == pytest.approx(70)
    assert sex[(IS, "female")]["label"] == "Female"
    (everyone,) = result["pathway"]
    assert (everyone["dimension"], everyone["group"], everyone["n"]) == ("pathway", None, 40)
    assert not everyone["suppressed"]
    hidden = public(sex[(IS, "male")])
    assert hidden["n"] is None and hidden["mean"] is None and hidden["label"] == "Male"


def test_every_group_is_listed_on_every_measure_and_nobody_is_hidden():
    rows = rows_of("sex", {"female": spread(20, 70), "male": spread(15, 60)}) + rows_of(
        "sex",
        {"female": spread(30, 70), "male": spread(20, 60), "not_answered": spread(12, 60)},
        measure=CTM3,
    )
    sex = cells_by_group(whole_journey_figures(rows, LABELS, threshold=10)["equality"]["sex"])
    # Nobody who did not say their sex has an I statements journey score: listed, hidden,
    # so its absence does not show it holds none; males, the next smallest, go with it.
    assert sex[(IS, "not_answered")]["suppressed"]
    assert sex[(IS, "male")]["suppressed"]
    assert not sex[(IS, "female")]["suppressed"]
    assert not any(sex[(CTM3, g)]["suppressed"] for g in ("female", "male", "not_answered"))


def test_too_few_people_followed_hides_the_measure_and_all_its_groups():
    rows = rows_of("role", {"patient": spread(5, 70), "carer": spread(4, 60)}) + rows_of(
        "role", {"patient": spread(30, 70), "carer": spread(20, 60)}, measure=CTM3
    )
    result = whole_journey_figures(rows, LABELS, threshold=10)
    everyone = {c["measure"]: c for c in result["pathway"]}
    assert everyone[IS]["suppressed"] and not everyone[CTM3]["suppressed"]
    roles = cells_by_group(result["roles"])
    assert roles[(IS, "patient")]["suppressed"] and roles[(IS, "carer")]["suppressed"]
    assert not roles[(CTM3, "patient")]["suppressed"]
    assert roles[(CTM3, "carer")]["label"] == "Carer"


def test_a_clearly_worse_group_is_flagged_against_everyone_followed():
    rows = rows_of(
        "role",
        {"patient": spread(80, 75), "carer": spread(25, 45), "helped": spread(15, 69)},
    )
    result = whole_journey_figures(rows, LABELS, threshold=10)
    cells = [*result["pathway"], *result["roles"]]
    band_all(cells)
    roles = cells_by_group(result["roles"])
    assert roles[(IS, "carer")]["band"] == WORSE
    assert roles[(IS, "helped")]["band"] == ABOUT_THE_SAME
    assert COMPARISON not in result["pathway"][0]  # everyone is what groups are compared with


def test_not_answered_is_counted_but_never_compared():
    rows = rows_of(
        "sex",
        {"female": spread(40, 75), "male": spread(40, 75), "not_answered": spread(25, 30)},
    )
    result = whole_journey_figures(rows, LABELS, threshold=10)
    band_all([*result["pathway"], *result["equality"]["sex"]])
    sex = cells_by_group(result["equality"]["sex"])
    missing = sex[(IS, "not_answered")]
    # Far below everyone, and shown, but never banded.
    assert not missing["suppressed"] and missing["mean"] == pytest.approx(30)
    assert missing["band"] is None and COMPARISON not in missing
    assert missing["compared"] is False
    assert sex[(IS, "female")]["band"] is not None


def test_a_person_with_no_role_recorded_is_not_known():
    rows = rows_of("role", {"patient": spread(20, 70), None: spread(12, 70)})
    roles = cells_by_group(whole_journey_figures(rows, LABELS, threshold=10)["roles"])
    assert roles[(IS, None)]["label"] == "Not known"
    assert roles[(IS, "patient")]["label"] == "Patient"


def test_no_rows_give_empty_lists():
    assert whole_journey_figures([], LABELS, threshold=10) == {
        "pathway": [],
        "roles": [],
        "equality": {},
    }
