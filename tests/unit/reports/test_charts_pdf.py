"""The PDF report's HTML (reports.pdf): every chart described and followed by its figures,
compact tables that keep every figure with its top and bottom box, the headline's points with
what they are compared with, each service's own care and hand-overs apart, moves by transition
stage, statements by stage with their answers and score, equality counts of people and
responses, the method's unscored responses, and a length that does not grow with the number of
comments. Reports are hand-made (sample_report.py); charts are stubbed: kaleido is tested in
test_charts_svg.py."""

from __future__ import annotations

import itertools
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup

from reports.charts import figures
from reports.pdf import COMMENTS_SHOWN, report_html
from tests.unit.reports.sample_report import CTM3_NOTE, hidden, sample_report
from tests.unit.reports.test_charts import figure, stage_keys

STUB = "<svg xmlns='http://www.w3.org/2000/svg' width='720' height='360'/>"


def html_of(report: dict) -> BeautifulSoup:
    with mock.patch("reports.pdf.to_svgs", lambda figs, width=720: [STUB for _ in figs]):
        return BeautifulSoup(report_html(report, "Test Trust"), "html.parser")


def table(soup: BeautifulSoup, caption: str):
    found = soup.find("caption", string=lambda text: bool(text) and text.startswith(caption))
    assert found, caption
    t = found.find_parent("table")
    head = [th.get_text(" ", strip=True) for th in t.thead.find_all("th")]
    body = [
        [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
        for tr in t.tbody("tr")
    ]
    return head, body


def section(soup: BeautifulSoup, id_: str) -> str:
    return " ".join(soup.find(id=id_).get_text(" ").split())


@pytest.fixture
def report() -> dict:
    report = sample_report()
    # CTM-3, the measure most people have a score on: the PDF draws its stage trend.
    report["stage_trend"] = [
        figure("ctm-3", 40, 60.0 + 5 * i, quarter=q, label=q, **stage_keys("ward"))
        for i, q in enumerate(["2026-Q1", "2026-Q2", "2026-Q3"])
    ] + [hidden("ctm-3", quarter="2026-Q2", label="2026-Q2", **stage_keys("leaving"))]
    return report


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
    assert list(rows) == ["On the ward", "Leaving hospital", "Back home", "Settling in"]
    # Score, interval, n and band, then the top box and bottom box with their intervals.
    assert rows["On the ward"][0] == (
        "61.0 (59.2 to 62.8), n 166, worse strongly agree 40% (35 to 45) disagree 8% (5 to 12)"
    )
    assert rows["Back home"][0].startswith("66.0 (64.0 to 68.0), n 120 strongly")  # no band word
    # Hidden, with no number at all; a dash where nobody answered on that measure.
    assert rows["Leaving hospital"] == ["fewer than 10 responses", "\u2013"]


def test_the_headline_lists_points_with_what_they_are_compared_with(report):
    soup = html_of(report)
    head, body = table(soup, "Weakest points")
    assert head == [
        "What",
        "Kind",
        "Measure",
        "Score (95% interval)",
        "Responses",
        "Compared with",
    ]
    assert body[1] == [
        "Oakview Care Home: hand-overs in",
        "service",
        "I statements",
        "58.0 (55.1 to 60.9)",
        "140",
        "the whole pathway: 66.0",
    ]
    assert table(soup, "Strongest points")[1][0][1] == "equality group"


def test_an_empty_headline_says_so_in_plain_words(report):
    report["weakest"] = []
    soup = html_of(report)
    assert not soup.find("caption", string="Weakest points")
    text = section(soup, "headline")
    assert "No stage, service or group is clearly worse than the pathway as a whole." in text
    assert table(soup, "Strongest points")[1][0][0] == "Age 65 to 74"


def test_services_show_own_care_and_hand_overs_as_rows_of_their_own(report):
    head, body = table(html_of(report), "Score by service")
    assert head[:2] == ["Service", "Part"]
    assert [r[:2] for r in body] == [
        ["County Hospital wards", "Own care"],
        ["County Hospital wards", "Hand-overs out"],
        ["County Hospital wards", "Hand-overs in"],
        ["Oakview Care Home", "Own care"],
        ["Oakview Care Home", "Hand-overs out"],
        ["Oakview Care Home", "Hand-overs in"],
    ]
    assert body[5][2] == (
        "50.0 (46.0 to 54.0), n 80, worse strongly agree 21% (14 to 31) disagree 33% (24 to 44)"
    )


def test_moves_are_tabled_for_each_transition_stage(report):
    soup = html_of(report)
    assert [h.get_text() for h in soup.find(id="transitions").find_all("h3")] == [
        "Leaving hospital",
        "Settling in",
    ]
    head, body = table(soup, "Score for each move between services: Settling in")
    assert head == ["Moved from", "Moved to", "CTM-15"]
    assert [r[:2] for r in body] == [["County Hospital wards", "Oakview Care Home"]]
    assert body[0][2].startswith("69.0 (65.0 to 73.0), n 58")
    _, leaving = table(soup, "Score for each move between services: Leaving hospital")
    assert len(leaving) == 3


def test_equality_shows_unbanded_groups_and_people_and_responses(report):
    soup = html_of(report)
    _, groups = table(soup, "Score by age")
    rows = {r[0]: r[1] for r in groups}
    assert rows["Not answered"].startswith("64.0 (58.0 to 70.0), n 31, not compared")
    head, counts = table(soup, "People and responses by age")
    assert head == ["Group", "People (journeys)", "Responses"]
    assert counts == [
        ["65 to 74", "198", "260"],
        ["85 or over", "131", "180"],
        ["75 to 84", "fewer than 10", "fewer than 10"],
        ["Not answered", "30", "36"],
        ["Prefer not to say", "fewer than 10", "14"],
    ]


def test_the_method_lists_responses_with_no_score_and_the_ctm3_note(report):
    soup = html_of(report)
    assert CTM3_NOTE in section(soup, "method")
    head, body = table(soup, "Responses with too few items answered to score, per measure")
    assert head == ["Measure", "Responses asked", "Below the minimum answered (no score)"]
    assert body == [
        ["CTM-15", "412", "23"],
        ["CTM-3", "Not shown", "Not shown"],
        ["I statements", "300", "0"],
    ]


def test_the_stage_trend_is_drawn_and_tabled_with_hidden_quarters_said(report):
    soup = html_of(report)
    assert soup.find("img", alt=re.compile("score at each stage by quarter"))
    head, body = table(soup, "Score at each stage by quarter: CTM-3")
    assert head == ["Stage", "2026-Q1", "2026-Q2", "2026-Q3"]
    rows = {r[0]: r[1:] for r in body}
    assert rows["On the ward"] == ["60.0, n 40", "65.0, n 40", "70.0, n 40"]
    assert rows["Leaving hospital"][1] == "fewer than 10"


def test_each_statement_is_one_row_with_its_answers_and_score_at_each_stage(report):
    soup = html_of(report)
    head, body = table(soup, "CTM-15: top box and answers to each statement by stage")
    assert head == ["Statement", "On the ward"]  # the stages it was asked at
    rows = {r[0]: r[1:] for r in body}
    assert rows["My preferences were taken into account"] == [
        "60% strongly agree, n 104; score 76.7 (71.2 to 82.2), better"
    ]
    assert rows["I knew who to call"] == ["fewer than 10 answers"]
    bars = [i["alt"] for i in soup.select("table img")]
    assert bars[0] == (
        "Answers: 5 strongly disagree, 10 disagree, 25 agree, 60 strongly agree, 4 don't know."
    )


def test_comments_show_the_latest_few_of_each_group_and_say_how_many_there_are(report):
    def with_comments(total: int) -> dict:
        report["comments"] = [
            {
                "stage": "ward",
                "stage_name": "On the ward",
                "service": "wards",
                "service_name": "County Hospital wards",
                "total": total,
                "comments": [f"Comment {i}" for i in range(min(total, 20))],
            }
        ]
        return html_of(report)

    def quoted(soup: BeautifulSoup) -> list[str]:
        return re.findall(r"“(Comment \d+)”", soup.find(id="comments").get_text())

    small, big = with_comments(15), with_comments(5000)
    assert quoted(big) == [f"Comment {i}" for i in range(COMMENTS_SHOWN)]
    assert "The latest 20 of 5000 comments." in section(big, "comments")
    assert quoted(small) == [f"Comment {i}" for i in range(15)]
    assert "The latest" not in small.find(id="comments").get_text()
    # The PDF's HTML is no longer for 5,000 comments than for 20.
    assert len(str(big)) - len(str(small)) < 2000
