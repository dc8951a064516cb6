"""Issues 4 and 12 on the dashboard: the page a commissioner sees (its tables, statements,
counts, headline and the figures its charts draw) shows no figure about fewer than the
threshold and shows and hides exactly what the downloads do, with the same numbers.

The survey, its aggregation, the oracle and the readers are those of
tests/unit/reports/test_output_disclosure.py. The page is the real view, signed in as a
commissioner; only the report it is given is swapped for one built from a drawn survey (the
database would take seconds a survey to fill, and the queries are tested against their own
oracle in test_report_queries.py).
"""

from __future__ import annotations

import json
import math
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings

from app.data import reports as report_data
from reports.aggregate import build_report
from tests.unit.reports.test_output_disclosure import (
    Truth,
    chart_names,
    check_charts,
    check_counts,
    check_figures,
    check_same,
    html_counts,
    html_statements,
    html_view,
    json_counts,
    json_view,
    main_measure,
    report_input,
    surveys,
    truth,
)

MAIN_ONLY = ("stage_quarters", "stage_roles", "equality_")  # tables of whole measures only
BOX = 0.0051  # a top or bottom box as a whole-number percentage


@pytest.fixture
def commissioner(staff_client, demo_area):
    """A signed-in commissioner; the demo area gives the filter form a pathway to choose."""
    return staff_client("commissioner")


def dashboard_charts(soup: BeautifulSoup, names: list[str]) -> dict[str, dict]:
    """The figures the page's charts draw, by chart name: the page names a chart's script
    "fig-" and its name with ":" made "-" ("fig-transitions-moving-on-ctm" is
    "transitions:moving-on:ctm"), so each is matched against the charts a report can have."""
    by_id = {f"fig-{name.replace(':', '-')}": name for name in names}
    found = {}
    for tag in soup.select("script[type='application/json'][id^='fig-']"):
        assert tag["id"] in by_id, f"a chart no report of this survey can have: {tag['id']}"
        found[by_id[tag["id"]]] = json.loads(tag.string)
    return found


def page_counts(soup: BeautifulSoup) -> list[int]:
    """Counts on the page outside the tables: answers by channel, and the strongest and
    weakest points (the headline's totals are the report's scope)."""
    text = soup.get_text(" ")
    found = [int(n) for n in re.findall(r"\b(?:web|paper): (\d+)", text)]
    found += [int(n) for n in re.findall(r", (\d+) responses\b", text)]
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(survey=surveys())
def test_the_dashboard_shows_only_big_enough_groups_and_hides_what_the_downloads_hide(
    app, commissioner, survey
):
    report = build_report(report_input(survey))
    threshold = survey.threshold
    app.config["REPORT_THRESHOLD"] = threshold

    def build(report_filter, given_threshold):
        assert given_threshold == threshold
        return report

    with mock.patch.object(report_data, "build", build):
        page = commissioner.get("/reports/?pathway=leaving-hospital")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    facts = truth(survey)
    data = json.loads(json.dumps(report))
    reference, statements = json_view(data)
    # A role too few to count is also listed, with nobody, on the measures it has no score on.
    for key in reference.keys() - facts.keys():
        if key[0] in ("roles", "stage_roles"):
            facts[key] = Truth(0, math.nan, math.nan, math.nan)

    cells = html_view(page.text, survey, data)
    check_figures(cells, facts, threshold, "dashboard", 0.051, BOX)
    check_same(
        cells,
        reference,
        "dashboard",
        lambda k: main_measure(k) or not k[0].startswith(MAIN_ONLY),
    )
    charts = dashboard_charts(soup, chart_names())
    check_charts(charts, reference, facts, survey, data, "dashboard")
    assert html_statements(page.text, survey) == {k: v and v[0] for k, v in statements.items()}
    counts = html_counts(page.text, survey, data)
    assert counts == json_counts(data), "the dashboard's counts differ from the JSON's"
    check_counts(counts, survey, "dashboard")
    for n in page_counts(soup):
        assert n >= threshold, f"the dashboard shows a count of {n}"
