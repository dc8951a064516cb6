"""Hand-built responses along the demo pathway for the journey query tests: one row per
response, turned into database rows the way the survey stores them (the demo area must be
loaded first)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Journey, Response, ResponseScore, Service, Stage, Survey


class Responses:
    """Adds responses: ``add(journey, stage, service, moved_to, when, role, scores)``, where
    ``journey`` is a short code (None: no journey code), ``when`` (month, day) in 2026 or
    (year, month, day), None for a response never completed."""

    def __init__(self) -> None:
        self.stages = {s.slug: s for s in db.session.scalars(select(Stage))}
        self.services = {s.code: s for s in db.session.scalars(select(Service))}
        self.surveys = {s.stage_id: s for s in db.session.scalars(select(Survey))}
        self.people: dict[str, Journey] = {}
        self.count = 0

    def add(self, journey, stage, service, to, when, role="patient", scores=None) -> Response:
        if journey is not None and journey not in self.people:
            self.people[journey] = Journey(code=f"TEST{journey}")
        completed = None
        if when is not None:
            year, month, day = when if len(when) == 3 else (2026, *when)
            completed = datetime(year, month, day, 12, tzinfo=UTC)
        st, sv = self.stages[stage], self.services[service]
        response = Response(
            token=f"R{self.count}",
            survey_id=self.surveys[st.id].id,
            stage_id=st.id,
            service_id=sv.id,
            from_service_id=sv.id if to else None,
            to_service_id=self.services[to].id if to else None,
            journey=self.people.get(journey),
            role=role,
            channel="web",
            status="complete" if completed else "in_progress",
            completed_at=completed,
            pages_done=[],
        )
        self.count += 1
        db.session.add(response)
        db.session.flush()
        db.session.add_all(
            ResponseScore(
                response_id=response.id, measure=m, score=v, answered=4, asked=4, top=0, bottom=0
            )
            for m, v in (scores or {}).items()
        )
        return response
