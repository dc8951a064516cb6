"""A hand-made report in the shape reports.aggregate builds (docs: design of issue 12,
section D), for testing the outputs without building a report from rows.

Every figure is written out here, so a test can say what a reader must see without working it
out the way the code under test does. ``sample_report()`` gives a fresh copy to change.
"""

from __future__ import annotations

import copy

THRESHOLD = 10
MEASURES = {
    "ctm-15": "CTM-15",
    "ctm-3": "CTM-3",
    "ist": "I statements",
    "ist:info": "I statements: Information",
}
STAGES = [
    {"slug": "ward", "name": "On the ward", "kind": "episode"},
    {"slug": "leaving", "name": "Leaving hospital", "kind": "transition"},
    {"slug": "home", "name": "Back home", "kind": "episode"},
    {"slug": "settling", "name": "Settling in", "kind": "transition"},
]
SERVICES = {
    "wards": "County Hospital wards",
    "oakview": "Oakview Care Home",
    "reablement": "Reablement team",
}
BANDING = "Each group is compared with the pathway it is part of (sample method text)."
CTM3_NOTE = "CTM-3 scores come from CTM-3 surveys and from items 2, 9 and 13 of every CTM-15."


def box(p: float, low: float, high: float) -> dict:
    return {"p": p, "low": low, "high": high}


def cell(measure: str, n: int, mean: float, low: float, high: float, band: str, **keys) -> dict:
    """A shown figure: top box 40% (35 to 45%), bottom box 8% (5 to 12%) unless given."""
    top = keys.pop("top_box", box(0.40, 0.35, 0.45))
    bottom = keys.pop("bottom_box", box(0.08, 0.05, 0.12))
    return {
        **keys,
        "measure": measure,
        "n": n,
        "mean": mean,
        "low": low,
        "high": high,
        "band": band,
        "top_box": top,
        "bottom_box": bottom,
        "suppressed": False,
    }


def hidden(measure: str, **keys) -> dict:
    numbers = ("n", "mean", "low", "high", "band", "top_box", "bottom_box")
    return {**keys, "measure": measure, **dict.fromkeys(numbers), "suppressed": True}


def _stage(slug: str) -> dict:
    return {"stage": slug, "stage_name": next(s["name"] for s in STAGES if s["slug"] == slug)}


def _service(code: str, part: str) -> dict:
    return {"service": code, "service_name": SERVICES[code], "part": part}


def _move(stage: str, a: str, b: str) -> dict:
    names = {"from_name": SERVICES[a], "to_name": SERVICES[b]}
    return {**_stage(stage), "from_service": a, "to_service": b, **names}


def _equality(dim: str, code: str, label: str) -> dict:
    return {dim: code, "label": label}


POINT_WEAK = {
    "kind": "move",
    "code": ["leaving", "wards", "oakview"],
    "what": "County Hospital wards to Oakview Care Home (Leaving hospital)",
    "measure": "ctm-15",
    "measure_name": "CTM-15",
    "n": 72,
    "mean": 48.2,
    "low": 43.9,
    "high": 52.5,
    "band": "worse",
    "reference": 65.4,
    "reference_text": "the whole pathway",
}
POINT_WEAK_SERVICE = {
    "kind": "service",
    "code": "oakview:in",
    "what": "Oakview Care Home: hand-overs in",
    "measure": "ist",
    "measure_name": "I statements",
    "n": 140,
    "mean": 58.0,
    "low": 55.1,
    "high": 60.9,
    "band": "worse",
    "reference": 66.0,
    "reference_text": "the whole pathway",
}
POINT_STRONG = {
    "kind": "equality",
    "code": "age_band:65-74",
    "what": "Age 65 to 74",
    "measure": "ctm-3",
    "measure_name": "CTM-3",
    "n": 210,
    "mean": 74.3,
    "low": 71.8,
    "high": 76.8,
    "band": "better",
    "reference": 66.1,
    "reference_text": "the whole pathway",
}

_REPORT = {
    "meta": {
        "pathway": "leaving-hospital",
        "pathway_name": "Leaving hospital (older people)",
        "period_text": "All responses so far",
        "filters_text": "",
        "generated_at": "1 January 2027, 09:00 UTC",
        "threshold": THRESHOLD,
        "level": 0.95,
        "banding_method": BANDING,
        "ctm3_note": CTM3_NOTE,
        "instruments": [
            {
                "id": "ctm-15",
                "version": 1,
                "title": "Care Transitions Measure",
                "attribution": "CTM (c) Eric Coleman.",
                "scoring": "Mean of the items answered, 0-100.",
            }
        ],
        "measures": MEASURES,
        "dimensions": {"age_band": "Age"},
        "unscored": {
            "ctm-15": {"asked": 412, "unscored": 23},
            "ctm-3": {"asked": None, "unscored": None},
            "ist": {"asked": 300, "unscored": 0},
        },
    },
    "overview": {
        "responses": 530,
        "journeys": 401,
        "services": 3,
        "stages": 4,
        "channels": {"web": 480, "paper": 50},
        "roles": {"patient": 470, "carer": 60},
    },
    "pathway": {
        "ctm-15": cell("ctm-15", 412, 65.4, 64.0, 66.8, None),
        "ctm-3": cell("ctm-3", 530, 66.1, 64.9, 67.3, None),
        "ist": cell("ist", 300, 66.0, 64.2, 67.8, None),
    },
    "journey": [
        cell("ctm-15", 166, 61.0, 59.2, 62.8, "worse", **_stage("ward")),
        cell("ist", 100, 80.0, 78.0, 82.0, "better", **_stage("ward")),
        cell("ist:info", 98, 70.0, 67.0, 73.0, "about the same", **_stage("ward")),
        hidden("ctm-15", **_stage("leaving")),
        cell("ctm-15", 120, 66.0, 64.0, 68.0, "about the same", **_stage("home")),
        cell("ctm-15", 126, 70.0, 68.0, 72.0, "about the same", **_stage("settling")),
    ],
    "services": [
        cell("ctm-15", 150, 68.0, 66.0, 70.0, "about the same", **_service("wards", "own")),
        cell("ctm-15", 90, 52.0, 48.0, 56.0, "worse", **_service("wards", "out")),
        hidden("ctm-15", **_service("wards", "in")),
        cell("ctm-15", 40, 71.0, 66.0, 76.0, "about the same", **_service("oakview", "own")),
        hidden("ctm-15", **_service("oakview", "out")),
        cell(
            "ctm-15",
            80,
            50.0,
            46.0,
            54.0,
            "worse",
            top_box=box(0.21, 0.14, 0.31),
            bottom_box=box(0.33, 0.24, 0.44),
            **_service("oakview", "in"),
        ),
    ],
    "sectors": [
        cell("ctm-15", 300, 64.0, 62.0, 66.0, "about the same", sector="acute", label="Acute"),
    ],
    "roles": [
        cell("ctm-15", 350, 65.0, 63.5, 66.5, "about the same", role="patient", label="Patient"),
        cell("ctm-15", 62, 67.0, 63.0, 71.0, "about the same", role="carer", label="Carer"),
    ],
    "trend": [
        cell("ctm-15", 200, 64.0, 62.0, 66.0, "about the same", quarter="2026-Q1", label="2026 Q1"),
        cell("ctm-15", 212, 66.8, 65.0, 68.6, "about the same", quarter="2026-Q2", label="2026 Q2"),
    ],
    "transitions": [
        cell("ctm-15", 72, 48.2, 43.9, 52.5, "worse", **_move("leaving", "wards", "oakview")),
        hidden("ctm-15", **_move("leaving", "wards", "reablement")),
        cell(
            "ctm-15", 32, 63.0, 58.0, 68.0, "about the same", **_move("leaving", "oakview", "wards")
        ),
        # The same two services again, at another stage: never pooled with the one above.
        cell(
            "ctm-15",
            58,
            69.0,
            65.0,
            73.0,
            "about the same",
            **_move("settling", "wards", "oakview"),
        ),
    ],
    "stage_trend": [
        cell(
            "ctm-15",
            80,
            60.0,
            57.0,
            63.0,
            "worse",
            quarter="2026-Q1",
            label="2026 Q1",
            **_stage("ward"),
        ),
        cell(
            "ctm-15",
            86,
            62.0,
            59.0,
            65.0,
            "about the same",
            quarter="2026-Q2",
            label="2026 Q2",
            **_stage("ward"),
        ),
    ],
    "stage_roles": [
        cell(
            "ctm-15",
            140,
            60.5,
            58.5,
            62.5,
            "worse",
            role="patient",
            label="Patient",
            **_stage("ward"),
        ),
        hidden("ctm-15", role="carer", label="Carer", **_stage("ward")),
    ],
    "statements": [
        {
            **_stage("ward"),
            "instrument": "ctm-15",
            "item": "ctm02",
            "text": "My preferences were taken into account",
            "suppressed": False,
            "n": 104,
            "distribution": {"1": 5, "2": 10, "3": 25, "4": 60, "dk": 4},
            "top_box": {"k": 60, "n": 100, **box(0.60, 0.50, 0.69)},
            "bottom_box": {"k": 15, "n": 100, **box(0.15, 0.09, 0.23)},
            "mean": 76.7,
            "low": 71.2,
            "high": 82.2,
            "band": "better",
        },
        {
            **_stage("ward"),
            "instrument": "ctm-15",
            "item": "ctm09",
            "text": "I knew who to call",
            "suppressed": True,
            "n": None,
            "distribution": None,
            "top_box": None,
            "bottom_box": None,
            "mean": None,
            "low": None,
            "high": None,
            "band": None,
        },
    ],
    "equality": {
        "age_band": {
            "groups": [
                cell(
                    "ctm-15",
                    210,
                    74.3,
                    71.8,
                    76.8,
                    "better",
                    **_equality("age_band", "65-74", "65 to 74"),
                ),
                cell(
                    "ctm-15",
                    150,
                    60.0,
                    57.0,
                    63.0,
                    "worse",
                    **_equality("age_band", "85+", "85 or over"),
                ),
                hidden("ctm-15", **_equality("age_band", "75-84", "75 to 84")),
                {
                    **cell(
                        "ctm-15",
                        31,
                        64.0,
                        58.0,
                        70.0,
                        None,
                        **_equality("age_band", "not_answered", "Not answered"),
                    ),
                    "compared": False,
                },
                {
                    **cell(
                        "ctm-15",
                        12,
                        62.0,
                        52.0,
                        72.0,
                        None,
                        **_equality("age_band", "prefer_not_to_say", "Prefer not to say"),
                    ),
                    "compared": False,
                },
            ],
            "counts": {
                "65-74": {"label": "65 to 74", "responses": 260, "people": 198},
                "85+": {"label": "85 or over", "responses": 180, "people": 131},
                "75-84": {"label": "75 to 84", "responses": None, "people": None},
                "not_answered": {"label": "Not answered", "responses": 36, "people": 30},
                "prefer_not_to_say": {
                    "label": "Prefer not to say",
                    "responses": 14,
                    "people": None,
                },
            },
        },
    },
    "weakest": [POINT_WEAK, POINT_WEAK_SERVICE],
    "strongest": [POINT_STRONG],
    "headline_text": {
        "weakest": "No stage, service or group is clearly worse than the pathway as a whole.",
        "strongest": "No stage, service or group is clearly better than the pathway as a whole.",
    },
    "comments": [],
}


def sample_report() -> dict:
    return copy.deepcopy(_REPORT)
