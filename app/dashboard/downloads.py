"""Report downloads in each format, from the one report dict."""

from __future__ import annotations

import json

from reports.pdf import report_pdf
from reports.tables import to_csv, to_xlsx

MIMETYPES = {
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(kind: str, report: dict, organisation: str) -> tuple[bytes, str]:
    if kind == "pdf":
        body = report_pdf(report, organisation)
    elif kind == "json":
        body = json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8")
    elif kind == "csv":
        body = to_csv(report)
    else:
        body = to_xlsx(report)
    return body, MIMETYPES[kind]
