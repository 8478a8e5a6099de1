"""Interview-prep tables (SQLAlchemy 2 typed models; migration ``0002`` creates them).

``prep_plans`` keeps saved study plans (the pipeline they were made for, as a JSON document,
and the plan itself) with their weeks' planned minutes by skill in ``prep_plan_weeks``.
``prep_practice`` is the practice log (minutes, outcome, what went wrong); a practice entry
with a mistake gets a spaced-repetition card in ``prep_reviews`` (SM-2 state). ``prep_mocks``
are mock interviews, scored per stage in ``prep_mock_scores`` on the pipeline's rubric.
Practice and mocks belong to the saved plan (the loop) they were logged for, ``plan_id``
(migration ``0005``; null: logged with no plan saved).
Dates are calendar days; minutes are whole minutes. ``owner`` is empty for the local app;
hosted mode fills it with the account's id (migration ``0004``), and plan names are unique per
owner.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from offerlab.store.models import Base

__all__ = [
    "PrepMock",
    "PrepMockScore",
    "PrepPlan",
    "PrepPlanWeek",
    "PrepPractice",
    "PrepReview",
]


class PrepPlan(Base):
    """A saved study plan, by name."""

    __tablename__ = "prep_plans"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_prep_plans_owner_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    name: Mapped[str] = mapped_column(String(100))
    pipeline: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    interview_date: Mapped[date] = mapped_column(Date)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    weak: Mapped[str] = mapped_column(String(1000), default="")
    pipeline_doc: Mapped[str] = mapped_column(Text)
    plan_doc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrepPlanWeek(Base):
    """One week of a saved plan: dates (inclusive) and planned minutes by skill."""

    __tablename__ = "prep_plan_weeks"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("prep_plans.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    coding_minutes: Mapped[int] = mapped_column(Integer)
    system_design_minutes: Mapped[int] = mapped_column(Integer)
    ml_minutes: Mapped[int] = mapped_column(Integer)
    behavioral_minutes: Mapped[int] = mapped_column(Integer)


class PrepPractice(Base):
    """One practice session: skill (and stage), problem, minutes, outcome, mistake."""

    __tablename__ = "prep_practice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("prep_plans.id", ondelete="SET NULL"), index=True
    )
    logged_on: Mapped[date] = mapped_column(Date, index=True)
    pipeline: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str | None] = mapped_column(String(100))
    skill: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    mistake: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrepReview(Base):
    """The SM-2 schedule of a practice entry's mistake."""

    __tablename__ = "prep_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("prep_practice.id", ondelete="CASCADE"), unique=True
    )
    repetitions: Mapped[int] = mapped_column(Integer)
    interval_days: Mapped[int] = mapped_column(Integer)
    easiness: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    repeat_today: Mapped[bool] = mapped_column(Boolean)
    reviews: Mapped[int] = mapped_column(Integer)
    last_grade: Mapped[int | None] = mapped_column(Integer)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)


class PrepMock(Base):
    """A mock interview: when, for which pipeline, how long (minutes), notes."""

    __tablename__ = "prep_mocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("prep_plans.id", ondelete="SET NULL"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    pipeline: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrepMockScore(Base):
    """A stage's score in a mock, with the skill and minutes it is counted under."""

    __tablename__ = "prep_mock_scores"

    mock_id: Mapped[int] = mapped_column(
        ForeignKey("prep_mocks.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(100), primary_key=True)
    skill: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
