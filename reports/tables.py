"""The report's figures as flat tables, and those tables as CSV and XLSX.

Suppressed figures stay suppressed: their rows carry ``suppressed = True`` and empty numbers,
never the hidden values (they are not in the report data at all)."""

from __future__ import annotations

import io

import pandas as pd

from reports.cells import safe_cell

COLUMNS = ["measure", "n", "mean", "low", "high", "band", "suppressed"]


def _rows(cells: list[dict], keys: list[str], measures: dict) -> list[dict]:
    return [
        {
            **{k: c.get(k) for k in keys},
            "measure_name": measures.get(c["measure"], c["measure"]),
            **{k: c.get(k) for k in COLUMNS},
        }
        for c in cells
    ]


ANSWERS = {"4": "strongly_agree", "3": "agree", "2": "disagree", "1": "strongly_disagree"}


def _distribution(counts: dict | None, n: int | None) -> dict:
    """How many gave each answer; the rest said "don't know", "not applicable" or the like."""
    if counts is None or n is None:
        return {**dict.fromkeys(ANSWERS.values()), "other_answers": None}
    shown = {name: counts.get(code, 0) for code, name in ANSWERS.items()}
    return {**shown, "other_answers": n - sum(shown.values())}


def tables(report: dict) -> dict[str, list[dict]]:
    measures = report["meta"]["measures"]
    out = {
        "stages": _rows(report["journey"], ["stage", "stage_name"], measures),
        "transitions": _rows(
            report["transitions"], ["from_service", "from_name", "to_service", "to_name"], measures
        ),
        "services": _rows(report["services"], ["service", "service_name"], measures),
        "sectors": _rows(report["sectors"], ["sector"], measures),
        "roles": _rows(report["roles"], ["role"], measures),
        "quarters": _rows(report["trend"], ["quarter"], measures),
        "stage_quarters": _rows(report["stage_trend"], ["stage", "quarter"], measures),
        "stage_roles": _rows(report["stage_roles"], ["stage", "role"], measures),
        "statements": [
            {
                "stage": s["stage"],
                "instrument": s["instrument"],
                "item": s["item"],
                "text": s["text"],
                "n": s["n"],
                **_distribution(s["distribution"], s["n"]),
                "top_box": s["top_box"]["p"] if s["top_box"] else None,
                "top_box_low": s["top_box"]["low"] if s["top_box"] else None,
                "top_box_high": s["top_box"]["high"] if s["top_box"] else None,
                "bottom_box": s["bottom_box"]["p"] if s["bottom_box"] else None,
                "mean": s["mean"],
                "suppressed": s["suppressed"],
            }
            for s in report["statements"]
        ],
    }
    for dimension, data in report["equality"].items():
        out[f"equality_{dimension}"] = _rows(data["groups"], [dimension], measures)
    return out


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Names and text that a spreadsheet would run as formulas made plain text."""
    return frame.map(safe_cell).rename(columns=safe_cell)


def to_csv(report: dict) -> bytes:
    """One CSV: every table one after another, with a ``table`` column saying which."""
    frames = [
        pd.DataFrame(rows).assign(table=name) for name, rows in tables(report).items() if rows
    ]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"table": []})
    cols = ["table", *[c for c in data.columns if c != "table"]]
    return _safe(data[cols]).to_csv(index=False).encode("utf-8-sig")  # the BOM: Excel reads UTF-8


def to_xlsx(report: dict) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, rows in tables(report).items():
            _safe(pd.DataFrame(rows or [{"note": "no data"}])).to_excel(
                writer, sheet_name=name[:31], index=False
            )
    return buffer.getvalue()
