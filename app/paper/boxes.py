"""One box of the entry screen: what a volunteer typed in it, what it means, and who is
asked it. Shared by keyed entry and by the comparison of two keyings, which read a typed
answer the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.paper.checking import ValueProblem, parse_value
from surveys import codebook
from surveys.codebook import Column, Layout
from surveys.paper_keys import BLANK_KEY, KEYED_KINDS, key_width, keys_for, legend

__all__ = ["ValueProblem", "answer_box", "asked_of", "read_box", "said"]


def _today() -> date:
    return datetime.now(UTC).date()


def read_box(column: Column, typed: str) -> str | None:
    """The stored value of one box, None when left blank; ValueProblem when not allowed.

    An answer box takes its key, or (typed without JavaScript, or pasted) its code or its
    words. Digits are only ever read as a key: "1" in a box whose keys have two digits is
    refused, never taken as an answer, so that a short key cannot pass unnoticed."""
    typed = typed.strip()
    if column.kind not in KEYED_KINDS:
        return parse_value(column, typed, _today())
    if typed in ("", BLANK_KEY):
        return None
    keys = keys_for(column)
    if typed in keys:
        return keys[typed]
    if not typed.isdigit():
        try:
            return parse_value(column, typed, _today())
        except ValueProblem:
            pass
    raise ValueProblem(_wrong_key(column, typed))


def _wrong_key(column: Column, typed: str) -> str:
    width = key_width(column)
    if width == 1:
        listed = ", ".join(f"{k} for {v}" for k, v in legend(column))
        return f"is not an answer here. Type {listed}"
    keys = list(keys_for(column))
    what = "is too short" if typed.isdigit() and len(typed) < width else "is not an answer here"
    blank = "" if column.required else f", or {BLANK_KEY} to leave it blank"
    first = column.label_of(keys_for(column)[keys[0]])
    return (
        f"{what}: every answer to this question has a {width}-digit key, from {keys[0]} to "
        f"{keys[-1]}, as printed beside its box on the form. Type both digits, like {keys[0]} "
        f"for {first}{blank}"
    )


def said(column: Column, typed: str) -> str:
    """The meaning of what is in an answer box, shown beside it ("" when it means nothing)."""
    try:
        value = read_box(column, typed)
    except ValueProblem:
        return ""
    if value is None:
        return "Left blank" if typed.strip() == BLANK_KEY else ""
    return column.label_of(value)


def answer_box(layout: Layout, column: Column, typed: str) -> dict:
    """What the screen and its script need to know of an answer box: its keys and their
    meanings, what is in it now, and who is asked it when not everybody is."""
    if column.kind not in KEYED_KINDS:
        return {"one_key": False, "only": None}
    roles, sectors = asked_of(layout, column)
    box = {
        "one_key": True,
        "legend": legend(column),
        "keys": [[k, column.label_of(v)] for k, v in keys_for(column).items()],
        "width": key_width(column),
        "said": said(column, typed),
        "for_roles": " ".join(roles),
        "for_sectors": " ".join(sectors),
        "only": _only(roles, sectors),
    }
    if column.kind == "role":
        box["codes"] = [[k, v] for k, v in keys_for(column).items()]
    elif column.kind == "service":
        sector = {c.code: c.sector for c in column.choices}
        box["codes"] = [[k, sector[v]] for k, v in keys_for(column).items() if sector[v]]
    return box


def asked_of(layout: Layout, column: Column) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The roles and the sectors a question is asked of, when not every one: the rule of
    ``codebook.not_asked``, for the script that skips the boxes not asked."""
    item = column.item
    if item is None or column.instrument_id == codebook.ABOUT_YOU:
        return (), ()
    roles = tuple(r.code for r in layout.roles if r.code in item.roles)
    return (() if len(roles) == len(layout.roles) else roles), tuple(item.sectors or ())


def _only(roles: tuple[str, ...], sectors: tuple[str, ...]) -> str | None:
    """ "Asked only of carers", "... about care home services", as the paper's note says."""
    parts = []
    if roles:
        parts.append("of " + " or ".join(codebook.ROLE_PLURALS.get(r, r) for r in roles))
    if sectors:
        parts.append("about " + " or ".join(s.replace("_", " ") for s in sectors) + " services")
    return "Asked only " + ", ".join(parts) if parts else None
