"""The report's figures as flat tables, and those tables as CSV and XLSX.

Suppressed figures stay suppressed: their rows carry ``suppressed = True`` and empty numbers,
never the hidden values (they are not in the report data at all). Counts are whole numbers
(pandas' nullable "Int64"): a count column with a gap would otherwise be written "166.0"."""

from __future__ import annotations

import io

import pandas as pd

from reports.cells import safe_cell
from reports.journey_tables import journey_tables
from reports.wording import compared, kind_name, part_name, point_figure

BOXES = ("top_box", "bottom_box")
FIGURES = ["n", "mean", "low", "high", "band"]
COUNTS = (
    "n",
    "rank",
    "asked",
    "unscored",
    "people",
    "responses",
    "strongly_agree",
    "agree",
    "disagree",
    "strongly_disagree",
    "other_answers",
    "followed",
    "n_followed",
    "n_not_followed",
    "steps",
)
ANSWERS = {"4": "strongly_agree", "3": "agree", "2": "disagree", "1": "strongly_disagree"}


def _boxes(cell: dict) -> dict:
    """top_box, top_box_low, top_box_high, bottom_box, bottom_box_low, bottom_box_high."""
    out = {}
    for name in BOXES:
        box = cell.get(name) or {}
        out |= {name: box.get("p"), f"{name}_low": box.get("low"), f"{name}_high": box.get("high")}
    return out


def _rows(cells: list[dict], keys: list[str], measures: dict) -> list[dict]:
    return [
        {
            **{k: c.get(k) for k in keys},
            "measure": c["measure"],
            "measure_name": measures.get(c["measure"], c["measure"]),
            **{k: c.get(k) for k in FIGURES},
            **_boxes(c),
            "suppressed": c["suppressed"],
        }
        for c in cells
    ]


def _distribution(counts: dict | None, n: int | None) -> dict:
    """How many gave each answer; the rest said "don't know", "not applicable" or the like."""
    if counts is None or n is None:
        return {**dict.fromkeys(ANSWERS.values()), "other_answers": None}
    shown = {name: counts.get(code, 0) for code, name in ANSWERS.items()}
    return {**shown, "other_answers": n - sum(shown.values())}


def _statements(report: dict) -> list[dict]:
    return [
        {
            "stage": s["stage"],
            "stage_name": s.get("stage_name"),
            "instrument": s["instrument"],
            "item": s["item"],
            "text": s["text"],
            "n": s["n"],
            **_distribution(s["distribution"], s["n"]),
            "mean": s["mean"],
            "low": s.get("low"),
            "high": s.get("high"),
            "band": s.get("band"),
            **_boxes(s),
            "suppressed": s["suppressed"],
        }
        for s in report["statements"]
    ]


def _services(report: dict) -> list[dict]:
    cells = [{**c, "part_name": part_name(c.get("part"))} for c in report["services"]]
    keys = ["service", "service_name", "part", "part_name"]
    return _rows(cells, keys, report["meta"]["measures"])


def _equality(report: dict) -> dict[str, list[dict]]:
    measures = report["meta"]["measures"]
    out = {}
    for dim, data in report["equality"].items():
        cells = [{**c, "compared": compared(c)} for c in data["groups"]]
        out[f"equality_{dim}"] = _rows(cells, [dim, "label", "compared"], measures)
    out["equality_counts"] = [
        {
            "dimension": dim,
            "code": code,
            "label": (entry or {}).get("label") or code,
            "people": (entry or {}).get("people"),
            "responses": (entry or {}).get("responses"),
        }
        for dim, data in report["equality"].items()
        for code, entry in data["counts"].items()
    ]
    return out


def _headline(report: dict) -> list[dict]:
    """Weakest and strongest points in rank order; an empty list is one row saying so."""
    rows = []
    for name in ("weakest", "strongest"):
        points = report.get(name) or []
        if not points:
            sentence = report.get("headline_text", {}).get(name, "")
            rows.append({"list": name, "rank": None, "what": sentence})
        for rank, p in enumerate(points, 1):
            rows.append(
                {
                    "list": name,
                    "rank": rank,
                    "kind": p["kind"],
                    "kind_name": kind_name(p["kind"]),
                    "code": _code(p.get("code")),
                    "what": p["what"],
                    "measure": p["measure"],
                    "measure_name": p.get("measure_name"),
                    **{k: p.get(k) for k in FIGURES},
                    "reference": p.get("reference"),
                    "reference_text": p.get("reference_text"),
                    # A hand-over's figure is a change in the same people's own score.
                    "figure_text": point_figure(p),
                }
            )
    return rows


def _code(code) -> str | None:
    """A point's code as one text: a move's (stage, from, to) as "leaving:wards:oakview"."""
    return ":".join(map(str, code)) if isinstance(code, list | tuple) else code


def _unscored(report: dict) -> list[dict]:
    measures = report["meta"]["measures"]
    return [
        {
            "measure": m,
            "measure_name": measures.get(m, m),
            "asked": (u or {}).get("asked"),
            "unscored": (u or {}).get("unscored"),
        }
        for m, u in report["meta"].get("unscored", {}).items()
    ]


def _journey_tables(report: dict) -> dict[str, list[dict]]:
    """The journeys section (the same people followed) as tables; none without it."""
    journeys = report.get("journeys")
    if not journeys:
        return {}
    return journey_tables(journeys, report["meta"])


def tables(report: dict) -> dict[str, list[dict]]:
    measures = report["meta"]["measures"]
    stage = ["stage", "stage_name"]
    return {
        "headline": _headline(report),
        "stages": _rows(report["journey"], stage, measures),
        "transitions": _rows(
            report["transitions"],
            [*stage, "from_service", "from_name", "to_service", "to_name"],
            measures,
        ),
        "services": _services(report),
        "sectors": _rows(report["sectors"], ["sector", "label"], measures),
        "roles": _rows(report["roles"], ["role", "label"], measures),
        "quarters": _rows(report["trend"], ["quarter", "label"], measures),
        "stage_quarters": _rows(report["stage_trend"], [*stage, "quarter", "label"], measures),
        "stage_roles": _rows(report["stage_roles"], [*stage, "role", "label"], measures),
        "statements": _statements(report),
        **_equality(report),
        **_journey_tables(report),
        "unscored": _unscored(report),
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with every count column a whole number (blank where hidden)."""
    return _whole_counts(pd.DataFrame(rows))


def _whole_counts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: "Int64" for c in COUNTS if c in frame.columns})


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Names and text that a spreadsheet would run as formulas made plain text."""
    return frame.map(safe_cell).rename(columns=safe_cell)


def to_csv(report: dict) -> bytes:
    """One CSV: every table one after another, with a ``table`` column saying which."""
    frames = [_frame(rows).assign(table=name) for name, rows in tables(report).items() if rows]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"table": []})
    cols = ["table", *[c for c in data.columns if c != "table"]]
    data = _whole_counts(data[cols])  # a count column missing from one table stays whole
    return _safe(data).to_csv(index=False).encode("utf-8-sig")  # the BOM: Excel reads UTF-8


def to_xlsx(report: dict) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, rows in tables(report).items():
            _safe(_frame(rows or [{"note": "no data"}])).to_excel(
                writer, sheet_name=name[:31], index=False
            )
    return buffer.getvalue()
