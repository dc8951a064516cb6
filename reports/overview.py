"""The report's counts outside the score figures: responses and people, how people answered,
equality groups' sizes, responses too incomplete to score, and the comments people wrote.
Each count below the threshold is hidden like a figure, and so is whatever would let a reader
work it out from a total shown beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from reports.disclosure import suppress_partition
from reports.redact import redact


def counts(by_value: Mapping[str, int], threshold: int) -> dict[str, int | None]:
    """A breakdown of a shown total: small counts, and enough others to protect them, hidden."""
    hidden = suppress_partition(dict(by_value), threshold)
    return {k: (None if k in hidden else n) for k, n in by_value.items()}


def overview(numbers: dict, threshold: int) -> dict:
    """Channel and role counts are breakdowns of the total like any other: suppressed too. The
    number of responses and of people are figures too: below the threshold (but not none at
    all, which says the filters matched nobody) they are shown as "fewer than" the threshold."""
    small = {
        key: None for key in ("responses", "journeys") if 0 < (numbers.get(key) or 0) < threshold
    }
    return {
        **numbers,
        **small,
        "channels": counts(numbers.get("channels", {}), threshold),
        "roles": counts(numbers.get("roles", {}), threshold),
    }


def group_sizes(
    responses: Mapping[str, int],
    people: Mapping[str, int],
    labels: Mapping[str, str],
    threshold: int,
) -> dict[str, dict]:
    """Each equality group's size in responses and in people (journeys). Both add up to a
    total the report shows (responses, people), so each is suppressed as a partition, and a
    group hidden in one is hidden in the other (a shown count beside a hidden one would
    narrow it)."""
    values = list(dict.fromkeys([*responses, *people]))
    by_responses = {v: responses.get(v, 0) for v in values}
    by_people = {v: people.get(v, 0) for v in values}
    hidden = suppress_partition(by_responses, threshold) | suppress_partition(by_people, threshold)
    hidden = suppress_partition(by_responses, threshold, hidden=hidden)
    hidden = suppress_partition(by_people, threshold, hidden=hidden)
    return {
        v: {
            "label": labels.get(v, v),
            "responses": None if v in hidden else by_responses[v],
            "people": None if v in hidden else by_people[v],
        }
        for v in values
    }


def unscored(asked_scored: Mapping[str, Mapping[str, int]], threshold: int) -> dict[str, dict]:
    """Per measure, how many responses were asked it and how many were below the minimum
    answered, so have no score. Asked = scored + below the minimum, and the number scored is
    the pathway's figure: when any of the three is from 1 to below the threshold, neither
    count is shown (None: "not shown"), since the two shown would give the third."""
    out = {}
    for measure, numbers in asked_scored.items():
        asked = numbers.get("asked") or 0
        scored = numbers.get("scored") or 0
        below = max(0, asked - scored)
        small = any(0 < n < threshold for n in (asked, scored, below))
        out[measure] = {
            "asked": None if small else asked,
            "unscored": None if small else below,
        }
    return out


def comments(rows: list[dict], stages: list[dict], services: dict, threshold: int) -> list[dict]:
    """Redacted comments grouped by stage and service; a group with fewer comments than the
    threshold is left out, so nobody in a small group can be recognised by what they wrote.
    Rows may carry ``group_total`` (the group's comments in all, when only the latest are
    given); ``total`` says how many there are, ``comments`` are those shown."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = (row["stage"], row.get("service") or "")
        totals[key] = max(totals[key], row.get("group_total", 0))
        text = (row.get("text") or "").strip()
        if text:
            groups[key].append(redact(text))
    stage_names = {s["slug"]: s["name"] for s in stages}
    return [
        {
            "stage": stage,
            "stage_name": stage_names.get(stage, stage),
            "service": service,
            "service_name": services.get(service, {}).get("name", service),
            "total": max(totals[stage, service], len(texts)),
            "comments": texts,
        }
        for (stage, service), texts in sorted(groups.items())
        if max(totals[stage, service], len(texts)) >= threshold
    ]
