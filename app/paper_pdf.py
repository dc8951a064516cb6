"""Printed questionnaires as one A4 PDF: every form of a print run, however many.

Not in the paper blueprint, so a command-line tool can print too (it needs an app context,
for the templates and the configuration). Nothing is fetched: styles are inline and each
QR code is a data: URI, as on the poster (app/poster.py).

Every form of a run asks the same questions, so WeasyPrint lays the questionnaire out once
(print_form.jinja), keeping space ("slots") for what differs from form to form: its number in
the page header and on the cover, its journey code, QR code and link. Those parts, for every
form, are a second WeasyPrint document (print_stamps.jinja), made a chunk of forms at a time
so memory stays bounded. pikepdf then copies the questionnaire's pages for each form (a copy
shares the drawing and fonts, so it costs a few hundred bytes) and stamps the form's parts on
top, as a form XObject; segno draws each QR code. The stamped parts stay text, so a reader can
still find and copy a form number or a code. Laying out every form instead cost 0.4 s of CPU
and 6 MB a form (bench/paper_print.py, bench/RESULTS.md).

The file is not tagged for screen readers (PDF/UA): each copy would need its own structure
tree, and the stamped text would sit outside it. These forms are for paper; people who use a
screen reader answer the same questions in the phone survey, which is accessible.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pikepdf
from flask import current_app, render_template
from weasyprint.text.fonts import FontConfiguration

from app import journey_code
from app.data import paper_print
from app.qr import qr_pdf
from reports import pdf_engine

FORM_TEMPLATE = "paper/print_form.jinja"
STAMPS_TEMPLATE = "paper/print_stamps.jinja"
# Body text in points: 12 for standard print; large print is 16 or more everywhere (RNIB and
# UKAAF large print guidance: 16 to 18 point, sans serif).
STANDARD_PT = 12
LARGE_PT = 16
# Forms whose parts WeasyPrint lays out at a time, so its layout does not grow with the run
# (bench/paper_print.py: 500 forms of 13 pages peak 71 MB over the app's own RSS).
CHUNK = 50
SLOTS = ("slot-number", "slot-code", "slot-qr", "slot-link")
PX_PER_MM = 96 / 25.4  # CSS pixels, in which WeasyPrint gives positions
STAMP = "/CarejourneyForm"  # the names each page gives its form's stamp and QR code
QR = "/CarejourneyQR"


@dataclass(frozen=True)
class Copy:
    """One printed form: its number, its journey code (grouped as the phone shows it) and
    the link its QR code opens."""

    form_number: str
    code: str | None
    link: str


@dataclass(frozen=True)
class Slot:
    """Where a form's own part goes: CSS pixels from the top left of the page's content."""

    name: str
    x: float
    y: float


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
        made.append(
            Copy(form.form_number, journey_code.display(code) if code else None, link_for(code))
        )
    return made


def run_pdf(run, link_for: Callable[[str | None], str]) -> bytes:
    """The PDF of all of a print run's forms."""
    return questionnaires_pdf(
        run.survey,
        copies(run.printed, link_for),
        large_print=run.large_print,
        return_text=run.return_text,
    )


def _sheet(large_print: bool) -> dict[str, float]:
    """Page margins, the page header's place above the content and the QR code's box, in mm.
    The link beside the QR code has a width of its own, so that its stamped text wraps as the
    space kept for it did."""
    qr = 36 if large_print else 26
    width = 210 - 15 - 15
    online = width - 2 * (0.3 + 3)  # inside .online's border and padding
    return {"top": 18, "right": 15, "bottom": 16, "left": 15, "width": width, "header": 12} | {
        "qr": qr,
        "qr_gap": 5,
        "words": round(online - qr - 5 - 0.5, 1),
    }


def questionnaires_pdf(
    survey, forms: Sequence[Copy], *, large_print: bool, return_text: str
) -> bytes:
    """One PDF of ``forms``: each starts on a new page and shows its own number on every page,
    and "Page x of y" counts its own pages."""
    if not forms:
        raise ValueError("no forms to print")
    sheet = _sheet(large_print)
    context = {
        "survey": survey,
        "questionnaire": paper_print.questionnaire(survey),
        "minutes": paper_print.minutes(survey),
        "large_print": large_print,
        "pt": LARGE_PT if large_print else STANDARD_PT,
        "return_text": return_text,
        "sheet": sheet,
    }
    fonts = FontConfiguration()
    layout = _render(render_template(FORM_TEMPLATE, sample=_widest(forms), **context), fonts)
    slots = _slots(layout, sheet, with_code=forms[0].code is not None)
    del context["questionnaire"]
    # A stamp sheet per page with slots, then one with the header alone for every other page.
    sheets = [page for page in slots if page] + [[]]
    sheet_of_page, stamped = [], 0
    for page in slots:
        sheet_of_page.append(stamped if page else len(sheets) - 1)
        stamped += bool(page)
    qr_page = next(i for i, page in enumerate(slots) if any(s.name == "slot-qr" for s in page))

    with pdf_engine.guarded():
        pdf = pikepdf.open(io.BytesIO(layout.write_pdf()))
    del layout
    questionnaire = list(pdf.pages)
    copier = _Copier(pdf, _qr_place(slots, sheet, float(questionnaire[0].mediabox[3])))
    stamp_pdfs = []  # pikepdf copies their streams when it writes, so they stay open till then
    try:
        for start in range(0, len(forms), CHUNK):
            chunk = forms[start : start + CHUNK]
            html = render_template(STAMPS_TEMPLATE, forms=chunk, sheets=sheets, **context)
            with pdf_engine.guarded():
                stamps = pikepdf.open(io.BytesIO(_render(html, fonts).write_pdf()))
            stamp_pdfs.append(stamps)
            if len(stamps.pages) != len(chunk) * len(sheets):
                raise RuntimeError("a form's parts did not fit their sheets")
            for n, form in enumerate(chunk):
                own = [
                    copier.stamp(page)
                    for page in stamps.pages[n * len(sheets) : (n + 1) * len(sheets)]
                ]
                qr = copier.qr(form.link)
                for index, page in enumerate(questionnaire):
                    copier.copy(page, *own[sheet_of_page[index]], qr if index == qr_page else None)
        del pdf.pages[: len(questionnaire)]
        with pdf.open_outline() as outline:
            outline.root.extend(
                pikepdf.OutlineItem(f"Form {form.form_number}", n * len(questionnaire))
                for n, form in enumerate(forms)
            )
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for stamps in stamp_pdfs:
            stamps.close()
        pdf.close()
    return out.getvalue()


def _render(html: str, fonts: FontConfiguration):
    """Nothing is fetched (reports.pdf_engine): styles are inline, QR codes stamped later."""
    return pdf_engine.render(html, font_config=fonts)


def _widest(forms: Sequence[Copy]) -> Copy:
    """Values that take at least the room any form's take: the longest form number (figures
    are all one width), and a link whose code is W's, the widest letter (the journey code
    itself is set in a fixed-width font)."""
    first = forms[0]
    link = first.link
    if first.code:
        link = link.replace(first.code.replace("-", ""), "W" * journey_code.LENGTH)
    return Copy(max((f.form_number for f in forms), key=len), first.code, link)


def _slots(layout, sheet: dict[str, float], *, with_code: bool) -> list[list[Slot]]:
    """The slots on each page of ``layout``, from their anchors (the ids of print_form.jinja)."""
    found = []
    for page in layout.pages:
        found.append(
            [
                # WeasyPrint 70 gives a box's corners: (x, y) of the top left, then more.
                Slot(name, at[0] - sheet["left"] * PX_PER_MM, at[1] - sheet["top"] * PX_PER_MM)
                for name, at in page.anchors.items()
                if name in SLOTS
            ]
        )
    names = sorted(slot.name for page in found for slot in page)
    expected = sorted(name for name in SLOTS if with_code or name != "slot-code")
    if names != expected:
        raise RuntimeError(f"the questionnaire's slots are {names}, not {expected}")
    return found


def _qr_place(slots: list[list[Slot]], sheet: dict[str, float], page_height: float) -> str:
    """The PDF matrix that draws a unit square where the QR code's slot is, in points from
    the page's bottom left (CSS pixels are 0.75 pt, from the top left)."""
    slot = next(s for page in slots for s in page if s.name == "slot-qr")
    size = sheet["qr"] * 72 / 25.4
    left = (slot.x + sheet["left"] * PX_PER_MM) * 0.75
    top = (slot.y + sheet["top"] * PX_PER_MM) * 0.75
    return f"{size:.3f} 0 0 {size:.3f} {left:.3f} {page_height - top - size:.3f} cm"


class _Copier:
    """Appends copies of a PDF's pages, each with a stamp drawn over it. A copy shares the
    page's drawing and fonts; only its own page and resources dictionaries are new."""

    def __init__(self, pdf: pikepdf.Pdf, qr_place: str):
        self.pdf = pdf
        self.save_state = pdf.make_stream(b"q\n")
        # The page's drawing may leave its coordinates changed: restore them, then stamp.
        stamp = f"\nQ\nq {STAMP} Do Q\n"
        self.draw_stamp = pdf.make_stream(stamp.encode("ascii"))
        self.draw_stamp_and_qr = pdf.make_stream(f"{stamp}q {qr_place} {QR} Do Q\n".encode())

    def qr(self, link: str) -> pikepdf.Object:
        """The QR code that opens ``link``, as a form XObject one unit square."""
        with pikepdf.open(io.BytesIO(qr_pdf(link))) as made:
            page = made.pages[0]
            width = float(page.mediabox[2])
            drawing = page.obj.Contents.read_bytes()
        return self.pdf.make_stream(
            drawing,
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, width, width],
            Matrix=[1 / width, 0, 0, 1 / width, 0, 0],
        )

    def stamp(self, page: pikepdf.Page) -> tuple[pikepdf.Object, pikepdf.Object | None]:
        """A page of another PDF as a form XObject in this one, with its links."""
        annots = page.obj.get("/Annots")
        return (
            self.pdf.copy_foreign(page.as_form_xobject()),
            None if annots is None else pikepdf.Array(self.pdf.copy_foreign(a) for a in annots),
        )

    def copy(
        self,
        page: pikepdf.Page,
        stamp: pikepdf.Object,
        links: pikepdf.Object | None,
        qr: pikepdf.Object | None,
    ) -> None:
        original = page.obj
        copied = pikepdf.Dictionary(
            {
                key: value
                for key, value in original.items()
                if key not in ("/Parent", "/Contents", "/Resources", "/Annots")
            }
        )
        contents = original.Contents
        drawn = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        draw = self.draw_stamp if qr is None else self.draw_stamp_and_qr
        copied.Contents = pikepdf.Array([self.save_state, *drawn, draw])
        resources = pikepdf.Dictionary(dict(original.Resources.items()))
        xobjects = dict(resources.XObject.items()) if "/XObject" in resources else {}
        xobjects[STAMP] = stamp
        if qr is not None:
            xobjects[QR] = qr
        resources.XObject = pikepdf.Dictionary(xobjects)
        copied.Resources = resources
        if links is not None:  # the link under the QR code, to click on screen
            copied.Annots = links
        self.pdf.pages.append(pikepdf.Page(copied))
