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
from offerlab.market.service import (
    market_evidence,
    pooled_evidence,
    share_offer,
    share_state,
    withdraw_offer,
)
from offerlab.offers import evaluate, load_offer
from offerlab.offers.model import EquityGrant

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
    # The asker's own shared offer cannot be left out (no link to it): the band says so.
    assert "if you shared an offer in this cell, it is one of them" in band.notes


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


def test_a_company_without_a_ladder_is_one_cell_whatever_its_spelling():
    # canonical_company keeps an unknown name as written, so "ACME" and "Acme" (and "senior"
    # and "Senior" where no ladder checks the level) made cells of their own: a query in one
    # spelling was told a cell holding five was under five, and a member could share one
    # offer in each spelling.
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml")
    first = share_of(
        offer.model_copy(update={"company": "ACME Robotics, Inc.", "level": "Senior"}),
        None,
        today=TODAY,
    )
    assert first.place == PoolPlace("Acme Robotics", "senior", "Seattle metro")
    for company, level in [
        ("acme robotics", "SENIOR"),
        ("Acme  Robotics", " senior "),
        ("ACME ROBOTICS LLC", "Senior"),
    ]:
        again = share_of(
            offer.model_copy(update={"company": company, "level": level}), None, today=TODAY
        )
        assert again.place == first.place
        assert pool_place(company, level, "Redmond")[0] == first.place
    short = offer.model_copy(update={"company": "Acme Robotics", "level": "l 5"})
    assert share_of(short, None, today=TODAY).place.level == "L5"
    assert (
        pool_place("acme robotics", "L5", "Seattle")[0] == share_of(short, None, today=TODAY).place
    )
    # A company the rules know keeps its canonical name and ladder.
    assert pool_place("MICROSOFT CORP", "l62", "Redmond")[0] == SEATTLE


@pytest.mark.parametrize(
    ("update", "option", "words"),
    [
        ({"company": "Acme Robotics", "level": "L" + "x" * 150}, "level", "longer than"),
        # 200 characters that case-fold to 600 ("ﬃ" -> "ffi").
        ({"company": "\ufb03" * 200, "level": "L5"}, "company", "longer than"),
        (
            {"equity": [EquityGrant(shares=Decimal("1e12"), price=Decimal("1e11"))]},
            "equity",
            "stock per year",
        ),
    ],
)
def test_what_the_pool_cannot_keep_is_refused_at_its_field(update, option, words):
    # The pool's columns hold a level of 100 characters and amounts under 10^18: larger ones
    # were a database error (a 500) on PostgreSQL.
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml").model_copy(update=update)
    with pytest.raises(InputError) as caught:
        share_of(offer, None, today=TODAY)
    assert caught.value.option == option
    assert words in caught.value.message


class _Shares:
    """One member's shares, in memory (a SharedOffers)."""

    def __init__(self) -> None:
        self.records: dict[int, PooledOffer] = {}

    def shared(self, offer_id: int) -> PooledOffer | None:
        return self.records.get(offer_id)

    def sharing_in(self, record: PooledOffer, offer_id: int) -> str | None:
        return None

    def share(self, offer_id: int, record: PooledOffer) -> PooledOffer:
        self.records[offer_id] = record
        return record

    def withdraw(self, offer_id: int) -> bool:
        return self.records.pop(offer_id, None) is not None


def test_an_undated_offer_keeps_the_month_it_was_first_shared():
    # Dated by the month of sharing, an undated offer's preview moved on with the calendar, so
    # the next month the page said "You have edited the offer since you shared it".
    offer = load_offer(EXAMPLES / "msft-l62-initial.toml").model_copy(update={"start_date": None})
    shares = _Shares()
    share_offer(shares, 1, offer, "3-5", today=date(2026, 12, 3))
    later = share_state(shares, 1, offer, None, today=date(2027, 2, 1))
    assert not later.changed
    assert later.preview is not None
    assert later.preview.month == "2026-12"
    edited = offer.model_copy(update={"base": Decimal(190_000)})
    assert share_state(shares, 1, edited, None, today=date(2027, 2, 1)).changed
    again = share_offer(shares, 1, edited, "3-5", today=date(2027, 2, 1))
    assert again.shared is not None
    assert again.shared.month == "2026-12"
    # Withdrawn and shared anew, it is dated by the new sharing.
    withdraw_offer(shares, 1, edited, today=date(2027, 2, 1))
    anew = share_offer(shares, 1, edited, "3-5", today=date(2027, 2, 1))
    assert anew.shared is not None
    assert anew.shared.month == "2027-02"
