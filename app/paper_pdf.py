"""Printed questionnaires as one tagged PDF (PDF/UA-1, A4): every form of a print run.

Not in the paper blueprint, so a command-line tool can print too (it needs an app context,
for the templates and the configuration). Nothing is fetched: styles are inline and each
QR code is a data: URI, as on the poster (app/poster.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pydyf
import weasyprint
from flask import current_app, render_template
from weasyprint.document import Page
from weasyprint.text.fonts import FontConfiguration

from app import journey_code
from app.data import paper_print
from app.qr import qr_data_uri

# WeasyPrint logs each layout step at INFO, as app/poster.py notes.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf 0.13 rebuilds the tuple of every page's reference each time it is read, and
    WeasyPrint's tagging reads it once per tag: a tagged PDF of 800 pages spent 40 s there.
    Same value, kept until a page is added (pages are only ever appended to ``Kids``)."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
        pdf.__dict__["_page_references"] = cached
    return cached[1]


pydyf.PDF.page_references = property(_page_references)
_FETCHER = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
TEMPLATE = "paper/print_form.jinja"
# Body text in points: 12 for standard print; large print is 16 or more everywhere (RNIB and
# UKAAF large print guidance: 16 to 18 point, sans serif).
STANDARD_PT = 12
LARGE_PT = 16


@dataclass(frozen=True)
class Copy:
    """One printed form: its number, its journey code (grouped as the phone shows it) and
    the link its QR code opens."""

    form_number: str
    code: str | None
    link: str
    qr_uri: str


def default_return_text() -> str:
    organisation = current_app.config["ORGANISATION_NAME"]
    return (
        "When you have finished, give this form back to the person who gave it to you, "
        f"or post it to {organisation}."
    )


def copies(printed, link_for: Callable[[str | None], str]) -> list[Copy]:
    """The ``printed`` forms of a run; ``link_for(code)``: the survey's public link with that
    journey code (or none)."""
    made = []
    for form in printed:
        code = form.journey.code if form.journey is not None else None
        link = link_for(code)
        made.append(
            Copy(
                form.form_number,
                journey_code.display(code) if code else None,
                link,
                qr_data_uri(link, title=f"QR code for {link}"),
            )
        )
    return made


def run_pdf(run, link_for: Callable[[str | None], str], printed=None) -> bytes:
    """The PDF of a print run's forms (all of them, or those ``printed``)."""
    return questionnaires_pdf(
        run.survey,
        copies(run.printed if printed is None else printed, link_for),
        large_print=run.large_print,
        return_text=run.return_text,
    )


def questionnaires_pdf(
    survey, forms: Sequence[Copy], *, large_print: bool, return_text: str
) -> bytes:
    """One PDF of ``forms``: each starts on a new page and shows its own number on every page.

    Laying out a page costs WeasyPrint 15 ms or more, so a run of 500 forms of 12 pages laid
    out in full would take many minutes. Every form asks the same questions, so the questions
    pages are laid out once, from one whole form, and printed for every form; only each form's
    cover (its number, journey code and QR code) is laid out per form. The questions pages of
    each form take the page header, which shows the form number, from that form's cover.
    """
    fonts = FontConfiguration()
    context = {
        "survey": survey,
        "questionnaire": paper_print.questionnaire(survey),
        "minutes": paper_print.minutes(survey),
        "large_print": large_print,
        "pt": LARGE_PT if large_print else STANDARD_PT,
        "return_text": return_text,
    }
    whole = _render(
        render_template(TEMPLATE, forms=forms[:1], with_questions=True, pages=None, **context),
        fonts,
    )
    first_question_page = next(i for i, p in enumerate(whole.pages) if "questions" in p.anchors)
    covers = _render(
        render_template(
            TEMPLATE, forms=forms, with_questions=False, pages=len(whole.pages), **context
        ),
        fonts,
    )
    per_cover = first_question_page
    starts = [i for i, page in enumerate(covers.pages) if _starts_form(page)]
    if len(covers.pages) != per_cover * len(forms) or starts != list(
        range(0, len(covers.pages), per_cover)
    ):
        raise RuntimeError("a form's cover does not take the same pages as the first form's")
    pages = []
    for n in range(len(forms)):
        cover = covers.pages[n * per_cover : (n + 1) * per_cover]
        header = _margin_box(cover[0], HEADER)
        pages += cover
        pages += [_with_margin_box(page, header) for page in whole.pages[per_cover:]]
    return whole.copy(pages).write_pdf(pdf_variant=PDF_VARIANT)


HEADER = "@top-right"  # the margin box that holds the form number (print_form.jinja)
PDF_VARIANT = "pdf/ua-1"


def _render(html: str, fonts: FontConfiguration):
    document = weasyprint.HTML(string=html, url_fetcher=_FETCHER)
    return document.render(font_config=fonts, pdf_variant=PDF_VARIANT)


def _starts_form(page) -> bool:
    return any(anchor.startswith("form-") for anchor in page.anchors)


def _margin_box(page, at_keyword: str):
    boxes = page._page_box.children
    return next(box for box in boxes if getattr(box, "at_keyword", None) == at_keyword)


def _with_margin_box(page, margin_box):
    """``page`` with ``margin_box`` in place of its own margin box at the same place (pages
    of one layout share their size and margins, so the box sits where it did)."""
    page_box = page._page_box.copy()
    page_box.children = [
        margin_box if getattr(box, "at_keyword", None) == margin_box.at_keyword else box
        for box in page._page_box.children
    ]
    return Page(page_box)
