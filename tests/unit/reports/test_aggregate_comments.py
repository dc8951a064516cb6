"""Comments in the report: redacted, grouped by stage and service, small groups left out,
and when only the latest are loaded the group's full count still decides and is shown."""

from __future__ import annotations

from reports.aggregate import ReportInput, build_report


def report_with(comments: list[dict], threshold: int = 10) -> dict:
    return build_report(
        ReportInput(
            meta={},
            stages=[{"slug": "home", "name": "At home", "position": 1, "kind": "episode"}],
            services={"gp": {"name": "Hillford Surgery", "sector": "primary_care"}},
            measures={},
            instruments=[],
            overview={"responses": 0, "journeys": 0, "services": 0, "stages": 0, "channels": {}},
            rows={},
            items=[],
            item_text={},
            comments=comments,
            group_counts={},
            threshold=threshold,
        )
    )


def rows(n: int, total: int | None = None, service: str = "gp") -> list[dict]:
    extra = {} if total is None else {"group_total": total}
    return [
        {"stage": "home", "service": service, "text": f"Comment {i}", **extra} for i in range(n)
    ]


def test_a_group_of_fewer_comments_than_the_threshold_is_left_out():
    assert build_comments(rows(9)) == []
    (group,) = build_comments(rows(10))
    assert (group["service_name"], group["total"], len(group["comments"])) == (
        "Hillford Surgery",
        10,
        10,
    )


def test_the_full_count_decides_when_only_the_latest_are_loaded():
    (group,) = build_comments(rows(3, total=250))
    assert group["total"] == 250 and group["comments"] == ["Comment 0", "Comment 1", "Comment 2"]
    assert build_comments(rows(3, total=9)) == []


def test_comments_are_redacted():
    text = "Ring Mrs Jones on 07700 900123 or jones@example.org"
    (group,) = build_comments([{"stage": "home", "service": "gp", "text": text}] * 10)
    shown = group["comments"][0]
    for secret in ("Jones", "07700 900123", "jones@example.org"):
        assert secret not in shown


def build_comments(comments: list[dict]) -> list[dict]:
    return report_with(comments)["comments"]
