"""Issue 13, items 1 and 5, in the built report: a hand-over where the same people got clearly
worse is a headline point, worded as a change against their own earlier score; one where
they did not change is not; a move of a few people shows no number anywhere."""

from __future__ import annotations

import json
import random

from reports.aggregate import build_report
from reports.journeys import JourneyRows
from tests.unit.reports.survey_rows import report_input
from tests.unit.reports.test_headline_and_moves import SERVICES, people

MEASURE = "ctm-15"


def sums(changes: list[float]) -> dict:
    return {
        "n": len(changes),
        "total": sum(changes),
        "total_sq": sum(c * c for c in changes),
        "total_cu": sum(c**3 for c in changes),
    }


def move(to: str, changes: list[float]) -> dict:
    return {
        "stage": "leaving",
        "stage_position": 2,
        "stage_name": "Leaving hospital",
        "from_service": "wards",
        "to_service": to,
        "measure": MEASURE,
        **sums(changes),
    }


def report(drop: float):
    """A plain snapshot survey, plus the same people's changes across the move: 45 people
    who went to Oakview change by ``drop`` give or take 8 points, 40 who went to reablement
    by nothing give or take 8, and 6 who went to step-down beds."""
    rnd = random.Random(3)
    snapshot = [
        *people(150, "ward", "wards", rnd),
        *people(60, "leaving", "wards", rnd, to="oakview"),
        *people(60, "leaving", "wards", rnd, to="reablement"),
        *people(120, "home", "oakview", rnd),
    ]
    inp = report_input(snapshot, SERVICES)
    inp.journeys = JourneyRows(
        moves=[
            move("oakview", [drop + rnd.gauss(0, 8) for _ in range(45)]),
            move("reablement", [rnd.gauss(0, 8) for _ in range(40)]),
            move("beds", [rnd.gauss(-30, 8) for _ in range(6)]),
        ]
    )
    return build_report(inp)


def test_a_hand_over_where_the_same_people_got_worse_leads_the_headline():
    built = report(-18.0)
    first = built["weakest"][0]
    assert first["kind"] == "handover"
    assert "County Hospital wards to Oakview Care Home" in first["what"]
    assert first["mean"] < -12 and first["high"] < 0 and first["n"] == 45
    assert first["reference"] == 0.0
    assert not any("reablement" in str(p["code"]) for p in built["weakest"] + built["strongest"])
    moves = {m["to_service"]: m for m in built["journeys"]["moves"]}
    assert moves["oakview"]["words"] == "got worse"
    assert moves["reablement"]["words"] == "no clear change"


def test_no_hand_over_is_a_headline_point_when_nobody_changed():
    built = report(0.0)
    assert all(p["kind"] != "handover" for p in built["weakest"] + built["strongest"])


def test_a_move_of_six_people_shows_no_number_in_the_published_report():
    built = report(-18.0)
    (beds,) = [m for m in built["journeys"]["moves"] if m["to_service"] == "beds"]
    assert beds["suppressed"]
    assert all(beds[k] is None for k in ("n", "mean", "low", "high", "band"))
    assert beds["words"] == ""
    # The only -30-ish mean change in the data must appear nowhere in the JSON.
    text = json.dumps(built)
    assert '"n": 6,' not in text
