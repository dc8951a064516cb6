"""Volunteers key paper forms in batches, through the test client (no JavaScript: the plain
text boxes and the Save button are the complete path).

Checked from the outside: what the pages say, what counts in reports, and the audit trail.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.data.audit import events_for
from app.data.report_queries import ReportFilter, overview
from app.extensions import db
from app.models import Answer, PaperBatch, PaperKeying, Response, Survey
from tests.conftest import sign_in
from tests.integration.walker import check_page

SURVEY = "lh-leaving-hospital"  # CTM-15 on a transition stage: patients and carers
CTM = [f"ctm-15.ctm{n:02d}" for n in range(1, 16)]


@pytest.fixture
def people(demo_area, make_user, app):
    """Three signed-in clients: two volunteers and an admin."""

    def client_for(*roles, email):
        user = make_user(*roles, email=email)
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302
        return client

    return {
        "ann": client_for("volunteer", email="ann@test.invalid"),
        "bob": client_for("volunteer", email="bob@test.invalid"),
        "admin": client_for("admin", email="admin@test.invalid"),
    }


def open_batch(client, double_entry="no", **fields) -> int:
    data = {
        "survey": SURVEY,
        "place": "Ward 7, County Hospital",
        "collected_on": "2026-03-02",
        "forms_expected": "3",
        "double_entry": double_entry,
        **fields,
    }
    response = client.post("/paper/batches/new", data=data)
    assert response.status_code == 302, response.text
    return int(re.search(r"/batches/(\d+)/key", response.location).group(1))


def a_form(number: str, **answers) -> dict:
    """A patient's form, keyed as on the paper: the role and services by the numbers shown
    beside them (1 Patient; 2 County Hospital wards, 5 Own home), statements by 1-4."""
    form = {"form_number": number, "who_answered": "1", "moved_from": "2", "moved_to": "5"}
    form |= {name: "3" for name in CTM}
    form |= answers
    return form


def key(client, batch: int, form: dict):
    return client.post(f"/paper/batches/{batch}/key", data=form)


def errors(response) -> list[str]:
    soup = check_page(response.text)
    return [li.get_text(" ", strip=True) for li in soup.select(".nhsuk-error-summary__list li")]


def paper_responses() -> list[Response]:
    query = select(Response).where(Response.channel == "paper").order_by(Response.id)
    return list(db.session.scalars(query))


def counted() -> int:
    return overview(ReportFilter("leaving-hospital"))["responses"]


def test_entry_screen_has_every_question_in_order_with_labels_and_key_legend(people):
    batch = open_batch(people["ann"])
    page = people["ann"].get(f"/paper/batches/{batch}/key")
    assert page.status_code == 200
    soup = check_page(page.text)
    boxes = soup.select("form[data-paper-entry] input[type=text], form[data-paper-entry] textarea")
    names = [b["name"] for b in boxes]
    assert names[:6] == [
        "form_number",
        "date_completed",
        "journey_code",
        "who_answered",
        "moved_from",
        "moved_to",
    ]
    assert names[6:21] == CTM
    assert "about-you.postcode_district" in names
    for box in boxes:  # every box has a real label
        assert soup.select_one(f"label[for='{box['id']}']").get_text(strip=True)
    assert soup.select_one("#f-form-number").has_attr("autofocus")
    hint = soup.select_one("#f-ctm-15-ctm01-hint").get_text(" ", strip=True)
    assert "1 Strongly disagree" in hint and "4 Strongly agree" in hint and "9 or 0" in hint
    assert "- left blank" in hint
    # the script is our own file: no inline script under the CSP
    assert soup.select_one("script[src$='js/paper-entry.js']") is not None


def test_a_keyed_form_counts_at_once_as_a_complete_paper_response(people):
    batch = open_batch(people["ann"])
    before = counted()
    response = key(people["ann"], batch, a_form("101", **{"ctm-15.ctm02": "9", CTM[2]: "-"}))
    assert response.status_code == 302
    assert response.location.endswith(f"/paper/batches/{batch}/key")  # the next form
    assert "Form 101 saved" in people["ann"].get(response.location).text
    [saved] = paper_responses()
    assert (saved.status, saved.role) == ("complete", "patient")
    assert (saved.from_service.code, saved.to_service.code) == ("county-wards", "home")
    answers = {a.item_id: a.code for a in saved.answers}
    assert answers["ctm01"] == "3" and answers["ctm02"] == "dk" and "ctm03" not in answers
    assert counted() == before + 1
    [event] = events_for("paper.key")
    assert event.actor_email == "ann@test.invalid"
    assert event.after["batch"] == batch and event.after["form"] == "101"


def test_answers_typed_as_codes_or_words_work_without_javascript(people):
    batch = open_batch(people["ann"])
    helped = "patient, helped to answer"
    form = a_form("7", who_answered=helped, moved_from="county-wards", moved_to="Own home")
    form[CTM[0]] = "strongly agree"
    assert key(people["ann"], batch, form).status_code == 302
    [saved] = paper_responses()
    assert saved.role == "helped" and saved.to_service.code == "home"
    assert {a.item_id: a.code for a in saved.answers}["ctm01"] == "4"


def test_impossible_values_are_refused_with_a_summary_linking_to_each_box(people):
    batch = open_batch(people["ann"])
    form = a_form("102", **{CTM[0]: "5", "moved_to": "2", "date_completed": "31/02/2026"})
    response = key(people["ann"], batch, form)
    assert response.status_code == 422
    listed = errors(response)
    assert any("'5' is not an answer here" in e and "4 for Strongly agree" in e for e in listed)
    assert any("'31/02/2026' is not a date" in e for e in listed)
    assert any("a move is between two services" in e for e in listed)
    soup = check_page(response.text)
    links = {a["href"] for a in soup.select(".nhsuk-error-summary__list a")}
    assert {"#f-ctm-15-ctm01", "#f-date-completed", "#f-moved-to"} <= links
    assert soup.select_one("#f-ctm-15-ctm01")["value"] == "5"  # what was typed stays
    assert paper_responses() == []


def test_required_answers_and_the_form_number_are_needed(people):
    batch = open_batch(people["ann"])
    response = key(people["ann"], batch, {CTM[0]: "3"})
    listed = " ".join(errors(response))
    assert "Enter the form number" in listed
    assert "who answered is needed" in listed and "where the person moved from" in listed
    assert paper_responses() == []


def test_a_form_number_keyed_before_is_refused_with_a_link_to_it(people):
    batch = open_batch(people["ann"])
    key(people["ann"], batch, a_form("0042"))
    response = key(people["ann"], batch, a_form("42", **{CTM[0]: "1"}))
    assert response.status_code == 422
    assert any("Form 42 has already been keyed in this batch" in e for e in errors(response))
    soup = check_page(response.text)
    link = soup.select_one("#f-form-number-error a")
    assert link is not None and link.get_text(strip=True) == "See the entry already keyed"
    shown = people["ann"].get(link["href"])
    assert shown.status_code == 200
    assert check_page(shown.text).select_one("#f-form-number")["value"] == "42"
    # in another batch of the same survey, by someone else: refused too, naming the batch
    other = open_batch(people["bob"])
    response = key(people["bob"], other, a_form("42"))
    assert any(f"batch {batch} (Ward 7" in e for e in errors(response))
    assert len(paper_responses()) == 1


def test_only_the_batch_owner_sees_and_corrects_its_forms(people):
    batch = open_batch(people["ann"])
    key(people["ann"], batch, a_form("5"))
    form_url = f"/paper/batches/{batch}/forms/"
    form_id = int(
        re.search(r"/forms/(\d+)", people["ann"].get(f"/paper/batches/{batch}").text).group(1)
    )
    assert people["bob"].get(f"/paper/batches/{batch}").status_code == 403
    assert people["bob"].get(f"/paper/batches/{batch}/key").status_code == 403
    assert people["bob"].get(f"{form_url}{form_id}").status_code == 403
    assert people["bob"].post(f"{form_url}{form_id}", data=a_form("5")).status_code == 403
    bobs_list = check_page(people["bob"].get("/paper/batches").text)
    assert bobs_list.select(f"a[href='/paper/batches/{batch}']") == []
    # the owner corrects a slip: the response is made again from the corrected keying
    fixed = people["ann"].post(f"{form_url}{form_id}", data=a_form("5", **{CTM[0]: "1"}))
    assert fixed.status_code == 302
    [saved] = paper_responses()
    assert {a.item_id: a.code for a in saved.answers}["ctm01"] == "1"
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 15
    assert events_for("paper.correct")[0].before["ctm-15.ctm01"] == "3"


def test_a_closed_batch_refuses_keying_until_an_admin_reopens_it(people):
    batch = open_batch(people["ann"])
    key(people["ann"], batch, a_form("1"))
    assert people["ann"].post(f"/paper/batches/{batch}/close").status_code == 302
    refused = people["ann"].post(f"/paper/batches/{batch}/key", data=a_form("2"))
    assert refused.status_code == 302
    assert "is closed" in people["ann"].get(refused.location).text
    form_id = db.session.scalar(select(PaperBatch).where(PaperBatch.id == batch)).forms[0].id
    correction = people["ann"].post(f"/paper/batches/{batch}/forms/{form_id}", data=a_form("1"))
    assert "is closed" in people["ann"].get(correction.location).text
    assert len(paper_responses()) == 1
    # volunteers cannot reopen; an admin can, and it is audited
    assert people["ann"].post(f"/paper/batches/{batch}/reopen").status_code == 403
    assert people["admin"].post(f"/paper/batches/{batch}/reopen").status_code == 302
    assert events_for("paper.batch_reopen")[0].actor_email == "admin@test.invalid"
    assert key(people["ann"], batch, a_form("2")).status_code == 302
    assert len(paper_responses()) == 2


def test_batch_form_is_checked(people):
    response = people["ann"].post(
        "/paper/batches/new",
        data={"survey": "", "place": "", "collected_on": "2999-01-01", "forms_expected": "lots"},
    )
    listed = " ".join(errors(response))
    assert "Choose the survey" in listed and "Enter where the forms were collected" in listed
    assert "as a number like 25" in listed
    assert events_for("paper.batch_open") == []


# --- batch defaults: what most forms of a batch share, filled in on each new form ----------

WARD_TO_HOME = {"who_answered": "patient", "moved_from": "county-wards", "moved_to": "home"}


def boxes_as_sent(page) -> dict[str, str]:
    """The entry form's boxes as a browser without JavaScript would send them untouched."""
    soup = check_page(page.text)
    form = soup.select_one("form[data-paper-entry]")
    sent = {box["name"]: box.get("value", "") for box in form.select("input[type=text]")}
    sent |= {box["name"]: box.get_text() for box in form.select("textarea")}
    return sent


def keyings(number: str) -> list[dict]:
    query = select(PaperKeying).order_by(PaperKeying.round)
    return [k.record for k in db.session.scalars(query) if k.form.form_number == number]


@pytest.mark.parametrize(
    ("defaults", "refused"),
    [
        ({"who_answered": "carer"}, "'Carer' is not one of the people who answer Leaving hospital"),
        (
            {"moved_from": "riverside-surgery"},
            "'Riverside Surgery' is not one of the services Leaving hospital asks about",
        ),
        ({"moved_to": "nowhere"}, "Choose one of the options for where people moved to"),
        ({"service": "county-wards"}, "asks where people moved from and to, not about one"),
        ({"moved_from": "home", "moved_to": "home"}, "a move is between two services"),
    ],
)
def test_batch_defaults_must_fit_the_survey_and_nothing_is_saved_otherwise(
    people, defaults, refused
):
    survey = db.session.scalar(select(Survey).where(Survey.slug == SURVEY))
    survey.roles = ["patient", "helped"]  # this survey's forms are not for carers
    db.session.commit()
    data = {
        "survey": SURVEY,
        "place": "Ward 7, County Hospital",
        "collected_on": "2026-03-02",
        "forms_expected": "3",
        "double_entry": "no",
        **defaults,
    }
    response = people["ann"].post("/paper/batches/new", data=data)
    assert response.status_code == 200
    listed = errors(response)
    assert any(refused in e for e in listed), listed
    assert db.session.scalar(select(func.count()).select_from(PaperBatch)) == 0
    assert events_for("paper.batch_open") == []


def test_a_new_form_starts_with_the_batch_defaults_labelled_and_skipped_by_focus(people):
    batch = open_batch(people["ann"], **WARD_TO_HOME)
    page = people["ann"].get(f"/paper/batches/{batch}/key")
    soup = check_page(page.text)
    sent = boxes_as_sent(page)
    # the keys shown beside the boxes: 1 Patient, 2 County Hospital wards, 5 Own home
    assert (sent["who_answered"], sent["moved_from"], sent["moved_to"]) == ("1", "2", "5")
    assert sent["form_number"] == "" and all(sent[name] == "" for name in CTM)
    for name, words in [("who-answered", "Patient"), ("moved-to", "Own home")]:
        box = soup.select_one(f"#f-{name}")
        assert box.has_attr("data-batch-default")  # the script moves focus past it
        note = soup.select_one(f"#f-{name}-batch")
        assert f"From the batch ({words})" in note.get_text(" ", strip=True)
        assert "change it if this form says otherwise" in note.get_text(" ", strip=True)
        assert f"f-{name}-batch" in box["aria-describedby"].split()
    assert not soup.select_one("#f-ctm-15-ctm01").has_attr("data-batch-default")
    assert soup.select_one("#f-form-number").has_attr("autofocus")
    summary = check_page(people["ann"].get(f"/paper/batches/{batch}").text)
    row = summary.find("dt", string=re.compile("Filled in on each new form"))
    assert "Where the person moved to: Own home" in row.find_next("dd").get_text(" ", strip=True)


def test_a_default_is_saved_as_a_plain_value_and_any_form_can_change_it(people):
    batch = open_batch(people["ann"], **WARD_TO_HOME)
    statements = {name: "3" for name in CTM}
    for number, changed in [("1", {}), ("2", {"moved_to": "Oakview Care Home"})]:
        sent = boxes_as_sent(people["ann"].get(f"/paper/batches/{batch}/key"))
        assert key(people["ann"], batch, sent | statements | changed | {"form_number": number})
    first, second = paper_responses()
    assert (first.role, first.from_service.code, first.to_service.code) == (
        "patient",
        "county-wards",
        "home",
    )
    assert second.to_service.code == "oakview-care-home"
    # the same form keyed in full in a batch without defaults makes the same record
    plain = open_batch(people["bob"])
    assert key(people["bob"], plain, a_form("3")).status_code == 302
    assert keyings("1") == keyings("3")


def test_a_correction_shows_the_keying_not_the_batch_defaults(people):
    batch = open_batch(people["ann"], **WARD_TO_HOME)
    key(people["ann"], batch, a_form("8", moved_to="Oakview Care Home"))
    form_id = db.session.scalar(select(PaperBatch).where(PaperBatch.id == batch)).forms[0].id
    page = people["ann"].get(f"/paper/batches/{batch}/forms/{form_id}")
    soup = check_page(page.text)
    assert boxes_as_sent(page)["moved_to"] != "5"
    assert soup.select("[data-batch-default]") == []


def test_the_second_keyer_starts_from_the_batch_defaults_not_the_first_keying(people):
    batch = open_batch(people["ann"], double_entry="yes", **WARD_TO_HOME)
    statements = {name: "3" for name in CTM}
    # the paper says the person went to Oakview; Ann changes the default, Bob misses it
    first = boxes_as_sent(people["ann"].get(f"/paper/batches/{batch}/key"))
    first |= statements | {"form_number": "1", "moved_to": "Oakview Care Home"}
    assert key(people["ann"], batch, first).status_code == 302
    second_screen = people["bob"].get(f"/paper/batches/{batch}/key")
    second = boxes_as_sent(second_screen)
    assert (second["who_answered"], second["moved_to"]) == ("1", "5")  # the batch's, not Ann's
    note = check_page(second_screen.text).select_one("#f-moved-to-batch")
    assert "From the batch (Own home)" in note.get_text(" ", strip=True)
    assert key(people["bob"], batch, second | statements | {"form_number": "1"}).status_code == 302
    ann_record, bob_record = keyings("1")
    assert (ann_record["moved_to"], bob_record["moved_to"]) == ("oakview-care-home", "home")
    batch_page = people["ann"].get(f"/paper/batches/{batch}").text
    assert "1 to resolve" in batch_page
    assert paper_responses() == []  # the difference is resolved before the form counts


# --- keys that cannot shift answers, and boxes a role is never asked --------------------------

ETHNIC, AGE, CONDITION = (
    f"about-you.{n}" for n in ("ethnic_group", "age_band", "long_term_condition")
)


def about_you(response: Response) -> dict[str, str]:
    return {a.item_id: a.code for a in response.answers if a.instrument_id == "about-you"}


def test_long_lists_take_two_digits_and_a_short_key_is_refused_naming_the_question(people):
    batch = open_batch(people["ann"])
    soup = check_page(people["ann"].get(f"/paper/batches/{batch}/key").text)
    hint = soup.select_one("#f-about-you-ethnic-group-hint").get_text(" ", strip=True)
    assert hint.startswith("Type both digits: 01 English, Welsh")
    assert "11 Pakistani" in hint and "20 Prefer not to say" in hint
    assert "07 65 to 74" in soup.select_one("#f-about-you-age-band-hint").get_text(" ", strip=True)
    # "1" for the first ethnic group, then "1" (Yes) for the next question, as keyed before:
    # refused, never read as 11 with the answers after it moved up one box.
    slip = a_form("201", **{ETHNIC: "1", CONDITION: "1", AGE: "7"})
    response = key(people["ann"], batch, slip)
    assert response.status_code == 422
    listed = errors(response)
    assert any(
        e.startswith("What is your ethnic group? '1' is too short") and "from 01 to 20" in e
        for e in listed
    ), listed
    assert any(e.startswith("What is your age? '7' is too short") for e in listed), listed
    assert paper_responses() == []
    # Without JavaScript, the page after Save says what each key kept means.
    soup = check_page(response.text)
    assert soup.select_one("#f-about-you-long-term-condition-said").get_text(strip=True) == "Yes"
    assert soup.select_one("#f-ctm-15-ctm01-said").get_text(strip=True) == "Agree"
    assert soup.select_one("#f-about-you-ethnic-group-said").get_text(strip=True) == ""
    fixed = key(people["ann"], batch, slip | {ETHNIC: "01", AGE: "07"})
    assert fixed.status_code == 302
    [saved] = paper_responses()
    assert about_you(saved) == {
        "ethnic_group": "white_british",
        "long_term_condition": "yes",
        "age_band": "65_74",
    }
    # A correction shows the keys as keyed: two digits
    form_id = db.session.scalar(select(PaperBatch).where(PaperBatch.id == batch)).forms[0].id
    page = people["ann"].get(f"/paper/batches/{batch}/forms/{form_id}")
    assert boxes_as_sent(page)[ETHNIC] == "01"
    said = check_page(page.text).select_one("#f-about-you-ethnic-group-said").get_text(strip=True)
    assert said == "English, Welsh, Scottish, Northern Irish or British"


CARERS_BREAK = "i-statements-carer.cs_break"


def test_a_box_a_role_is_never_asked_is_marked_and_an_answer_there_is_refused(people):
    batch = open_batch(people["ann"])
    soup = check_page(people["ann"].get(f"/paper/batches/{batch}/key").text)
    box = soup.select_one("#f-i-statements-carer-cs-break")
    assert box["data-for-roles"] == "carer"  # the page's script disables it for a patient
    hint = soup.select_one("#f-i-statements-carer-cs-break-hint").get_text(" ", strip=True)
    assert hint.startswith("Asked only of carers.")
    assert not soup.select_one("#f-about-you-ethnic-group").has_attr("data-for-roles")
    # Keyed without the script: the server refuses it, saying why, and saves nothing.
    response = key(people["ann"], batch, a_form("301", **{CARERS_BREAK: "4"}))
    assert response.status_code == 422
    [problem] = [e for e in errors(response) if "box is not asked on this form" in e]
    assert "for carers, but who answered is Patient" in problem
    assert problem.startswith("I could get a break from caring when I needed one. This box")
    assert paper_responses() == []
    # On a carer's form the same box is asked (and the patients' statements are not).
    carer = {"form_number": "302", "who_answered": "2", "moved_from": "2", "moved_to": "5"}
    assert key(people["ann"], batch, carer | {CARERS_BREAK: "4"}).status_code == 302
    [saved] = paper_responses()
    assert saved.role == "carer"
    assert {(a.instrument_id, a.item_id): a.code for a in saved.answers} == {
        ("i-statements-carer", "cs_break"): "4"
    }
