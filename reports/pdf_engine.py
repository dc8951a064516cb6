"""The one way into WeasyPrint, for every PDF the service makes (the report, the QR poster,
printed questionnaires).

- **Nothing is fetched.** A PDF's pictures are data: URIs or handed over in memory
  (``SafeFetcher(images)``). Any other reference (``<img src="http://...">``, CSS ``url()``,
  ``@import``, a file path) could only come from text someone typed reaching the HTML
  unescaped; it is refused, logged as an error, and left out, and the PDF is still made.
- **A failure is an ordinary exception.** WeasyPrint stops on ``FatalURLFetchingError``, a
  ``BaseException``: it passes every ``except Exception``, Flask's error pages included, and
  kills the gunicorn worker. Every WeasyPrint failure leaves here as ``PdfFailed``, which
  app/errors.py answers with a logged error and a plain error page.
- **Quiet logs.** WeasyPrint logs each layout step at INFO; that is switched off here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

LOGGER = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
SHOWN = 200  # characters of a refused reference written to the log


class PdfFailed(RuntimeError):
    """WeasyPrint could not make a PDF (the cause is chained)."""


class SafeFetcher(weasyprint.URLFetcher):
    """Serves ``images`` (URL -> bytes of ``media_type``) from memory and data: URIs; refuses
    everything else with a logged error. ``refused`` lists what was refused."""

    def __init__(self, images: Mapping[str, bytes] | None = None, media_type="image/svg+xml"):
        # fail_on_errors=False: a refused fetch leaves its picture out, never stops the PDF.
        super().__init__(allowed_protocols={"data"}, fail_on_errors=False)
        self.images = dict(images or {})
        self.refused: list[str] = []
        self._headers = EmailMessage()
        self._headers["Content-Type"] = media_type

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url in self.images:
            return URLFetcherResponse(url, self.images[url], self._headers)
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        self.refused.append(url)
        LOGGER.error("PDF: refused to fetch %r: a PDF may use only its own pictures", url[:SHOWN])
        raise ValueError(f"refused to fetch {url[:SHOWN]!r}")


@contextmanager
def guarded() -> Iterator[None]:
    """Any WeasyPrint failure inside the block, fatal ones included, as ``PdfFailed``."""
    try:
        yield
    except (Exception, FatalURLFetchingError) as exc:  # FatalURLFetchingError: a BaseException
        raise PdfFailed(f"the PDF could not be made: {type(exc).__name__}: {exc}") from exc


def render(html: str, fetcher: SafeFetcher | None = None, **options) -> weasyprint.Document:
    """``html`` laid out (WeasyPrint's ``render(**options)``); write it inside ``guarded()``."""
    with guarded():
        return weasyprint.HTML(string=html, url_fetcher=fetcher or SafeFetcher()).render(**options)


def write_pdf(html: str, fetcher: SafeFetcher | None = None, **options) -> bytes:
    """``html`` as PDF bytes (WeasyPrint's ``write_pdf(**options)``)."""
    with guarded():
        return weasyprint.HTML(string=html, url_fetcher=fetcher or SafeFetcher()).write_pdf(
            **options
        )
