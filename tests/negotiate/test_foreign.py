"""Offers in another currency (issue 11, defect 3): bands and competing offers restated in the
offer's currency with a dated rate the plan names, or an explicit statement that no comparable
band exists; an offer from another country is never presented as like-for-like leverage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from offerlab.errors import InputError
from offerlab.money import to_cents
from offerlab.negotiate import MarketBand, Profile, plan_json, plan_negotiation
from offerlab.offers import load_offer
from offerlab.scenarios.currency import RatesTable, parse_rate_flag
from tests.negotiate.builders import google, microsoft, words
from tests.negotiate.fakes import GOOGLE_L4_ALL, GOOGLE_L4_LONDON, MSFT_62, FakeMarket

LONDON_BAND: dict[tuple[str, str, str | None], MarketBand] = {
    ("Google", "L4", "London"): GOOGLE_L4_LONDON
}


def test_gbp_offer_with_a_usd_competing_offer(examples: Path) -> None:
    london = load_offer(examples / "google-l4-london.toml")
    redmond = load_offer(examples / "msft-l62-initial.toml")
    plan = plan_negotiation(london, FakeMarket(places=LONDON_BAND), competing=[redmond])
    rate = RatesTable.bundled().rate("USD", "GBP", date(2026, 9, 1))
    # The band: London records, stated in USD, restated in GBP with the dated rate.
    band = plan.benchmark.band
    assert band is not None
    assert band.currency == "GBP"
    assert GOOGLE_L4_LONDON.stock is not None
    assert band.stock is not None
    assert band.stock.p75 == to_cents(GOOGLE_L4_LONDON.stock.p75 * rate.value)
    assert "restated in GBP at 1 USD = 0.793468 GBP (2025-02-28" in plan.benchmark.why
    assert "days older than 2026-09-01" in plan.benchmark.why
    data = plan_json(plan)
    assert data["currency"] == "GBP"
    assert data["benchmark"]["restated_from"] == "USD"
    assert data["benchmark"]["exchange_rate"]["date"] == "2025-02-28"
    # The competing offer: restated and named as such, but not like-for-like, so never cited.
    (entry,) = data["competing"]
    assert entry["currency"] == "GBP"
    assert entry["restated_from"] == "USD"
    assert entry["exchange_rate"]["used_for"] == "2026-09-01"
    assert entry["like_for_like"] is False
    assert entry["overall"] == "stronger"
    assert "in the United States, the offer in the United Kingdom" in entry["note"]
    assert "says nothing about pay levels or living costs" in entry["note"]
    assert entry["cited_on"] == []
    assert data["leverage"] is None
    text = words(plan)
    assert "Microsoft" not in text
    assert "$" not in text
    assert "£" in text
    assert "(records stated in USD, restated in GBP)" in text
    assert any("not like-for-like" in note for note in plan.notes)


def test_a_band_over_every_place_is_not_a_benchmark_for_a_london_offer(examples: Path) -> None:
    london = load_offer(examples / "google-l4-london.toml")
    market = FakeMarket(places={("Google", "L4", None): GOOGLE_L4_ALL})
    plan = plan_negotiation(london, market)
    assert plan.benchmark.band is None
    assert all(query.location is not None for query in market.queries)
    assert "in the United Kingdom" in plan.benchmark.why
    assert "mostly US pay" in plan.benchmark.why
    assert plan_json(plan)["benchmark"]["percentiles"] == {
        "base": None,
        "equity": None,
        "total": None,
    }
    # A place the planner cannot put in a country: the band over every place is found, but it
    # is in USD, so it is not restated as if it were pay there.
    zurich = google(currency="CHF", location="Zurich", level="L4", start_date="2026-09-01")
    plan = plan_negotiation(zurich, FakeMarket(places={("Google", "L4", None): GOOGLE_L4_ALL}))
    assert plan.benchmark.band is None
    assert plan.benchmark.why.startswith("no comparable band")
    assert "percentile" not in words(plan)  # no band figure in any script


def test_no_rate_on_or_before_the_plan_date(examples: Path) -> None:
    london = load_offer(examples / "google-l4-london.toml").model_copy(
        update={"start_date": date(2024, 6, 1)}
    )
    redmond = load_offer(examples / "msft-l62-initial.toml")
    with pytest.raises(InputError, match="no exchange rate for USD to GBP on or before 2024-06-01"):
        plan_negotiation(london, FakeMarket(places=LONDON_BAND), competing=[redmond])
    plan = plan_negotiation(london, FakeMarket(places=LONDON_BAND))
    assert plan.benchmark.band is None
    assert "no comparable band" in plan.benchmark.why
    assert "on or before 2024-06-01" in plan.benchmark.why
    rates = RatesTable.bundled().with_rates([parse_rate_flag("USD:GBP=0.80@2024-05-31")])
    dated = plan_negotiation(
        london, FakeMarket(places=LONDON_BAND), competing=[redmond], rates=rates
    )
    assert dated.competing[0].rate is not None
    assert dated.competing[0].rate.value == Decimal("0.80")
    assert dated.benchmark.rate is not None
    assert dated.benchmark.rate.date == date(2024, 5, 31)


def test_inr_offer_with_an_inr_competing_offer(examples: Path) -> None:
    hyderabad = load_offer(examples / "msft-61-hyderabad-inr.toml")
    amazon = load_offer(examples / "amazon-l5-hyderabad-inr.toml")
    market = FakeMarket(places={("Microsoft", "61", "Hyderabad"): MSFT_62})
    profile = Profile(years_of_experience=Decimal(7), degree="ms")
    plan = plan_negotiation(hyderabad, market, competing=[amazon], profile=profile)
    assert plan.benchmark.band is not None
    assert plan.benchmark.band.currency == "INR"
    (entry,) = plan.competing
    assert entry.like_for_like
    assert entry.rate is None
    assert entry.overall == "mixed"  # more over four years, less in Year 1
    data = plan_json(plan)
    scripts = {item["lever"]: item["script"] for item in data["levers"]}
    assert "Amazon's offer comes with a base of ₹3,400,000" in scripts["base"]
    assert "Amazon" not in scripts["signing"]
    assert "$" not in words(plan)
    # The level lever: no band of the next level in India here, and no US figure in rupees.
    level = plan.lever("level")
    assert level.ask == "62"
    assert "a year more" not in level.reason


def test_usd_offer_in_the_us_keeps_its_bands_and_competing_offers_as_they_are() -> None:
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[google()])
    assert plan.benchmark.rate is None
    assert plan.competing[0].rate is None
    assert plan.competing[0].like_for_like
    data = plan_json(plan)
    assert data["benchmark"]["exchange_rate"] is None
    assert data["competing"][0]["exchange_rate"] is None


def test_a_place_the_data_puts_in_the_us_is_no_band_for_an_offer_in_euros() -> None:
    # "Dublin" is also Dublin, California: a Bay Area band in euros would not be Irish pay.
    dublin = microsoft(currency="EUR", location="Dublin")
    bay_area: dict[tuple[str, str, str | None], MarketBand] = {
        ("Microsoft", "62", "Dublin"): MSFT_62
    }
    plan = plan_negotiation(dublin, FakeMarket(places=bay_area))
    assert plan.benchmark.band is None
    assert "places Dublin in the United States, but the offer is in EUR" in plan.benchmark.why
