"""Keying a whole patient form in Chromium with the keyboard only, as a volunteer does at
speed: the answer keys typed in bursts (page.keyboard.type), no clicks. The form answers
ethnic group and age band (lists of ten or more answers, keyed with two digits: 01 ... 20)
and the questions after them, whose keys must land in their own boxes: keying "1" for the
first ethnic group used to wait for a second digit, so the next question's "1" made it 11
(Pakistani) and every later answer moved up one box (issue 11).

Counting rule, as in test_paper_flow.py: every key counts except the characters of typed text
(the form number, a comment, the postcode). The goal is at most the boxes asked plus 3.
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.data import paper_entry
from app.data.audit import Actor
from app.data.users import find_user
from app.extensions import db
from app.models import PaperForm, Survey
from tests.e2e.admin_pages import LAPTOP
from tests.e2e.pages import check_accessible
from tests.e2e.test_paper_flow import volunteer

SURVEY = "lh-leaving-hospital"
EMAIL = "kit-keying@example.org"
CTM = [f"ctm-15.ctm{n:02d}" for n in range(1, 16)]
PATIENT_STATEMENTS = [
    "i-statements.is_no_gaps",
    "i-statements.is_discharge_plan",
    "i-statements.is_discharge_no_delay",
    "i-statements.is_knew_where_going",
    "i-statements.is_move_medicines",
    "i-statements.is_info_passed_on",
    "i-statements.is_kept_professionals",
    "i-statements.is_new_service_knew",
    "i-statements.is_kept_entitlements",
]
# Boxes a patient is asked on this survey's form, counted from the printed form: who
# answered, moved from, moved to; 15 CTM statements; 9 I statements for patients; 2 comment
# boxes; 10 About you questions (9 lists and the postcode). The 24 carers' statements are not
# asked of a patient.
BOXES_ASKED = 3 + 15 + 9 + 2 + 10
CARERS_BOXES = 24


class Keyer:
    """Keys with the keyboard only and counts the keys pressed (typed text aside)."""

    def __init__(self, page: Page):
        self.page = page
        self.presses = 0

    def keys(self, sequence: str) -> None:
        """Answer keys, typed in one burst: each character is one key press."""
        self.page.keyboard.type(sequence)
        self.presses += len(sequence)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1

    def write(self, text: str) -> None:
        """Typed text (a form number, a comment): not counted."""
        self.page.keyboard.type(text)


def open_batch(live_server, email: str) -> int:
    """A single-entry batch opened by ``email``, with no defaults: every box is keyed."""

    def make() -> int:
        user = find_user(email)
        survey = db.session.scalar(select(Survey).where(Survey.slug == SURVEY))
        batch = paper_entry.open_batch(
            Actor(user.id, user.email),
            survey,
            place="Ward 7, County Hospital",
            collected_on=date(2026, 3, 2),
            forms_expected=5,
            double_entry=False,
        )
        return batch.id

    return live_server.query(make)


def stored(live_server, number: str) -> tuple[dict, dict]:
    """The form's keying as saved, and its response's answers by (instrument, item)."""

    def fetch():
        form = db.session.scalar(select(PaperForm).where(PaperForm.form_number == number))
        response = form.response
        answers = {(a.instrument_id, a.item_id): a.code or a.text for a in response.answers}
        facts = {
            "status": response.status,
            "channel": response.channel,
            "role": response.role,
            "from": response.from_service.code,
            "to": response.to_service.code,
        }
        return dict(form.keyings[0].record), {"facts": facts, "answers": answers}

    return live_server.query(fetch)


def test_a_whole_patient_form_keyed_by_keyboard_lands_in_its_own_boxes(new_context, live_server):
    kit = volunteer(new_context, live_server, EMAIL, **LAPTOP)
    batch = open_batch(live_server, EMAIL)
    kit.goto(f"/paper/batches/{batch}/key", "entry screen")
    page = kit.page
    keyer = Keyer(page)

    expect(page.get_by_label("Form number, as written on the paper form")).to_be_focused()
    keyer.write("K1")
    keyer.press("Enter")  # on to who answered: the date and journey code are not written
    expect(page.locator("#f-who-answered")).to_be_focused()
    # 1 Patient, 2 County Hospital wards, 5 Own home, as printed beside the boxes
    keyer.keys("125")
    expect(page.locator("#f-who-answered-said")).to_have_text("Patient")
    expect(page.locator("#f-moved-to-said")).to_have_text("Own home")
    # The carers' statements are not asked of a patient: disabled, so focus goes past them.
    carers = page.locator("input[data-for-roles='carer']")
    expect(carers).to_have_count(CARERS_BOXES)
    for index in range(CARERS_BOXES):
        expect(carers.nth(index)).to_be_disabled()
    enabled = page.locator("form[data-paper-entry] :is(input[type=text], textarea):enabled")
    expect(enabled).to_have_count(3 + BOXES_ASKED)  # the form number, date and journey code too
    check_accessible(page, "entry screen with the carers' statements skipped")

    ctm = "3421" * 3 + "9-3"  # 15 statements: agreement 1-4, 9 don't know, - left blank
    statements = "432143214"  # the 9 I statements for patients
    keyer.keys(ctm + statements)
    went_well = page.get_by_label("What went well", exact=False)
    expect(went_well).to_be_focused()  # straight past the 24 carers' statements
    keyer.write("Kind staff on the ward")
    keyer.press("Tab")
    keyer.press("Tab")  # could be better: left blank

    # About you: age 07 (65 to 74); sex 1; gender same 1; orientation 1; religion 2;
    # ethnic group 01 (English, Welsh, Scottish, Northern Irish or British); long-term
    # condition 1; day-to-day activities 2; unpaid carer 1. One burst, as a fast keyer types.
    expect(page.locator("#f-about-you-age-band")).to_be_focused()
    keyer.keys("07" + "1112" + "01" + "121")
    expect(page.locator("#f-about-you-age-band-said")).to_have_text("65 to 74")
    expect(page.locator("#f-about-you-ethnic-group-said")).to_have_text(
        "English, Welsh, Scottish, Northern Irish or British"
    )
    expect(page.locator("#f-about-you-long-term-condition-said")).to_have_text("Yes")
    expect(page.locator("#f-about-you-unpaid-carer-said")).to_have_text("No")
    expect(page.get_by_label("What is the first part of your postcode?")).to_be_focused()
    keyer.write("LS6")
    with page.expect_navigation():
        keyer.press("Enter")  # the last box: Enter saves
    kit._arrived("entry screen after saving")
    expect(page.get_by_text("Form K1 saved")).to_be_visible()

    assert keyer.presses <= BOXES_ASKED + 3, f"{keyer.presses} keys for {BOXES_ASKED} boxes"

    record, response = stored(live_server, "K1")
    agreement = {"1": "1", "2": "2", "3": "3", "4": "4", "9": "dk"}
    expected = {"who_answered": "patient", "moved_from": "county-wards", "moved_to": "home"}
    expected |= {name: agreement[k] for name, k in zip(CTM, ctm, strict=True) if k != "-"}
    expected |= {name: agreement[k] for name, k in zip(PATIENT_STATEMENTS, statements, strict=True)}
    expected |= {
        "went_well": "Kind staff on the ward",
        "about-you.age_band": "65_74",
        "about-you.sex": "female",
        "about-you.gender_identity_same": "yes",
        "about-you.sexual_orientation": "straight",
        "about-you.religion": "christian",
        "about-you.ethnic_group": "white_british",
        "about-you.long_term_condition": "yes",
        "about-you.activity_limited": "yes_a_little",
        "about-you.unpaid_carer": "no",
        "about-you.postcode_district": "LS6",
    }
    assert record == expected
    assert response["facts"] == {
        "status": "complete",
        "channel": "paper",
        "role": "patient",
        "from": "county-wards",
        "to": "home",
    }
    answers = response["answers"]
    for name, value in expected.items():
        if "." in name:
            instrument, item = name.split(".")
            assert answers[(instrument, item)] == value, name
    assert not any(instrument == "i-statements-carer" for instrument, _ in answers)
    assert ("ctm-15", "ctm14") not in answers  # keyed "-": left blank


def test_a_two_digit_box_says_it_waits_and_refuses_a_key_no_answer_starts_with(
    new_context, live_server
):
    kit = volunteer(new_context, live_server, "lee-keying@example.org", **LAPTOP)
    batch = open_batch(live_server, "lee-keying@example.org")
    kit.goto(f"/paper/batches/{batch}/key", "entry screen")
    page = kit.page
    ethnic = page.locator("#f-about-you-ethnic-group")
    said = page.locator("#f-about-you-ethnic-group-said")
    ethnic.focus()
    page.keyboard.type("3")  # no key starts with 3 (01 to 20): refused at once, box empty
    expect(ethnic).to_have_value("")
    expect(said).to_contain_text('"3" is not an answer here')
    expect(said).to_contain_text("from 01 to 20")
    page.keyboard.type("1")  # half a key: it stays, and says so
    expect(ethnic).to_be_focused()
    expect(said).to_have_text("1_ : type the second digit")
    page.keyboard.type("1")
    expect(said).to_have_text("Pakistani")
    expect(page.locator("#f-about-you-long-term-condition")).to_be_focused()
    # Saving with half a key in a box is refused on the page, and focus goes back to it.
    ethnic.focus()
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    expect(ethnic).to_be_focused()
    expect(said).to_contain_text('"0" is not a whole answer')
