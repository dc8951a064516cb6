"""Migrations, the area file loader and the command-line tools."""

import re
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.cli import DEMO_AREA
from app.data.area import AreaError, load_area, read_area_file
from app.extensions import db
from app.models import Service, Survey
from surveys import InstrumentError


def test_migrations_build_the_same_schema_as_the_models(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_area_file_loads_and_loading_again_changes_nothing(app):
    data = read_area_file(DEMO_AREA)
    first = load_area(data)
    load_area(data)
    assert first == {"services": 13, "pathways": 1, "surveys": 5}
    assert db.session.scalar(select(func.count(Service.id))) == 13
    assert db.session.scalar(select(func.count(Survey.id))) == 5
    survey = db.session.scalar(select(Survey).filter_by(slug="lh-leaving-hospital"))
    assert survey.stage.kind == "transition"
    assert [i.instrument_id for i in survey.instruments] == [
        "ctm-15",
        "i-statements",
        "i-statements-carer",
    ]


def test_a_bad_area_file_lists_every_problem_and_saves_nothing(app):
    data = read_area_file(DEMO_AREA)
    data["surveys"][0]["services"].append("no-such-service")
    data["surveys"][1]["instruments"].append({"id": "not-loaded"})
    data["surveys"][2]["instruments"][1]["domains"] = ["no_domain"]
    with pytest.raises(AreaError) as err:
        load_area(data)
    message = str(err.value)
    assert "surveys[1] (lh-getting-help): service 'no-such-service' is not defined" in message
    assert "instrument 'not-loaded' is not loaded" in message
    assert "i-statements has no domain 'no_domain'" in message
    assert db.session.scalar(select(func.count(Service.id))) == 0


def test_area_file_schema_errors_name_the_place(app):
    data = read_area_file(DEMO_AREA)
    data["services"][2]["sector"] = "spaceport"
    with pytest.raises(AreaError, match=r"services\[3\]\.sector: 'spaceport' is not one of"):
        load_area(data)


def test_load_area_command(app, tmp_path):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["load-area", str(DEMO_AREA)])
    assert ok.exit_code == 0 and "5 surveys" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("services: [{code: x}]\n")
    failed = runner.invoke(args=["load-area", str(bad)])
    assert failed.exit_code == 1
    assert "'name' is a required property" in failed.output


def test_instruments_check_lists_each_file_with_its_version_and_hash(app):
    result = app.test_cli_runner().invoke(args=["instruments", "check"])
    assert result.exit_code == 0
    assert "ctm-15" in result.output and "v1.0.0" in result.output


def test_a_broken_local_instrument_stops_the_app_and_the_check(app, tmp_path):
    local = Path(app.config["LOCAL_INSTRUMENTS_DIR"])
    local.mkdir(parents=True, exist_ok=True)
    ctm = yaml.safe_load((Path(__file__).parents[2] / "surveys/instruments/ctm-3.yaml").read_text())
    ctm["id"] = "local-ctm"
    ctm["items"][1]["scale"] = "missing_scale"
    (local / "local.yaml").write_text(yaml.safe_dump(ctm))
    result = app.test_cli_runner().invoke(args=["instruments", "check"])
    assert result.exit_code == 1
    assert "local.yaml, item ctm3_2: scale 'missing_scale' is not defined" in result.output
    with pytest.raises(InstrumentError, match="item ctm3_2"):
        create_app("test", {"LOCAL_INSTRUMENTS_DIR": str(local)})


def test_csrf_protects_the_survey_forms(database_url, tmp_path):
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
            "LOCAL_INSTRUMENTS_DIR": str(tmp_path),
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_area(read_area_file(DEMO_AREA))
        client = app.test_client()
        form = client.get("/s/lh-in-hospital").get_data(as_text=True)
        start_token = re.search(r'name="start_token"[^>]*value="([^"]+)"', form).group(1)
        page = client.post("/s/lh-in-hospital", data={"start_token": start_token})
        assert page.status_code == 400
        assert "This page timed out" in page.get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        started = client.post(
            "/s/lh-in-hospital", data={"start_token": start_token, "csrf_token": token}
        )
        assert started.status_code == 302
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
