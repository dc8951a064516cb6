"""The downloadable report: HTML from the report data and its charts, then a tagged PDF.

The charts are the same Plotly figure objects as the dashboard's (reports.charts), exported
as SVG in one batch (reports.svg) while WeasyPrint reads the HTML; WeasyPrint writes PDF/UA-1
(structure tree, language from <html lang>, title shown), so the file meets public-sector
accessibility rules (tests/integration/test_pdf_accessibility.py). Every chart is followed by a
table of its figures (built by reports.pdf_tables). Timings: bench/pdf_render.py and
bench/RESULTS.md.

The PDF's length does not grow with the number of responses: its tables are as long as the
breakdowns (stages, services, groups), and each group of comments shows its latest
``COMMENTS_SHOWN`` at most (as the dashboard) and how many it has in all.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from reports.charts import figures, headline_measure
from reports.pdf_engine import PdfFailed, SafeFetcher, write_pdf
from reports.pdf_tables import (
    AGREEMENT,
    group_counts,
    moves_by_stage,
    points,
    stage_trend_table,
    statement_tables,
    tables,
    unscored,
)
from reports.svg import Pending, draw, to_svgs
from reports.wording import change_interval, change_text, follow_up_sentence, percent

COMMENTS_SHOWN = 20  # per stage and service, as the dashboard shows

TEMPLATES = Path(__file__).with_name("templates")
# Everything typed (comments, service, pathway and stage names) is text: escape it all.
# (select_autoescape() would not match the template's ".html.jinja" name.)
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
IMAGE = "image:"  # the PDF's pictures, served from memory by _Fetcher


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _fmt(value, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


_env.filters["fmt"] = _fmt
# The words of changes and follow-up, as the dashboard and the downloads say them.
for _words in (change_text, change_interval, follow_up_sentence, percent):
    _env.filters[_words.__name__] = _words


def _context(report: dict, organisation: str, charts: dict[str, str], image_url) -> dict:
    """The template's data; ``image_url(svg)`` gives the src of each statement's bar."""
    statements = statement_tables(report)
    for table in statements:
        for row in table["rows"]:
            for cell in row["cells"]:
                if cell and not cell["suppressed"]:
                    cell["bar"] = image_url(cell["bar"])
    return {
        "report": report,
        "charts": charts,
        "organisation": organisation,
        "tables": tables(report),
        "moves": moves_by_stage(report),
        "points": points(report),
        "unscored": unscored(report),
        "counts": {
            dim: group_counts(dim, data, report["meta"]["threshold"])
            for dim, data in report["equality"].items()
        },
        "statements": statements,
        "stage_trend": stage_trend_table(report, headline_measure(report)),
        "comments_shown": COMMENTS_SHOWN,
        "agreement": AGREEMENT,
    }


def report_html(report: dict, organisation: str) -> str:
    """The report as one HTML file, its pictures inside it as SVG data URIs."""
    drawn = figures(report, compact=True)
    charts = dict(zip(drawn, map(_data_uri, to_svgs(list(drawn.values()))), strict=True))
    context = _context(report, organisation, charts, _data_uri)
    return _env.get_template("report.html.jinja").render(context)


class _Fetcher(SafeFetcher):
    """The PDF's pictures from memory, as ``image:<name>``: no data: URI to encode and
    decode, and the charts from the SVGs being drawn, so WeasyPrint reads and styles the HTML
    while Chromium draws, and waits for a chart only when it reaches its <img>. Anything
    else is refused (reports.pdf_engine): the report fetches nothing from the network or
    the disk. If the charts cannot be drawn, ``failed`` holds why."""

    def __init__(self, images: dict[str, bytes], charts: list[str], pending: Pending):
        super().__init__(images)
        self._charts, self._pending = charts, pending
        self.failed: BaseException | None = None

    def fetch(self, url, headers=None):
        if url.startswith(IMAGE + "chart-") and self._pending is not None:
            pending, self._pending = self._pending, None
            try:
                drawn = pending.result()
            except Exception as exc:
                self.failed = exc
                raise
            for name, svg in zip(self._charts, drawn, strict=True):
                self.images[f"{IMAGE}chart-{name}"] = svg.encode("utf-8")
        if self.failed is not None and url.startswith(IMAGE + "chart-"):
            raise ValueError("the charts could not be drawn")
        return super().fetch(url, headers)


def report_pdf(report: dict, organisation: str) -> bytes:
    drawn = figures(report, compact=True)
    pending = draw(list(drawn.values()))  # Chromium draws while WeasyPrint starts
    charts = {name: f"{IMAGE}chart-{name}" for name in drawn}
    images: dict[str, bytes] = {}

    def image_url(svg: str) -> str:
        url = f"{IMAGE}bar-{len(images)}"
        images[url] = svg.encode("utf-8")
        return url

    html = _env.get_template("report.html.jinja").render(
        _context(report, organisation, charts, image_url)
    )
    fetcher = _Fetcher(images, list(drawn), pending)
    pdf = write_pdf(html, fetcher, pdf_variant="pdf/ua-1")
    if fetcher.failed is not None:  # a report without its charts would mislead
        raise PdfFailed("the report's charts could not be drawn") from fetcher.failed
    return pdf
