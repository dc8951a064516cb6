"""The report and the poster are tagged PDFs a screen reader can use (PDF/UA-1).

Two checks: the ``pdfua`` package (the machine-checkable part of PDF/UA-1 it covers), and our
own reading of the structure tree with pikepdf for what it does not cover or gets wrong:
every figure has alternative text, every data cell of a table names its header cells, the
headings go down one level at a time, every font is embedded, and the title is shown.
veraPDF, the reference validator, is a Java program not on PyPI; these checks are the part
of its PDF/UA-1 profile that a Python test can make.
"""

from __future__ import annotations

import itertools

import pytest

from app.data.instruments import registry
from app.demo import generator
from tests.conftest import needs

# pdfua 0.1.3 warns on any table whose header cells carry no /Scope, even when, as here (and
# as WeasyPrint writes them), each data cell names its headers with /Headers and the headers
# have /ID: PDF/UA allows either way, and ``structure`` below checks the /Headers are there.
HEURISTIC = {"UA-15-003"}
# pdfua 0.1.3 crashes on headings whose /K is an array under pikepdf 10 (it asks an Array for
# is_integer) and reports the rule as skipped; ``structure`` checks headings instead.
CRASHES = {"UA-14-001"}


def pdfua_findings(pdf: bytes, tmp_path) -> tuple[list, set]:
    try:
        import pdfua
    except ImportError:
        needs("pdfua", "pip install pdfua (the test extra)")
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    report = pdfua.validate(str(path))
    problems = [
        (f.rule_id, f.severity.name, f.message, f.location.describe())
        for f in report.findings
        if not (f.rule_id in HEURISTIC and f.severity < pdfua.Severity.ERROR)
    ]
    return problems, {o.rule_id for o in report.skipped}


def structure(pdf: bytes) -> dict:
    """What a screen reader gets from the file: its structure tree and catalogue, read."""
    import io

    import pikepdf

    doc = pikepdf.open(io.BytesIO(pdf))
    found: dict = {"figures": [], "cells": [], "header_ids": set(), "headings": [], "tables": []}

    def kids(node):
        k = node.get("/K")
        if k is None:
            return []
        return list(k) if isinstance(k, pikepdf.Array) else [k]

    def walk(node):
        if not isinstance(node, pikepdf.Dictionary):
            return
        role = str(node.get("/S", ""))
        if role == "/Figure":
            found["figures"].append(str(node.get("/Alt", "")))
        elif role == "/TH" and "/ID" in node:
            found["header_ids"].add(str(node.ID))
        elif role == "/TD":
            attributes = node.get("/A")
            headers = attributes.get("/Headers") if attributes is not None else None
            found["cells"].append([str(h) for h in headers] if headers is not None else [])
        elif role in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            found["headings"].append((int(role[2]), len(kids(node))))
        elif role == "/Table":
            groups = [str(k.get("/S")) for k in kids(node) if isinstance(k, pikepdf.Dictionary)]
            found["tables"].append(groups)
        for kid in kids(node):
            walk(kid)

    walk(doc.Root.StructTreeRoot)
    fonts = {}
    for page in doc.pages:
        for name, font in (page.Resources.get("/Font") or {}).items():
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            fonts[str(font.get("/BaseFont", name))] = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    with doc.open_metadata() as xmp:
        found["xmp"] = {"part": xmp.get("pdfuaid:part"), "title": xmp.get("dc:title")}
    found["fonts"] = fonts
    found["lang"] = str(doc.Root.get("/Lang", ""))
    found["show_title"] = bool(doc.Root.ViewerPreferences.get("/DisplayDocTitle", False))
    found["marked"] = bool(doc.Root.MarkInfo.get("/Marked", False))
    found["title"] = str(doc.docinfo.get("/Title", ""))
    return found


def check_accessible(pdf: bytes, tmp_path, title_words: str) -> dict:
    problems, skipped = pdfua_findings(pdf, tmp_path)
    assert problems == [], problems
    assert skipped <= CRASHES, f"pdfua could not run {skipped - CRASHES}"
    found = structure(pdf)
    assert found["lang"] == "en-GB" and found["marked"] and found["show_title"]
    assert title_words in found["title"] and found["xmp"]["title"] == found["title"]
    assert found["xmp"]["part"] == "1", "no PDF/UA-1 identification in the XMP metadata"
    assert found["fonts"] and all(found["fonts"].values()), found["fonts"]
    assert all(alt.strip() for alt in found["figures"]), "a figure without alternative text"
    for headers in found["cells"]:
        assert headers and set(headers) <= found["header_ids"], "a cell with no header"
    levels = [level for level, _ in found["headings"]]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    assert all(n for _, n in found["headings"]), "an empty heading"
    for groups in found["tables"]:  # a table has rows, not just a caption left on a page
        assert {"/THead", "/TBody", "/TR"} & set(groups), groups
    return found


def test_the_report_pdf_is_tagged_for_screen_readers(staff_client, demo_area, tmp_path):
    generator.generate(600, seed=5, instruments=registry())
    response = staff_client("commissioner").get("/reports/report.pdf?pathway=leaving-hospital")
    assert response.status_code == 200
    found = check_accessible(response.data, tmp_path, "experience report")
    # Every chart, and every statement's bar of answers, is a described figure.
    assert len(found["figures"]) > 10
    assert any(alt.startswith("Line chart of scores at each stage") for alt in found["figures"])
    assert any("strongly agree" in alt for alt in found["figures"])
    assert len(found["cells"]) > 100


@pytest.mark.parametrize("survey", ["lh-leaving-hospital"])
def test_the_poster_pdf_is_tagged_for_screen_readers(admin_client, demo_area, tmp_path, survey):
    response = admin_client.get(f"/admin/surveys/{survey}/poster.pdf")
    assert response.status_code == 200
    found = check_accessible(response.data, tmp_path, "Healthwatch Demo Area")
    assert found["figures"], "the QR code is not a described figure"
