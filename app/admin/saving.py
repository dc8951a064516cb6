"""The one shape of a set-up form's POST: check the form, run the data command, and show
a refusal from the data layer on the field it names (nothing has been saved then)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.data import DataError
from app.forms import Form

T = TypeVar("T")


def show_error(form: Form, exc: DataError) -> None:
    """On its field, or above the form when that field is not on it (a locked code, say)."""
    field = form._fields.get(exc.field) if exc.field else None
    (field.errors if field is not None else form.form_errors).append(exc.message)


def saved(form: Form, command: Callable[[], T]) -> T | bool:
    """The command's result (or True) once it has saved; False if the form was not sent,
    is not valid, or the data layer refused it."""
    if not form.validate_on_submit():
        return False
    try:
        result = command()
    except DataError as exc:
        show_error(form, exc)
        return False
    return True if result is None else result
