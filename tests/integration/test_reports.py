"""The report built from demo data: it finds the planted patterns, invents none, never shows a
figure about fewer than the threshold, and its downloads carry the same figures."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from app.data.audit import events_for
from app.data.instruments import registry
from app.data.report_queries import ReportFilter
from app.data.reports import build
from app.demo import generator

THRESHOLD = 10
NUMBERS = ("n", "mean", "low", "high", "band")


def cells(report: dict):
    """Every figure cell of the report, wherever it sits."""
    for key in (
        "journey",
        "transitions",
        "services",
        "sectors",
        "roles",
        "trend",
        "stage_trend",
        "stage_roles",
    ):
        yield from report[key]
    for data in report["equality"].values():
        yield from data["groups"]


@pytest.fixture
def demo_report(demo_area):
    generator.generate(2500, seed=7, instruments=registry())
    return build(ReportFilter("leaving-hospital"), THRESHOLD)


def test_the_planted_worse_transition_is_among_the_weakest_points(demo_report):
    weakest = [(p["kind"], p["what"]) for p in demo_report["weakest"]]
    assert ("move", "County Hospital wards to Oakview Care Home (Leaving hospital)") in weakest
    planted = [
        c
        for c in demo_report["transitions"]
        if (c["from_service"], c["to_service"]) == generator.PLANTED_TRANSITION
        and ":" not in c["measure"]
        and not c["suppressed"]
    ]
    assert planted and all(c["band"] == "worse" for c in planted)


def test_the_planted_equality_group_is_flagged_worse(demo_report):
    groups = demo_report["equality"]["ethnic_broad"]["groups"]
    asian = [
        c
        for c in groups
        if c["ethnic_broad"] == generator.PLANTED_GROUP and ":" not in c["measure"]
    ]
    assert asian and any(c["band"] == "worse" for c in asian)
    others = [c for c in groups if c["ethnic_broad"] != generator.PLANTED_GROUP]
    assert not any(c["band"] == "worse" for c in others if c["ethnic_broad"] == "White")


def test_no_planted_difference_gives_no_more_worse_bands_than_chance(demo_area, monkeypatch):
    for name in generator.SHIFT:
        monkeypatch.setitem(generator.SHIFT, name, 0.0)
    generator.generate(2500, seed=11, instruments=registry())
    report = build(ReportFilter("leaving-hospital"), THRESHOLD)
    banded = [c for c in cells(report) if c["band"] in ("better", "worse", "about the same")]
    worse = [c for c in banded if c["band"] == "worse"]
    assert len(banded) > 100
    # A 95% interval wholly below the pathway's mean by chance: about 2.5% of groups; allow
    # up to 8% before calling it a pattern (groups overlap, so they are not independent).
    assert len(worse) <= 0.08 * len(banded), [
        (c.get("stage") or c.get("service") or c.get("from_service"), c["measure"]) for c in worse
    ]
    transition = [
        c
        for c in report["transitions"]
        if (c["from_service"], c["to_service"]) == generator.PLANTED_TRANSITION
    ]
    assert not any(c["band"] == "worse" for c in transition if ":" not in c["measure"])


def test_no_figure_about_fewer_than_the_threshold_is_shown(demo_report):
    shown = [c for c in cells(demo_report) if not c["suppressed"]]
    hidden = [c for c in cells(demo_report) if c["suppressed"]]
    assert shown and hidden, "the demo data should need some suppression"
    assert all(c["n"] >= THRESHOLD for c in shown)
    assert all(all(c[k] is None for k in NUMBERS) for c in hidden)
    for statement in demo_report["statements"]:
        assert statement["suppressed"] or statement["n"] >= THRESHOLD
    for group in demo_report["comments"]:
        assert len(group["comments"]) >= THRESHOLD


def test_commissioner_sees_the_dashboard_with_tables_for_every_chart(staff_client, demo_area):
    generator.generate(600, seed=5, instruments=registry())
    client = staff_client("commissioner")
    page = client.get("/reports/?pathway=leaving-hospital")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    charts = soup.select("[data-figure]")
    assert charts, "no charts"
    for chart in charts:
        assert chart.get("role") == "img" and "table below" in chart["aria-label"]
        assert soup.find(id=chart["data-figure"]), "chart data missing"
    captions = [c.text for c in soup.select("table caption")]
    assert "Score at each stage" in captions and "Score by service" in captions


def test_the_dashboard_shows_each_statement_by_stage_as_the_json_does(staff_client, demo_area):
    generator.generate(600, seed=5, instruments=registry())
    client = staff_client("commissioner")
    query = "pathway=leaving-hospital"
    soup = BeautifulSoup(client.get(f"/reports/?{query}").text, "html.parser")
    report = json.loads(client.get(f"/reports/report.json?{query}").data)
    checked = hidden = 0
    for s in report["statements"]:
        caption = soup.find("caption", string=f"Statements: {s['stage_name']}")
        assert caption, s["stage_name"]
        rows = [
            tr
            for tr in caption.find_parent("table").select("tbody tr")
            if tr.td.get_text(" ", strip=True)
            == f"Statement {s['text']} ({report['meta']['measures'][s['instrument']]})"
        ]
        assert len(rows) == 1, s["text"]
        text = rows[0].get_text(" ", strip=True)
        if s["suppressed"]:
            assert f"Not shown: fewer than {THRESHOLD} answers" in text
            hidden += 1
            continue
        d = s["distribution"]
        strongly_agree = round(100 * d.get("4", 0) / s["n"])
        assert f"Answers {s['n']} " in text and f"Strongly agree {strongly_agree}%" in text, text
        checked += 1
    assert checked >= 20, checked  # 600 responses: most statements have enough answers


def test_a_built_report_is_reused_until_a_response_arrives(demo_area):
    generator.generate(300, seed=3, instruments=registry())
    f = ReportFilter("leaving-hospital")
    first = build(f, THRESHOLD)
    again = build(f, THRESHOLD)
    assert again == first
    again["overview"]["responses"] = -1  # a caller changing its copy changes no one else's
    assert build(f, THRESHOLD)["overview"]["responses"] == first["overview"]["responses"]
    generator.generate(1, seed=4, instruments=registry())
    assert build(f, THRESHOLD)["overview"]["responses"] == first["overview"]["responses"] + 1


def test_patients_and_carers_are_side_by_side_at_each_stage(staff_client, demo_area):
    generator.generate(600, seed=5, instruments=registry())
    client = staff_client("commissioner")
    soup = BeautifulSoup(client.get("/reports/?pathway=leaving-hospital").text, "html.parser")
    report = json.loads(client.get("/reports/report.json?pathway=leaving-hospital").data)
    caption = soup.find("caption", string="Patients and carers at each stage, side by side")
    table = caption.find_parent("table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert any(h.startswith("Carer: ") for h in headers), headers
    assert any(h.startswith("Patient: ") for h in headers), headers
    rows = {tr.td.get_text(" ", strip=True): tr for tr in table.select("tbody tr")}
    shown = [c for c in report["stage_roles"] if not c["suppressed"] and ":" not in c["measure"]]
    assert shown
    for c in shown:
        column = f"{c['label']}: {report['meta']['measures'][c['measure']]}"
        text = rows[f"Stage {c['stage_name']}"].get_text(" ", strip=True)
        assert f"{column} {c['mean']:.1f} ({c['n']} responses)" in text, (column, text)


def test_bad_filters_are_explained(staff_client, demo_area):
    client = staff_client("commissioner")
    page = client.get("/reports/?pathway=leaving-hospital&date_from=2026-05-01&date_to=2026-01-01")
    assert page.status_code == 400
    assert "The end date must be the same as or after the start date" in page.text
    unknown = client.get("/reports/?pathway=nowhere")
    assert unknown.status_code == 400 and "Choose one of the options" in unknown.text


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_downloads_carry_the_report_figures_and_are_audited(staff_client, demo_area, kind):
    generator.generate(600, seed=5, instruments=registry())
    client = staff_client("commissioner")
    response = client.get(f"/reports/report.{kind}?pathway=leaving-hospital")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    report = build(ReportFilter("leaving-hospital"), THRESHOLD)
    stage = next(c for c in report["journey"] if not c["suppressed"])
    if kind == "json":
        data = json.loads(response.data)
        assert data["journey"] == report["journey"]
    elif kind == "csv":
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
        match = [
            r
            for r in rows
            if r["table"] == "stages"
            and r["stage"] == stage["stage"]
            and r["measure"] == stage["measure"]
        ]
        assert float(match[0]["mean"]) == pytest.approx(stage["mean"])
        assert all(r["n"] == "" for r in rows if r["suppressed"] == "True")
    else:
        sheet = load_workbook(io.BytesIO(response.data))["stages"]
        header = [c.value for c in sheet[1]]
        values = [
            dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)
        ]
        assert any(v["stage"] == stage["stage"] and v["n"] == stage["n"] for v in values)
    (event,) = events_for("report.download")
    assert event.target == f"{kind} leaving-hospital"


def test_the_pdf_has_its_sections_vector_charts_and_the_json_figures(staff_client, demo_area):
    from pypdf import PdfReader

    generator.generate(600, seed=5, instruments=registry())
    client = staff_client("commissioner")
    response = client.get("/reports/report.pdf?pathway=leaving-hospital")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for section in (
        "Contents",
        "Headline",
        "Along the journey",
        "Moves between services",
        "Statements",
        "Equality",
        "Trend",
        "What people said",
        "Method",
    ):
        assert section in text
    assert "Page 2 of" in text
    # Tagged for accessibility, with the document's language.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    # Charts are SVG drawn as vector paths, not pictures: no raster image in the file.
    images = [img for page in reader.pages for img in page.images]
    assert not images
    report = build(ReportFilter("leaving-hospital"), THRESHOLD)
    for cell in report["journey"]:
        if not cell["suppressed"] and ":" not in cell["measure"]:
            assert f"{cell['mean']:.1f}" in text


def test_the_command_line_writes_the_same_report(app, demo_area, tmp_path):
    generator.generate(600, seed=5, instruments=registry())
    out = tmp_path / "report.json"
    result = app.test_cli_runner().invoke(
        args=["report", "--pathway", "leaving-hospital", "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert written["journey"] == build(ReportFilter("leaving-hospital"), THRESHOLD)["journey"]
    bad = app.test_cli_runner().invoke(
        args=[
            "report",
            "--pathway",
            "leaving-hospital",
            "--from",
            "2026-05-01",
            "--to",
            "2026-01-01",
            "--output",
            str(out),
        ]
    )
    assert bad.exit_code != 0 and "--to must be the same as or after --from" in bad.output


def test_response_export_is_pseudonymous_with_rare_groups_hidden_and_a_codebook(
    app, demo_area, tmp_path
):
    from collections import Counter

    from app.extensions import db
    from app.models import Journey, Response

    generator.generate(600, seed=5, instruments=registry())
    out = tmp_path / "responses.csv"
    result = app.test_cli_runner().invoke(
        args=["export", "responses", "--format", "csv", "--output", str(out)]  # every pathway
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == db.session.query(Response).filter_by(status="complete").count()
    assert {r["pathway"] for r in rows} == {"leaving-hospital"}  # the demo's one pathway
    # Nothing that could open or find a response: no tokens, no journey codes, no free text.
    tokens = [t for (t,) in db.session.query(Response.token).limit(50)]
    codes = [c for (c,) in db.session.query(Journey.code).limit(50)]
    assert not any(t in text for t in tokens) and not any(c in text for c in codes)
    assert not any(column.endswith(("went_well", "could_be_better")) for column in rows[0])
    for dimension in ("age_band", "ethnic_group", "sex"):
        counts = Counter(r[dimension] for r in rows)
        assert all(n >= THRESHOLD for value, n in counts.items() if value != "suppressed")
    assert "suppressed" in {r["ethnic_group"] for r in rows}  # the demo has rare groups
    book = list(
        csv.DictReader(
            io.StringIO((tmp_path / "responses-codebook.csv").read_text(encoding="utf-8-sig"))
        )
    )
    described = {r["column"] for r in book if r["meaning"]}
    assert set(rows[0]) <= described
    assert events_for("export.data")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--pathway", "nowhere"], "no pathway 'nowhere'"),
        (["--from", "2026-05-01", "--to", "2026-04-30"], "--to must be the same as or after"),
        (["--from", "1 May"], "does not match the format"),
    ],
)
def test_response_export_refuses_bad_options_and_writes_nothing(
    app, demo_area, tmp_path, args, problem
):
    out = tmp_path / "responses.csv"
    result = app.test_cli_runner().invoke(args=["export", "responses", *args, "--output", str(out)])
    assert result.exit_code != 0 and problem in result.output, result.output
    assert not out.exists()


def test_admins_download_the_response_export_and_commissioners_cannot(staff_client, demo_area):
    import zipfile

    generator.generate(300, seed=5, instruments=registry())
    admin = staff_client("admin")
    response = admin.get("/reports/responses.zip?pathway=leaving-hospital")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == ["codebook.csv", "responses.csv"]
    commissioner = staff_client("commissioner")
    assert commissioner.get("/reports/responses.zip?pathway=leaving-hospital").status_code == 403
    assert (
        "Download one row per response"
        not in commissioner.get("/reports/?pathway=leaving-hospital").text
    )


def test_report_input_counts_people_hand_overs_and_responses_without_a_score(demo_area):
    from collections import Counter, defaultdict

    from sqlalchemy import select

    from app.data.reports import report_input
    from app.extensions import db
    from app.models import Response, ResponseScore

    generator.generate(600, seed=5, instruments=registry())
    inp = report_input(ReportFilter("leaving-hospital"), THRESHOLD)
    # Each journey has one equality profile: a dimension's people add up to the journeys,
    # and some people answered at more than one stage, so responses outnumber them.
    for dim, people in inp.people.items():
        assert sum(people.values()) == inp.overview["journeys"], dim
        assert all(0 < n <= inp.group_counts[dim][code] for code, n in people.items()), dim
    assert sum(inp.people["sex"].values()) < sum(inp.group_counts["sex"].values())
    # A service's hand-overs out are the moves from it, its hand-overs in the moves to it,
    # whichever transition stage they were at.
    moved: dict[tuple, Counter] = defaultdict(Counter)
    for r in inp.rows["transition"]:
        if r["to_service"]:
            moved["out", r["from_service"], r["measure"]][r["measure"]] += r["n"]
            moved["in", r["to_service"], r["measure"]][r["measure"]] += r["n"]
    parts = [("out", "service_own", "service"), ("in", "service_in", "to_service")]
    seen = {
        (part, r[key], r["measure"]): Counter({r["measure"]: r["n"]})
        for part, name, key in parts
        for r in inp.rows[name]
        if r["stage_kind"] == "transition"
    }
    assert seen == dict(moved) and seen
    # Responses asked a measure (answered or left blank one of its statements; the CTM-3's
    # are also CTM-15 items 2, 9 and 13) and those scored on it, recounted from the rows.
    statements = {
        inst.id: {(inst.id, i.id) for i in inst.items if i.scale}
        for inst in registry().values()
        if inst.scoring
    }
    statements["ctm-3"] |= {("ctm-15", "ctm02"), ("ctm-15", "ctm09"), ("ctm-15", "ctm13")}
    asked, scored = Counter(), Counter()
    for response in db.session.scalars(select(Response).where(Response.status == "complete")):
        given = {(a.instrument_id, a.item_id) for a in response.answers if a.code}
        given |= {tuple(pair) for pair in response.left_blank or ()}
        asked.update(m for m, items in statements.items() if given & items)
    for (measure,) in db.session.execute(
        select(ResponseScore.measure)
        .join(Response, Response.id == ResponseScore.response_id)
        .where(Response.status == "complete")
    ):
        scored[measure] += 1
    assert inp.unscored == {m: {"asked": asked[m], "scored": scored[m]} for m in sorted(asked)}
    assert any(u["asked"] > u["scored"] for u in inp.unscored.values())
