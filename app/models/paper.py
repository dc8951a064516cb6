"""Paper forms: batches collected by volunteers, each form once, its keyings and resolutions.

A form's answers count (become a complete ``Response`` with channel "paper") only once they
are final: at once for an imported row or a single keying, and for a double-entry batch when
the two blind keyings agree or every field on which they differ has been resolved. Until then
the answers live only in ``paper_keying.record``, so reports, which count complete responses,
never see them. See docs/decisions/paper-responses.md.

A *record* is one form's answers as plain data: column name (``surveys.codebook``) -> value
(an option code, a service code, a date as YYYY-MM-DD, typed text), blank fields left out.
Imports, keyed entry, double-entry comparison and resolution all use that one shape.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.response import utcnow

if TYPE_CHECKING:
    from app.models.area import Survey
    from app.models.response import Response
    from app.models.user import User

BATCH_SOURCES = {"keyed": "Keyed in", "import": "Spreadsheet import"}
BATCH_STATUSES = ("open", "closed")
# awaiting_second: a double-entry form keyed once; to_resolve: two keyings that differ;
# final: the answers count (the form has its Response).
FORM_STATUSES = ("awaiting_second", "to_resolve", "final")


class PaperBatch(db.Model):
    """Forms of one survey collected in one place on one day, keyed or imported together."""

    __tablename__ = "paper_batch"
    __table_args__ = (
        # The target of paper_form's (batch_id, survey_id) key: a form's survey is its batch's.
        UniqueConstraint("id", "survey_id", name="uq_paper_batch_id_survey"),
        CheckConstraint(f"source IN {tuple(BATCH_SOURCES)}", name="source"),
        CheckConstraint(f"status IN {BATCH_STATUSES}", name="status"),
        CheckConstraint("forms_expected IS NULL OR forms_expected > 0", name="forms_expected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(200))  # where the forms were collected
    collected_on: Mapped[date]
    # How many forms the volunteer said the batch holds (keyed), or the rows added (import).
    forms_expected: Mapped[int | None]
    double_entry: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # None: made from the command line (the audit row says so).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An import's file, for the record: its name as uploaded and the SHA-256 of its bytes.
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    # Keyed batches: values most of its forms share ({"who_answered": "patient", "moved_from":
    # ...}, the record's shape), filled in on each new form; None when none were given.
    defaults: Mapped[dict | None] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship()
    created_by: Mapped[User | None] = relationship()
    forms: Mapped[list[PaperForm]] = relationship(back_populates="batch", order_by="PaperForm.id")


class PaperForm(db.Model):
    """One paper form: one person's answers, known by its form number within its survey.

    ``(survey_id, form_number)`` is unique, so the same form cannot be entered twice, by keying
    or by import. Numbers are per survey because groups number their own spreadsheets 1, 2, 3;
    printed forms carry numbers the app hands out, unique within the survey too.
    """

    __tablename__ = "paper_form"
    __table_args__ = (
        UniqueConstraint("survey_id", "form_number", name="uq_paper_form_survey_number"),
        ForeignKeyConstraint(
            ["batch_id", "survey_id"],
            ["paper_batch.id", "paper_batch.survey_id"],
            name="fk_paper_form_batch_survey",
        ),
        CheckConstraint(f"status IN {FORM_STATUSES}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    # Normalised (surveys.codebook.normalise_form_number): "0042" and "42 " are the same form.
    form_number: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    # The answers as they count, once final; its SHA-256 tells a re-import of the same form
    # (nothing to do) from a different form given the same number (a problem to report).
    record: Mapped[dict | None] = mapped_column(JSON)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # survey_id is set through the batch; this relationship only reads it.
    batch: Mapped[PaperBatch] = relationship(back_populates="forms")
    survey: Mapped[Survey] = relationship(viewonly=True)
    response: Mapped[Response | None] = relationship()
    keyings: Mapped[list[PaperKeying]] = relationship(
        back_populates="form", order_by="PaperKeying.round", cascade="all, delete-orphan"
    )
    resolutions: Mapped[list[PaperResolution]] = relationship(
        back_populates="form", cascade="all, delete-orphan"
    )


class PaperKeying(db.Model):
    """One volunteer's keying of one form: round 1, and in a double-entry batch round 2 by
    someone else, who does not see round 1 (blind)."""

    __tablename__ = "paper_keying"
    __table_args__ = (
        UniqueConstraint("form_id", "round", name="uq_paper_keying_form_round"),
        # Double entry needs two people: the same person cannot key both rounds.
        UniqueConstraint("form_id", "keyed_by_id", name="uq_paper_keying_form_person"),
        CheckConstraint("round IN (1, 2)", name="round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("paper_form.id", ondelete="CASCADE"))
    round: Mapped[int]
    keyed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    record: Mapped[dict] = mapped_column(JSON)
    keyed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    form: Mapped[PaperForm] = relationship(back_populates="keyings")
    keyed_by: Mapped[User] = relationship()


class PaperResolution(db.Model):
    """How one field on which the two keyings differ was settled, by whom and when.

    ``value`` is what the paper says, read by the person resolving: one keying's value or a
    third (both wrong); None when the field is left blank. Kept beside the keyings, which are
    never changed afterwards, so agreement rates per batch and per volunteer can be counted.
    """

    __tablename__ = "paper_resolution"
    __table_args__ = (UniqueConstraint("form_id", "field", name="uq_paper_resolution_form_field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("paper_form.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(200))  # a column name of the survey's codebook
    value: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    form: Mapped[PaperForm] = relationship(back_populates="resolutions")
    resolved_by: Mapped[User] = relationship()
