"""Page objects for the staff side: set the area up the way an administrator does.

An `Admin` reads the page as a person does: it finds boxes by their labels, radios and
checkboxes by the words next to them, buttons and links by their text, tables by their
captions. Every action that loads a page waits for it, then hands it to `on_page` (for
example, `check_accessible`), so no page the administrator sees goes unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.e2e.pages import exactly

LAPTOP = {
    "viewport": {"width": 1280, "height": 900},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
}

# The text of a table cell as a person reads it on a wide screen: without the column name
# repeated for narrow screens, and without words only screen readers hear.
_TABLE_ROWS_JS = """
    rows => rows.map(row => [...row.cells].map(cell => {
        const copy = cell.cloneNode(true);
        copy.querySelectorAll('.nhsuk-table-responsive__heading, .nhsuk-u-visually-hidden')
            .forEach(e => e.remove());
        copy.querySelectorAll('br').forEach(e => e.replaceWith(' '));
        return copy.textContent.replace(/\\s+/g, ' ').trim();
    }))
"""


def name(text: str | re.Pattern) -> str | re.Pattern:
    """A whole accessible name: the string itself, or a pattern as given."""
    return text if isinstance(text, re.Pattern) else exactly(text)


@dataclass
class Admin:
    """One member of staff at one browser page."""

    page: Page
    # Called on every page the person lands on, with a short description of it.
    on_page: Callable[[Page, str], None] | None = None
    # The path of every page landed on, in order (a page sent back with errors counts again).
    visited: list[str] = field(default_factory=list)

    # --- where am I -------------------------------------------------------------------
    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def _arrived(self, what: str) -> None:
        self.page.wait_for_load_state()
        self.visited.append(self.path)
        if self.on_page:
            self.on_page(self.page, what)

    # --- finding things ---------------------------------------------------------------
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    def menu(self) -> Locator:
        return self.page.get_by_role("navigation", name="Staff menu")

    def table(self, caption: str | re.Pattern) -> Locator:
        """A table, by its caption (which is its accessible name)."""
        return self.page.get_by_role("table", name=name(caption))

    def table_rows(self, caption: str | re.Pattern) -> list[list[str]]:
        """The body rows of a table, each a list of its cells' visible text."""
        table = self.table(caption)
        expect(table).to_be_visible()
        return table.locator("tbody tr").evaluate_all(_TABLE_ROWS_JS)

    def column(self, caption: str | re.Pattern, header: str) -> list[str]:
        """One column of a table, by its header text."""
        headers = [h.strip() for h in self.table(caption).locator("thead th").all_inner_texts()]
        n = headers.index(header)
        return [row[n] for row in self.table_rows(caption)]

    def summary(self, key: str) -> Locator:
        """The value next to ``key`` in a summary list (a <dl> of terms and definitions)."""
        term = self.main().get_by_role("term").filter(has_text=exactly(key))
        return term.locator("xpath=following-sibling::dd[1]")

    def banner(self) -> Locator:
        """The green "Done" message shown after a change is saved."""
        return self.page.get_by_role("alert").filter(has_text="Done")

    def error_summary(self) -> list[str]:
        """The problems listed in the red box at the top of a form sent with mistakes."""
        box = self.page.get_by_role("alert").filter(
            has=self.page.get_by_role("heading", name="There is a problem")
        )
        expect(box).to_be_visible()
        return [t.strip() for t in box.get_by_role("listitem").all_inner_texts()]

    # --- doing things -----------------------------------------------------------------
    def goto(self, path: str, what: str = "") -> None:
        self.page.goto(path)
        self._arrived(what or path)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in from the sign-in page with the keyboard: type, Tab, type, Enter."""
        self.goto("/staff/sign-in", "sign-in page")
        expect(self.heading()).to_have_text("Sign in")
        email_box = self.page.get_by_label("E-mail address", exact=True)
        password_box = self.page.get_by_label("Password", exact=True)
        email_box.focus()
        self.page.keyboard.type(email)
        self.page.keyboard.press("Tab")
        expect(password_box).to_be_focused()
        self.page.keyboard.type(password)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self._arrived("staff home")

    def open_menu(self, text: str) -> None:
        """Follow an entry of the staff menu; on a narrow screen it may be under "More"."""
        link = self.menu().get_by_role("link", name=text, exact=True)
        if not link.is_visible():
            self.menu().get_by_role("button", name=re.compile(r"More$")).click()
            expect(link).to_be_visible()
        with self.page.expect_navigation():
            link.click()
        self._arrived(text)

    def press(self, control: str | re.Pattern | Locator, what: str = "") -> None:
        """Press a button, or a link that looks like one, in the page's main content, and
        wait for the page that comes back."""
        if isinstance(control, Locator):
            target = control
        else:
            wanted = name(control)
            main = self.main()
            target = main.get_by_role("button", name=wanted).or_(
                main.get_by_role("link", name=wanted)
            )
        label = what or (control if isinstance(control, str) else str(control))
        with self.page.expect_navigation():
            target.click()
        self._arrived(label)

    def fill(self, label: str, value: str) -> None:
        box = self.page.get_by_label(label, exact=True)
        box.fill(value)
        expect(box).to_have_value(value)

    def choose(self, label: str, within: Locator | None = None) -> None:
        """Click the words of a radio option and see it selected."""
        scope = within or self.main()
        scope.locator("label").filter(has_text=exactly(label)).click()
        expect(scope.get_by_role("radio", name=label, exact=True)).to_be_checked()

    def tick(self, label: str, within: Locator | None = None) -> None:
        """Click the words of a checkbox and see it ticked."""
        scope = within or self.main()
        scope.locator("label").filter(has_text=exactly(label)).click()
        expect(scope.get_by_role("checkbox", name=label, exact=True)).to_be_checked()

    def group(self, legend: str) -> Locator:
        """A set of radios or checkboxes, by its question (its legend)."""
        return self.page.get_by_role("group", name=legend, exact=True)

    # --- whole tasks ------------------------------------------------------------------
    def add_service(
        self,
        code: str,
        service_name: str,
        sector: str,
        locality: str = "",
        ods_code: str = "",
    ) -> None:
        """From the Services page: Add a service, fill the form in and save it."""
        self.press("Add a service")
        expect(self.heading()).to_have_text("Add a service")
        self.fill("Code", code)
        self.fill("Name", service_name)
        self.choose(sector, self.group("Sector"))
        if locality:
            self.fill("Locality (optional)", locality)
        if ods_code:
            self.fill("ODS code (optional)", ods_code)
        self.press("Save service")
        expect(self.heading()).to_have_text("Services")
        expect(self.banner()).to_contain_text(f"Service saved: {service_name}")

    def add_pathway(self, slug: str, pathway_name: str, description: str = "") -> None:
        """From the Pathways page: Add a pathway, fill the form in and save it."""
        self.press("Add a pathway")
        expect(self.heading()).to_have_text("Add a pathway")
        self.fill("Slug", slug)
        self.fill("Name", pathway_name)
        if description:
            self.fill("Description (optional)", description)
        self.press("Save pathway")
        expect(self.heading()).to_have_text(pathway_name)
        expect(self.banner()).to_contain_text(f"Pathway saved: {pathway_name}")

    def add_stage(self, slug: str, stage_name: str, kind: str, description: str = "") -> None:
        """From a pathway's page: Add a stage, fill the form in and save it."""
        self.press("Add a stage")
        expect(self.heading()).to_have_text("Add a stage")
        self.fill("Slug", slug)
        self.fill("Name", stage_name)
        self.choose(kind, self.group("What kind of stage is it?"))
        if description:
            self.fill("Description (optional)", description)
        self.press("Save stage")
        expect(self.banner()).to_contain_text(f"Stage saved: {stage_name}")
