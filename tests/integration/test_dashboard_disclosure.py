"""Issue 4 on the dashboard: the page a commissioner sees (its tables, statements, headline
and the figures its charts draw) shows no figure about fewer than the threshold and hides
exactly what the downloads hide.

The survey, its aggregation, the oracle and the readers are those of
tests/unit/reports/test_output_disclosure.py. The page is the real view, signed in as a
commissioner; only the report it is given is swapped for one built from a drawn survey (the
database would take seconds a survey to fill, and the queries are tested against their own
oracle in test_report_queries.py).
"""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings

from app.data import reports as report_data
from reports.aggregate import build_report
from tests.unit.reports.test_output_disclosure import (
    check_charts,
    check_figures,
    check_same,
    html_statements,
    html_view,
    json_view,
    main_measure,
    report_input,
    surveys,
    truth,
)

MAIN_ONLY = ("transitions", "stage_quarters", "stage_roles")  # and the equality groups


@pytest.fixture
def commissioner(staff_client, demo_area):
    """A signed-in commissioner; the demo area gives the filter form a pathway to choose."""
    return staff_client("commissioner")


def dashboard_charts(soup: BeautifulSoup) -> dict[str, dict]:
    """The figures the page's charts draw, by chart name ("fig-transitions-ctm" is
    "transitions:ctm")."""
    return {
        tag["id"].removeprefix("fig-").replace("-", ":"): json.loads(tag.string)
        for tag in soup.select("script[type='application/json'][id^='fig-']")
    }


def page_counts(soup: BeautifulSoup) -> list[int]:
    """Counts on the page outside the tables: answers by channel, strongest and weakest
    points, and "preferred not to say" (the headline's totals are the report's scope)."""
    text = soup.get_text(" ")
    found = [int(n) for n in re.findall(r"\b(?:web|paper): (\d+)", text)]
    found += [int(n) for n in re.findall(r", (\d+) responses\b", text)]
    found += [int(n) for n in re.findall(r"Preferred not to say: (\d+)", text)]
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
    reference, statements = json_view(json.loads(json.dumps(report)))

    cells = html_view(page.text, survey)
    check_figures(cells, facts, threshold, "dashboard", 0.051)
    check_same(
        cells,
        reference,
        "dashboard",
        lambda k: main_measure(k) or not k[0].startswith(("equality_", *MAIN_ONLY)),
    )
    check_charts(dashboard_charts(soup), reference, facts, survey, "dashboard")
    assert html_statements(page.text, survey) == {k: v and v[0] for k, v in statements.items()}
    for n in page_counts(soup):
        assert n >= threshold, f"the dashboard shows a count of {n}"
