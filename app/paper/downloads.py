"""Spreadsheet templates for a survey: CSV with a codebook CSV beside it, and an Excel
workbook with a "Responses" sheet to fill in and a "Codebook" sheet. Pure: bytes out.

Every cell goes through ``reports.cells``: a service named "=..." is text, never a formula."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.paper.sheet import DATA_SHEET
from reports.cells import csv_bytes, safe_cell, safe_row
from surveys.codebook import CODEBOOK_HEADER, Layout, codebook_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"  # Flask adds "; charset=utf-8" to text types
LIST_LIMIT = 255  # Excel's limit on a drop-down list typed into the rule
PROMPT_LIMIT = 255
FILL_ROWS = 2000  # rows the drop-downs and prompts cover


def template_csv(layout: Layout) -> bytes:
    return csv_bytes([[c.name for c in layout.columns]])


def codebook_csv(layout: Layout) -> bytes:
    return csv_bytes([CODEBOOK_HEADER, *codebook_rows(layout)])


def template_xlsx(layout: Layout, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    sheet.append(safe_row(c.name for c in layout.columns))
    sheet.freeze_panes = "B2"
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, min(len(column.name) + 2, 40))
        _help(sheet, letter, column)
    _codebook_sheet(book, layout, title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _help(sheet, letter: str, column) -> None:
    """A prompt with the question on each cell, and a drop-down of the codes where they fit.
    Typed labels are still allowed (no error alert): the importer checks every value."""
    codes = ",".join(c.code for c in column.choices)
    listed = (
        bool(codes)
        and len(codes) + 2 <= LIST_LIMIT
        and "," not in "".join(c.code for c in column.choices)
    )
    rule = DataValidation(
        type="list" if listed else None,
        formula1=f'"{codes}"' if listed else None,
        allow_blank=True,
        showErrorMessage=False,
        showInputMessage=True,
        promptTitle=column.name[:32],
        prompt=column.title[:PROMPT_LIMIT],
    )
    rule.add(f"{letter}2:{letter}{FILL_ROWS + 1}")
    sheet.add_data_validation(rule)


def _codebook_sheet(book: Workbook, layout: Layout, title: str) -> None:
    sheet = book.create_sheet("Codebook")
    sheet.append([safe_cell(f"Codebook: {title}")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "One row per paper form on the Responses sheet. Leave a cell blank when the "
            "question was not answered. Answers can be the code or its meaning in words."
        ]
    )
    sheet.append([])
    sheet.append(list(CODEBOOK_HEADER))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in codebook_rows(layout):
        sheet.append(safe_row(row))
    for letter, width in zip("ABCDEF", (34, 20, 60, 10, 30, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=5, min_col=3, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
