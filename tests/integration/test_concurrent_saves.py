"""The same page sent several times at once (a retry after a time-out, a double tap) is saved
once, and every copy gets the page that follows, as if it had been the only one.

Each copy runs in its own thread with its own test client, so each has its own app context,
session and database connection: the requests race as they would in gunicorn's threads.
Runs on SQLite (a file) and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Journey, Response, ResponseProfile, ResponseScore
from tests.integration.walker import Walker, start

COPIES = 6


@pytest.fixture
def racing(app, demo_area):
    # A fault must reach the person as it would in production, a 500 page, not as an
    # exception raised into the test thread.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def post_at_once(app, url: str, data: dict, copies: int = COPIES) -> list[tuple[int, str]]:
    """POST the same form from `copies` threads released together; (status, Location) each."""
    db.session.rollback()  # the test's own session holds no lock while the copies race
    ready = threading.Barrier(copies)
    results: list = [None] * copies

    def send(n: int) -> None:
        client = app.test_client()
        ready.wait()
        answer = client.post(url, data=data)
        results[n] = (answer.status_code, answer.headers.get("Location", ""))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()  # read what the copies stored, not what this session remembers
    return results


def walk_to(client, page_id: str, answers: dict | None = None) -> str:
    """Start the leaving-hospital survey and answer every page before `page_id`; its URL."""
    walker = Walker(client, answers=answers or {})
    url = walker.step("/s/lh-leaving-hospital")
    for _ in range(60):
        if url.split("?")[0].endswith(f"/{page_id}"):
            return url
        url = walker.step(url)
    raise AssertionError(f"never reached page {page_id}")


def only_response() -> Response:
    (response,) = db.session.scalars(select(Response)).all()
    return response


def assert_all_sent_to_one_page(results, ending: str) -> None:
    statuses = [status for status, _ in results]
    assert statuses == [302] * len(results), results
    places = {place for _, place in results}
    assert len(places) == 1 and places.pop().endswith(ending), results


def test_a_statements_page_sent_at_once_is_saved_once(client, racing):
    url = walk_to(client, "q-ctm-15-1")
    answers = {"ctm01": "1", "ctm02": "2", "ctm03": "dk", "ctm04": "4"}

    results = post_at_once(racing, url, answers)

    assert_all_sent_to_one_page(results, "/q-ctm-15-2")
    response = only_response()
    stored = {(a.item_id, a.code) for a in response.answers}
    assert stored == set(answers.items())
    assert response.pages_done.count("q-ctm-15-1") == 1


def test_the_journey_page_sent_at_once_makes_one_journey(client, racing):
    started, _ = start(client, "lh-leaving-hospital")
    url = started.headers["Location"]
    assert url.endswith("/journey")

    results = post_at_once(racing, url, {"has_code": "no"})

    assert_all_sent_to_one_page(results, "/role")
    response = only_response()
    assert db.session.scalar(select(func.count(Journey.id))) == 1, "an orphan journey code"
    assert response.journey_id is not None
    assert response.pages_done == ["journey"]


def test_about_you_chosen_at_once_is_recorded_once(client, racing):
    url = walk_to(client, "about-you")

    results = post_at_once(racing, url, {"about_you": "yes"})

    assert_all_sent_to_one_page(results, "/about-1")
    response = only_response()
    assert response.about_you_given is True
    about = [v for v in response.instrument_versions if v.instrument_id == "about-you"]
    assert len(about) == 1


def test_start_sent_at_once_makes_one_response(client, racing):
    page = client.get("/s/lh-leaving-hospital").get_data(as_text=True)
    token = page.split('name="start_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]

    results = post_at_once(racing, "/s/lh-leaving-hospital", {"start_token": token})

    assert_all_sent_to_one_page(results, "/journey")
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_send_at_once_makes_one_complete_response_with_one_set_of_scores(client, racing):
    url = walk_to(client, "check", answers={"ctm01": "1", "ctm02": "2"})

    results = post_at_once(racing, url, {})

    assert_all_sent_to_one_page(results, "/done")
    response = only_response()
    assert response.status == "complete" and response.completed_at is not None
    assert db.session.scalar(select(func.count(Journey.id))) == 1
    measures = db.session.scalars(
        select(ResponseScore.measure).where(ResponseScore.response_id == response.id)
    ).all()
    assert "ctm-15" in measures  # scored, not lost to a clash between the copies
    assert len(measures) == len(set(measures))
    profiles = select(func.count()).where(ResponseProfile.response_id == response.id)
    assert db.session.scalar(profiles) == 1
    answered = select(func.count(Answer.id)).where(Answer.response_id == response.id)
    assert db.session.scalar(answered) > 15
