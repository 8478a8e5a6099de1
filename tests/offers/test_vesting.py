from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerlab.errors import NotFoundError
from offerlab.offers.vesting import CADENCE_MONTHS, VestingSchedule, preset, preset_names


def by_year_percent(name: str) -> list[Fraction]:
    by_year = preset(name).fraction_by_year()
    return [by_year[y] * 100 for y in sorted(by_year)]


def test_presets_named_by_the_issue_exist() -> None:
    assert {"microsoft", "amazon", "google", "meta", "standard", "front-loaded"} <= set(
        preset_names()
    )


@pytest.mark.parametrize(
    ("name", "years"),
    [
        ("microsoft", [25, 25, 25, 25]),
        ("amazon", [5, 15, 40, 40]),
        ("google", [33, 33, 22, 12]),
        ("meta", [25, 25, 25, 25]),
        ("standard", [25, 25, 25, 25]),
        ("front-loaded", [38, 32, 20, 10]),
    ],
)
def test_preset_yearly_split(name: str, years: list[int]) -> None:
    assert by_year_percent(name) == [Fraction(y) for y in years]
    assert sum(e.fraction for e in preset(name).events) == 1


def test_microsoft_is_sixteen_quarterly_vests_of_6_25_percent() -> None:
    schedule = preset("microsoft")
    assert [e.month for e in schedule.events] == list(range(3, 49, 3))
    assert {e.fraction for e in schedule.events} == {Fraction(625, 10000)}


def test_amazon_is_yearly_then_semiannual() -> None:
    schedule = preset("amazon")
    percents = [(e.month, int(e.fraction * 100)) for e in schedule.events]
    assert percents == [(12, 5), (24, 15), (30, 20), (36, 20), (42, 20), (48, 20)]
    assert all((e.fraction * 100).denominator == 1 for e in schedule.events)


def test_standard_has_a_one_year_cliff_then_monthly() -> None:
    events = preset("standard").events
    assert events[0].month == 12
    assert events[0].fraction == Fraction(1, 4)
    assert [e.month for e in events[1:]] == list(range(13, 49))
    assert all(e.fraction == Fraction(1, 48) for e in events[1:])


def test_google_vests_monthly_from_month_one() -> None:
    events = preset("google").events
    assert events[0].month == 1
    assert events[0].fraction == Fraction(33, 1200)
    assert len(events) == 48


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="expected one of amazon, front-loaded"):
        preset("netflix")


def test_schedule_must_sum_to_100_percent() -> None:
    with pytest.raises(ValueError, match="add up to 95%, not 100%"):
        VestingSchedule.from_yearly("x", [25, 25, 25, 20], "quarterly")
    with pytest.raises(ValueError, match=r"add up to 100\.5%"):
        VestingSchedule.from_events("x", [(12, Decimal("50")), (24, Decimal("50.5"))])


def test_events_must_be_in_order_and_positive() -> None:
    with pytest.raises(ValueError, match="increasing order"):
        VestingSchedule.from_events("x", [(24, 50), (12, 50)])
    with pytest.raises(ValueError, match="positive"):
        VestingSchedule.from_events("x", [(12, 100), (24, 0)])


def test_cadence_per_year_must_match_the_years() -> None:
    with pytest.raises(ValueError, match="2 cadences for 4 years"):
        VestingSchedule.from_yearly("x", [25, 25, 25, 25], ["annual", "monthly"])


# Yearly percentages with two decimals that add up to exactly 100.
@st.composite
def yearly_percentages(draw: st.DrawFn) -> list[Decimal]:
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(count)]


@given(
    yearly_percentages(),
    st.sampled_from(sorted(CADENCE_MONTHS)),
    st.integers(min_value=0, max_value=24),
)
def test_any_yearly_schedule_vests_exactly_the_whole_grant(
    years: list[Decimal], cadence: str, cliff: int
) -> None:
    schedule = VestingSchedule.from_yearly("h", years, cadence, cliff)  # type: ignore[arg-type]
    assert sum(e.fraction for e in schedule.events) == 1
    assert all(e.month >= cliff for e in schedule.events)
    # The running totals the engine values vests with: one per vest, ending at the whole.
    assert [month for month, _ in schedule.cumulative] == [e.month for e in schedule.events]
    assert [through for _, through in schedule.cumulative] == [
        sum(e.fraction for e in schedule.events[: k + 1]) for k in range(len(schedule.events))
    ]
    assert schedule.cumulative[-1][1] == 1


@pytest.mark.parametrize(
    ("company", "expected"),
    [
        ("Amazon.com", "amazon"),
        ("Google LLC", "google"),
        ("Meta Platforms", "meta"),
        ("Facebook", "meta"),
        ("microsoft corporation", "microsoft"),
        ("Acme AI", None),
    ],
)
def test_company_names_find_their_preset(company: str, expected: str | None) -> None:
    from offerlab.offers.vesting import company_preset

    found = company_preset(company)
    assert (found.name if found else None) == expected
