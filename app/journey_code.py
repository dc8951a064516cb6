"""Pseudonymous journey codes that people copy from one survey to the next.

A code is 9 random symbols and 1 check symbol from a 29-symbol alphabet with no
look-alikes (no 0, 1, O, I, L, S or U), shown as ``ABCDE-FGHJK``: 29**9 is about
2**43.7, above the 40 bits of randomness we want. The check symbol makes the weighted
sum ``sum((i + 1) * value_i) mod 29`` zero. 29 is prime and the weights 1..10 are
distinct and non-zero mod 29, so any single wrong symbol, and any swap of two symbols,
changes the sum and is caught. (ISO 7064 check systems in python-stdnum use the full
0-9A-Z alphabet, which includes the look-alikes we exclude, so they do not fit here.)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
BODY_LENGTH = 9
LENGTH = BODY_LENGTH + 1
_VALUE = {symbol: i for i, symbol in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)


class JourneyCodeError(ValueError):
    """A code that cannot be right; the message says why in plain English."""


def _weighted_sum(symbols: str) -> int:
    return sum((i + 1) * _VALUE[s] for i, s in enumerate(symbols))


def _check_symbol(body: str) -> str:
    total = _weighted_sum(body)
    weight = len(body) + 1
    # Solve total + weight * c == 0 (mod 29) for c.
    c = (-total * pow(weight, -1, _MODULUS)) % _MODULUS
    return ALPHABET[c]


def generate(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    body = "".join(ALPHABET[randbelow(_MODULUS)] for _ in range(BODY_LENGTH))
    return body + _check_symbol(body)


def normalise(text: str) -> str:
    """Upper-case and drop spaces and dashes, so 'abcde fghjk' and 'ABCDE-FGHJK' match."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def is_valid(code: str) -> bool:
    return (
        len(code) == LENGTH
        and all(ch in _VALUE for ch in code)
        and _weighted_sum(code) % _MODULUS == 0
    )


def parse(text: str) -> str:
    """The stored form of a typed code, or JourneyCodeError saying what is wrong."""
    code = normalise(text or "")
    if not code:
        raise JourneyCodeError("Enter your journey code")
    if len(code) != LENGTH:
        raise JourneyCodeError(
            f"Your journey code should be {LENGTH} letters and numbers, like 7KQ2M-XR4PT. "
            f"You entered {len(code)}."
        )
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise JourneyCodeError(
            f"Journey codes do not use {', '.join(bad)}. "
            "Check the code on your confirmation page or form."
        )
    if not is_valid(code):
        raise JourneyCodeError(
            "That journey code is not right. Check each letter and number, and their order."
        )
    return code


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"
