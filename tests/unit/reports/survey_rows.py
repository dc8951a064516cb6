"""A plain list of responses aggregated into a ``ReportInput`` as the SQL queries do (count,
sum, sums of squares and cubes, top and bottom answers per group), for report tests that
need a whole report from responses they control. Independent of app/data: it groups in
Python."""

from __future__ import annotations

from collections import defaultdict

from reports.aggregate import ReportInput

STAGES = [
    {"slug": "ward", "name": "On the ward", "position": 1, "kind": "episode"},
    {"slug": "leaving", "name": "Leaving hospital", "position": 2, "kind": "transition"},
    {"slug": "home", "name": "Back home", "position": 3, "kind": "episode"},
]
KIND = {s["slug"]: s["kind"] for s in STAGES}
SECTORS = {"acute": "Acute hospital", "community": "Community health", "social_care": "Social care"}
MEASURE = "ist"
BREAKDOWNS = {
    "pathway": (),
    "stage": ("stage",),
    "service_own": ("stage_kind", "service"),
    "service_in": ("stage_kind", "to_service"),
    "sector": ("sector",),
    "role": ("role",),
    "transition": ("stage", "from_service", "to_service"),
    "quarter": ("quarter",),
    "stage_quarter": ("stage", "quarter"),
    "stage_role": ("stage", "role"),
    "equality:age_band": ("age_band",),
}


def respondent(stage, service, score, to=None, age="65_74", role="patient", answers=6):
    """One response: at ``stage`` with ``service`` (for a move, the service left and ``to``),
    with a 0-100 score from ``answers`` four-point answers (top: answers at 100)."""
    return {
        "stage": stage,
        "stage_kind": KIND[stage],
        "service": service,
        "from_service": service if to else None,
        "to_service": to,
        "role": role,
        "quarter": "2026-Q1",
        "age_band": age,
        "score": score,
        "answers": answers,
    }


def _rows(responses: list[dict], keys: tuple, services: dict) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in responses:
        value = {**r, "sector": services.get(r["service"], {}).get("sector")}
        groups[tuple(value[k] for k in keys)].append(r)
    rows = []
    for key, members in groups.items():
        scores = [m["score"] for m in members]
        # Each person's answers: as many "Strongly agree" as the score allows, the rest
        # "Disagree" or "Agree" (a plain, checkable split).
        top = sum(round(m["score"] / 100 * m["answers"]) for m in members)
        answered = sum(m["answers"] for m in members)
        rows.append(
            dict(zip(keys, key, strict=True))
            | {
                "measure": MEASURE,
                "n": len(scores),
                "total": sum(scores),
                "total_sq": sum(s * s for s in scores),
                "total_cu": sum(s**3 for s in scores),
                "top": top,
                "bottom": sum(
                    m["answers"] - round(m["score"] / 100 * m["answers"])
                    for m in members
                    if m["score"] < 50
                ),
                "answered": answered,
            }
        )
    return rows


def report_input(responses: list[dict], services: dict, threshold: int = 10) -> ReportInput:
    ages = defaultdict(int)
    for r in responses:
        ages[r["age_band"]] += 1
    return ReportInput(
        meta={"pathway": "p", "pathway_name": "Pathway", "period_text": "", "filters_text": ""},
        stages=STAGES,
        services=services,
        measures={MEASURE: "I statements"},
        instruments=[],
        overview={
            "responses": len(responses),
            "journeys": len(responses),
            "channels": {"web": len(responses)},
            "roles": {"patient": len(responses)},
        },
        rows={name: _rows(responses, keys, services) for name, keys in BREAKDOWNS.items()},
        items=[],
        item_text={},
        comments=[],
        group_counts={"age_band": dict(ages)},
        people={"age_band": dict(ages)},
        labels={"age_band": {"65_74": "65 to 74", "85_plus": "85 or over"}},
        threshold=threshold,
        sectors=SECTORS,
    )
