"""The dashboard's "Following the same people" section (issue 13), read as a board member
would, with JavaScript off: the number of people followed, changes worded as changes, hidden
figures that say so and show no number, the Sankey with its text alternative and the table of
the same counts, the common paths, follow-up in plain words and whole journeys by group; and
a hand-over point in the headline worded as a change.

The page is the real view, signed in as a commissioner; the report is the hand-made one of
tests/unit/reports/journey_report.py."""

from __future__ import annotations

import itertools
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup

from app.data import reports as report_data
from tests.unit.reports.journey_report import THRESHOLD, journey_report
from tests.unit.reports.sample_report import sample_report

SECTION = "Following the same people"


@pytest.fixture
def page(app, staff_client, demo_area):
    """page(report) -> the dashboard showing ``report``, parsed."""
    commissioner = staff_client("commissioner")

    def show(report: dict) -> BeautifulSoup:
        app.config["REPORT_THRESHOLD"] = report["meta"]["threshold"]
        with mock.patch.object(report_data, "build", lambda f, threshold: report):
            response = commissioner.get("/reports/?pathway=leaving-hospital")
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    return show


def words(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def section(soup: BeautifulSoup) -> list:
    """The section's elements, from its heading to the next h2."""
    heading = soup.find("h2", string=SECTION)
    assert heading, SECTION
    out = []
    for element in heading.find_all_next():
        if element.name == "h2":
            break
        out.append(element)
    return out


def rows(soup: BeautifulSoup, caption: str) -> list[list[str]]:
    """A table's rows as a sighted reader sees them (without the phone's cell labels)."""
    found = soup.find("caption", string=caption)
    assert found, caption
    table = found.parent
    for phone_label in table.select(".nhsuk-table-responsive__heading"):
        phone_label.decompose()
    return [[words(td) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def test_the_section_says_how_many_people_are_followed_and_words_changes_as_changes(page):
    soup = page(journey_report())
    first = next(e for e in section(soup) if e.name == "p")
    assert words(first).startswith("180 people answered at two or more stages")
    changes = rows(soup, "Change in the same people's own score between stages")
    assert changes[0] == [
        "On the ward",
        "Leaving hospital",
        "CTM-15",
        "45",
        "15.5 points lower",
        "11.0 to 20.0 lower",
        "Got worse",
    ]
    assert changes[2][2:] == [
        "I statements: Information",
        "40",
        "6.2 points higher",
        "2.1 to 10.3 higher",
        "Got better",
    ]
    assert changes[3] == [
        "Back home",
        "Settling in",
        "CTM-15",
        f"Not shown: fewer than {THRESHOLD} people",
    ]
    moves = rows(soup, "Change across each move: Leaving hospital")
    assert [m[:2] for m in moves] == [
        ["County Hospital wards", "Oakview Care Home"],
        ["County Hospital wards", "Reablement team"],
        ["Oakview Care Home", "County Hospital wards"],
    ]
    assert moves[1][4:] == ["1.2 points lower", "4.8 lower to 2.4 higher", "No clear change"]
    assert rows(soup, "Change across each move: Settling in")[0][3].startswith("Not shown")


def test_hidden_journey_figures_show_no_number(page):
    soup = page(journey_report())
    hidden = [
        [words(c) for c in tr.find_all("td")]
        for tr in soup.find_all("tr")
        if "Not shown: fewer than" in tr.get_text() and tr.find_parent("table") in section(soup)
    ]
    assert len(hidden) == 8  # 1 change, 2 moves, 2 flows, 1 follow-up stage, 2 whole journeys
    for cells in hidden:
        said = [c for c in cells if "Not shown" in c]
        assert len(said) == 1 and re.findall(r"\d+", said[0].split(":")[-1]) == [str(THRESHOLD)]


def test_the_sankey_has_a_text_alternative_and_the_flows_table_gives_its_counts(page):
    report = journey_report()
    soup = page(report)
    chart = soup.find(attrs={"data-figure": "fig-journey_flows"})
    assert chart and chart["role"] == "img"
    assert chart["aria-label"].startswith(report["journeys"]["sankey_alt"])
    figure = soup.find("script", id="fig-journey_flows").string
    assert '"type":"sankey"' in figure
    table = chart.find_next("table")
    assert words(table.caption) == "People moving between services from one stage to the next"
    flows = rows(soup, "People moving between services from one stage to the next")
    assert [f[2] for f in flows] == [
        "45",
        "30",
        f"Not shown: fewer than {THRESHOLD} people",
        "40",
        "25",
        f"Not shown: fewer than {THRESHOLD} people",
    ]
    assert flows[4][1] == "Back home: Service not recorded"
    paths = soup.find("h3", string="Most common paths").find_next("ol")
    assert words(paths.li) == (
        "On the ward: County Hospital wards → Leaving hospital: Oakview Care Home → "
        "Back home: Oakview Care Home: 38 people"
    )
    assert words(paths.find_next("p")) == report["journeys"]["paths_note"]


def test_follow_up_and_whole_journeys_read_in_plain_words(page):
    soup = page(journey_report())
    assert rows(soup, "People followed up after each stage") == [
        ["On the ward", "166", "120", "72% (65 to 78)"],
        ["Leaving hospital", f"Not shown: fewer than {THRESHOLD} people"],
        ["Back home", "120", "40", "33% (26 to 42)"],
    ]
    sentences = [words(li) for li in section(soup) if li.name == "li" and "CTM-15" in li.text]
    assert sentences == [
        "On the ward, CTM-15: those followed up scored higher at first (63.1 for the 120 people "
        "who answered a later stage, 55.8 for the 46 who did not).",
        "Back home, CTM-15: no clear difference between those followed up and those not (65.0 "
        "for the 40 people who answered a later stage, 66.5 for the 80 who did not).",
        f"Leaving hospital, CTM-15: not shown (fewer than {THRESHOLD} people).",
    ]
    assert rows(soup, "Journey score of everyone followed") == [
        ["Everyone followed", "CTM-15", "150", "62.0", "60.1 to 63.9"]
    ]
    assert rows(soup, "Journey score by who answered")[0][-1] == "About the same"
    by_age = rows(soup, "Journey score by age")
    assert [r[0] for r in by_age] == ["65 to 74", "85 or over", "75 to 84"]
    assert by_age[1][-1] == "Worse" and by_age[2][-1].startswith("Not shown")


def test_a_handover_point_is_worded_as_a_change_in_the_headline(page):
    soup = page(journey_report())
    first = soup.find("h3", string="Weakest points").find_next("ol").li
    assert words(first) == (
        "People who moved from County Hospital wards to Oakview Care Home (Leaving hospital) "
        "(hand-over), CTM-15: 15.5 points lower than their own score before the move "
        "(95% interval 11.0 to 20.0 lower), 45 people."
    )


def test_the_tables_have_captions_and_scopes_and_headings_stay_in_order(page):
    soup = page(journey_report())
    tables = [e for e in section(soup) if e.name == "table"]
    assert len(tables) == 8
    for table in tables:
        assert "nhsuk-table-responsive" in table["class"]
        assert table.caption and words(table.caption)
        assert all(th.get("scope") == "col" for th in table.find_all("th"))
    levels = [int(h.name[1]) for h in soup.find_all(re.compile("^h[1-6]$"))]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    method = soup.find("h2", string="Method").find_next("h3", string=SECTION)
    assert "latest answer there counts" in words(method.find_next("p"))


def test_a_report_without_journeys_has_no_such_section(page):
    soup = page(sample_report())
    assert not soup.find("h2", string=SECTION)
    assert not soup.find(attrs={"data-figure": "fig-journey_flows"})
