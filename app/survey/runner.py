"""Which pages a respondent sees, in what order, and where Back and Continue go.

Pure: plain data in, plain data out; no Flask, no database. The page list depends on
what the person has said so far (who is answering, which service), so it is worked out
again on every request from the saved response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from surveys.model import FreeText, Instrument, Item, PlannedInstrument
from surveys.wording import COMMENTS_TITLE, MOVE_QUESTION, SERVICE_QUESTION

MAX_OPTIONS_PER_PAGE = 20


@dataclass(frozen=True)
class Context:
    stage_kind: str
    roles_allowed: tuple[str, ...]
    n_services: int
    role: str | None = None
    sectors: frozenset[str] = frozenset()
    # The journey came with the link (a printed or earlier code), so there is nothing to ask.
    journey_from_link: bool = False
    # An earlier response in this journey already holds About you (WCAG 3.3.7).
    about_you_known: bool = False
    about_you_wanted: bool | None = None


@dataclass(frozen=True)
class Page:
    id: str
    kind: str
    title: str
    instrument: Instrument | None = None
    items: tuple[Item, ...] = ()
    free_text: tuple[tuple[str, FreeText], ...] = field(default=())
    first_of_instrument: bool = False


def _chunks(items: Sequence[Item], per_page: int) -> list[tuple[Item, ...]]:
    pages: list[list[Item]] = []
    options = 0
    for item in items:
        n_opts = len(item.scale.options) if item.scale else 1
        if not pages or len(pages[-1]) >= per_page or options + n_opts > MAX_OPTIONS_PER_PAGE:
            pages.append([])
            options = 0
        pages[-1].append(item)
        options += n_opts
    return [tuple(p) for p in pages]


def _applicable(items: Sequence[Item], ctx: Context) -> list[Item]:
    return [i for i in items if i.applies(ctx.role, ctx.stage_kind, ctx.sectors)]


def build_pages(
    plan: Sequence[PlannedInstrument],
    about_you: Instrument | None,
    ctx: Context,
    per_page: int = 4,
) -> list[Page]:
    pages: list[Page] = []
    if not ctx.journey_from_link:
        pages.append(Page("journey", "journey", "Have you answered this survey before?"))
    if len(ctx.roles_allowed) > 1:
        pages.append(Page("role", "role", "Who is answering?"))
    if ctx.stage_kind == "transition":
        pages.append(Page("service", "transition", MOVE_QUESTION))
    elif ctx.n_services > 1:
        pages.append(Page("service", "service", SERVICE_QUESTION))

    free_text: dict[str, tuple[str, FreeText]] = {}
    for planned in plan:
        inst = planned.instrument
        chunks = _chunks(_applicable(planned.items, ctx), per_page)
        for n, chunk in enumerate(chunks, start=1):
            title = inst.short_title or inst.title
            if len(chunks) > 1:
                title = f"{title} ({n} of {len(chunks)})"
            pages.append(Page(f"q-{inst.id}-{n}", "questions", title, inst, chunk, (), n == 1))
        if chunks:
            for ft in inst.free_text:
                if ctx.role is None or ctx.role in ft.roles:
                    free_text.setdefault(ft.id, (inst.id, ft))
    if free_text:
        pages.append(
            Page("comments", "comments", COMMENTS_TITLE, free_text=tuple(free_text.values()))
        )

    if about_you and not ctx.about_you_known:
        pages.append(Page("about-you", "about_intro", "About you"))
        if ctx.about_you_wanted:
            chunks = _chunks(_applicable(about_you.items, ctx), per_page)
            for n, chunk in enumerate(chunks, start=1):
                title = f"About you ({n} of {len(chunks)})"
                pages.append(Page(f"about-{n}", "about", title, about_you, chunk))
    pages.append(Page("check", "check", "Check your answers"))
    return pages


def page_index(pages: Sequence[Page], page_id: str) -> int | None:
    return next((i for i, p in enumerate(pages) if p.id == page_id), None)


def next_page_id(pages: Sequence[Page], page_id: str) -> str | None:
    i = page_index(pages, page_id)
    return pages[i + 1].id if i is not None and i + 1 < len(pages) else None


def previous_page_id(pages: Sequence[Page], page_id: str) -> str | None:
    i = page_index(pages, page_id)
    return pages[i - 1].id if i else None


def first_unfinished(pages: Sequence[Page], done: Sequence[str]) -> str:
    """Where a resumed response picks up: the first page not yet saved."""
    done_set = set(done)
    return next((p.id for p in pages if p.id not in done_set), pages[-1].id)


def progress(pages: Sequence[Page], page_id: str) -> tuple[int, int]:
    """Page number and total, not counting the final check page."""
    i = page_index(pages, page_id) or 0
    return i + 1, len(pages) - 1
