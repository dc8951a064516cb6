"""The report's charts (reports.charts): trend by quarter for the pathway and for each stage,
quarters in time order, suppressed points left out and named."""

from __future__ import annotations

import pytest

from reports.aggregate import ReportInput, build_report
from reports.charts import figures, stage_trend, trend

STAGES = [
    {"slug": "ward", "name": "On the ward", "position": 1, "kind": "episode"},
    {"slug": "leaving", "name": "Leaving hospital", "position": 2, "kind": "transition"},
    {"slug": "home", "name": "Back home", "position": 3, "kind": "episode"},
]
MEASURES = {"ctm": "CTM-15", "ist": "I statements", "ist:info": "I statements: Information"}


def row(n: int, mean: float, **keys) -> dict:
    """An aggregate row as the SQL returns it: answers spread 10 either side of ``mean``."""
    return {**keys, "n": n, "total": n * mean, "total_sq": n * (mean**2 + 100.0)}


def report_with(rows: dict[str, list[dict]], threshold: int = 10) -> dict:
    inp = ReportInput(
        meta={
            "pathway": "p",
            "pathway_name": "Leaving hospital",
            "period_text": "All responses so far",
            "filters_text": "",
            "generated_at": "1 January 2027, 09:00 UTC",
        },
        stages=STAGES,
        services={},
        measures=MEASURES,
        instruments=[],
        overview={"responses": 0, "journeys": 0, "services": 0, "stages": 3, "channels": {}},
        rows=rows,
        items=[],
        item_text={},
        comments=[],
        group_counts={},
        threshold=threshold,
    )
    return build_report(inp)


# Each stage's score by quarter: ward rises, home falls; "leaving" had only 3 people in 2026-Q2.
STAGE_QUARTERS = {
    ("ward", "2026-Q1"): (40, 60.0),
    ("ward", "2026-Q2"): (40, 65.0),
    ("ward", "2026-Q3"): (40, 70.0),
    ("leaving", "2026-Q1"): (40, 50.0),
    ("leaving", "2026-Q2"): (3, 20.0),
    ("leaving", "2026-Q3"): (40, 55.0),
    ("home", "2026-Q1"): (40, 80.0),
    ("home", "2026-Q2"): (40, 75.0),
    ("home", "2026-Q3"): (40, 72.0),
}


@pytest.fixture
def report() -> dict:
    rows = {
        "pathway": [row(400, 65.0, measure="ctm"), row(300, 70.0, measure="ist")],
        "stage": [
            row(120, 60.0 + 5 * i, stage=s["slug"], measure=m)
            for i, s in enumerate(STAGES)
            for m in ("ctm", "ist")
        ],
        # Listed newest first, and "ctm" has no 2026-Q1: as rows can come from SQL.
        "quarter": [
            row(50, 66.0, quarter="2026-Q3", measure="ist"),
            row(50, 64.0, quarter="2026-Q2", measure="ctm"),
            row(50, 67.0, quarter="2026-Q3", measure="ctm"),
            row(50, 61.0, quarter="2026-Q1", measure="ist"),
            row(50, 63.0, quarter="2026-Q2", measure="ist"),
        ],
        "stage_quarter": [
            row(n, mean, stage=stage, quarter=quarter, measure="ist")
            for (stage, quarter), (n, mean) in STAGE_QUARTERS.items()
        ]
        + [row(30, 58.0, stage="ward", quarter="2026-Q1", measure="ctm")],
    }
    return report_with(rows)


def test_the_stage_trend_draws_a_line_per_stage_in_pathway_order(report):
    fig = stage_trend(report, "ist")
    assert [t.name for t in fig.data] == ["On the ward", "Leaving hospital", "Back home"]
    ward = fig.data[0]
    assert list(ward.x) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert list(ward.y) == pytest.approx([60.0, 65.0, 70.0])
    assert "I statements" in fig.layout.title.text


def test_the_stage_trend_leaves_suppressed_points_out_and_names_them(report):
    hidden = [c for c in report["stage_trend"] if c["measure"] == "ist" and c["suppressed"]]
    assert ("leaving", "2026-Q2") in {(c["stage"], c["quarter"]) for c in hidden}
    fig = stage_trend(report, "ist")
    drawn = {(t.name, x) for t in fig.data for x in t.x}
    note = fig.layout.xaxis.title.text.replace("<br>", " ")
    assert "fewer than 10 responses" in note
    for cell in hidden:
        assert (cell["stage_name"], cell["quarter"]) not in drawn
        assert cell["quarter"] in note.split(f"{cell['stage_name']}:", 1)[1].split(";")[0]
    # The hidden value is nowhere in the chart.
    assert all(20.0 not in list(t.y) for t in fig.data)


def test_every_quarter_is_on_the_axis_in_time_order(report):
    # The pathway trend: "ctm" (drawn first) starts in 2026-Q2, "ist" in 2026-Q1; Plotly on
    # its own puts categories in the order the traces meet them, 2026-Q1 last.
    for fig in (trend(report), stage_trend(report, "ist")):
        assert list(fig.layout.xaxis.categoryarray) == ["2026-Q1", "2026-Q2", "2026-Q3"]
        assert fig.layout.xaxis.categoryorder == "array"
        assert list(fig.layout.xaxis.range) == [-0.5, 2.5]  # every quarter shown


def test_the_pdf_draws_the_stage_trend_of_the_headline_measure_and_the_dashboard_all(report):
    # The headline measure is the one most people have a score on: "ctm" (400).
    assert [n for n in figures(report, compact=True) if n.startswith("stage_trend:")] == [
        "stage_trend:ctm"
    ]
    assert [n for n in figures(report) if n.startswith("stage_trend:")] == [
        "stage_trend:ctm",
        "stage_trend:ist",
    ]


def test_no_stage_trend_chart_when_every_point_is_suppressed():
    rows = {
        "pathway": [row(400, 65.0, measure="ist")],
        "stage_quarter": [row(4, 60.0, stage="ward", quarter="2026-Q1", measure="ist")],
    }
    assert not [n for n in figures(report_with(rows)) if n.startswith("stage_trend:")]
