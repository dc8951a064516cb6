"""The dashboard reads the report as a board member would (issue 12): the headline's points
with what they are compared with, or a plain sentence when there are none; each service's own
care and hand-overs apart; moves by transition stage; top and bottom boxes; equality counts
of people and responses; and the method's unscored responses per measure.

The page is the real view, signed in as a commissioner; only the report it is given is the
hand-made one of tests/unit/reports/sample_report.py."""

from __future__ import annotations

from unittest import mock

import pytest
from bs4 import BeautifulSoup

from app.data import reports as report_data
from reports.pdf import report_html
from tests.unit.reports.sample_report import CTM3_NOTE, sample_report


@pytest.fixture
def page(app, staff_client, demo_area):
    """page(report) -> the dashboard showing ``report``, parsed."""
    commissioner = staff_client("commissioner")

    def show(report: dict) -> BeautifulSoup:
        app.config["REPORT_THRESHOLD"] = report["meta"]["threshold"]
        with mock.patch.object(report_data, "build", lambda f, threshold: report):
            response = commissioner.get("/reports/?pathway=leaving-hospital")
        assert response.status_code == 200
        soup = BeautifulSoup(response.text, "html.parser")
        for phone_label in soup.select(".nhsuk-table-responsive__heading"):
            phone_label.decompose()  # the words a phone shows before each cell
        return soup

    return show


def words(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def rows(soup: BeautifulSoup, caption: str) -> list[list[str]]:
    found = soup.find("caption", string=lambda text: bool(text) and text.startswith(caption))
    assert found, caption
    return [[words(td) for td in tr.find_all("td")] for tr in found.parent.tbody.find_all("tr")]


def points(soup: BeautifulSoup, title: str) -> list[str] | str:
    """A headline list's items, or the paragraph that stands for an empty list."""
    heading = soup.find(["h3"], string=title)
    following = heading.find_next_sibling(["ol", "p"])
    if following.name == "p":
        return words(following)
    return [words(li) for li in following.find_all("li")]


def test_the_headline_says_what_each_point_is_compared_with(page):
    soup = page(sample_report())
    assert points(soup, "Weakest points") == [
        "County Hospital wards to Oakview Care Home (Leaving hospital) (move), CTM-15: 48.2 "
        "(95% interval 43.9 to 52.5), 72 responses. Compared with the whole pathway: 65.4.",
        "Oakview Care Home: hand-overs in (service), I statements: 58.0 (95% interval 55.1 to "
        "60.9), 140 responses. Compared with the whole pathway: 66.0.",
    ]
    assert points(soup, "Strongest points")[0].startswith("Age 65 to 74 (equality group), CTM-3")


def test_an_empty_headline_says_so_in_plain_words(page):
    report = sample_report()
    report["weakest"] = report["strongest"] = []
    soup = page(report)
    assert points(soup, "Weakest points") == (
        "No stage, service or group is clearly worse than the pathway as a whole."
    )
    assert points(soup, "Strongest points") == (
        "No stage, service or group is clearly better than the pathway as a whole."
    )


def test_each_service_shows_its_own_care_and_hand_overs_apart(page):
    table = rows(page(sample_report()), "Score by service")
    assert [r[:2] for r in table] == [
        ["County Hospital wards", "Own care"],
        ["County Hospital wards", "Hand-overs out"],
        ["County Hospital wards", "Hand-overs in"],
        ["Oakview Care Home", "Own care"],
        ["Oakview Care Home", "Hand-overs out"],
        ["Oakview Care Home", "Hand-overs in"],
    ]
    # Responses, score, interval, band, % strongly agree, % disagree: whole percentages.
    assert table[5][2:] == [
        "CTM-15",
        "80",
        "50.0",
        "46.0 to 54.0",
        "Worse",
        "21% (14 to 31)",
        "33% (24 to 44)",
    ]
    assert table[2][3] == "Not shown: fewer than 10 responses"


def test_moves_are_grouped_by_transition_stage_in_pathway_order(page):
    soup = page(sample_report())
    captions = [words(c) for c in soup.find_all("caption") if "each move" in c.get_text()]
    assert captions == [
        "Score for each move between services: Leaving hospital",
        "Score for each move between services: Settling in",
    ]
    settling = rows(soup, "Score for each move between services: Settling in")
    assert settling == [
        [
            "County Hospital wards",
            "Oakview Care Home",
            "CTM-15",
            "58",
            "69.0",
            "65.0 to 73.0",
            "About the same",
            "40% (35 to 45)",
            "8% (5 to 12)",
        ]
    ]


def test_equality_shows_unbanded_groups_and_counts_of_people_and_responses(page):
    soup = page(sample_report())
    groups = {r[0]: r for r in rows(soup, "Score by age")}
    assert groups["Not answered"][2:6] == ["31", "64.0", "58.0 to 70.0", "Not compared"]
    assert groups["85 or over"][5] == "Worse"
    counts = rows(soup, "People and responses by age")
    assert counts == [
        ["65 to 74", "198", "260"],
        ["85 or over", "131", "180"],
        ["75 to 84", "fewer than 10", "fewer than 10"],
        ["Not answered", "30", "36"],
        ["Prefer not to say", "fewer than 10", "14"],
    ]


def test_statements_show_their_score_interval_and_band(page):
    table = rows(page(sample_report()), "Statements: On the ward")
    assert table[0][-4:] == ["60% (50 to 69)", "15% (9 to 23)", "76.7 (71.2 to 82.2)", "Better"]
    assert table[1][1] == "Not shown: fewer than 10 answers"


def test_the_method_lists_responses_with_no_score_and_the_ctm3_note(page):
    soup = page(sample_report())
    assert CTM3_NOTE in words(soup)
    assert rows(soup, "Responses with too few items answered to score, per measure") == [
        ["CTM-15", "412", "23"],
        ["CTM-3", "Not shown", "Not shown"],
        ["I statements", "300", "0"],
    ]


def test_who_answered_is_named_in_words_beside_each_stage(page):
    soup = page(sample_report())
    caption = soup.find("caption", string="Patients and carers at each stage, side by side")
    table = caption.parent
    assert [words(th) for th in table.thead.find_all("th")] == [
        "Stage",
        "Patient: CTM-15",
        "Carer: CTM-15",
    ]
    assert rows(soup, "Patients and carers at each stage, side by side") == [
        ["On the ward", "60.5 (140 responses) Worse", "Not shown: fewer than 10"]
    ]
    assert [r[0] for r in rows(soup, "Score by who answered")] == ["Patient", "Carer"]


KINDS = ["stage", "move", "service", "sector", "role", "equality", "statement"]


def test_the_dashboard_and_the_pdf_name_each_kind_of_point_alike(page):
    report = sample_report()
    base = report["weakest"][0]
    report["weakest"] = [
        {**base, "kind": kind, "what": f"Place {i}"} for i, kind in enumerate(KINDS)
    ]
    on_screen = [p.split(", ")[0] for p in points(page(report), "Weakest points")]
    stub = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    with mock.patch("reports.pdf.to_svgs", lambda figs, width=720: [stub for _ in figs]):
        pdf = BeautifulSoup(report_html(report, "Test Trust"), "html.parser")
    table = pdf.find("caption", string="Weakest points").parent
    in_pdf = [f"{words(tr.th)} ({words(tr.td)})" for tr in table.tbody.find_all("tr")]
    assert on_screen == in_pdf
    assert on_screen[4:6] == ["Place 4 (who answered)", "Place 5 (equality group)"]
