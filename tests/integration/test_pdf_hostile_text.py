"""Whatever a person or an admin types stays text in every PDF: the commissioners' report,
the QR poster and the printed forms.

Every set-up name (services, the pathway, its stages, surveys, the organisation) and every
comment holds HTML, a script, a style sheet's end, an HTML comment's start and references
WeasyPrint would fetch. Each PDF must still be made, show those strings as written (read back
with pypdf), lose nothing after them, and carry no link that came from them.
"""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader
from sqlalchemy import String, cast, literal, update
from weasyprint.urls import FatalURLFetchingError

from app.cli import DEMO_AREA
from app.data.area import load_area, read_area_file
from app.data.instruments import registry
from app.demo import generator
from app.extensions import db
from app.models import Answer
from reports import pdf_engine
from tests.integration.test_paper_print import print_pdf

PATHWAY = "leaving-hospital"
REPORT = f"/reports/report.pdf?pathway={PATHWAY}"
LEFT_COLUMN = 200  # points from the page's left edge: the report's name column ends at 196
FOOTER = 60  # points from the page's bottom: the footer is below (a 20 mm margin)


def hostile(tag: str) -> str:
    """Text that, read as HTML, would be a heading, a script, a fetched picture, the end of the
    style sheet, the start of a comment hiding the rest, and CSS fetching two URLs."""
    return (
        f'<h1>{tag}</h1> <script>go()</script> <img src="http://x.invalid/{tag}.png"> '
        f"</style> url(http://x.invalid/{tag}) @import 'http://x.invalid/{tag}.css'; <!--"
    )


ORGANISATION = hostile("org")


def squash(text: str) -> str:
    """Without white space: a string wrapped over two lines of the PDF still matches."""
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def left_column(pdf: bytes) -> str:
    """The text of the report's left column, in reading order, without page footers: a
    table's row headers (names) and full-width paragraphs (comments), each as one string
    however it wraps. Read whole, a row's wrapped name and its figures interleave."""
    runs: list[str] = []

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if x < LEFT_COLUMN and y > FOOTER:
            runs.append(text)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return squash(" ".join(runs))


def web_links(pdf: bytes) -> list[str]:
    """The address of every link to outside the document, on every page."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


@pytest.fixture
def hostile_area(app):
    """The demo area with a hostile name for everything."""
    area = read_area_file(DEMO_AREA)
    for n, service in enumerate(area["services"]):
        service["name"] = hostile(f"service{n}")
    for pathway in area["pathways"]:
        pathway["name"] = hostile("pathway")
        for n, stage in enumerate(pathway["stages"]):
            stage["name"] = hostile(f"stage{n}")
    for n, survey in enumerate(area["surveys"]):
        survey["title"] = hostile(f"survey{n}")
        survey["intro"] = hostile(f"intro{n}")
    load_area(area)
    app.config["ORGANISATION_NAME"] = ORGANISATION
    return area


@pytest.fixture
def hostile_comments(hostile_area):
    """Responses to the hostile area, every comment hostile (and told apart by its id)."""
    generator.generate(600, seed=5, instruments=registry())
    comment = literal("<h1>c") + cast(Answer.id, String) + literal("</h1> ") + hostile("comment")
    db.session.execute(update(Answer).where(Answer.text.is_not(None)).values(text=comment))
    db.session.commit()


def test_the_report_pdf_shows_hostile_names_and_comments_as_text(staff_client, hostile_comments):
    client = staff_client("commissioner")
    response = client.get(REPORT)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    column = left_column(response.data)
    report = client.get(REPORT.replace(".pdf", ".json")).get_json()

    names = {report["meta"]["pathway_name"], ORGANISATION}
    names |= {c["stage_name"] for c in report["journey"]}
    names |= {c["service_name"] for c in report["services"]}
    assert len(names) > 8 and all(name.startswith("<h1>") for name in names)
    for name in names:
        assert squash(name) in column, name
    shown = [t for group in report["comments"] for t in group["comments"][:20]]
    assert len(shown) > 20, "too few comments to show the PDF keeps them all"
    for comment in shown:
        assert squash(comment) in column, comment
    # The last words of the report: nothing after a "<!--" or "</style>" was swallowed.
    assert squash("where one figure in a breakdown is hidden, others are hidden too") in column
    # The organisation and the pathway are in the footer of every page after the cover.
    assert text.count(squash(f"{ORGANISATION}: {hostile('pathway')}")) > 10
    assert web_links(response.data) == [], "a link in the report came from typed text"


def test_the_poster_shows_hostile_names_as_text(admin_client, hostile_area):
    response = admin_client.get("/admin/surveys/lh-leaving-hospital/poster.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    title = next(s["title"] for s in hostile_area["surveys"] if s["slug"] == "lh-leaving-hospital")
    assert squash(title) in text and squash(ORGANISATION) in text
    assert web_links(response.data) == ["http://localhost/s/lh-leaving-hospital"]


def test_printed_forms_show_hostile_names_as_text(staff_client, hostile_area):
    _, pdf = print_pdf(staff_client("volunteer"), forms="2")
    text = pdf_text(pdf)
    survey = next(s for s in hostile_area["surveys"] if s["slug"] == "lh-leaving-hospital")
    services = {s["code"]: s["name"] for s in hostile_area["services"]}
    for name in [survey["title"], survey["intro"], ORGANISATION, services["oakview-care-home"]]:
        assert squash(name) in text, name
    links = web_links(pdf)
    assert len(links) == 2
    assert all(link.startswith("http://localhost/s/lh-leaving-hospital?code=") for link in links)


def test_a_reference_in_the_html_is_refused_logged_and_the_pdf_still_made(caplog):
    html = (
        "<html lang='en-GB'><head><title>t</title><style>@import 'http://x.invalid/a.css';"
        "p { background: url(file:///etc/passwd) }</style></head><body><p>kept</p>"
        "<img src='http://x.invalid/b.png' alt=''><img src='file:///etc/hostname' alt=''>"
        "</body></html>"
    )
    fetcher = pdf_engine.SafeFetcher()
    with caplog.at_level(logging.ERROR, logger="reports.pdf_engine"):
        pdf = pdf_engine.write_pdf(html, fetcher)
    assert "kept" in pdf_text(pdf)
    assert sorted(fetcher.refused) == [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://x.invalid/a.css",
        "http://x.invalid/b.png",
    ]
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "reports.pdf_engine")
    assert all(f"refused to fetch {url!r}" in logged for url in fetcher.refused), logged


@pytest.mark.parametrize(
    "path", [REPORT, "/admin/surveys/lh-leaving-hospital/poster.pdf"], ids=["report", "poster"]
)
def test_a_fatal_weasyprint_error_is_an_error_page_not_a_dead_worker(
    staff_client, demo_area, monkeypatch, caplog, path
):
    """FatalURLFetchingError is a BaseException: unguarded, it would pass Flask's error
    handling (and this test client) and stop the gunicorn worker."""

    def fatal(*args, **kwargs):
        raise FatalURLFetchingError('Error fetching "http://x.invalid/a.png"')

    monkeypatch.setattr("weasyprint.HTML.write_pdf", fatal)
    client = staff_client("admin", "commissioner")
    with caplog.at_level(logging.ERROR):
        response = client.get(path)
    assert response.status_code == 500
    assert "the PDF could not be made" in response.get_data(as_text=True)
    assert any("FatalURLFetchingError" in r.getMessage() for r in caplog.records)
