"""The keys a volunteer types for each answer when keying a paper form.

A list of up to nine answers takes one key per answer: agreement levels are their own codes
(1 to 4), don't know is 9 (or 0), and other answers are numbered 1, 2, 3 in the paper's order.
A list of ten or more answers (ethnic group, age band) gives EVERY answer a two-digit key, 01,
02 ... 20, printed beside its box on the paper form and on the entry screen: every answer in
that box takes exactly two keys, whichever it is. A key that is complete on its own but could
also start a longer one (1, then 10 to 19) would wait silently for a second key, and the next
question's key would be taken as that second key: every later answer would move up one box,
and two volunteers keying in the same rhythm would agree on the wrong values.

Pure: no Flask, no SQLAlchemy, no app.
"""

from __future__ import annotations

from surveys.codebook import Column

BLANK_KEY = "-"
DONT_KNOW = "dk"
KEYED_KINDS = ("role", "service", "choice")  # the boxes answered by a key
ONE_DIGIT = 9  # keys 1 to 9: a list needing more gets a two-digit key for every answer


def keys_for(column: Column) -> dict[str, str]:
    """Key -> option code for an answer box, in the paper's order (don't know's 9 first).
    Every key of a box has the same length, so no key is the start of another."""
    keys = _one_digit_keys(column)
    if all(len(key) == 1 for key in keys):
        return keys
    width = max(2, len(str(len(column.choices))))
    return {str(n).zfill(width): choice.code for n, choice in enumerate(column.choices, 1)}


def _one_digit_keys(column: Column) -> dict[str, str]:
    keys: dict[str, str] = {}
    codes = [c.code for c in column.choices]
    if DONT_KNOW in codes:
        keys["9"] = keys["0"] = DONT_KNOW
    for code in codes:
        if len(code) == 1 and code.isdigit() and code not in keys:
            keys[code] = code
    number = 1
    for code in codes:
        if code in keys.values():
            continue
        while str(number) in keys or str(number) == "0":
            number += 1
        keys[str(number)] = code  # past 9 when the list is too long: see keys_for
        number += 1
    return keys


def key_width(column: Column) -> int:
    """How many keys every answer of this box takes (1, or 2 for a list of ten or more)."""
    return len(next(iter(keys_for(column)), "1"))


def key_of(column: Column, code: str) -> str | None:
    """The key typed for an option code (the first, for don't know's 9 or 0)."""
    return next((k for k, c in keys_for(column).items() if c == code), None)


def printed_keys(column: Column) -> tuple[str, ...]:
    """The key of each option, in the paper's order, to print beside its box."""
    return tuple(key_of(column, choice.code) or "" for choice in column.choices)


def legend(column: Column) -> list[tuple[str, str]]:
    """(key, meaning) as shown beside the box, in key order; an answer with two keys shows
    once ("9 or 0"); the blank key last."""
    by_code: dict[str, list[str]] = {}
    for key, code in keys_for(column).items():
        by_code.setdefault(code, []).append(key)
    shown = [(" or ".join(keys), column.label_of(code)) for code, keys in by_code.items()]
    shown.sort(key=lambda pair: int(pair[0].split()[0]) or 10)  # 0 sorts as ten
    if not column.required:
        shown.append((BLANK_KEY, "left blank"))
    return shown
