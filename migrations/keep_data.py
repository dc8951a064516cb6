"""The downgrade guard: a downgrade never drops a table or a column that holds data.

Each downgrade that drops something calls ``refuse_to_drop`` first, naming what it drops. If
any of it holds data, the downgrade stops with a message naming each table and column and how
many rows, and the whole run is rolled back (env.py runs it in one transaction on both
databases). Someone who has taken a backup and really means it can pass
``-x drop_data=yes`` (``flask --app wsgi db -x drop_data=yes downgrade <revision>``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

OVERRIDE = "drop_data"

# A JSON value that says nothing: the same as no value for the columns guarded here (no batch
# defaults; nothing left blank, which a scores rebuild assumes when it has no value).
EMPTY_JSON = ("null", "[]", "{}")


class DataWouldBeLost(RuntimeError):
    """RuntimeError, so ``flask db`` prints the message rather than a traceback."""


def refuse_to_drop(
    revision: str, tables: tuple[str, ...] = (), columns: tuple[tuple[str, str], ...] = ()
) -> None:
    """Raise DataWouldBeLost if any of ``tables`` has rows or any JSON ``(table, column)`` a
    value that says something."""
    bind = op.get_bind()
    held = []
    for name in tables:
        rows = bind.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        if rows:
            held.append(f"{name} ({_rows(rows)})")
    for name, column_name in columns:
        column = sa.column(column_name)
        rows = bind.scalar(
            sa.select(sa.func.count())
            .select_from(sa.table(name, column))
            .where(column.is_not(None), sa.cast(column, sa.Text).not_in(EMPTY_JSON))
        )
        if rows:
            held.append(f"{name}.{column_name} ({_rows(rows)} with a value)")
    if not held or context.get_x_argument(as_dictionary=True).get(OVERRIDE) == "yes":
        return
    raise DataWouldBeLost(
        f"Downgrade past revision {revision} refused: it would delete the data in "
        f"{', '.join(held)}. Nothing was changed. To go back anyway, losing that data, take a "
        "backup first (README, 'Backup and restore'), then run the downgrade again with "
        f"-x {OVERRIDE}=yes."
    )


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
