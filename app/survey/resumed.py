"""After a journey code resumes a response, that browser sees only the pages not yet answered.

A journey code is written on paper forms and shown on confirmation pages, so whoever reads it
may carry on the survey, but must not read or change the answers already given. A resume by
code therefore never hands out the response's own token (the link that opens every page): it
hands out a *resumed token*, a signed reference to the response, whose links open only

- the pages not saved yet, and
- the pages this browser saved since (kept in its session, so the person can go back to them).

Pages saved before the resume, or saved by another browser since, stay closed: "Check your
answers" lists them as answered, without the answer. The response's own link keeps working for
the browser that started it. Why not a session marker alone: the browser would hold the real
token, and clearing cookies would lift the limit. Why not a new token in the database: a
migration for what a signature already proves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeSerializer

SESSION_KEY = "resumed_pages"


@dataclass(frozen=True)
class Access:
    """How this request reached the response: its own token, or a resumed token."""

    token: str  # the token in the URL; every link on the page keeps it
    by_code: bool = False
    saved_here: frozenset[str] = field(default_factory=frozenset)

    def hidden(self, response) -> frozenset[str]:
        """Pages this request may not show or change."""
        if not self.by_code:
            return frozenset()
        return frozenset(response.pages_done or []) - self.saved_here


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="resumed-by-code")


def issue(response) -> str:
    """The token a resume by code hands out. Own tokens never hold a '.'; these always do."""
    return _signer().dumps(response.id)


def response_id(token: str) -> int | None:
    """The response a resumed token names, or None if the token is not one."""
    if "." not in token:
        return None
    try:
        value = _signer().loads(token)
    except BadSignature:
        return None
    return value if type(value) is int else None


def started_since() -> datetime:
    """Only responses started this recently can be resumed by code (RESUME_DAYS)."""
    return datetime.now(UTC) - timedelta(days=current_app.config["RESUME_DAYS"])


def access(token: str, response_id_: int) -> Access:
    pages = session.get(SESSION_KEY, {}).get(str(response_id_), [])
    return Access(token, by_code=True, saved_here=frozenset(pages))


def remember_saved(access_: Access, response, page_id: str) -> None:
    """A page saved through a resumed token can be seen again from this browser."""
    if not access_.by_code:
        return
    kept = session.get(SESSION_KEY, {})
    pages = kept.get(str(response.id), [])
    if page_id not in pages:
        session[SESSION_KEY] = {**kept, str(response.id): [*pages, page_id]}
