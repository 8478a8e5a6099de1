"""The prep repository on SQLite and PostgreSQL: migration, plans, practice, reviews, mocks."""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from offerlab.errors import InputError, NotFoundError
from offerlab.prep.pipeline import load_pipeline
from offerlab.prep.practice import PracticeEntry
from offerlab.prep.readiness import PlannedWeek
from offerlab.store import Store
from offerlab.store.database import alembic_config, current_revision, head_revision, upgrade
from offerlab.store.models import Base
from offerlab.store.prep_repository import PrepRepository, StageScore

ML = load_pipeline("microsoft-ml-engineer")
DAY = date(2026, 11, 22)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened


@pytest.fixture
def repo(store: Store) -> PrepRepository:
    return PrepRepository(store)


def test_migration_creates_the_prep_tables_and_matches_the_models(store: Store):
    assert head_revision() >= "0002"
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert {"prep_plans", "prep_plan_weeks", "prep_practice", "prep_reviews"} <= tables
    assert {"prep_mocks", "prep_mock_scores", "sources"} <= tables
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    prep = [d for d in diff if "prep_" in repr(d)]
    assert prep == []


def test_save_and_load_plan(repo: PrepRepository):
    weeks = [
        PlannedWeek(1, DAY, DAY + timedelta(days=6), {"coding": 300, "system_design": 180}),
        PlannedWeek(2, DAY + timedelta(days=7), DAY + timedelta(days=13), {"ml": 240}),
    ]
    args: dict[str, Any] = {
        "start": DAY,
        "interview_date": DAY + timedelta(days=15),
        "hours_per_week": Decimal("8.5"),
        "weak": ("onsite_system_design",),
    }
    assert repo.plan() is None
    assert not repo.save_plan("loop", ML, weeks, {"total_hours": 12}, **args)
    saved = repo.plan("loop")
    assert saved is not None
    assert saved.pipeline == ML
    assert saved.hours_per_week == Decimal("8.5")
    assert saved.weak == ("onsite_system_design",)
    assert saved.weeks[0].minutes["coding"] == 300
    assert saved.weeks[1].minutes == {"coding": 0, "system_design": 0, "ml": 240, "behavioral": 0}
    assert saved.document == {"total_hours": 12}
    assert repo.save_plan("loop", ML, weeks[:1], {}, **args)  # replaced
    assert len(repo.plan("loop").weeks) == 1  # type: ignore[union-attr]
    repo.save_plan("other", ML, weeks, {}, **args)
    assert repo.plan().name == "other"  # type: ignore[union-attr]
    assert [n for n, *_ in repo.plan_names()] == ["other", "loop"]
    with pytest.raises(NotFoundError, match=r"no saved plan called 'nope'.*other, loop"):
        repo.plan("nope")


def test_practice_creates_review_cards_due_tomorrow(repo: PrepRepository):
    repo.log_practice(PracticeEntry(DAY, "coding", "two sum", 30, "solved"))
    _, card = repo.log_practice(
        PracticeEntry(DAY, "coding", "k-means", 45, "partial", "forgot the empty cluster case")
    )
    assert card is not None
    assert repo.due_reviews(DAY) == []
    due = repo.due_reviews(DAY + timedelta(days=1))
    assert [d.id for d in due] == [card]
    assert due[0].mistake == "forgot the empty cluster case"
    state = repo.review_card(card, 5, DAY + timedelta(days=1))
    assert (state.repetitions, state.interval_days, state.easiness) == (1, 1, Decimal("2.6"))
    assert repo.due_reviews(DAY + timedelta(days=1)) == []
    state = repo.review_card(card, 5, DAY + timedelta(days=2))
    assert state.interval_days == 6
    assert [d.id for d in repo.due_reviews(DAY + timedelta(days=8))] == [card]


def test_low_grade_is_drilled_again_today(repo: PrepRepository):
    _, card = repo.log_practice(PracticeEntry(DAY, "ml", "bias-variance", 20, "failed", "mixed up"))
    assert card is not None
    on = DAY + timedelta(days=1)
    state = repo.review_card(card, 3, on)
    assert state.repeat_today
    assert [d.id for d in repo.due_reviews(on)] == [card]
    repo.review_card(card, 4, on)
    assert repo.due_reviews(on) == []


def test_review_errors(repo: PrepRepository):
    with pytest.raises(NotFoundError, match="no review card 99"):
        repo.review_card(99, 4, DAY)
    with pytest.raises(InputError, match="0 to 5"):
        repo.review_card(1, 9, DAY)


def test_mocks_and_minutes(repo: PrepRepository):
    repo.log_mock(
        DAY,
        ML.name,
        [
            StageScore("onsite_coding", "coding", 3, 45),
            StageScore("onsite_system_design", "system_design", 2, 45),
        ],
        "design too shallow",
    )
    repo.log_mock(DAY + timedelta(days=2), ML.name, [StageScore("onsite_coding", "coding", 4, 60)])
    repo.log_mock(DAY, "big-tech-swe", [StageScore("onsite_coding", "coding", 1, 45)])
    scores = repo.mock_scores(ML.name)
    assert [(s.stage, s.score) for s in scores] == [
        ("onsite_coding", 3),
        ("onsite_system_design", 2),
        ("onsite_coding", 4),
    ]
    repo.log_practice(PracticeEntry(DAY, "coding", "graphs", 50, "solved"))
    done = repo.minutes_done()
    coding = sum(d.minutes for d in done if d.skill == "coding")
    assert coding == 45 + 60 + 45 + 50
    assert repo.practice_counts() == {"coding": {"solved": 1}}


def test_downgrade_to_the_market_store_and_back(store: Store):
    config = alembic_config(store.engine)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    tables = set(inspect(store.engine).get_table_names())
    assert not any(t.startswith("prep_") for t in tables)
    assert "sources" in tables
    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    assert "prep_reviews" in set(inspect(store.engine).get_table_names())


def test_the_shipped_head_read_from_file_names_is_alembics() -> None:
    from offerlab.store.database import shipped_head

    assert shipped_head() == head_revision()
