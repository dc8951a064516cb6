"""An administrator lists, adds, changes, retires and brings back services; never deletes."""

from __future__ import annotations

import pytest

from app.data import DataError, area_edit
from app.data.area import get_survey, live_services
from app.data.audit import SYSTEM, events_for
from app.data.instruments import registry
from app.demo.generator import generate
from tests.integration.walker import check_page

NEW = {
    "code": "riverside-pharmacy",
    "name": "Riverside Pharmacy",
    "sector": "gp_primary_care",
    "locality": "Riverside",
    "ods_code": " fa123 ",
}


def page(response, status: int = 200):
    """The parsed page, checked the way every staff page must be."""
    assert response.status_code == status, response.text[:2000]
    soup = check_page(response.text)
    assert len(soup.find_all("h1")) == 1
    for table in soup.find_all("table"):
        assert table.caption and table.caption.text.strip()
        assert all(th.get("scope") == "col" for th in table.thead.find_all("th"))
    assert not soup.find_all("script", src=False, nonce=False), "inline script without the nonce"
    assert not soup.find_all(style=True), "style attribute"
    return soup


def errors(soup) -> dict[str, str]:
    """Error summary links by target id, each checked to be next to its field."""
    found = {}
    for link in soup.select(".nhsuk-error-summary__list a"):
        target = link["href"].lstrip("#")
        assert soup.find(id=target), f"summary links to missing #{target}"
        found[target] = link.text.strip()
        assert found[target] in soup.find(id=f"{target}-error").text
    return found


def service(code: str):
    return next(s for s in area_edit.list_services() if s.code == code)


def row_for(soup, name: str) -> list[str]:
    """The cells of a service's row as a sighted user reads them (without the headings that
    only show on a phone)."""
    for row in soup.select("tbody tr"):
        if row.a and row.a.text.strip() == name:
            for heading in row.select(".nhsuk-table-responsive__heading"):
                heading.decompose()
            return [" ".join(td.stripped_strings) for td in row.find_all("td")]
    raise AssertionError(f"no row for {name}")


def answer_some():
    """Synthetic responses about the demo services (County Hospital wards among them)."""
    generate(40, seed=1, instruments=registry())


def test_the_list_shows_each_service_with_its_status(admin_client, demo_area):
    soup = page(admin_client.get("/admin/services"))
    assert soup.h1.text == "Services"
    assert row_for(soup, "County Hospital wards") == [
        "County Hospital wards",
        "county-wards",
        "Hospital",
        "Riverside",
        "",
        "Active",
    ]
    assert len(soup.select("tbody tr")) == 13
    current = soup.select_one(".nhsuk-header__navigation-item--current")
    assert current.text.strip() == "Services"


def test_adding_a_service_shows_it_in_the_list_and_saves_it(admin_client, demo_area):
    response = admin_client.post("/admin/services/new", data=NEW)
    assert response.status_code == 302 and response.location == "/admin/services"
    soup = page(admin_client.get(response.location))
    assert "Service saved: Riverside Pharmacy" in soup.select_one(".nhsuk-notification-banner").text
    assert row_for(soup, "Riverside Pharmacy")[1:] == [
        "riverside-pharmacy",
        "GP and primary care",
        "Riverside",
        "FA123",  # typed in lower case with spaces; ODS codes are capitals
        "Active",
    ]
    saved = service("riverside-pharmacy")
    assert (saved.name, saved.sector, saved.ods_code, saved.retired) == (
        "Riverside Pharmacy",
        "gp_primary_care",
        "FA123",
        False,
    )
    (event,) = events_for("service.create")
    assert event.target == "service riverside-pharmacy" and event.before is None
    assert event.after == {**NEW, "ods_code": "FA123", "retired": False}


def test_two_saves_before_a_page_shows_two_banners_with_their_own_ids(admin_client, demo_area):
    other = {**NEW, "name": "Hilltop Pharmacy", "code": "hilltop-pharmacy", "ods_code": ""}
    assert admin_client.post("/admin/services/new", data=NEW).status_code == 302
    assert admin_client.post("/admin/services/new", data=other).status_code == 302
    soup = page(admin_client.get("/admin/services"))  # check_page: no duplicate ids
    banners = [b.get_text(" ", strip=True) for b in soup.select(".nhsuk-notification-banner")]
    assert len(banners) == 2, banners
    assert "Riverside Pharmacy" in banners[0] and "Hilltop Pharmacy" in banners[1]


def test_optional_fields_left_blank_are_saved_as_nothing(admin_client, demo_area):
    data = {**NEW, "locality": "  ", "ods_code": ""}
    assert admin_client.post("/admin/services/new", data=data).status_code == 302
    saved = service("riverside-pharmacy")
    assert saved.locality is None and saved.ods_code is None


def test_an_empty_form_says_what_to_fix_and_saves_nothing(admin_client, demo_area):
    soup = page(admin_client.post("/admin/services/new", data={}), 400)
    assert soup.title.text.startswith("Error: ")
    assert errors(soup) == {
        "code": "Enter a code for the service",
        "name": "Enter the service name",
        "sector": "Select the sector the service is in",
    }
    assert len(area_edit.list_services()) == 13 and not events_for("service.create")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "County Wards", "Code must be lower-case letters, numbers and hyphens"),
        ("code", "-wards", "Code must be lower-case letters, numbers and hyphens"),
        ("code", "a" * 61, "Code must be 60 characters or fewer"),
        ("name", "x" * 201, "Name must be 200 characters or fewer"),
        ("sector", "hospice", "Select one of the sectors listed"),
        ("locality", "x" * 121, "Locality must be 120 characters or fewer"),
        ("ods_code", "RX-H", "ODS code must be letters and numbers only, like RXH or RXH01"),
        ("ods_code", "R" * 21, "ODS code must be 20 characters or fewer"),
    ],
)
def test_each_wrong_answer_has_its_own_message(admin_client, demo_area, field, value, message):
    soup = page(admin_client.post("/admin/services/new", data={**NEW, field: value}), 400)
    assert list(errors(soup)) == [field]
    assert errors(soup)[field].startswith(message)
    # What was typed stays in the box to be corrected.
    if field != "sector":
        assert soup.find(id=field)["value"] == value


def test_a_code_already_in_use_is_refused_on_the_code_field(admin_client, demo_area):
    data = {**NEW, "code": "county-wards", "name": ""}
    soup = page(admin_client.post("/admin/services/new", data=data), 400)
    # Shown with the other problems, not only after they are fixed.
    assert errors(soup) == {
        "code": "There is already a service with code county-wards",
        "name": "Enter the service name",
    }
    assert service("county-wards").name == "County Hospital wards"
    assert len(area_edit.list_services()) == 13 and not events_for("service.create")


def test_the_data_layer_refuses_a_taken_code_too(demo_area):
    with pytest.raises(DataError) as refused:
        area_edit.create_service(SYSTEM, **{**NEW, "code": "home"})
    assert refused.value.field == "code"
    assert refused.value.message == "There is already a service with code home"
    assert not events_for("service.create")


def test_changing_a_service_records_only_what_changed(admin_client, demo_area):
    wards = service("county-wards")
    soup = page(admin_client.get(f"/admin/services/{wards.id}"))
    assert soup.find(id="code")["value"] == "county-wards"
    assert soup.find(id="sector-2").has_attr("checked")  # Hospital
    data = {
        "code": "county-wards",
        "name": "County Hospital wards and theatres",
        "sector": "hospital",
        "locality": "Riverside",
        "ods_code": "rxh01",
    }
    response = admin_client.post(f"/admin/services/{wards.id}", data=data)
    assert response.status_code == 302 and response.location == "/admin/services"
    banner = page(admin_client.get("/admin/services")).select_one(".nhsuk-notification-banner")
    assert "Service saved: County Hospital wards and theatres" in banner.text
    (event,) = events_for("service.update")
    assert event.target == "service county-wards"
    assert event.before == {"name": "County Hospital wards", "ods_code": None}
    assert event.after == {"name": "County Hospital wards and theatres", "ods_code": "RXH01"}


def test_saving_with_no_change_writes_no_audit_row(admin_client, demo_area):
    home = service("home")
    data = {"code": "home", "name": "Own home", "sector": "other", "locality": "", "ods_code": ""}
    assert admin_client.post(f"/admin/services/{home.id}", data=data).status_code == 302
    assert not events_for("service.update")


def test_the_code_can_change_until_people_answer_about_the_service(admin_client, demo_area):
    home = service("home")
    data = {"code": "own-home", "name": "Own home", "sector": "other"}
    assert admin_client.post(f"/admin/services/{home.id}", data=data).status_code == 302
    assert home.code == "own-home"
    (event,) = events_for("service.update")
    assert (event.before, event.after) == ({"code": "home"}, {"code": "own-home"})


def test_once_answered_a_service_keeps_its_code(admin_client, demo_area):
    answer_some()
    wards = service("county-wards")
    assert area_edit.service_answered(wards)
    soup = page(admin_client.get(f"/admin/services/{wards.id}"))
    assert soup.find(id="code") is None, "no box for a code that cannot change"
    value = soup.select_one(".nhsuk-summary-list__value")
    assert value.p.text == "county-wards"
    assert value.select_one(".nhsuk-hint").text.startswith(
        "People have already answered about this service, so its code cannot change"
    )

    # A hand-made post that still sends a code changes the name but not the code.
    data = {"code": "wards", "name": "County wards", "sector": "hospital"}
    assert admin_client.post(f"/admin/services/{wards.id}", data=data).status_code == 302
    assert (wards.code, wards.name) == ("county-wards", "County wards")
    with pytest.raises(DataError) as refused:
        area_edit.update_service(SYSTEM, wards, **{**data, "locality": None, "ods_code": None})
    assert refused.value.field == "code"
    assert refused.value.message == (
        "People have already answered about this service, so its code stays county-wards"
    )
    assert wards.code == "county-wards"


def test_an_answered_service_can_be_retired_and_brought_back_but_not_deleted(
    admin_client, demo_area
):
    answer_some()
    wards = service("county-wards")
    soup = page(admin_client.get(f"/admin/services/{wards.id}"))
    buttons = [b.text.strip() for b in soup.select("main button")]
    assert "Retire service County Hospital wards" in buttons
    assert not [b for b in buttons if "delete" in b.lower() or "remove" in b.lower()]
    assert "Your stay in hospital" in soup.text  # the surveys that offer it now
    assert admin_client.post(f"/admin/services/{wards.id}/delete").status_code == 404

    response = admin_client.post(f"/admin/services/{wards.id}/retire")
    assert response.status_code == 302 and response.location == "/admin/services"
    soup = page(admin_client.get("/admin/services"))
    assert "Service retired: County Hospital wards" in soup.text
    assert row_for(soup, "County Hospital wards")[-1] == "Retired"
    assert wards not in live_services(get_survey("lh-in-hospital"))
    assert area_edit.service_answered(wards), "answers about it are kept"

    soup = page(admin_client.get(f"/admin/services/{wards.id}"))
    assert "Bring service back County Hospital wards" in [b.text.strip() for b in soup("button")]
    admin_client.post(f"/admin/services/{wards.id}/unretire")
    assert (
        row_for(page(admin_client.get("/admin/services")), "County Hospital wards")[-1] == "Active"
    )
    assert wards in live_services(get_survey("lh-in-hospital"))

    retire, unretire = events_for("service.update")[::-1]
    assert (retire.before, retire.after) == ({"retired": False}, {"retired": True})
    assert (unretire.before, unretire.after) == ({"retired": True}, {"retired": False})


def test_retiring_twice_writes_one_audit_row(admin_client, demo_area):
    home = service("home")
    admin_client.post(f"/admin/services/{home.id}/retire")
    admin_client.post(f"/admin/services/{home.id}/retire")
    assert home.retired and len(events_for("service.update")) == 1


def test_a_missing_service_is_not_found(admin_client, demo_area):
    assert admin_client.get("/admin/services/9999").status_code == 404
    assert admin_client.post("/admin/services/9999/retire").status_code == 404


def test_a_volunteer_cannot_see_or_change_services(staff_client, demo_area):
    volunteer = staff_client("volunteer")
    home = service("home")
    for method, url in [
        ("GET", "/admin/services"),
        ("GET", "/admin/services/new"),
        ("POST", "/admin/services/new"),
        ("GET", f"/admin/services/{home.id}"),
        ("POST", f"/admin/services/{home.id}"),
        ("POST", f"/admin/services/{home.id}/retire"),
    ]:
        response = volunteer.open(url, method=method, data={**NEW, "code": "home"})
        assert response.status_code == 403, (method, url)
    assert not home.retired and len(area_edit.list_services()) == 13
    assert not events_for("service.create") and not events_for("service.update")
