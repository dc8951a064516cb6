"""The A4 QR poster: rendered HTML in, PDF bytes out. Pure: no Flask."""

from __future__ import annotations

import logging

import weasyprint

# WeasyPrint logs each layout step at INFO: seven lines per poster in the service's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The poster holds everything inline (styles, the QR code as a data: URI), so nothing is
# fetched: a stray link to the network or the file system fails instead of leaking.
_FETCHER = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def poster_pdf(html: str, base_url: str | None = None) -> bytes:
    """Lay out ``html`` (a whole document with its own @page rules) as a tagged PDF/UA-1."""
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_FETCHER)
    return document.write_pdf(pdf_variant="pdf/ua-1")
