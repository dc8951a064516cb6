"""Report downloads in each format, from the one report dict."""

from __future__ import annotations

import io
import json
import zipfile

from app.data import response_export
from reports import response_export as exporting
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


def responses_zip(report_filter, app) -> tuple[bytes, int]:
    """responses.csv and codebook.csv in one zip; returns (bytes, number of rows)."""
    rows, meanings, coded = response_export.export(
        report_filter,
        response_export.pseudonym_key(app.config["PSEUDONYM_KEY"]),
        app.config["REPORT_THRESHOLD"],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("responses.csv", exporting.to_csv(rows, list(meanings)))
        archive.writestr("codebook.csv", exporting.codebook(meanings, coded))
    return buffer.getvalue(), len(rows)
