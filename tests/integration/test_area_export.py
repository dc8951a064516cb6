"""The area downloaded as a file is an area file: load-area accepts it and rebuilds the
same area, and what was set up on screen is in it."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from app.cli import DEMO_AREA
from app.data.area import load_area as load
from app.data.area import read_area_file, validate_area
from app.data.area_export import export_area
from app.extensions import db
from app.models import AuditEvent, Service, Stage

EXPORT = "/admin/area/export.yaml"


def emptied_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def test_export_round_trips_through_load_area(demo_area):
    first = export_area()
    assert validate_area(first) == []
    emptied_database()
    load(first)
    assert export_area() == first


def test_export_holds_everything_the_demo_file_set_up(demo_area):
    original = read_area_file(DEMO_AREA)
    exported = export_area()
    by_code = {s["code"]: s for s in exported["services"]}
    for spec in original["services"]:
        assert by_code[spec["code"]] == spec
    (pathway,) = exported["pathways"]
    (source,) = original["pathways"]
    assert [s["slug"] for s in pathway["stages"]] == [s["slug"] for s in source["stages"]]
    assert pathway["stages"] == source["stages"]
    surveys = {s["slug"]: s for s in exported["surveys"]}
    for spec in original["surveys"]:
        got = surveys[spec["slug"]]
        assert got["instruments"] == spec["instruments"]  # in order, with their subsets
        assert got["services"] == sorted(spec["services"])
        assert (got["pathway"], got["stage"]) == (spec["pathway"], spec["stage"])
        assert got["roles"] == ["patient", "carer", "helped"]  # the default, written out
    assert [s["code"] for s in exported["services"]] == sorted(by_code)  # stable order


def test_download_is_yaml_load_area_accepts_and_is_audited(admin_client, demo_area, tmp_path):
    page = admin_client.get(EXPORT)
    assert page.status_code == 200
    assert page.headers["Content-Disposition"].startswith('attachment; filename="area-')
    text = page.get_data(as_text=True)
    assert text.startswith("# Area file exported from Carejourney")
    (tmp_path / "area.yaml").write_text(text, encoding="utf-8")
    data = read_area_file(tmp_path / "area.yaml")  # what load-area does with a file
    assert validate_area(data) == []
    assert data["name"] == "Healthwatch Demo Area"
    assert "County Hospital A&E" in text  # unicode and & kept as typed, not escaped

    events = list(db.session.scalars(select(AuditEvent).filter_by(action="export.area")))
    assert len(events) == 1
    assert events[0].after == {"services": 13, "pathways": 1, "surveys": 5}
    admin_client.get(EXPORT)
    assert len(list(db.session.scalars(select(AuditEvent).filter_by(action="export.area")))) == 2


def test_area_page_links_to_the_download(admin_client, demo_area):
    html = admin_client.get("/admin/area").get_data(as_text=True)
    assert f'href="{EXPORT}"' in html
    assert html.count("<h1") == 1


def test_a_survey_made_on_screen_is_in_the_export(admin_client, demo_area):
    ids = dict(db.session.execute(select(Service.code, Service.id)).all())
    stage = db.session.scalar(select(Stage.id).filter_by(slug="six-weeks-on"))
    saved = admin_client.post(
        "/admin/surveys/new",
        data={
            "slug": "carers-six-weeks",
            "title": "Carers, six weeks on",
            "stage": str(stage),
            "instruments": ["ctm-3", "i-statements-carer"],
            "services": [str(ids["carers-centre"]), str(ids["age-friends"])],
            "roles": ["carer", "helped"],
            "opens_on": "2026-04-01",
            "closes_on": "2026-09-30",
        },
    )
    assert saved.status_code == 302

    text = admin_client.get(EXPORT).get_data(as_text=True)
    assert "opens_on: '2026-04-01'" in text  # a date, written as YYYY-MM-DD
    surveys = {s["slug"]: s for s in yaml.safe_load(text)["surveys"]}
    # Instruments are kept in the order sent (the form lists them by title).
    assert surveys["carers-six-weeks"] == {
        "slug": "carers-six-weeks",
        "title": "Carers, six weeks on",
        "pathway": "leaving-hospital",
        "stage": "six-weeks-on",
        "services": ["age-friends", "carers-centre"],
        "roles": ["carer", "helped"],
        "instruments": [{"id": "ctm-3"}, {"id": "i-statements-carer"}],
        "opens_on": "2026-04-01",
        "closes_on": "2026-09-30",
    }
    emptied_database()
    exported = yaml.safe_load(text)
    load(exported)
    assert export_area("Healthwatch Demo Area") == exported
