"""The A4 QR poster: rendered HTML in, PDF bytes out. Pure: no Flask."""

from __future__ import annotations

from reports.pdf_engine import write_pdf


def poster_pdf(html: str) -> bytes:
    """Lay out ``html`` (a whole document with its own @page rules) as a tagged PDF/UA-1.

    The poster holds everything inline (styles, the QR code as a data: URI), so nothing is
    fetched (reports.pdf_engine): a stray link to the network or the disk is refused."""
    return write_pdf(html, pdf_variant="pdf/ua-1")
