"""Path queries on a few hand-built journeys along the demo pathway (getting help, in
hospital, leaving hospital (the move), support at home, six weeks on): every flow and path
below was worked out by hand from the table of responses. A person's place at the move is
where they moved to."""

from __future__ import annotations

from datetime import date

import pytest

from app.data.path_queries import flows, whole_paths
from app.data.report_queries import ReportFilter
from app.extensions import db
from tests.integration.journey_data import Responses

PATHWAY = "leaving-hospital"
H1 = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30))
Q1 = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 3, 31))
GH, IH, LH, SH, SW = (
    "getting-help",
    "in-hospital",
    "leaving-hospital",
    "support-at-home",
    "six-weeks-on",
)
WARDS, HILLFORD, OAKVIEW = "county-wards", "hillford-community-hospital", "oakview-care-home"
# journey (None: no journey code), stage, service, moved to, completed (2026 unless a year is
# given; None: never completed), role
RESPONSES = [
    ("J1", IH, WARDS, None, (2, 1), "patient"),
    ("J1", LH, WARDS, OAKVIEW, (3, 1), "patient"),
    ("J1", SH, OAKVIEW, None, (4, 1), "patient"),
    ("J2", IH, WARDS, None, (2, 3), "patient"),
    ("J2", LH, WARDS, OAKVIEW, (3, 3), "patient"),
    ("J2", SH, OAKVIEW, None, (4, 3), "patient"),
    # J3 answered in hospital twice: the later answer (County wards) counts, unless the
    # filter ends before it; it skipped support at home.
    ("J3", IH, HILLFORD, None, (2, 5), "patient"),
    ("J3", IH, WARDS, None, (4, 20), "patient"),
    ("J3", LH, WARDS, "home", (3, 5), "patient"),
    ("J3", SW, "reablement", None, (5, 5), "patient"),
    ("J4", GH, "nhs-111", None, (1, 10), "patient"),  # one stage: no flow, no path
    ("J5", GH, "riverside-surgery", None, (1, 15), "carer"),
    ("J5", IH, WARDS, None, (2, 15), "carer"),
    # J6's hospital stay was in 2025, outside H1.
    ("J6", IH, WARDS, None, (2025, 12, 20), "patient"),
    ("J6", LH, HILLFORD, "home", (3, 10), "patient"),
    ("J6", SH, "reablement", None, (4, 10), "patient"),
    ("J7", IH, WARDS, None, (3, 5), "patient"),
    ("J7", SH, "reablement", None, None, "patient"),  # started, never completed
    (None, IH, WARDS, None, (2, 2), "patient"),  # no journey code: not followed
    (None, SH, OAKVIEW, None, (4, 2), "patient"),
]


@pytest.fixture
def journeys(demo_area):
    made = Responses()
    for journey, stage, service, to, when, role in RESPONSES:
        made.add(journey, stage, service, to, when, role)
    db.session.commit()


def counts(rows: list[dict]) -> dict:
    return {
        ((r["stage_from"], r["service_from"]), (r["stage_to"], r["service_to"])): r["people"]
        for r in rows
    }


def test_flows_first_half_of_2026(journeys):
    assert counts(flows(H1)) == {
        ((IH, WARDS), (LH, OAKVIEW)): 2,  # J1, J2: the move's place is where they went
        ((LH, OAKVIEW), (SH, OAKVIEW)): 2,  # J1, J2
        ((IH, WARDS), (LH, "home")): 1,  # J3 (its later hospital answer)
        ((LH, "home"), (SW, "reablement")): 1,  # J3, stepping over support at home
        ((GH, "riverside-surgery"), (IH, WARDS)): 1,  # J5
        ((LH, "home"), (SH, "reablement")): 1,  # J6 (its 2025 stay is out)
    }


def test_flow_rows_carry_names_and_positions_in_pathway_order(journeys):
    rows = flows(H1)
    assert [(r["stage_from_position"], r["stage_to_position"]) for r in rows] == [
        (1, 2),
        (2, 3),
        (2, 3),
        (3, 4),
        (3, 4),
        (3, 5),
    ]
    first = rows[0]
    assert first == {
        "stage_from": GH,
        "stage_from_position": 1,
        "stage_from_name": "Getting help",
        "service_from": "riverside-surgery",
        "service_from_name": "Riverside Surgery",
        "stage_to": IH,
        "stage_to_position": 2,
        "stage_to_name": "In hospital",
        "service_to": WARDS,
        "service_to_name": "County Hospital wards",
        "people": 1,
    }


def test_flows_use_the_latest_answer_within_the_dates(journeys):
    assert counts(flows(Q1)) == {
        ((IH, WARDS), (LH, OAKVIEW)): 2,  # J1, J2
        ((IH, HILLFORD), (LH, "home")): 1,  # J3: by 31 March its hospital answer was Hillford
        ((GH, "riverside-surgery"), (IH, WARDS)): 1,  # J5
    }


def test_flows_over_all_dates_role_and_services(journeys):
    everything = counts(flows(ReportFilter(PATHWAY)))
    assert everything[((IH, WARDS), (LH, "home"))] == 2  # J3 and now J6's 2025 stay
    assert counts(flows(ReportFilter(PATHWAY, role="carer"))) == {
        ((GH, "riverside-surgery"), (IH, WARDS)): 1
    }
    # A flow counts when either end names the service: the hospital answers of the people
    # who moved to Oakview do not name it, their flow in does.
    assert counts(flows(ReportFilter(PATHWAY, services=(OAKVIEW,)))) == {
        ((IH, WARDS), (LH, OAKVIEW)): 2,
        ((LH, OAKVIEW), (SH, OAKVIEW)): 2,
    }
    assert counts(flows(ReportFilter(PATHWAY, services=("reablement",)))) == {
        ((LH, "home"), (SW, "reablement")): 1,
        ((LH, "home"), (SH, "reablement")): 1,
    }


def test_whole_paths(journeys):
    def path(*steps):
        return tuple((stage, service) for stage, service in steps)

    def paths(f):
        return [(tuple((s[0], s[2]) for s in r["steps"]), r["people"]) for r in whole_paths(f)]

    assert paths(H1) == [
        (path((IH, WARDS), (LH, OAKVIEW), (SH, OAKVIEW)), 2),  # J1, J2
        (path((GH, "riverside-surgery"), (IH, WARDS)), 1),  # J5
        (path((IH, WARDS), (LH, "home"), (SW, "reablement")), 1),  # J3
        (path((LH, "home"), (SH, "reablement")), 1),  # J6
    ]
    assert paths(ReportFilter(PATHWAY, services=(OAKVIEW,))) == [
        (path((IH, WARDS), (LH, OAKVIEW), (SH, OAKVIEW)), 2)
    ]
    assert paths(ReportFilter(PATHWAY, role="carer")) == [
        (path((GH, "riverside-surgery"), (IH, WARDS)), 1)
    ]
    first = whole_paths(H1)[0]["steps"][0]
    assert first == (IH, "In hospital", WARDS, "County Hospital wards")


def test_a_filter_must_name_the_pathway(journeys):
    with pytest.raises(ValueError, match="pathway"):
        flows(ReportFilter(None))
