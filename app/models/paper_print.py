"""Printed paper questionnaires: each print run, and each form it numbered.

A printed form's number is "P" and a running number per survey (P1, P2, ...), so it never
repeats within the survey, and the letter keeps it apart from the plain numbers (1, 2, 3) and
the group codes (RS-1042) that groups write on forms they number themselves. The volunteer
keys that number in, and ``paper_form``'s (survey, form number) key stops the same form being
entered twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.response import utcnow

if TYPE_CHECKING:
    from app.models.area import Survey
    from app.models.response import Journey
    from app.models.user import User

FORM_NUMBER_PREFIX = "P"
MAX_FORMS_PER_RUN = 500


class PaperPrintRun(db.Model):
    """Forms ``first_number`` to ``last_number`` of one survey, printed together in one PDF."""

    __tablename__ = "paper_print_run"
    __table_args__ = (
        # The target of paper_printed_form's (run_id, survey_id) key.
        UniqueConstraint("id", "survey_id", name="uq_paper_print_run_id_survey"),
        CheckConstraint("first_number >= 1", name="first_number"),
        CheckConstraint("last_number = first_number + forms - 1", name="numbers"),
        CheckConstraint(f"forms BETWEEN 1 AND {MAX_FORMS_PER_RUN}", name="forms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    first_number: Mapped[int]
    last_number: Mapped[int]
    forms: Mapped[int]
    large_print: Mapped[bool] = mapped_column(default=False)
    journey_codes: Mapped[bool] = mapped_column(default=False)
    # How people give the form back, as printed on it.
    return_text: Mapped[str] = mapped_column(Text)
    # None: printed from the command line (the audit row says so).
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    survey: Mapped[Survey] = relationship()
    printed_by: Mapped[User | None] = relationship()
    printed: Mapped[list[PaperPrintedForm]] = relationship(
        back_populates="run", order_by="PaperPrintedForm.number"
    )

    @property
    def first_form_number(self) -> str:
        return f"{FORM_NUMBER_PREFIX}{self.first_number}"

    @property
    def last_form_number(self) -> str:
        return f"{FORM_NUMBER_PREFIX}{self.last_number}"


class PaperPrintedForm(db.Model):
    """One printed form: its number within the survey and, if one was printed, its journey."""

    __tablename__ = "paper_printed_form"
    __table_args__ = (
        # The guarantee: a number is printed once per survey, whatever happens in the code.
        UniqueConstraint("survey_id", "number", name="uq_paper_printed_form_survey_number"),
        ForeignKeyConstraint(
            ["run_id", "survey_id"],
            ["paper_print_run.id", "paper_print_run.survey_id"],
            name="fk_paper_printed_form_run_survey",
        ),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    number: Mapped[int]
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id"), unique=True)

    run: Mapped[PaperPrintRun] = relationship(back_populates="printed")
    journey: Mapped[Journey | None] = relationship()

    @property
    def form_number(self) -> str:
        """As printed and as keyed in; ``surveys.codebook.normalise_form_number`` keeps it."""
        return f"{FORM_NUMBER_PREFIX}{self.number}"
