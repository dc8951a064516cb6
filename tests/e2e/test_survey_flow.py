"""A patient or carer answers a whole survey on a phone, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import HAS_CODE, NO_CODE, Answers, Respondent, screenshot

pytestmark = pytest.mark.e2e

CTM_ITEMS = {f"ctm{n:02d}" for n in range(1, 16)}
THANKS = "Thank you, your answers have been sent"


def patient_answers(**kw) -> Answers:
    """CTM: "Strongly agree"; I statements: "Agree"."""
    return Answers(
        statements=lambda step: "Strongly agree" if step.startswith("q-ctm-15") else "Agree",
        comments={"What went well?": "The nurses were kind."},
        **kw,
    )


def by_instrument(response: dict, instrument: str) -> dict:
    return {item: v for (inst, item), v in response["answers"].items() if inst == instrument}


def assert_patient_response(response: dict) -> None:
    assert response["status"] == "complete" and response["completed"]
    assert response["survey"] == "lh-leaving-hospital"
    assert response["role"] == "patient"
    assert (response["from"], response["to"]) == ("county-wards", "home")
    ctm = by_instrument(response, "ctm-15")
    assert {k for k in ctm if k.startswith("ctm")} == CTM_ITEMS
    assert {ctm[k] for k in CTM_ITEMS} == {"4"}  # Strongly agree, as tapped
    assert ctm["went_well"] == "The nurses were kind."
    i_statements = by_instrument(response, "i-statements")
    assert i_statements and set(i_statements.values()) == {"3"}  # Agree
    assert not by_instrument(response, "i-statements-carer")


def test_patient_completes_the_leaving_hospital_survey(page, live_server):
    person = Respondent(page)
    person.start("lh-leaving-hospital")

    assert person.step == "journey"
    code_box = page.get_by_label("Journey code", exact=True)
    expect(code_box).to_be_hidden()  # with JavaScript the box opens only on "Yes"
    person.choose(HAS_CODE)
    expect(code_box).to_be_visible()
    person.choose(NO_CODE)
    expect(code_box).to_be_hidden()
    person.save_and_continue()

    assert person.step == "role"
    person.answer_role("patient")
    assert person.step == "service"
    expect(page.get_by_role("heading", level=1)).to_have_text("Where did you move from and to?")
    person.answer_move("County Hospital wards", "Own home")

    assert person.step == "q-ctm-15-1"
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaving hospital (1 of 4)")
    expect(page.get_by_text("Page 4 of")).to_be_visible()
    screenshot(page, "statement-page")
    person.complete(patient_answers())

    expect(page.get_by_role("heading", name=THANKS)).to_be_visible()
    code = person.journey_code()
    screenshot(page, "confirmation-page")
    for n in range(1, 5):
        assert f"q-ctm-15-{n}" in person.visited
    assert any(step.startswith("q-i-statements-") for step in person.visited)

    [response] = live_server.responses(code)
    assert_patient_response(response)


def test_carer_sees_carer_wording_and_no_ctm(page, live_server):
    person = Respondent(page)
    person.start("lh-support-at-home")
    person.answer_journey()
    person.answer_role("carer")
    assert person.step == "service"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which service are you telling us about?"
    )
    person.answer_service("District nursing team")

    statements: list[str] = []
    while person.step.startswith("q-"):
        assert person.step.startswith("q-i-statements-carer-"), person.step
        statements += [s.strip() for s in page.locator("main legend").all_inner_texts()]
        expect(page.get_by_text("Care Transitions Measure")).to_have_count(0)
        person.answer_page(Answers())
    assert statements
    assert sum("the person I care for" in s for s in statements) >= 2, statements
    person.complete(Answers(role="carer"))

    expect(page.get_by_role("heading", name=THANKS)).to_be_visible()
    assert not any("ctm" in step for step in person.visited)
    [response] = live_server.responses(person.journey_code())
    assert response["status"] == "complete"
    assert (response["role"], response["service"]) == ("carer", "district-nursing")
    instruments = {inst for inst, _ in response["answers"]}
    assert instruments == {"i-statements-carer"}


def test_patient_completes_without_javascript(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    earlier_code = live_server.new_journey_code()  # from an earlier stage of their care
    person = Respondent(page)
    person.start("lh-leaving-hospital")
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")

    assert person.step == "journey"
    code_box = page.get_by_label("Journey code", exact=True)
    expect(code_box).to_be_visible()  # no JavaScript: the box is always there
    person.choose(HAS_CODE)
    code_box.fill(earlier_code.lower().replace("-", " "))  # typed loosely, as people do
    person.save_and_continue()

    assert person.step == "role"
    person.complete(patient_answers())
    expect(page.get_by_role("heading", name=THANKS)).to_be_visible()
    assert person.journey_code() == earlier_code
    [response] = live_server.responses(earlier_code)
    assert_patient_response(response)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", response["token"])
