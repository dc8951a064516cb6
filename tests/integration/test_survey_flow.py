"""A patient or carer answers on the web; every answer is stored by stage, service and move."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Journey, Response, Service
from surveys import load_instruments
from tests.integration.walker import Walker, check_page, start

REG = load_instruments()


def only_response():
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 1
    return responses[0]


def code_on(html: str) -> str:
    return re.search(r'class="cj-journey-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', html).group(1)


def service_id(code: str) -> str:
    return str(db.session.scalar(select(Service.id).filter_by(code=code)))


def test_patient_completes_the_leaving_hospital_survey(client, demo_area):
    moved = {"from_service": service_id("county-wards"), "to_service": service_id("home")}
    done = Walker(client, answers=moved).complete("/s/lh-leaving-hospital")
    page = client.get(done)
    html = page.get_data(as_text=True)
    assert "Thank you, your answers have been sent" in html
    code = code_on(html)

    response = only_response()
    assert response.status == "complete" and response.completed_at is not None
    assert response.role == "patient" and response.channel == "web"
    assert response.stage.slug == "leaving-hospital"
    assert response.from_service.code == "county-wards"
    assert response.to_service.code == "home"
    assert response.service_id == response.from_service_id
    assert response.journey.code == code.replace("-", "")
    by_instrument = {}
    for answer in response.answers:
        by_instrument.setdefault(answer.instrument_id, set()).add(answer.item_id)
    assert by_instrument["ctm-15"] == {f"ctm{n:02d}" for n in range(1, 16)}
    asked_transitions = {i.id for i in REG["i-statements"].select(["transitions"])}
    assert by_instrument["i-statements"] == asked_transitions
    assert "i-statements-carer" not in by_instrument
    versions = {(v.instrument_id, v.version, v.content_hash) for v in response.instrument_versions}
    assert ("ctm-15", REG["ctm-15"].version, REG["ctm-15"].content_hash) in versions


def test_a_carer_gets_carer_statements_and_no_ctm(client, demo_area):
    Walker(client, answers={"role": "carer"}).complete("/s/lh-leaving-hospital")
    response = only_response()
    assert response.role == "carer"
    instruments = {a.instrument_id for a in response.answers}
    assert "ctm-15" not in instruments and "i-statements" not in instruments
    assert "i-statements-carer" in instruments


def test_answers_and_free_text_are_stored_as_given(client, demo_area):
    walker = Walker(
        client, answers={"ctm01": "1", "ctm02": "dk", "went_well": "  The nurses were kind.  "}
    )
    walker.complete("/s/lh-leaving-hospital")
    answers = {(a.instrument_id, a.item_id): a for a in only_response().answers}
    assert answers[("ctm-15", "ctm01")].code == "1"
    assert answers[("ctm-15", "ctm02")].code == "dk"
    assert answers[("ctm-15", "went_well")].text == "The nurses were kind."
    assert answers[("ctm-15", "ctm03")].code == "4"


def test_every_page_has_a_back_link_to_the_page_before(client, demo_area):
    walker = Walker(client)
    walker.complete("/s/lh-leaving-hospital")
    assert len(walker.visited) > 10
    for n in range(1, len(walker.visited)):
        assert walker.back_links[n] == walker.visited[n - 1].split("?")[0], walker.visited[n]


def patient_at_first_statements(client) -> str:
    """Start the leaving-hospital survey as a patient moving from the wards to home;
    return the response's base URL, ready for the first CTM page."""
    started, _ = start(client, "lh-leaving-hospital")
    base = started.headers["Location"].rsplit("/", 1)[0]
    client.post(f"{base}/journey", data={"has_code": "no"})
    client.post(f"{base}/role", data={"role": "patient"})
    moved = {"from_service": service_id("county-wards"), "to_service": service_id("home")}
    assert client.post(f"{base}/service", data=moved).status_code == 302
    return base


def test_missing_answer_shows_an_error_summary_and_saves_nothing(client, demo_area):
    base = patient_at_first_statements(client)
    page = client.post(f"{base}/q-ctm-15-1", data={"ctm01": "4", "ctm02": "4", "ctm03": "9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "There is a problem" in html
    assert "Select one of the options shown" in html  # 9 is not an option
    # ctm04 left blank: the message names the statement
    assert (
        "Select an answer for \u201cWhen I left the hospital, I had all the information I" in html
    )
    assert 'href="#ctm04"' in html
    assert "<title>Error:" in html
    response = only_response()
    assert (
        db.session.scalar(select(func.count(Answer.id)).where(Answer.response_id == response.id))
        == 0
    )
    assert "q-ctm-15-1" not in response.pages_done


def test_transition_needs_two_different_services(client, demo_area):
    started, _ = start(client, "lh-leaving-hospital")
    base = started.headers["Location"].rsplit("/", 1)[0]
    client.post(f"{base}/journey", data={"has_code": "no"})
    client.post(f"{base}/role", data={"role": "patient"})
    page = client.post(
        f"{base}/service",
        data={"from_service": service_id("home"), "to_service": service_id("home")},
    )
    assert page.status_code == 400
    assert "Select a different place for where you moved to" in page.get_data(as_text=True)
    assert only_response().from_service_id is None


def test_closing_the_tab_loses_nothing_and_the_code_resumes(client, demo_area):
    base = patient_at_first_statements(client)
    first_page = {f"ctm{n:02d}": "3" for n in range(1, 5)}
    client.post(f"{base}/q-ctm-15-1", data=first_page)
    code = only_response().journey.code

    fresh = client.application.test_client()  # a new browser: no cookies, no history
    resumed = fresh.post("/resume", data={"code": f"{code[:5].lower()} {code[5:].lower()}"})
    assert resumed.status_code == 302
    assert resumed.headers["Location"].endswith("/q-ctm-15-2")
    # The code opens only the unanswered pages: the page answered before stays closed.
    resumed_base = resumed.headers["Location"].rsplit("/", 1)[0]
    assert resumed_base != base
    closed = fresh.get(f"{resumed_base}/q-ctm-15-1")
    assert closed.headers["Location"] == f"{resumed_base}/q-ctm-15-2"
    # The browser that started keeps its own link, and sees its saved answers again.
    back = client.get(f"{base}/q-ctm-15-1").get_data(as_text=True)
    assert back.count("checked") == 4
    assert only_response().status == "in_progress"


def test_resume_with_an_unknown_code_explains(client, demo_area):
    from app.journey_code import generate

    page = client.post("/resume", data={"code": generate()})
    assert page.status_code == 400
    assert "could not find an unfinished survey" in page.get_data(as_text=True)


def test_double_start_and_double_submit_make_one_response(client, demo_area):
    first, token = start(client, "lh-six-weeks-on")
    again = client.post("/s/lh-six-weeks-on", data={"start_token": token})
    assert first.headers["Location"] == again.headers["Location"]
    walker = Walker(client)
    url = first.headers["Location"]
    while not url.endswith("/check"):
        url = walker.step(url)
    sent = client.post(url)
    resent = client.post(url)
    assert sent.status_code == resent.status_code == 302
    assert resent.headers["Location"].endswith("/done")
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert only_response().status == "complete"


def test_sent_answers_cannot_be_changed(client, demo_area):
    done = Walker(client).complete("/s/lh-six-weeks-on")
    base = done.rsplit("/", 1)[0]
    page = client.post(f"{base}/q-ctm-3-1", data={"ctm3_1": "1", "ctm3_2": "1", "ctm3_3": "1"})
    assert page.headers["Location"].endswith("/done")
    assert {a.code for a in only_response().answers if a.instrument_id == "ctm-3"} == {"4"}


def test_journey_code_links_the_next_stage_and_about_you_is_not_asked_again(client, demo_area):
    first = Walker(client, answers={"q_age": None})
    done = first.complete("/s/lh-leaving-hospital")
    code = code_on(client.get(done).get_data(as_text=True))
    second = Walker(client)
    second.complete(f"/s/lh-support-at-home?code={code.lower()}")
    assert not any(url.endswith("/journey") for url in second.visited)
    assert not any("/about" in url for url in second.visited)
    responses = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert len(responses) == 2
    assert responses[0].journey_id == responses[1].journey_id
    assert db.session.scalar(select(func.count(Journey.id))) == 1


def test_code_typed_on_the_journey_page_links_responses(client, demo_area):
    done = Walker(client).complete("/s/lh-in-hospital")
    code = code_on(client.get(done).get_data(as_text=True))
    Walker(client, answers={"has_code": "yes", "code": code.lower().replace("-", " ")}).complete(
        "/s/lh-six-weeks-on"
    )
    journeys = {r.journey_id for r in db.session.scalars(select(Response))}
    assert len(journeys) == 1


def test_a_mistyped_code_is_caught_and_explained(client, demo_area):
    done = Walker(client).complete("/s/lh-in-hospital")
    code = code_on(client.get(done).get_data(as_text=True)).replace("-", "")
    typo = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    started, _ = start(client, "lh-six-weeks-on")
    page = client.post(started.headers["Location"], data={"has_code": "yes", "code": typo})
    assert page.status_code == 400
    assert "That journey code is not right" in page.get_data(as_text=True)


def test_a_link_with_a_bad_code_still_lets_people_answer(client, demo_area):
    page = client.get("/s/lh-in-hospital?code=NOTACODE")
    assert page.status_code == 200
    assert "The journey code in your link did not work" in page.get_data(as_text=True)


def test_pathway_link_lets_the_person_choose_the_stage(client, demo_area):
    page = client.get("/pathway/leaving-hospital")
    html = page.get_data(as_text=True)
    for stage in ("Getting help", "In hospital", "Leaving hospital", "Six weeks on"):
        assert stage in html
    chosen = client.post("/pathway/leaving-hospital", data={"stage": "leaving-hospital"})
    assert chosen.headers["Location"].startswith("/s/lh-leaving-hospital")
    nothing = client.post("/pathway/leaving-hospital", data={})
    assert nothing.status_code == 400
    assert "Select the part of your care" in nothing.get_data(as_text=True)


def test_closed_survey_says_so(client, demo_area):
    from datetime import date, timedelta

    from app.data.area import get_survey

    survey = get_survey("lh-in-hospital")
    survey.closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.get("/s/lh-in-hospital")
    assert page.status_code == 410
    assert "This survey is closed" in page.get_data(as_text=True)


def test_unknown_survey_and_response_links_are_friendly_404s(client, demo_area):
    for url in ("/s/no-such-survey", "/r/not-a-token/journey", "/pathway/nowhere"):
        page = client.get(url)
        assert page.status_code == 404
        assert "Page not found" in page.get_data(as_text=True)
        assert "Traceback" not in page.get_data(as_text=True)


def walk_to(client, survey_url: str, page_suffix: str, **answers) -> str:
    walker = Walker(client, answers=answers)
    url = walker.step(survey_url)
    while not url.endswith(page_suffix):
        url = walker.step(url)
    return url


def test_overlong_comment_is_refused_and_what_was_typed_is_kept(client, demo_area):
    url = walk_to(client, "/s/lh-six-weeks-on", "/comments")
    long_text = "The district nurse came every day. " * 80
    page = client.post(url, data={"went_well": long_text, "could_be_better": "Nothing"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "must be 2000 characters or fewer" in html
    assert "The district nurse came every day." in html  # the text is shown back, not lost
    assert "comments" not in only_response().pages_done


def test_postcode_must_be_the_first_part_only(client, demo_area):
    walker = Walker(client)
    url = walk_to(client, "/s/lh-six-weeks-on", "/about-1")
    while not (soup := check_page(client.get(url).get_data(as_text=True))).find(
        "input", type="text"
    ):
        url = walker.step(url)
    postcode_field = soup.find("input", type="text")["name"]
    bad = client.post(url, data={postcode_field: "LS6 1AB"})
    assert bad.status_code == 400
    assert "first part of your postcode" in bad.get_data(as_text=True)
    good = client.post(url, data={postcode_field: " ls6 "})
    assert good.status_code == 302
    answer = next(a for a in only_response().answers if a.item_id == postcode_field)
    assert answer.text == "LS6"


def test_changing_patient_to_carer_asks_the_carer_questions_and_drops_the_old_answers(
    client, demo_area
):
    check = walk_to(client, "/s/lh-leaving-hospital", "/check")
    base = check.rsplit("/", 1)[0]
    assert any(a.instrument_id == "ctm-15" for a in only_response().answers)
    changed = client.post(f"{base}/role?change=1", data={"role": "carer"})
    next_url = changed.headers["Location"]
    assert "/q-i-statements-carer-" in next_url  # the carer statements are now unanswered
    walker = Walker(client)
    url = next_url
    while not url.endswith("/check"):
        url = walker.step(url)
    client.post(url)
    response = only_response()
    assert response.status == "complete" and response.role == "carer"
    instruments = {a.instrument_id for a in response.answers}
    assert "ctm-15" not in instruments and "i-statements" not in instruments
    assert "i-statements-carer" in instruments


def test_a_start_token_the_server_did_not_issue_is_refused(client, demo_area):
    forged = client.post("/s/lh-in-hospital", data={"start_token": "f" * 24})
    assert forged.status_code == 400
    assert "Sorry, there is a problem with that request" in forged.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == 0
