"""No download runs what someone typed as a spreadsheet formula.

Names an admin can type (services, stages, the pathway) are set to text that a spreadsheet
runs (=, +, -, @), through the data layer as the set-up screens do, and responses are made
by the demo generator. Every route of the URL map is then fetched as an admin; every CSV and
XLSX that comes back (alone or in a zip) is opened and no cell may start a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile

from flask import url_for
from openpyxl import load_workbook
from werkzeug.routing import AnyConverter

from app.data import area_edit
from app.data.area import all_surveys
from app.data.audit import SYSTEM
from app.data.instruments import registry
from app.demo import generator
from reports.cells import FORMULA_STARTS

PATHWAY = "leaving-hospital"
HOSTILE = ['=HYPERLINK("http://x.invalid","Open")', "+44 ward", "-Minus home", "@SUM(1)"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEETS = {"text/csv", XLSX}
BY_SUFFIX = {"csv": "text/csv", "xlsx": XLSX}
NOT_SHEETS = {"pdf", "svg", "json", "js", "css", "png"}


def rename_everything() -> None:
    services = area_edit.list_services()
    for index, service in enumerate(services):
        area_edit.update_service(
            SYSTEM,
            service,
            code=service.code,
            name=f"{HOSTILE[index % len(HOSTILE)]} {service.name}",
            sector=service.sector,
            locality=service.locality,
            ods_code=service.ods_code,
        )
    for pathway in area_edit.list_pathways():
        for index, stage in enumerate(pathway.stages):
            area_edit.update_stage(
                SYSTEM,
                stage,
                slug=stage.slug,
                name=f"{HOSTILE[index % len(HOSTILE)]} {stage.name}",
                kind=stage.kind,
                description=stage.description,
            )
        area_edit.update_pathway(
            SYSTEM, pathway, slug=pathway.slug, name="=" + pathway.name, description=None
        )


def urls(app) -> list[str]:
    """Every GET route with each value its URL arguments can take here."""
    slugs = [s.slug for s in all_surveys()]
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or "sign_out" in rule.endpoint:
                continue
            choices: list[dict] = [{}]
            for argument in rule.arguments:
                converter = rule._converters[argument]
                if isinstance(converter, AnyConverter):
                    values = sorted(converter.items)
                elif argument == "slug":
                    values = slugs
                else:
                    values = [1]
                choices = [{**c, argument: v} for c in choices for v in values]
            found += [url_for(rule.endpoint, **c, pathway=PATHWAY) for c in choices]
    # PDFs, pictures and JSON hold no spreadsheet cells, and the PDF is slow to build.
    return [url for url in found if url.split("?")[0].rsplit(".", 1)[-1] not in NOT_SHEETS]


def spreadsheet_cells(name: str, mimetype: str, body: bytes):
    """(where, value) for each text cell of a CSV or XLSX, or of each one in a zip."""
    if mimetype == "application/zip" or name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                kind = BY_SUFFIX.get(member.rsplit(".", 1)[-1], "")
                yield from spreadsheet_cells(f"{name}/{member}", kind, archive.read(member))
    elif mimetype == "text/csv":
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
            yield from ((name, cell) for cell in row if not is_number(cell))
    elif mimetype in SPREADSHEETS:
        book = load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    where = f"{name} {sheet.title}!{cell.coordinate}"
                    assert cell.data_type != "f", f"{where}: a formula"
                    if isinstance(cell.value, str):
                        yield where, cell.value


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_download_holds_a_cell_a_spreadsheet_would_run(demo_area, admin_client):
    generator.generate(300, seed=5, instruments=registry())
    rename_everything()
    seen, downloads = [], set()
    for url in urls(demo_area):
        response = admin_client.get(url)
        body, mimetype = response.data, response.mimetype
        response.close()
        if response.status_code != 200:
            continue
        if mimetype not in SPREADSHEETS and mimetype != "application/zip":
            continue
        downloads.add(url.split("?")[0])
        for where, value in spreadsheet_cells(url, mimetype, body):
            assert not value.startswith(FORMULA_STARTS), f"{where}: {value!r}"
            seen.append(value)
    # The walk reached every kind of spreadsheet download, and the names were in them.
    assert {
        "/reports/report.csv",
        "/reports/report.xlsx",
        "/reports/responses.zip",
        "/paper/surveys/lh-six-weeks-on/template.xlsx",
        "/paper/surveys/lh-six-weeks-on/codebook.csv",
    } <= downloads
    for name in HOSTILE:
        assert any(value.startswith("'" + name) for value in seen), name
