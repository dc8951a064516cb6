"""Limits that stop misuse without locking out the innocent: journey-code look-ups, request
size, survey starts, and the removal of empty unfinished responses."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import journey_code
from app.data import area as area_data
from app.data import responses as response_data
from app.data.audit import events_for
from app.extensions import db
from app.models import Journey, Response
from app.models.response import utcnow
from tests.integration.walker import start

SURVEY = "lh-leaving-hospital"
WARD = {"REMOTE_ADDR": "10.1.1.1"}  # one address for everyone on the ward's Wi-Fi
PAUSED = "Wait a few minutes"


def unknown_code(first: str | None = None) -> str:
    """A well-formed journey code (right check symbol) that nobody was given."""
    while True:
        code = journey_code.generate()
        if first is None or code[0] == first:
            return code


def with_wrong_check_symbol(code: str) -> str:
    wrong = next(s for s in journey_code.ALPHABET if s != code[-1])
    return code[:-1] + wrong


def guess(client, code: str, address: str = "10.1.1.1"):
    return client.post("/resume", data={"code": code}, environ_base={"REMOTE_ADDR": address})


def at_journey_page(client) -> str:
    started, _ = start(client, SURVEY)
    assert started.status_code == 302
    return started.headers["Location"].rsplit("/", 1)[0]


# Journey-code look-ups ---------------------------------------------------------------------


def test_misses_on_shared_wifi_never_stop_another_persons_survey(app, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "3 per 10 minutes"
    guesser, patient = app.test_client(), app.test_client()
    patient.environ_base.update(WARD)
    base = at_journey_page(patient)
    for _ in range(3):
        assert guess(guesser, unknown_code()).status_code == 400
    refused = guess(guesser, unknown_code())
    assert refused.status_code == 429 and PAUSED in refused.text

    # The other person on the same Wi-Fi answers on, page after page, and can start another.
    assert patient.get(f"{base}/journey").status_code == 200
    assert patient.post(f"{base}/journey", data={"has_code": "no"}).status_code == 302
    assert patient.post(f"{base}/role", data={"role": "patient"}).status_code == 302
    assert patient.get(f"/s/{SURVEY}").status_code == 200
    assert start(patient, SURVEY)[0].status_code == 302


def test_a_paused_look_up_keeps_what_was_typed_on_the_same_page(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "1 per 10 minutes"
    base = at_journey_page(client)
    typed = unknown_code()
    first = client.post(f"{base}/journey", data={"has_code": "yes", "code": typed})
    assert first.status_code == 400 and "could not find that journey code" in first.text
    again = client.post(f"{base}/journey", data={"has_code": "yes", "code": typed})
    assert again.status_code == 429
    soup = BeautifulSoup(again.text, "html.parser")
    assert PAUSED in soup.select_one(".nhsuk-error-summary").text
    assert soup.select_one("input[name=code]")["value"] == typed
    assert soup.select_one("input[name=has_code][value=yes]").has_attr("checked")
    # Choosing "No" needs no look-up, so the person carries on.
    assert client.post(f"{base}/journey", data={"has_code": "no"}).status_code == 302


def test_typing_slips_caught_by_the_check_symbol_are_not_counted(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "1 per 10 minutes"
    for _ in range(5):
        slip = guess(client, with_wrong_check_symbol(unknown_code()))
        assert slip.status_code == 400 and "is not right" in slip.text
    assert guess(client, unknown_code()).status_code == 400  # still looked up


def test_guesses_spread_over_many_addresses_are_caught_by_their_pattern(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "100 per 10 minutes"
    app.config["JOURNEY_PATTERN_LIMIT"] = "3 per 10 minutes"
    for n in range(3):
        assert guess(client, unknown_code("A"), f"10.2.0.{n}").status_code == 400
    refused = guess(client, unknown_code("A"), "10.2.0.99")
    assert refused.status_code == 429 and PAUSED in refused.text
    # Codes of another pattern are still looked up, from anywhere.
    assert guess(client, unknown_code("B"), "10.2.0.99").status_code == 400


def test_a_right_code_still_resumes_while_other_addresses_are_paused(app, client, demo_area):
    app.config["JOURNEY_LOOKUP_LIMIT"] = "2 per 10 minutes"
    base = at_journey_page(client)
    client.post(f"{base}/journey", data={"has_code": "no"})
    code = db.session.scalar(select(Journey.code))
    for _ in range(3):
        guess(client, unknown_code(), "10.3.0.1")
    assert guess(client, unknown_code(), "10.3.0.1").status_code == 429
    assert guess(client, code, "10.3.0.2").status_code == 302


# Request size ------------------------------------------------------------------------------


def test_a_large_anonymous_post_gets_a_plain_413_page(client, demo_area):
    big = {"code": "x" * (2 * 1024 * 1024)}
    for url in ("/resume", f"/s/{SURVEY}", "/staff/sign-in"):
        refused = client.post(url, data=big)
        assert refused.status_code == 413, url
        assert "What you sent is too large" in refused.text
        assert "Traceback" not in refused.text


@pytest.fixture
def volunteer(staff_client, demo_area):
    return staff_client("volunteer")


def multipart(url: str, client, size: int, **fields):
    """Post a file of ``size`` bytes. The body is encoded here, in memory: the test client's
    own encoder leaves a temporary file open for bodies this large."""
    files = {"file": FileStorage(io.BytesIO(b"a" * size), "forms.csv")}
    boundary, body = encode_multipart(MultiDict({**fields, **files}))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, size: int, **fields):
    form = {"survey": SURVEY, "place": "Ward 3", "collected_on": "2026-03-02", **fields}
    return multipart("/paper/import", client, size, **form)


def test_the_spreadsheet_upload_allows_more_and_says_its_limit(app, volunteer):
    # 5 MB passes the request limit and reaches the form (refused there for the missing survey).
    allowed = upload(volunteer, 5 * 1024 * 1024, survey="")
    assert allowed.status_code == 200 and "Choose a survey" in allowed.text
    refused = upload(volunteer, 11 * 1024 * 1024)
    assert refused.status_code == 413
    assert "Files of up to 10 MB can be uploaded here" in refused.text
    assert "Sign out" in refused.text  # the staff layout, with its menu


def test_the_upload_limit_applies_before_the_csrf_check_reads_the_form(app, client, demo_area):
    app.config["WTF_CSRF_ENABLED"] = True
    # No CSRF token: refused for that, not for the size.
    upload_page = multipart("/paper/import", client, 3 * 1024 * 1024)
    assert upload_page.status_code == 400 and "timed out" in upload_page.text
    assert multipart("/resume", client, 3 * 1024 * 1024).status_code == 413


# Starting ----------------------------------------------------------------------------------


def test_starting_is_limited_per_address_with_a_plain_page(app, demo_area):
    app.config["SURVEY_START_LIMIT"] = "2 per minute"
    ward, elsewhere = app.test_client(), app.test_client()
    ward.environ_base.update(WARD)
    for _ in range(2):
        assert start(ward, SURVEY)[0].status_code == 302
    refused, _ = start(ward, SURVEY)
    assert refused.status_code == 429
    assert "Too many surveys started" in refused.text
    assert "Wait a few minutes" in refused.text
    assert ward.get(f"/s/{SURVEY}").status_code == 200  # reading the start page is not limited
    assert start(elsewhere, SURVEY)[0].status_code == 302
    assert db.session.scalar(select(func.count(Response.id))) == 3


# Removing empty unfinished responses --------------------------------------------------------


def _age(model, row_id: int, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    values = {"started_at": then, "updated_at": then} if model is Response else {"created_at": then}
    db.session.execute(update(model).where(model.id == row_id).values(**values))
    db.session.commit()


def _response(days_old: int, *, answered=False, complete=False, journey=True) -> int:
    survey = area_data.get_survey(SURVEY)
    response = response_data.start_response(survey, response_data.new_token())
    if journey:
        response_data.link_journey(response, None, "journey")
    if answered:
        response_data.save_answers(response, "ctm-15", {"ctm01": "4"}, page_id="q-ctm-15-1")
    if complete:
        response_data.complete(response)
    response_id, journey_id = response.id, response.journey_id
    _age(Response, response_id, days_old)
    if journey_id:
        _age(Journey, journey_id, days_old)
    return response_id


def test_purge_removes_only_old_empty_unfinished_responses_and_orphan_journeys(app, demo_area):
    old_empty = _response(3)
    old_empty_no_journey = _response(3, journey=False)
    kept = {
        "answered": _response(3, answered=True),
        "sent": _response(3, complete=True),
        "recent": _response(1),
    }
    orphan_old, orphan_recent = Journey(code=unknown_code()), Journey(code=unknown_code())
    db.session.add_all([orphan_old, orphan_recent])
    db.session.commit()
    _age(Journey, orphan_old.id, 3)
    journeys_before = db.session.scalar(select(func.count(Journey.id)))

    result = app.test_cli_runner().invoke(args=["responses", "purge-unfinished"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Removed 2 unfinished responses with no answers and 2 ")
    ids = set(db.session.scalars(select(Response.id)))
    assert ids == set(kept.values())
    assert old_empty not in ids and old_empty_no_journey not in ids
    codes = set(db.session.scalars(select(Journey.code)))
    assert orphan_recent.code in codes and orphan_old.code not in codes
    # The old empty response's journey went with it; the three kept responses keep theirs.
    assert db.session.scalar(select(func.count(Journey.id))) == journeys_before - 2
    assert all(db.session.get(Response, i).journey is not None for i in kept.values())
    [event] = events_for("responses.purge")
    assert event.after["responses"] == 2 and event.after["journeys"] == 2

    again = app.test_cli_runner().invoke(args=["responses", "purge-unfinished"])
    assert again.exit_code == 0
    assert again.output.startswith("Removed 0 unfinished responses with no answers and 0 ")


def test_purge_age_follows_the_option_and_the_setting(app, demo_area):
    three_days = _response(3)
    app.config["UNFINISHED_KEEP_DAYS"] = 5
    assert app.test_cli_runner().invoke(args=["responses", "purge-unfinished"]).exit_code == 0
    assert db.session.get(Response, three_days) is not None
    result = app.test_cli_runner().invoke(args=["responses", "purge-unfinished", "--days", "2"])
    assert result.exit_code == 0 and "Removed 1 unfinished response " in result.output
    assert db.session.scalar(select(func.count(Response.id))) == 0
