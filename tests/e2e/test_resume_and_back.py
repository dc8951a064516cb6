"""Stopping and coming back: the journey code resumes on another phone; Back keeps answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import NO_CODE, ROLE, Respondent

pytestmark = pytest.mark.e2e

FIRST_PAGE = ["Strongly agree", "Agree", "Disagree", "Don't know / don't remember / not applicable"]


def answer_up_to_the_first_statements(person: Respondent) -> None:
    person.start("lh-leaving-hospital")
    person.answer_journey()
    person.answer_role("patient")
    person.answer_move("County Hospital wards", "Own home")
    assert person.step == "q-ctm-15-1"
    groups = person.groups()
    assert groups.count() == len(FIRST_PAGE)
    for n, answer in enumerate(FIRST_PAGE):
        person.choose(answer, groups.nth(n))
    person.save_and_continue()
    assert person.step == "q-ctm-15-2"


def expect_first_page_answers(person: Respondent) -> None:
    assert person.step == "q-ctm-15-1"
    groups = person.groups()
    for n, answer in enumerate(FIRST_PAGE):
        expect(person.radio(answer, groups.nth(n))).to_be_checked()
    expect(person.page.locator("main input[type=radio]:checked")).to_have_count(len(FIRST_PAGE))


def expect_move_answers(person: Respondent) -> None:
    moved_from = person.group("Where did you move from?")
    expect(person.radio("County Hospital wards", moved_from)).to_be_checked()
    expect(person.radio("Own home", person.group("Where did you move to?"))).to_be_checked()


def test_journey_code_resumes_in_a_new_browser(new_context, live_server):
    first = Respondent(new_context().new_page())
    answer_up_to_the_first_statements(first)
    code = first.journey_code()  # from "Your answers are saved as you go" under the form
    first.page.context.close()  # the phone is put away; cookies and history are gone

    later = Respondent(new_context().new_page())
    later.goto("/")
    later.page.get_by_role("link", name="Continue a survey you started").first.tap()
    expect(later.page.get_by_role("heading", level=1)).to_have_text("Continue a survey you started")
    later.page.get_by_label("Your journey code").fill(code.lower().replace("-", " "))
    later.press("Continue")

    assert later.step == "q-ctm-15-2"  # the first page not yet answered
    expect(later.page.locator("main input[type=radio]:checked")).to_have_count(0)
    assert later.journey_code() == code
    # A code opens only the unanswered pages: Back does not lead to the answers given before,
    # and typing an answered page's address lands on the first unanswered page again.
    address = later.page.url
    later.page.goto(address.replace("q-ctm-15-2", "q-ctm-15-1"))
    assert later.step == "q-ctm-15-2"
    later.back()
    assert later.step != "q-ctm-15-1" and later.step != "service"

    [response] = live_server.responses(code)
    assert response["status"] == "in_progress"
    assert response["pages_done"] == ["journey", "role", "service", "q-ctm-15-1"]
    assert response["answers"][("ctm-15", "ctm01")] == "4"
    assert response["answers"][("ctm-15", "ctm04")] == "dk"


def test_back_link_goes_to_the_previous_page_with_answers_kept(page, live_server):
    person = Respondent(page)
    answer_up_to_the_first_statements(person)
    code = person.journey_code()

    person.back()
    expect_first_page_answers(person)
    person.back()
    assert person.step == "service"
    expect_move_answers(person)
    person.back()
    assert person.step == "role"
    expect(person.radio(ROLE["patient"])).to_be_checked()
    person.back()
    assert person.step == "journey"
    expect(person.radio(NO_CODE)).to_be_checked()
    person.back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaving hospital")  # start page

    # The browser's own Back and Forward work too (no "resend the form?" prompt).
    page.go_back()
    assert person.step == "journey"
    page.go_forward()
    expect(page.get_by_role("button", name="Start now")).to_be_visible()

    # Going forward again through the kept answers changes nothing, and keeps the code.
    page.go_back()
    for step in ("journey", "role", "service"):
        assert person.step == step
        person.save_and_continue()
    assert person.step == "q-ctm-15-1"
    expect_first_page_answers(person)
    person.save_and_continue()
    assert person.step == "q-ctm-15-2"
    assert person.journey_code() == code
    [response] = live_server.responses(code)
    assert response["answers"][("ctm-15", "ctm02")] == "3"
