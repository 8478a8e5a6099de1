"""SM-2 against its published definition (Wozniak 1990)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerlab.prep.sm2 import INITIAL_EASINESS, MIN_EASINESS, Sm2State, new_card, review

DAY = date(2026, 11, 22)


def test_new_card_is_due_the_next_day():
    card = new_card(DAY)
    assert card == Sm2State(0, 0, Decimal("2.5"), DAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("grade", "delta"),
    [(5, "0.10"), (4, "0.00"), (3, "-0.14")],
)
def test_easiness_formula(grade, delta):
    # EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))
    after = review(new_card(DAY), grade, DAY)
    assert after.easiness == INITIAL_EASINESS + Decimal(delta)


def test_intervals_1_6_then_times_easiness_rounded_up():
    card = new_card(DAY)
    on = DAY
    intervals = []
    easiness = []
    for _ in range(5):
        card = review(card, 5, on)
        intervals.append(card.interval_days)
        easiness.append(card.easiness)
        on = card.due_on
    # EF after reviews: 2.6, 2.7, 2.8, 2.9, 3.0; I(3) = ceil(6 * 2.7) = 17, I(4) = ceil(17 * 2.8)
    assert easiness == [Decimal(x) for x in ("2.6", "2.7", "2.8", "2.9", "3.0")]
    assert intervals == [1, 6, 17, 48, 140]  # 47.6 -> 48, 48 * 2.9 = 139.2 -> 140


def test_grade_below_3_restarts_without_changing_easiness():
    card = review(review(review(new_card(DAY), 5, DAY), 4, DAY), 4, DAY)
    assert card.repetitions == 3
    failed = review(card, 2, DAY)
    assert failed.repetitions == 0
    assert failed.interval_days == 1
    assert failed.easiness == card.easiness
    assert failed.due_on == DAY + timedelta(days=1)
    # then I(1) = 1, I(2) = 6 again
    again = review(failed, 4, failed.due_on)
    assert (again.repetitions, again.interval_days) == (1, 1)
    assert review(again, 4, again.due_on).interval_days == 6


def test_easiness_never_below_1_3():
    card = new_card(DAY)
    for _ in range(10):
        card = review(card, 3, card.due_on)
    assert card.easiness == MIN_EASINESS


def test_grades_below_4_are_drilled_again_the_same_day():
    card = review(new_card(DAY), 3, DAY)
    assert card.repeat_today
    drilled = review(card, 2, DAY)  # same-day drill: schedule unchanged
    assert drilled.repeat_today
    assert (drilled.repetitions, drilled.interval_days, drilled.easiness, drilled.due_on) == (
        card.repetitions,
        card.interval_days,
        card.easiness,
        card.due_on,
    )
    cleared = review(drilled, 4, DAY)
    assert not cleared.repeat_today
    assert cleared.due_on == card.due_on


@pytest.mark.parametrize("grade", [-1, 6])
def test_grade_out_of_range(grade):
    with pytest.raises(ValueError, match="0-5"):
        review(new_card(DAY), grade, DAY)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_schedule_invariants(grades: list[int]):
    card = new_card(DAY)
    on = DAY
    for grade in grades:
        before = card
        card = review(card, grade, on)
        assert card.easiness >= MIN_EASINESS
        assert card.interval_days >= 1
        assert card.due_on == on + timedelta(days=card.interval_days)
        if grade < 3:
            assert card.repetitions == 0
            assert card.easiness == before.easiness
        else:
            assert card.repetitions == before.repetitions + 1
        on = card.due_on
