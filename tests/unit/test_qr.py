"""QR codes for survey links: real SVG, readable by phones, encoding exactly the link.

No QR decoder is installed, so the code's dark modules are read back from the SVG path and
compared with segno's own matrix for the expected link: the same modules mean the same
content (segno is the oracle here, not app.qr).
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import segno

from app.qr import qr_data_uri, qr_svg

SVG = "{http://www.w3.org/2000/svg}"
URL = "https://survey.example.org/s/lh-leaving-hospital"


def svg_matrix(svg: str) -> tuple[list[list[int]], int]:
    """The dark modules drawn by segno's SVG line path, as rows of 0/1, and the border.

    segno draws each row's dark runs as horizontal lines at y + 0.5: an absolute "M x y",
    then relative "h n" (a run) and "m dx dy" (a gap or the next row)."""
    root = ET.fromstring(svg)
    path = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "qrline")
    tokens = re.findall(r"[Mmh]|-?\d+(?:\.\d+)?", path.get("d"))
    runs, x, y, i = [], 0.0, 0.0, 0
    while i < len(tokens):
        op = tokens[i]
        if op == "M":
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            i += 3
        elif op == "m":
            x, y = x + float(tokens[i + 1]), y + float(tokens[i + 2])
            i += 3
        else:  # h: a dark run from x
            n = float(tokens[i + 1])
            runs.append((int(y), int(x), int(n)))
            x += n
            i += 2
    border = min(col for _, col, _ in runs)
    size = max(col + n for _, col, n in runs) - border
    rows = [[0] * size for _ in range(size)]
    for row, col, n in runs:
        for c in range(col, col + n):
            rows[row - border][c - border] = 1
    return rows, border


def expected_matrix(url: str) -> list[list[int]]:
    return [list(r) for r in segno.make_qr(url, error="m").matrix]


def test_svg_is_valid_xml_with_a_title_and_path():
    svg = qr_svg(URL, title=f"QR code for {URL}")
    root = ET.fromstring(svg)  # raises if it is not well-formed
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == f"QR code for {URL}"
    assert list(root.iter(f"{SVG}path"))
    assert not svg.startswith("<?xml")


def test_svg_encodes_the_link_as_a_full_qr_code_with_quiet_zone():
    rows, border = svg_matrix(qr_svg(URL))
    assert border == 4
    assert rows == expected_matrix(URL)
    assert rows != expected_matrix(URL + "x")


def test_a_short_link_is_still_a_full_qr_code_not_micro_qr():
    # Micro QR codes are at most 17 modules wide; phone cameras rarely read them.
    rows, _ = svg_matrix(qr_svg("http://a/s/x"))
    assert len(rows) >= 21
    assert rows == expected_matrix("http://a/s/x")


def test_scalable_svg_has_a_viewbox_and_no_fixed_size():
    root = ET.fromstring(qr_svg(URL, scalable=True))
    assert root.get("viewBox")
    assert root.get("width") is None


def test_data_uri_holds_the_same_code():
    uri = qr_data_uri(URL, title="QR")
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    svg = base64.b64decode(uri[len(prefix) :]).decode("utf-8")
    assert svg_matrix(svg)[0] == expected_matrix(URL)
