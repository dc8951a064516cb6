"""One import, the same from the web page and the command line: read the file, check every row,
check what needs the database, and save all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from app.data import paper_forms, paper_import
from app.data.audit import Actor
from app.paper import checking
from app.paper.sheet import Limits, SheetError, Table, read_table


@dataclass(frozen=True)
class Outcome:
    problems: list[checking.Problem] = field(default_factory=list)
    result: paper_import.ImportResult | None = None
    sheet: str | None = None  # the workbook's sheet that was read (None: a CSV file)


def limits() -> Limits:
    """The import limits set for this installation (IMPORT_MAX_* settings)."""
    return Limits.from_config(current_app.config)


def _refused(exc: SheetError) -> Outcome:
    if not exc.cells:
        return Outcome([checking.Problem(exc.message)], sheet=exc.sheet)
    return Outcome(
        [checking.Problem(c.message, c.row, c.column, c.value) for c in exc.cells],
        sheet=exc.sheet,
    )


def _label(table: Table, name: str | None) -> str | None:
    if name is None:
        return None
    return checking.column_label(table, name) or name


def run_import(
    survey,
    data: bytes,
    file_name: str | None,
    *,
    place: str,
    collected_on: date,
    actor: Actor,
    today: date,
) -> Outcome:
    try:
        table = read_table(data, limits())
    except SheetError as exc:
        return _refused(exc)
    layout = paper_forms.layout_for(survey)
    forms, problems = checking.check_table(table, layout, today=today, collected_on=collected_on)
    # The database's checks too (numbers entered before, unknown journey codes), so that
    # every problem shows at once.
    issues = paper_import.check_forms(survey, forms).issues if forms else []
    problems += [
        checking.Problem(message, row, _label(table, column), value)
        for row, column, value, message in issues
    ]
    if problems:
        return Outcome(sorted(problems, key=checking.Problem.order), sheet=table.sheet)
    try:
        result = paper_import.import_forms(
            actor,
            survey,
            forms,
            place=place,
            collected_on=collected_on,
            file_name=file_name,
            file_sha256=hashlib.sha256(data).hexdigest(),
        )
    except paper_import.ImportRefused as exc:
        return Outcome(
            [checking.Problem(m, r, _label(table, c), v) for r, c, v, m in exc.issues],
            sheet=table.sheet,
        )
    return Outcome([], result, table.sheet)
