"""The five kinds of malformed request that once reached a 500 get a plain 4xx page instead.

The fuzz test (test_fuzz_forms.py) looks for any 500; these check what a person sees for each.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import NumberConverter

from app.extensions import db
from app.models import Pathway, Service
from tests.integration.walker import check_page

BAD_REQUEST = "Sorry, there is a problem with that request"
NOT_FOUND = "Page not found"


def test_a_file_sent_as_the_e_mail_is_a_missing_e_mail(client):
    response = client.post(
        "/staff/sign-in", data={"email": (BytesIO(b"a@b.example"), "x.txt"), "password": "x"}
    )
    assert response.status_code < 500
    assert "Enter your e-mail address" in response.text


def test_a_file_sent_as_a_journey_code_is_a_missing_code(client, demo_area):
    response = client.post("/resume", data={"code": (BytesIO(b"ABCDE-12345"), "code.txt")})
    assert 400 <= response.status_code < 500
    check_page(response.text)
    assert "journey code" in response.text.lower()


def test_a_json_body_is_not_read_as_a_form(client):
    response = client.post("/staff/sign-in", json={"email": 5, "password": ["x"]})
    assert response.status_code < 500
    assert "Enter your e-mail address" in response.text


def test_the_import_form_still_takes_its_file_but_not_as_its_text(staff_client, demo_area):
    volunteer = staff_client("volunteer")
    sent = {"survey": "lh-leaving-hospital", "collected_on": "2026-03-02"}
    with_file = volunteer.post("/paper/import", data=sent | {"file": (BytesIO(b"x"), "a.csv")})
    assert "Choose the spreadsheet to upload" not in with_file.text
    as_place = volunteer.post(
        "/paper/import", data=sent | {"place": (BytesIO(b"Ward 7"), "place.txt")}
    )
    assert as_place.status_code < 500
    assert "Choose the spreadsheet to upload" in as_place.text


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/staff/sign-in", data={"email": "a\x00@b.example", "password": "x"}),
        lambda c: c.get("/pathway/leaving%00hospital"),
        lambda c: c.get("/s/lh-leaving-hospital", query_string="code=ABCDE%00"),
    ],
    ids=["form value", "path", "query"],
)
def test_nul_bytes_are_refused_with_the_plain_400_page(client, demo_area, send):
    response = send(client)
    assert response.status_code == 400
    assert BAD_REQUEST in check_page(response.text).get_text()


def test_ids_beyond_the_id_columns_are_not_found(admin_client, demo_area):
    service = db.session.scalar(select(func.max(Service.id)))
    assert admin_client.get(f"/admin/services/{service}").status_code == 200
    for beyond in ("2147483648", "9" * 40, "0"):
        response = admin_client.get(f"/admin/services/{beyond}")
        assert response.status_code == 404, beyond
        assert NOT_FOUND in response.text
    # The largest id fits: looked up, and not there.
    assert admin_client.get("/admin/services/2147483647").status_code == 404


def test_every_number_in_every_route_is_range_checked(app):
    numbers = [
        (rule.rule, converter)
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, NumberConverter)
    ]
    assert len(numbers) > 10
    assert all((c.min, c.max) == (1, 2**31 - 1) for _, c in numbers), numbers


@pytest.mark.parametrize("page", ["2147483648", "9" * 30, "0", "-1", "2"])
def test_an_audit_page_that_does_not_exist_is_not_found(admin_client, page):
    response = admin_client.get("/admin/audit", query_string={"page": page})
    assert response.status_code == 404
    assert NOT_FOUND in response.text


def test_the_first_audit_page_is_shown(admin_client):
    assert admin_client.get("/admin/audit?page=1").status_code == 200


@pytest.mark.parametrize("url", ["/admin/audit?until=9999-12-31", "/admin/audit?since=1999-12-31"])
def test_audit_dates_outside_2000_to_2100_are_refused_plainly(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "Enter a date between 2000-01-01 and 2100-12-31" in response.text


def test_report_dates_outside_2000_to_2100_are_refused_plainly(staff_client, demo_area):
    commissioner = staff_client("commissioner")
    pathway = db.session.scalar(select(Pathway.slug))
    for url in ("/reports/", "/reports/report.csv"):
        response = commissioner.get(url, query_string={"pathway": pathway, "date_to": "9999-12-31"})
        assert response.status_code == 400, url
        assert "Enter a date between 2000-01-01 and 2100-12-31" in response.text
