"""Journeys, responses and their answers, and the instrument versions answers refer to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.models.area import Service, Stage, Survey

ROLES = {"patient": "Patient", "carer": "Carer", "helped": "Patient, helped to answer"}
CHANNELS = ("web", "paper", "phone")
STATUSES = ("in_progress", "complete")


def utcnow() -> datetime:
    return datetime.now(UTC)


class InstrumentVersion(db.Model):
    """A frozen copy of an instrument file as answers were given on it."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


response_instruments = db.Table(
    "response_instrument",
    Column("response_id", ForeignKey("response.id", ondelete="CASCADE"), primary_key=True),
    Column("instrument_version_id", ForeignKey("instrument_version.id"), primary_key=True),
)


class Journey(db.Model):
    """One person's care journey, linked across stages by a pseudonymous code."""

    __tablename__ = "journey"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    responses: Mapped[list[Response]] = relationship(back_populates="journey")


class Response(db.Model):
    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(f"role IN {tuple(ROLES)}", name="role"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Server-issued with the start form; unique so a repeated start creates nothing new,
    # and the only way to reach an in-progress response.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    from_service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default="web")
    status: Mapped[str] = mapped_column(String(20), default="in_progress", index=True)
    # None: not asked yet; True: answered About you here; False: chose not to.
    about_you_given: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Pages the person has saved, in order; used to resume and to build "Check your answers".
    pages_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Items asked and not answered, as [instrument_id, item_id] pairs, set on completion: a
    # score needs a minimum of the items *asked* answered, and the answers alone do not show
    # the blanks (paper forms have them). None: completed before this was kept (migration
    # 0007), or asked not known; a rebuild then takes the items answered as the items asked.
    left_blank: Mapped[list[list[str]] | None] = mapped_column(JSON)

    journey: Mapped[Journey | None] = relationship(back_populates="responses")
    survey: Mapped[Survey] = relationship()
    stage: Mapped[Stage] = relationship()
    service: Mapped[Service | None] = relationship(foreign_keys=[service_id])
    from_service: Mapped[Service | None] = relationship(foreign_keys=[from_service_id])
    to_service: Mapped[Service | None] = relationship(foreign_keys=[to_service_id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    instrument_versions: Mapped[list[InstrumentVersion]] = relationship(
        secondary=response_instruments
    )


class Answer(db.Model):
    """One answer to one item: an option code, or free text."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "instrument_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    instrument_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    code: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    response: Mapped[Response] = relationship(back_populates="answers")
