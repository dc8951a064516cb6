"""Volunteers print numbered paper questionnaires: one PDF for a batch of forms.

Checked as a volunteer would notice: what the print page says, what the PDF's pages say
(read back with pypdf), what the QR codes open, and what the database and audit trail then
hold. The phone survey is the yardstick for the questions: it is answered through the test
client, and what its pages ask must be on the paper form in the same order.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import threading
from collections import Counter

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app import paper_pdf
from app.data import paper_print
from app.data.area import get_survey
from app.data.audit import SYSTEM, events_for
from app.data.responses import find_journey
from app.extensions import db
from app.models import PaperPrintedForm, PaperPrintRun
from surveys.codebook import FORM_NUMBER_PATTERN, normalise_form_number
from tests.conftest import needs, sign_in
from tests.integration.test_paper_entry import open_batch
from tests.integration.walker import Walker, check_page

SURVEY = "lh-leaving-hospital"  # a move between services: CTM-15, I statements, carers' ones
SHORT = "lh-six-weeks-on"  # CTM-3: a short form, for the checks that do not need a long one
RETURN = "Hand this form back to the volunteer, or post it to Healthwatch Demo Area."
CODE = re.compile(r"\b([2-9A-Z]{5})-([2-9A-Z]{5})\b")


@pytest.fixture
def volunteer(staff_client, demo_area):
    return staff_client("volunteer")


def ask_to_print(client, survey=SURVEY, forms="3", large_print="no", journey_codes="yes"):
    return client.post(
        "/paper/print",
        data={
            "survey": survey,
            "forms": forms,
            "large_print": large_print,
            "journey_codes": journey_codes,
            "return_text": RETURN,
        },
    )


def print_pdf(client, **choices) -> tuple[str, bytes]:
    """Number forms on the print page, then download the PDF from the run's page."""
    posted = ask_to_print(client, **choices)
    assert posted.status_code == 302, posted.get_data(as_text=True)[:2000]
    run_page = client.get(posted.location)
    assert run_page.status_code == 200
    soup = check_page(run_page.get_data(as_text=True))
    link = soup.find("a", string=re.compile("Download the PDF"))["href"]
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return posted.location, download.data


def flat(text: str) -> str:
    """Text with its line breaks undone: a line that ends in a hyphen ("day-" then
    "to-day") was broken after the hyphen, not between two words."""
    return " ".join(re.sub(r"-\n", "-", text).split())


def forms_in(pdf: bytes) -> dict[str, list[str]]:
    """Each form's pages (their text), by the form number in the page header."""
    forms: dict[str, list[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = page.extract_text()
        numbers = set(re.findall(r"Form number (P\d+)", text))
        assert len(numbers) == 1, f"a page without exactly one form number: {numbers}"
        forms.setdefault(numbers.pop(), []).append(text)
    return forms


def font_sizes(pdf: bytes) -> Counter:
    """Characters printed at each size in points, as the reader draws them."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[round(abs(size * tm[3] * cm[3]), 1)] += len(text.strip())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


class Reader(Walker):
    """Answers the phone survey and keeps what each page asks: (question, its options)."""

    def __init__(self, client, answers):
        super().__init__(client, answers)
        self.asked: list[tuple[str, list[str]]] = []

    def step(self, url):
        soup = check_page(self.client.get(url).get_data(as_text=True))
        form = soup.find("form", method="post")
        for fieldset in form.find_all("fieldset"):
            radio = fieldset.find("input", type="radio")
            if radio is None or radio["name"] in ("has_code", "about_you"):
                continue  # the journey page and About you's yes or no: nothing to tick on paper
            labels = [label.get_text(" ", strip=True) for label in fieldset.find_all("label")]
            self.asked.append((fieldset.legend.get_text(" ", strip=True), labels))
        for box in form.find_all(["textarea", "input"]):
            written = box.name == "textarea" or box.get("type") == "text"
            if written and box["name"] != "code":
                label = form.find("label", attrs={"for": box["id"]})
                self.asked.append((label.get_text(" ", strip=True), []))
        return super().step(url)


def phone_asks(client, role: str) -> list[tuple[str, list[str]]]:
    reader = Reader(client, {"role": role})
    reader.complete(f"/s/{SURVEY}")
    return reader.asked


# The PDF


def test_a_batch_prints_each_form_with_its_own_number_code_and_qr_link(volunteer):
    run_url, pdf = print_pdf(volunteer, forms="3")
    forms = forms_in(pdf)
    assert len(forms) == 3 and len(set(forms)) == 3
    codes = {}
    for number, pages in forms.items():
        # Each form starts on a new page, its cover, with its number in the page header and
        # on the cover itself; "Page x of y" counts the form's own pages.
        assert flat(pages[0]).count(f"Form number {number}") == 2
        footers = [re.search(r"Page (\d+) of (\d+)", text).groups() for text in pages]
        assert footers == [(str(n), str(len(pages))) for n in range(1, len(pages) + 1)]
        cover = flat(pages[0])
        (code,) = {"".join(m) for m in CODE.findall(cover)}
        codes[number] = code
        assert find_journey(code) is not None, "the printed code is not a journey"
        # The link printed under the QR code opens this survey with this form's code.
        assert f"http://localhost/s/{SURVEY}?code={code}" in cover.replace(" ", "")
        assert RETURN in flat(pages[-1])
    assert len(set(codes.values())) == 3
    printed = db.session.scalars(select(PaperPrintedForm))
    assert {p.form_number: p.journey.code for p in printed} == codes
    assert run_url.startswith("/paper/print/")


def test_the_paper_asks_what_the_phone_asks_in_the_same_order(volunteer, client):
    _, pdf = print_pdf(volunteer, forms="1")
    (pages,) = forms_in(pdf).values()
    text = flat(" ".join(pages))
    asked = {}
    for role in ("patient", "carer"):
        asked[role] = phone_asks(client, role)
        assert len(asked[role]) > 20, asked[role]
        at = 0
        for question, options in asked[role]:
            found = text.find(flat(question), at)
            assert found >= 0, f"{role}: not on paper, or out of the phone's order: {question}"
            at = found + len(question)
            for label in options:
                assert flat(label) in text, f"{question}: option {label} not on paper"
    # Paper cannot skip what the phone skips: a question for carers only says so.
    patients = {question for question, _ in asked["patient"]}
    carers_only = [q for q, _ in asked["carer"] if q not in patients]
    assert len(carers_only) > 10
    for question in carers_only:
        before = text[: text.find(flat(question))]
        note = before[before.rfind("Only if") :]
        assert note.startswith("Only if you are a carer"), (question, note[:80])


def test_the_cover_says_what_the_phone_start_page_says(app, volunteer, client):
    app.config["ORGANISATION_NAME"] = 'Healthwatch "Brighton & Hove"'
    _, pdf = print_pdf(volunteer, survey=SHORT, forms="1")
    (pages,) = forms_in(pdf).values()
    for text in pages:  # the page header names the organisation, on every page
        header = 'Healthwatch "Brighton & Hove" Form number'
        assert any(line.startswith(header) for line in text.splitlines()), text
    cover = flat(pages[0])
    start = check_page(client.get(f"/s/{SHORT}").get_data(as_text=True))
    said = [start.select_one(".nhsuk-lede-text"), *start.select("ul.nhsuk-list--bullet li")]
    said.append(start.find("h2", string="Why we are asking").find_next("p"))
    kept = [flat(p.get_text(" ")) for p in said if "saved as you go" not in p.get_text()]
    assert len(kept) >= 5
    for sentence in kept:
        assert sentence in cover, sentence
    assert "Please do not write your name or address on this form." in cover


def test_standard_print_is_12_point_and_large_print_16_point_or_more(volunteer):
    _, standard = print_pdf(volunteer, survey=SHORT, forms="1")
    sizes = font_sizes(standard)
    assert sizes.most_common(1)[0][0] == 12.0, sizes
    assert min(sizes) >= 11, sizes
    _, large = print_pdf(volunteer, survey=SHORT, forms="1", large_print="yes")
    sizes = font_sizes(large)
    assert min(sizes) >= 16, f"text under 16 point in large print: {sizes}"
    assert sizes.most_common(1)[0][0] == 16.0, sizes


def test_large_print_lists_each_questions_answers_under_it_in_order(volunteer, client):
    _, pdf = print_pdf(volunteer, forms="1", large_print="yes", journey_codes="no")
    (pages,) = forms_in(pdf).values()
    text = flat(" ".join(pages))
    for question, options in phone_asks(client, "patient"):
        at = text.find(flat(question))
        assert at >= 0, question
        for label in options:  # each option under the question, in the phone's order
            found = text.find(flat(label), at)
            assert found >= 0, f"{question}: {label}"
            at = found
    assert not CODE.search(text), "a journey code was printed though none was asked for"
    assert "If you have a journey code, write it here:" in text
    assert f"http://localhost/s/{SURVEY} " in text


def test_the_pdf_is_titled_has_a_bookmark_per_form_and_claims_no_tagging(volunteer):
    # For paper: people who use a screen reader answer the phone survey. So the file must not
    # claim to be tagged (PDF/UA) when its text is not all in a structure tree.
    import pikepdf

    _, pdf = print_pdf(volunteer, survey=SHORT, forms="3", journey_codes="no")
    doc = pikepdf.open(io.BytesIO(pdf))
    assert "How things are six weeks on" in str(doc.docinfo.get("/Title", ""))
    assert "/StructTreeRoot" not in doc.Root
    assert not doc.Root.get("/MarkInfo", {}).get("/Marked", False)
    with doc.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") is None
    page_numbers = {page.objgen: n for n, page in enumerate(doc.pages)}
    with doc.open_outline() as outline:
        marks = [(item.title, page_numbers[item.destination[0].objgen]) for item in outline.root]
    per_form = len(doc.pages) // 3
    assert marks == [(f"Form P{n + 1}", n * per_form) for n in range(3)]
    assert set(forms_in(pdf)) == {"P1", "P2", "P3"}


def test_each_qr_code_opens_the_survey_with_that_forms_code(volunteer, tmp_path):
    try:
        import zxingcpp
    except ImportError:
        needs("zxing-cpp", "a QR decoder: pip install zxing-cpp (the test extra)")
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        needs("pdftoppm", "poppler-utils turns the PDF into pictures to scan")
    _, pdf = print_pdf(volunteer, survey=SHORT, forms="2")
    forms = forms_in(pdf)
    path = tmp_path / "forms.pdf"
    path.write_bytes(pdf)
    first_pages = [1, 1 + len(next(iter(forms.values())))]
    scanned = []
    for page in first_pages:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "200",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                path,
                tmp_path / "p",
            ],
            check=True,
        )
        (picture,) = tmp_path.glob("p-*.png")
        (found,) = zxingcpp.read_barcodes(Image.open(picture))
        picture.unlink()
        scanned.append(found.text)
    for url, (number, pages) in zip(scanned, forms.items(), strict=True):
        code = "".join(CODE.search(flat(pages[0])).groups())
        assert url == f"http://localhost/s/{SHORT}?code={code}", number
        opened = volunteer.get(url.removeprefix("http://localhost"))
        assert opened.status_code == 200 and code[:5] in opened.get_data(as_text=True)


# Numbers


def test_a_second_print_run_never_repeats_a_number(volunteer, app):
    first = ask_to_print(volunteer, forms="3", journey_codes="no")
    second = ask_to_print(volunteer, forms="2", journey_codes="no")
    other_survey = ask_to_print(volunteer, survey=SHORT, forms="2", journey_codes="no")
    assert {first.status_code, second.status_code, other_survey.status_code} == {302}
    page = flat(check_page(volunteer.get(second.location).get_data(as_text=True)).get_text(" "))
    assert "Forms P4 to P5" in page
    survey = get_survey(SURVEY)
    numbers = db.session.scalars(
        select(PaperPrintedForm.number).where(PaperPrintedForm.survey_id == survey.id)
    ).all()
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    page = flat(volunteer.get(other_survey.location).get_data(as_text=True))
    assert "Forms P1 to P2" in page  # numbers count per survey


def test_printing_carries_on_after_numbers_a_group_already_used(volunteer):
    # A group numbered its own forms P7 and typed them into the survey's spreadsheet.
    template = volunteer.get(f"/paper/surveys/{SHORT}/template.csv")
    header = next(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
    row = {"form_number": "p7", "who_answered": "Patient", "service": "Riverside Surgery"}
    row["ctm-3.ctm3_1"] = "Agree"
    sheet = io.StringIO()
    csv.writer(sheet).writerows([header, [row.get(name, "") for name in header]])
    imported = volunteer.post(
        "/paper/import",
        data={
            "survey": SHORT,
            "place": "Riverside Carers' Centre",
            "collected_on": "2026-03-02",
            "file": (io.BytesIO(sheet.getvalue().encode()), "forms.csv"),
        },
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, imported.get_data(as_text=True)[:2000]
    posted = ask_to_print(volunteer, survey=SHORT, forms="2", journey_codes="no")
    page = flat(check_page(volunteer.get(posted.location).get_data(as_text=True)).get_text(" "))
    assert "Forms P8 to P9" in page


def test_printed_numbers_are_form_numbers_keyed_entry_accepts(volunteer):
    ask_to_print(volunteer, forms="12")
    survey = get_survey(SURVEY)
    typed = " p 12 "  # as a volunteer might type it
    number = normalise_form_number(typed)
    assert FORM_NUMBER_PATTERN.match(number)
    printed = paper_print.printed_form(survey, number)
    assert printed is not None and printed.form_number == "P12" and printed.journey is not None
    assert paper_print.printed_form(survey, "P012") is None
    assert paper_print.printed_form(survey, "12") is None


def test_print_runs_at_the_same_moment_get_different_numbers(app, demo_area):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL, the production database")
    survey_id = get_survey(SURVEY).id
    db.session.commit()
    barrier = threading.Barrier(4)
    failures = []

    def print_some():
        with app.app_context():
            try:
                survey = db.session.get(type(get_survey(SURVEY)), survey_id)
                barrier.wait(timeout=10)
                for _ in range(3):
                    paper_print.print_run(
                        SYSTEM, survey, 5, large_print=False, journey_codes=True, return_text="x"
                    )
            except Exception as exc:  # reported below, with the thread's error
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=print_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    numbers = db.session.scalars(select(PaperPrintedForm.number)).all()
    assert sorted(numbers) == list(range(1, 61))
    runs = db.session.scalars(select(PaperPrintRun)).all()
    assert sorted((r.first_number, r.last_number) for r in runs) == [
        (n, n + 4) for n in range(1, 61, 5)
    ]


# The print page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Enter a number of forms from 1 to 500"),
        ("501", "Enter a number of forms from 1 to 500"),
        ("ten", "Enter the number of forms in figures, like 20"),
        ("", "Enter how many forms to print"),
    ],
)
def test_a_wrong_number_of_forms_is_explained_and_numbers_nothing(volunteer, typed, message):
    response = ask_to_print(volunteer, forms=typed)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    summary = [a.get_text(strip=True) for a in soup.select(".nhsuk-error-summary__list a")]
    assert summary == [message]
    assert soup.select_one(".nhsuk-error-summary__list a")["href"] == "#forms"
    assert soup.find("input", id="forms")["value"] == typed  # what was typed stays to correct
    assert db.session.scalar(select(func.count()).select_from(PaperPrintRun)) == 0
    assert db.session.scalar(select(func.count()).select_from(PaperPrintedForm)) == 0
    assert events_for("paper.print") == []


def test_every_choice_is_asked_for(volunteer):
    response = volunteer.post("/paper/print", data={"forms": "5", "return_text": ""})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    summary = [a.get_text(strip=True) for a in soup.select(".nhsuk-error-summary__list a")]
    assert summary == [
        "Choose the survey to print",
        "Choose whether to print in large print",
        "Choose whether to print a journey code on each form",
        "Enter how people give the form back",
    ]


def test_the_print_page_offers_a_sensible_way_to_give_forms_back(volunteer):
    soup = check_page(volunteer.get("/paper/print").get_data(as_text=True))
    assert soup.h1.get_text(strip=True) == "Print questionnaires"
    returned = soup.find("textarea", id="return_text").get_text()
    assert "give this form back to the person who gave it to you" in returned
    assert "Healthwatch Demo Area" in returned
    assert soup.find("select", id="survey").find("option", value=SURVEY)


def test_a_print_run_is_audited(volunteer):
    response = ask_to_print(volunteer, forms="4", large_print="yes", journey_codes="no")
    assert response.status_code == 302
    (event,) = events_for("paper.print")
    assert event.actor_email == "volunteer@test.invalid"
    assert event.target == f"survey {SURVEY}"
    assert event.after | {"run": None} == {
        "run": None,
        "forms": 4,
        "first": "P1",
        "last": "P4",
        "large_print": True,
        "journey_codes": False,
    }
    run = db.session.scalar(select(PaperPrintRun))
    assert (run.large_print, run.journey_codes, run.return_text) == (True, False, RETURN)
    assert [p.journey for p in run.printed] == [None] * 4


def test_a_run_over_100_forms_is_offered_as_one_pdf(volunteer):
    posted = ask_to_print(volunteer, survey=SHORT, forms="101", journey_codes="no")
    soup = check_page(volunteer.get(posted.location).get_data(as_text=True))
    downloads = [a.get_text(strip=True) for a in soup.select("main a[href*='forms.pdf']")]
    assert downloads == ["Download the PDF (101 forms)"], "one PDF, no parts"


def test_forms_laid_out_in_several_chunks_each_keep_their_own_parts(volunteer, monkeypatch):
    # The forms' own parts are laid out a chunk of forms at a time (500 forms: 10 chunks); a
    # small chunk here, so a few forms cross two chunk boundaries.
    monkeypatch.setattr(paper_pdf, "CHUNK", 3)
    _, pdf = print_pdf(volunteer, survey=SHORT, forms="8")
    printed = forms_in(pdf)
    assert list(printed) == [f"P{n}" for n in range(1, 9)]
    codes = {}
    for number, pages in printed.items():
        cover = flat(pages[0])
        assert cover.count(f"Form number {number}") == 2
        footers = [re.search(r"Page (\d+) of (\d+)", text).groups() for text in pages]
        assert footers == [(str(n), str(len(pages))) for n in range(1, len(pages) + 1)]
        (code,) = {"".join(m) for m in CODE.findall(cover)}
        assert f"http://localhost/s/{SHORT}?code={code}" in cover.replace(" ", "")
        codes[number] = code
    assert len(set(codes.values())) == 8
    stored = db.session.scalars(select(PaperPrintedForm))
    assert {p.form_number: p.journey.code for p in stored} == codes


# Who may print


def test_volunteers_and_admins_print_commissioners_do_not(staff_client, demo_area):
    for role in ("volunteer", "admin"):
        client = staff_client(role)
        assert client.get("/paper/print").status_code == 200
        assert ask_to_print(client, forms="1").status_code == 302
    commissioner = staff_client("commissioner")
    assert commissioner.get("/paper/print").status_code == 403
    assert ask_to_print(commissioner, forms="1").status_code == 403
    assert commissioner.get("/paper/print/1/forms.pdf").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(PaperPrintRun)) == 2


def test_a_volunteer_sees_only_their_own_print_runs(app, staff_client, make_user, demo_area):
    mine = staff_client("volunteer")
    run_url = ask_to_print(mine, forms="1").location
    other = make_user("volunteer", email="other-volunteer@test.invalid")
    theirs = app.test_client()
    sign_in(theirs, other.email)
    assert theirs.get(run_url).status_code == 404
    assert theirs.get(run_url + "/forms.pdf").status_code == 404
    assert "Forms P1 to P1" not in theirs.get("/paper/print").get_data(as_text=True)
    admin = staff_client("admin")
    assert admin.get(run_url).status_code == 200
    assert "Forms P1 to P1" in admin.get("/paper/print").get_data(as_text=True)


def test_every_answer_of_a_long_list_is_printed_with_the_two_digit_key_keyed_for_it(
    volunteer, client
):
    """The keys printed beside the boxes are the keys the entry screen takes: 01 to 20 for
    ethnic group, 01 to 10 for age, in the phone's order of the answers."""
    _, pdf = print_pdf(volunteer, forms="1", large_print="yes", journey_codes="no")
    (pages,) = forms_in(pdf).values()
    text = flat(" ".join(pages))
    batch = open_batch(volunteer)
    screen = check_page(volunteer.get(f"/paper/batches/{batch}/key").text)
    asked = dict(phone_asks(client, "patient"))
    for question, box in [
        ("What is your ethnic group?", "ethnic-group"),
        ("What is your age?", "age-band"),
    ]:
        labels = asked[question]
        assert len(labels) >= 10, labels
        at = text.find(question)
        hint = screen.select_one(f"#f-about-you-{box}-hint").get_text(" ", strip=True)
        for number, label in enumerate(labels, 1):
            printed = f"{number:02d} {flat(label)}"
            found = text.find(printed, at)
            assert found > at, f"{question}: {printed} not printed in order"
            at = found
            assert printed in hint, f"{question}: the entry screen does not take {printed}"
