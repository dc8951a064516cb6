"""Reading an uploaded spreadsheet into rows of text, whatever program saved it.

Accepts what real spreadsheets contain: CSV in UTF-8 with or without a byte-order mark (or
UTF-16, or Windows-1252, which Excel's plain "CSV" writes on Windows), separated by commas,
semicolons (Excel in much of Europe) or tabs, with any line endings; and Excel workbooks
(.xlsx). Cells come back as trimmed text, with their row number as the spreadsheet shows it
(the header is row 1). Pure: no database.

A workbook is a zip: a small file can unpack to gigabytes, so its size once unpacked (from
the zip's directory, which Python's zipfile also enforces when reading) and its rows and
columns are checked before any cell is read, and reading stops at the limits.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from reports.cells import read_back
from surveys.codebook import FORM_NUMBER, match_key

MAX_ROWS = 2000  # forms in one file
MAX_COLUMNS = 200  # the widest template has about 150
MAX_UNPACKED_MB = 20  # 2,000 full forms take about 5 MB
DATA_SHEET = "Responses"
SEPARATORS = ",;\t"

NOT_A_SPREADSHEET = (
    "We could not read this file as a spreadsheet. Save it as an Excel workbook (.xlsx) or as "
    "CSV UTF-8 (.csv) and upload it again."
)
DAMAGED = (
    "This file looks like an Excel workbook but it is damaged or incomplete (perhaps it did "
    "not finish saving or downloading). Open it in Excel or LibreOffice, save it again as an "
    "Excel workbook (.xlsx), and upload that."
)
# What reading a damaged workbook can raise, from zipfile, zlib, openpyxl and the XML parsers
# (ElementTree's and lxml's parse errors are SyntaxErrors).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    EOFError,
    SyntaxError,
)
NO_SAVED_VALUE = (
    "is a formula, and the file holds no value for it (a program wrote the formula without "
    "working it out), so we cannot tell what it shows. Open the file in Excel or LibreOffice "
    "and save it, or type the answer in place of the formula"
)
DATE_FORM_NUMBER = (
    "was turned into a date by the spreadsheet: form numbers like 3-12 look like dates to "
    "it. Format the form_number column as Text (in Excel: select the column, then Format "
    "Cells, Text), type the numbers again as written on the forms, and upload the file again"
)
# How a spreadsheet shows a form number it made a date ("3-12" -> "03-Dec"), once saved as CSV.
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
LOOKS_LIKE_A_DATE = re.compile(
    rf"\d{{1,2}}[-/ ]{_MONTH}([-/ ]\d{{2,4}})?"  # 03-Dec, 3 December 2026
    rf"|{_MONTH}[-/ ]\d{{1,4}}"  # Dec-03
    r"|\d{1,2}/\d{1,2}/\d{2,4}",  # 03/12/2026
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Limits:
    """How much one file may hold; settings IMPORT_MAX_UNPACKED_MB, _ROWS, _COLUMNS."""

    unpacked_bytes: int = MAX_UNPACKED_MB * 1024 * 1024
    rows: int = MAX_ROWS  # below the column names
    columns: int = MAX_COLUMNS

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        return cls(
            int(config.get("IMPORT_MAX_UNPACKED_MB", MAX_UNPACKED_MB)) * 1024 * 1024,
            int(config.get("IMPORT_MAX_ROWS", MAX_ROWS)),
            int(config.get("IMPORT_MAX_COLUMNS", MAX_COLUMNS)),
        )


@dataclass(frozen=True)
class CellProblem:
    """A cell that cannot be read as what it shows: where it is and why."""

    row: int
    column: str  # "A (form_number)", or "A" when the column has no name
    value: str
    message: str


class SheetError(ValueError):
    """A file that cannot be read as a table; the message says why in plain English, and
    ``cells`` lists the cells at fault when it is some cells rather than the whole file."""

    def __init__(self, message: str, cells: Iterable[CellProblem] = (), sheet: str | None = None):
        super().__init__(message)
        self.message = message
        self.cells = tuple(cells)
        self.sheet = sheet


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as shown, cells)
    sheet: str | None = None  # the workbook's sheet that was read; None for CSV


def read_table(data: bytes, limits: Limits = Limits()) -> Table:
    if not data.strip():
        raise SheetError("The file is empty. Download the template, fill it in and upload it.")
    if len(data) > limits.unpacked_bytes:
        raise SheetError(_too_big(len(data)))
    if data.startswith(b"PK"):
        return _Workbook(data, limits).table()
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary Office format
        raise SheetError(
            "This is an old-style Excel file (.xls). In Excel choose Save As, then Excel "
            "Workbook (.xlsx) or CSV UTF-8, and upload that."
        )
    return _table(_csv_rows(_decode(data), limits), limits)


def _too_big(size: int, unpacked: bool = False) -> str:
    what = "unpacks to" if unpacked else "is"
    return (
        f"The file {what} {size / 1024 / 1024:,.0f} MB, more than a file of paper forms "
        "needs. Upload the survey's template with only your forms in it, or split the forms "
        "into smaller files."
    )


def _too_many_rows(limits: Limits, sheet: str | None, counted: int | None = None) -> str:
    where = f"The sheet “{sheet}”" if sheet else "The file"
    has = f"has {counted:,} rows" if counted else f"has more than {limits.rows + 1:,} rows"
    return (
        f"{where} {has}; import at most {limits.rows:,} forms at a time. Split it into "
        "smaller files, and delete any empty rows below the last form."
    )


def _too_many_columns(limits: Limits, sheet: str | None, counted: int) -> str:
    where = f"The sheet “{sheet}”" if sheet else "The file"
    return (
        f"{where} has {counted:,} columns; at most {limits.columns:,} are read. Use the "
        "survey's template and delete any columns you added to the right of it."
    )


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


def _csv_rows(text: str, limits: Limits) -> list[tuple[int, list[str]]]:
    first = text.splitlines()[0] if text.strip() else ""
    # The header row holds only column names, so the separator it uses is the file's.
    separator = max(SEPARATORS, key=first.count)
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for n, row in enumerate(reader, start=1):
            if n > limits.rows + 1:
                raise SheetError(_too_many_rows(limits, None))
            if len(row) > limits.columns:
                raise SheetError(_too_many_columns(limits, None, len(row)))
            rows.append((n, [_text(cell) for cell in row]))
    except csv.Error as exc:
        raise SheetError(f"{NOT_A_SPREADSHEET} (The CSV reader said: {exc}.)") from exc
    _refuse_dates_as_text(rows)
    return rows


def _text(typed: str) -> str:
    """A cell as typed, less the quote our downloads put before text like "=Ward 3"."""
    return read_back(typed.strip()).strip()


def _form_number_at(header: list[str]) -> int | None:
    key = match_key(FORM_NUMBER)
    return next((i for i, h in enumerate(header) if match_key(h) == key), None)


def _column(header: list[str], index: int) -> str:
    letter = get_column_letter(index + 1)
    name = header[index] if index < len(header) else ""
    return f"{letter} ({name})" if name else letter


def _refuse_dates_as_text(rows: list[tuple[int, list[str]]], sheet: str | None = None) -> None:
    """Form numbers a spreadsheet showed as dates ("03-Dec") before the file was saved."""
    if not rows:
        return
    header = rows[0][1]
    at = _form_number_at(header)
    if at is None:
        return
    found = [
        CellProblem(n, _column(header, at), cells[at], DATE_FORM_NUMBER)
        for n, cells in rows[1:]
        if at < len(cells) and LOOKS_LIKE_A_DATE.fullmatch(cells[at])
    ]
    if found:
        raise SheetError("Some form numbers were turned into dates.", found, sheet)


class _Workbook:
    """One .xlsx: checked as a zip, its data sheet found, its cells read within the limits."""

    def __init__(self, data: bytes, limits: Limits):
        self.data, self.limits = data, limits
        self.sheet_name: str | None = None
        self.date_rows: list[int] = []  # rows whose form number the spreadsheet made a date

    def table(self) -> Table:
        self._check_zip()
        try:
            with warnings.catch_warnings():
                # openpyxl warns about styles and extensions it skips; they do not matter here.
                warnings.simplefilter("ignore")
                rows, formulas = self._read()
                if formulas:
                    self._saved_values(rows, formulas)
        except SheetError:
            raise
        except UNREADABLE as exc:
            raise SheetError(DAMAGED, sheet=self.sheet_name) from exc
        header = rows[0][1] if rows else []
        at = _form_number_at(header)
        if self.date_rows and at is not None:
            raise SheetError(
                "Some form numbers were turned into dates.",
                [
                    CellProblem(n, _column(header, at), rows[n - 1][1][at], DATE_FORM_NUMBER)
                    for n in self.date_rows
                ],
                self.sheet_name,
            )
        _refuse_dates_as_text(rows, self.sheet_name)
        return _table(rows, self.limits, self.sheet_name)

    def _check_zip(self) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise SheetError(DAMAGED) from exc
        if not any(e.filename == "xl/workbook.xml" for e in entries):
            raise SheetError(NOT_A_SPREADSHEET)
        unpacked = sum(e.file_size for e in entries)
        if unpacked > self.limits.unpacked_bytes:
            raise SheetError(_too_big(unpacked, unpacked=True))
        self._count_tags()

    def _count_tags(self) -> None:
        """Rows and cells counted in the raw XML, stopping at the limits: openpyxl reads a
        whole sheet to size it when the file does not say its size, and every shared string
        when it opens a workbook, so a file that is too big must be refused before that."""
        most_cells = (self.limits.rows + 1) * self.limits.columns
        cells = 0
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            for entry in archive.infolist():
                if not entry.filename.endswith(".xml"):
                    continue
                rows = 0
                for chunk in _chunks(archive, entry):
                    rows += len(_ROW_TAG.findall(chunk))
                    cells += len(_CELL_TAG.findall(chunk))
                    if rows > self.limits.rows + 1:
                        raise SheetError(_too_many_rows(self.limits, None))
                    if cells > most_cells:
                        raise SheetError(
                            f"The file holds more than {most_cells:,} cells: "
                            f"{self.limits.rows:,} forms of {self.limits.columns:,} columns "
                            "at most. Split it into smaller files."
                        )

    def _open(self, data_only: bool):
        return load_workbook(io.BytesIO(self.data), read_only=True, data_only=data_only)

    def _choose(self, book):
        """The sheet named Responses (as the template has it, in any case); else the first
        whose first row has a form_number column; else the first with any first row."""
        by_key = {match_key(name): name for name in book.sheetnames}
        if match_key(DATA_SHEET) in by_key:
            return book[by_key[match_key(DATA_SHEET)]]
        headed = None
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            if sheet.max_column is not None and sheet.max_column > self.limits.columns:
                return sheet  # refused, by name, in _read
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            header = [_cell_text(v) for v in first[: self.limits.columns + 1]]
            if _form_number_at(header) is not None:
                return sheet
            if headed is None and any(header):
                headed = sheet
        if headed is not None:
            return headed
        names = ", ".join(f"“{name}”" for name in book.sheetnames)
        raise SheetError(
            f"No sheet of this workbook has column names in its first row (its sheets: "
            f"{names}). Put the forms on a sheet named “{DATA_SHEET}”, with the template's "
            "column names in row 1."
        )

    def _read(self) -> tuple[list[tuple[int, list[str]]], dict[tuple[int, int], str]]:
        """Every row as text, and the formulas by (row, column index). Read with formulas
        as formulas: a formula's saved value is read only if the sheet has formulas."""
        book = self._open(data_only=False)
        try:
            sheet = self._choose(book)
            self.sheet_name = sheet.title
            limit_rows = self.limits.rows + 1
            if sheet.max_row is not None and sheet.max_row > limit_rows:
                raise SheetError(_too_many_rows(self.limits, sheet.title, sheet.max_row))
            if sheet.max_column is not None and sheet.max_column > self.limits.columns:
                raise SheetError(_too_many_columns(self.limits, sheet.title, sheet.max_column))
            rows: list[tuple[int, list[str]]] = []
            formulas: dict[tuple[int, int], str] = {}
            form_number: int | None = None
            for n, cells in enumerate(self._limited(sheet), start=1):
                texts = []
                for index, cell in enumerate(cells):
                    value = cell.value
                    if cell.data_type == "f":
                        formulas[(n, index)] = str(value)
                        texts.append("")
                        continue
                    if index == form_number and isinstance(value, date | time):
                        self.date_rows.append(n)
                    texts.append(_cell_text(value))
                if n == 1:
                    form_number = _form_number_at(texts)
                rows.append((n, texts))
            return rows, formulas
        finally:
            book.close()

    def _limited(self, sheet) -> Iterator[tuple]:
        """The sheet's rows, stopping at the limits whatever its dimension claims."""
        for n, cells in enumerate(sheet.iter_rows(), start=1):
            if n > self.limits.rows + 1:
                raise SheetError(_too_many_rows(self.limits, sheet.title))
            if len(cells) > self.limits.columns:
                raise SheetError(_too_many_columns(self.limits, sheet.title, len(cells)))
            yield cells

    def _saved_values(
        self, rows: list[tuple[int, list[str]]], formulas: dict[tuple[int, int], str]
    ) -> None:
        """Put each formula's saved value in its cell; refuse the formulas with none."""
        book = self._open(data_only=True)
        try:
            sheet = book[self.sheet_name]
            last = max(n for n, _ in formulas)
            for n, values in enumerate(sheet.iter_rows(max_row=last, values_only=True), start=1):
                for index, value in enumerate(values):
                    if (n, index) in formulas and value is not None:
                        rows[n - 1][1][index] = _cell_text(value)
                        del formulas[(n, index)]
        finally:
            book.close()
        if formulas:
            header = rows[0][1]
            raise SheetError(
                "Some cells hold formulas with no saved value.",
                [
                    CellProblem(n, _column(header, index), formula, NO_SAVED_VALUE)
                    for (n, index), formula in sorted(formulas.items())
                ],
                self.sheet_name,
            )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?(?:c|si)[\s/>]")  # a cell, or a shared string


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part of the zip, unpacked a megabyte at a time, each piece cut before its last "<"
    so that no tag is split between two pieces."""
    with archive.open(entry) as part:
        rest = b""
        while piece := part.read(1024 * 1024):
            piece = rest + piece
            cut = piece.rfind(b"<")
            cut = len(piece) if cut < 0 else cut
            rest = piece[cut:]
            yield piece[:cut]
        yield rest


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
    return _text(str(value))


def _table(rows: list[tuple[int, list[str]]], limits: Limits, sheet: str | None = None) -> Table:
    where = f" of the sheet “{sheet}”" if sheet else ""
    if not rows or not any(rows[0][1]):
        raise SheetError(
            f"The first row{where} must hold the column names from the template, and it is empty.",
            sheet=sheet,
        )
    header = rows[0][1]
    while header and not header[-1]:
        header = header[:-1]
    data = [(n, tuple(cells)) for n, cells in rows[1:] if any(cells)]
    if not data:
        raise SheetError(
            f"The file{where} has column names but no forms. Add one row for each paper form.",
            sheet=sheet,
        )
    if len(data) > limits.rows:
        raise SheetError(
            f"The file has {len(data):,} forms; import at most {limits.rows:,} forms at a time. "
            "Split it into smaller files.",
            sheet=sheet,
        )
    return Table(tuple(header), tuple(data), sheet)
