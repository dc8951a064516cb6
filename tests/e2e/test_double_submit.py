"""A double tap on "Send my answers", or the form sent twice at once, makes one response."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import Answers, Respondent

# Two requests at once: SQLite and PostgreSQL lock differently, so this runs on both.
pytestmark = [pytest.mark.e2e, pytest.mark.both_databases]

THANKS = "Thank you, your answers have been sent"


def answer_up_to_check(person: Respondent) -> None:
    person.start("lh-six-weeks-on")  # a short survey: the check page is what matters here
    person.complete(Answers(service="District nursing team"), until="check")


def assert_one_complete_response(person: Respondent, live_server) -> None:
    expect(person.page.get_by_role("heading", name=THANKS)).to_be_visible()
    responses = live_server.responses(person.journey_code())
    assert len(responses) == 1, responses
    assert responses[0]["status"] == "complete" and responses[0]["completed"]


@pytest.mark.parametrize(
    ("javascript", "posts"),
    [(True, 1), (False, 2)],
    ids=["js-button-ignores-second-tap", "no-js-both-taps-sent"],
)
def test_double_tap_on_a_slow_connection_makes_one_response(
    new_context, live_server, javascript, posts
):
    page = new_context(java_script_enabled=javascript).new_page()
    person = Respondent(page)
    answer_up_to_check(person)

    # A slow connection: "Send my answers" is held in the air until both taps are made.
    held = []

    def hold_posts(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route("**/check", hold_posts)
    send = page.get_by_role("button", name="Send my answers")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)  # raw taps: they do not wait for the page, as a thumb does not
    wait_for(page, lambda: len(held) >= 1)
    page.touchscreen.tap(x, y)
    wait_for(page, lambda: len(held) >= posts, at_least_ms=300)
    assert len(held) == posts  # with JavaScript the button ignores a second tap for a second
    for route in held:
        route.continue_()
    page.wait_for_url("**/done")
    assert_one_complete_response(person, live_server)


def wait_for(page, condition, at_least_ms: int = 0, at_most_ms: int = 3000) -> None:
    """Let the page run (events, requests) until condition() holds, for at least at_least_ms."""
    waited = 0
    while waited < at_most_ms and (waited < at_least_ms or not condition()):
        page.wait_for_timeout(20)
        waited += 20


def test_send_posted_twice_at_once_makes_one_response(page, live_server):
    person = Respondent(page)
    answer_up_to_check(person)
    # The same form (with its CSRF token) posted twice at the same moment, as a flaky
    # connection resending it would.
    results = page.evaluate(
        """async () => {
            const form = document.querySelector('main form');
            const send = () => fetch(form.action, {method: 'POST', body: new FormData(form)});
            const answers = await Promise.all([send(), send()]);
            return answers.map(r => ({status: r.status, url: r.url}));
        }"""
    )
    assert [r["status"] for r in results] == [200, 200], results
    assert all(r["url"].endswith("/done") for r in results), results
    page.reload()  # the check page now goes straight to the confirmation
    assert person.step == "done"
    assert_one_complete_response(person, live_server)
