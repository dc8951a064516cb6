"""An administrator sets up a new survey in the browser, and a patient then answers it.

On a laptop the administrator signs in, adds two services, a pathway with three stages (and
puts them in the right order), and a survey on the pathway's move between services; hands it
out (link, QR code, A4 poster); and finds all of it in the audit trail. A patient then answers
the new survey on a phone. axe-core checks every staff page on the way, and the pages staff
most often open on a phone are checked at phone width too.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from app.data import area_edit, survey_edit
from app.data.audit import ACTIONS, SYSTEM
from app.data.survey_edit import ChosenInstrument, SurveyInput
from app.data.users import create_user_with_password
from app.extensions import db
from app.models import Response, Survey
from tests.e2e.admin_pages import LAPTOP, Admin
from tests.e2e.pages import Answers, Respondent, check_accessible, check_fits_phone

pytestmark = pytest.mark.e2e

PASSWORD = "orchid-summit-pebble-raven"
ORGANISATION = "Healthwatch Demo Area"

WARD = ("e2e-riverside-ward", "E2E Riverside Hospital ward")
REABLEMENT = ("e2e-reablement", "E2E Riverside reablement team")
PATHWAY = ("e2e-discharge", "E2E Discharge from Riverside")
ON_WARD = ("e2e-on-ward", "On the ward", "Episode of care")
AT_HOME = ("e2e-at-home", "Care at home", "Episode of care")
GOING_HOME = ("e2e-going-home", "Going home", "Move between services")
SURVEY = ("e2e-going-home", "E2E Going home from Riverside")
CTM_3 = "Care Transitions Measure (CTM-3) (ctm-3)"
THANKS = "Thank you, your answers have been sent"
EVERY_ADMIN_PAGE = [
    re.compile(p)
    for p in (
        "/staff/sign-in",
        "/staff/",
        "/admin/services",
        "/admin/services/new",
        "/admin/pathways",
        "/admin/pathways/new",
        r"/admin/pathways/\d+",
        r"/admin/pathways/\d+/stages/new",
        "/admin/surveys",
        "/admin/surveys/new",
        f"/admin/surveys/{SURVEY[0]}",
        "/admin/instruments",
        "/admin/users",
        "/admin/area",
        "/admin/audit",
    )
]


def make_admin(live_server, email: str) -> None:
    live_server.query(
        lambda: create_user_with_password(SYSTEM, email, "E2E Admin", ["admin"], PASSWORD)
    )


def signed_in_admin(new_context, live_server, email: str, **context_options) -> Admin:
    make_admin(live_server, email)
    admin = Admin(new_context(**context_options).new_page(), on_page=check_accessible)
    admin.sign_in(email, PASSWORD)
    assert admin.path == "/staff/"
    expect(admin.heading()).to_have_text("Staff home")
    return admin


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the administrator's steps ----------------------------------------------------------------


def add_the_services(admin: Admin) -> None:
    admin.open_menu("Services")
    expect(admin.heading()).to_have_text("Services")
    admin.press("Add a service")

    # Sent empty first: the problems are listed at the top and each links to its box.
    admin.press("Save service", "service form, error state")
    assert admin.error_summary() == [
        "Enter a code for the service",
        "Enter the service name",
        "Select the sector the service is in",
    ]
    assert admin.page.title().startswith("Error:")
    admin.page.get_by_role("link", name="Enter a code for the service").click()
    expect(admin.page.get_by_label("Code", exact=True)).to_be_focused()
    admin.open_menu("Services")

    admin.add_service(*WARD, "Hospital", locality="Riverside", ods_code="rxh 01")
    admin.add_service(*REABLEMENT, "Adult social care")
    rows = {row[0]: row[1:] for row in admin.table_rows(re.compile(r"services, by name$"))}
    assert rows[WARD[1]] == [WARD[0], "Hospital", "Riverside", "RXH01", "Active"]
    assert rows[REABLEMENT[1]] == [REABLEMENT[0], "Adult social care", "", "", "Active"]


def stage_order(admin: Admin) -> list[str]:
    return admin.column(f"Stages of {PATHWAY[1]}, in order", "Stage")


def add_the_pathway(admin: Admin) -> None:
    admin.open_menu("Pathways")
    expect(admin.heading()).to_have_text("Pathways")
    admin.add_pathway(*PATHWAY, description="From a ward at Riverside Hospital to care at home.")
    expect(admin.summary("Link for people")).to_have_text(
        re.compile(rf"^\s*http://\S+/pathway/{PATHWAY[0]}\s*$")
    )

    # Added in the wrong order, then put right with Move up.
    for slug, stage_name, kind in (ON_WARD, AT_HOME, GOING_HOME):
        admin.add_stage(slug, stage_name, kind)
    assert stage_order(admin) == ["On the ward", "Care at home", "Going home"]
    assert admin.column(f"Stages of {PATHWAY[1]}, in order", "Kind") == [
        "Episode of care",
        "Episode of care",
        "Move between services",
    ]
    admin.press(admin.main().get_by_role("button", name="Move up Going home"), "after Move up")
    expect(admin.banner()).to_contain_text("Stage moved: Going home is now stage 2 of 3")
    assert stage_order(admin) == ["On the ward", "Going home", "Care at home"]
    assert admin.column(f"Stages of {PATHWAY[1]}, in order", "Order") == ["1", "2", "3"]

    admin.open_menu("Pathways")
    pathways = {row[0]: row[1:] for row in admin.table_rows(re.compile(r"pathways?, by name$"))}
    assert pathways[PATHWAY[1]] == [PATHWAY[0], "3"]


def create_the_survey(admin: Admin) -> None:
    admin.open_menu("Surveys")
    expect(admin.heading()).to_have_text("Surveys")
    admin.press("Create a survey")
    expect(admin.heading()).to_have_text("Create a survey")
    admin.fill("Short name for the link", SURVEY[0])
    admin.fill("Title", SURVEY[1])
    admin.choose(
        f"{PATHWAY[1]}: Going home",
        admin.group("Which pathway stage does this survey ask about?"),
    )
    instruments = admin.group("Instruments (sets of questions) to ask")
    admin.tick(CTM_3, instruments)
    # Ticking an instrument opens its optional subset boxes (left empty: ask everything).
    expect(
        admin.page.get_by_label("Leaving hospital (short): only these statements (optional)")
    ).to_be_visible()
    services = admin.group("Services this survey covers")
    admin.tick(WARD[1], services)
    admin.tick(REABLEMENT[1], services)
    who = admin.group("Who can answer")
    admin.tick("Patient", who)
    admin.tick("Patient, helped to answer", who)
    admin.press("Save survey")
    expect(admin.heading()).to_have_text(SURVEY[1])
    expect(admin.banner()).to_contain_text(f"Survey saved: {SURVEY[1]}")


def hand_the_survey_out(admin: Admin, link: str) -> None:
    """The survey page shows the link and the QR code, and the poster downloads."""
    expect(admin.summary("Public link")).to_have_text(link)
    expect(admin.summary("Pathway and stage")).to_have_text(f"{PATHWAY[1]}: Going home")
    # "Responses" is blank here, not 0: see test_survey_page_says_0_responses_before_any.
    qr = admin.main().get_by_role("img", name=f"QR code for {link}")
    expect(qr).to_be_visible()
    width = qr.evaluate("async img => { await img.decode(); return img.naturalWidth; }")
    assert width > 0, "the QR code image did not load"

    with admin.page.expect_download() as download_info:
        admin.main().get_by_role("link", name="Download A4 poster (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{SURVEY[0]}-poster.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert ORGANISATION in " ".join(text.split())
    assert SURVEY[1] in " ".join(text.split())
    # A long link may wrap onto a second line on the poster.
    assert link in "".join(text.split()), text


def visit_the_other_admin_pages(admin: Admin) -> None:
    admin.open_menu("Instruments")
    expect(admin.main()).to_contain_text("CTM-3")
    admin.open_menu("Accounts")
    expect(admin.main()).to_contain_text("e2e-admin-setup@example.org")
    admin.open_menu("Surveys")
    titles = admin.column("Surveys, by pathway and stage", "Survey")
    assert f"{SURVEY[1]} Link name: {SURVEY[0]}" in titles
    admin.press("Download the area as a file")
    expect(admin.heading()).to_have_text("Download the area as a file")
    assert admin.path == "/admin/area"


def check_the_audit_trail(admin: Admin, email: str) -> None:
    admin.open_menu("Audit trail")
    expect(admin.heading()).to_have_text("Audit trail")
    admin.fill("Who (e-mail contains)", email)
    admin.press("Filter", "audit trail, filtered")
    whats = admin.column(re.compile(r"events?, newest first$"), "What")
    expected = [
        f"{ACTIONS['sign_in.success']}: user {email}",
        f"{ACTIONS['service.create']}: service {WARD[0]}",
        f"{ACTIONS['service.create']}: service {REABLEMENT[0]}",
        f"{ACTIONS['pathway.create']}: pathway {PATHWAY[0]}",
        *(f"{ACTIONS['stage.create']}: stage {PATHWAY[0]}/{s[0]}" for s in (ON_WARD, AT_HOME)),
        f"{ACTIONS['stage.create']}: stage {PATHWAY[0]}/{GOING_HOME[0]}",
        f"{ACTIONS['stage.reorder']}: pathway {PATHWAY[0]}",
        f"{ACTIONS['survey.create']}: survey {SURVEY[0]}",
        f"{ACTIONS['download.poster']}: survey {SURVEY[0]}",
    ]
    missing = [w for w in expected if w not in whats]
    assert not missing, (missing, whats)
    assert list(reversed(whats)) == expected, "newest first, one row each"
    who = admin.column(re.compile(r"events?, newest first$"), "Who")
    assert set(who) == {email}


# --- the patient --------------------------------------------------------------------------


def patient_answers_the_new_survey(new_context, live_server, link: str) -> str:
    page = new_context().new_page()
    person = Respondent(page)
    person.goto(link)  # as if from the poster's QR code
    expect(page.get_by_role("heading", level=1)).to_have_text(SURVEY[1])
    person.press("Start now")
    assert person.step == "journey"
    person.answer_journey()
    assert person.step == "role"
    person.answer_role("patient")
    assert person.step == "service"
    expect(page.get_by_role("heading", level=1)).to_have_text("Where did you move from and to?")
    moved_from = person.group("Where did you move from?")
    expect(moved_from.get_by_role("radio")).to_have_count(2)
    person.answer_move(WARD[1], REABLEMENT[1])
    assert person.step.startswith("q-ctm-3-"), person.step
    person.complete(Answers(statements="Agree", comments={"What went well?": "Home on time."}))
    expect(page.get_by_role("heading", name=THANKS)).to_be_visible()
    assert not any("ctm-15" in step or "i-statements" in step for step in person.visited)
    return person.journey_code()


def assert_one_complete_response(live_server, code: str) -> None:
    [response] = live_server.responses(code)
    assert response["status"] == "complete" and response["completed"]
    assert response["survey"] == SURVEY[0]
    assert response["role"] == "patient"
    assert (response["from"], response["to"]) == (WARD[0], REABLEMENT[0])
    ctm = {item: v for (inst, item), v in response["answers"].items() if inst == "ctm-3"}
    assert ctm == {"ctm3_1": "3", "ctm3_2": "3", "ctm3_3": "3", "went_well": "Home on time."}

    def count() -> int:
        return db.session.scalar(
            select(func.count(Response.id)).join(Survey).where(Survey.slug == SURVEY[0])
        )

    assert live_server.query(count) == 1


# --- the tests ----------------------------------------------------------------------------


def test_admin_sets_up_a_survey_and_a_patient_answers_it(new_context, live_server):
    email = "e2e-admin-setup@example.org"
    admin = signed_in_admin(new_context, live_server, email, **LAPTOP)

    add_the_services(admin)
    add_the_pathway(admin)
    create_the_survey(admin)
    link = f"{live_server.url}/s/{SURVEY[0]}"
    hand_the_survey_out(admin, link)
    visit_the_other_admin_pages(admin)

    code = patient_answers_the_new_survey(new_context, live_server, link)
    assert_one_complete_response(live_server, code)

    admin.open_menu("Surveys")
    admin.press(SURVEY[1])
    expect(admin.summary("Responses")).to_have_text("1")
    check_the_audit_trail(admin, email)

    # axe ran on every one of these (and passed), including the service form's error state.
    for path in EVERY_ADMIN_PAGE:
        assert any(path.fullmatch(p) for p in admin.visited), (path.pattern, admin.visited)
    assert admin.visited.count("/admin/services/new") >= 3  # the form, its error state, again


def test_staff_pages_pass_axe_at_phone_width(new_context, live_server):
    """Staff sometimes set up on a phone: the shared layout, tables and the longest form.
    Every page is checked before the test ends, so one run lists every problem."""
    problems: list[str] = []

    def check_phone(page, what: str) -> None:
        for check in (check_accessible, check_fits_phone):
            try:
                check(page, f"{what}, at phone width")
            except AssertionError as problem:
                problems.append(str(problem))

    make_admin(live_server, "e2e-admin-phone@example.org")
    admin = Admin(new_context().new_page(), on_page=check_phone)
    admin.sign_in("e2e-admin-phone@example.org", PASSWORD)
    expect(admin.heading()).to_have_text("Staff home")
    admin.open_menu("Services")  # on a phone, most of the menu is under "More"
    admin.press("Add a service")
    admin.press("Save service", "service form, error state")
    assert admin.error_summary()
    admin.open_menu("Pathways")
    admin.open_menu("Surveys")
    admin.press("Create a survey")
    admin.press("Save survey", "survey form, error state")
    assert admin.error_summary()
    admin.open_menu("Audit trail")

    assert not problems, "\n\n".join(problems)


def test_survey_page_says_0_responses_before_any(new_context, live_server):
    def arrange() -> None:
        actor = SYSTEM
        service = area_edit.create_service(
            actor, code="e2e-quiet-clinic", name="E2E Quiet clinic", sector="hospital"
        )
        pathway = area_edit.create_pathway(
            actor, slug="e2e-quiet", name="E2E Quiet pathway", description=None
        )
        stage = area_edit.create_stage(
            actor, pathway, slug="e2e-clinic", name="Clinic", kind="episode", description=None
        )
        survey_edit.create_survey(
            actor,
            SurveyInput(
                slug="e2e-no-answers-yet",
                title="E2E No answers yet",
                stage_id=stage.id,
                instruments=[ChosenInstrument("ctm-3")],
                service_ids=[service.id],
                roles=["patient"],
                # Closed long ago, so it stays off the public pages other tests look at.
                opens_on=date(2020, 1, 1),
                closes_on=date(2020, 1, 31),
            ),
        )

    live_server.query(arrange)
    admin = signed_in_admin(new_context, live_server, "e2e-admin-zero@example.org", **LAPTOP)
    admin.goto("/admin/surveys/e2e-no-answers-yet", "survey page, no responses")
    expect(admin.summary("Status")).to_contain_text("Closed")
    expect(admin.summary("Responses")).to_have_text("0", timeout=1_000)
