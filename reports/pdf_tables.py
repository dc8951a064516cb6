"""The PDF report's tables as plain data for its template (reports/templates/report.html.jinja):
figures as a row per group and a column per measure, moves per transition stage, statements
by stage with a bar of their answers, the headline's points, equality counts and the method's
unscored responses. Words come from reports.wording, as the other outputs'."""

from __future__ import annotations

from reports.charts import transition_stages
from reports.wording import (
    NOT_COMPARED,
    compared,
    count_text,
    is_change,
    kind_name,
    part_name,
    percent,
    point_score,
)

NOT_ASKED = "\u2013"  # an en dash: nobody in the group answered on that measure
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


def statement_score(s: dict) -> str:
    """A statement's mean 0-100 with its interval and band: "76.7 (71.2 to 82.2), better"."""
    if s.get("mean") is None:
        return ""
    text = f"score {s['mean']:.1f}"
    if s.get("low") is not None:
        text += f" ({s['low']:.1f} to {s['high']:.1f})"
    return f"{text}, {s['band']}" if s.get("band") in ("better", "worse") else text


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
            cell["score"] = statement_score(s)
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
    """One figure as the words in its table cell, and the cell's class (its band): "mean
    (low to high), n N" and the band if better or worse, then its top and bottom box on lines
    of their own (the cell keeps its line breaks: no markup inside it)."""
    if cell is None:
        return NOT_ASKED, ""
    if cell["suppressed"]:
        return f"fewer than {threshold} responses", ""
    text = f"{cell['mean']:.1f}"
    if cell["low"] is not None:
        text += f" ({cell['low']:.1f} to {cell['high']:.1f})"
    text += f", n {cell['n']}"
    band = ""
    if not compared(cell):
        text += f", {NOT_COMPARED}"
    elif cell["band"] in ("better", "worse"):
        text, band = f"{text}, {cell['band']}", cell["band"]
    for name, words in (("top_box", "strongly agree"), ("bottom_box", "disagree")):
        if cell.get(name):
            text += f"\n{words} {percent(cell[name])}"
    return text, band


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
    services = [{**c, "part_name": part_name(c.get("part"))} for c in report["services"]]
    out = {
        "journey": pivot(report, report["journey"], ("stage_name",)),
        "services": pivot(report, services, ("service_name", "part_name")),
        "sectors": pivot(report, report["sectors"], ("label",)),
        "roles": pivot(report, report["roles"], ("label",)),
        "stage_roles": pivot(report, report.get("stage_roles", []), ("stage_name", "label")),
        "trend": pivot(report, report["trend"], ("label",), sort=True),
    }
    for dimension, data in report["equality"].items():
        out[f"equality:{dimension}"] = pivot(report, data["groups"], ("label",))
    return out


def moves_by_stage(report: dict) -> list[dict]:
    """A table of moves (moved from, moved to) for each transition stage, in pathway order."""
    out = []
    for stage in transition_stages(report):
        cells = [c for c in report["transitions"] if c.get("stage") == stage]
        name = cells[0].get("stage_name", stage)
        out.append(
            {"stage": stage, "name": name, "table": pivot(report, cells, ("from_name", "to_name"))}
        )
    return out


def points(report: dict) -> list[dict]:
    """The weakest and strongest points, each with its kind and figure in words (a hand-over's
    as a change in the same people's own score); an empty list comes with the report's
    sentence saying nothing is clearly worse (or better)."""
    sentences = report.get("headline_text", {})
    return [
        {
            "title": title,
            "sentence": sentences.get(name, ""),
            "points": [
                {**p, "kind_name": kind_name(p["kind"]), "score": point_score(p)}
                | ({"reference": None} if is_change(p) else {})  # its 0 is "before the move"
                for p in report.get(name) or []
            ],
        }
        for name, title in (("weakest", "Weakest points"), ("strongest", "Strongest points"))
    ]


def group_counts(dimension: str, data: dict, threshold: int) -> list[dict]:
    """An equality dimension's people and responses per group ("fewer than" where hidden)."""
    labels = {c[dimension]: c.get("label") for c in data["groups"]}
    rows = []
    for code, entry in data["counts"].items():
        entry = entry or {}
        rows.append(
            {
                "label": entry.get("label") or labels.get(code) or code,
                "people": count_text(entry.get("people"), threshold),
                "responses": count_text(entry.get("responses"), threshold),
            }
        )
    return rows


def _or_not_shown(value: int | None) -> str:
    return "Not shown" if value is None else str(value)


def unscored(report: dict) -> list[dict]:
    """Per measure: responses asked on it, and those below its minimum answered (no score)."""
    measures = report["meta"]["measures"]
    return [
        {
            "measure": measures.get(m, m),
            # None: a number in the row (or the measure's score count) is below the threshold
            "asked": _or_not_shown((u or {}).get("asked")),
            "unscored": _or_not_shown((u or {}).get("unscored")),
        }
        for m, u in report["meta"].get("unscored", {}).items()
    ]
