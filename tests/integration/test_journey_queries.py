"""Journey queries on a few hand-built journeys along the demo pathway (getting help, in
hospital, leaving hospital (the move), support at home, six weeks on): every pair, change
and follow-up count below was worked out by hand from the table of responses."""

from __future__ import annotations

from datetime import date

import pytest

from app.data.journey_queries import follow_up, move_changes, paired_changes
from app.data.report_queries import ReportFilter
from app.extensions import db
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
# journey, stage, service, moved to, completed (2026 unless a year is given), scores, status
RESPONSES = [
    ("J1", IH, "county-wards", None, (2, 1), {IS: 80}),
    ("J1", LH, "county-wards", "oakview-care-home", (3, 1), {IS: 70, CTM3: 60}),
    ("J1", SH, "oakview-care-home", None, (4, 1), {IS: 50}),
    ("J1", SW, "oakview-care-home", None, (5, 1), {IS: 40, CTM3: 30}),
    ("J2", GH, "riverside-surgery", None, (1, 20), {IS: 100}),
    ("J2", IH, "county-wards", None, (2, 3), {IS: 60}),
    ("J2", LH, "county-wards", "oakview-care-home", (3, 3), {IS: 65}),
    ("J2", SH, "oakview-care-home", None, (4, 3), {IS: 40}),
    # J3 answered in hospital twice: the second (90) counts, unless a filter ends before it.
    ("J3", IH, "county-wards", None, (2, 5), {IS: 70}),
    ("J3", IH, "county-wards", None, (2, 20), {IS: 90}),
    ("J3", LH, "county-wards", "home", (3, 5), {IS: 85}),
    ("J3", SH, "reablement", None, (4, 5), {IS: 95}),
    ("J4", IH, "county-wards", None, (2, 10), {IS: 50}),
    # J5's hospital stay was in 2025, outside H1; it skipped support at home.
    ("J5", IH, "hillford-community-hospital", None, (2025, 12, 20), {IS: 30}),
    ("J5", LH, "hillford-community-hospital", "home", (3, 10), {IS: 50}),
    ("J5", SW, "reablement", None, (5, 10), {IS: 60}),
    ("J6", GH, "nhs-111", None, (1, 15), {IS: 90, COMM: 100}),
    ("J6", IH, "county-wards", None, (2, 15), {IS: 70, COMM: 50}),
    ("J7", IH, "county-wards", None, (3, 5), {IS: 75}),
    ("J7", SH, "reablement", None, None, {}),  # started, never completed
]


@pytest.fixture
def journeys(demo_area):
    made = Responses()
    for journey, stage, service, to, when, scores in RESPONSES:
        made.add(journey, stage, service, to, when, scores=scores)
    db.session.commit()


def sums(*changes: float) -> dict:
    return {
        "n": len(changes),
        "total": sum(changes),
        "total_sq": sum(c**2 for c in changes),
        "total_cu": sum(c**3 for c in changes),
    }


def by_pair(rows: list[dict]) -> dict:
    return {
        (r["stage_from"], r["stage_to"], r["measure"]): {
            k: r[k] for k in ("n", "total", "total_sq", "total_cu")
        }
        for r in rows
    }


def test_paired_changes_first_half_of_2026(journeys):
    # Latest per stage in H1: J1 IH 80 LH 70 SH 50 SW 40; J2 GH 100 IH 60 LH 65 SH 40;
    # J3 IH 90 LH 85 SH 95; J4 IH 50; J5 LH 50 SW 60 (its 2025 stay is out); J6 GH 90 IH 70;
    # J7 IH 75 (its support at home never completed).
    assert by_pair(paired_changes(H1)) == {
        (GH, IH, IS): sums(60 - 100, 70 - 90),  # J2, J6
        (GH, IH, COMM): sums(50 - 100),  # J6: the only one asked at both
        (GH, LH, IS): sums(65 - 100),  # J2
        (GH, SH, IS): sums(40 - 100),  # J2
        (IH, LH, IS): sums(70 - 80, 65 - 60, 85 - 90),  # J1, J2, J3 (latest: 90, not 70)
        (IH, SH, IS): sums(50 - 80, 40 - 60, 95 - 90),
        (IH, SW, IS): sums(40 - 80),  # J1
        (LH, SH, IS): sums(50 - 70, 40 - 65, 95 - 85),
        (LH, SW, IS): sums(40 - 70, 60 - 50),  # J1, J5
        (LH, SW, CTM3): sums(30 - 60),  # J1
        (SH, SW, IS): sums(40 - 50),  # J1
    }


def test_paired_rows_carry_stage_order_and_names(journeys):
    rows = paired_changes(H1)
    first = rows[0]
    assert set(first) == {
        "stage_from",
        "stage_from_position",
        "stage_from_name",
        "stage_to",
        "stage_to_position",
        "stage_to_name",
        "measure",
        "n",
        "total",
        "total_sq",
        "total_cu",
    }
    assert (first["stage_from_name"], first["stage_to_name"]) == ("Getting help", "In hospital")
    order = [(r["stage_from_position"], r["stage_to_position"]) for r in rows]
    assert order == sorted(order)
    assert all(r["stage_from_position"] < r["stage_to_position"] for r in rows)


def test_no_date_filter_brings_in_the_earlier_stay(journeys):
    pairs = by_pair(paired_changes(ReportFilter(PATHWAY)))
    # J5's 2025 hospital stay (30) now pairs with its move (50) and six weeks on (60).
    assert pairs[(IH, LH, IS)] == sums(70 - 80, 65 - 60, 85 - 90, 50 - 30)
    assert pairs[(IH, SW, IS)] == sums(40 - 80, 60 - 30)


def test_latest_is_the_latest_within_the_dates(journeys):
    # Up to 10 February: J3's first stay (70) is its latest; J6's stay (15 Feb) is out.
    early = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 2, 10))
    assert by_pair(paired_changes(early)) == {(GH, IH, IS): sums(60 - 100)}  # J2 only
    stages = {r["stage"]: r for r in follow_up(early)["stages"]}
    assert stages[GH]["people"] == 2 and stages[GH]["followed"] == 1  # J6's next is too late
    (not_followed,) = [
        r for r in follow_up(early)["measures"] if r["stage"] == IH and r["measure"] == IS
    ]
    assert not not_followed["followed"]
    assert {k: not_followed[k] for k in ("n", "total")} == {"n": 4, "total": 80 + 60 + 70 + 50}


def moves(rows: list[dict]) -> dict:
    return {
        (r["stage"], r["from_service"], r["to_service"], r["measure"]): {
            k: r[k] for k in ("n", "total", "total_sq", "total_cu")
        }
        for r in rows
    }


def test_move_changes_from_nearest_stage_before_to_nearest_after(journeys):
    # J1: in hospital 80 -> support at home 50 (not six weeks on); J2: in hospital 60 (not
    # getting help, 100) -> support at home 40; J3: 90 -> 95. J5 has no stage before its
    # move in H1. J1's CTM-3 was not asked in hospital: no CTM-3 row.
    assert moves(move_changes(H1)) == {
        (LH, "county-wards", "oakview-care-home", IS): sums(50 - 80, 40 - 60),
        (LH, "county-wards", "home", IS): sums(95 - 90),
    }
    (row,) = [r for r in move_changes(H1) if r["to_service"] == "home"]
    assert set(row) == {
        "stage",
        "stage_position",
        "stage_name",
        "from_service",
        "to_service",
        "measure",
        "n",
        "total",
        "total_sq",
        "total_cu",
    }
    assert (row["stage_position"], row["stage_name"]) == (3, "Leaving hospital")


def test_move_after_can_skip_a_stage(journeys):
    # Without dates J5 counts: hospital 30 -> six weeks on 60 (it skipped support at home).
    rows = moves(move_changes(ReportFilter(PATHWAY)))
    assert rows[(LH, "hillford-community-hospital", "home", IS)] == sums(60 - 30)


def test_follow_up_first_half_of_2026(journeys):
    result = follow_up(H1)
    stages = {r["stage"]: (r["people"], r["followed"]) for r in result["stages"]}
    # GH: J2, J6 both answered in hospital. IH: J1, J2, J3 went on; J4, J6, J7 did not (J7's
    # later form was never completed). LH: all four answered later. SH: only J1. Six weeks
    # on is the last stage: nobody can be followed beyond it.
    assert stages == {GH: (2, 2), IH: (6, 3), LH: (4, 4), SH: (3, 1)}
    measures = {
        (r["stage"], r["measure"], r["followed"]): {
            k: r[k] for k in ("n", "total", "total_sq", "total_cu")
        }
        for r in result["measures"]
    }
    assert measures == {
        (GH, IS, True): sums(100, 90),
        (GH, COMM, True): sums(100),
        (IH, IS, True): sums(80, 60, 90),
        (IH, IS, False): sums(50, 70, 75),
        (IH, COMM, False): sums(50),
        (LH, IS, True): sums(70, 65, 85, 50),
        (LH, CTM3, True): sums(60),
        (SH, IS, True): sums(50),
        (SH, IS, False): sums(40, 95),
    }


def test_service_filter_picks_the_people_not_every_response(journeys):
    oakview = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30), ("oakview-care-home",))
    # Pairs with either response naming Oakview: J1 and J2 from their move on; their
    # hospital stays pair with their moves to Oakview. J3 went home: left out.
    pairs = by_pair(paired_changes(oakview))
    assert pairs[(IH, LH, IS)] == sums(70 - 80, 65 - 60)
    assert (GH, IH, IS) not in pairs  # neither response names Oakview
    assert pairs[(GH, LH, IS)] == sums(65 - 100)
    # The moves to Oakview keep their hospital stays, which do not name Oakview.
    assert moves(move_changes(oakview)) == {
        (LH, "county-wards", "oakview-care-home", IS): sums(50 - 80, 40 - 60)
    }
    stages = {r["stage"]: (r["people"], r["followed"]) for r in follow_up(oakview)["stages"]}
    assert stages == {LH: (2, 2), SH: (2, 1)}


def test_a_role_nobody_has_gives_nothing(journeys):
    carers = ReportFilter(PATHWAY, role="carer")
    assert paired_changes(carers) == []
    assert move_changes(carers) == []
    assert follow_up(carers) == {"stages": [], "measures": []}


def test_a_pathway_is_required(journeys):
    with pytest.raises(ValueError, match="pathway"):
        paired_changes(ReportFilter(None))
