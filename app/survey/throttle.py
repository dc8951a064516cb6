"""Journey-code look-ups are limited, so codes cannot be found by guessing.

Only the look-up itself is held back. Survey pages and answers are never refused: people on a
ward's or a care home's Wi-Fi share one address, and one person's mistyped codes must not stop
the others answering.

What counts is a *miss*: a well-formed code (its check symbol is right) that matches nothing.
A typing slip almost always breaks the check symbol (see ``app.journey_code``); it is refused
without touching the database, tells a guesser nothing, and is not counted. A person's own code
that matches never counts either.

Misses are counted twice, and a look-up is refused, before the database is asked, while either
count is used up:

- per network address (``JOURNEY_LOOKUP_LIMIT``): one machine guessing;
- per code pattern, across all addresses (``JOURNEY_PATTERN_LIMIT``): a script spreading its
  guesses over many addresses. The pattern is the code's first symbol, so there are 29 counts.
  A script walking codes in order fills one of them and stops there, while people whose codes
  start otherwise carry on; a script guessing at random across many addresses fills all 29, and
  its total rate is held to 29 times the limit. The pattern limit is set above the address
  limit, so one address alone can never pause anyone else's look-ups.

Counts use Flask-Limiter's storage and strategy (``RATELIMIT_STORAGE_URI``), like the other
limits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from app.extensions import limiter

T = TypeVar("T")
PATTERN_LENGTH = 1  # symbols of the code that make its pattern (see the module docstring)
PAUSED = (
    "Too many journey codes that match nothing have been tried. "
    "Wait a few minutes, then try your code again."
)


class LookupPaused(Exception):
    """Too many misses from this address or with this code pattern: the code was not checked."""

    message = PAUSED


def _counts(code: str):
    config = current_app.config
    yield parse_many(config["JOURNEY_LOOKUP_LIMIT"]), ("address", get_remote_address())
    yield parse_many(config["JOURNEY_PATTERN_LIMIT"]), ("pattern", code[:PATTERN_LENGTH])


def check(code: str) -> None:
    """Raise LookupPaused if the look-up of this (well-formed) code must wait."""
    if not limiter.enabled:
        return
    for items, key in _counts(code):
        if not all(limiter.limiter.test(item, "journey-code", *key) for item in items):
            raise LookupPaused


def missed(code: str) -> None:
    """Count a well-formed code that matched nothing."""
    if not limiter.enabled:
        return
    for items, key in _counts(code):
        for item in items:
            limiter.limiter.hit(item, "journey-code", *key)


def look_up(code: str, find: Callable[[str], T | None]) -> T | None:
    """``find(code)``, unless look-ups must wait (LookupPaused); a None result is a miss."""
    check(code)
    found = find(code)
    if found is None:
        missed(code)
    return found
