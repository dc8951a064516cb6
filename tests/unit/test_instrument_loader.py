from pathlib import Path

import pytest
import yaml

from surveys import InstrumentError, load_instruments
from surveys.loader import BUILTIN_DIR, load_file

MINIMAL = {
    "id": "local-set",
    "version": "1.0",
    "title": "Riverside I statements",
    "language": "en-GB",
    "attribution": "Riverside Healthwatch",
    "scales": {
        "agree": {
            "options": [
                {"code": "1", "label": "Disagree", "value": 1},
                {"code": "2", "label": "Agree", "value": 2},
                {"code": "dk", "label": "Don't know", "missing": True},
            ]
        }
    },
    "items": [
        {"id": "seen_quickly", "text": "I was seen quickly.", "scale": "agree"},
        {"id": "kept_informed", "text": "I was kept informed.", "scale": "agree"},
    ],
    "scoring": {"method": "linear-0-100", "min_answered": 1},
}


def write(tmp_path: Path, data, name="local.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def broken(**changes):
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    for key, value in changes.items():
        data[key] = value
    return data


def test_all_built_in_instruments_load():
    registry = load_instruments()
    assert {"ctm-15", "ctm-3", "i-statements", "i-statements-carer", "about-you"} <= set(registry)
    assert len(registry["ctm-15"].items) == 15
    assert len(registry["ctm-3"].items) == 3


def test_ctm_files_carry_the_copyright_notice_and_unchanged_wording():
    registry = load_instruments()
    for inst_id in ("ctm-15", "ctm-3"):
        assert (
            registry[inst_id].attribution
            == "Care Transitions Measure (CTM) © Eric A. Coleman, MD, MPH"
        )
    ctm15 = registry["ctm-15"]
    assert ctm15.item("ctm09").text == (
        "When I left the hospital, I had a good understanding of the things I was responsible "
        "for in managing my health."
    )
    # CTM-3 is items 2, 9 and 13 of the CTM-15: items 2 and 3 keep the long form's words.
    ctm3 = registry["ctm-3"]
    assert ctm3.item("ctm3_2").text == ctm15.item("ctm09").text
    assert ctm3.item("ctm3_3").text == ctm15.item("ctm13").text


def test_dont_know_and_no_medication_are_never_a_value():
    registry = load_instruments()
    for inst in registry.values():
        for item in inst.items:
            for option in item.scale.options if item.scale else ():
                if option.missing:
                    assert option.value is None, (inst.id, item.id, option.code)
    meds = registry["ctm-3"].item("ctm3_3").scale
    assert meds.option("nomed").missing


def test_every_about_you_question_offers_prefer_not_to_say():
    about = load_instruments()["about-you"]
    for item in about.items:
        if item.type == "choice":
            labels = [o.label for o in item.scale.options]
            assert "Prefer not to say" in labels, item.id


def test_i_statements_cover_the_six_domains_and_mark_transition_only_items():
    inst = load_instruments()["i-statements"]
    assert set(inst.domains) == {
        "goals_outcomes",
        "care_planning",
        "information",
        "communication",
        "decision_making",
        "transitions",
    }
    moved = [i for i in inst.items if i.lead_in and "moved from one care setting" in i.lead_in]
    assert len(moved) == 4
    assert all(i.stage_kinds == ("transition",) for i in moved)
    residential = [i for i in inst.items if "residential care" in i.text]
    assert residential and all(i.sectors == ("care_home",) for i in residential)


def test_carer_wording_is_asked_of_carers_only():
    registry = load_instruments()
    carer = registry["i-statements-carer"]
    assert all(i.roles == ("carer",) for i in carer.items)
    assert all("carer" not in i.roles for i in registry["i-statements"].items)


def test_a_local_set_dropped_into_the_folder_is_loaded(tmp_path):
    write(tmp_path, MINIMAL)
    registry = load_instruments(tmp_path)
    assert registry["local-set"].title == "Riverside I statements"
    assert "ctm-15" in registry


def test_content_hash_ignores_layout_but_not_wording(tmp_path):
    a = load_file(write(tmp_path, MINIMAL, "a.yaml"))
    reordered = dict(reversed(list(MINIMAL.items())))
    b = load_file(write(tmp_path, reordered, "b.yaml"))
    changed = broken(
        items=[{**MINIMAL["items"][0], "text": "I was seen fast."}, MINIMAL["items"][1]]
    )
    c = load_file(write(tmp_path, changed, "c.yaml"))
    assert a.content_hash == b.content_hash
    assert a.content_hash != c.content_hash


@pytest.mark.parametrize(
    ("data", "item", "says"),
    [
        (broken(version=None), None, "version"),
        (
            broken(items=[{"id": "seen_quickly", "text": "x", "scale": "nope"}]),
            "seen_quickly",
            "scale 'nope' is not defined",
        ),
        (
            broken(
                items=[
                    {"id": "a1", "text": "x", "scale": "agree"},
                    {"id": "a1", "text": "y", "scale": "agree"},
                ]
            ),
            "a1",
            "used twice",
        ),
        (broken(items=[{"id": "a1", "scale": "agree"}]), "a1", "'text' is a required property"),
        (
            broken(items=[{"id": "a1", "text": "x", "scale": "agree", "roles": ["doctor"]}]),
            "a1",
            "roles",
        ),
        (broken(scoring={"method": "linear-0-100", "min_answered": 5}), None, "exceeds 2 items"),
        (
            broken(domains=[{"id": "info", "title": "Information"}]),
            "seen_quickly",
            "domain None is not one of info",
        ),
    ],
)
def test_broken_files_are_refused_naming_file_item_and_problem(tmp_path, data, item, says):
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as err:
        load_file(path)
    assert err.value.file == str(path)
    assert err.value.item == item
    assert says in str(err.value)


def test_unreadable_yaml_is_refused(tmp_path):
    path = write(tmp_path, "id: [unclosed\n")
    with pytest.raises(InstrumentError, match="cannot be read"):
        load_file(path)


def test_two_files_with_one_id_are_refused(tmp_path):
    write(tmp_path, {**MINIMAL, "id": "ctm-15"})
    with pytest.raises(InstrumentError, match=r"already used by .*ctm-15\.yaml"):
        load_instruments(tmp_path)


def test_builtin_folder_is_where_the_files_are():
    assert sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")) == [
        "about-you",
        "ctm-15",
        "ctm-3",
        "i-statements",
        "i-statements-carer",
    ]


# --- short forms (CTM-3 in CTM-15) ----------------------------------------------------------

FOUR_POINT = {
    "options": [
        {"code": "1", "label": "Strongly disagree", "value": 1},
        {"code": "2", "label": "Disagree", "value": 2},
        {"code": "3", "label": "Agree", "value": 3},
        {"code": "4", "label": "Strongly agree", "value": 4},
        {"code": "dk", "label": "Don't know", "missing": True},
    ]
}


def with_short_form(items: dict[str, str], instrument: str = "ctm-3", scale: str = "four"):
    data = broken(scales={**MINIMAL["scales"], "four": FOUR_POINT})
    data["items"] = [{**item, "scale": scale} for item in MINIMAL["items"]]
    data["short_forms"] = [{"instrument": instrument, "items": items}]
    return data


def test_ctm15_maps_its_items_2_9_and_13_to_the_ctm3():
    registry = load_instruments()
    (form,) = registry["ctm-15"].short_forms
    assert form.instrument == "ctm-3"
    assert dict(form.items) == {"ctm02": "ctm3_1", "ctm09": "ctm3_2", "ctm13": "ctm3_3"}
    assert registry["ctm-15"].item("ctm13").text == registry["ctm-3"].item("ctm3_3").text


def test_a_local_set_may_name_a_short_form(tmp_path):
    write(tmp_path, with_short_form({"seen_quickly": "ctm3_1", "kept_informed": "ctm3_2"}))
    (form,) = load_instruments(tmp_path)["local-set"].short_forms
    assert dict(form.items) == {"seen_quickly": "ctm3_1", "kept_informed": "ctm3_2"}


@pytest.mark.parametrize(
    ("data", "item", "says"),
    [
        (with_short_form({"not_an_item": "ctm3_1"}), "not_an_item", "not a choice item"),
        (
            with_short_form({"seen_quickly": "ctm3_1", "kept_informed": "ctm3_1"}),
            None,
            "maps two items to the same ctm-3 item",
        ),
        (with_short_form({"seen_quickly": "ctm3_1"}, instrument="local-set"), None, "itself"),
        (with_short_form({"seen_quickly": ["ctm3_1"]}), None, "short_forms.0.items"),
    ],
)
def test_a_short_form_naming_what_the_file_lacks_is_refused(tmp_path, data, item, says):
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as err:
        load_file(path)
    assert (err.value.file, err.value.item) == (str(path), item)
    assert says in str(err.value)


@pytest.mark.parametrize(
    ("data", "item", "says"),
    [
        (
            with_short_form({"seen_quickly": "ctm3_1"}, instrument="ctm-9"),
            None,
            "short form 'ctm-9' is not a loaded scored instrument",
        ),
        (
            with_short_form({"seen_quickly": "ctm3_9"}),
            "seen_quickly",
            "short form 'ctm-3' has no item 'ctm3_9' (its items: ctm3_1, ctm3_2, ctm3_3)",
        ),
        (
            with_short_form({"seen_quickly": "ctm3_1"}, scale="agree"),  # 1-2, not 1-4
            "seen_quickly",
            "differ from those of ctm-3 item 'ctm3_1'",
        ),
        (
            with_short_form({"seen_quickly": "age_band"}, instrument="about-you"),
            None,
            "'about-you' is not a loaded scored instrument",
        ),
    ],
)
def test_a_short_form_the_other_files_do_not_match_is_refused(tmp_path, data, item, says):
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as err:
        load_instruments(tmp_path)
    assert (err.value.file, err.value.item) == (str(path), item)
    assert says in str(err.value)
