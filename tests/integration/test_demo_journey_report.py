"""Issue 13, item 7: the report built from the demo (its default size and seed, as `make run`
loads it) names the move from County Hospital wards to Oakview Care Home as a hand-over where
the same people got worse; with the within-person plant switched off it does not, although
every snapshot figure of the move stays as it was planted."""

from __future__ import annotations

from datetime import date

from app.data.instruments import registry
from app.data.report_queries import ReportFilter
from app.data.reports import build
from app.demo import generator

N, SEED = 2500, 2026  # `flask demo`'s defaults
UNTIL = date(2026, 1, 31)
MOVE = ("leaving-hospital", "county-wards", "oakview-care-home")


def _report(plants) -> dict:
    generator.generate(N, seed=SEED, instruments=registry(), until=UNTIL, plants=plants)
    return build(ReportFilter("leaving-hospital"), 10)


def _oakview_moves(report: dict) -> list[dict]:
    return [
        m
        for m in report["journeys"]["moves"]
        if (m["stage"], m["from_service"], m["to_service"]) == MOVE
    ]


def test_the_demo_report_names_the_hand_over_to_oakview(demo_area):
    report = _report(generator.PLANTS)
    handovers = [p for p in report["weakest"] if p["kind"] == "handover"]
    assert [tuple(p["code"]) for p in handovers][:1] == [MOVE]
    point = handovers[0]
    assert "County Hospital wards to Oakview Care Home" in point["what"]
    assert point["mean"] < -8 and point["high"] < 0 and point["n"] >= 20
    shown = [m for m in _oakview_moves(report) if not m["suppressed"]]
    assert any(m["words"] == "got worse" for m in shown)


def test_without_the_plant_the_report_names_no_such_hand_over(demo_area):
    plants = [p for p in generator.PLANTS if p != "within-person"]
    report = _report(plants)
    named = [p for p in report["weakest"] + report["strongest"] if p["kind"] == "handover"]
    assert tuple(MOVE) not in [tuple(p["code"]) for p in named]
    shown = [m for m in _oakview_moves(report) if not m["suppressed"]]
    assert shown, "the move's people are still followed, so its change is still shown"
    assert all(m["words"] != "got worse" for m in shown)
