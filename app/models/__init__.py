"""SQLAlchemy models, split by subject.

Imported by ``app.data`` (queries and commands) and ``app.demo`` (bulk synthetic data);
blueprints never import them (an import-linter contract checks).
"""

from app.models.area import Pathway, Service, Stage, Survey, SurveyInstrument, survey_services
from app.models.response import Answer, InstrumentVersion, Journey, Response, response_instruments

__all__ = [
    "Answer",
    "InstrumentVersion",
    "Journey",
    "Pathway",
    "Response",
    "Service",
    "Stage",
    "Survey",
    "SurveyInstrument",
    "response_instruments",
    "survey_services",
]
