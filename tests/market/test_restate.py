"""Restating old records and reports to the as-of date; official figures stay as published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from offerlab.errors import InputError
from offerlab.market.evidence import Spread, evidence_band
from offerlab.market.restate import given_index, measured_index, restate

AS_OF = date(2027, 1, 4)


def make(kind: str, reference: date, currency: str = "USD"):
    return evidence_band(
        source="s",
        kind=kind,  # type: ignore[arg-type]
        label="cell",
        currency=currency,
        n=40,
        n_means="records",
        reference_date=reference,
        as_of=AS_OF,
        match="exact",
        base=Spread(p50=Decimal(100000)),
        total=Spread(p10=Decimal(150000), p50=Decimal(200000)),
    )


def test_the_measured_index_is_the_bundled_mix_fixed_rate():
    index = measured_index()
    assert index.rate == Decimal("0.018157")
    assert index.rate_pct == Decimal("1.8157")
    assert "mix held fixed" in index.method


def test_old_records_are_restated_with_rate_and_years_and_keep_their_age():
    old = make("records", date(2020, 1, 4))
    new = restate(old, measured_index())
    assert new.restated is not None
    assert new.restated.years == Decimal("7.00")
    assert new.restated.rate_pct == Decimal("1.8157")
    factor = Decimal("1.018157") ** Decimal("7.00")
    assert new.total is not None
    assert new.total.p50 == (Decimal(200000) * factor).quantize(Decimal("0.01"))
    assert new.age_years == old.age_years
    assert new.confidence == "low"
    data = new.as_json()
    assert data["restated"]["from"] == "2020-01-04"
    assert data["restated"]["rate_pct"] == Decimal("1.8157")
    assert data["notes"][0].startswith("restated from 2020-01-04 to 2027-01-04 at 1.8157% a year")


@pytest.mark.parametrize("kind", ["official", "guide"])
def test_official_statistics_and_guides_are_shown_as_published(kind):
    old = make(kind, date(2020, 1, 4))
    assert restate(old, measured_index()) is old


def test_a_band_under_a_year_old_is_not_restated():
    young = make("community", date(2026, 2, 1))
    assert restate(young, measured_index()) is young


def test_another_currency_says_the_index_is_an_assumption():
    old = restate(make("community", date(2025, 6, 1), "INR"), measured_index())
    assert any("no index has been measured for INR pay" in n for n in old.notes)


def test_a_given_rate():
    old = restate(make("records", date(2025, 1, 4)), given_index(Decimal(5)))
    assert old.restated is not None
    assert old.restated.rate_pct == Decimal("5")
    with pytest.raises(InputError, match="--growth"):
        given_index(Decimal(120))
