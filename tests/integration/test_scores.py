"""Scores and equality profiles are stored when a response is completed, and can be rebuilt."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.data import scores as scores_data
from app.data.instruments import registry
from app.data.scores import (
    DIMENSIONS,
    NOT_ANSWERED,
    PREFER_NOT_TO_SAY,
    carer,
    compute_scores,
    disability,
    rebuild_scores,
)
from app.demo import generator
from app.extensions import db
from app.models import Response, ResponseProfile, ResponseScore, Service
from surveys import load_instruments
from surveys.loader import _build as build_instrument
from tests.integration.walker import Walker

REG = load_instruments()
TRANSITIONS = REG["i-statements"].select(["transitions"])  # all asked of a patient at a move
ABOUT = {  # About you answers, by field name
    "age_band": "75_84",
    "sex": "female",
    "gender_identity_same": "yes",
    "sexual_orientation": "straight",
    "religion": "muslim",
    "ethnic_group": "asian_pakistani",
    "long_term_condition": "yes",
    "activity_limited": "yes_a_little",
    "unpaid_carer": "no",
}


def score(values: list[int]) -> float:
    """The 0-100 score by hand: (mean of the 1-4 answers - 1) / 3 x 100."""
    return (sum(values) / len(values) - 1) / 3 * 100


def stored_scores() -> dict[tuple[int, str], tuple[float, int, int]]:
    """(response, measure) -> (score, answered, asked)."""
    return {key: row[:3] for key, row in stored_counts().items()}


def stored_counts() -> dict[tuple[int, str], tuple[float, int, int, int, int]]:
    """(response, measure) -> (score, answered, asked, top, bottom)."""
    rows = db.session.execute(
        select(
            ResponseScore.response_id,
            ResponseScore.measure,
            ResponseScore.score,
            ResponseScore.answered,
            ResponseScore.asked,
            ResponseScore.top,
            ResponseScore.bottom,
        )
    )
    return {(rid, m): tuple(rest) for rid, m, *rest in rows}


def stored_profiles() -> dict[int, dict[str, str]]:
    columns = [getattr(ResponseProfile, d) for d in DIMENSIONS]
    rows = db.session.execute(select(ResponseProfile.response_id, *columns))
    return {rid: dict(zip(DIMENSIONS, values, strict=True)) for rid, *values in rows}


def responses() -> list[Response]:
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def service_id(code: str) -> str:
    return str(db.session.scalar(select(Service.id).filter_by(code=code)))


def code_on(client, done_url: str) -> str:
    html = client.get(done_url).get_data(as_text=True)
    return re.search(r'class="cj-journey-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', html).group(1)


def test_completing_a_survey_stores_its_scores(client, demo_area):
    answers = {
        "from_service": service_id("county-wards"),
        "to_service": service_id("home"),
        "ctm01": "1",
        "ctm02": "dk",
        "ctm03": "2",  # every other statement: the Walker's default, 4 (Strongly agree)
        TRANSITIONS[0].id: "3",
        TRANSITIONS[1].id: "dk",
    }
    Walker(client, answers=answers).complete("/s/lh-leaving-hospital")
    (response,) = responses()
    n = len(TRANSITIONS)
    statements = score([3] + [4] * (n - 2))
    assert stored_counts() == {
        (response.id, "ctm-15"): (pytest.approx(score([1, 2] + [4] * 12)), 14, 15, 12, 2),
        # CTM-3 from CTM-15 items 2 ("dk"), 9 and 13 (4 and 4): two of three answered.
        (response.id, "ctm-3"): (100.0, 2, 3, 2, 0),
        (response.id, "i-statements"): (pytest.approx(statements), n - 1, n, n - 2, 0),
        (response.id, "i-statements:transitions"): (pytest.approx(statements), n - 1, n, n - 2, 0),
    }
    assert round(stored_scores()[response.id, "ctm-15"][0], 2) == 88.10  # (51/14 - 1) / 3 x 100


def test_a_ctm15_response_has_the_ctm3_score_of_a_ctm3_with_the_same_three_answers(
    client, demo_area
):
    """The CTM-15 holds the CTM-3's statements as items 2, 9 and 13: the same answers to them
    give the same CTM-3 score, "no medication" on the CTM-3 counting as "Don't know" on the
    CTM-15 (whose item 13 has no such answer)."""
    long_form = {
        "from_service": service_id("county-wards"),
        "to_service": service_id("home"),
        "ctm02": "4",
        "ctm09": "2",
        "ctm13": "dk",
    }
    Walker(client, answers=long_form, default_choice="1").complete("/s/lh-leaving-hospital")
    short = {"ctm3_1": "4", "ctm3_2": "2", "ctm3_3": "nomed", "about_you": "no"}
    Walker(client, answers=short).complete("/s/lh-six-weeks-on")
    on_ctm15, on_ctm3 = responses()
    assert {a.instrument_id for a in on_ctm15.answers} & {"ctm-3"} == set()
    stored = stored_counts()
    # 4 and 2: mean 3 -> 66.67; one Strongly agree, one Disagree.
    assert stored[on_ctm15.id, "ctm-3"] == (pytest.approx(200 / 3), 2, 3, 1, 1)
    assert stored[on_ctm3.id, "ctm-3"] == stored[on_ctm15.id, "ctm-3"]
    assert stored[on_ctm15.id, "ctm-15"][3:] == (1, 13)  # the other twelve answered 1
    assert (on_ctm3.id, "ctm-15") not in stored


CTM15 = [f"ctm{n:02d}" for n in range(1, 16)]


def test_a_response_that_answered_the_ctm3_itself_keeps_its_own_ctm3_score():
    codes = {("ctm-15", item): "4" for item in CTM15}
    codes |= {("ctm-3", item): "1" for item in ("ctm3_1", "ctm3_2", "ctm3_3")}
    for used in ([REG["ctm-15"], REG["ctm-3"]], [REG["ctm-3"], REG["ctm-15"]]):
        ctm3 = [s for s in compute_scores(used, codes, loaded=REG) if s.measure == "ctm-3"]
        assert [(s.value, s.top, s.bottom) for s in ctm3] == [(0.0, 0, 3)]


def test_ctm15_answered_before_the_mapping_was_written_down_still_gives_a_ctm3():
    """CTM-15 1.0.0 had no short_forms block: the loaded file's mapping applies to it."""
    old = {k: v for k, v in REG["ctm-15"].definition.items() if k != "short_forms"}
    ctm15_100 = build_instrument("stored copy", {**old, "version": "1.0.0"})
    assert ctm15_100.short_forms == ()
    codes = {("ctm-15", "ctm02"): "3", ("ctm-15", "ctm09"): "4", ("ctm-15", "ctm13"): "1"}
    scores = {s.measure: s for s in compute_scores([ctm15_100], codes, loaded=REG)}
    assert scores["ctm-3"].value == pytest.approx(score([3, 4, 1]))
    assert (scores["ctm-3"].top, scores["ctm-3"].bottom) == (1, 1)


def test_dont_know_only_or_too_few_answers_give_no_score(client, demo_area):
    # CTM-3 needs 2 of its 3 statements answered; one is not enough. Every I statement "dk".
    answers = {"ctm3_1": "4", "ctm3_2": "dk", "ctm3_3": "dk", "about_you": "yes"}
    Walker(client, answers=answers, default_choice="dk").complete("/s/lh-six-weeks-on")
    (response,) = responses()
    assert {a.code for a in response.answers if a.instrument_id == "i-statements"} == {"dk"}
    assert stored_scores() == {}
    # Every About you question answered "Prefer not to say" (the Walker's last option).
    assert stored_profiles() == {response.id: dict.fromkeys(DIMENSIONS, PREFER_NOT_TO_SAY)}


def test_the_profile_follows_the_journey(client, demo_area):
    first = Walker(client, answers=ABOUT).complete("/s/lh-leaving-hospital")
    code = code_on(client, first)
    later = Walker(client)
    later.complete(f"/s/lh-support-at-home?code={code.lower()}")
    assert not any("/about" in url for url in later.visited)  # About you is not asked again
    one, two = responses()
    assert one.journey_id == two.journey_id
    expected = {
        "age_band": "75_84",
        "sex": "female",
        "gender_identity_same": "yes",
        "sexual_orientation": "straight",
        "religion": "muslim",
        "ethnic_broad": "Asian or Asian British",
        "ethnic_group": "asian_pakistani",
        "disability": "limited_a_little",
        "carer": "no",
    }
    assert stored_profiles() == {one.id: expected, two.id: expected}


def test_a_later_about_you_updates_the_earlier_responses(client, demo_area):
    first = Walker(client, answers={"about_you": "no"}).complete("/s/lh-in-hospital")
    code = code_on(client, first)
    (one,) = responses()
    assert stored_profiles() == {one.id: dict.fromkeys(DIMENSIONS, NOT_ANSWERED)}
    about = {
        "ethnic_group": "white_british",
        "long_term_condition": "no",
        "unpaid_carer": "yes_20_34",
    }
    later = Walker(client, answers=about)
    later.complete(f"/s/lh-leaving-hospital?code={code.lower()}")
    assert any("/about" in url for url in later.visited)  # declined before, so asked again
    one, two = responses()
    profiles = stored_profiles()
    assert profiles[one.id] == profiles[two.id]
    assert profiles[one.id]["ethnic_broad"] == "White"
    assert profiles[one.id]["ethnic_group"] == "white_british"
    assert profiles[one.id]["disability"] == "not_disabled"
    assert profiles[one.id]["carer"] == "yes"
    assert profiles[one.id]["age_band"] == PREFER_NOT_TO_SAY  # the Walker's last option


def test_rebuild_reproduces_what_completion_stored(app, client, demo_area):
    first = Walker(client, answers={**ABOUT, "ctm05": "2", "ctm06": "dk"})
    code = code_on(client, first.complete("/s/lh-leaving-hospital"))
    Walker(client, answers={"role": "carer"}).complete(f"/s/lh-six-weeks-on?code={code}")
    Walker(client, answers={"about_you": "no"}).complete("/s/lh-getting-help")
    Walker(client, default_choice="dk").complete("/s/lh-in-hospital")
    scores, profiles = stored_counts(), stored_profiles()
    assert len(scores) >= 6 and len(profiles) == 4
    assert {m for _, m in scores} >= {"ctm-15", "ctm-3"}  # CTM-3 from the CTM-15 too
    made = rebuild_scores()
    assert made == {"responses": 4, "scores": len(scores), "profiles": 4}
    assert stored_counts() == scores
    assert stored_profiles() == profiles
    result = app.test_cli_runner().invoke(args=["scores", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Scored 4 complete responses" in result.output
    assert stored_counts() == scores and stored_profiles() == profiles


def test_a_rebuild_counts_blank_paper_statements_as_asked_as_completion_did(
    app, staff_client, demo_area
):
    """A statement left blank on a paper form was asked: completion counts it against the
    minimum answered (CTM-15: 10 of 15), and so must a rebuild, or a form with too few
    answers would gain a score on rebuild and a scored one would change its asked count."""
    volunteer = staff_client("volunteer")
    opened = volunteer.post(
        "/paper/batches/new",
        data={
            "survey": "lh-leaving-hospital",
            "place": "Ward 7",
            "collected_on": "2026-03-02",
            "forms_expected": "2",
            "double_entry": "no",
        },
    )
    assert opened.status_code == 302, opened.text
    ctm = [f"ctm-15.ctm{n:02d}" for n in range(1, 16)]
    # Keyed as on the paper: 1 Patient, moved from 2 (the wards) to 5 (home); "-" left blank.
    patient = {"who_answered": "1", "moved_from": "2", "moved_to": "5"}
    twelve = {name: "-" if n < 3 else "3" for n, name in enumerate(ctm)}
    nine = {name: "-" if n < 6 else "4" for n, name in enumerate(ctm)}
    for number, answers in (("1", twelve), ("2", nine)):
        keyed = volunteer.post(opened.location, data={"form_number": number, **patient, **answers})
        assert keyed.status_code == 302, keyed.text[:2000]
    scored, refused = responses()
    completed = stored_scores()
    assert completed[scored.id, "ctm-15"] == (pytest.approx(score([3] * 12)), 12, 15)
    assert (refused.id, "ctm-15") not in completed  # 9 answered of 15 asked
    result = app.test_cli_runner().invoke(args=["scores", "rebuild"])
    assert result.exit_code == 0, result.output
    assert stored_scores() == completed


def test_demo_data_has_the_scores_a_rebuild_computes(demo_area):
    generator.generate(300, seed=3, instruments=registry(), until=date(2026, 1, 31))
    scores, profiles = stored_counts(), stored_profiles()
    assert len(profiles) == 300
    assert len(scores) > 300
    assert {m for _, m in scores} >= {"ctm-15", "ctm-3", "i-statements", "i-statements-carer"}
    rebuild_scores()
    assert stored_counts() == scores
    assert stored_profiles() == profiles
    broad = {p["ethnic_broad"] for p in profiles.values()}
    assert {"White", "Asian or Asian British", NOT_ANSWERED} <= broad


def test_a_fault_in_scoring_still_completes_the_response(client, demo_area, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a scoring bug")

    # The scores are written, then the profile fails: the savepoint takes the scores back.
    monkeypatch.setattr(scores_data, "refresh_profiles", broken)
    done = Walker(client).complete("/s/lh-six-weeks-on")
    assert "Thank you" in client.get(done).get_data(as_text=True)
    (response,) = responses()
    assert response.status == "complete"
    assert stored_scores() == {} and stored_profiles() == {}  # the savepoint undid it all
    assert f"could not store the scores of response {response.id}" in caplog.text
    monkeypatch.undo()
    assert rebuild_scores()["scores"] > 0  # a rebuild fills the gap


@pytest.mark.parametrize(
    ("condition", "reduced", "expected"),
    [
        ("yes", "yes_a_lot", "limited_a_lot"),
        ("yes", "yes_a_little", "limited_a_little"),
        ("yes", "not_at_all", "not_disabled"),
        ("no", "yes_a_lot", "not_disabled"),  # Census routes a "No" past the second question
        ("no", None, "not_disabled"),
        ("pnts", "yes_a_lot", PREFER_NOT_TO_SAY),
        ("yes", "pnts", PREFER_NOT_TO_SAY),
        ("yes", None, NOT_ANSWERED),
        (None, "yes_a_lot", "limited_a_lot"),  # the second question presumes a condition
        (None, "yes_a_little", "limited_a_little"),
        (None, "not_at_all", NOT_ANSWERED),
        (None, "pnts", PREFER_NOT_TO_SAY),
        (None, None, NOT_ANSWERED),
    ],
)
def test_disability_from_the_two_census_questions(condition, reduced, expected):
    assert disability(condition, reduced) == expected


def test_carer_status():
    assert [carer(c) for c in ("no", "yes_9_or_less", "yes_50_or_more", "pnts", None)] == [
        "no",
        "yes",
        "yes",
        PREFER_NOT_TO_SAY,
        NOT_ANSWERED,
    ]
