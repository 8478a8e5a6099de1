"""Pooled offers, the domain rules: what is shared, the fixed cells, the threshold of five, the
rounding, and the same words for an empty cell and one with fewer than five."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offerlab.errors import InputError
from offerlab.market.pooled import (
    MIN_CONTRIBUTIONS,
    ROUND_TO,
    YEARS_BANDS,
    PooledOffer,
    PoolPlace,
    hidden_note,
    pool_place,
    pooled_bands,
    share_of,
    years_band_of,
)
from offerlab.market.ports import NoRecords
from offerlab.market.service import market_evidence, pooled_evidence
from offerlab.offers import evaluate, load_offer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 12, 3)
SEATTLE = PoolPlace("Microsoft", "62", "Seattle metro")


def _offer(base: int, place: PoolPlace = SEATTLE, currency: str = "USD", month: str = "2026-09"):
    return PooledOffer(
        place=place,
        currency=currency,
        title="ML/AI Engineer",
        month=month,
        years="6-9",
        base=Decimal(base),
        bonus=Decimal(base) * Decimal("0.15"),
        stock_per_year=Decimal(50_000),
    )


def test_share_of_keeps_only_the_listed_fields_computed_from_the_offer():
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml")
    shared = share_of(offer, "6-9", today=TODAY)
    assert shared.place == SEATTLE  # "Redmond, WA" is in the Seattle metro
    assert shared.title == "ML/AI Engineer"
    assert shared.month == "2026-09"
    assert shared.years == "6-9"
    assert shared.currency == "USD"
    assert shared.base == Decimal("180000.00")
    assert shared.bonus == Decimal("27000.00")  # 15% target
    assert shared.stock_per_year == evaluate(offer).equity_per_year.amount == Decimal("50000.00")
    assert shared.total == shared.base + shared.bonus + shared.stock_per_year
    assert set(shared.as_json()) == {
        "company",
        "level",
        "title",
        "metro",
        "month",
        "years_of_experience",
        "currency",
        "base",
        "bonus",
        "stock_per_year",
        "total",
    }
    # Nothing of the offer's own wording (its name, the signing bonus) is kept.
    assert "Microsoft 62 initial" not in str(shared.as_json())
    assert "40000" not in str(shared.as_json())


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Senior ML/AI Engineer", "ML/AI Engineer"),
        ("Software Engineer II", "Software Engineer"),
        ("Principal Wizard of Bing Ads Ranking, Team Zeta", "other"),
    ],
)
def test_a_title_is_kept_as_its_family_and_free_text_as_other(title: str, kept: str):
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml").model_copy(update={"title": title})
    assert share_of(offer, None, today=TODAY).title == kept


def test_an_offer_without_a_start_date_is_dated_by_the_month_it_is_shared():
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml").model_copy(update={"start_date": None})
    assert share_of(offer, None, today=TODAY).month == "2026-12"


@pytest.mark.parametrize(
    ("update", "option", "words"),
    [
        ({"level": "99"}, "level", "not on Microsoft's ladder"),
        ({"location": "Remote"}, "location", "locations.toml"),
        ({"location": "United States"}, "location", "not a city or metro"),
    ],
)
def test_an_offer_that_fits_no_cell_is_refused_at_its_field(update, option, words):
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml").model_copy(update=update)
    with pytest.raises(InputError) as caught:
        share_of(offer, None, today=TODAY)
    assert caught.value.option == option
    assert words in caught.value.message


def test_years_bands():
    assert [years_band_of(b) for b in YEARS_BANDS] == list(YEARS_BANDS)
    assert years_band_of("") is None
    assert years_band_of(None) is None
    assert years_band_of(" 6 - 9 ") == "6-9"
    for bad in ("7", "6-10", "lots", "15+ years"):
        with pytest.raises(InputError, match="not one of the bands"):
            years_band_of(bad)


def test_queries_reach_a_cell_only_when_they_name_exactly_one():
    assert pool_place("Microsoft", "62", "Redmond")[0] == SEATTLE
    assert pool_place("msft", "L62", "Seattle metro")[0] == SEATTLE
    assert pool_place("Microsoft", "l62", "Bellevue, WA")[0] == SEATTLE
    for company, level, location in [
        ("Microsoft", "62", None),  # every place: a union of cells
        ("Microsoft", None, "Redmond"),  # every level
        (None, "62", "Redmond"),
        ("Microsoft", "62", "WA"),  # a region spans metros
        ("Microsoft", "62", "United States"),
        ("Microsoft", "99", "Redmond"),  # not a level
    ]:
        place, why = pool_place(company, level, location)
        assert place is None
        assert why.startswith("pooled offers")


def test_fewer_than_five_is_hidden_with_the_same_words_as_none():
    none = pooled_bands(SEATTLE, [], as_of=TODAY)
    for count in range(1, MIN_CONTRIBUTIONS):
        assert pooled_bands(SEATTLE, [_offer(150_000 + i) for i in range(count)], as_of=TODAY) == (
            none
        )
    assert none == ([], [hidden_note(SEATTLE)])
    assert "at least 5" in none[1][0]


def test_five_make_a_band_rounded_and_dated_by_the_median_month():
    bases = [150_400, 162_300, 171_900, 180_000, 199_800]
    months = ["2026-01", "2026-03", "2026-05", "2026-07", "2026-11"]
    offers = [_offer(b, month=m) for b, m in zip(bases, months, strict=True)]
    bands, notes = pooled_bands(SEATTLE, offers, as_of=date(2027, 1, 4))
    assert notes == []
    (band,) = bands
    assert band.kind == "pooled"
    assert band.n == 5
    assert band.n_means == "offers shared"
    assert band.median_date == date(2026, 5, 1)
    assert band.first_date is None
    assert band.last_date is None
    assert band.match == "exact"
    totals = [float(o.total) for o in offers]
    expected = np.percentile(totals, [10, 25, 50, 75, 90])
    assert band.total is not None
    assert band.base is not None
    for key, value in zip(("p10", "p25", "p50", "p75", "p90"), expected, strict=True):
        shown = band.total.percentile(key)
        assert shown is not None
        assert shown % ROUND_TO == 0
        assert abs(shown - Decimal(repr(float(value)))) <= ROUND_TO / 2
    assert band.base.p50 == Decimal(172_000)  # 171,900 to the nearest 1,000


def test_each_currency_is_a_cell_of_its_own_and_other_places_never_count():
    usd = [_offer(150_000 + i * 1000) for i in range(5)]
    eur = [_offer(90_000, currency="EUR") for _ in range(4)]
    other = [_offer(300_000, place=PoolPlace("Microsoft", "62", "SF Bay Area")) for _ in range(9)]
    bands, _notes = pooled_bands(SEATTLE, usd + eur + other, as_of=TODAY)
    assert [(b.currency, b.n) for b in bands] == [("USD", 5)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["USD", "GBP"]),
            st.sampled_from([SEATTLE, PoolPlace("Microsoft", "63", "Seattle metro")]),
            st.integers(min_value=50_000, max_value=900_000),
        ),
        max_size=20,
    )
)
def test_no_band_ever_rests_on_fewer_than_five(cells):
    offers = [_offer(base, place=place, currency=cur) for cur, place, base in cells]
    for place in (SEATTLE, PoolPlace("Microsoft", "63", "Seattle metro")):
        bands, _ = pooled_bands(place, offers, as_of=TODAY)
        for band in bands:
            assert band.n is not None
            assert band.n >= MIN_CONTRIBUTIONS
            assert band.n == sum(1 for c, p, _ in cells if p == place and c == band.currency)


class _Pool:
    def __init__(self, offers: list[PooledOffer]) -> None:
        self.offers = offers

    def pooled(self, place: PoolPlace) -> list[PooledOffer]:
        return [o for o in self.offers if o.place == place]

    def holds_any(self) -> bool:
        return bool(self.offers)


def test_an_empty_pool_says_nothing_and_a_band_joins_the_evidence():
    assert pooled_evidence(_Pool([]), "Microsoft", "62", "Redmond", as_of=TODAY) == ([], [])
    assert pooled_evidence(None, "Microsoft", "62", "Redmond", as_of=TODAY) == ([], [])
    pool = _Pool([_offer(160_000 + i * 5_000) for i in range(6)])
    answer = market_evidence(
        NoRecords(),
        company="Microsoft",
        level="62",
        title="ML engineer",  # a title does not cut the cell
        location="Redmond",
        as_of=date(2027, 1, 4),
        min_n=1,  # nor does a lower min_n reach under five
        pool=pool,
    ).evidence
    pooled = [b for b in answer.bands if b.kind == "pooled"]
    assert [b.n for b in pooled] == [6]
    # A query wider than a cell gets a note, not a band.
    wide = market_evidence(NoRecords(), company="Microsoft", level="62", pool=pool).evidence
    assert not [b for b in wide.bands if b.kind == "pooled"]
    assert any("grouped by company, level and metro" in n for n in wide.notes)
