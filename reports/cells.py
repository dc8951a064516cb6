"""Spreadsheet cells that stay text: the one rule every CSV and XLSX download goes through.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so a service named ``=HYPERLINK(...)`` would
become a live link in a commissioner's copy of a report. OWASP's rule for CSV injection: put
a single quote before such text. Only text is changed; numbers stay numbers (-3 is a number).
``read_back`` undoes it for a value a person copies from one of our downloads into an upload.
Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The value to write: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def read_back(text: str) -> str:
    """Text as it was before ``safe_cell``: "'=Ward 3" -> "=Ward 3"; other text unchanged."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as CSV with every cell made safe, in UTF-8 with a byte-order mark (without it
    Excel reads UTF-8 as Windows-1252: accents, curly quotes and "£" break)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(safe_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
