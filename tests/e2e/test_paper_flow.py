"""Paper forms end to end in Chromium: a volunteer prints three numbered questionnaires (the
PDF is downloaded and read back), then opens a batch whose forms are from patients
moving from the hospital wards to their own home (the batch's defaults), keys three CTM-15
forms with the keyboard only, counting every key pressed; a second volunteer keys them again
blind, with one deliberate difference; the first volunteer (the batch's lead) resolves it; the
three responses are counted. axe-core checks every page, at laptop and at phone width.

Counting rule: every key press counts (page.keyboard.press), except the characters of typed
text (the form number here), which count as typed text as the issue allows for free text.
A key refused by the page (a deliberate wrong key) is checked separately and not counted.
"""

from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.data.audit import SYSTEM
from app.data.report_queries import ReportFilter, overview
from app.data.users import create_user_with_password
from tests.e2e.admin_pages import LAPTOP, Admin
from tests.e2e.pages import check_accessible

PHONE_SIZE = {"width": 360, "height": 640}  # the e2e contexts' default: a phone
PASSWORD = "harbour-violet-compass-thistle"
STATEMENTS = 15  # CTM-15: the items of "items + 3"


def both_widths(page: Page, what: str) -> None:
    """axe-core at the page's own width and at the other one."""
    size = page.viewport_size
    check_accessible(page, what)
    other = PHONE_SIZE if size["width"] > 400 else LAPTOP["viewport"]
    page.set_viewport_size(other)
    check_accessible(page, f"{what} at {other['width']} px")
    page.set_viewport_size(size)


def volunteer(new_context, live_server, email: str, **options) -> Admin:
    live_server.query(
        lambda: create_user_with_password(SYSTEM, email, email, ["volunteer"], PASSWORD)
    )
    person = Admin(new_context(**options).new_page(), on_page=both_widths)
    person.sign_in(email, PASSWORD)
    return person


def counted(live_server) -> int:
    return live_server.query(lambda: overview(ReportFilter("leaving-hospital"))["responses"])


def key_form(person: Admin, number: str, statements: list[str]) -> int:
    """Key one form from the form number box; return the keys pressed (typed text aside)."""
    page = person.page
    number_box = page.get_by_label("Form number, as written on the paper form")
    expect(number_box).to_be_focused()
    page.keyboard.type(number)  # typed text: not counted
    presses = 0
    # Who answered, moved from and moved to hold the batch's defaults: Enter goes past them.
    for key in ["Enter", *statements]:
        page.keyboard.press(key)
        presses += 1
    with page.expect_navigation():
        page.keyboard.press("Enter")  # saves, and opens the next form
    presses += 1
    person._arrived(f"entry screen after form {number}")
    expect(page.get_by_text(f"Form {number} saved")).to_be_visible()
    return presses


def print_three_forms(person: Admin) -> list[str]:
    """Print three numbered forms of the survey; return their numbers as the PDF shows them."""
    page = person.page
    person.goto("/paper/", "paper home")
    person.main().get_by_role("button", name="Print questionnaires").click()
    person._arrived("print questionnaires")
    page.get_by_label("Survey").select_option(label="Leaving hospital (Leaving hospital)")
    page.get_by_label("How many forms").fill("3")
    page.get_by_role("group", name="Large print?").get_by_label("No").check()
    page.get_by_role("group", name="Print a journey code on each form?").get_by_label("No").check()
    page.get_by_role("button", name="Number the forms").click()
    person._arrived("print run")
    with page.expect_download(timeout=120_000) as info:
        person.main().get_by_role("button", name="Download the PDF (3 forms)").click()
    path = info.value.path()
    assert path, info.value.failure()
    with open(path, "rb") as f:
        pdf = PdfReader(io.BytesIO(f.read()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    numbers = sorted(set(re.findall(r"\bP\d+\b", text)), key=lambda n: int(n[1:]))
    assert len(numbers) == 3, numbers
    return numbers


def test_three_forms_keyed_twice_resolved_and_counted(new_context, live_server):
    before = counted(live_server)
    ann = volunteer(new_context, live_server, "ann-paper@example.org", **LAPTOP)
    printed = print_three_forms(ann)
    ann.goto("/paper/", "paper home")
    ann.main().get_by_role("button", name="Key in paper forms").click()
    ann._arrived("batches")
    ann.main().get_by_role("button", name="Open a new batch").click()
    ann._arrived("new batch")
    page = ann.page
    page.get_by_label("Survey").select_option(label="Leaving hospital (Leaving hospital)")
    page.get_by_label("Where the forms were collected").fill("Ward 7, County Hospital")
    page.get_by_label("When the forms were collected").fill("2026-03-02")
    page.get_by_label("How many forms are in the batch").fill("3")
    page.get_by_label("Yes, double entry").check()
    page.get_by_label("Who answered").select_option(label="Patient")
    page.get_by_label("Where people moved from").select_option(label="County Hospital wards")
    page.get_by_label("Where people moved to").select_option(label="Own home")
    page.get_by_role("button", name="Open the batch and start keying").click()
    ann._arrived("entry screen")
    expect(ann.heading()).to_have_text("Key in a form")

    # The batch's defaults are in their boxes, labelled; Enter after the form number goes
    # past them to the first statement, and Shift+Tab reaches them to change one.
    ann.page.keyboard.type("1")
    page.keyboard.press("Enter")
    first = page.get_by_label("Before I left the hospital, the staff and I agreed", exact=False)
    expect(first).to_be_focused()
    moved_to = page.get_by_label("Where the person moved to")
    expect(moved_to).to_have_value("5")
    expect(page.locator("#f-moved-to-batch")).to_contain_text("From the batch (Own home)")
    page.keyboard.press("Shift+Tab")
    expect(moved_to).to_be_focused()
    page.keyboard.press("4")
    expect(page.locator("#f-moved-to-said")).to_have_text("Oakview Care Home")
    expect(first).to_be_focused()

    # A wrong key is refused at once, with what is allowed; the box stays empty.
    page.keyboard.press("7")
    expect(first).to_have_value("")
    expect(page.locator("#f-ctm-15-ctm01-said")).to_contain_text('"7" is not an answer here')
    both_widths(page, "entry screen with a refused key")
    page.keyboard.press("3")
    expect(page.locator("#f-ctm-15-ctm01-said")).to_have_text("Agree")
    ann.goto(page.url, "entry screen, fresh")  # start the measured forms afresh

    first, second, third = printed  # the numbers on the printed forms
    forms = {
        first: ["3"] * STATEMENTS,
        second: ["4", "3", "9", *["2"] * 12],
        third: ["1", "-", *["4"] * 13],
    }
    for number, statements in forms.items():
        presses = key_form(ann, number, statements)
        assert presses <= STATEMENTS + 3, f"form {number}: {presses} keys"
        assert presses == STATEMENTS + 2  # Enter after the number, Enter to save
    assert counted(live_server) == before  # double entry: nothing counts yet

    # Bob keys the same forms blind, on a phone, with a slip on form 2's first statement.
    bob = volunteer(new_context, live_server, "bob-paper@example.org")  # a phone
    bob.goto("/paper/batches", "batches")
    batch_link = bob.main().get_by_role("table", name="Other people's batches to key a second time")
    batch_link.get_by_role("link").first.click()
    bob._arrived("batch page, second keyer")
    bob.main().get_by_role("button", name="Key forms a second time").click()
    bob._arrived("entry screen, second keying")
    for number, statements in forms.items():  # his screen starts from the batch's defaults
        slip = ["3", *statements[1:]] if number == second else statements
        assert key_form(bob, number, slip) == STATEMENTS + 2
    assert counted(live_server) == before + 2  # forms 1 and 3 agree; form 2 waits

    # Ann, the batch's lead, reads the paper and resolves the difference.
    ann.goto(page.url.replace("/key", ""), "batch page")
    ann.main().get_by_role("link", name=f"Resolve form {second}").click()
    ann._arrived("comparison")
    expect(page.get_by_text("They differ on 1 field.")).to_be_visible()
    page.get_by_label("First keying: Strongly agree (4)").check()
    page.get_by_role("button", name="Save and make the form count").click()
    ann._arrived("batch page after resolving")
    expect(ann.main().get_by_text("3 of 3 keyed; 3 count in reports")).to_be_visible()
    assert counted(live_server) == before + 3
