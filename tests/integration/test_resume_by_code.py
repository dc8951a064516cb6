"""A journey code resumes a recent unfinished survey at its unanswered pages, and never shows or
changes the answers given before."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select, update

from app.extensions import db
from app.models import Response, Service
from app.models.response import utcnow
from tests.integration.walker import Walker, check_page, start

SURVEY = "lh-leaving-hospital"
FIRST_PAGE = {f"ctm{n:02d}": "1" for n in range(1, 5)}  # "Strongly disagree"
HIDDEN = "Answered before you continued with your journey code"


def service_id(code: str) -> str:
    return str(db.session.scalar(select(Service.id).filter_by(code=code)))


def the_response() -> Response:
    response = db.session.scalar(select(Response))
    db.session.refresh(response)
    return response


def half_done(client) -> str:
    """A patient moving from the wards to a care home who answered the first statements page;
    returns the response's own base URL."""
    started, _ = start(client, SURVEY)
    base = started.headers["Location"].rsplit("/", 1)[0]
    client.post(f"{base}/journey", data={"has_code": "no"})
    client.post(f"{base}/role", data={"role": "patient"})
    moved = {
        "from_service": service_id("county-wards"),
        "to_service": service_id("oakview-care-home"),
    }
    assert client.post(f"{base}/service", data=moved).status_code == 302
    assert client.post(f"{base}/q-ctm-15-1", data=FIRST_PAGE).status_code == 302
    return base


def resume(client, code: str):
    return client.post("/resume", data={"code": code})


def test_a_code_opens_the_unanswered_pages_only(app, client, demo_area):
    base = half_done(client)
    code = the_response().journey.code
    finder = app.test_client()  # someone who read the code off a form
    resumed = resume(finder, code)
    assert resumed.status_code == 302 and resumed.location.endswith("/q-ctm-15-2")
    resumed_base = resumed.location.rsplit("/", 1)[0]
    assert base.split("/")[2] not in resumed.location  # the response's own token is not given

    for page_id in ("journey", "role", "service", "q-ctm-15-1"):
        seen = finder.get(f"{resumed_base}/{page_id}")
        assert seen.status_code == 302, page_id
        assert seen.location == f"{resumed_base}/q-ctm-15-2"
    # The first unanswered page has no Back link to the answered ones.
    page = check_page(finder.get(f"{resumed_base}/q-ctm-15-2").text)
    back = page.find("a", class_="nhsuk-back-link")
    assert back is None or "q-ctm-15-1" not in back["href"]


def test_answers_given_before_cannot_be_changed_through_the_code(app, client, demo_area):
    half_done(client)
    finder = app.test_client()
    resumed_base = resume(finder, the_response().journey.code).location.rsplit("/", 1)[0]
    changed = {f"ctm{n:02d}": "4" for n in range(1, 5)}
    assert finder.post(f"{resumed_base}/q-ctm-15-1", data=changed).status_code == 302
    assert finder.post(f"{resumed_base}/role", data={"role": "carer"}).status_code == 302
    response = the_response()
    assert response.role == "patient"
    assert {a.code for a in response.answers if a.item_id in FIRST_PAGE} == {"1"}


def test_check_your_answers_does_not_show_what_was_answered_before(app, client, demo_area):
    base = half_done(client)
    own = client.get(f"{base}/check").text
    assert "Oakview Care Home" in own and "Strongly disagree" in own  # the person's own view

    finder = app.test_client()
    resumed_base = resume(finder, the_response().journey.code).location.rsplit("/", 1)[0]
    # Answer the rest through the code, up to "Check your answers".
    walker = Walker(finder)
    url = f"{resumed_base}/q-ctm-15-2"
    while not url.endswith("/check"):
        url = walker.step(url)
    check = BeautifulSoup(finder.get(url).text, "html.parser")
    text = check.get_text(" ")
    assert "Oakview Care Home" not in text and "County Hospital wards" not in text
    assert "Strongly disagree" not in text
    assert text.count(HIDDEN) >= 1 + 1 + 2 + 4  # journey, role, moved from and to, 4 statements
    changes = [a["href"] for a in check.select("a") if a.get_text(strip=True).startswith("Change")]
    assert changes and all(href.startswith(resumed_base) for href in changes)
    assert not any(f"/{page}?" in href for href in changes for page in ("role", "q-ctm-15-1"))
    # Pages answered through the code can be seen again from this browser...
    assert "q-ctm-15-2" in " ".join(changes)
    again = finder.get(f"{resumed_base}/q-ctm-15-2")
    assert again.status_code == 200 and again.text.count("checked") == 4
    # ...but not from another browser that also has the code.
    other = app.test_client()
    other_base = resume(other, the_response().journey.code).location.rsplit("/", 1)[0]
    assert other.get(f"{other_base}/q-ctm-15-2").status_code == 302

    sent = finder.post(url)
    assert sent.status_code == 302 and sent.location == f"{resumed_base}/done"
    assert "Thank you" in finder.get(sent.location).text
    assert the_response().status == "complete"


def test_only_a_recent_unfinished_survey_can_be_resumed(app, client, demo_area):
    half_done(client)
    code = the_response().journey.code
    days = app.config["RESUME_DAYS"]
    db.session.execute(update(Response).values(started_at=utcnow() - timedelta(days=days, hours=1)))
    db.session.commit()
    refused = resume(app.test_client(), code)
    assert refused.status_code == 400
    assert f"started in the last {days} days" in refused.text


def test_a_resumed_link_stops_working_once_the_survey_is_too_old(app, client, demo_area):
    half_done(client)
    finder = app.test_client()
    resumed_base = resume(finder, the_response().journey.code).location.rsplit("/", 1)[0]
    assert finder.get(f"{resumed_base}/q-ctm-15-2").status_code == 200
    old = utcnow() - timedelta(days=app.config["RESUME_DAYS"] + 1)
    db.session.execute(update(Response).values(started_at=old))
    db.session.commit()
    assert finder.get(f"{resumed_base}/q-ctm-15-2").status_code == 404


def test_a_forged_resumed_token_opens_nothing(app, client, demo_area):
    half_done(client)
    finder = app.test_client()
    resumed_base = resume(finder, the_response().journey.code).location.rsplit("/", 1)[0]
    payload, signature = resumed_base.rsplit("/", 1)[1].split(".")
    forged = f"/r/{payload}.{signature[:-2]}xx/q-ctm-15-2"
    assert finder.get(forged).status_code == 404
