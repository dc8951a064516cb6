"""Whole journeys on a few hand-built journeys along the demo pathway (getting help, in
hospital, leaving hospital (the move), support at home, six weeks on): every journey score
below was worked out by hand from the table of responses."""

from __future__ import annotations

from datetime import date

import pytest

from app.data.report_queries import ReportFilter
from app.data.whole_journey_queries import whole_journeys
from app.extensions import db
from app.models import ResponseProfile
from tests.integration.journey_data import Responses

PATHWAY = "leaving-hospital"
H1 = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30))
IS, COMM, CTM3 = "i-statements", "i-statements:communication", "ctm-3"
GH, IH, LH, SH, SW = (
    "getting-help",
    "in-hospital",
    "leaving-hospital",
    "support-at-home",
    "six-weeks-on",
)
# Each person's sex as their profile gives it (None: no profile rows at all).
SEX = {
    "J1": "female",
    "J2": "male",
    "J3": "female",
    "J4": "female",
    "J5": None,
    "J6": "prefer_not_to_say",
    "J7": "male",
    "J8": "male",
}
# journey, stage, service, moved to, completed (2026 unless a year is given), role, scores
RESPONSES = [
    ("J1", IH, "county-wards", None, (2, 1), "patient", {IS: 80}),
    ("J1", LH, "county-wards", "oakview-care-home", (3, 1), "patient", {IS: 70, CTM3: 60}),
    ("J1", SH, "oakview-care-home", None, (4, 1), "patient", {IS: 50}),
    ("J1", SW, "oakview-care-home", None, (5, 1), "patient", {IS: 40, CTM3: 30}),
    # J2's carer answered its last stage.
    ("J2", GH, "riverside-surgery", None, (1, 20), "patient", {IS: 100}),
    ("J2", IH, "county-wards", None, (2, 3), "patient", {IS: 60}),
    ("J2", LH, "county-wards", "oakview-care-home", (3, 3), "patient", {IS: 65}),
    ("J2", SH, "oakview-care-home", None, (4, 3), "carer", {IS: 40}),
    # J3 answered in hospital twice: the second (90) counts, unless a filter ends before it.
    ("J3", IH, "county-wards", None, (2, 5), "patient", {IS: 70}),
    ("J3", IH, "county-wards", None, (2, 20), "patient", {IS: 90}),
    ("J3", LH, "county-wards", "home", (3, 5), "patient", {IS: 85}),
    ("J3", SH, "reablement", None, (4, 5), "patient", {IS: 95}),
    ("J4", IH, "county-wards", None, (2, 10), "patient", {IS: 50}),  # one stage only
    # J5's hospital stay was in 2025, outside H1; it skipped support at home.
    ("J5", IH, "hillford-community-hospital", None, (2025, 12, 20), "patient", {IS: 30}),
    ("J5", LH, "hillford-community-hospital", "home", (3, 10), "patient", {IS: 50}),
    ("J5", SW, "reablement", None, (5, 10), "patient", {IS: 60}),
    ("J6", GH, "nhs-111", None, (1, 15), "helped", {IS: 90, COMM: 100}),
    ("J6", IH, "county-wards", None, (2, 15), "helped", {IS: 70, COMM: 50}),
    ("J7", IH, "county-wards", None, (3, 5), "patient", {IS: 75}),
    ("J7", SH, "reablement", None, None, "patient", {}),  # started, never completed
    # J8 answered two stages but was scored on each measure at only one of them.
    ("J8", IH, "county-wards", None, (2, 12), "patient", {IS: 20}),
    ("J8", LH, "county-wards", "home", (3, 12), "patient", {CTM3: 40}),
]
OTHER_DIMENSIONS = (
    "age_band",
    "gender_identity_same",
    "sexual_orientation",
    "religion",
    "ethnic_broad",
    "ethnic_group",
    "disability",
    "carer",
)


@pytest.fixture
def journeys(demo_area):
    made = Responses()
    for journey, stage, service, to, when, role, scores in RESPONSES:
        response = made.add(journey, stage, service, to, when, role, scores)
        if when is not None and SEX[journey] is not None:
            db.session.add(
                ResponseProfile(
                    response_id=response.id,
                    sex=SEX[journey],
                    **dict.fromkeys(OTHER_DIMENSIONS, "not_answered"),
                )
            )
    db.session.commit()


def sums(*journey_scores: float) -> dict:
    return {
        "n": len(journey_scores),
        "total": pytest.approx(sum(journey_scores)),
        "total_sq": pytest.approx(sum(s**2 for s in journey_scores)),
        "total_cu": pytest.approx(sum(s**3 for s in journey_scores)),
    }


def by_group(rows: list[dict], dimension: str) -> dict:
    return {
        (r["group"], r["measure"]): {k: r[k] for k in ("n", "total", "total_sq", "total_cu")}
        for r in rows
        if r["dimension"] == dimension
    }


# Journey scores in H1 (latest response per stage, mean over stages scored on the measure):
# J1 I statements (80 + 70 + 50 + 40) / 4 = 60, CTM-3 (60 + 30) / 2 = 45;
# J2 (100 + 60 + 65 + 40) / 4 = 66.25; J3 (90 + 85 + 95) / 3 = 90 (its first stay, 70, is
# superseded); J5 (50 + 60) / 2 = 55 (its 2025 stay is out); J6 (90 + 70) / 2 = 80,
# communication (100 + 50) / 2 = 75. Left out: J4 (one stage), J7 (its second stage was
# never completed), J8 (each measure scored at one stage only).
J1, J1_CTM3, J2, J3, J5, J6, J6_COMM = 60, 45, 66.25, 90, 55, 80, 75


def test_pathway_journey_scores_first_half_of_2026(journeys):
    rows = whole_journeys(H1, ("pathway",))
    assert by_group(rows, "pathway") == {
        (None, IS): sums(J1, J2, J3, J5, J6),
        (None, COMM): sums(J6_COMM),
        (None, CTM3): sums(J1_CTM3),
    }
    (row,) = [r for r in rows if r["measure"] == IS]
    assert set(row) == {"dimension", "group", "measure", "n", "total", "total_sq", "total_cu"}
    assert row["total"] / row["n"] == pytest.approx(351.25 / 5)


def test_role_is_the_role_at_the_last_stage_answered(journeys):
    # Last stage answered: J1 six weeks on (patient), J2 support at home (its carer), J3
    # support at home (patient), J5 six weeks on (patient), J6 in hospital (helped).
    assert by_group(whole_journeys(H1, ("role",)), "role") == {
        ("patient", IS): sums(J1, J3, J5),
        ("patient", CTM3): sums(J1_CTM3),
        ("carer", IS): sums(J2),
        ("helped", IS): sums(J6),
        ("helped", COMM): sums(J6_COMM),
    }


def test_equality_groups_include_not_answered_and_prefer_not_to_say(journeys):
    rows = whole_journeys(H1, ("sex", "age_band"))
    assert by_group(rows, "sex") == {
        ("female", IS): sums(J1, J3),
        ("female", CTM3): sums(J1_CTM3),
        ("male", IS): sums(J2),
        ("not_answered", IS): sums(J5),  # no profile at all
        ("prefer_not_to_say", IS): sums(J6),
        ("prefer_not_to_say", COMM): sums(J6_COMM),
    }
    assert by_group(rows, "age_band") == {
        ("not_answered", IS): sums(J1, J2, J3, J5, J6),
        ("not_answered", COMM): sums(J6_COMM),
        ("not_answered", CTM3): sums(J1_CTM3),
    }


def test_rows_come_in_the_order_of_the_dimensions_asked(journeys):
    rows = whole_journeys(H1, ("sex", "pathway", "role"))
    dims = [r["dimension"] for r in rows]
    assert dims == sorted(dims, key=("sex", "pathway", "role").index)
    assert {r["dimension"] for r in rows} == {"sex", "pathway", "role"}


def test_no_date_filter_brings_in_the_earlier_stay(journeys):
    pathway = by_group(whole_journeys(ReportFilter(PATHWAY), ("pathway",)), "pathway")
    # J5's 2025 hospital stay (30) now counts: (30 + 50 + 60) / 3.
    assert pathway[(None, IS)] == sums(J1, J2, J3, (30 + 50 + 60) / 3, J6)


def test_latest_is_the_latest_within_the_dates(journeys):
    # Up to 10 February: J2 answered getting help (100) and in hospital (60); J3 only its
    # first hospital stay; J6's hospital stay (15 Feb) is out, leaving it one stage.
    early = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 2, 10))
    assert by_group(whole_journeys(early, ("pathway",)), "pathway") == {
        (None, IS): sums((100 + 60) / 2)
    }


def test_a_role_filter_applies_to_every_response(journeys):
    # Patients only: J2's carer-answered last stage is out, so J2 is (100 + 60 + 65) / 3 and
    # a patient at its last stage; J6 (helped to answer) is out altogether.
    patients = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30), role="patient")
    rows = whole_journeys(patients, ("pathway", "role"))
    assert by_group(rows, "pathway")[(None, IS)] == sums(J1, 75, J3, J5)
    assert set(by_group(rows, "role")) == {("patient", IS), ("patient", CTM3)}


def test_service_filter_picks_the_people_with_all_their_stages(journeys):
    # Oakview: J1 and J2 moved there; their hospital and GP stages count too.
    oakview = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30), ("oakview-care-home",))
    assert by_group(whole_journeys(oakview, ("pathway",)), "pathway") == {
        (None, IS): sums(J1, J2),
        (None, CTM3): sums(J1_CTM3),
    }
    # Reablement: J3 (support at home) and J5 (six weeks on); J7's reablement form was never
    # completed, and it has one stage anyway.
    reablement = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30), ("reablement",))
    assert by_group(whole_journeys(reablement, ("pathway", "sex")), "sex") == {
        ("female", IS): sums(J3),
        ("not_answered", IS): sums(J5),
    }


def test_nobody_gives_nothing_and_unknown_dimensions_are_refused(journeys):
    assert whole_journeys(ReportFilter(PATHWAY, role="carer"), ("pathway", "role")) == []
    with pytest.raises(ValueError, match="choose from"):
        whole_journeys(H1, ("stage",))
    with pytest.raises(ValueError, match="pathway"):
        whole_journeys(ReportFilter(None), ("pathway",))
