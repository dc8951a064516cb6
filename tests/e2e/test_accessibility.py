"""axe-core finds no WCAG 2.2 A or AA problem on any page of the survey, on a phone,
and no page is wider than the phone's screen.

Every page is checked as a person meets it: the start page, each question page (and, for each
kind of question page, its error state after sending it empty), check your answers, the
confirmation, and the pages around the survey (resume, pathway, home, help pages).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import HAS_CODE, Answers, Respondent, check_accessible, check_fits_phone

pytestmark = pytest.mark.e2e

# Pages where something must be chosen, so sending them empty shows the error state.
REQUIRED = re.compile(r"^(journey|role|service|q-.*|about-you)$")


def check_page(page, what: str) -> None:
    check_accessible(page, what)
    check_fits_phone(page, what)


def kind_of(step: str) -> str:
    return re.sub(r"-\d+$", "", step)


def error_state(person: Respondent) -> None:
    """Send the page empty: we stay on it, with an error summary and an error title."""
    step = person.step
    person.save_and_continue()
    assert person.step == step
    assert person.error_summary()
    assert person.page.title().startswith("Error:")
    expect(person.page.locator(".nhsuk-error-message").first).to_be_visible()


def walk_checking_every_page(person: Respondent, slug: str, plan: Answers) -> list[str]:
    person.start(slug)
    errors_seen: set[str] = set()
    while person.step != "done":
        step = person.step
        if REQUIRED.match(step) and kind_of(step) not in errors_seen:
            errors_seen.add(kind_of(step))
            error_state(person)
        if step == "journey":
            # The revealed code box, and its own error when "Yes" is sent without a code.
            person.choose(HAS_CODE)
            person.on_page(person.page, "journey page, code box revealed")
            person.save_and_continue()
            assert person.step == "journey" and person.error_summary()
        person.answer_page(plan)
    return person.visited


def test_every_page_of_the_patient_survey_passes_axe(page, live_server):
    person = Respondent(page, on_page=check_page)
    visited = walk_checking_every_page(person, "lh-leaving-hospital", Answers(about_you=True))
    expected = ["journey", "role", "service", "q-ctm-15-4", "q-i-statements-1", "comments"]
    for step in [*expected, "about-you", "about-1", "about-4", "check", "done"]:
        assert step in visited, (step, visited)


def test_pages_only_carers_see_pass_axe(page, live_server):
    """A carer's survey adds the one-service question and carer statements; the other pages
    are the patient's (checked above), so only these are checked again, to save time."""

    def check_carer_pages(page, what: str) -> None:
        step = Respondent(page).step
        if step == "service" or step.startswith("q-i-statements-carer-"):
            check_page(page, what)

    person = Respondent(page, on_page=check_carer_pages)
    visited = walk_checking_every_page(person, "lh-support-at-home", Answers(role="carer"))
    assert "service" in visited and "q-i-statements-carer-1" in visited


def test_pages_around_the_survey_pass_axe(page, live_server):
    person = Respondent(page, on_page=check_page)
    person.goto("/")
    person.goto("/accessibility")
    person.goto("/privacy")
    person.goto("/s/lh-leaving-hospital?code=NOTACODE")  # start page with a warning
    person.goto("/r/no-such-response/journey")  # the friendly 404 page

    person.goto("/resume")
    person.press("Continue")  # empty: error state
    assert person.error_summary()
    page.get_by_label("Your journey code").fill("ABCDE-12345")  # not a real code
    person.press("Continue")
    assert person.error_summary()

    person.goto("/pathway/leaving-hospital")
    person.press("Continue")  # nothing chosen: error state
    assert person.error_summary()
    person.choose("Leaving hospital")
    person.press("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaving hospital")
