"""The journeys section (the same people followed from stage to stage) in the PDF's HTML, the
CSV and XLSX tables and the charts, read back as a reader would, on the hand-made report of
journey_report.py: hidden figures show no number anywhere, a change reads as a change
("15.5 points lower"), the Sankey reaches the PDF as an SVG picture, and the downloads have
a table for each part of the section. The dashboard's side: tests/integration/
test_dashboard_journeys.py."""

from __future__ import annotations

import base64
import csv
import io
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from reports.charts import figures
from reports.pdf import report_html
from reports.tables import to_csv, to_xlsx
from reports.wording import change_interval, change_text
from tests.unit.reports.journey_report import THRESHOLD, journey_report
from tests.unit.reports.sample_report import sample_report

JOURNEY_TABLES = {
    "journey_changes",
    "journey_moves",
    "journey_flows",
    "journey_paths",
    "follow_up",
    "follow_up_differences",
    "whole_journeys",
}
# Numbers no reader may see: planted in the hidden cells below as if a bug had left them.
LEAKS = {"n": 7, "mean": -33.3, "low": -44.4, "high": -22.2, "people": 7, "followed": 3}


def pictures(figs, width=720) -> list[str]:
    """kaleido stubbed: each chart's picture is an SVG carrying its title as text."""
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg'><text>{f.layout.title.text}</text></svg>"
        for f in figs
    ]


def pdf_soup(report: dict) -> BeautifulSoup:
    with mock.patch("reports.pdf.to_svgs", pictures):
        return BeautifulSoup(report_html(report, "Test Trust"), "html.parser")


def csv_tables(report: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in csv.DictReader(io.StringIO(to_csv(report).decode("utf-8-sig"))):
        out.setdefault(row["table"], []).append(row)
    return out


def xlsx_tables(report: dict) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(to_xlsx(report)), read_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows)
        out[sheet.title] = [dict(zip(header, r, strict=True)) for r in rows]
    return out


def pdf_rows(soup: BeautifulSoup, caption: str) -> list[list[str]]:
    found = soup.find("caption", string=caption)
    assert found, caption
    return [
        [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
        for tr in found.find_parent("table").tbody.find_all("tr")
    ]


def with_leaks(report: dict) -> dict:
    """Every hidden journey figure carrying numbers, as a careless builder might leave them."""
    j = report["journeys"]
    hidden = [c for c in [*j["changes"], *j["moves"], *j["flows"]] if c["suppressed"]]
    hidden += [c for c in j["follow_up"]["stages"] if c["suppressed"]]
    for cells in [j["whole"]["roles"], *j["whole"]["equality"].values()]:
        hidden += [c for c in cells if c["suppressed"]]
    for cell in hidden:
        cell.update({k: v for k, v in LEAKS.items() if k in cell})
    for d in j["follow_up"]["differences"]:
        if d["suppressed"]:
            d.update(n_followed=7, mean_followed=33.3, n_not_followed=3, difference=-44.4)
    return report


# --- words ------------------------------------------------------------------------------


def test_a_change_reads_as_points_lower_or_higher_with_its_interval():
    assert change_text(-15.5) == "15.5 points lower"
    assert change_text(6.2) == "6.2 points higher"
    assert change_text(0.02) == "no change on average"
    assert change_interval(-20.0, -11.0) == "11.0 to 20.0 lower"
    assert change_interval(2.1, 10.3) == "2.1 to 10.3 higher"
    assert change_interval(-4.8, 2.4) == "4.8 lower to 2.4 higher"
    assert change_text(None) == change_interval(None, None) == ""


# --- hidden figures -----------------------------------------------------------------------


def test_hidden_journey_figures_show_no_number_in_the_downloads():
    report = with_leaks(journey_report())
    for where, tables in (("CSV", csv_tables(report)), ("XLSX", xlsx_tables(report))):
        assert tables.keys() >= JOURNEY_TABLES, where
        hidden = [
            (name, row)
            for name in JOURNEY_TABLES
            for row in tables[name]
            if row["suppressed"] in (True, "True")
        ]
        # 1 change, 2 moves, 2 flows, 1 stage, 1 difference, 1 role, 1 age group
        assert len(hidden) == 9, where
        for name, row in hidden:
            numbers = {
                k: v
                for k, v in row.items()
                if v not in ("", None) and re.fullmatch(r"-?\d+(\.\d+)?", str(v))
            }
            assert not numbers, (where, name, row)
            assert row.get("words") in (None, ""), (where, name, row)


def test_hidden_journey_figures_show_no_number_in_the_pdf():
    soup = pdf_soup(with_leaks(journey_report()))
    section = soup.find(id="journeys")
    text = " ".join(section.get_text(" ").split())
    for leak in ("33.3", "44.4", "22.2"):
        assert leak not in text
    hidden_rows = [
        [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
        for tr in section.find_all("tr")
        if "fewer than" in tr.get_text()
    ]
    # 1 change, 2 moves, 2 flows, 1 stage, 1 role, 1 age group (a difference is a sentence)
    assert len(hidden_rows) == 8
    for row in hidden_rows:
        said = [c for c in row if "fewer than" in c]
        assert said in ([f"fewer than {THRESHOLD}"], [f"fewer than {THRESHOLD} people"]), row
        assert not {"7", "3"} & set(row), row  # the planted counts
    assert "Leaving hospital, CTM-15: not shown (fewer than 10 people)." in text


# --- changes read as changes --------------------------------------------------------------


def test_the_pdf_words_a_fall_in_the_same_peoples_score_as_lower():
    soup = pdf_soup(journey_report())
    changes = pdf_rows(soup, "Change in the same people's own score between stages")
    assert changes[0] == [
        "On the ward",
        "Leaving hospital",
        "CTM-15",
        "45",
        "15.5 points lower (11.0 to 20.0 lower)",
        "got worse",
    ]
    assert changes[1][4:] == ["2.0 points lower (5.5 lower to 1.5 higher)", "no clear change"]
    assert len(changes) == 3  # the I-statement domain's change is in the downloads
    moves = pdf_rows(soup, "Change across each move: Leaving hospital")
    assert moves[0][:2] == ["County Hospital wards", "Oakview Care Home"]
    assert moves[0][4] == "15.5 points lower (11.0 to 20.0 lower)"
    assert [h.get_text() for h in soup.find(id="journeys").find_all("h3")] == [
        "Change between stages",
        "Before and after each move",
        "Paths between services",
        "Most common paths",
        "Who was followed up",
        "Whole journeys",
    ]


def test_a_handover_point_is_worded_as_a_change_not_a_score():
    soup = pdf_soup(journey_report())
    first = pdf_rows(soup, "Weakest points")[0]
    assert first == [
        "People who moved from County Hospital wards to Oakview Care Home (Leaving hospital)",
        "hand-over",
        "CTM-15",
        "15.5 points lower (11.0 to 20.0 lower)",
        "45",
        "the same people's own score before the move",  # no ": 0.0"
    ]
    rows = csv_tables(journey_report())["headline"]
    handover = next(r for r in rows if r["kind"] == "handover")
    assert handover["kind_name"] == "hand-over"
    assert handover["figure_text"] == (
        "15.5 points lower than their own score before the move (95% interval 11.0 to 20.0 lower)"
    )
    move = next(r for r in rows if r["kind"] == "move")
    assert move["figure_text"] == "48.2 (95% interval 43.9 to 52.5)"


def test_follow_up_and_whole_journeys_in_the_pdf():
    soup = pdf_soup(journey_report())
    assert pdf_rows(soup, "People followed up after each stage") == [
        ["On the ward", "166", "120", "72% (65 to 78)"],
        ["Leaving hospital", "fewer than 10 people"],
        ["Back home", "120", "40", "33% (26 to 42)"],
    ]
    text = " ".join(soup.find(id="journeys").get_text(" ").split())
    assert (
        "On the ward, CTM-15: those followed up scored higher at first (63.1 for the 120 "
        "people who answered a later stage, 55.8 for the 46 who did not)."
    ) in text
    by_age = pdf_rows(soup, "Journey score by age")
    assert by_age[1] == ["85 or over", "CTM-15", "52", "55.5 (52.0 to 59.0)", "worse"]
    assert by_age[2] == ["75 to 84", "CTM-15", "fewer than 10 people"]
    assert pdf_rows(soup, "Journey score by who answered")[0][0] == "Patient"
    assert "38 people" in soup.find("h3", string="Most common paths").find_next("ol").get_text()


def test_the_pdf_numbers_its_sections_with_or_without_journeys():
    def contents(report):
        return [li.get_text() for li in pdf_soup(report).select("nav li")]

    with_journeys = contents(journey_report())
    assert with_journeys[3:5] == ["4. Following the same people", "5. Services and sectors"]
    assert with_journeys[-1] == "11. Method"
    without = contents(sample_report())
    assert "Following the same people" not in " ".join(without)
    assert without[-1] == "10. Method"
    soup = pdf_soup(sample_report())
    assert soup.find(id="method").h2.get_text() == "10. Method"


def test_a_report_with_nobody_followed_says_so_and_draws_no_sankey():
    report = journey_report()
    report["journeys"] = {
        "people": None,
        "changes": [],
        "moves": [],
        "flows": [],
        "paths": [],
        "paths_note": "Paths taken by fewer than 10 people are not listed.",
        "follow_up": {"stages": [], "differences": []},
        "whole": {"pathway": [], "roles": [], "equality": {}},
        "sankey_alt": "Diagram of how people moved between services: 0 flows shown.",
    }
    assert "journey_flows" not in figures(report)
    soup = pdf_soup(report)
    text = " ".join(soup.find(id="journeys").get_text(" ").split())
    assert "Fewer than 10 people in this report answered at two or more stages." in text
    assert not soup.find(id="journeys").find("img")
    tables = xlsx_tables(report)
    assert tables["journey_flows"] == [{"note": "no data"}]


# --- the Sankey ---------------------------------------------------------------------------


def test_the_sankey_draws_the_shown_flows_in_people():
    sankey = figures(journey_report())["journey_flows"].data[0]
    assert sankey.type == "sankey"
    assert sorted(sankey.link.value) == [25, 30, 40, 45]  # the two hidden flows left out
    nodes = list(sankey.node.label)
    assert nodes[0] == "On the ward: County Hospital wards"  # pathway order
    assert "Back home: Service not recorded" in nodes
    assert not any("Settling in" in n for n in nodes)  # only reached by a hidden flow


def test_no_sankey_when_every_flow_is_hidden_or_there_are_no_journeys():
    report = journey_report()
    for flow in report["journeys"]["flows"]:
        flow.update(people=None, suppressed=True)
    assert "journey_flows" not in figures(report)
    assert "journey_flows" not in figures(sample_report())


def test_the_pdf_embeds_the_sankey_as_an_svg_picture_with_its_text_alternative():
    report = journey_report()
    soup = pdf_soup(report)
    image = soup.find(id="journeys").find("img", class_="chart")
    kind, data = image["src"].split(",", 1)
    assert kind == "data:image/svg+xml;base64"
    assert "How the same people moved between services" in base64.b64decode(data).decode()
    assert image["alt"].startswith(report["journeys"]["sankey_alt"])
    # The picture is followed by the table of the same counts.
    assert image.find_next("table").caption.get_text() == (
        "People moving between services from one stage to the next"
    )


# --- the downloads ------------------------------------------------------------------------


def test_the_downloads_have_a_table_for_each_part_of_the_section():
    for where, tables in (
        ("CSV", csv_tables(journey_report())),
        ("XLSX", xlsx_tables(journey_report())),
    ):
        change = tables["journey_changes"][0]
        assert (change["stage_from_name"], change["stage_to_name"], change["words"]) == (
            "On the ward",
            "Leaving hospital",
            "got worse",
        ), where
        assert float(change["mean"]) == -15.5 and int(change["n"]) == 45, where
        move = tables["journey_moves"][0]
        assert (move["from_name"], move["to_name"], float(move["low"])) == (
            "County Hospital wards",
            "Oakview Care Home",
            -20.0,
        ), where
        flows = tables["journey_flows"]
        assert [str(f["people"]) for f in flows] == ["45", "30", "", "40", "25", ""] or [
            f["people"] for f in flows
        ] == [45, 30, None, 40, 25, None], where
        paths = tables["journey_paths"]
        assert [int(p["people"]) for p in paths] == [38, 22, 12], where
        assert paths[0]["path"].count("→") == 2, where
        ward = tables["follow_up"][0]
        assert (int(ward["people"]), int(ward["followed"]), float(ward["share_low"])) == (
            166,
            120,
            0.65,
        ), where
        difference = tables["follow_up_differences"][0]
        assert float(difference["difference"]) == 7.3, where
        whole = {(w["dimension"], w["label"]): w for w in tables["whole_journeys"]}
        assert float(whole["age_band", "85 or over"]["mean"]) == 55.5, where
        assert whole["age_band", "85 or over"]["dimension_name"] == "Age", where
        assert int(whole["pathway", "Everyone followed"]["n"]) == 150, where
    counts = xlsx_tables(journey_report())["follow_up"]
    assert all(isinstance(r["people"], int) for r in counts if r["people"] is not None)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.invalid","click")', "@SUM(1)"])
def test_journey_text_never_runs_as_a_spreadsheet_formula(text):
    report = journey_report()
    report["journeys"]["moves"][0]["from_name"] = text
    report["journeys"]["flows"][0]["from"] = text
    report["journeys"]["paths"][0]["text"] = text
    for where, tables in (("CSV", csv_tables(report)), ("XLSX", xlsx_tables(report))):
        assert tables["journey_moves"][0]["from_name"] == "'" + text, where
        assert tables["journey_flows"][0]["from"] == "'" + text, where
        assert tables["journey_paths"][0]["path"] == "'" + text, where
