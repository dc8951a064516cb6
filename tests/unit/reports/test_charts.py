"""The report's charts (reports.charts): trend by quarter for the pathway and for each stage,
quarters in time order, suppressed points left out and named; moves charted per transition
stage; each service's own care and hand-overs as bars of their own. Reports are hand-made
(tests/unit/reports/sample_report.py): the charts draw what the report says, no more."""

from __future__ import annotations

import pytest

from reports.charts import figures, stage_trend, transitions, trend
from tests.unit.reports.sample_report import cell, hidden, sample_report

STAGE_NAMES = {"ward": "On the ward", "leaving": "Leaving hospital", "home": "Back home"}

# Each stage's score by quarter: ward rises, home falls; "leaving" had too few in 2026-Q2.
STAGE_QUARTERS = {
    ("ward", "2026-Q1"): (40, 60.0),
    ("ward", "2026-Q2"): (40, 65.0),
    ("ward", "2026-Q3"): (40, 70.0),
    ("leaving", "2026-Q1"): (40, 50.0),
    ("leaving", "2026-Q2"): None,
    ("leaving", "2026-Q3"): (40, 55.0),
    ("home", "2026-Q1"): (40, 80.0),
    ("home", "2026-Q2"): (40, 75.0),
    ("home", "2026-Q3"): (40, 72.0),
}


def figure(measure: str, n: int, mean: float, **keys) -> dict:
    """A shown figure with an interval 2 either side, about the same as the pathway."""
    return cell(measure, n, mean, mean - 2, mean + 2, "about the same", **keys)


def stage_keys(stage: str) -> dict:
    return {"stage": stage, "stage_name": STAGE_NAMES[stage]}


@pytest.fixture
def report() -> dict:
    report = sample_report()
    report["journey"] = [
        figure(m, 120, 60.0 + 5 * i, **stage_keys(s))
        for i, s in enumerate(STAGE_NAMES)
        for m in ("ctm-15", "ist")
    ]
    report["pathway"] = {"ctm-15": figure("ctm-15", 400, 65.0), "ist": figure("ist", 300, 70.0)}
    # Listed newest first, and "ctm-15" has no 2026-Q1: as a report may list them.
    report["trend"] = [
        figure(m, 50, mean, quarter=q, label=q.replace("-", " "))
        for q, m, mean in [
            ("2026-Q3", "ist", 66.0),
            ("2026-Q2", "ctm-15", 64.0),
            ("2026-Q3", "ctm-15", 67.0),
            ("2026-Q1", "ist", 61.0),
            ("2026-Q2", "ist", 63.0),
        ]
    ]
    report["stage_trend"] = [
        figure("ist", *shown, quarter=q, label=q, **stage_keys(s))
        if shown
        else hidden("ist", quarter=q, label=q, **stage_keys(s))
        for (s, q), shown in STAGE_QUARTERS.items()
    ] + [figure("ctm-15", 30, 58.0, quarter="2026-Q1", label="2026-Q1", **stage_keys("ward"))]
    return report


def test_the_stage_trend_draws_a_line_per_stage_in_pathway_order(report):
    fig = stage_trend(report, "ist")
    assert [t.name for t in fig.data] == ["On the ward", "Leaving hospital", "Back home"]
    ward = fig.data[0]
    assert list(ward.x) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert list(ward.y) == pytest.approx([60.0, 65.0, 70.0])
    assert "I statements" in fig.layout.title.text


def test_the_stage_trend_leaves_suppressed_points_out_and_names_them(report):
    fig = stage_trend(report, "ist")
    drawn = {(t.name, x) for t in fig.data for x in t.x}
    note = fig.layout.xaxis.title.text.replace("<br>", " ")
    assert note == "Not shown, fewer than 10 responses: Leaving hospital: 2026-Q2"
    assert ("Leaving hospital", "2026-Q2") not in drawn
    assert len(drawn) == 8


def test_every_quarter_is_on_the_axis_in_time_order(report):
    # The pathway trend: "ctm-15" (drawn first) starts in 2026-Q2, "ist" in 2026-Q1; Plotly on
    # its own puts categories in the order the traces meet them, 2026-Q1 last.
    for fig in (trend(report), stage_trend(report, "ist")):
        assert list(fig.layout.xaxis.categoryarray) == ["2026-Q1", "2026-Q2", "2026-Q3"]
        assert fig.layout.xaxis.categoryorder == "array"
        assert list(fig.layout.xaxis.range) == [-0.5, 2.5]  # every quarter shown


def test_the_pdf_draws_the_stage_trend_of_the_headline_measure_and_the_dashboard_all(report):
    # The headline measure is the one most people have a score on: "ctm-15" (400).
    assert [n for n in figures(report, compact=True) if n.startswith("stage_trend:")] == [
        "stage_trend:ctm-15"
    ]
    assert [n for n in figures(report) if n.startswith("stage_trend:")] == [
        "stage_trend:ctm-15",
        "stage_trend:ist",
    ]


def test_no_stage_trend_chart_when_every_point_is_suppressed(report):
    report["stage_trend"] = [
        hidden("ist", quarter="2026-Q1", label="2026-Q1", **stage_keys("ward"))
    ]
    assert not [n for n in figures(report) if n.startswith("stage_trend:")]


def test_moves_are_charted_for_each_transition_stage_apart():
    report = sample_report()
    names = [n for n in figures(report) if n.startswith("transitions:")]
    assert names == ["transitions:leaving:ctm-15", "transitions:settling:ctm-15"]
    settling = transitions(report, "settling", "ctm-15")
    assert settling.layout.title.text == "Moves at Settling in: CTM-15"
    # The same two services moved between at "Leaving hospital" (48) are not pooled in.
    (scores,) = settling.data
    assert list(scores.text) == ["69"]
    leaving = transitions(report, "leaving", "ctm-15")
    assert sorted(leaving.data[0].text) == ["48", "63"]
    assert list(leaving.data[1].text) == ["n<10"]  # the hidden move is marked, not drawn


def test_each_service_has_a_bar_for_its_own_care_and_each_way_of_hand_over():
    bars = figures(sample_report())["services:ctm-15"].data[0]
    # Lowest score first; hidden figures (wards in, oakview out) are not drawn.
    assert list(bars.y) == [
        "Oakview Care Home: hand-overs in",
        "County Hospital wards: hand-overs out",
        "County Hospital wards: own care",
        "Oakview Care Home: own care",
    ]
    assert list(bars.text) == ["worse", "worse", "about the same", "about the same"]


def test_equality_bars_name_groups_by_label_and_never_band_the_unanswered():
    fig = figures(sample_report())["equality:age_band:ctm-15"]
    assert fig.layout.title.text == "Age: CTM-15"  # the dimension as the report names it
    bars = fig.data[0]
    texts = dict(zip(bars.y, bars.text, strict=True))
    assert texts == {
        "85 or over": "worse",
        "Prefer not to say": "not compared",
        "Not answered": "not compared",
        "65 to 74": "better",
    }
