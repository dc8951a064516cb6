"""The report's CSV and XLSX tables (reports.tables), read back as a spreadsheet user would:
counts are whole numbers, every group carries its code and label, each figure has its top and
bottom box with intervals, services come in three parts, moves name their stage, the headline
and the method's unscored responses are there, and no text runs as a formula."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from reports.tables import to_csv, to_xlsx
from tests.unit.reports.sample_report import sample_report


def csv_rows(report: dict) -> list[dict]:
    return list(csv.DictReader(io.StringIO(to_csv(report).decode("utf-8-sig"))))


def table(rows: list[dict], name: str) -> list[dict]:
    return [r for r in rows if r["table"] == name]


def sheets(report: dict) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(to_xlsx(report)), read_only=True)
    out = {}
    for sheet in book.worksheets:
        values = sheet.iter_rows(values_only=True)
        header = next(values)
        out[sheet.title] = [dict(zip(header, row, strict=True)) for row in values]
    return out


def test_csv_counts_are_whole_numbers_and_hidden_ones_blank():
    stages = table(csv_rows(sample_report()), "stages")
    assert [r["n"] for r in stages] == ["166", "100", "98", "", "120", "126"]
    ward = stages[0]
    assert (ward["stage"], ward["stage_name"], ward["measure_name"]) == (
        "ward",
        "On the ward",
        "CTM-15",
    )
    assert (ward["mean"], ward["low"], ward["high"], ward["band"]) == (
        "61.0",
        "59.2",
        "62.8",
        "worse",
    )
    boxes = ["top_box", "top_box_low", "top_box_high", "bottom_box"]
    boxes += ["bottom_box_low", "bottom_box_high"]
    assert [ward[b] for b in boxes] == ["0.4", "0.35", "0.45", "0.08", "0.05", "0.12"]
    leaving = stages[3]
    assert leaving["suppressed"] == "True"
    assert all(leaving[k] == "" for k in ["n", "mean", "low", "high", "band", *boxes])


def test_xlsx_counts_are_integers():
    book = sheets(sample_report())
    assert [r["n"] for r in book["stages"]] == [166, 100, 98, None, 120, 126]
    assert all(isinstance(r["n"], int) for r in book["stages"] if r["n"] is not None)
    counts = {r["code"]: r for r in book["equality_counts"]}
    assert (counts["65-74"]["people"], counts["65-74"]["responses"]) == (198, 260)
    statement = book["statements"][0]
    assert (statement["n"], statement["strongly_agree"], statement["other_answers"]) == (104, 60, 4)


def test_services_come_in_three_parts_with_codes_and_words():
    services = table(csv_rows(sample_report()), "services")
    assert [(r["service"], r["part"], r["part_name"]) for r in services[:3]] == [
        ("wards", "own", "Own care"),
        ("wards", "out", "Hand-overs out"),
        ("wards", "in", "Hand-overs in"),
    ]
    oakview_in = services[5]
    assert (oakview_in["service_name"], oakview_in["n"], oakview_in["top_box"]) == (
        "Oakview Care Home",
        "80",
        "0.21",
    )


def test_moves_name_their_transition_stage():
    moves = table(csv_rows(sample_report()), "transitions")
    pairs = [(r["stage_name"], r["from_name"], r["to_name"], r["n"]) for r in moves]
    assert ("Leaving hospital", "County Hospital wards", "Oakview Care Home", "72") in pairs
    assert ("Settling in", "County Hospital wards", "Oakview Care Home", "58") in pairs


def test_every_group_row_carries_its_code_and_label():
    rows = csv_rows(sample_report())
    groups = table(rows, "equality_age_band")
    assert [(r["age_band"], r["label"], r["compared"]) for r in groups] == [
        ("65-74", "65 to 74", "True"),
        ("85+", "85 or over", "True"),
        ("75-84", "75 to 84", "True"),
        ("not_answered", "Not answered", "False"),
        ("prefer_not_to_say", "Prefer not to say", "False"),
    ]
    assert [(r["role"], r["label"]) for r in table(rows, "roles")] == [
        ("patient", "Patient"),
        ("carer", "Carer"),
    ]
    assert [(r["sector"], r["label"]) for r in table(rows, "sectors")] == [("acute", "Acute")]
    counts = table(rows, "equality_counts")
    assert [(r["code"], r["label"], r["people"], r["responses"]) for r in counts] == [
        ("65-74", "65 to 74", "198", "260"),
        ("85+", "85 or over", "131", "180"),
        ("75-84", "75 to 84", "", ""),
        ("not_answered", "Not answered", "30", "36"),
        ("prefer_not_to_say", "Prefer not to say", "", "14"),
    ]


def test_the_headline_and_the_unscored_responses_are_tables_too():
    report = sample_report()
    report["strongest"] = []
    rows = csv_rows(report)
    headline = table(rows, "headline")
    assert [(r["list"], r["rank"], r["kind_name"], r["n"]) for r in headline[:2]] == [
        ("weakest", "1", "move", "72"),
        ("weakest", "2", "service", "140"),
    ]
    assert headline[0]["code"] == "leaving:wards:oakview"  # a move's stage, from and to
    assert headline[0]["reference"] == "65.4"
    assert headline[0]["reference_text"] == "the whole pathway"
    assert (headline[2]["list"], headline[2]["what"], headline[2]["n"]) == (
        "strongest",
        "No stage, service or group is clearly better than the pathway as a whole.",
        "",
    )
    unscored = {r["measure"]: (r["asked"], r["unscored"]) for r in table(rows, "unscored")}
    assert unscored == {"ctm-15": ("412", "23"), "ctm-3": ("", ""), "ist": ("300", "0")}


def test_no_text_runs_as_a_formula_and_counts_stay_numbers():
    report = sample_report()
    report["services"][0]["service_name"] = '=HYPERLINK("http://x.invalid")'
    report["equality"]["age_band"]["groups"][0]["label"] = "@SUM(1)"
    rows = csv_rows(report)
    assert table(rows, "services")[0]["service_name"] == '\'=HYPERLINK("http://x.invalid")'
    assert table(rows, "equality_age_band")[0]["label"] == "'@SUM(1)"
    book = sheets(report)
    assert book["services"][0]["service_name"].startswith("'=")
    assert book["services"][0]["n"] == 150


def test_an_empty_report_still_makes_both_files():
    report = sample_report()
    for part in ("journey", "services", "sectors", "roles", "trend", "transitions"):
        report[part] = []
    report["stage_trend"] = report["stage_roles"] = report["statements"] = []
    report["weakest"] = report["strongest"] = []
    report["equality"] = {}
    assert {r["table"] for r in csv_rows(report)} == {"headline", "unscored"}
    assert sheets(report)["stages"] == [{"note": "no data"}]
