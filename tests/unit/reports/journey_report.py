"""A hand-made report with its journeys section (docs: /work/notes/design13.md, "Output:
report["journeys"]"), for testing the outputs before and apart from ``reports.journeys``.

It is ``sample_report()`` with the same people followed along the pathway added: changes
between stages, changes across each move, flows between services (some hidden), the common
paths, follow-up, whole journeys by role and by age, and a "handover" point first among the
weakest. Every figure is written out, so a test can say what a reader must see without
working it out the way the code under test does. ``journey_report()`` gives a fresh copy.
"""

from __future__ import annotations

import copy

from reports.journey_method import JOURNEY_METHOD
from tests.unit.reports.sample_report import SERVICES, STAGES, THRESHOLD, sample_report

STAGE_NAMES = {s["slug"]: s["name"] for s in STAGES}
CHANGE_NUMBERS = ("n", "mean", "low", "high", "band")

POINT_HANDOVER = {
    "kind": "handover",
    "code": ["leaving", "wards", "oakview"],
    "what": "People who moved from County Hospital wards to Oakview Care Home (Leaving hospital)",
    "measure": "ctm-15",
    "measure_name": "CTM-15",
    "n": 45,
    "mean": -15.5,
    "low": -20.0,
    "high": -11.0,
    "band": "worse",
    "reference": 0.0,
    "reference_text": "the same people's own score before the move",
}


def _words(band: str | None) -> str:
    return {"worse": "got worse", "about the same": "no clear change", "better": "got better"}.get(
        band, ""
    )


def change(a: str, b: str, measure: str, n, mean, low, high, band) -> dict:
    """The change in the same people's own score from stage ``a`` to stage ``b``."""
    return {
        "stage_from": a,
        "stage_from_name": STAGE_NAMES[a],
        "stage_to": b,
        "stage_to_name": STAGE_NAMES[b],
        "measure": measure,
        **dict(zip(CHANGE_NUMBERS, (n, mean, low, high, band), strict=True)),
        "words": _words(band),
        "suppressed": False,
    }


def move(stage: str, a: str, b: str, measure: str, n, mean, low, high, band) -> dict:
    """The change across a move from service ``a`` to ``b`` at transition ``stage``."""
    return {
        "stage": stage,
        "stage_name": STAGE_NAMES[stage],
        "from_service": a,
        "from_name": SERVICES[a],
        "to_service": b,
        "to_name": SERVICES[b],
        "measure": measure,
        **dict(zip(CHANGE_NUMBERS, (n, mean, low, high, band), strict=True)),
        "words": _words(band),
        "suppressed": False,
    }


def hide(cell: dict, *numbers: str) -> dict:
    """A suppressed cell: its labels kept, every number None and no words."""
    out = {**cell, **dict.fromkeys(numbers or CHANGE_NUMBERS), "suppressed": True}
    if "words" in out:
        out["words"] = ""
    return out


def flow(a: str, service_a: str | None, b: str, service_b: str | None, people: int | None):
    row = {"people": people, "suppressed": people is None}
    for side, stage, service in (("from", a, service_a), ("to", b, service_b)):
        row |= {
            f"stage_{side}": stage,
            f"stage_{side}_name": STAGE_NAMES[stage],
            f"service_{side}": service,
            f"service_{side}_name": SERVICES.get(service),
        }
        row[side] = f"{STAGE_NAMES[stage]}: {SERVICES.get(service) or 'Service not recorded'}"
    return row


def path(steps: list[tuple[str, str]], people: int) -> dict:
    labels = [f"{STAGE_NAMES[stage]}: {SERVICES[service]}" for stage, service in steps]
    return {"labels": labels, "text": " → ".join(labels), "people": people}


def whole(dimension: str, group, label: str, measure: str, n, mean, low, high, band) -> dict:
    return {
        "dimension": dimension,
        "group": group,
        "label": label,
        "measure": measure,
        **dict(zip(CHANGE_NUMBERS, (n, mean, low, high, band), strict=True)),
        "suppressed": False,
    }


FLOWS = [
    flow("ward", "wards", "leaving", "oakview", 45),
    flow("ward", "wards", "leaving", "reablement", 30),
    flow("ward", "wards", "leaving", "wards", None),  # hidden: too few people
    flow("leaving", "oakview", "home", "oakview", 40),
    flow("leaving", "reablement", "home", None, 25),  # the later answer named no service
    flow("home", "oakview", "settling", "reablement", None),  # hidden
]

JOURNEYS = {
    "people": 180,
    "changes": [
        change("ward", "leaving", "ctm-15", 45, -15.5, -20.0, -11.0, "worse"),
        change("ward", "home", "ctm-15", 60, -2.0, -5.5, 1.5, "about the same"),
        change("ward", "home", "ist:info", 40, 6.2, 2.1, 10.3, "better"),
        hide(change("home", "settling", "ctm-15", 0, 0, 0, 0, None)),
    ],
    "moves": [
        move("leaving", "wards", "oakview", "ctm-15", 45, -15.5, -20.0, -11.0, "worse"),
        move("leaving", "wards", "reablement", "ctm-15", 30, -1.2, -4.8, 2.4, "about the same"),
        hide(move("leaving", "oakview", "wards", "ctm-15", 0, 0, 0, 0, None)),
        hide(move("settling", "wards", "oakview", "ctm-15", 0, 0, 0, 0, None)),
    ],
    "flows": FLOWS,
    "paths": [
        path([("ward", "wards"), ("leaving", "oakview"), ("home", "oakview")], 38),
        path([("ward", "wards"), ("leaving", "reablement")], 22),
        path([("ward", "wards"), ("home", "reablement")], 12),
    ],
    "paths_note": f"Paths taken by fewer than {THRESHOLD} people are not listed.",
    "follow_up": {
        "stages": [
            {
                "stage": "ward",
                "stage_name": "On the ward",
                "people": 166,
                "followed": 120,
                "share": {"p": 0.723, "low": 0.650, "high": 0.785},
                "suppressed": False,
            },
            {
                "stage": "leaving",
                "stage_name": "Leaving hospital",
                "people": None,
                "followed": None,
                "share": None,
                "suppressed": True,
            },
            {
                "stage": "home",
                "stage_name": "Back home",
                "people": 120,
                "followed": 40,
                "share": {"p": 0.333, "low": 0.255, "high": 0.421},
                "suppressed": False,
            },
        ],
        "differences": [
            {
                "stage": "ward",
                "stage_name": "On the ward",
                "measure": "ctm-15",
                "n_followed": 120,
                "mean_followed": 63.1,
                "n_not_followed": 46,
                "mean_not_followed": 55.8,
                "difference": 7.3,
                "band": "better",
                "words": "those followed up scored higher at first",
                "suppressed": False,
            },
            {
                "stage": "home",
                "stage_name": "Back home",
                "measure": "ctm-15",
                "n_followed": 40,
                "mean_followed": 65.0,
                "n_not_followed": 80,
                "mean_not_followed": 66.5,
                "difference": -1.5,
                "band": "about the same",
                "words": "no clear difference between those followed up and those not",
                "suppressed": False,
            },
            {
                "stage": "leaving",
                "stage_name": "Leaving hospital",
                "measure": "ctm-15",
                "n_followed": None,
                "mean_followed": None,
                "n_not_followed": None,
                "mean_not_followed": None,
                "difference": None,
                "band": None,
                "words": "",
                "suppressed": True,
            },
        ],
    },
    "whole": {
        "pathway": [
            whole("pathway", None, "Everyone followed", "ctm-15", 150, 62.0, 60.1, 63.9, None)
        ],
        "roles": [
            whole("role", "patient", "Patient", "ctm-15", 131, 61.4, 59.3, 63.5, "about the same"),
            hide(whole("role", "carer", "Carer", "ctm-15", 0, 0, 0, 0, None)),
        ],
        "equality": {
            "age_band": [
                whole("age_band", "65-74", "65 to 74", "ctm-15", 70, 66.0, 63.2, 68.8, "better"),
                whole("age_band", "85+", "85 or over", "ctm-15", 52, 55.5, 52.0, 59.0, "worse"),
                hide(whole("age_band", "75-84", "75 to 84", "ctm-15", 0, 0, 0, 0, None)),
            ]
        },
    },
    "sankey_alt": (
        "Diagram of how people moved between services from one stage to the next: 4 flows "
        f"shown (not shown: 2 flows of fewer than {THRESHOLD} people each). The table of flows "
        "gives the same counts."
    ),
}


def journey_report() -> dict:
    """``sample_report()`` with a journeys section and a hand-over first among the weakest."""
    report = sample_report()
    report["journeys"] = copy.deepcopy(JOURNEYS)
    report["weakest"].insert(0, dict(POINT_HANDOVER))
    report["meta"]["journey_method"] = [{"title": t, "text": x} for t, x in JOURNEY_METHOD]
    return report
