"""The prep repository: saved plans, the practice log, SM-2 review cards and mock scores.

It works on the same :class:`~offerlab.store.Store` (database) as the market data, so one
``--db`` URL (SQLite by default, PostgreSQL) holds both. Dates are calendar days, minutes
whole minutes; times are stored in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from offerlab.errors import InputError, NotFoundError
from offerlab.prep.pipeline import SKILLS, Pipeline, Skill
from offerlab.prep.plan import StudyPlan
from offerlab.prep.practice import PracticeEntry
from offerlab.prep.readiness import MockScore, PlannedWeek, PracticeMinutes
from offerlab.prep.sm2 import Sm2State, new_card, review
from offerlab.store.database import as_utc
from offerlab.store.engine import Store
from offerlab.store.prep_models import (
    PrepMock,
    PrepMockScore,
    PrepPlan,
    PrepPlanWeek,
    PrepPractice,
    PrepReview,
)

__all__ = [
    "DueReview",
    "PrepRepository",
    "SavedPlan",
    "StageScore",
]


@dataclass(frozen=True, slots=True)
class StageScore:
    """A stage's score in a mock and the minutes of the mock counted under its skill."""

    stage: str
    skill: Skill
    score: int
    minutes: int


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A saved plan: its name, pipeline, dates, weeks (planned minutes) and the plan JSON."""

    id: int
    name: str
    pipeline: Pipeline
    start: date
    interview_date: date
    hours_per_week: Decimal
    weak: tuple[str, ...]
    weeks: tuple[PlannedWeek, ...]
    document: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DueReview:
    """A mistake due for review, with its SM-2 state."""

    id: int
    practice_id: int
    logged_on: date
    skill: str
    stage: str | None
    problem: str
    mistake: str
    state: Sm2State
    reviews: int


def _now() -> datetime:
    return datetime.now(UTC)


class PrepRepository:
    """Prep data in one :class:`Store`, of one ``owner`` (empty for the local app).

    Every read and write is scoped to the owner, so in hosted mode one user can never see or
    change another's plans, practice, review cards or mocks: another's id is "not found".
    """

    def __init__(self, store: Store, owner: str = "") -> None:
        self.engine = store.engine
        self.owner = owner

    # --- plans -----------------------------------------------------------------------------

    def save_plan(
        self,
        name: str,
        pipeline: Pipeline,
        weeks: Sequence[PlannedWeek],
        document: Mapping[str, Any],
        *,
        start: date,
        interview_date: date,
        hours_per_week: Decimal,
        weak: Sequence[str] = (),
        template: str = "",
    ) -> bool:
        """Save (or replace) the plan called ``name``; True when one was replaced. A replaced
        plan keeps its id, so the practice and mocks logged for that loop stay with it."""
        name = name.strip()
        if not name or len(name) > 100:
            raise InputError(f"--save {name!r}: expected a plan name of 1 to 100 characters")
        values = {
            "pipeline": pipeline.name,
            "template": template or pipeline.template,
            "start_date": start,
            "interview_date": interview_date,
            "hours_per_week": hours_per_week,
            "weak": ",".join(weak),
            "pipeline_doc": pipeline.model_dump_json(by_alias=True),
            "plan_doc": json.dumps(document, default=str),
            "created_at": _now(),
        }
        with Session(self.engine) as conn, conn.begin():
            mine = (PrepPlan.owner == self.owner) & (PrepPlan.name == name)
            existing = conn.execute(select(PrepPlan.id).where(mine)).scalar()
            replaced = existing is not None
            if existing is not None:
                plan_id = existing
                conn.execute(update(PrepPlan).where(PrepPlan.id == plan_id).values(**values))
                conn.execute(delete(PrepPlanWeek).where(PrepPlanWeek.plan_id == plan_id))
            else:
                plan_id = conn.execute(
                    insert(PrepPlan)
                    .values(owner=self.owner, name=name, **values)
                    .returning(PrepPlan.id)
                ).scalar_one()
            if weeks:
                conn.execute(
                    insert(PrepPlanWeek),
                    [
                        {
                            "plan_id": plan_id,
                            "week": w.week,
                            "start_date": w.start,
                            "end_date": w.end,
                            **{f"{s}_minutes": int(w.minutes.get(s, 0)) for s in SKILLS},
                        }
                        for w in weeks
                    ],
                )
        return replaced

    def save_study_plan(
        self, name: str, plan: StudyPlan, pipeline: Pipeline, document: Mapping[str, Any]
    ) -> bool:
        """Save (or replace) ``plan``, made by ``make_plan``, as ``name``; True when replaced."""
        return self.save_plan(
            name,
            pipeline,
            [PlannedWeek(w.week, w.start, w.end, w.minutes) for w in plan.weeks],
            document,
            start=plan.start,
            interview_date=plan.interview_date,
            hours_per_week=plan.hours_per_week,
            weak=plan.weak,
            template=plan.template,
        )

    def plan_names(self) -> list[tuple[str, str, date, date]]:
        """(name, pipeline, start, interview date) of every saved plan, newest first."""
        with Session(self.engine) as conn:
            rows = conn.execute(
                select(
                    PrepPlan.name, PrepPlan.pipeline, PrepPlan.start_date, PrepPlan.interview_date
                )
                .where(PrepPlan.owner == self.owner)
                .order_by(PrepPlan.id.desc())
            ).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def plan(self, name: str | None = None) -> SavedPlan | None:
        """The plan called ``name`` (:class:`NotFoundError` if none), or the newest (None if
        no plan was ever saved)."""
        with Session(self.engine) as conn:
            query = select(PrepPlan).where(PrepPlan.owner == self.owner)
            if name is None:
                query = query.order_by(PrepPlan.id.desc()).limit(1)
            else:
                query = query.where(PrepPlan.name == name.strip())
            row = conn.execute(query).scalars().first()
            if row is None:
                if name is None:
                    return None
                known = [n for n, *_ in self.plan_names()]
                raise NotFoundError(
                    f"no saved plan called {name!r}; "
                    + (f"saved plans: {', '.join(known)}" if known else "none saved yet")
                    + " (make one with the plan form on the prep page, or prep plan --save NAME)"
                )
            weeks = conn.execute(
                select(PrepPlanWeek)
                .where(PrepPlanWeek.plan_id == row.id)
                .order_by(PrepPlanWeek.week)
            ).scalars()
            planned = tuple(
                PlannedWeek(
                    w.week,
                    w.start_date,
                    w.end_date,
                    {s: int(getattr(w, f"{s}_minutes")) for s in SKILLS},
                )
                for w in weeks
            )
            return SavedPlan(
                id=row.id,
                name=row.name,
                pipeline=Pipeline.model_validate_json(row.pipeline_doc),
                start=row.start_date,
                interview_date=row.interview_date,
                hours_per_week=Decimal(row.hours_per_week),
                weak=tuple(w for w in row.weak.split(",") if w),
                weeks=planned,
                document=json.loads(row.plan_doc),
                created_at=as_utc(row.created_at),
            )

    # --- practice and reviews --------------------------------------------------------------

    def log_practice(self, entry: PracticeEntry) -> tuple[int, int | None]:
        """Record ``entry``; (practice id, review card id when it has a mistake)."""
        if entry.minutes <= 0:
            raise InputError(f"--minutes {entry.minutes}: expected more than 0 minutes")
        mistake = (entry.mistake or "").strip() or None
        with Session(self.engine) as conn, conn.begin():
            self._check_plan(conn, entry.plan_id)
            practice_id = conn.execute(
                insert(PrepPractice)
                .values(
                    owner=self.owner,
                    plan_id=entry.plan_id,
                    logged_on=entry.logged_on,
                    pipeline=entry.pipeline,
                    stage=entry.stage,
                    skill=entry.skill,
                    problem=entry.problem.strip(),
                    minutes=entry.minutes,
                    outcome=entry.outcome,
                    mistake=mistake,
                    created_at=_now(),
                )
                .returning(PrepPractice.id)
            ).scalar_one()
            card_id: int | None = None
            if mistake is not None:
                card = new_card(entry.logged_on)
                card_id = conn.execute(
                    insert(PrepReview)
                    .values(
                        practice_id=practice_id,
                        repetitions=card.repetitions,
                        interval_days=card.interval_days,
                        easiness=card.easiness,
                        due_on=card.due_on,
                        repeat_today=card.repeat_today,
                        reviews=0,
                    )
                    .returning(PrepReview.id)
                ).scalar_one()
        return practice_id, card_id

    def due_reviews(self, today: date) -> list[DueReview]:
        """Mistakes due on or before ``today`` (or to drill again today), oldest due first."""
        with Session(self.engine) as conn:
            rows = conn.execute(
                select(PrepReview, PrepPractice)
                .join(PrepPractice, PrepPractice.id == PrepReview.practice_id)
                .where(
                    PrepPractice.owner == self.owner,
                    or_(
                        PrepReview.due_on <= today,
                        (PrepReview.repeat_today.is_(True))
                        & (PrepReview.last_reviewed_on == today),
                    ),
                )
                .order_by(PrepReview.due_on, PrepReview.id)
            ).all()
        return [_due(card, practice) for card, practice in rows]

    def review_card(self, card_id: int, grade: int, on: date) -> Sm2State:
        """Grade the review card ``card_id`` (0-5) on day ``on``; its new schedule."""
        if isinstance(grade, bool) or not 0 <= grade <= 5:
            raise InputError(f"--grade {grade}: expected a whole grade from 0 to 5")
        with Session(self.engine) as conn, conn.begin():
            card = (
                conn.execute(
                    select(PrepReview)
                    .join(PrepPractice, PrepPractice.id == PrepReview.practice_id)
                    .where(PrepReview.id == card_id, PrepPractice.owner == self.owner)
                )
                .scalars()
                .first()
            )
            if card is None:
                raise NotFoundError(
                    f"no review card {card_id}; prep status lists the ids of the mistakes due"
                )
            state = Sm2State(
                card.repetitions,
                card.interval_days,
                Decimal(card.easiness),
                card.due_on,
                bool(card.repeat_today) and card.last_reviewed_on == on,
            )
            after = review(state, grade, on)
            conn.execute(
                update(PrepReview)
                .where(PrepReview.id == card_id)
                .values(
                    repetitions=after.repetitions,
                    interval_days=after.interval_days,
                    easiness=after.easiness,
                    due_on=after.due_on,
                    repeat_today=after.repeat_today,
                    reviews=PrepReview.reviews + 1,
                    last_grade=grade,
                    last_reviewed_on=on,
                )
            )
        return after

    # --- mocks -----------------------------------------------------------------------------

    def log_mock(
        self,
        held_on: date,
        pipeline: str,
        scores: Sequence[StageScore],
        notes: str = "",
        plan_id: int | None = None,
    ) -> int:
        """Record a mock interview and its stage scores for the saved plan ``plan_id`` (None:
        no plan saved); the mock's id."""
        if not scores:
            raise InputError("a mock needs at least one --score STAGE=N")
        with Session(self.engine) as conn, conn.begin():
            self._check_plan(conn, plan_id)
            mock_id = conn.execute(
                insert(PrepMock)
                .values(
                    owner=self.owner,
                    plan_id=plan_id,
                    held_on=held_on,
                    pipeline=pipeline,
                    minutes=sum(s.minutes for s in scores),
                    notes=notes,
                    created_at=_now(),
                )
                .returning(PrepMock.id)
            ).scalar_one()
            conn.execute(
                insert(PrepMockScore),
                [
                    {
                        "mock_id": mock_id,
                        "stage": s.stage,
                        "skill": s.skill,
                        "score": s.score,
                        "minutes": s.minutes,
                    }
                    for s in scores
                ],
            )
        return int(mock_id)

    def _check_plan(self, conn: Session, plan_id: int | None) -> None:
        """A log goes to a plan of this owner only: another's id is "not found"."""
        if plan_id is None:
            return
        found = conn.execute(
            select(PrepPlan.id).where(PrepPlan.id == plan_id, PrepPlan.owner == self.owner)
        ).first()
        if found is None:
            raise NotFoundError(f"no saved plan {plan_id}")

    def mock_scores(self, pipeline: str, plan_id: int | None = None) -> list[MockScore]:
        """Every stage score of ``pipeline``'s mocks logged for the plan ``plan_id`` (None:
        every mock of the owner), oldest first."""
        with Session(self.engine) as conn:
            query = (
                select(PrepMockScore.stage, PrepMockScore.score, PrepMock.held_on)
                .join(PrepMock, PrepMock.id == PrepMockScore.mock_id)
                .where(PrepMock.owner == self.owner, PrepMock.pipeline == pipeline)
                .order_by(PrepMock.held_on, PrepMock.id)
            )
            if plan_id is not None:
                query = query.where(PrepMock.plan_id == plan_id)
            rows = conn.execute(query).all()
        return [MockScore(r[0], int(r[1]), r[2]) for r in rows]

    # --- minutes done ----------------------------------------------------------------------

    def minutes_done(self, plan_id: int | None = None) -> list[PracticeMinutes]:
        """Minutes of practice and mocks by day and skill, of the plan ``plan_id`` (None:
        everything the owner logged)."""
        with Session(self.engine) as conn:
            practice = select(
                PrepPractice.logged_on, PrepPractice.skill, func.sum(PrepPractice.minutes)
            ).where(PrepPractice.owner == self.owner)
            mocks = (
                select(PrepMock.held_on, PrepMockScore.skill, func.sum(PrepMockScore.minutes))
                .join(PrepMock, PrepMock.id == PrepMockScore.mock_id)
                .where(PrepMock.owner == self.owner)
            )
            if plan_id is not None:
                practice = practice.where(PrepPractice.plan_id == plan_id)
                mocks = mocks.where(PrepMock.plan_id == plan_id)
            rows = [
                *conn.execute(practice.group_by(PrepPractice.logged_on, PrepPractice.skill)).all(),
                *conn.execute(mocks.group_by(PrepMock.held_on, PrepMockScore.skill)).all(),
            ]
        return [PracticeMinutes(r[0], r[1], int(r[2])) for r in rows if r[1] in SKILLS]

    def practice_counts(self, plan_id: int | None = None) -> dict[str, dict[str, int]]:
        """Practice sessions by skill and outcome, of the plan ``plan_id`` (None: all)."""
        with Session(self.engine) as conn:
            query = select(PrepPractice.skill, PrepPractice.outcome, func.count()).where(
                PrepPractice.owner == self.owner
            )
            if plan_id is not None:
                query = query.where(PrepPractice.plan_id == plan_id)
            rows = conn.execute(query.group_by(PrepPractice.skill, PrepPractice.outcome)).all()
        out: dict[str, dict[str, int]] = {}
        for skill, outcome, count in rows:
            out.setdefault(skill, {})[outcome] = int(count)
        return out


def _due(card: PrepReview, practice: PrepPractice) -> DueReview:
    return DueReview(
        id=card.id,
        practice_id=practice.id,
        logged_on=practice.logged_on,
        skill=practice.skill,
        stage=practice.stage,
        problem=practice.problem,
        mistake=practice.mistake or "",
        state=Sm2State(
            card.repetitions,
            card.interval_days,
            Decimal(card.easiness),
            card.due_on,
            bool(card.repeat_today),
        ),
        reviews=card.reviews,
    )
