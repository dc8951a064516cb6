"""SQLAlchemy models, split by subject.

Imported by ``app.data`` (queries and commands) and ``app.demo`` (bulk synthetic data);
blueprints never import them (an import-linter contract checks).
"""

from app.models.area import Pathway, Service, Stage, Survey, SurveyInstrument, survey_services
from app.models.audit import AuditEvent
from app.models.paper import PaperBatch, PaperForm, PaperKeying, PaperResolution
from app.models.paper_print import PaperPrintedForm, PaperPrintRun  # noqa: F401
from app.models.response import Answer, InstrumentVersion, Journey, Response, response_instruments
from app.models.score import ResponseProfile, ResponseScore
from app.models.user import STAFF_ROLES, PasswordLink, StaffSession, User

__all__ = [
    "STAFF_ROLES",
    "Answer",
    "AuditEvent",
    "InstrumentVersion",
    "Journey",
    "PaperBatch",
    "PaperForm",
    "PaperKeying",
    "PaperResolution",
    "PasswordLink",
    "Pathway",
    "Response",
    "ResponseProfile",
    "ResponseScore",
    "Service",
    "StaffSession",
    "Stage",
    "Survey",
    "SurveyInstrument",
    "User",
    "response_instruments",
    "survey_services",
]
