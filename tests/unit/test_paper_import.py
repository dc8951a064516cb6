"""Reading and checking spreadsheets of paper answers, and the templates and codebook for them.

No app and no database: the layouts are built from the real instrument files for a survey like
the demo's "six weeks on" (an episode, three services, patients and carers) and its "leaving
hospital" (a move between services).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from app.paper import downloads
from app.paper.checking import check_table
from app.paper.sheet import MAX_ROWS, SheetError, read_table
from app.survey.runner import Context, build_pages
from surveys import load_instruments
from surveys.codebook import Choice, form_layout, interpret, normalise_form_number
from surveys.model import PlannedInstrument

REG = load_instruments()
TODAY = date(2026, 6, 30)
COLLECTED = date(2026, 6, 1)
ROLES = (Choice("patient", "Patient"), Choice("carer", "Carer"))
SERVICES = (
    Choice("riverside-surgery", "Riverside Surgery", "gp_primary_care"),
    Choice("district-nursing", "District nursing team", "community_health"),
    Choice("oakview-care-home", "Oakview Care Home", "care_home"),
)
PLAN = [
    PlannedInstrument(REG["ctm-3"], REG["ctm-3"].items),
    PlannedInstrument(REG["i-statements"], REG["i-statements"].select(["goals_outcomes"])),
    PlannedInstrument(
        REG["i-statements-carer"], REG["i-statements-carer"].select(["goals_outcomes"])
    ),
]
LAYOUT = form_layout(PLAN, REG["about-you"], stage_kind="episode", roles=ROLES, services=SERVICES)
MOVE = form_layout(
    [PlannedInstrument(REG["ctm-15"], REG["ctm-15"].items)],
    REG["about-you"],
    stage_kind="transition",
    roles=(Choice("patient", "Patient"),),
    services=SERVICES,
)
HEADER = [c.name for c in LAYOUT.columns]


def csv_bytes(rows: list[dict], header=HEADER, sep=",", newline="\n", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode(encoding)


def check(data: bytes, layout=LAYOUT):
    return check_table(read_table(data), layout, today=TODAY, collected_on=COLLECTED)


def at(name: str) -> str:
    """Where a column is in the template, as the spreadsheet labels it: "F (ctm-3.ctm3_1)"."""
    return f"{get_column_letter(HEADER.index(name) + 1)} ({name})"


def texts(problems) -> list[str]:
    return [str(p) for p in problems]


GOOD = {
    "form_number": "101",
    "who_answered": "patient",
    "service": "riverside-surgery",
    "ctm-3.ctm3_1": "4",
    "ctm-3.ctm3_2": "3",
    "ctm-3.ctm3_3": "nomed",
}


# --- what is accepted ---------------------------------------------------------------------------


def test_semicolons_a_byte_order_mark_windows_line_endings_and_labels_in_any_case():
    rows = [
        {
            **GOOD,
            "form_number": " 0042 ",
            "who_answered": "PATIENT",
            "service": "riverside surgery",
            "ctm-3.ctm3_1": "strongly agree ",
            "ctm-3.ctm3_2": "  Disagree",
            "ctm-3.ctm3_3": "DON\u2019T KNOW / DON'T REMEMBER / NOT APPLICABLE",
            "about-you.ethnic_group": "pakistani",
            "about-you.postcode_district": "ls6",
            "went_well": "The nurse, Ann, rang me; she was kind",
        }
    ]
    data = b"\xef\xbb\xbf" + csv_bytes(rows, sep=";", newline="\r\n")
    forms, problems = check(data)
    assert problems == []
    (form,) = forms
    assert form.row == 2 and form.form_number == "42"
    assert form.record == {
        "who_answered": "patient",
        "service": "riverside-surgery",
        "ctm-3.ctm3_1": "4",  # Strongly agree is 4 on the CTM scale
        "ctm-3.ctm3_2": "2",
        "ctm-3.ctm3_3": "dk",
        "about-you.ethnic_group": "asian_pakistani",
        "about-you.postcode_district": "LS6",
        "went_well": "The nurse, Ann, rang me; she was kind",
    }


def test_excels_windows_csv_and_tab_separated_text_are_read():
    row = {**GOOD, "went_well": "Caf\u00e9 was open \u2013 and \u00a3 prices fair"}
    windows = csv_bytes([row], encoding="cp1252")
    tabs = csv_bytes([row], sep="\t", encoding="utf-16")
    for data in (windows, tabs):
        forms, problems = check(data)
        assert problems == []
        assert forms[0].record["went_well"] == row["went_well"]


def test_blank_cells_are_not_answered_and_blank_rows_are_skipped():
    data = csv_bytes(
        [
            GOOD,
            {},
            {
                "form_number": "102",
                "who_answered": "carer",
                "service": "oakview-care-home",
                "i-statements-carer.is_set_goals": "1",
            },
            {},
        ]
    )
    forms, problems = check(data)
    assert problems == []
    assert [(f.row, f.form_number) for f in forms] == [(2, "101"), (4, "102")]
    assert "ctm-3.ctm3_1" not in forms[1].record


def test_a_filled_excel_template_reads_like_the_csv(tmp_path):
    book = load_workbook(io.BytesIO(downloads.template_xlsx(LAYOUT, "Six weeks on")))
    sheet = book["Responses"]
    header = [cell.value for cell in sheet[1]]
    assert header == HEADER
    values = {**GOOD, "form_number": 101, "ctm-3.ctm3_1": 4, "ctm-3.ctm3_2": 3.0}
    values["date_completed"] = date(2026, 5, 28)
    sheet.append([values.get(name) for name in header])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    forms, problems = check(path.read_bytes())
    assert problems == []
    assert forms[0].form_number == "101"
    assert forms[0].record["ctm-3.ctm3_1"] == "4"
    assert forms[0].record["ctm-3.ctm3_2"] == "3"
    assert forms[0].record["date_completed"] == "2026-05-28"


def test_uk_dates_are_read_day_first():
    forms, problems = check(csv_bytes([{**GOOD, "date_completed": "03/05/2026"}]))
    assert problems == []
    assert forms[0].record["date_completed"] == "2026-05-03"


# --- what is refused, each problem with its place ---------------------------------------------


def test_a_wrong_answer_code_names_row_column_value_and_what_is_allowed():
    _, problems = check(csv_bytes([GOOD, {**GOOD, "form_number": "102", "ctm-3.ctm3_2": "Agre"}]))
    (problem,) = problems
    assert problem.row == 3
    assert problem.column == "G (ctm-3.ctm3_2)"  # the seventh column of the template
    assert problem.value == "Agre"
    assert "1 (Strongly disagree)" in problem.message and "4 (Strongly agree)" in problem.message
    assert str(problem).startswith("Row 3, column G (ctm-3.ctm3_2): 'Agre' is not one of")


def test_long_lists_of_answers_point_to_the_codebook():
    _, problems = check(csv_bytes([{**GOOD, "about-you.ethnic_group": "Martian"}]))
    assert "in the codebook" in problems[0].message


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31/02/2026", "is not a date"),
        ("2026-13-01", "is not a date"),
        ("yesterday", "is not a date"),
        ("2027-01-01", "in the future"),
        ("2026-06-15", "after the forms were collected (2026-06-01)"),
    ],
)
def test_bad_dates_are_refused(typed, says):
    _, problems = check(csv_bytes([{**GOOD, "date_completed": typed}]))
    assert [p.column for p in problems] == ["B (date_completed)"]
    assert says in problems[0].message


def test_a_form_number_twice_in_the_file_is_refused_pointing_at_the_first():
    rows = [GOOD, {**GOOD, "form_number": "7"}, {**GOOD, "form_number": "0101"}]
    _, problems = check(csv_bytes(rows))
    (problem,) = problems
    assert problem.row == 4
    assert "also in row 2" in problem.message


def test_every_problem_in_every_row_is_reported_at_once():
    rows = [
        {**GOOD, "form_number": "", "ctm-3.ctm3_1": "5"},
        {**GOOD, "form_number": "9", "who_answered": "", "service": "the moon"},
        {"form_number": "10", "who_answered": "carer", "service": "district-nursing"},
        {**GOOD, "form_number": "11", "journey_code": "ABCDE-FGHJK"},
    ]
    _, problems = check(csv_bytes(rows))
    where = [(p.row, p.column) for p in problems]
    assert where == [
        (2, "A (form_number)"),
        (2, "F (ctm-3.ctm3_1)"),
        (3, "D (who_answered)"),
        (3, "E (service)"),
        (4, None),  # no answers at all
        (5, "C (journey_code)"),
    ]
    assert "has no answers" in problems[4].message
    assert "a letter or number is wrong" in problems[5].message


def test_answers_to_questions_not_asked_of_this_person_are_refused():
    carer_on_patient_items = {**GOOD, "who_answered": "carer"}
    care_home_item_elsewhere = {**GOOD, "form_number": "2", "i-statements.is_care_home_health": "4"}
    _, problems = check(csv_bytes([carer_on_patient_items, care_home_item_elsewhere]))
    assert [(p.row, p.column) for p in problems] == [
        (2, at("ctm-3.ctm3_1")),
        (2, at("ctm-3.ctm3_2")),
        (2, at("ctm-3.ctm3_3")),
        (3, at("i-statements.is_care_home_health")),
    ]
    assert "for patients" in problems[0].message and "who answered is Carer" in problems[0].message
    assert "care home" in problems[3].message


def test_a_move_needs_two_different_services():
    header = [c.name for c in MOVE.columns]
    same = {"form_number": "1", "moved_from": "oakview-care-home", "moved_to": "Oakview Care Home",
            "ctm-15.ctm01": "4"}  # fmt: skip
    missing = {"form_number": "2", "moved_from": "district-nursing", "ctm-15.ctm01": "4"}
    _, problems = check(csv_bytes([same, missing], header=header), MOVE)
    assert [(p.row, p.column) for p in problems] == [(2, "F (moved_to)"), (3, "F (moved_to)")]
    assert "is the same as moved_from" in problems[0].message
    assert "is missing" in problems[1].message


def test_wrong_columns_are_named_and_nothing_else_is_guessed():
    header = [*HEADER[:-1], "Postcode", "ctm-3.ctm3_1"]
    _, problems = check(csv_bytes([GOOD], header=header))
    messages = texts(problems)
    assert any("'Postcode' is not a column of this survey's template" in m for m in messages)
    assert any("repeats column F" in m for m in messages)
    no_number = [h for h in HEADER if h != "form_number"]
    _, problems = check(csv_bytes([GOOD], header=no_number))
    assert texts(problems) == [
        "The column form_number is missing (form number, as written on the paper form). "
        "Add it: the template has it."
    ]


def test_a_file_that_is_not_the_template_says_so_once():
    forms, problems = check(b"Name,Age,Favourite colour\nAnn,80,blue\n")
    assert forms == []
    assert len(problems) == 1 and "does not hold the template's column names" in str(problems[0])


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The file is empty"),
        (b"  \r\n ", "The file is empty"),
        (",".join(HEADER).encode() + b"\r\n,,,\r\n", "no forms"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "could not read this file as a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "could not read this file as a spreadsheet"),
        (b"PK\x03\x04this is a damaged zip", "looks like an Excel workbook but it is damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", r"old-style Excel file \(\.xls\)"),
    ],
)
def test_files_that_cannot_be_read_say_why(data, says):
    with pytest.raises(SheetError, match=says):
        read_table(data)


def test_a_zip_that_holds_no_workbook_is_refused():
    document = io.BytesIO()
    Workbook().save(document)  # a real workbook, then its main part taken out
    broken = io.BytesIO()
    with zipfile.ZipFile(document) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/workbook.xml":
                dst.writestr(item, src.read(item))
    with pytest.raises(SheetError, match="could not read this file as a spreadsheet"):
        read_table(broken.getvalue())


def test_too_many_rows_are_refused_before_checking():
    rows = "\n".join(f"{n},patient" for n in range(1, MAX_ROWS + 2))
    with pytest.raises(SheetError, match=f"import at most {MAX_ROWS:,} forms at a time"):
        read_table(f"form_number,who_answered\n{rows}".encode())


# --- the template and codebook ----------------------------------------------------------------


def test_the_excel_template_has_a_codebook_with_every_column_and_what_each_code_means():
    book = load_workbook(io.BytesIO(downloads.template_xlsx(LAYOUT, "Six weeks on")))
    assert book.sheetnames == ["Responses", "Codebook"]
    rows = [tuple(c or "" for c in row) for row in book["Codebook"].iter_rows(values_only=True)]
    described = {row[0] for row in rows[4:]}
    assert described == set(HEADER)
    meaning = {(row[0], row[4]): row[5] for row in rows[4:] if row[4]}
    assert meaning["ctm-3.ctm3_1", "4"] == "Strongly agree"
    assert meaning["ctm-3.ctm3_3", "nomed"].startswith("I was not given any medication")
    assert meaning["ctm-3.ctm3_1", "(blank)"] == "Not answered"
    assert meaning["service", "oakview-care-home"] == "Oakview Care Home"
    question = next(row for row in rows if row[0] == "ctm-3.ctm3_2" and row[2])
    assert question[2].startswith("When I left the hospital, I had a good understanding")


def test_the_csv_template_and_its_codebook_open_in_excel_as_utf8():
    template = downloads.template_csv(LAYOUT)
    book = downloads.codebook_csv(LAYOUT)
    assert template.startswith(b"\xef\xbb\xbf") and book.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(template.decode("utf-8-sig")))) == HEADER
    rows = list(csv.reader(io.StringIO(book.decode("utf-8-sig"))))
    assert rows[0] == ["column", "section", "what it holds", "needed", "allowed value", "meaning"]
    assert {r[0] for r in rows[1:]} == set(HEADER)
    assert ["about-you.sex", "", "", "", "pnts", "Prefer not to say"] in rows


def test_form_numbers_lose_leading_zeros_and_spaces_as_spreadsheets_do():
    assert normalise_form_number(" 0042") == "42"
    assert normalise_form_number("rs 0042") == "RS0042"
    assert normalise_form_number("000") == "0"


# --- a record means what the web survey would have stored -------------------------------------


def web_asked(role: str, sectors: set[str]) -> set[tuple[str, str]]:
    """What the web survey asks this person (its runner's pages), for comparison."""
    ctx = Context(
        stage_kind="episode",
        roles_allowed=("patient", "carer"),
        n_services=3,
        role=role,
        sectors=frozenset(sectors),
        about_you_wanted=True,
    )
    pages = build_pages(PLAN, REG["about-you"], ctx)
    asked = {(p.instrument.id, i.id) for p in pages if p.instrument for i in p.items}
    return asked | {(inst, q.id) for p in pages for inst, q in p.free_text}


@pytest.mark.parametrize(
    ("role", "service", "sector"),
    [
        ("patient", "riverside-surgery", "gp_primary_care"),
        ("patient", "oakview-care-home", "care_home"),
        ("carer", "district-nursing", "community_health"),
    ],
)
def test_a_paper_form_asks_what_the_web_survey_asks_the_same_person(role, service, sector):
    record = {"who_answered": role, "service": service, "about-you.sex": "female"}
    answers = interpret(LAYOUT, record)
    assert answers.asked == web_asked(role, {sector})


def test_comments_go_under_the_instrument_the_web_shows_them_with():
    record = {"who_answered": "carer", "service": "district-nursing", "went_well": "Kind staff"}
    answers = interpret(LAYOUT, record)
    assert answers.texts == {("i-statements-carer", "went_well"): "Kind staff"}
    patient = interpret(LAYOUT, {**record, "who_answered": "patient"})
    assert patient.texts == {("ctm-3", "went_well"): "Kind staff"}
