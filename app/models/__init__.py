"""SQLAlchemy models, split by subject. Only ``app.data`` imports them."""

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
