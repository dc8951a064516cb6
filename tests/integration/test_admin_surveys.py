"""Administrators set up surveys, hand them out (link, QR code, A4 poster) and read the
instruments; once people have answered, editing a survey never changes what they meant."""

from __future__ import annotations

import contextlib
import io
import re
import zlib

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import func, select

from app.data.instruments import registry
from app.demo.generator import generate
from app.extensions import db
from app.models import AuditEvent, Response, Service, Stage, Survey
from tests.integration.walker import check_page
from tests.unit.test_qr import expected_matrix, svg_matrix

NEW = "/admin/surveys/new"


def service_ids(*codes: str) -> list[str]:
    rows = db.session.execute(select(Service.code, Service.id).where(Service.code.in_(codes)))
    found = dict(rows.all())
    return [str(found[c]) for c in codes]


def stage_id(slug: str) -> str:
    return str(db.session.scalar(select(Stage.id).filter_by(slug=slug)))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).filter_by(action=action)))


def survey_count() -> int:
    return db.session.scalar(select(func.count(Survey.id)))


def new_survey(**changes) -> dict:
    data = {
        "slug": "carers-at-home",
        "title": "Caring for someone at home",
        "intro": "About the help you get as a carer.",
        "stage": stage_id("support-at-home"),
        "instruments": ["i-statements-carer"],
        "services": service_ids("carers-centre", "age-friends"),
        "roles": ["carer"],
        "opens_on": "",
        "closes_on": "",
    }
    data.update(changes)
    return data


def form_values(html: str) -> dict:
    """What the browser would send back unchanged from the survey form on this page."""
    form = BeautifulSoup(html, "html.parser").select_one("main form[novalidate]")
    data: dict = {}
    for el in form.find_all(["input", "textarea"]):
        name = el.get("name")
        if not name or name == "csrf_token":
            continue
        if el.name == "textarea":
            data[name] = el.text.strip()
        elif el.get("type") in ("checkbox", "radio"):
            if el.has_attr("checked"):
                data.setdefault(name, []).append(el["value"])
        else:
            data[name] = el.get("value", "")
    return data


def error_on(html: str, field_id: str) -> str:
    """The error message shown in the form group of the field with this id."""
    soup = BeautifulSoup(html, "html.parser")
    group = soup.find(id=field_id).find_parent(class_="nhsuk-form-group")
    message = group.find(class_="nhsuk-error-message")
    assert message is not None, f"no error shown on {field_id}"
    assert soup.select_one(f'.nhsuk-error-summary a[href="#{field_id}"]'), "not in summary"
    return message.get_text(" ", strip=True)


# Creating


def test_a_survey_made_on_screen_can_be_answered(admin_client, demo_area):
    page = admin_client.get(NEW)
    assert page.status_code == 200
    check_page(page.get_data(as_text=True))

    saved = admin_client.post(NEW, data=new_survey())
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("/admin/surveys/carers-at-home")
    shown = admin_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Survey saved: Caring for someone at home" in shown

    public = admin_client.get("/s/carers-at-home")
    assert public.status_code == 200
    assert "Caring for someone at home" in public.get_data(as_text=True)

    (event,) = audit("survey.create")
    assert event.target == "survey carers-at-home"
    assert event.actor_email == "admin@test.invalid"
    assert event.after["services"] == ["age-friends", "carers-centre"]
    assert event.after["roles"] == ["carer"]


def test_topics_statements_and_dates_are_saved(admin_client, demo_area):
    inst = registry()["i-statements-carer"]
    form = admin_client.get(NEW).get_data(as_text=True)
    soup = BeautifulSoup(form, "html.parser")
    label = soup.find("label", string=re.compile(r"Joined-up care \(carers\): only these statem"))
    items_name = soup.find(id=label["for"])["name"]
    domains_name = items_name.replace("items_", "domains_")
    first, second = inst.items[0].id, inst.items[1].id
    data = new_survey(
        opens_on="2026-04-01",
        closes_on="2026-06-30",
        **{domains_name: ["carer_support"], items_name: f" {first},{second} , {first}"},
    )
    assert admin_client.post(NEW, data=data).status_code == 302
    survey = db.session.scalar(select(Survey).filter_by(slug="carers-at-home"))
    (chosen,) = survey.instruments
    assert chosen.domains == ["carer_support"]
    assert chosen.item_ids == [first, second]
    assert str(survey.opens_on) == "2026-04-01" and str(survey.closes_on) == "2026-06-30"
    listed = admin_client.get("/admin/surveys").get_data(as_text=True)
    assert "Opens 1 Apr 2026, closes 30 Jun 2026" in listed


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"slug": "Carers At Home"}, "slug", "only lower-case letters, numbers and hyphens"),
        ({"slug": "lh-in-hospital"}, "slug", "There is already a survey called lh-in-hospital"),
        ({"slug": ""}, "slug", "Enter a short name for the link"),
        ({"title": "  "}, "title", "Enter a title"),
        ({"stage": ""}, "stage", "Choose the pathway stage"),
        ({"stage": "99999"}, "stage", "Choose one of the options shown"),
        ({"instruments": []}, "instruments", "Select at least one instrument"),
        ({"services": []}, "services", "Select at least one service"),
        ({"roles": []}, "roles", "Select at least one kind of person"),
        ({"opens_on": "1 April"}, "opens_on", "Enter a real date in the form YYYY-MM-DD"),
        (
            {"opens_on": "2026-05-01", "closes_on": "2026-04-30"},
            "closes_on",
            "The closing date must be the same as or after the opening date",
        ),
    ],
)
def test_a_problem_shows_on_its_field_and_nothing_is_saved(
    admin_client, demo_area, changes, field_id, message
):
    before = survey_count()
    page = admin_client.post(NEW, data=new_survey(**changes))
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "There is a problem" in html and "<title>Error:" in html
    assert message in error_on(html, field_id)
    assert survey_count() == before
    assert audit("survey.create") == []


def test_every_problem_shows_at_once(admin_client, demo_area):
    data = new_survey(slug="lh-in-hospital", title="", roles=[], closes_on="2020-01-01")
    data["opens_on"] = "2021-01-01"
    html = admin_client.post(NEW, data=data).get_data(as_text=True)
    for field_id in ("slug", "title", "roles", "closes_on"):
        error_on(html, field_id)


def test_unknown_statement_ids_are_named_on_their_box(admin_client, demo_area):
    soup = BeautifulSoup(admin_client.get(NEW).get_data(as_text=True), "html.parser")
    label = soup.find("label", string=re.compile(r"Joined-up care \(carers\): only these statem"))
    field = soup.find(id=label["for"])
    real = registry()["i-statements-carer"].items[0].id
    page = admin_client.post(NEW, data=new_survey(**{field["name"]: f"{real}, nope99"}))
    assert page.status_code == 400
    message = error_on(page.get_data(as_text=True), field["id"])
    assert "has no statement with the id nope99. Use ids shown on the Instruments page" in message
    assert survey_count() == 5


def test_a_move_between_services_needs_two_services(admin_client, demo_area):
    data = new_survey(stage=stage_id("leaving-hospital"), services=service_ids("home"))
    page = admin_client.post(NEW, data=data)
    assert page.status_code == 400
    assert "Select at least two services" in error_on(page.get_data(as_text=True), "services")


def test_retired_services_are_not_offered(admin_client, demo_area):
    db.session.scalar(select(Service).filter_by(code="age-friends")).retired = True
    db.session.commit()
    html = admin_client.get(NEW).get_data(as_text=True)
    assert "Age Friends" not in html
    page = admin_client.post(NEW, data=new_survey())
    assert page.status_code == 400
    message = error_on(page.get_data(as_text=True), "services")
    assert "Choose from the services shown. A retired service cannot be added" in message


# Editing


def test_editing_a_survey_with_no_responses_can_change_everything(admin_client, demo_area):
    edit = "/admin/surveys/lh-six-weeks-on/edit"
    data = form_values(admin_client.get(edit).get_data(as_text=True))
    assert data["slug"] == "lh-six-weeks-on"
    data.update(slug="six-weeks", stage=[stage_id("support-at-home")], title="Six weeks later")
    saved = admin_client.post(edit, data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/surveys/six-weeks")
    survey = db.session.scalar(select(Survey).filter_by(slug="six-weeks"))
    assert survey.stage.slug == "support-at-home"
    # Instruments keep their order: it is the order people are asked them.
    assert [si.instrument_id for si in survey.instruments] == [
        "ctm-3",
        "i-statements",
        "i-statements-carer",
    ]
    (event,) = audit("survey.update")
    assert event.target == "survey lh-six-weeks-on"
    assert event.before == {
        "slug": "lh-six-weeks-on",
        "stage": "six-weeks-on",
        "title": ("How things are six weeks on"),
    }
    assert event.after["slug"] == "six-weeks"


def test_saving_unchanged_writes_no_audit_row(admin_client, demo_area):
    edit = "/admin/surveys/lh-in-hospital/edit"
    data = form_values(admin_client.get(edit).get_data(as_text=True))
    assert admin_client.post(edit, data=data).status_code == 302
    assert audit("survey.update") == []


@pytest.fixture
def answered(demo_area):
    generate(60, seed=1, instruments=registry())
    return demo_area


def response_facts(response: Response) -> dict:
    return {
        "stage": response.stage.slug,
        "service": response.service.code if response.service else None,
        "from": response.from_service.code if response.from_service else None,
        "to": response.to_service.code if response.to_service else None,
        "versions": sorted(
            (v.instrument_id, v.version, v.content_hash) for v in response.instrument_versions
        ),
        "answers": len(response.answers),
    }


def test_edits_never_change_what_earlier_responses_meant(admin_client, answered):
    survey = db.session.scalar(select(Survey).filter_by(slug="lh-leaving-hospital"))
    responses = list(db.session.scalars(select(Response).filter_by(survey_id=survey.id)))
    assert responses
    before = {r.id: response_facts(r) for r in responses}
    assert any(f["from"] == "county-wards" for f in before.values())
    assert any(
        ("ctm-15", registry()["ctm-15"].version, registry()["ctm-15"].content_hash) in f["versions"]
        for f in before.values()
    )

    edit = "/admin/surveys/lh-leaving-hospital/edit"
    html = admin_client.get(edit).get_data(as_text=True)
    check_page(html)
    data = form_values(html)
    assert "slug" not in data and "stage" not in data  # shown as text, not as inputs
    # Drop the wards and CTM-15, ask different I statements, rename, restrict roles.
    data["services"] = service_ids("hillford-community-hospital", "home", "reablement")
    data["instruments"] = ["i-statements"]
    data["roles"] = ["patient"]
    data["title"] = "Going home from hospital"
    saved = admin_client.post(edit, data=data)
    assert saved.status_code == 302
    assert "Survey saved: Going home from hospital" in admin_client.get(
        saved.headers["Location"]
    ).get_data(as_text=True)

    db.session.expire_all()
    survey = db.session.scalar(select(Survey).filter_by(slug="lh-leaving-hospital"))
    assert [si.instrument_id for si in survey.instruments] == ["i-statements"]
    assert "county-wards" not in {s.code for s in survey.services}
    after = {
        r.id: response_facts(r)
        for r in db.session.scalars(select(Response).filter_by(survey_id=survey.id))
    }
    assert after == before
    (event,) = audit("survey.update")
    assert "county-wards" in event.before["services"]
    assert "county-wards" not in event.after["services"]


def test_link_and_stage_are_locked_once_answered(admin_client, answered):
    edit = "/admin/surveys/lh-in-hospital/edit"
    html = admin_client.get(edit).get_data(as_text=True)
    assert "What cannot change" in html
    assert "apply to responses started from now on" in html
    data = form_values(html)

    moved = admin_client.post(edit, data={**data, "slug": "elsewhere"})
    assert moved.status_code == 400
    text = moved.get_data(as_text=True)
    assert "the link cannot change. Make a new survey instead" in text
    assert 'href="#slug"' in text

    staged = admin_client.post(edit, data={**data, "stage": stage_id("six-weeks-on")})
    assert staged.status_code == 400
    assert "the stage cannot change" in staged.get_data(as_text=True)

    db.session.expire_all()
    survey = db.session.scalar(select(Survey).filter_by(slug="lh-in-hospital"))
    assert survey.stage.slug == "in-hospital"
    assert audit("survey.update") == []


# Handing out: link, QR code, poster


def test_survey_page_shows_link_qr_code_and_downloads(admin_client, demo_area):
    page = admin_client.get("/admin/surveys/lh-leaving-hospital")
    soup = check_page(page.get_data(as_text=True))
    link = "http://localhost/s/lh-leaving-hospital"
    assert soup.find("a", href=link, string=link)
    img = soup.find("img", src="/admin/surveys/lh-leaving-hospital/qr.svg")
    assert img["alt"] == f"QR code for {link}"
    assert soup.find("a", string="Download QR code (SVG)")
    assert soup.find("a", string="Download A4 poster (PDF)")
    assert len(soup.find_all("h1")) == 1
    assert not soup.find_all(style=True)


def test_qr_code_encodes_the_public_link(admin_client, demo_area):
    inline = admin_client.get("/admin/surveys/lh-in-hospital/qr.svg")
    assert inline.status_code == 200 and inline.mimetype == "image/svg+xml"
    assert "Content-Disposition" not in inline.headers
    rows, _ = svg_matrix(inline.get_data(as_text=True))
    assert rows == expected_matrix("http://localhost/s/lh-in-hospital")

    download = admin_client.get("/admin/surveys/lh-in-hospital/qr.svg?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="lh-in-hospital-qr.svg"'


def pdf_text(pdf: bytes) -> str:
    """The text a person reads on the PDF's pages."""
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def pdf_objects(pdf: bytes) -> bytes:
    """Every stream inflated, so object streams (links, metadata) can be searched."""
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # not every stream is compressed
            out.append(zlib.decompress(m.group(1)))
    return b"\n".join(out)


def test_poster_is_an_a4_pdf_with_the_organisation_and_link(admin_client, demo_area):
    link = "http://localhost/s/lh-leaving-hospital"
    page = admin_client.get("/admin/surveys/lh-leaving-hospital/poster.pdf")
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    assert (
        page.headers["Content-Disposition"]
        == 'attachment; filename="lh-leaving-hospital-poster.pdf"'
    )
    pdf = page.data
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert re.search(rb"/MediaBox \[0 0 595\.2\d* 841\.8\d*\]", objects), "not A4"
    assert f"/URI ({link})".encode() in objects  # the written-out link is a real link
    assert b"Healthwatch Demo Area" in objects  # in the document title
    flat = " ".join(pdf_text(pdf).split())
    assert "Healthwatch Demo Area" in flat
    assert "Leaving hospital" in flat
    assert link in flat
    assert "it is anonymous" in flat and "minutes" in flat
    (event,) = audit("download.poster")
    assert event.target == "survey lh-leaving-hospital"


def test_every_poster_download_is_audited(admin_client, demo_area):
    for _ in range(2):
        assert admin_client.get("/admin/surveys/lh-in-hospital/poster.pdf").status_code == 200
    assert len(audit("download.poster")) == 2


# Lists, instruments, access


def test_survey_list_shows_status_and_responses(admin_client, answered):
    html = admin_client.get("/admin/surveys").get_data(as_text=True)
    soup = check_page(html)
    assert len(soup.find_all("h1")) == 1 and soup.find("caption")
    counts = dict(
        db.session.execute(
            select(Survey.title, func.count(Response.id))
            .join(Response, Response.survey_id == Survey.id)
            .group_by(Survey.title)
        ).all()
    )
    for row in soup.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in row.find_all("td")]
        title = row.find("a").get_text(strip=True)
        assert cells[1].endswith("Leaving hospital (older people): " + cells[1].split(": ")[-1])
        assert "Open" in cells[2]
        assert cells[3].endswith(str(counts.get(title, 0)))
    assert soup.find("a", string="Download the area as a file")


def test_instruments_page_lists_each_loaded_instrument(admin_client, app):
    html = admin_client.get("/admin/instruments").get_data(as_text=True)
    soup = check_page(html)
    assert len(soup.find_all("h1")) == 1
    for inst in registry().values():
        section = soup.find(id=f"instrument-{inst.id}").find_parent("section")
        text = section.get_text(" ", strip=True)
        assert inst.title in text and inst.version in text
        assert inst.content_hash[:12] in text
        assert f"Statements {len(inst.items)}" in text
        for name in inst.domains.values():
            assert name in text
    assert "Checked when the service started" in html
    assert app.config["LOCAL_INSTRUMENTS_DIR"] in html
    assert "flask --app wsgi instruments check" in html


ADMIN_PAGES = [
    "/admin/surveys",
    "/admin/surveys/new",
    "/admin/surveys/lh-in-hospital",
    "/admin/surveys/lh-in-hospital/edit",
    "/admin/surveys/lh-in-hospital/qr.svg",
    "/admin/surveys/lh-in-hospital/poster.pdf",
    "/admin/instruments",
    "/admin/area",
    "/admin/area/export.yaml",
]


def test_a_commissioner_cannot_reach_any_of_it(staff_client, demo_area):
    client = staff_client("commissioner")
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post(NEW, data=new_survey()).status_code == 403
    assert survey_count() == 5
    assert audit("download.poster") == [] and audit("export.area") == []


def test_signed_out_people_are_sent_to_sign_in(client, demo_area):
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 302, url


def test_unknown_survey_is_not_found(admin_client, demo_area):
    for suffix in ("", "/edit", "/qr.svg", "/poster.pdf"):
        assert admin_client.get(f"/admin/surveys/no-such{suffix}").status_code == 404


def test_people_part_way_through_keep_the_questions_they_started_with(
    admin_client, client, demo_area
):
    from tests.integration.walker import start

    started, _ = start(client, "lh-in-hospital")
    first_page = started.headers["Location"]
    edit = "/admin/surveys/lh-in-hospital/edit"
    data = form_values(admin_client.get(edit).get_data(as_text=True))
    data["instruments"] = ["ctm-3", *data["instruments"]]
    assert admin_client.post(edit, data=data).status_code == 302

    def pages_of(response_url: str) -> set[str]:
        from app.data.responses import get_response
        from app.survey.pages import pages_for

        token = response_url.split("/r/")[1].split("/")[0]
        return {p.id for p in pages_for(get_response(token), 4)}

    # The person who had already started is not asked the added CTM-3...
    assert not any("ctm-3" in page for page in pages_of(first_page))
    # ...someone starting now is.
    newcomer, _ = start(client, "lh-in-hospital")
    assert any("ctm-3" in page for page in pages_of(newcomer.headers["Location"]))
