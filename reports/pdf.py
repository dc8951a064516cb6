"""The downloadable report: HTML from the report data and its charts, then a tagged PDF.

The charts are the same Plotly figure objects as the dashboard's (reports.charts), exported
as SVG in one batch (reports.svg) while WeasyPrint reads the HTML; WeasyPrint writes PDF/UA-1
(structure tree, language from <html lang>, title shown), so the file meets public-sector
accessibility rules (tests/integration/test_pdf_accessibility.py). Every chart is followed by a
table of its figures. Timings: bench/pdf_render.py and bench/RESULTS.md.

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
from reports.svg import Pending, draw, to_svgs

NOT_ASKED = "\u2013"  # an en dash: nobody in the group answered on that measure
COMMENTS_SHOWN = 20  # per stage and service, as the dashboard shows
# Agreement answers in scale order, as reports.stats counts top and bottom box; the bar of a
# statement draws these four (blue for agree, orange for disagree: told apart without red and
# green), and "Don't know" and "no medication" are counted in its description only.
AGREEMENT = (
    ("1", "strongly disagree", "#c35400"),
    ("2", "disagree", "#f4b183"),
    ("3", "agree", "#8fb8e0"),
    ("4", "strongly agree", "#005eb8"),
)
NOT_AGREEMENT = {"dk": "don't know", "nomed": "no medication"}

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


def _bar(distribution: dict[str, int]) -> tuple[str, str]:
    """A statement's agreement answers as a stacked bar (an SVG document) and in words."""
    agreeing = sum(distribution.get(code, 0) for code, _, _ in AGREEMENT) or 1
    rects, x = [], 0.0
    for code, _, colour in AGREEMENT:
        width = 100 * distribution.get(code, 0) / agreeing
        rects.append(f'<rect x="{x:.2f}" width="{width:.2f}" height="10" fill="{colour}"/>')
        x += width
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" '
        f'preserveAspectRatio="none">{"".join(rects)}</svg>'
    )
    words = [f"{distribution.get(code, 0)} {label}" for code, label, _ in AGREEMENT]
    drawn = {code for code, _, _ in AGREEMENT}
    words += [
        f"{n} {NOT_AGREEMENT.get(code, code)}"
        for code, n in distribution.items()
        if code not in drawn
    ]
    return svg, "Answers: " + ", ".join(words) + "."


def statement_tables(report: dict) -> list[dict]:
    """Statements one row each, a column per stage where their instrument was asked: the top
    box and answers at that stage, and the spread of answers as a bar."""
    stage_order = {c["stage"]: i for i, c in enumerate(report["journey"])}
    tables: dict[str, dict] = {}
    for s in report["statements"]:
        table = tables.setdefault(
            s["instrument"],
            {
                "title": report["meta"]["measures"].get(s["instrument"], s["instrument"]),
                "stages": {},
                "rows": {},
            },
        )
        table["stages"].setdefault(s["stage"], s["stage_name"])
        row = table["rows"].setdefault(s["item"], {"text": s["text"], "cells": {}})
        cell = {"suppressed": s["suppressed"]}
        if not s["suppressed"]:
            bar, alt = _bar(s["distribution"])
            cell |= {"n": s["n"], "top": s["top_box"]["p"] * 100, "bar": bar, "alt": alt}
        row["cells"][s["stage"]] = cell
    out = []
    for table in tables.values():
        stages = sorted(table["stages"], key=lambda st: stage_order.get(st, len(stage_order)))
        out.append(
            {
                "title": table["title"],
                "stages": [table["stages"][st] for st in stages],
                "rows": [
                    {"text": r["text"], "cells": [r["cells"].get(st) for st in stages]}
                    for r in table["rows"].values()
                ],
            }
        )
    return out


def figure_text(cell: dict | None, threshold: int) -> tuple[str, str]:
    """One figure as the words in its table cell, and the cell's class (its band)."""
    if cell is None:
        return NOT_ASKED, ""
    if cell["suppressed"]:
        return f"fewer than {threshold} responses", ""
    text = f"{cell['mean']:.1f}"
    if cell["low"] is not None:
        text += f" ({cell['low']:.1f} to {cell['high']:.1f})"
    text += f", n {cell['n']}"
    if cell["band"] in ("better", "worse"):
        return f"{text}, {cell['band']}", cell["band"]
    return text, ""


def pivot(report: dict, cells: list[dict], keys: tuple[str, ...], sort: bool = False) -> dict:
    """Whole-instrument figures as a row per group and a column per measure.

    One line of text per cell and no markup inside it: WeasyPrint lays out such a table
    about three times faster than one row per group and measure with a cell per number."""
    threshold = report["meta"]["threshold"]
    main = [c for c in cells if ":" not in c["measure"]]
    measures = sorted({c["measure"] for c in main})
    groups = list(dict.fromkeys(tuple(c[k] for k in keys) for c in main))
    by = {(tuple(c[k] for k in keys), c["measure"]): c for c in main}
    return {
        "measures": [report["meta"]["measures"].get(m, m) for m in measures],
        "rows": [
            {
                "labels": group,
                "cells": [figure_text(by.get((group, m)), threshold) for m in measures],
            }
            for group in (sorted(groups) if sort else groups)
        ],
    }


def stage_trend_table(report: dict, measure: str | None) -> dict | None:
    """The stage trend chart's figures: a row per stage, a column per quarter."""
    cells = [c for c in report["stage_trend"] if c["measure"] == measure]
    if not cells:
        return None
    names = _stage_names(report, cells)
    stages = list(names)
    quarters = sorted({c["quarter"] for c in cells})
    by = {(c["stage"], c["quarter"]): c for c in cells}
    threshold = report["meta"]["threshold"]

    def text(cell: dict | None) -> str:
        if cell is None:
            return NOT_ASKED
        if cell["suppressed"]:
            return f"fewer than {threshold}"
        return f"{cell['mean']:.1f}, n {cell['n']}"

    return {
        "measure": report["meta"]["measures"].get(measure, measure),
        "quarters": quarters,
        "rows": [
            {"stage": names.get(st, st), "cells": [text(by.get((st, q))) for q in quarters]}
            for st in stages
            if any((st, q) in by for q in quarters)
        ],
    }


def _stage_names(report: dict, cells: list[dict]) -> dict[str, str]:
    """Stage slug -> name, in pathway order (the journey's), then any other stage."""
    names = {c["stage"]: c["stage_name"] for c in report["journey"]}
    for c in cells:
        names.setdefault(c["stage"], c.get("stage_name", c["stage"]))
    return names


def tables(report: dict) -> dict[str, dict]:
    """The figures tables of the PDF, by name."""
    out = {
        "journey": pivot(report, report["journey"], ("stage_name",)),
        "transitions": pivot(report, report["transitions"], ("from_name", "to_name")),
        "services": pivot(report, report["services"], ("service_name",)),
        "sectors": pivot(report, report["sectors"], ("sector",)),
        "roles": pivot(report, report["roles"], ("role",)),
        "stage_roles": pivot(report, report.get("stage_roles", []), ("stage_name", "role")),
        "trend": pivot(report, report["trend"], ("quarter",), sort=True),
    }
    for dimension, data in report["equality"].items():
        out[f"equality:{dimension}"] = pivot(report, data["groups"], (dimension,))
    return out


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
