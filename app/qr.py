"""QR codes for survey links, as SVG. Pure: no Flask, so it is easy to test."""

from __future__ import annotations

import base64
import io

import segno


def _code(url: str) -> segno.QRCode:
    # micro=False: a short link could otherwise become a Micro QR code, which most phone
    # cameras cannot read. Level M survives a poster being scuffed or partly covered.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, title: str | None = None, scale: int = 8, scalable: bool = False) -> str:
    """The QR code for ``url`` as an SVG document (no XML declaration).

    ``scalable`` writes a viewBox instead of a fixed width and height, so the code can be
    sized by the page it sits in (the poster).
    """
    buffer = io.BytesIO()
    _code(url).save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,  # the quiet zone the QR standard asks for
        dark="#000",
        light="#fff",  # white behind the code, whatever the page or poster colour
        title=title,
        xmldecl=False,
        omitsize=scalable,
        nl=False,
    )
    return buffer.getvalue().decode("utf-8")


def qr_data_uri(url: str, title: str | None = None) -> str:
    """The scalable SVG as a data: URI, for an <img> that needs no second request."""
    svg = qr_svg(url, title=title, scale=1, scalable=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def qr_pdf(url: str) -> bytes:
    """The QR code as a one-page PDF (a point a module, the quiet zone included), for a PDF
    that places it itself (app/paper_pdf.py)."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="pdf", scale=1, border=4, dark="#000", light="#fff")
    return buffer.getvalue()
