"""Double entry: a second volunteer keys the same forms blind; the batch's lead or an admin
resolves each difference; only agreed or resolved forms count. Agreement rates are
worked out by hand below (fields agreeing / fields with a value in at least one keying)."""

from __future__ import annotations

import re

import pytest

from app.data.audit import events_for
from tests.conftest import sign_in
from tests.integration.test_paper_entry import (
    CTM,
    a_form,
    counted,
    errors,
    key,
    open_batch,
    paper_responses,
)
from tests.integration.walker import check_page


@pytest.fixture
def people(demo_area, make_user, app):
    def client_for(*roles, email):
        user = make_user(*roles, email=email, name=email.split("@")[0].title())
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302
        return client

    return {
        name: client_for(*roles, email=f"{name}@test.invalid")
        for name, roles in [
            ("ann", ["volunteer"]),
            ("bob", ["volunteer"]),
            ("carol", ["volunteer"]),
            ("admin", ["admin"]),
        ]
    }


def form_ids(client, batch: int) -> dict[str, int]:
    """Form number -> id, from the batch page's links."""
    soup = check_page(client.get(f"/paper/batches/{batch}").text)
    found = {}
    for row in soup.select("table tbody tr"):
        link = row.select_one("a[href*='/forms/']")
        if link:
            number = row.select("td")[0].get_text(" ", strip=True).replace("Form number ", "")
            found[number] = int(re.search(r"/forms/(\d+)", link["href"]).group(1))
    return found


@pytest.fixture
def keyed(people):
    """Ann keys forms 1-3; Bob keys 1 (the same) and 2 (two slips); Carol keys 3 (adds a
    comment Ann left out)."""
    batch = open_batch(people["ann"], double_entry="yes")
    before = counted()
    for number in ("1", "2", "3"):
        assert key(people["ann"], batch, a_form(number)).status_code == 302
    assert counted() == before  # nothing counts after one keying
    assert key(people["bob"], batch, a_form("1")).status_code == 302
    slips = a_form("2", **{CTM[0]: "4"})
    del slips[CTM[1]]  # left blank where Ann keyed 3
    assert key(people["bob"], batch, slips).status_code == 302
    comment = a_form("3", went_well="Kind staff")
    assert key(people["carol"], batch, comment).status_code == 302
    return batch, before


def test_second_keying_is_blind_and_by_someone_else(people):
    batch = open_batch(people["ann"], double_entry="yes")
    key(people["ann"], batch, a_form("1", **{CTM[0]: "1"}))
    # Bob finds the batch to key again, but sees nothing of Ann's keying
    listing = check_page(people["bob"].get("/paper/batches").text)
    assert listing.select(f"a[href='/paper/batches/{batch}']")
    page = people["bob"].get(f"/paper/batches/{batch}")
    assert page.status_code == 200 and "ann@test.invalid" not in page.text.split("<table")[1]
    screen = check_page(people["bob"].get(f"/paper/batches/{batch}/key").text)
    assert all(not box.get("value") for box in screen.select("form input[type=text]"))
    # Ann cannot key her own form a second time
    again = key(people["ann"], batch, a_form("1"))
    assert any("already been keyed in this batch" in e for e in errors(again))
    # a number the first keyer has not keyed is refused
    unknown = key(people["bob"], batch, a_form("9"))
    assert any("Form 9 has not been keyed in this batch yet" in e for e in errors(unknown))
    assert key(people["bob"], batch, a_form("1")).status_code == 302
    twice = key(people["carol"], batch, a_form("1"))
    assert any("already been keyed a second time by someone else" in e for e in errors(twice))
    assert [e.after["round"] for e in events_for("paper.key")] == [2, 1]  # newest first


def test_only_agreed_or_resolved_forms_count(people, keyed):
    _, before = keyed
    assert counted() == before + 1  # form 1 agreed; 2 and 3 wait for a resolution
    assert len(paper_responses()) == 1


def test_differences_are_shown_side_by_side_in_words(people, keyed):
    batch, _ = keyed
    ids = form_ids(people["ann"], batch)
    assert people["bob"].get(f"/paper/batches/{batch}/forms/{ids['2']}/compare").status_code == 403
    page = people["ann"].get(f"/paper/batches/{batch}/forms/{ids['2']}/compare")
    assert page.status_code == 200
    soup = check_page(page.text)
    legends = [lg.get_text(" ", strip=True) for lg in soup.select("fieldset legend")]
    assert len(legends) == 2  # ctm01 and ctm02 differ, nothing else
    assert "agreed about clear health goals" in legends[0]  # CTM-15 item 1, as printed
    labels = [lb.get_text(" ", strip=True) for lb in soup.select(".nhsuk-radios__label")]
    assert "First keying: Agree (3)" in labels and "Second keying: Strongly agree (4)" in labels
    assert "Second keying: Left blank" in labels


def test_resolving_each_difference_makes_the_form_count(people, keyed):
    batch, before = keyed
    ids = form_ids(people["ann"], batch)
    url = f"/paper/batches/{batch}/forms/{ids['2']}/compare"
    # every difference needs a choice; a typed value is checked like a keyed one
    missing = people["ann"].post(url, data={CTM[0]: "2"})
    assert missing.status_code == 422
    assert any("Choose what the paper says" in e for e in errors(missing))
    wrong = people["ann"].post(url, data={CTM[0]: "2", CTM[1]: "other", f"{CTM[1]}:other": "7"})
    # read as the entry screen reads a key, with its words
    assert any(
        "'7' is not an answer here" in e and "4 for Strongly agree" in e for e in errors(wrong)
    )
    done = people["ann"].post(url, data={CTM[0]: "2", CTM[1]: "other", f"{CTM[1]}:other": "2"})
    assert done.status_code == 302
    assert counted() == before + 2
    resolved = paper_responses()[-1]
    answers = {a.item_id: a.code for a in resolved.answers}
    assert answers["ctm01"] == "4" and answers["ctm02"] == "2" and answers["ctm03"] == "3"
    [event] = events_for("paper.resolve")
    assert event.actor_email == "ann@test.invalid"
    assert event.after["values"] == {CTM[0]: "4", CTM[1]: "2"}
    assert event.before[CTM[0]] == {"round 1": "3", "round 2": "4"}
    # an admin resolves form 3: the paper has no comment (the first keying was right)
    url3 = f"/paper/batches/{batch}/forms/{ids['3']}/compare"
    assert people["admin"].post(url3, data={"went_well": "1"}).status_code == 302
    assert counted() == before + 3
    assert all(a.text != "Kind staff" for a in paper_responses()[-1].answers)


def test_agreement_rates_per_batch_and_per_volunteer(people, keyed):
    batch, _ = keyed
    # Each form: who answered, moved from, moved to and 15 statements = 18 fields.
    # Form 1: 18 of 18 agree. Form 2: 16 of 18 (one statement differs, one left blank by
    # Bob). Form 3: 18 of 19 (Carol's comment is a 19th field, blank in Ann's keying).
    # Batch: 52 of 55 = 94.5%. Ann keyed all three: 52 of 55; Bob forms 1-2: 34 of 36 =
    # 94.4%; Carol form 3: 18 of 19 = 94.7%.
    page = check_page(people["ann"].get(f"/paper/batches/{batch}").text)
    summary = page.select_one(".nhsuk-summary-list").get_text(" ", strip=True)
    assert "94.5% (52 of 55 fields agree)" in summary
    table = page.find("caption", string=re.compile("Agreement by volunteer")).find_parent("table")
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[1].get_text(" ", strip=True)
        for tr in table.select("tbody tr")
    }
    assert rows == {  # volunteers see each other's names, not their e-mail addresses
        "Ann": "94.5% (52 of 55 fields agree)",
        "Bob": "94.4% (34 of 36 fields agree)",
        "Carol": "94.7% (18 of 19 fields agree)",
    }
    overall = check_page(people["admin"].get("/paper/batches").text).get_text(" ", strip=True)
    assert "bob@test.invalid 94.4% (34 of 36 fields)" in overall


ETHNIC = "about-you.ethnic_group"


def test_two_digit_keys_compare_as_the_answers_they_stand_for(people):
    """Form 1: both keyers type 01, and agree. Form 2: the second keyer types 11 for the 01
    on the paper; the difference is that one box, in words, and a short key typed to resolve
    it is refused as on the entry screen."""
    batch = open_batch(people["ann"], double_entry="yes")
    before = counted()
    for number in ("1", "2"):
        assert key(people["ann"], batch, a_form(number, **{ETHNIC: "01"})).status_code == 302
    assert key(people["bob"], batch, a_form("1", **{ETHNIC: "01"})).status_code == 302
    assert counted() == before + 1
    assert key(people["bob"], batch, a_form("2", **{ETHNIC: "11"})).status_code == 302
    url = f"/paper/batches/{batch}/forms/{form_ids(people['ann'], batch)['2']}/compare"
    soup = check_page(people["ann"].get(url).text)
    [legend] = [lg.get_text(" ", strip=True) for lg in soup.select("fieldset legend")]
    assert legend.endswith("What is your ethnic group?")  # the one field that differs
    labels = [lb.get_text(" ", strip=True) for lb in soup.select(".nhsuk-radios__label")]
    assert "Second keying: Pakistani (asian_pakistani)" in labels
    short = people["ann"].post(url, data={ETHNIC: "other", f"{ETHNIC}:other": "1"})
    assert short.status_code == 422
    assert any("'1' is too short" in e and "from 01 to 20" in e for e in errors(short))
    done = people["ann"].post(url, data={ETHNIC: "other", f"{ETHNIC}:other": "01"})
    assert done.status_code == 302
    assert counted() == before + 2
    resolved = paper_responses()[-1]
    assert {a.item_id: a.code for a in resolved.answers}["ethnic_group"] == "white_british"
