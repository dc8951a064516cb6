"""A form printed with a journey code: keyed in or imported, its answers join that journey, as a
phone response started from the form's QR code would. A code written on the form wins (the
form asks people with a code from an earlier stage to write it "instead").

Checked from the outside: the journeys responses are in, the equality profiles reports use,
what the volunteer is told, and what the phone survey then asks.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from app import journey_code
from app.data import paper_print
from app.data.area import get_survey
from app.extensions import db
from app.models import Journey, PaperForm, Response, ResponseProfile
from tests.conftest import sign_in
from tests.integration.test_paper_entry import open_batch
from tests.integration.walker import Walker, check_page

SURVEY = "lh-leaving-hospital"  # CTM-15 on a move between services
CTM = [f"ctm-15.ctm{n:02d}" for n in range(1, 16)]
CODE_ON_PAGE = re.compile(r'class="cj-journey-code">([A-Z0-9]{5}-[A-Z0-9]{5})<')


@pytest.fixture
def people(demo_area, make_user, app):
    def client_for(email):
        user = make_user("volunteer", email=email)
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302
        return client

    return {"ann": client_for("ann@test.invalid"), "bob": client_for("bob@test.invalid")}


def print_forms(client, forms: int) -> list[str]:
    """Print forms with journey codes; their codes, in form number order (P1, P2, ...)."""
    posted = client.post(
        "/paper/print",
        data={
            "survey": SURVEY,
            "forms": str(forms),
            "large_print": "no",
            "journey_codes": "yes",
            "return_text": "Hand it back to the volunteer.",
        },
    )
    assert posted.status_code == 302, posted.text[:2000]
    assert client.get(posted.location).status_code == 200  # the run's page, as after printing
    survey = get_survey(SURVEY)
    return [paper_print.printed_form(survey, f"P{n}").journey.code for n in range(1, forms + 1)]


def keyed(number: str, **answers) -> dict:
    """A patient's form as keyed: 1 Patient, 2 County Hospital wards, 5 Own home, all Agree."""
    form = {"form_number": number, "who_answered": "1", "moved_from": "2", "moved_to": "5"}
    return form | {name: "3" for name in CTM} | answers


def key(client, batch: int, form: dict):
    return client.post(f"/paper/batches/{batch}/key", data=form)


def filled_template(client, *rows: dict) -> str:
    """The survey's downloaded template filled with patients' rows (moved from the wards to
    home, all Agree) that give these values."""
    template = client.get(f"/paper/surveys/{SURVEY}/template.csv")
    header = next(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        full = {"who_answered": "patient", "moved_from": "county-wards", "moved_to": "home"}
        full |= {name: "3" for name in CTM} | row
        writer.writerow([full.get(name, "") for name in header])
    return buffer.getvalue()


def imported(client, *rows: dict):
    """Upload a filled template with these rows."""
    return client.post(
        "/paper/import",
        data={
            "survey": SURVEY,
            "place": "Riverside Carers' Centre",
            "collected_on": "2026-03-02",
            "file": (io.BytesIO(filled_template(client, *rows).encode()), "forms.csv"),
        },
        content_type="multipart/form-data",
    )


def response_of(number: str) -> Response:
    form = db.session.scalar(select(PaperForm).where(PaperForm.form_number == number))
    assert form is not None and form.response is not None, f"form {number} does not count"
    return form.response


def journey_code_of(response: Response) -> str:
    return db.session.get(Journey, response.journey_id).code


def banner(client, batch: int) -> str:
    soup = check_page(client.get(f"/paper/batches/{batch}/key").text)
    return " ".join(b.get_text(" ", strip=True) for b in soup.select(".nhsuk-notification-banner"))


def phone_code(client, done_url: str) -> str:
    return CODE_ON_PAGE.search(client.get(done_url).text).group(1).replace("-", "")


def profile(response: Response) -> ResponseProfile:
    return db.session.get(ResponseProfile, response.id)


def test_keyed_and_imported_printed_forms_join_the_journey_printed_on_them(people):
    p1, p2 = print_forms(people["ann"], 2)
    batch = open_batch(people["ann"])
    assert key(people["ann"], batch, keyed("p1")).status_code == 302  # typed in lower case
    assert "joins the journey" not in banner(people["ann"], batch)
    assert imported(people["ann"], {"form_number": "P2"}).status_code == 302
    assert journey_code_of(response_of("P1")) == p1
    assert journey_code_of(response_of("P2")) == p2
    # A number this app did not print gets a journey of its own, as a phone answer without a
    # code does: neither printed one, and no other form's.
    assert key(people["ann"], batch, keyed("101")).status_code == 302
    assert imported(people["ann"], {"form_number": "P3"}).status_code == 302  # not printed
    own = {journey_code_of(response_of(n)) for n in ("101", "P3")}
    assert len(own) == 2 and not own & {p1, p2}
    assert db.session.scalar(select(func.count(Journey.id))) == 4


def test_a_corrected_number_moves_the_answers_to_that_forms_journey(people):
    p1, p2 = print_forms(people["ann"], 2)
    batch = open_batch(people["ann"])
    key(people["ann"], batch, keyed("P1"))
    form_id = db.session.scalar(select(PaperForm.id).where(PaperForm.form_number == "P1"))
    corrected = people["ann"].post(f"/paper/batches/{batch}/forms/{form_id}", data=keyed("P2"))
    assert corrected.status_code == 302, corrected.text[:2000]
    assert journey_code_of(response_of("P2")) == p2
    assert db.session.scalar(select(func.count(Response.id))) == 1  # none left in P1's journey
    assert not db.session.scalar(select(Journey).where(Journey.code == p1)).responses


def test_a_corrected_number_takes_its_about_you_out_of_the_first_journeys_profile(people, client):
    p1, _ = print_forms(people["ann"], 2)
    # P1's person answered an earlier stage on the phone with the printed code, without
    # About you; the paper form keyed as P1 gives it, so the journey's profile takes it.
    Walker(client, answers={"about_you": "no"}).complete(f"/s/lh-in-hospital?code={p1}")
    phone = db.session.scalar(select(Response).where(Response.channel == "web"))
    batch = open_batch(people["ann"])
    key(people["ann"], batch, keyed("P1", **{"about-you.age_band": "85 or over"}))
    db.session.expire_all()
    assert profile(phone).age_band == "85_over"
    # The number was misread: the form is P2. The phone answer's journey no longer holds it.
    form_id = db.session.scalar(select(PaperForm.id).where(PaperForm.form_number == "P1"))
    form = keyed("P2", **{"about-you.age_band": "85 or over"})
    assert (
        people["ann"].post(f"/paper/batches/{batch}/forms/{form_id}", data=form).status_code == 302
    )
    db.session.expire_all()
    assert profile(phone).age_band == "not_answered"
    assert profile(response_of("P2")).age_band == "85_over"


def test_a_double_keyed_printed_form_joins_its_journey_once_both_keyings_agree(people):
    (p1,) = print_forms(people["ann"], 1)
    batch = open_batch(people["ann"], double_entry="yes")
    key(people["ann"], batch, keyed("P1"))
    assert db.session.scalar(select(func.count(Response.id))) == 0  # not final yet
    assert key(people["bob"], batch, keyed("P1")).status_code == 302
    assert journey_code_of(response_of("P1")) == p1


def test_paper_and_phone_answers_on_one_printed_journey_share_one_equality_profile(people, client):
    p1, p2 = print_forms(people["ann"], 2)
    # P1's person scanned the QR code and answered an earlier stage on the phone, About you
    # included; the paper form then comes back with About you left blank.
    Walker(client, answers={"age_band": "75_84", "sex": "female"}).complete(
        f"/s/lh-in-hospital?code={p1}"
    )
    batch = open_batch(people["ann"])
    key(people["ann"], batch, keyed("P1"))
    phone = db.session.scalar(select(Response).where(Response.channel == "web"))
    paper = response_of("P1")
    assert phone.journey_id == paper.journey_id
    assert (profile(paper).age_band, profile(paper).sex) == ("75_84", "female")
    # P2's person answered About you on paper, then the next stage on the phone with the
    # printed code: the phone does not ask About you again and shares the paper's profile.
    imported(people["ann"], {"form_number": "P2", "about-you.age_band": "85 or over"})
    walker = Walker(client)
    walker.complete(f"/s/lh-support-at-home?code={p2}")
    assert not any("/about" in url for url in walker.visited)
    later = db.session.scalar(
        select(Response).where(Response.channel == "web").order_by(Response.id.desc()).limit(1)
    )
    assert later.journey_id == response_of("P2").journey_id
    assert profile(later).age_band == profile(response_of("P2")).age_band == "85_over"


def test_a_code_written_on_a_printed_form_wins_and_the_volunteer_is_told(
    people, client, app, tmp_path
):
    p1, p2 = print_forms(people["ann"], 2)
    earlier = phone_code(client, Walker(client).complete("/s/lh-in-hospital"))
    batch = open_batch(people["ann"])
    written = f"{earlier[:5].lower()} {earlier[5:].lower()}"
    assert key(people["ann"], batch, keyed("P1", journey_code=written)).status_code == 302
    assert journey_code_of(response_of("P1")) == earlier
    said = banner(people["ann"], batch)
    assert f"joins the journey of the code written on it, {journey_code.display(earlier)}" in said
    assert f"not the code printed on it, {journey_code.display(p1)}" in said
    # The same from the command line, which says which forms.
    path = tmp_path / "forms.csv"
    path.write_text(filled_template(people["ann"], {"form_number": "P2", "journey_code": earlier}))
    result = app.test_cli_runner().invoke(args=["import-responses", str(path), "--survey", SURVEY])
    assert result.exit_code == 0, result.output
    assert "printed with a journey code but give another one" in result.output
    assert "P2" in result.output.splitlines()[-1]
    assert journey_code_of(response_of("P2")) == earlier != p2


def test_an_unknown_code_written_on_a_printed_form_is_refused_and_nothing_saved(people):
    print_forms(people["ann"], 1)
    batch = open_batch(people["ann"])
    unknown = journey_code.generate()
    page = key(people["ann"], batch, keyed("P1", journey_code=unknown))
    assert page.status_code == 422
    soup = check_page(page.text)
    problems = [li.get_text(" ", strip=True) for li in soup.select(".nhsuk-error-summary__list li")]
    assert any("is not the journey code of any response here" in p for p in problems)
    assert db.session.scalar(select(func.count(PaperForm.id))) == 0
    assert db.session.scalar(select(func.count(Response.id))) == 0
