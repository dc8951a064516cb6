"""Odd and hostile spreadsheets of paper forms, and cells that must stay text.

Each file is made the way it turns up in real life: a workbook whose rows a script wrote with
formulas and no values, a form number Excel made a date, a workbook whose data sheet was
renamed behind an empty one, a file that claims or holds far more than a batch of forms.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from app.paper import downloads
from app.paper.sheet import Limits, SheetError, read_table
from reports.cells import read_back, safe_cell
from surveys.codebook import Choice, form_layout
from tests.unit.test_paper_import import GOOD, HEADER, PLAN, REG, ROLES, at, check, texts

SMALL = Limits(unpacked_bytes=2 * 1024 * 1024, rows=50, columns=len(HEADER) + 5)


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows(*rows: dict) -> list[list]:
    return [HEADER, *([row.get(name) for name in HEADER] for row in rows)]


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed by ``change(xml) -> xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            dst.writestr(item, body)
    return out.getvalue()


# --- sizes: refused from the zip's directory and a count of the raw XML ------------------------


def test_a_workbook_that_unpacks_past_the_limit_is_refused_at_once():
    padded = io.BytesIO()
    original = io.BytesIO(workbook(("Responses", good_rows(GOOD))))
    with (
        zipfile.ZipFile(original) as src,
        zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert len(padded.getvalue()) < 100_000  # small to upload, 3 MB unpacked
    with pytest.raises(SheetError, match=r"The file unpacks to 3 MB"):
        read_table(padded.getvalue(), SMALL)


def test_a_sheet_that_says_it_has_a_million_rows_is_refused_by_name():
    data = with_sheet_xml(
        workbook(("Forms", good_rows(GOOD))),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B1048576"', xml),
    )
    with pytest.raises(SheetError, match="The sheet “Forms” has 1,048,576 rows; import at most 50"):
        read_table(data, SMALL)


def test_rows_past_the_limit_are_counted_without_reading_them():
    # No <dimension>: openpyxl would read the whole sheet just to size it.
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 200_000))
    data = with_sheet_xml(
        workbook(("Responses", [["form_number"]])),
        lambda xml: re.sub(r"<dimension[^>]*/>", "", xml).replace(
            "</sheetData>", rows + "</sheetData>"
        ),
    )
    started = time.perf_counter()
    with pytest.raises(SheetError, match="more than 51 rows; import at most 50 forms"):
        read_table(data, Limits(rows=50))
    assert time.perf_counter() - started < 2


def test_too_many_columns_are_refused_naming_the_sheet():
    wide = [[f"c{i}" for i in range(SMALL.columns + 1)], ["1"] * (SMALL.columns + 1)]
    with pytest.raises(SheetError, match=rf"“Responses” has {SMALL.columns + 1} columns"):
        read_table(workbook(("Responses", wide)), SMALL)
    line = ",".join(["x"] * (SMALL.columns + 1)).encode()
    with pytest.raises(SheetError, match=rf"The file has {SMALL.columns + 1} columns"):
        read_table(b"form_number\n" + line, SMALL)


def test_a_workbook_cut_short_says_it_is_damaged():
    data = workbook(("Responses", good_rows(GOOD)))
    with pytest.raises(SheetError, match="damaged or incomplete") as refused:
        read_table(data[: len(data) // 2])
    assert "save it again as an Excel workbook" in str(refused.value)


# --- formulas -----------------------------------------------------------------------------------


def test_a_formula_with_no_saved_value_is_refused_with_its_row_and_column():
    # What openpyxl or a script writes: the formula, and no value worked out.
    data = workbook(
        ("Responses", good_rows(GOOD, {**GOOD, "form_number": "102", "ctm-3.ctm3_1": "=2+2"}))
    )
    with pytest.raises(SheetError) as refused:
        read_table(data)
    (cell,) = refused.value.cells
    assert (cell.row, cell.column, cell.value) == (3, at("ctm-3.ctm3_1"), "=2+2")
    assert "a formula, and the file holds no value for it" in cell.message
    assert refused.value.sheet == "Responses"


def test_a_formula_saved_with_its_value_reads_as_the_value():
    data = workbook(("Responses", good_rows({**GOOD, "ctm-3.ctm3_1": "=2+2"})))
    saved = with_sheet_xml(data, lambda xml: xml.replace("<f>2+2</f><v></v>", "<f>2+2</f><v>4</v>"))
    table = read_table(saved)
    assert table.rows[0][1][HEADER.index("ctm-3.ctm3_1")] == "4"


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula():
    book = Workbook()
    book.active.title = "Responses"
    book.active.append(HEADER)
    book.active.append([GOOD.get(name) for name in HEADER])
    cell = book.active.cell(2, HEADER.index("went_well") + 1)
    cell.value, cell.data_type = "=the nurse came", "s"  # typed as '=the nurse came
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.rows[0][1][HEADER.index("went_well")] == "=the nurse came"


# --- form numbers a spreadsheet made dates -----------------------------------------------------


def test_a_form_number_excel_made_a_date_is_refused_with_a_hint():
    row = {**GOOD, "form_number": datetime(2026, 12, 3)}  # "3-12" typed into Excel
    with pytest.raises(SheetError) as refused:
        read_table(workbook(("Responses", good_rows(GOOD, row))))
    (cell,) = refused.value.cells
    assert (cell.row, cell.column, cell.value) == (3, at("form_number"), "2026-12-03")
    assert (
        "turned into a date" in cell.message
        and "Format the form_number column as Text" in cell.message
    )


@pytest.mark.parametrize("shown", ["03-Dec", "3 December 2026", "03/12/2026"])
def test_a_form_number_saved_as_a_date_in_a_csv_is_refused(shown):
    data = (
        ",".join(HEADER).encode()
        + b"\n"
        + ",".join([shown if n == "form_number" else str(GOOD.get(n, "")) for n in HEADER]).encode()
    )
    with pytest.raises(SheetError) as refused:
        read_table(data)
    assert [(c.row, c.value) for c in refused.value.cells] == [(2, shown)]


def test_form_numbers_with_hyphens_are_not_taken_for_dates():
    forms, problems = check(
        workbook(
            (
                "Responses",
                good_rows({**GOOD, "form_number": "RS-1042"}, {**GOOD, "form_number": "12-3"}),
            )
        )
    )
    assert problems == [] and [f.form_number for f in forms] == ["RS-1042", "12-3"]


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        " Don't know",
        "don't know / not applicable",
        "DON\u2019T KNOW",
        "Don't know / don't remember / not applicable",
    ],
)
def test_dont_know_imports_however_the_label_is_cut_or_spaced(typed):
    data = workbook(("Responses", good_rows({**GOOD, "ctm-3.ctm3_2": typed})))
    forms, problems = check(data)
    assert texts(problems) == []
    assert forms[0].record["ctm-3.ctm3_2"] == "dk"


def test_a_short_label_that_two_answers_share_matches_neither():
    layout = form_layout(
        PLAN,
        REG["about-you"],
        stage_kind="episode",
        roles=ROLES,
        services=(
            Choice("ward-a", "Ward / A", "hospital"),
            Choice("ward-b", "Ward / B", "hospital"),
        ),
    )
    column = layout.by_name["service"]
    assert column.choice("ward") is None
    assert column.choice("ward / b").code == "ward-b"


# --- the sheet read -----------------------------------------------------------------------------


def test_a_renamed_data_sheet_behind_an_empty_one_is_found_and_named():
    data = workbook(("Sheet1", []), ("March forms", good_rows(GOOD)))
    table = read_table(data)
    assert table.sheet == "March forms" and table.rows[0][1][0] == "101"


def test_a_workbook_with_no_column_names_anywhere_names_its_sheets():
    with pytest.raises(SheetError, match=r"No sheet of this workbook .* “Sheet1”, “Notes”"):
        read_table(workbook(("Sheet1", []), ("Notes", [[], ["form_number"]])))


def test_an_empty_first_row_on_the_responses_sheet_names_it():
    with pytest.raises(SheetError, match=r"The first row of the sheet “Responses” .* is empty"):
        read_table(workbook(("Notes", [["x"]]), ("Responses", [[], HEADER])))


# --- cells that stay text -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-minus", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_a_quote_and_reads_back(text):
    assert safe_cell(text) == "'" + text
    assert read_back(safe_cell(text)) == text


@pytest.mark.parametrize("value", [-3, -0.5, 0, None, True, "Riverside", "'quoted", "1-2"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert read_back(value) == value


HOSTILE = (
    Choice("eq", '=HYPERLINK("http://x.invalid","Click")', "gp_primary_care"),
    Choice("plus", "+Plus surgery", "community_health"),
    Choice("minus", "-Minus care home", "care_home"),
)


def test_the_templates_and_codebooks_write_names_as_text():
    layout = form_layout(
        PLAN, REG["about-you"], stage_kind="episode", roles=ROLES, services=HOSTILE
    )
    rows = list(csv.reader(io.StringIO(downloads.codebook_csv(layout).decode("utf-8-sig"))))
    labels = {row[5] for row in rows if row[0] == "service"}
    assert {"'" + c.label for c in HOSTILE} <= labels
    book = load_workbook(io.BytesIO(downloads.template_xlsx(layout, "=Title")))
    cells = [c for row in book["Codebook"].iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert {"'" + c.label for c in HOSTILE} <= {c.value for c in cells}


def test_a_label_copied_from_the_codebook_with_its_quote_imports():
    layout = form_layout(
        PLAN, REG["about-you"], stage_kind="episode", roles=ROLES, services=HOSTILE
    )
    header = [c.name for c in layout.columns]
    row = {**{k: v for k, v in GOOD.items() if k in header}, "service": "'+Plus surgery"}
    data = ",".join(header).encode() + b"\n" + ",".join(row.get(n, "") for n in header).encode()
    forms, problems = check(data, layout)
    assert texts(problems) == [] and forms[0].record["service"] == "plus"
