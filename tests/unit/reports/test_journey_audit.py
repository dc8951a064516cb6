"""Issue 13, item 5: no count of people followed along their journey can be worked out when it
holds fewer than the threshold, from the follow-up counts, the flows and the listed paths
read together (worked by hand here, as a reader would subtract)."""

from __future__ import annotations

from reports.journey_audit import hidden_stages, listed_paths
from reports.journeys import JourneyRows, Journeys

T = 10


POSITION = {"gp": 1, "ward": 2, "home": 3, "community": 4}


def flow(a, sa, b, sb, people):
    return {
        **{"stage_from": a, "stage_from_position": POSITION[a], "stage_from_name": a.title()},
        **{"stage_to": b, "stage_to_position": POSITION[b], "stage_to_name": b.title()},
        **{"service_from": sa, "service_from_name": sa.title()},
        **{"service_to": sb, "service_to_name": sb.title(), "people": people},
    }


def stage(slug, people, followed):
    return {
        **{"stage": slug, "stage_position": POSITION[slug], "stage_name": slug.title()},
        **{"people": people, "followed": followed},
    }


def step(slug, service):
    return (slug, slug.title(), service, service and service.title())


def test_a_stage_where_few_were_not_followed_up_hides_its_follow_up_counts():
    stages = [stage("gp", 40, 34), stage("ward", 40, 20)]
    # 40 - 34 = 6 people not followed up from the GP: a group of 6, so both counts go.
    assert hidden_stages(stages, T) == {"gp"}


def test_one_small_flow_cannot_be_had_by_subtracting_the_others_from_those_followed_up():
    flows = [
        flow("ward", "county", "home", "oakview", 20),
        flow("ward", "county", "home", "own-home", 21),
        flow("ward", "county", "home", "riverside", 4),
    ]
    paths = [
        {"steps": (step("ward", "county"), step("home", f["service_to"])), "people": f["people"]}
        for f in flows
    ]
    rows = JourneyRows(
        follow_up={"stages": [stage("ward", 60, 45)], "measures": []}, flows=flows, paths=paths
    )
    built = Journeys(rows, {}, {}, T, 0.95).public()
    shown = [f["people"] for f in built["flows"] if not f["suppressed"]]
    hidden = [f for f in built["flows"] if f["suppressed"]]
    assert [f["service_to"] for f in hidden][:1] == ["riverside"] or len(hidden) > 1
    # Whatever a reader subtracts from (those followed up, everyone followed), the hidden
    # flows together are at least the threshold.
    (ward,) = built["follow_up"]["stages"]
    for total in (ward["followed"], built["people"]):
        if total is not None:
            assert total - sum(shown) >= T


def test_a_path_is_not_listed_when_its_flow_minus_it_counts_a_few_people():
    a = [step("ward", "county"), step("home", "oakview")]
    b = [*a, step("community", "district-nurses")]
    flows = {
        ("ward", "county", "home", "oakview"): 25,
        ("home", "oakview", "community", "district-nurses"): 7,
    }
    paths = [{"steps": tuple(a), "people": 18}, {"steps": tuple(b), "people": 7}]
    # Listing "ward then home: 18" beside the flow of 25 would say 7 people went on.
    hidden = {("home", "oakview", "community", "district-nurses")}
    assert listed_paths(paths, flows, hidden, T, 10, None) == []


def test_paths_are_listed_when_what_is_left_of_each_flow_is_none_or_enough():
    a = [step("ward", "county"), step("home", "oakview")]
    b = [step("ward", "county"), step("home", "own-home")]
    flows = {("ward", "county", "home", "oakview"): 30, ("ward", "county", "home", "own-home"): 12}
    paths = [{"steps": tuple(a), "people": 18}, {"steps": tuple(b), "people": 12}]
    listed = listed_paths(paths, flows, set(), T, 10, None)
    assert [p["people"] for p in listed] == [18, 12]
    # Everyone followed: 30 + 12 = 42; listed 30, so 12 on other paths: enough, still listed.
    assert len(listed_paths(paths, flows, set(), T, 10, 42)) == 2
    # Had only 35 been followed, "35 minus the listed 30" would count 5: the smaller goes.
    assert [p["people"] for p in listed_paths(paths, flows, set(), T, 10, 35)] == [18]


def test_a_path_through_a_hidden_flow_is_never_listed():
    a = [step("ward", "county"), step("home", "oakview")]
    flows = {("ward", "county", "home", "oakview"): 14}
    paths = [{"steps": tuple(a), "people": 14}]
    assert listed_paths(paths, flows, {("ward", "county", "home", "oakview")}, T, 10, None) == []
