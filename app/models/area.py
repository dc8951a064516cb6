"""An area's services, pathways with ordered stages, and the surveys run at each stage."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

SECTORS = {
    "gp_primary_care": "GP and primary care",
    "hospital": "Hospital",
    "community_health": "Community health",
    "mental_health": "Mental health",
    "adult_social_care": "Adult social care",
    "care_home": "Care home",
    "voluntary_community": "Voluntary and community",
    "urgent_emergency": "Urgent and emergency care",
    "other": "Other",
}
STAGE_KINDS = {"episode": "Episode of care", "transition": "Move between services"}

survey_services = Table(
    "survey_service",
    db.metadata,
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


class Service(db.Model):
    __tablename__ = "service"
    __table_args__ = (CheckConstraint(f"sector IN {tuple(SECTORS)}", name="sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40))
    locality: Mapped[str | None] = mapped_column(String(120))
    ods_code: Mapped[str | None] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(default=False)


class Pathway(db.Model):
    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    stages: Mapped[list[Stage]] = relationship(
        back_populates="pathway", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Stage(db.Model):
    """One step of a pathway: an episode of care, or a move from one setting to another."""

    __tablename__ = "stage"
    __table_args__ = (
        UniqueConstraint("pathway_id", "slug"),
        CheckConstraint(f"kind IN {tuple(STAGE_KINDS)}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # Plain-English line shown when a person picks the stage from a pathway link.
    description: Mapped[str | None] = mapped_column(Text)
    pathway: Mapped[Pathway] = relationship(back_populates="stages")
    surveys: Mapped[list[Survey]] = relationship(back_populates="stage")


class Survey(db.Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    # Respondent roles allowed: any of patient, carer, helped.
    roles: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["patient", "carer", "helped"])
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    intro: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[Stage] = relationship(back_populates="surveys")
    instruments: Mapped[list[SurveyInstrument]] = relationship(
        order_by="SurveyInstrument.position", cascade="all, delete-orphan"
    )
    services: Mapped[list[Service]] = relationship(
        secondary=survey_services, order_by="Service.name"
    )

    def is_open(self, today: date) -> bool:
        return (self.opens_on is None or self.opens_on <= today) and (
            self.closes_on is None or today <= self.closes_on
        )


class SurveyInstrument(db.Model):
    """An instrument asked in a survey, optionally limited to some domains or statements."""

    __tablename__ = "survey_instrument"
    __table_args__ = (UniqueConstraint("survey_id", "instrument_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    instrument_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    domains: Mapped[list[str] | None] = mapped_column(JSON)
    item_ids: Mapped[list[str] | None] = mapped_column(JSON)
