"""The downloadable report: HTML from the report data and its charts, then a tagged PDF.

The charts are the same Plotly figure objects as the dashboard's (reports.charts), exported
as SVG; WeasyPrint writes PDF/UA-1 (structure tree, language from <html lang>), so the file
meets public-sector accessibility rules. Every chart is followed by a table of its figures.
"""

from __future__ import annotations

import base64
from pathlib import Path

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports.charts import figures
from reports.svg import to_svg

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
_FETCHER = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _fmt(value, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


_env.filters["fmt"] = _fmt


def report_html(report: dict, organisation: str) -> str:
    charts = {name: _data_uri(to_svg(fig)) for name, fig in figures(report, compact=True).items()}
    return _env.get_template("report.html.jinja").render(
        report=report, charts=charts, organisation=organisation
    )


def report_pdf(report: dict, organisation: str) -> bytes:
    html = report_html(report, organisation)
    document = weasyprint.HTML(string=html, url_fetcher=_FETCHER)
    return document.write_pdf(pdf_variant="pdf/ua-1")
