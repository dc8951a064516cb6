"""Which pages a respondent sees: stage kind, role and service decide the questions."""

from app.survey.runner import Context, build_pages, first_unfinished, next_page_id, previous_page_id
from surveys import load_instruments
from surveys.model import PlannedInstrument

REG = load_instruments()


def plan(*ids, domains=None):
    return [PlannedInstrument(REG[i], REG[i].select(domains)) for i in ids]


def ids(pages):
    return [p.id for p in pages]


def all_items(pages):
    return [item.id for p in pages for item in p.items]


def test_transition_stage_asks_from_and_to_and_transition_only_statements():
    ctx = Context(
        stage_kind="transition", roles_allowed=("patient", "carer"), n_services=3, role="patient"
    )
    pages = build_pages(plan("ctm-15", "i-statements"), REG["about-you"], ctx, per_page=4)
    kinds = [p.kind for p in pages]
    assert kinds[:3] == ["journey", "role", "transition"]
    assert kinds[-1] == "check"
    items = all_items(pages)
    assert "ctm01" in items
    assert any(
        REG["i-statements"].item(i).stage_kinds == ("transition",)
        for i in items
        if i.startswith("is_")
    )


def test_episode_stage_never_asks_transition_only_statements():
    ctx = Context(stage_kind="episode", roles_allowed=("patient",), n_services=1, role="patient")
    pages = build_pages(plan("i-statements"), None, ctx, per_page=4)
    assert "role" not in ids(pages) and "service" not in ids(pages)
    for item_id in all_items(pages):
        assert "episode" in REG["i-statements"].item(item_id).stage_kinds


def test_carers_get_carer_wording_and_no_ctm():
    ctx = Context(
        stage_kind="transition", roles_allowed=("patient", "carer"), n_services=3, role="carer"
    )
    pages = build_pages(plan("ctm-15", "i-statements", "i-statements-carer"), None, ctx, per_page=4)
    instruments = {p.instrument.id for p in pages if p.instrument}
    assert instruments == {"i-statements-carer"}


def test_care_home_statements_only_when_a_care_home_was_chosen():
    base = dict(stage_kind="episode", roles_allowed=("patient",), n_services=2, role="patient")
    without = all_items(
        build_pages(plan("i-statements"), None, Context(**base, sectors=frozenset({"hospital"})))
    )
    with_home = all_items(
        build_pages(plan("i-statements"), None, Context(**base, sectors=frozenset({"care_home"})))
    )
    assert set(without) < set(with_home)
    assert all(
        REG["i-statements"].item(i).sectors == ("care_home",) for i in set(with_home) - set(without)
    )


def test_no_more_than_the_chosen_number_of_statements_per_page():
    ctx = Context(stage_kind="transition", roles_allowed=("patient",), n_services=2, role="patient")
    for page in build_pages(plan("ctm-15"), None, ctx, per_page=3):
        assert len(page.items) <= 3


def test_about_you_is_skipped_when_the_journey_already_has_it():
    ctx = dict(stage_kind="episode", roles_allowed=("patient",), n_services=1, role="patient")
    asked = build_pages(plan("ctm-3"), REG["about-you"], Context(**ctx, about_you_wanted=True))
    known = build_pages(plan("ctm-3"), REG["about-you"], Context(**ctx, about_you_known=True))
    assert any(p.kind == "about" for p in asked)
    assert not any(p.kind in ("about", "about_intro") for p in known)


def test_about_you_questions_only_after_saying_yes():
    ctx = dict(stage_kind="episode", roles_allowed=("patient",), n_services=1, role="patient")
    declined = build_pages(plan("ctm-3"), REG["about-you"], Context(**ctx, about_you_wanted=False))
    assert [p.kind for p in declined if p.kind.startswith("about")] == ["about_intro"]


def test_free_text_questions_shared_by_instruments_are_asked_once():
    ctx = Context(stage_kind="transition", roles_allowed=("patient",), n_services=2, role="patient")
    pages = build_pages(plan("ctm-15", "i-statements"), None, ctx)
    comments = [p for p in pages if p.kind == "comments"]
    assert len(comments) == 1
    assert [q.id for _, q in comments[0].free_text] == ["went_well", "could_be_better"]


def test_navigation_and_resume_point():
    ctx = Context(stage_kind="episode", roles_allowed=("patient", "carer"), n_services=2)
    pages = build_pages(plan("ctm-3"), None, ctx)
    assert previous_page_id(pages, "journey") is None
    assert next_page_id(pages, "journey") == "role"
    assert previous_page_id(pages, "role") == "journey"
    assert first_unfinished(pages, ["journey", "role"]) == "service"
    assert first_unfinished(pages, [p.id for p in pages]) == "check"
