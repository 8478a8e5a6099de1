"""Grants in the words recruiters use: counts, strike and prices per share, vesting and when
the equity can be sold; never one dollar figure for equity that cannot be sold as it vests."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from offerlab.offers import load_offer, offer_from_mapping
from offerlab.offers.model import Liquidity
from offerlab.offers.terms import liquidity_words, offer_terms, refresher_words, vesting_words
from offerlab.offers.vesting import VestingSchedule, preset
from tests.offers.builders import option_grant


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "startup-senior-ml",
            "40,000 ISOs at a $2.00 strike, preferred price $10.00, 4-year vest with a 1-year "
            "cliff, then monthly, not sellable until an exit (no tender or exit scheduled)",
        ),
        (
            "ai-lab-units",
            "1,500 profit participation units at $800.00 a unit, 4-year vest with a 1-year "
            "cliff, then monthly, sellable at yearly tenders, up to 20% of vested holdings each, "
            "the first at month 18",
        ),
        (
            "private-rsu-tenders",
            "10,000 RSUs at $40.00 a share, 4-year vest with a 1-year cliff, then monthly, "
            "sellable at tenders every 4 years, up to 50% of vested holdings each",
        ),
        ("msft-63-redmond", "$280,000 in RSUs, 4-year vest, quarterly, sellable as it vests"),
        (
            "amazon-l6-seattle",
            "1,000 RSUs at $200.00 a share, 4-year vest (5% / 15% / 40% / 40% by year), "
            "sellable as it vests",
        ),
        (
            "google-l4-london",
            "£160,000 in RSUs, 4-year vest (33% / 33% / 22% / 12% by year), monthly, sellable "
            "as it vests",
        ),
    ],
)
def test_the_examples_in_words(examples: Path, name: str, text: str) -> None:
    (terms,) = offer_terms(load_offer(examples / f"{name}.toml"))
    assert terms.describe() == text


def test_option_terms_carry_every_figure(examples: Path) -> None:
    offer = load_offer(examples / "startup-senior-ml.toml")
    (terms,) = offer_terms(offer)
    data = terms.as_json()
    assert (data["count"], data["strike"], data["fmv"], data["price"]) == (40000, 2, 5, 10)
    assert data["option_type"] == "iso"
    assert (data["expiry_years"], data["exercise_window_days"], data["early_exercise"]) == (
        10,
        90,
        False,
    )
    assert data["public"] is False
    assert refresher_words(offer) == (
        "yearly refreshers of 25% of the initial grant from year 2, 4-year vest with a 1-year "
        "cliff, then monthly, not sellable until an exit (no tender or exit scheduled)"
    )


def _offer(**grant: Any) -> Any:
    return offer_from_mapping(
        {
            "company": "Acme",
            "title": "MLE",
            "level": "Senior",
            "location": "London",
            "currency": "GBP",
            "start_date": "2026-09-01",
            "base": 100000,
            "equity": [grant],
        }
    )


def test_nsos_in_another_currency_with_fine_prices() -> None:
    offer = _offer(**option_grant(option_type="nso", strike="0.0125", price="1.5"))
    (terms,) = offer_terms(offer)
    assert terms.describe().startswith(
        "40,000 NSOs at a £0.0125 strike, preferred price £1.50, 4-year vest"
    )


def test_rsus_by_value_and_price_say_about_how_many_shares() -> None:
    (terms,) = offer_terms(_offer(value=100000, price=30))
    assert terms.describe().startswith("£100,000 in RSUs (about 3,333 at £30.00 a share)")
    (whole,) = offer_terms(_offer(value=90000, price=30))
    assert whole.describe().startswith("£90,000 in RSUs (3,000 at £30.00 a share)")


def test_vesting_words() -> None:
    assert vesting_words(preset("standard")) == "4-year vest with a 1-year cliff, then monthly"
    assert vesting_words(preset("microsoft")) == "4-year vest, quarterly"
    single = VestingSchedule.from_events("x", [(36, 100)])
    assert vesting_words(single) == "vests in full at month 36"
    six = VestingSchedule.from_yearly("x", [50, 50], "quarterly", cliff_months=6)
    assert vesting_words(six, 3) == (
        "2-year vest with a 6-month cliff, then quarterly, starting 3 months after the start date"
    )


@pytest.mark.parametrize(
    ("table", "text"),
    [
        (
            {"tender_months": [30, 18]},
            "sellable at tenders at months 18 and 30, all vested holdings each",
        ),
        (
            {"tender_dates": [date(2027, 6, 1)], "tender_pct": 25},
            "sellable at tenders on 2027-06-01, up to 25% of vested holdings each",
        ),
        ({"exit_month": 36}, "sellable from an exit expected at month 36"),
        (
            {"tender_every_months": 6, "exit_date": date(2029, 1, 1), "tender_pct": 10},
            "sellable at tenders every 6 months, up to 10% of vested holdings each; in full "
            "from an exit expected at 2029-01-01",
        ),
        (
            {"tender_every_months": 24},
            "sellable at tenders every 2 years, all vested holdings each",
        ),
    ],
)
def test_liquidity_words(table: dict[str, Any], text: str) -> None:
    assert liquidity_words(Liquidity(**table)) == text


def test_public_and_private_words() -> None:
    assert liquidity_words("public") == "sellable as it vests"
    assert liquidity_words("private").startswith("not sellable until an exit")
