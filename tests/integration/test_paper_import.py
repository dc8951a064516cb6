"""Volunteers import spreadsheets of paper answers: through the web page and the command line.

The files are made the way a volunteer makes them: download the survey's template, fill in
rows, upload. Checked from the outside: what the page and the command say, and what reports,
scores, equality profiles and the audit trail then hold.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import create_app, journey_code
from app.cli import DEMO_AREA
from app.data.area import get_survey, load_area, read_area_file
from app.data.audit import SYSTEM, events_for
from app.data.paper_forms import layout_for
from app.data.report_queries import ReportFilter, measure_stats, overview
from app.data.responses import create_journey
from app.data.scores import store_scores
from app.data.users import create_user_with_password
from app.extensions import db
from app.models import (
    Journey,
    PaperBatch,
    PaperForm,
    Response,
    ResponseProfile,
    ResponseScore,
    Service,
)
from surveys.codebook import interpret
from tests.conftest import STAFF_PASSWORD, FreshGlobalsClient
from tests.integration.walker import check_page

SURVEY = "lh-six-weeks-on"  # CTM-3 and I statements; patients and carers; seven services
PATHWAY = ReportFilter("leaving-hospital")
PATIENT = {
    "form_number": "1",
    "who_answered": "Patient",
    "service": "Riverside Surgery",
    "ctm-3.ctm3_1": "Strongly agree",  # 4
    "ctm-3.ctm3_2": "strongly agree",  # 4
    "ctm-3.ctm3_3": "3",  # Agree
    "about-you.ethnic_group": "Pakistani",
    "about-you.age_band": "75 to 84",
    "went_well": "The district nurse came the next day",
}
CARER = {
    "form_number": "2",
    "who_answered": "carer",
    "service": "district-nursing",
    "date_completed": "14/02/2026",
    "i-statements-carer.cs_break": "2",
}
SECOND_PATIENT = {
    "form_number": "3",
    "who_answered": "patient",
    "service": "reablement",
    "ctm-3.ctm3_1": "4",
    "ctm-3.ctm3_3": "dk",  # with the blank second item: one answer of three, no valid score
}
COLLECTED = "2026-03-02"


@pytest.fixture
def volunteer(staff_client, demo_area):
    return staff_client("volunteer")


def template(client, slug: str = SURVEY) -> list[str]:
    response = client.get(f"/paper/surveys/{slug}/template.csv")
    assert response.status_code == 200
    return next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def filled(header: list[str], rows: list[dict], sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8")


def upload(client, data: bytes, name: str = "forms.csv", **fields):
    form = {"survey": SURVEY, "place": "Riverside Carers' Centre", "collected_on": COLLECTED}
    form.update(fields)
    form["file"] = (io.BytesIO(data), name)
    return client.post("/paper/import", data=form, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def summary(response) -> list[str]:
    soup = check_page(response.text)
    return [li.get_text(" ", strip=True) for li in soup.select(".nhsuk-error-summary__list li")]


def banner(client) -> str:
    soup = check_page(client.get("/paper/").text)
    return soup.select_one(".nhsuk-notification-banner").get_text(" ", strip=True)


def responses() -> list[Response]:
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def service_code(service_id: int | None) -> str | None:
    return db.session.scalar(select(Service.code).where(Service.id == service_id))


# --- templates --------------------------------------------------------------------------------


def test_a_volunteer_finds_each_surveys_templates_and_codebook(volunteer):
    home = check_page(volunteer.get("/paper/").text)
    links = {a["href"] for a in home.select("a[href^='/paper/surveys/']")}
    for name in ("template.xlsx", "template.csv", "codebook.csv"):
        assert f"/paper/surveys/{SURVEY}/{name}" in links
    workbook = volunteer.get(f"/paper/surveys/{SURVEY}/template.xlsx")
    assert workbook.headers["Content-Disposition"] == (
        f'attachment; filename="{SURVEY}-template.xlsx"'
    )
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["Responses", "Codebook"]
    header = [c.value for c in book["Responses"][1]]
    assert header == template(volunteer)
    codebook = volunteer.get(f"/paper/surveys/{SURVEY}/codebook.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(codebook)))
    # Every service the survey offers is listed with its name.
    assert ["service", "", "", "", "reablement", "Council reablement service"] in rows
    assert volunteer.get("/paper/surveys/no-such-survey/template.csv").status_code == 404


# --- a good file --------------------------------------------------------------------------------


def test_an_imported_file_adds_paper_responses_that_reports_count(volunteer):
    data = filled(template(volunteer), [PATIENT, CARER, SECOND_PATIENT])
    response = upload(volunteer, data)
    assert response.status_code == 302
    assert "3 paper forms added in batch" in banner(volunteer)

    first, carer, second = responses()
    assert {r.channel for r in (first, carer, second)} == {"paper"}
    assert {r.status for r in (first, carer, second)} == {"complete"}
    assert [r.role for r in (first, carer, second)] == ["patient", "carer", "patient"]
    assert [service_code(r.service_id) for r in (first, carer, second)] == [
        "riverside-surgery",
        "district-nursing",
        "reablement",
    ]
    assert {r.stage.slug for r in (first, carer, second)} == {"six-weeks-on"}
    # The date on the form, else the day the forms were collected.
    assert first.completed_at.date() == date(2026, 3, 2)
    assert carer.completed_at.date() == date(2026, 2, 14)
    # Each gets a journey of its own, as a web response without a code does.
    assert len({r.journey_id for r in (first, carer, second)}) == 3

    answers = {(a.instrument_id, a.item_id): (a.code, a.text) for a in first.answers}
    assert answers[("ctm-3", "ctm3_1")] == ("4", None)
    assert answers[("ctm-3", "went_well")] == (None, "The district nurse came the next day")

    overview_now = overview(PATHWAY)
    assert overview_now["channels"] == {"paper": 3}
    ctm = {
        (row["channel"], row["measure"]): row
        for row in measure_stats(PATHWAY, ("channel",))
        if row["measure"] == "ctm-3"
    }
    # Only the first patient has a valid CTM-3 score: (4 + 4 + 3) / 3 = 3.67 -> 88.9 on 0-100.
    assert ctm["paper", "ctm-3"]["n"] == 1
    assert ctm["paper", "ctm-3"]["total"] == pytest.approx((11 / 3 - 1) / 3 * 100)

    profile = db.session.get(ResponseProfile, first.id)
    assert profile.ethnic_broad == "Asian or Asian British"
    assert profile.age_band == "75_84"
    assert db.session.get(ResponseProfile, carer.id).ethnic_broad == "not_answered"


def test_blank_statements_count_as_asked_so_too_few_answers_give_no_score(volunteer):
    two_of_three = {**SECOND_PATIENT, "form_number": "4", "ctm-3.ctm3_3": "3"}
    upload(volunteer, filled(template(volunteer), [SECOND_PATIENT, two_of_three]))
    one, two = responses()
    assert db.session.get(ResponseScore, (one.id, "ctm-3")) is None  # 1 answered of 3 asked
    score = db.session.get(ResponseScore, (two.id, "ctm-3"))
    assert (score.answered, score.asked) == (2, 3)
    assert score.score == pytest.approx((3.5 - 1) / 3 * 100)


def stored(model, ids) -> dict:
    columns = [c.key for c in model.__table__.columns]
    rows = db.session.scalars(select(model).where(model.response_id.in_(ids)))
    return {
        tuple(getattr(r, c) for c in columns[:2]): [getattr(r, c) for c in columns] for r in rows
    }


def test_scores_and_profiles_are_those_the_web_completion_would_store(volunteer):
    """Recomputing every imported response the way a completed web response is scored
    (``store_scores``, with the items the paper form asked) changes no stored row."""
    web = create_journey()  # a journey an earlier response began; the form carries its code
    db.session.commit()
    header = template(volunteer)
    every_carer_item = {h: "3" for h in header if h.startswith("i-statements-carer.")}
    carer = {**CARER, "service": "oakview-care-home", **every_carer_item}
    rows = [PATIENT, carer, SECOND_PATIENT, {**carer, "form_number": "9", "journey_code": web.code}]
    upload(volunteer, filled(header, rows))
    ids = [r.id for r in responses()]
    before = (stored(ResponseScore, ids), stored(ResponseProfile, ids))
    measures = {measure for _, measure in before[0]}
    assert {"ctm-3", "i-statements-carer"} <= measures and len(before[1]) == 4
    layout = layout_for(get_survey(SURVEY))
    for form in db.session.scalars(select(PaperForm)):
        store_scores(form.response, interpret(layout, form.record).asked)
    db.session.commit()
    assert (stored(ResponseScore, ids), stored(ResponseProfile, ids)) == before


def test_the_import_is_in_the_audit_trail_with_who_when_and_the_batch(volunteer, staff_client):
    upload(volunteer, filled(template(volunteer), [PATIENT, CARER]), name="march.csv")
    (event,) = events_for("paper.import")
    batch = db.session.scalar(select(PaperBatch))
    assert event.actor_email == "volunteer@test.invalid"
    assert event.target == f"{SURVEY} batch {batch.id}"
    assert event.after["file"] == "march.csv"
    assert event.after["form_numbers"] == ["1", "2"]
    assert batch.created_by.email == "volunteer@test.invalid"
    assert (batch.source, batch.status, batch.place) == (
        "import",
        "closed",
        "Riverside Carers' Centre",
    )
    assert batch.collected_on == date(2026, 3, 2)
    assert {f.response.channel for f in batch.forms} == {"paper"}
    trail = staff_client("admin").get("/admin/audit?action=paper.import").text
    assert "Paper responses imported from a spreadsheet" in trail
    assert f"{SURVEY} batch {batch.id}" in trail


def test_an_excel_file_and_a_semicolon_csv_with_windows_line_endings_both_import(volunteer):
    header = template(volunteer)
    book = load_workbook(io.BytesIO(volunteer.get(f"/paper/surveys/{SURVEY}/template.xlsx").data))
    sheet = book["Responses"]
    sheet.append([{**PATIENT, "form_number": 11}.get(name) for name in header])
    saved = io.BytesIO()
    book.save(saved)
    assert upload(volunteer, saved.getvalue(), name="forms.xlsx").status_code == 302
    semicolons = b"\xef\xbb\xbf" + filled(header, [{**CARER, "form_number": "12"}], sep=";")
    semicolons = semicolons.replace(b"\n", b"\r\n")
    assert upload(volunteer, semicolons).status_code == 302
    assert count(Response) == 2


# --- bad files save nothing ---------------------------------------------------------------------


def test_a_file_with_good_and_bad_rows_saves_nothing_and_lists_every_problem(volunteer):
    bad_code = {**PATIENT, "form_number": "5", "ctm-3.ctm3_2": "Agre"}
    bad_date = {**CARER, "form_number": "6", "date_completed": "2026-02-30"}
    duplicate = {**SECOND_PATIENT, "form_number": "005"}
    data = filled(template(volunteer), [PATIENT, bad_code, bad_date, duplicate, CARER])
    response = upload(volunteer, data)
    assert response.status_code == 200
    problems = summary(response)
    assert len(problems) == 3
    assert (
        problems[0].startswith("Row 3, column")
        and "'Agre' is not one of the answers" in problems[0]
    )
    assert problems[1].startswith("Row 4, column") and "'2026-02-30' is not a date" in problems[1]
    assert problems[2].startswith("Row 5, column") and "is also in row 3" in problems[2]
    assert "The file has 3 problems. Nothing was saved" in response.text
    for model in (Response, PaperBatch, PaperForm, Journey):
        assert count(model) == 0, model.__name__
    assert events_for("paper.import") == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The file is empty"),
        (b"%PDF-1.4\n\x00\x00binary", "could not read this file as a spreadsheet"),
        (b"name,age\nAnn,80\n", "does not hold the template's column names"),
    ],
)
def test_files_that_are_not_filled_templates_are_refused(volunteer, data, says):
    response = upload(volunteer, data, name="forms.csv")
    assert response.status_code == 200
    assert any(says in problem for problem in summary(response))
    assert count(PaperBatch) == 0


def test_the_form_itself_is_checked_before_the_file(volunteer):
    response = upload(volunteer, b"form_number\n1\n", place="", collected_on="2099-01-01")
    problems = summary(response)
    assert "Enter where the forms were collected" in problems
    future = upload(volunteer, filled(template(volunteer), [PATIENT]), collected_on="2099-01-01")
    assert "The date the forms were collected is in the future" in summary(future)
    assert count(Response) == 0


# --- importing again --------------------------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(volunteer):
    data = filled(template(volunteer), [PATIENT, CARER])
    upload(volunteer, data)
    assert "2 paper forms added in batch" in banner(volunteer)
    upload(volunteer, data, collected_on="2026-03-09")  # another day: still the same forms
    assert "0 paper forms added. 2 were already in and left as they were." in banner(volunteer)
    assert (count(Response), count(PaperBatch), count(PaperForm)) == (2, 1, 2)
    more = filled(template(volunteer), [PATIENT, CARER, {**SECOND_PATIENT, "form_number": "03"}])
    upload(volunteer, more)
    done = banner(volunteer)
    assert "1 paper form added in batch" in done and "2 were already in" in done
    assert (count(Response), count(PaperBatch)) == (3, 2)


def test_a_different_form_under_a_number_already_used_is_refused(volunteer):
    upload(volunteer, filled(template(volunteer), [PATIENT]))
    changed = {**PATIENT, "ctm-3.ctm3_3": "2"}
    response = upload(volunteer, filled(template(volunteer), [changed, CARER]))
    (problem,) = summary(response)
    assert problem.startswith("Row 2, column A (form_number): '1' was entered before (batch 1")
    assert "with different answers (ctm-3.ctm3_3)" in problem
    assert count(Response) == 1


# --- journeys -------------------------------------------------------------------------------


def test_a_journey_code_on_the_form_joins_the_journey_it_names(volunteer):
    journey = create_journey()
    db.session.commit()
    typed = f"{journey.code[:5].lower()} {journey.code[5:].lower()}"
    unknown = journey_code.generate()
    rows = [{**PATIENT, "journey_code": typed}, {**CARER, "journey_code": unknown}]
    response = upload(volunteer, filled(template(volunteer), rows))
    (problem,) = summary(response)
    assert problem.startswith(f"Row 3, column C (journey_code): '{unknown}' is not the journey")
    upload(volunteer, filled(template(volunteer), rows[:1]))
    (paper,) = responses()
    assert paper.journey_id == journey.id


# --- a move between services --------------------------------------------------------------------


def test_a_move_keeps_where_from_and_where_to(volunteer):
    header = template(volunteer, "lh-leaving-hospital")
    row = {
        "form_number": "L1",
        "who_answered": "patient",
        "moved_from": "County Hospital wards",
        "moved_to": "oakview-care-home",
        "ctm-15.ctm01": "4",
    }
    response = upload(volunteer, filled(header, [row]), survey="lh-leaving-hospital")
    assert response.status_code == 302
    (paper,) = responses()
    assert service_code(paper.from_service_id) == "county-wards"
    assert service_code(paper.to_service_id) == "oakview-care-home"
    assert paper.service_id == paper.from_service_id  # as the web stores a move


# --- the command line -------------------------------------------------------------------------


def test_the_command_line_imports_reports_problems_and_adds_nothing_twice(volunteer, app, tmp_path):
    header = template(volunteer)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(filled(header, [PATIENT, CARER]))
    bad.write_bytes(filled(header, [PATIENT, {**CARER, "service": "the moon", "form_number": ""}]))
    runner = app.test_cli_runner()
    args = ["import-responses", "--survey", SURVEY, "--collected-on", COLLECTED]

    refused = runner.invoke(args=[*args, str(bad)])
    assert refused.exit_code == 1
    lines = refused.output.splitlines()
    assert lines[0] == (
        "Row 3, column A (form_number) is missing: every form needs its number, so it is never "
        "entered twice"
    )
    assert lines[1].startswith("Row 3, column E (service): 'the moon' is not one of the answers")
    assert lines[-1] == "Nothing was imported: bad.csv has 2 problems."
    assert count(Response) == 0

    added = runner.invoke(args=[*args, str(good)])
    assert added.exit_code == 0, added.output
    assert re.fullmatch(
        rf"2 forms added in batch \d+ to {SURVEY}; 0 already present.\n", added.output
    )
    again = runner.invoke(args=[*args, str(good)])
    assert again.output == f"0 forms added to {SURVEY}; 2 already present.\n"
    assert count(Response) == 2
    (event,) = events_for("paper.import")
    assert event.actor_email == "command line" and event.after["file"] == "good.csv"


def test_the_command_line_names_an_unknown_survey(app, demo_area, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("form_number\n1\n")
    result = app.test_cli_runner().invoke(args=["import-responses", str(path), "--survey", "nope"])
    assert result.exit_code == 2 and "no survey 'nope'" in result.output


# --- the form is protected against cross-site requests ------------------------------------------


def test_the_upload_needs_its_csrf_token(database_url, tmp_path):
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path),
        },
    )
    app.test_client_class = FreshGlobalsClient
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    with app.app_context():
        db.drop_all()
        db.create_all()
        try:
            load_area(read_area_file(DEMO_AREA))
            create_user_with_password(SYSTEM, "v@test.invalid", "V", ["volunteer"], STAFF_PASSWORD)
            client = app.test_client()
            page = client.get("/staff/sign-in").text
            client.post(
                "/staff/sign-in",
                data={
                    "email": "v@test.invalid",
                    "password": STAFF_PASSWORD,
                    "csrf_token": token.search(page).group(1),
                },
            )
            form = client.get("/paper/import").text
            header = template(client)
            data = filled(header, [PATIENT])
            assert upload(client, data).status_code == 400
            assert count(Response) == 0
            with_token = upload(client, data, csrf_token=token.search(form).group(1))
            assert with_token.status_code == 302
            assert count(Response) == 1
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
