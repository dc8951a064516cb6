"""Report queries on a small hand-built data set: every count and sum can be checked by hand,
and every grouping matches the same computation done directly in Python over the rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import combinations

import pytest
from sqlalchemy import select, text

from app.data.report_queries import (
    GROUPINGS,
    ReportFilter,
    asked_counts,
    comments,
    equality_counts,
    group_counts,
    group_counts_many,
    item_distribution,
    measure_stats,
    measure_stats_many,
    overview,
)
from app.data.reports import BREAKDOWNS, EQUALITY, report_input
from app.data.scores import DIMENSIONS, NOT_ANSWERED, PREFER_NOT_TO_SAY
from app.extensions import db
from app.models import (
    Answer,
    InstrumentVersion,
    Journey,
    Pathway,
    Response,
    ResponseProfile,
    ResponseScore,
    Service,
    Stage,
    Survey,
)

PATHWAY = "leaving-hospital"
H1 = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30))  # first half of 2026
ASIAN = {"ethnic_broad": "Asian or Asian British", "ethnic_group": "asian_indian"}
PEOPLE = {  # journey -> profile (values not given are "not_answered")
    "J1": {**ASIAN, "sex": "female", "age_band": "75_84", "disability": "limited_a_lot"},
    "J2": dict.fromkeys(DIMENSIONS, PREFER_NOT_TO_SAY),
    "J3": {"ethnic_broad": "White", "ethnic_group": "white_british", "sex": "male"},
    "J4": None,  # no profile row at all (as before a rebuild): counts as "not_answered"
}
# name, stage, service, to_service (a move), role, channel, completed (UTC), journey,
# scores {measure: (score, items answered, answered "Strongly agree" (top), answered
# (strongly) disagree (bottom))}, answers (instrument, item, code, text), status.
# The instruments a response used are those it has answers to. R4's CTM-3 score comes from
# its CTM-15 (items 2, 9 and 13 are the CTM-3); R5 left those three blank (LEFT_BLANK), so it
# has none.
RESPONSES = [
    ("R1", "in-hospital", "county-wards", None, "patient", "web", (2026, 1, 10, 9), "J1",
     {"i-statements": (100.0, 4, 4, 0), "i-statements:communication": (100.0, 2, 2, 0)},
     [("i-statements", "is_kept_informed", "4", None),
      ("i-statements", "went_well", None, "Kind staff on ward 3."),
      ("about-you", "ethnic_group", "asian_indian", None),
      ("about-you", "postcode_district", None, "RV1")], "complete"),
    ("R2", "in-hospital", "county-wards", None, "carer", "paper", (2026, 2, 20, 12), "J2",
     {"i-statements": (50.0, 4, 1, 2), "i-statements:communication": (25.0, 2, 0, 1)},
     [("i-statements", "is_kept_informed", "2", None),
      ("i-statements-carer", "could_be_better", None, "Nobody rang me back.")], "complete"),
    ("R3", "in-hospital", "hillford-community-hospital", None, "patient", "web",
     (2026, 4, 2, 8), "J3", {"i-statements": (0.0, 3, 0, 3)},
     [("i-statements", "is_kept_informed", "dk", None)], "complete"),
    ("R4", "leaving-hospital", "county-wards", "oakview-care-home", "patient", "web",
     (2026, 3, 31, 23, 30), "J1",
     {"ctm-15": (60.0, 15, 3, 4), "ctm-3": (200 / 3, 3, 1, 0), "i-statements": (80.0, 4, 2, 0)},
     [("ctm-15", "ctm01", "3", None), ("ctm-15", "ctm02", "4", None),
      ("ctm-15", "ctm09", "3", None), ("i-statements", "is_kept_informed", "4", None)],
     "complete"),
    ("R5", "leaving-hospital", "county-wards", "home", "helped", "web", (2026, 5, 15, 14), "J3",
     {"ctm-15": (90.0, 14, 10, 0)}, [("ctm-15", "ctm01", "4", None),
                        ("ctm-15", "went_well", None, "Home by teatime.")], "complete"),
    ("R6", "in-hospital", "county-wards", None, "patient", "web", None, "J3",
     {}, [("i-statements", "is_kept_informed", "1", None)], "in_progress"),
    ("R7", "other-stage", "county-wards", None, "patient", "web", (2026, 3, 1, 10), "J2",
     {"i-statements": (10.0, 4, 0, 4)}, [("i-statements", "is_kept_informed", "1", None)],
     "complete"),
    ("R8", "in-hospital", "county-wards", None, "patient", "web", (2025, 12, 31, 23, 59), "J4",
     {"i-statements": (70.0, 4, 1, 1)}, [("i-statements", "is_kept_informed", "3", None)],
     "complete"),
]  # fmt: skip
# Statements asked and left blank (Response.left_blank). R2, a carer, used the carers'
# statements: only a free-text answer and one statement left blank.
LEFT_BLANK = {
    "R2": [["i-statements-carer", "is_kept_informed"]],
    "R4": [["ctm-15", "ctm13"]],
    "R5": [["ctm-15", "ctm02"], ["ctm-15", "ctm09"], ["ctm-15", "ctm13"]],
}


@pytest.fixture
def data(demo_area):
    """The rows above in the database, and as plain dicts (with their group values)."""
    other = Pathway(slug="other-pathway", name="Another pathway")
    other_stage = Stage(pathway=other, position=1, slug="other-stage", name="Other", kind="episode")
    db.session.add_all([other, Survey(slug="other", title="Other", stage=other_stage)])
    db.session.flush()
    stages = {s.slug: s for s in db.session.scalars(select(Stage)) if s.pathway_id != other.id}
    stages["other-stage"] = other_stage
    services = {s.code: s for s in db.session.scalars(select(Service))}
    surveys = {s.stage_id: s for s in db.session.scalars(select(Survey))}
    journeys = {j: Journey(code=f"TEST{j}") for j in PEOPLE}
    used = {a[0] for r in RESPONSES for a in r[9]}
    versions = {
        i: InstrumentVersion(instrument_id=i, version="1.0.0", content_hash=i, definition={})
        for i in sorted(used)
    }
    plain = []
    for (
        name,
        stage,
        service,
        to,
        role,
        channel,
        when,
        journey,
        scores,
        answers,
        status,
    ) in RESPONSES:
        st, sv = stages[stage], services[service]
        completed = datetime(*when, tzinfo=UTC) if when else None
        response = Response(
            token=name,
            survey_id=surveys[st.id].id,
            stage_id=st.id,
            service_id=sv.id,
            from_service_id=sv.id if to else None,
            to_service_id=services[to].id if to else None,
            journey=journeys[journey],
            role=role,
            channel=channel,
            status=status,
            completed_at=completed,
            pages_done=[],
            answers=[
                Answer(instrument_id=i, item_id=it, code=c, text=t) for i, it, c, t in answers
            ],
            instrument_versions=[versions[i] for i in sorted({a[0] for a in answers})],
            left_blank=LEFT_BLANK.get(name),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add_all(
            ResponseScore(
                response_id=response.id,
                measure=m,
                score=v,
                answered=answered,
                asked=answered,
                top=top,
                bottom=bottom,
            )
            for m, (v, answered, top, bottom) in scores.items()
        )
        person = PEOPLE[journey]
        profile = {d: (person or {}).get(d, NOT_ANSWERED) for d in DIMENSIONS}
        if person is not None:
            db.session.add(ResponseProfile(response_id=response.id, **profile))
        q = (completed.month - 1) // 3 + 1 if completed else None
        plain.append(
            {
                "name": name,
                "pathway": "other-pathway" if stage == "other-stage" else PATHWAY,
                "stage": stage,
                "stage_position": st.position,
                "stage_name": st.name,
                "stage_kind": st.kind,
                "service": service,
                "from_service": service if to else None,
                "to_service": to,
                "sector": sv.sector,
                "role": role,
                "channel": channel,
                "completed": completed,
                "quarter": f"{completed.year}-Q{q}" if completed else None,
                "journey": journey,
                "status": status,
                "scores": scores,
                "answers": answers,
                **profile,
            }
        )
    db.session.commit()
    return plain


def in_filter(r: dict, f: ReportFilter) -> bool:
    """The filter, applied in Python."""
    day = r["completed"].date() if r["completed"] else None
    return (
        r["status"] == "complete"
        and r["pathway"] == f.pathway
        and (f.date_from is None or day >= f.date_from)
        and (f.date_to is None or day <= f.date_to)
        and (
            not f.services
            or bool({r["service"], r["from_service"], r["to_service"]} & set(f.services))
        )
        and (f.role is None or r["role"] == f.role)
    )


def expected_stats(rows: list[dict], f: ReportFilter, by: tuple[str, ...]) -> list[dict]:
    """measure_stats computed directly in Python over the same rows."""
    names = [
        n for k in by for n in (("stage", "stage_position", "stage_name") if k == "stage" else (k,))
    ]
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for r in rows:
        if in_filter(r, f):
            for measure, score in r["scores"].items():
                groups[(*(r[n] for n in names), measure)].append(score)
    out = [
        {
            **dict(zip(names, key[:-1], strict=True)),
            "measure": key[-1],
            "n": len(scores),
            "total": sum(v for v, *_ in scores),
            "total_sq": sum(v**2 for v, *_ in scores),
            "total_cu": sum(v**3 for v, *_ in scores),
            "answered": sum(s[1] for s in scores),
            "top": sum(s[2] for s in scores),
            "bottom": sum(s[3] for s in scores),
        }
        for key, scores in groups.items()
    ]
    return canonical(out)


def canonical(rows: list[dict]) -> list[dict]:
    def key(row):
        return tuple(sorted((k, (v is None, "" if v is None else str(v))) for k, v in row.items()))

    return sorted(
        ({k: pytest.approx(v) if isinstance(v, float) else v for k, v in r.items()} for r in rows),
        key=key,
    )


def by_key(rows: list[dict], *names: str) -> dict:
    """Rows by the values of ``names`` (one name: the value itself)."""
    return {(r[names[0]] if len(names) == 1 else tuple(r[n] for n in names)): r for r in rows}


def test_overview_counts_complete_responses_in_the_pathway_and_period(data):
    assert overview(H1) == {
        "responses": 5,  # R1-R5: R6 is unfinished, R7 another pathway, R8 in 2025
        "journeys": 3,
        "services": 4,  # county-wards, hillford, oakview-care-home, home
        "stages": 2,
        "channels": {"paper": 1, "web": 4},
        "roles": {"carer": 1, "helped": 1, "patient": 3},
    }
    everything = overview(ReportFilter(PATHWAY))
    assert everything["responses"] == 6 and everything["journeys"] == 4


def test_stage_by_service_means_by_hand(data):
    rows = measure_stats(H1, by=("stage", "service"))
    got = by_key(rows, "stage", "service", "measure")
    ward = got["in-hospital", "county-wards", "i-statements"]
    assert ward == {
        "stage": "in-hospital",
        "stage_position": 2,
        "stage_name": "In hospital",
        "service": "county-wards",
        "measure": "i-statements",
        "n": 2,
        "total": 150.0,  # R1 100 + R2 50
        "total_sq": 12500.0,  # 100^2 + 50^2
        "total_cu": 1125000.0,  # 100^3 + 50^3
        "answered": 8,  # 4 + 4 statements answered
        "top": 5,  # 4 + 1 "Strongly agree"
        "bottom": 2,  # 0 + 2 (strongly) disagree
    }
    assert got["in-hospital", "hillford-community-hospital", "i-statements"]["n"] == 1
    leaving = got["leaving-hospital", "county-wards", "ctm-15"]
    assert (leaving["n"], leaving["total"], leaving["total_sq"]) == (2, 150.0, 11700.0)
    assert (leaving["total_cu"], leaving["answered"], leaving["top"], leaving["bottom"]) == (
        945000.0,  # 60^3 + 90^3
        29,
        13,
        4,
    )
    counts = ("n", "answered", "top", "bottom")
    assert all(type(r[k]) is int for r in rows for k in counts)  # never 8.0 or Decimal
    assert all(type(r[k]) is float for r in rows for k in ("total", "total_sq", "total_cu"))
    assert len(rows) == 6  # in hospital: 2 at the wards, 1 at Hillford; leaving: 3 (CTM-3: R4)
    assert [r["stage_position"] for r in rows] == sorted(r["stage_position"] for r in rows)


def test_whole_pathway_and_moves(data):
    whole = by_key(measure_stats(H1), "measure")
    assert whole["i-statements"]["n"] == 4  # R1, R2, R3, R4
    assert whole["i-statements"]["total"] == 230.0
    moves = measure_stats(H1, by=("from_service", "to_service"))
    care_home = by_key(moves, "from_service", "to_service", "measure")
    assert care_home["county-wards", "oakview-care-home", "ctm-15"]["total"] == 60.0
    assert care_home[None, None, "i-statements"]["n"] == 3  # the episodes R1-R3
    assert moves[-1]["from_service"] is None  # no move sorts last


def test_quarters_are_utc_calendar_quarters(data):
    rows = by_key(measure_stats(H1, by=("quarter",)), "quarter", "measure")
    # R4 was completed at 23:30 UTC on 31 March: the first quarter, whatever the time zone.
    assert rows["2026-Q1", "ctm-15"]["n"] == 1
    assert rows["2026-Q1", "i-statements"]["n"] == 3
    assert rows["2026-Q2", "ctm-15"]["total"] == 90.0
    # With no dates the quarters come from the data: R8, 23:59 UTC on 31 December, is 2025.
    whole = by_key(measure_stats(ReportFilter(PATHWAY), by=("quarter",)), "quarter", "measure")
    assert whole["2025-Q4", "i-statements"]["total"] == 70.0
    one = measure_stats(ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 3, 31)), ("quarter",))
    assert {r["quarter"] for r in one} == {"2026-Q1"}  # one quarter: a constant, not grouped
    if db.engine.dialect.name == "postgresql":
        # In Berlin R4 is 01:30 on 1 April and R8 00:59 on 1 January: still UTC quarters.
        db.session.execute(text("SET TIME ZONE 'Europe/Berlin'"))
        again = by_key(measure_stats(H1, by=("quarter",)), "quarter", "measure")
        assert again["2026-Q1", "ctm-15"]["n"] == 1
        everything = measure_stats(ReportFilter(PATHWAY), by=("quarter",))
        assert by_key(everything, "quarter", "measure") == whole


def test_period_ends_are_inclusive_days(data):
    march = ReportFilter(PATHWAY, date(2026, 3, 31), date(2026, 3, 31))
    assert overview(march)["responses"] == 1  # R4 at 23:30
    new_year = ReportFilter(PATHWAY, date(2025, 12, 31), date(2026, 1, 10))
    assert overview(new_year)["responses"] == 2  # R8 at 23:59 and R1


def test_service_filter_takes_either_end_of_a_move(data):
    care_home = ReportFilter(PATHWAY, services=("oakview-care-home",))
    assert overview(care_home)["responses"] == 1  # R4, a move to the care home
    wards = ReportFilter(PATHWAY, date(2026, 1, 1), date(2026, 6, 30), services=("county-wards",))
    assert overview(wards)["responses"] == 4  # R1, R2, R4, R5
    two = ReportFilter(PATHWAY, services=("home", "hillford-community-hospital"))
    assert overview(two)["responses"] == 2  # R3, R5


def test_role_filter(data):
    carers = ReportFilter(PATHWAY, role="carer")
    assert overview(carers)["responses"] == 1
    (row, *_) = measure_stats(carers, by=("role",))
    assert (row["role"], row["measure"], row["n"], row["total"]) == (
        "carer",
        "i-statements",
        1,
        50.0,
    )


def test_equality_breakdowns_count_prefer_not_to_say_and_not_answered(data):
    rows = by_key(
        measure_stats(ReportFilter(PATHWAY), by=("ethnic_broad",)), "ethnic_broad", "measure"
    )
    assert rows["Asian or Asian British", "i-statements"]["total"] == 180.0  # R1 100 + R4 80
    assert rows[PREFER_NOT_TO_SAY, "i-statements"]["total"] == 50.0  # R2
    assert rows[NOT_ANSWERED, "i-statements"]["total"] == 70.0  # R8, no profile row
    assert group_counts(ReportFilter(PATHWAY), "ethnic_broad") == [
        {"ethnic_broad": "Asian or Asian British", "n": 2, "journeys": 1},
        {"ethnic_broad": "White", "n": 2, "journeys": 1},
        {"ethnic_broad": NOT_ANSWERED, "n": 1, "journeys": 1},
        {"ethnic_broad": PREFER_NOT_TO_SAY, "n": 1, "journeys": 1},
    ]
    sexes = group_counts(H1, "sex")
    assert {r["sex"]: r["n"] for r in sexes} == {"female": 2, "male": 2, PREFER_NOT_TO_SAY: 1}


def test_all_equality_counts_at_once_match_the_hand_counts(data):
    # One GROUPING SETS query on PostgreSQL; the same hand counts as above.
    many = group_counts_many(ReportFilter(PATHWAY), ("ethnic_broad", "sex"))
    assert many["ethnic_broad"] == {
        "Asian or Asian British": 2,
        "White": 2,
        NOT_ANSWERED: 1,
        PREFER_NOT_TO_SAY: 1,
    }
    assert group_counts_many(H1, ("sex", "age_band"))["sex"] == {
        "female": 2,
        "male": 2,
        PREFER_NOT_TO_SAY: 1,
    }
    for d, counts in group_counts_many(H1, DIMENSIONS).items():
        assert counts == {r[d]: r["n"] for r in group_counts(H1, d)}, d


def test_equality_counts_give_people_as_well_as_responses(data):
    got = equality_counts(ReportFilter(PATHWAY), ("disability", "sex"))
    assert got["disability"] == {
        "limited_a_lot": {"responses": 2, "people": 1},  # J1: R1, R4
        NOT_ANSWERED: {"responses": 3, "people": 2},  # J3: R3, R5; J4: R8
        PREFER_NOT_TO_SAY: {"responses": 1, "people": 1},  # J2: R2 (R7 is elsewhere)
    }
    assert got["sex"]["male"] == {"responses": 2, "people": 1}  # J3
    for d, counts in equality_counts(H1, DIMENSIONS).items():
        assert counts == {
            r[d]: {"responses": r["n"], "people": r["journeys"]} for r in group_counts(H1, d)
        }, d


def test_asked_counts_responses_that_answered_or_left_blank_a_statement(data):
    ctm3 = (("ctm-15", "ctm02"), ("ctm-15", "ctm09"), ("ctm-15", "ctm13"), ("ctm-3", "ctm3_1"))
    got = asked_counts(
        H1,
        {
            "ctm-3": ctm3,
            "i": (("i-statements", "is_kept_informed"), ("i-statements", "is_other_services")),
            "carer": (("i-statements-carer", "is_kept_informed"),),
            "first": (("ctm-15", "ctm01"),),
            "none": (("ctm-15", "ctm15"),),
        },
    )
    assert got == {
        "ctm-3": 2,  # R4 answered two and left one blank (once); R5 left all three blank
        "i": 4,  # R1-R4 (R3 with "don't know")
        "carer": 1,  # R2, blank only
        "first": 2,  # R4, R5
        "none": 0,
    }
    assert asked_counts(ReportFilter(PATHWAY, role="helped"), {"ctm-3": ctm3}) == {"ctm-3": 1}
    assert asked_counts(H1, {}) == {}


@pytest.mark.parametrize(
    "by",
    [
        (),
        ("stage",),
        ("stage", "service"),
        ("sector", "channel"),
        ("quarter", "role"),
        ("stage", "ethnic_broad", "sex"),
        ("disability", "carer", "age_band", "ethnic_group"),
        ("stage_kind", "to_service"),
        tuple(GROUPINGS),
    ],
)
@pytest.mark.parametrize(
    "f",
    [
        H1,
        ReportFilter(PATHWAY),
        ReportFilter(PATHWAY, date(2026, 2, 1), None, ("county-wards",)),
        ReportFilter(PATHWAY, None, date(2026, 3, 31), role="patient"),
        ReportFilter("other-pathway"),
        ReportFilter("no-such-pathway"),
    ],
)
def test_measure_stats_match_python_over_the_same_rows(data, by, f):
    assert canonical(measure_stats(f, by=by)) == expected_stats(data, f, by)


@pytest.mark.parametrize(
    "f",
    [
        H1,
        ReportFilter(PATHWAY),
        ReportFilter(PATHWAY, date(2026, 2, 1), date(2026, 3, 31), ("county-wards",)),
        ReportFilter(PATHWAY, role="carer"),
        ReportFilter("no-such-pathway"),
    ],
)
def test_many_breakdowns_at_once_match_python(data, f):
    # On PostgreSQL this is one GROUPING SETS query; each breakdown must still come out as
    # if asked alone, NULL groups (no service, not answered) kept apart from the rest.
    breakdowns = {
        "pathway": (),
        "stage": ("stage",),
        "service": ("service",),
        "moves": ("from_service", "to_service"),
        "quarter": ("quarter",),
        "stage_quarter": ("stage", "quarter"),
        "sex": ("sex",),
        "again": ("sex",),
        "age_role": ("age_band", "role"),
        "kind": ("stage_kind",),  # needs the stage join without the stage key
        "own": ("stage_kind", "service"),
        "in": ("stage_kind", "to_service"),
        "moves_by_stage": ("stage", "from_service", "to_service"),
    }
    got = measure_stats_many(f, breakdowns)
    assert set(got) == set(breakdowns)
    for name, by in breakdowns.items():
        assert canonical(got[name]) == expected_stats(data, f, by), name


@pytest.mark.parametrize(
    "f", [H1, ReportFilter(PATHWAY), ReportFilter(PATHWAY, services=("oakview-care-home",))]
)
def test_the_reports_breakdowns_match_python(data, f):
    got = measure_stats_many(f, BREAKDOWNS)
    assert set(got) == set(BREAKDOWNS)
    for name, by in BREAKDOWNS.items():
        assert canonical(got[name]) == expected_stats(data, f, by), name


def test_services_seen_from_both_sides_of_a_move_by_hand(data):
    got = measure_stats_many(H1, {k: BREAKDOWNS[k] for k in ("service_own", "service_in")})
    own = by_key(got["service_own"], "stage_kind", "service", "measure")
    # Own care: the episodes at a service (the wards: R1 and R2).
    ward = own["episode", "county-wards", "i-statements"]
    assert (ward["n"], ward["total"], ward["top"], ward["bottom"]) == (2, 150.0, 5, 2)
    # Hand-overs out: the moves from it (R4 to the care home, R5 home), not its own care.
    out = own["transition", "county-wards", "ctm-15"]
    assert (out["n"], out["total"], out["answered"], out["top"]) == (2, 150.0, 29, 13)
    assert ("episode", "county-wards", "ctm-15") not in own
    assert own["episode", "hillford-community-hospital", "i-statements"]["total"] == 0.0
    assert len(own) == 6  # wards: 2 own, 3 out; Hillford: 1 own
    into = by_key(got["service_in"], "stage_kind", "to_service", "measure")
    # Hand-overs in: the care home's part in R4, home's in R5; episodes have no receiver.
    assert into["transition", "oakview-care-home", "ctm-15"]["total"] == 60.0
    assert into["transition", "oakview-care-home", "i-statements"]["total"] == 80.0
    assert into["transition", "home", "ctm-15"]["total_cu"] == 729000.0  # 90^3
    assert into["episode", None, "i-statements"]["n"] == 3  # R1-R3
    assert ("transition", "county-wards", "ctm-15") not in into


def test_moves_are_per_transition_stage_by_hand(data):
    moves = by_key(measure_stats(H1, BREAKDOWNS["transition"]), "stage", "to_service", "measure")
    care_home = moves["leaving-hospital", "oakview-care-home", "ctm-15"]
    assert (care_home["stage_name"], care_home["from_service"], care_home["n"]) == (
        "Leaving hospital",
        "county-wards",
        1,
    )
    assert moves["leaving-hospital", "home", "ctm-15"]["total"] == 90.0
    assert moves["in-hospital", None, "i-statements"]["from_service"] is None
    kinds = by_key(measure_stats(H1, ("stage_kind",)), "stage_kind", "measure")
    assert kinds["transition", "i-statements"]["total"] == 80.0  # R4
    assert kinds["episode", "i-statements"]["total"] == 150.0  # R1 100 + R2 50 + R3 0


def test_report_input_keys_groups_by_code_with_labels_people_and_unscored(data):
    inp = report_input(H1, threshold=10)
    roles = by_key(inp.rows["role"], "role", "measure")
    assert roles["helped", "ctm-15"]["label"] == "Patient, helped to answer"
    assert roles["carer", "i-statements"]["total"] == 50.0  # R2, under its code
    sectors = by_key(inp.rows["sector"], "sector", "measure")
    assert sectors["hospital", "i-statements"]["label"] == "Hospital"
    assert sectors["community_health", "i-statements"]["n"] == 1  # R3 at Hillford
    ethnic = by_key(inp.rows["equality:ethnic_group"], "ethnic_group", "measure")
    assert ethnic["asian_indian", "i-statements"]["label"] == "Indian"
    assert ethnic[PREFER_NOT_TO_SAY, "i-statements"]["label"] == "Prefer not to say"
    disability = by_key(inp.rows["equality:disability"], "disability", "measure")
    assert disability["limited_a_lot", "ctm-15"]["label"] == (
        "Disabled: day-to-day activities limited a lot"
    )
    stage_roles = by_key(inp.rows["stage_role"], "stage", "role", "measure")
    assert stage_roles["in-hospital", "carer", "i-statements"]["label"] == "Carer"
    # Counts of responses and of people, by code: J1 answered twice (R1, R4), as did J3.
    assert inp.group_counts["sex"] == {"female": 2, "male": 2, PREFER_NOT_TO_SAY: 1}
    assert inp.people["sex"] == {"female": 1, "male": 1, PREFER_NOT_TO_SAY: 1}
    assert inp.people["disability"] == {"limited_a_lot": 1, NOT_ANSWERED: 1, PREFER_NOT_TO_SAY: 1}
    assert set(inp.group_counts) == set(inp.people) == set(EQUALITY)
    assert inp.labels["disability"] == {
        "limited_a_lot": "Disabled: day-to-day activities limited a lot",
        "limited_a_little": "Disabled: day-to-day activities limited a little",
        "not_disabled": "Not disabled",
        PREFER_NOT_TO_SAY: "Prefer not to say",
        NOT_ANSWERED: "Not answered",
    }
    assert inp.labels["age_band"]["85_over"] == "85 or over"  # every option, shown or not
    assert inp.labels["ethnic_broad"]["White"] == "White"
    assert inp.labels["sector"]["care_home"] == "Care home"
    # Asked: responses asked a statement of the measure (for CTM-3, CTM-15 items 2, 9 and 13
    # too); scored: those with a score. R5 left the CTM-3 items of its CTM-15 blank; R2 left
    # the one carers' statement it was asked blank.
    assert inp.unscored == {
        "ctm-15": {"asked": 2, "scored": 2},
        "ctm-3": {"asked": 2, "scored": 1},
        "i-statements": {"asked": 4, "scored": 4},
        "i-statements-carer": {"asked": 1, "scored": 0},
    }


def test_every_pair_of_groupings_matches_python(data):
    f = ReportFilter(PATHWAY)
    for by in combinations(GROUPINGS, 2):
        assert canonical(measure_stats(f, by=by)) == expected_stats(data, f, by), by


def test_item_distribution(data):
    rows = item_distribution(H1)
    got = {(r["stage"], r["instrument_id"], r["item_id"], r["code"]): r["n"] for r in rows}
    assert got == {
        ("in-hospital", "i-statements", "is_kept_informed", "4"): 1,
        ("in-hospital", "i-statements", "is_kept_informed", "2"): 1,
        ("in-hospital", "i-statements", "is_kept_informed", "dk"): 1,
        ("leaving-hospital", "ctm-15", "ctm01", "3"): 1,
        ("leaving-hospital", "ctm-15", "ctm01", "4"): 1,
        ("leaving-hospital", "ctm-15", "ctm02", "4"): 1,
        ("leaving-hospital", "ctm-15", "ctm09", "3"): 1,
        ("leaving-hospital", "i-statements", "is_kept_informed", "4"): 1,
    }  # About you is not an item distribution; free text has no code
    whole = item_distribution(ReportFilter(PATHWAY), by=())
    assert {(r["item_id"], r["code"]): r["n"] for r in whole}[("is_kept_informed", "4")] == 2
    assert set(whole[0]) == {"instrument_id", "item_id", "code", "n"}


def test_comments_are_free_text_answers_as_typed(data):
    assert comments(H1) == [
        {
            "stage": "in-hospital",
            "service": "county-wards",
            "instrument_id": "i-statements",
            "item_id": "went_well",
            "text": "Kind staff on ward 3.",
            "role": "patient",
            "group_total": 2,
        },
        {
            "stage": "in-hospital",
            "service": "county-wards",
            "instrument_id": "i-statements-carer",
            "item_id": "could_be_better",
            "text": "Nobody rang me back.",
            "role": "carer",
            "group_total": 2,
        },
        {
            "stage": "leaving-hospital",
            "service": "county-wards",
            "instrument_id": "ctm-15",
            "item_id": "went_well",
            "text": "Home by teatime.",
            "role": "helped",
            "group_total": 1,
        },
    ]  # the postcode district (About you) is not a comment
    assert comments(ReportFilter(PATHWAY, role="helped"))[0]["text"] == "Home by teatime."


def test_only_the_latest_comments_of_each_group_are_loaded(data):
    # In hospital at County wards has two comments; with one per group, only the later
    # (the carer's) comes back, still counting both.
    rows = comments(H1, per_group=1)
    assert [(r["stage"], r["text"], r["group_total"]) for r in rows] == [
        ("in-hospital", "Nobody rang me back.", 2),
        ("leaving-hospital", "Home by teatime.", 1),
    ]


def test_unknown_groupings_are_refused(data):
    with pytest.raises(ValueError, match="cannot group by postcode"):
        measure_stats(H1, by=("postcode",))
    with pytest.raises(ValueError, match="not an equality dimension"):
        group_counts(H1, "role")
