"""Checking paper answers against a survey's layout: each cell, then each form as a whole.

``check_table`` checks a whole spreadsheet and returns every problem at once, each with its row
number as the spreadsheet shows it, its column, the value and what is allowed, in plain English.
``parse_value`` and ``form_problems`` are the same checks for one field and one form, for keyed
entry. Pure: no database (the data layer checks what needs it: known journey codes, form
numbers entered before).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from app import journey_code
from app.paper.sheet import Table
from surveys import codebook
from surveys.codebook import Column, Layout

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
LIST_AT_MOST = 8  # longer lists of allowed values point to the codebook instead
UNKNOWN_COLUMN = (
    "is not a column of this survey's template. Check the spelling against the codebook, "
    "or delete the column"
)


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None  # as the spreadsheet shows it; None: the file as a whole
    column: str | None = None  # "C (ctm-3.ctm3_2)"
    value: str | None = None

    def order(self) -> tuple:
        """Sort key: the whole file first, then by row, then left to right."""
        letters = (self.column or "").split(" ")[0]
        return (self.row or 0, len(letters), letters)

    def __str__(self) -> str:
        """Row 5, column F (ctm-3.ctm3_2): 'Agre' is not one of the answers. Allowed: ..."""
        parts = [f"Row {self.row}"] if self.row else []
        if self.column:
            parts.append(f"{'column' if parts else 'Column'} {self.column}")
        place = ", ".join(parts)
        if not place:
            return self.message
        if self.value:
            return f"{place}: '{self.value}' {self.message}"
        return f"{place}{' ' if self.message[:1].islower() else ': '}{self.message}"


@dataclass(frozen=True)
class FormRow:
    """One form read from a spreadsheet row: its checked record, or ``ok`` False with the
    fields that passed (the form number and journey code can still be looked up)."""

    row: int
    form_number: str | None
    record: dict[str, str]
    ok: bool


class ValueProblem(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _allowed(column: Column) -> str:
    blank = "" if column.required else ", or leave it blank"
    if len(column.choices) > LIST_AT_MOST:
        return (
            f"Use one of the {len(column.choices)} codes or answers listed for {column.name} "
            f"in the codebook{blank}"
        )
    listed = "; ".join(f"{c.code} ({c.label})" for c in column.choices)
    return f"Allowed: {listed}{blank}"


def _date(typed: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise ValueProblem(f"is not a date. Enter {codebook.DATE_RULE}")


def parse_value(column: Column, typed: str, today: date) -> str | None:
    """The stored value of one typed field, None when blank; ValueProblem when not allowed."""
    typed = typed.strip()
    if not typed:
        return None
    kind = column.kind
    if kind == "form_number":
        number = codebook.normalise_form_number(typed)
        if not codebook.FORM_NUMBER_PATTERN.match(number):
            raise ValueProblem(f"is not a form number. Use {codebook.FORM_NUMBER_RULE}")
        return number
    if kind == "date":
        day = _date(typed)
        if day > today:
            raise ValueProblem("is in the future. Check the date written on the form")
        return day.isoformat()
    if kind == "journey_code":
        code = journey_code.normalise(typed)
        if len(code) != journey_code.LENGTH:
            raise ValueProblem(
                f"is not a journey code: it has {len(code)} letters and numbers, and a code "
                f"has {codebook.JOURNEY_RULE}"
            )
        if not journey_code.is_valid(code):
            raise ValueProblem(
                "is not a journey code: a letter or number is wrong or two are swapped. "
                "Check it against the form"
            )
        return code
    if kind in ("role", "service", "choice"):
        chosen = column.choice(typed)
        if chosen is None:
            raise ValueProblem(f"is not one of the answers. {_allowed(column)}")
        return chosen.code
    return _text(column, typed)


def _text(column: Column, typed: str) -> str:
    item = column.item
    rule = item.pattern_message if item is not None and item.pattern else None
    if column.max_length and len(typed) > column.max_length:
        raise ValueProblem(
            f"is not in the expected form. {rule}"
            if rule
            else f"is {len(typed):,} characters long; at most {column.max_length:,} fit here"
        )
    if item is not None and item.pattern:
        if not re.fullmatch(item.pattern, typed, re.IGNORECASE):
            raise ValueProblem(f"is not in the expected form. {rule or ''}".strip())
        return typed.upper()  # as the web survey stores it
    return typed


def form_problems(
    layout: Layout, record: Mapping[str, str], collected_on: date | None
) -> list[tuple[str | None, str]]:
    """(column name or None, message) for what is wrong with a form as a whole."""
    found: list[tuple[str | None, str]] = []
    for column in layout.columns:
        if column.required and column.name != codebook.FORM_NUMBER and not record.get(column.name):
            found.append((column.name, f"is missing: {column.title.lower()} is needed"))
    moved_from, moved_to = record.get(codebook.MOVED_FROM), record.get(codebook.MOVED_TO)
    if moved_from and moved_from == moved_to:
        found.append(
            (codebook.MOVED_TO, "is the same as moved_from: a move is between two services")
        )
    day = record.get(codebook.DATE)
    if day and collected_on and date.fromisoformat(day) > collected_on:
        found.append(
            (codebook.DATE, f"is after the forms were collected ({collected_on.isoformat()})")
        )
    answered = [
        c for c in layout.columns if c.name not in codebook.FORM_FIELDS and record.get(c.name)
    ]
    if not answered:
        found.append((None, "This form has no answers. Enter them, or delete the row"))
    role = codebook.role_of(layout, record)
    sectors = codebook.sectors_of(layout, record)
    for column in answered:
        why = codebook.not_asked(layout, column, role, sectors)
        if why:
            found.append((column.name, f"{why}. Check the form, or leave this cell blank"))
    return found


class _Columns:
    """Where each known column is in the file, and the problems with the header row."""

    def __init__(self, table: Table, layout: Layout):
        self.at: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.width = len(table.header)
        known = {codebook.match_key(c.name): c for c in layout.columns}
        unknown = []
        for index, heading in enumerate(table.header):
            letter = get_column_letter(index + 1)
            if not heading:
                if any(index < len(cells) and cells[index] for _, cells in table.rows):
                    self.problems.append(
                        Problem("has no name in row 1, but holds answers", None, letter)
                    )
                continue
            column = known.get(codebook.match_key(heading))
            if column is None:
                unknown.append(Problem(UNKNOWN_COLUMN, 1, letter, heading))
            elif column.name in self.at:
                first = get_column_letter(self.at[column.name] + 1)
                self.problems.append(
                    Problem(f"repeats column {first}: each column goes in once", 1, letter, heading)
                )
            else:
                self.at[column.name] = index
        if not self.at:
            self.problems.append(
                Problem(
                    "The first row does not hold the template's column names (form_number and "
                    "the rest). Download the template and copy your answers into it."
                )
            )
            return
        self.problems += unknown
        for column in layout.columns:
            if column.required and column.name not in self.at:
                self.problems.append(
                    Problem(
                        f"The column {column.name} is missing ({column.title.lower()}). "
                        "Add it: the template has it."
                    )
                )

    def label(self, name: str) -> str:
        return f"{get_column_letter(self.at[name] + 1)} ({name})"


def column_label(table: Table, name: str) -> str | None:
    """ "C (ctm-3.ctm3_2)": where a layout column is in the file, None if it is not."""
    key = codebook.match_key(name)
    for index, heading in enumerate(table.header):
        if codebook.match_key(heading) == key:
            return f"{get_column_letter(index + 1)} ({name})"
    return None


def check_table(
    table: Table, layout: Layout, *, today: date, collected_on: date | None = None
) -> tuple[list[FormRow], list[Problem]]:
    """Every form in the table, and every problem found in it (none: all can be saved)."""
    columns = _Columns(table, layout)
    if not columns.at:
        return [], columns.problems
    problems = list(columns.problems)
    forms: list[FormRow] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        found: list[Problem] = []
        for index in range(columns.width, len(cells)):
            if cells[index]:
                letter = get_column_letter(index + 1)
                found.append(
                    Problem("is in a column with no name in row 1", row, letter, cells[index])
                )
        record: dict[str, str] = {}
        for name, index in columns.at.items():
            typed = cells[index] if index < len(cells) else ""
            try:
                value = parse_value(layout.by_name[name], typed, today)
            except ValueProblem as exc:
                found.append(Problem(exc.message, row, columns.label(name), typed))
                continue
            if value is not None:
                record[name] = value
        number = record.pop(codebook.FORM_NUMBER, None)
        if number is None and codebook.FORM_NUMBER in columns.at:
            typed = cells[columns.at[codebook.FORM_NUMBER]]
            if not typed.strip():
                found.append(
                    Problem(
                        "is missing: every form needs its number, so it is never entered twice",
                        row,
                        columns.label(codebook.FORM_NUMBER),
                    )
                )
        elif number in first_row:
            found.append(
                Problem(
                    f"is also in row {first_row[number]}. Each form goes in once: check the "
                    "number on the paper form",
                    row,
                    columns.label(codebook.FORM_NUMBER),
                    number,
                )
            )
        elif number is not None:
            first_row[number] = row
        # Form checks too, so every problem shows at once; not those a bad cell explains.
        bad = {p.column for p in found}
        for name, message in form_problems(layout, record, collected_on):
            if name is None:
                if not found:
                    found.append(Problem(message, row))
            elif name in columns.at and columns.label(name) not in bad:
                found.append(Problem(message, row, columns.label(name), record.get(name)))
        problems += found
        forms.append(FormRow(row, number, record, ok=not found))
    return forms, sorted(problems, key=Problem.order)
