"""Reading an uploaded spreadsheet into rows of text, whatever program saved it.

Accepts what real spreadsheets contain: CSV in UTF-8 with or without a byte-order mark (or
UTF-16, or Windows-1252, which Excel's plain "CSV" writes on Windows), separated by commas,
semicolons (Excel in much of Europe) or tabs, with any line endings; and Excel workbooks
(.xlsx). Cells come back as trimmed text, with their row number as the spreadsheet shows it
(the header is row 1). Pure: no database.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 2000
DATA_SHEET = "Responses"
SEPARATORS = ",;\t"

NOT_A_SPREADSHEET = (
    "We could not read this file as a spreadsheet. Save it as an Excel workbook (.xlsx) or as "
    "CSV UTF-8 (.csv) and upload it again."
)


class SheetError(ValueError):
    """A file that cannot be read as a table at all; the message says why in plain English."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as shown, cells)


def read_table(data: bytes) -> Table:
    if not data.strip():
        raise SheetError("The file is empty. Download the template, fill it in and upload it.")
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary Office format
        raise SheetError(
            "This is an old-style Excel file (.xls). In Excel choose Save As, then Excel "
            "Workbook (.xlsx) or CSV UTF-8, and upload that."
        )
    else:
        rows = _csv_rows(_decode(data))
    return _table(rows)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")  # Excel's "Unicode text"
    if b"\x00" in data:
        raise SheetError(NOT_A_SPREADSHEET)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's "CSV (Comma delimited)" on Windows
    except UnicodeDecodeError as exc:
        raise SheetError(NOT_A_SPREADSHEET) from exc


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    first = text.splitlines()[0] if text.strip() else ""
    # The header row holds only column names, so the separator it uses is the file's.
    separator = max(SEPARATORS, key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        return [(n, [cell.strip() for cell in row]) for n, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise SheetError(f"{NOT_A_SPREADSHEET} (The CSV reader said: {exc}.)") from exc


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(NOT_A_SPREADSHEET) from exc
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        return [
            (n, [_cell_text(value) for value in row])
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _cell_text(value) -> str:
    """A cell as the text a person sees: 3.0 as "3", a date as 2026-03-31."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _table(rows: list[tuple[int, list[str]]]) -> Table:
    if not rows or not any(rows[0][1]):
        raise SheetError(
            "The first row must hold the column names from the template, and it is empty."
        )
    header = rows[0][1]
    while header and not header[-1]:
        header = header[:-1]
    data = [(n, tuple(cells)) for n, cells in rows[1:] if any(cells)]
    if not data:
        raise SheetError("The file has column names but no forms. Add one row for each paper form.")
    if len(data) > MAX_ROWS:
        raise SheetError(
            f"The file has {len(data):,} forms; import at most {MAX_ROWS:,} at a time. "
            "Split it into smaller files."
        )
    return Table(tuple(header), tuple(data))
