"""The PDF report's HTML (reports.pdf): every chart described and followed by its figures,
compact tables that keep every figure, statements by stage with their answers, and a length
that does not grow with the number of comments. Charts are stubbed: kaleido is tested in
test_charts_svg.py."""

from __future__ import annotations

import itertools
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup

from reports.aggregate import ReportInput, build_report
from reports.charts import figures
from reports.pdf import COMMENTS_SHOWN, report_html
from tests.unit.reports.test_charts import MEASURES, STAGE_QUARTERS, STAGES, report_with, row

STUB = "<svg xmlns='http://www.w3.org/2000/svg' width='720' height='360'/>"


def html_of(report: dict) -> BeautifulSoup:
    with mock.patch("reports.pdf.to_svgs", lambda figs, width=720: [STUB for _ in figs]):
        return BeautifulSoup(report_html(report, "Test Trust"), "html.parser")


def table(soup: BeautifulSoup, caption: str):
    found = soup.find("caption", string=caption)
    assert found, caption
    t = found.find_parent("table")
    head = [th.get_text(" ", strip=True) for th in t.thead.find_all("th")]
    body = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in t.tbody("tr")
    ]
    return head, body


@pytest.fixture
def report() -> dict:
    rows = {
        "pathway": [row(400, 65.0, measure="ctm"), row(300, 70.0, measure="ist")],
        "stage": [
            row(120, 61.0, stage="ward", measure="ctm"),
            row(5, 50.0, stage="leaving", measure="ctm"),  # too few: hidden
            row(6, 66.0, stage="home", measure="ctm"),  # too few: hidden
            row(100, 80.0, stage="ward", measure="ist"),
            row(100, 71.0, stage="home", measure="ist"),
            row(100, 72.0, stage="home", measure="ist:info"),
        ],
        "stage_quarter": [
            row(n, mean, stage=stage, quarter=quarter, measure="ctm")
            for (stage, quarter), (n, mean) in STAGE_QUARTERS.items()
        ],
    }
    return report_with(rows)


def test_every_chart_has_a_description_and_every_table_header_a_scope(report):
    soup = html_of(report)
    images = soup.find_all("img")
    assert len([i for i in images if "chart" in i.get("class", [])]) == len(
        figures(report, compact=True)
    )
    assert all(i.get("alt", "").strip() for i in images)
    assert all(th.get("scope") in ("col", "row") for th in soup.find_all("th"))
    assert all(t.caption and t.caption.get_text(strip=True) for t in soup.find_all("table"))
    levels = [int(h.name[1]) for h in soup.find_all(re.compile("^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_a_figures_table_has_a_row_per_group_and_a_column_per_measure(report):
    head, body = table(html_of(report), "Score at each stage")
    assert head == ["Stage", "CTM-15", "I statements"]  # domains stay in the downloads
    rows = {r[0]: r[1:] for r in body}
    assert list(rows) == ["On the ward", "Leaving hospital", "Back home"]
    # Mean 61 from 120 answers 10 either side: t interval 61 +/- 1.98 * 10.04 / sqrt(120),
    # wholly below the pathway's 65.
    assert rows["On the ward"][0] == "61.0 (59.2 to 62.8), n 120, worse"
    assert rows["On the ward"][1] == "80.0 (78.0 to 82.0), n 100, better"
    assert rows["Back home"][1] == "71.0 (69.0 to 73.0), n 100"  # about the same: no word
    # Hidden, with no number at all; a dash where nobody answered on that measure.
    assert rows["Leaving hospital"] == ["fewer than 10 responses", "\u2013"]
    assert rows["Back home"][0] == "fewer than 10 responses"


def test_the_stage_trend_is_drawn_and_tabled_with_hidden_quarters_said(report):
    soup = html_of(report)
    assert soup.find("img", alt=re.compile("score at each stage by quarter"))
    head, body = table(soup, "Score at each stage by quarter: CTM-15")
    assert head == ["Stage", "2026-Q1", "2026-Q2", "2026-Q3"]
    rows = {r[0]: r[1:] for r in body}
    assert rows["On the ward"] == ["60.0, n 40", "65.0, n 40", "70.0, n 40"]
    assert rows["Leaving hospital"][1] == "fewer than 10"


def statements_report(distributions: dict[tuple[str, str], dict[str, int]]) -> dict:
    inp = ReportInput(
        meta={"pathway": "p", "pathway_name": "P", "period_text": "", "filters_text": ""},
        stages=STAGES,
        services={},
        measures=MEASURES,
        instruments=[],
        overview={"responses": 0, "journeys": 0, "services": 0, "stages": 3, "channels": {}},
        rows={},
        items=[
            {"stage": stage, "instrument_id": "ist", "item_id": item, "code": code, "n": n}
            for (stage, item), counts in distributions.items()
            for code, n in counts.items()
        ],
        item_text={("ist", "a"): "I was listened to", ("ist", "b"): "I knew who to call"},
        comments=[],
        group_counts={},
    )
    return build_report(inp)


def test_each_statement_is_one_row_with_its_answers_at_each_stage():
    report = statements_report(
        {
            ("ward", "a"): {"1": 5, "2": 10, "3": 25, "4": 60, "dk": 4},
            ("home", "a"): {"1": 2, "2": 3, "3": 5, "4": 10},
            ("ward", "b"): {"3": 3, "4": 2},  # too few answers: hidden
        }
    )
    soup = html_of(report)
    head, body = table(soup, "I statements: top box and answers to each statement by stage")
    assert head == ["Statement", "On the ward", "Back home"]  # the stages it was asked at
    rows = {r[0]: r[1:] for r in body}
    assert rows["I was listened to"] == ["60%, n 104", "50%, n 20"]
    assert rows["I knew who to call"] == ["fewer than 10 answers", ""]  # not asked at home
    bars = [i["alt"] for i in soup.select("table img")]
    assert bars[0] == (
        "Answers: 5 strongly disagree, 10 disagree, 25 agree, 60 strongly agree, 4 don't know."
    )


def test_comments_show_the_latest_few_of_each_group_and_say_how_many_there_are():
    def report_with_comments(total: int) -> dict:
        inp = ReportInput(
            meta={"pathway": "p", "pathway_name": "P", "period_text": "", "filters_text": ""},
            stages=STAGES,
            services={"wards": {"name": "County wards"}},
            measures=MEASURES,
            instruments=[],
            overview={"responses": 0, "journeys": 0, "services": 0, "stages": 3, "channels": {}},
            rows={},
            items=[],
            item_text={},
            comments=[  # as the query gives them: the latest 20 and the group's count
                {"stage": "ward", "service": "wards", "text": f"Comment {i}", "group_total": total}
                for i in range(min(total, 20))
            ],
            group_counts={},
        )
        return build_report(inp)

    def quoted(soup: BeautifulSoup) -> list[str]:
        return re.findall(r"“(Comment \d+)”", soup.find(id="comments").get_text())

    small, big = html_of(report_with_comments(15)), html_of(report_with_comments(5000))
    assert quoted(big) == [f"Comment {i}" for i in range(COMMENTS_SHOWN)]
    assert "The latest 20 of 5000 comments." in big.find(id="comments").get_text(" ", strip=True)
    assert quoted(small) == [f"Comment {i}" for i in range(15)]
    assert "The latest" not in small.find(id="comments").get_text()
    # The PDF's HTML is no longer for 5,000 comments than for 20.
    assert len(str(big)) - len(str(small)) < 2000
