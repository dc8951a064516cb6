"""Password rules and hashing for staff accounts.

Length and a guessability check only, no composition rules (NIST SP 800-63B 5.1.1.2; NCSC
password guidance): zxcvbn scores a password against 30,000 common passwords, names,
dictionary words, keyboard runs and dates, so "Password1234" fails and four random words pass.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn score 3 means more than 10^8 guesses: safe against throttled online guessing.
MIN_SCORE = 3

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this when an account does not exist takes as long as a real check,
# so timing does not say which addresses have accounts.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def problem_with(password: str, *, about: list[str] = ()) -> str | None:
    """The reason a new password is refused, in plain English, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if zxcvbn(password[:100], user_inputs=[a for a in about if a])["score"] < MIN_SCORE:
        return (
            "This password is too easy to guess. It is a common password, or close to one, "
            "or uses your name or e-mail. Try three or four random words"
        )
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
