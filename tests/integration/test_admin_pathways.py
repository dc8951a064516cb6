"""An administrator sets up pathways and their ordered stages, within what answers allow."""

from __future__ import annotations

import pytest

from app.data import DataError, area_edit
from app.data.area import get_pathway
from app.data.audit import SYSTEM, events_for
from app.data.instruments import registry
from app.demo.generator import generate
from tests.integration.test_admin_services import errors, page

DEMO_ORDER = ["getting-help", "in-hospital", "leaving-hospital", "support-at-home", "six-weeks-on"]
NEW_STAGE = {
    "slug": "back-to-gp",
    "name": "Back to your GP",
    "kind": "episode",
    "description": "Seeing your GP after leaving hospital",
}


@pytest.fixture
def lh(demo_area):
    return get_pathway("leaving-hospital")


def url(pathway, *rest) -> str:
    return "/".join([f"/admin/pathways/{pathway.id}", *rest]).rstrip("/")


def stage(pathway, slug: str):
    return next(s for s in pathway.stages if s.slug == slug)


def order(pathway) -> list[str]:
    return [s.slug for s in pathway.stages]


def positions(pathway) -> list[int]:
    return [s.position for s in pathway.stages]


def table_order(soup) -> list[str]:
    """Stage names as the table shows them, top to bottom."""
    return [row.find_all("td")[1].span.find_next("span").text for row in soup.select("tbody tr")]


def banner(client, location: str) -> str:
    return page(client.get(location)).select_one(".nhsuk-notification-banner").text


def answer_some():
    generate(40, seed=1, instruments=registry())


def test_the_list_and_the_pathway_page_show_the_stages_in_order(admin_client, lh):
    soup = page(admin_client.get("/admin/pathways"))
    link = soup.select_one("tbody a")
    assert link.text == "Leaving hospital (older people)" and link["href"] == url(lh)
    current = soup.select_one(".nhsuk-header__navigation-item--current")
    assert current.text.strip() == "Pathways"

    soup = page(admin_client.get(url(lh)))
    assert soup.h1.text == "Leaving hospital (older people)"
    assert (
        "http://localhost/pathway/leaving-hospital" in soup.select_one(".nhsuk-summary-list").text
    )
    assert table_order(soup) == [
        "Getting help",
        "In hospital",
        "Leaving hospital",
        "Support after leaving hospital",
        "Six weeks on",
    ]
    buttons = [" ".join(b.stripped_strings) for b in soup.select("tbody button")]
    # The first stage cannot go up nor the last down; each button names its stage for
    # screen reader users, who hear the buttons out of the table's context.
    assert buttons[:3] == ["Move down Getting help", "Move up In hospital", "Move down In hospital"]
    assert buttons[-1] == "Move up Six weeks on" and len(buttons) == 8
    assert soup.select_one("tbody .nhsuk-u-visually-hidden").text.strip() == "Getting help"
    add = soup.find("a", string=lambda s: s and s.strip() == "Add a stage")
    assert add["href"] == url(lh, "stages/new")


def test_adding_a_pathway_then_its_first_stage(admin_client, demo_area):
    data = {"slug": "mental-health-crisis", "name": "Mental health crisis", "description": ""}
    response = admin_client.post("/admin/pathways/new", data=data)
    created = get_pathway("mental-health-crisis")
    assert response.status_code == 302 and response.location == url(created)
    assert "Pathway saved: Mental health crisis. Now add its stages." in banner(
        admin_client, response.location
    )
    assert created.description is None and created.stages == []
    (event,) = events_for("pathway.create")
    assert event.after == {**data, "description": None}

    response = admin_client.post(url(created, "stages/new"), data={**NEW_STAGE, "slug": "crisis"})
    assert response.status_code == 302 and order(created) == ["crisis"]
    assert "Stage saved: Back to your GP. It is stage 1, the last" in banner(
        admin_client, response.location
    )


def test_pathway_form_errors_say_what_to_fix(admin_client, lh):
    soup = page(admin_client.post("/admin/pathways/new", data={}), 400)
    assert errors(soup) == {
        "slug": "Enter a slug for the pathway",
        "name": "Enter the pathway name",
    }
    data = {"slug": "leaving-hospital", "name": "Another"}
    soup = page(admin_client.post("/admin/pathways/new", data=data), 400)
    assert errors(soup) == {"slug": "There is already a pathway with slug leaving-hospital"}
    data = {"slug": "Leaving Hospital!", "name": "x"}
    soup = page(admin_client.post("/admin/pathways/new", data=data), 400)
    assert errors(soup)["slug"].startswith(
        "Slug must be lower-case letters, numbers and hyphens, like leaving-hospital"
    )
    assert len(area_edit.list_pathways()) == 1 and not events_for("pathway.create")


def test_changing_a_pathway_records_only_what_changed(admin_client, lh):
    soup = page(admin_client.get(url(lh, "edit")))
    assert soup.find(id="slug")["value"] == "leaving-hospital"
    data = {"slug": "leaving-hospital", "name": "Leaving hospital", "description": lh.description}
    response = admin_client.post(url(lh, "edit"), data=data)
    assert response.status_code == 302 and response.location == url(lh)
    assert "Pathway saved: Leaving hospital" in banner(admin_client, response.location)
    (event,) = events_for("pathway.update")
    assert event.target == "pathway leaving-hospital"
    assert event.before == {"name": "Leaving hospital (older people)"}
    assert event.after == {"name": "Leaving hospital"}


def test_once_answered_a_pathway_keeps_its_slug(admin_client, lh):
    answer_some()
    soup = page(admin_client.get(url(lh, "edit")))
    assert soup.find(id="slug") is None
    assert soup.select_one(".nhsuk-summary-list__value .nhsuk-hint").text.startswith(
        "People have already answered on this pathway, so its slug cannot change"
    )
    data = {"slug": "lh", "name": "Leaving hospital", "description": ""}
    assert admin_client.post(url(lh, "edit"), data=data).status_code == 302
    assert (lh.slug, lh.name, lh.description) == ("leaving-hospital", "Leaving hospital", None)
    with pytest.raises(DataError) as refused:
        area_edit.update_pathway(SYSTEM, lh, slug="lh", name="x", description=None)
    assert refused.value.field == "slug" and lh.slug == "leaving-hospital"


def test_adding_a_stage_puts_it_last(admin_client, lh):
    soup = page(admin_client.get(url(lh, "stages/new")))
    hints = [h.text.strip() for h in soup.select(".nhsuk-radios__hint")]
    assert hints[0].startswith("Care from one service") and hints[1].startswith("Moving from")
    assert [lab.text.strip() for lab in soup.select(".nhsuk-radios__label")] == [
        "Episode of care",
        "Move between services",
    ]
    response = admin_client.post(url(lh, "stages/new"), data=NEW_STAGE)
    assert response.status_code == 302 and response.location == url(lh)
    assert "Stage saved: Back to your GP. It is stage 6, the last; use Move up" in banner(
        admin_client, response.location
    )
    assert order(lh) == [*DEMO_ORDER, "back-to-gp"] and positions(lh) == [1, 2, 3, 4, 5, 6]
    (event,) = events_for("stage.create")
    assert event.target == "stage leaving-hospital/back-to-gp"
    assert event.after == {**NEW_STAGE, "position": 6}


def test_stage_form_errors_say_what_to_fix(admin_client, lh):
    soup = page(admin_client.post(url(lh, "stages/new"), data={"description": "x"}), 400)
    assert errors(soup) == {
        "slug": "Enter a slug for the stage",
        "name": "Enter the stage name",
        "kind": "Select what kind of stage this is",
    }
    data = {**NEW_STAGE, "slug": "in-hospital"}
    soup = page(admin_client.post(url(lh, "stages/new"), data=data), 400)
    assert errors(soup) == {
        "slug": "Leaving hospital (older people) already has a stage with slug in-hospital"
    }
    assert soup.find(id="description").text.strip() == NEW_STAGE["description"]
    assert len(lh.stages) == 5 and not events_for("stage.create")


def test_the_same_stage_slug_may_be_used_on_another_pathway(admin_client, lh):
    other = area_edit.create_pathway(SYSTEM, slug="other", name="Other", description=None)
    data = {**NEW_STAGE, "slug": "in-hospital"}
    assert admin_client.post(url(other, "stages/new"), data=data).status_code == 302
    assert order(other) == ["in-hospital"]


def test_moving_a_stage_up_and_down_keeps_positions_1_to_n(admin_client, lh):
    in_hospital = stage(lh, "in-hospital")
    response = admin_client.post(url(lh, f"stages/{in_hospital.id}/move/up"))
    assert response.status_code == 302 and response.location == url(lh)
    soup = page(admin_client.get(response.location))
    assert "Stage moved: In hospital is now stage 1 of 5" in soup.text
    assert table_order(soup)[:2] == ["In hospital", "Getting help"]
    assert order(lh)[:2] == ["in-hospital", "getting-help"]
    assert positions(lh) == [1, 2, 3, 4, 5]

    admin_client.post(url(lh, f"stages/{in_hospital.id}/move/down"))
    admin_client.post(url(lh, f"stages/{in_hospital.id}/move/down"))
    assert order(lh)[:3] == ["getting-help", "leaving-hospital", "in-hospital"]
    assert positions(lh) == [1, 2, 3, 4, 5]

    first, *_, last = events_for("stage.reorder")[::-1]
    assert first.target == "pathway leaving-hospital"
    assert first.before == {"order": DEMO_ORDER}
    assert first.after == {"order": ["in-hospital", "getting-help", *DEMO_ORDER[2:]]}
    assert last.after["order"][:3] == ["getting-help", "leaving-hospital", "in-hospital"]
    assert len(events_for("stage.reorder")) == 3


def test_moving_past_either_end_changes_nothing(admin_client, lh):
    first = stage(lh, "getting-help")
    response = admin_client.post(url(lh, f"stages/{first.id}/move/up"))
    assert response.status_code == 302
    assert "Getting help is already first, so it was not moved" in banner(
        admin_client, response.location
    )
    last = stage(lh, "six-weeks-on")
    admin_client.post(url(lh, f"stages/{last.id}/move/down"))
    assert order(lh) == DEMO_ORDER and not events_for("stage.reorder")
    assert admin_client.post(url(lh, f"stages/{last.id}/move/sideways")).status_code == 404


def test_changing_a_stage_records_only_what_changed(admin_client, lh):
    help_ = stage(lh, "getting-help")
    soup = page(admin_client.get(url(lh, f"stages/{help_.id}")))
    assert soup.find(id="kind").has_attr("checked")  # Episode of care
    data = {"slug": "getting-help", "name": "Asking for help", "kind": "episode"}
    data["description"] = help_.description
    response = admin_client.post(url(lh, f"stages/{help_.id}"), data=data)
    assert response.status_code == 302 and response.location == url(lh)
    assert "Stage saved: Asking for help" in banner(admin_client, response.location)
    (event,) = events_for("stage.update")
    assert event.target == "stage leaving-hospital/getting-help"
    assert (event.before, event.after) == ({"name": "Getting help"}, {"name": "Asking for help"})


def test_kind_can_change_until_people_answer_about_the_stage(admin_client, lh):
    added = area_edit.create_stage(SYSTEM, lh, **NEW_STAGE)
    data = {**NEW_STAGE, "kind": "transition"}
    assert admin_client.post(url(lh, f"stages/{added.id}"), data=data).status_code == 302
    assert added.kind == "transition"


def test_once_answered_a_stage_keeps_its_kind_and_says_why(admin_client, lh):
    answer_some()
    leaving = stage(lh, "leaving-hospital")
    soup = page(admin_client.get(url(lh, f"stages/{leaving.id}")))
    assert soup.find(id="kind") is None and soup.find(id="slug") is None
    slug, kind = soup.select(".nhsuk-summary-list__value")
    assert (slug.p.text, kind.p.text) == ("leaving-hospital", "Move between services")
    assert kind.select_one(".nhsuk-hint").text == (
        "People have already answered about this stage as a move between services; "
        "changing it would change what their answers mean."
    )
    data = {"slug": "leaving", "name": "Leaving hospital", "kind": "episode"}
    assert admin_client.post(url(lh, f"stages/{leaving.id}"), data=data).status_code == 302
    assert (leaving.slug, leaving.kind) == ("leaving-hospital", "transition")

    in_hospital = stage(lh, "in-hospital")
    with pytest.raises(DataError) as refused:
        changed = {"slug": "in-hospital", "name": "In hospital", "kind": "transition"}
        area_edit.update_stage(SYSTEM, in_hospital, **changed, description=None)
    assert refused.value.field == "kind"
    assert refused.value.message == (
        "People have already answered about this stage as an episode; "
        "changing it would change what their answers mean"
    )
    assert in_hospital.kind == "episode" and not events_for("stage.update")


def test_a_stage_a_survey_uses_cannot_be_removed_and_the_page_says_which(admin_client, lh):
    help_ = stage(lh, "getting-help")
    reason = (
        "You cannot remove Getting help because the survey "
        "“Getting help when you became unwell” (lh-getting-help) asks about it."
    )
    soup = page(admin_client.get(url(lh, f"stages/{help_.id}")))
    assert reason in soup.text and not soup.find("a", href=url(lh, f"stages/{help_.id}/delete"))

    soup = page(admin_client.get(url(lh, f"stages/{help_.id}/delete")))
    assert soup.h1.text == "You cannot remove Getting help" and reason in soup.text
    assert not soup.select("main button")

    soup = page(admin_client.post(url(lh, f"stages/{help_.id}/delete")), 400)
    assert reason in soup.text
    assert order(lh) == DEMO_ORDER and not events_for("stage.delete")
    with pytest.raises(DataError):
        area_edit.delete_stage(SYSTEM, help_)


def test_an_unused_stage_can_be_removed_and_the_rest_close_up(admin_client, lh):
    added = area_edit.create_stage(SYSTEM, lh, **NEW_STAGE)
    for _ in range(3):
        area_edit.move_stage(SYSTEM, added, "up")
    assert order(lh)[2] == "back-to-gp"

    soup = page(admin_client.get(url(lh, f"stages/{added.id}")))
    remove = soup.find("a", href=url(lh, f"stages/{added.id}/delete"))
    assert remove.text == "Remove Back to your GP"
    soup = page(admin_client.get(remove["href"]))
    assert soup.h1.text == "Remove Back to your GP from this pathway?"
    assert soup.select_one("main button").text.strip() == "Remove stage"

    response = admin_client.post(remove["href"])
    assert response.status_code == 302 and response.location == url(lh)
    assert "Stage removed: Back to your GP" in banner(admin_client, response.location)
    assert order(lh) == DEMO_ORDER and positions(lh) == [1, 2, 3, 4, 5]
    (event,) = events_for("stage.delete")
    assert event.target == "stage leaving-hospital/back-to-gp"
    assert event.before == {**NEW_STAGE, "position": 3} and event.after is None


def test_a_stage_of_another_pathway_is_not_found_here(admin_client, lh):
    other = area_edit.create_pathway(SYSTEM, slug="other", name="Other", description=None)
    in_hospital = stage(lh, "in-hospital")
    for method, path in [
        ("GET", f"stages/{in_hospital.id}"),
        ("POST", f"stages/{in_hospital.id}/move/up"),
        ("GET", f"stages/{in_hospital.id}/delete"),
    ]:
        assert admin_client.open(url(other, path), method=method).status_code == 404
    assert admin_client.get("/admin/pathways/9999").status_code == 404


def test_a_volunteer_cannot_see_or_change_pathways(staff_client, lh):
    volunteer = staff_client("volunteer")
    in_hospital = stage(lh, "in-hospital")
    for method, path in [
        ("GET", "/admin/pathways"),
        ("POST", "/admin/pathways/new"),
        ("GET", url(lh)),
        ("POST", url(lh, "edit")),
        ("POST", url(lh, "stages/new")),
        ("POST", url(lh, f"stages/{in_hospital.id}")),
        ("POST", url(lh, f"stages/{in_hospital.id}/move/up")),
        ("POST", url(lh, f"stages/{in_hospital.id}/delete")),
    ]:
        response = volunteer.open(path, method=method, data={**NEW_STAGE, "name": "x"})
        assert response.status_code == 403, (method, path)
    assert order(lh) == DEMO_ORDER and lh.name == "Leaving hospital (older people)"
