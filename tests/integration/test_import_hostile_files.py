"""Hostile and odd spreadsheets on the import page and the command line: refused quickly, with
a message that says what is wrong and where, and nothing saved."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import PaperBatch, Response
from tests.integration.test_paper_import import (
    COLLECTED,
    PATIENT,
    SURVEY,
    count,
    summary,
    template,
    upload,
)
from tests.integration.walker import check_page

SHEET_XML = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="inlineStr"><is><t>1</t></is></c><c><v>4</v></c></row>'


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """A 3 MB workbook whose sheet unpacks to 500 MB of rows, written a megabyte at a time."""
    base = io.BytesIO()
    book = Workbook()
    book.active.title = "Responses"
    book.save(base)
    path = tmp_path_factory.mktemp("bomb") / "forms.xlsx"
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for item in src.infolist():
            if item.filename != SHEET_XML:
                dst.writestr(item, src.read(item))
        with dst.open(SHEET_XML, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            megabyte = ROW * (1024 * 1024 // len(ROW))
            for _ in range(500):
                sheet.write(megabyte)
            sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 5 * 1024 * 1024
    return path


def xlsx(client, *rows: dict, title: str = "Responses", empty_first: bool = False) -> bytes:
    header = template(client)
    book = Workbook()
    if empty_first:
        book.active.title = "Sheet1"
        sheet = book.create_sheet(title)
    else:
        sheet = book.active
        sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cli(app, path):
    args = ["import-responses", "--survey", SURVEY, "--collected-on", COLLECTED, str(path)]
    return app.test_cli_runner().invoke(args=args)


def test_a_zip_bomb_is_refused_in_seconds_on_the_web(staff_client, demo_area, zip_bomb):
    volunteer = staff_client("volunteer")
    fields = {"survey": SURVEY, "place": "Ward 3", "collected_on": COLLECTED}
    # Encoded in memory: the test client's own encoder spools a large file to a temporary
    # file that it never closes.
    boundary, body = encode_multipart(
        {**fields, "file": FileStorage(io.BytesIO(zip_bomb.read_bytes()), "forms.xlsx")}
    )
    started = time.perf_counter()
    response = volunteer.post(
        "/paper/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    (problem,) = summary(response)
    assert problem.startswith("The file unpacks to 500 MB, more than a file of paper forms needs")
    assert count(PaperBatch) == 0


def test_a_zip_bomb_is_refused_in_seconds_on_the_command_line(app, demo_area, zip_bomb):
    started = time.perf_counter()
    result = cli(app, zip_bomb)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1
    assert "The file unpacks to 500 MB" in result.output
    assert count(Response) == 0


def test_a_large_file_is_refused_by_the_command_line_before_it_is_read(app, demo_area, tmp_path):
    app.config["IMPORT_MAX_UNPACKED_MB"] = 1
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write(b"form_number\n" + b"1\n" * (600 * 1024))
    result = cli(app, path)
    assert result.exit_code == 1
    assert "huge.csv is larger than 1 MB" in result.output


def test_too_many_rows_are_refused_with_the_setting(staff_client, demo_area, tmp_path):
    volunteer = staff_client("volunteer")
    demo_area.config["IMPORT_MAX_ROWS"] = 2
    rows = [{**PATIENT, "form_number": str(n)} for n in range(1, 4)]
    response = upload(volunteer, xlsx(volunteer, *rows), name="forms.xlsx")
    (problem,) = summary(response)
    assert "import at most 2 forms at a time" in problem
    assert count(Response) == 0


def test_a_formula_with_no_saved_value_is_refused_on_the_web_and_command_line(
    staff_client, demo_area, tmp_path
):
    volunteer = staff_client("volunteer")
    data = xlsx(volunteer, PATIENT, {**PATIENT, "form_number": "2", "ctm-3.ctm3_1": "=B2"})
    response = upload(volunteer, data, name="forms.xlsx")
    (problem,) = summary(response)
    assert problem.startswith("Row 3, column F (ctm-3.ctm3_1): '=B2' is a formula")
    assert "Read the sheet “Responses” of this workbook" in response.text
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(data)
    result = cli(demo_area, path)
    lines = result.output.splitlines()
    assert lines[0] == "Read the sheet “Responses” of formulas.xlsx."
    assert lines[1].startswith("Row 3, column F (ctm-3.ctm3_1): '=B2' is a formula")
    assert count(Response) == 0


def test_a_form_number_made_a_date_is_refused_with_a_hint(staff_client, demo_area):
    volunteer = staff_client("volunteer")
    data = xlsx(volunteer, {**PATIENT, "form_number": datetime(2026, 12, 3)})
    (problem,) = summary(upload(volunteer, data, name="forms.xlsx"))
    assert problem.startswith("Row 2, column A (form_number): '2026-12-03' was turned into a date")
    assert "Format the form_number column as Text" in problem
    assert count(Response) == 0


def test_dont_know_as_printed_and_cut_short_both_import(staff_client, demo_area):
    volunteer = staff_client("volunteer")
    data = xlsx(
        volunteer,
        {**PATIENT, "ctm-3.ctm3_2": " Don't know"},
        {**PATIENT, "form_number": "2", "ctm-3.ctm3_2": "don\u2019t know / not applicable"},
    )
    assert upload(volunteer, data, name="forms.xlsx").status_code == 302
    assert count(Response) == 2


def test_a_renamed_sheet_behind_an_empty_one_is_read_and_named(staff_client, demo_area):
    volunteer = staff_client("volunteer")
    good = xlsx(volunteer, PATIENT, title="March", empty_first=True)
    assert upload(volunteer, good, name="forms.xlsx").status_code == 302
    bad = load_workbook(io.BytesIO(good))
    bad["March"]["A3"] = "not-a-form number!"
    buffer = io.BytesIO()
    bad.save(buffer)
    response = upload(volunteer, buffer.getvalue(), name="forms.xlsx")
    soup = check_page(response.text)
    assert "Read the sheet “March” of this workbook" in soup.select_one(".nhsuk-error-summary").text
    assert count(Response) == 1


def test_the_command_line_counts_one_form(app, demo_area, staff_client, tmp_path):
    path = tmp_path / "one.xlsx"
    path.write_bytes(xlsx(staff_client("volunteer"), PATIENT))
    result = cli(app, path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 form added in batch")


def test_the_csv_template_says_its_charset_once(staff_client, demo_area):
    response = staff_client("volunteer").get(f"/paper/surveys/{SURVEY}/template.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
