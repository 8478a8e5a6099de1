"""Negotiating with private-company equity on either side (issue 14, item 5): a competing
offer's strength is judged on its risk-adjusted value, the plan says so with the method, and
the scripts describe its equity in units, strike, price, vesting and liquidity, never as a
bare dollar figure. Issue 11's rule holds: a weaker competing offer is never cited."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.money import Money, money_words
from offerlab.negotiate import Lever, NegotiationPlan, plan_json, plan_negotiation
from offerlab.negotiate.competing import MEASURES, CompetingOffer
from offerlab.offers import Component, load_offer
from offerlab.scenarios.valuation import Haircut
from tests.negotiate.builders import words
from tests.negotiate.fakes import FakeMarket

runner = CliRunner()


def _plan(examples: Path, offer: str, competing: str, **kwargs: object) -> NegotiationPlan:
    return plan_negotiation(
        load_offer(examples / f"{offer}.toml"),
        FakeMarket(),
        competing=[load_offer(examples / f"{competing}.toml")],
        **kwargs,  # type: ignore[arg-type]
    )


def _dollar_figures(rival: CompetingOffer) -> set[str]:
    """Every dollar figure that would stand for the rival's equity or for totals that count
    it: paper and risk-adjusted, per year and in total (less those equal to one of its cash
    terms, such as the lab's base of 300,000, the same as its Year-1 equity on paper)."""
    evaluation = rival.evaluation
    assert rival.value is not None
    amounts: list[Money] = [rival.annual_equity, rival.value.private_value_total]
    for key in MEASURES:
        amounts += [getattr(evaluation, key), getattr(rival.value, key)]
    for year in evaluation.years:
        amounts += [year.total, year[Component.EQUITY], year[Component.REFRESHER]]
    offer = rival.offer
    cash = {offer.money(offer.base), evaluation.year(1).cash}
    if offer.signing is not None:
        cash.add(offer.money(offer.signing.total))
    return {money_words(a, "USD") for a in amounts if not a.is_zero and a not in cash}


def test_the_lab_as_the_competing_offer_is_described_in_units_and_price(examples: Path) -> None:
    """The Done-when: negotiate with the lab offer as the competing one."""
    plan = _plan(examples, "msft-63-redmond", "ai-lab-units")
    (lab,) = plan.competing
    assert lab.private
    text = words(plan)
    for term in (
        "1,500 profit participation units",
        "$800.00 a unit",
        "4-year vest with a 1-year cliff",
        "yearly tenders, up to 20% of vested holdings each",
        "a $300,000 base",
    ):
        assert term in text, term
    assert not {f for f in _dollar_figures(lab) if f in text}
    cited = {lever.lever for lever in plan.levers if isinstance(lever, Lever) and lever.anchor}
    assert cited == {"base", "equity"}


def test_strength_is_judged_on_the_risk_adjusted_value(examples: Path) -> None:
    plan = _plan(examples, "msft-63-redmond", "ai-lab-units")
    (lab,) = plan.competing
    assert lab.value is not None
    msft = plan.package("initial").evaluation
    # on paper the lab pays more in Year 1 (650,000 against 376,000) ...
    assert lab.evaluation.year1_total > msft.year1_total
    # ... but its units are money only at a tender: risk-adjusted it pays less in Year 1
    assert lab.value.year1_total < msft.year1_total
    assert lab.measures == {
        "year1_total": "weaker",
        "annualized_total": "stronger",
        "four_year_total": "stronger",
    }
    assert lab.overall == "mixed"
    assert plan.leverage is None  # not stronger on every measure
    assert not any(
        isinstance(lever, Lever) and lever.anchor is lab and lever.lever == "signing"
        for lever in plan.levers
    )
    # its equity per year, the equity lever's anchor, is its risk-adjusted value
    assert lab.annual_equity == lab.value.equity_per_year
    assert lab.annual_equity.amount < Decimal(300000) / 2
    note = next(n for n in plan.notes if "AI lab member of technical staff's equity" in n)
    assert "judged on its risk-adjusted value" in note
    assert "expected value" in note
    assert any("20,000 paths, seed 7" in n for n in plan.notes)
    data = plan_json(plan)
    assert data["valuation"]["method"] == "expected"
    assert data["valuation"]["offer"]["private_equity"] is False
    (entry,) = data["competing"]
    assert entry["value"]["private_equity"] is True
    assert entry["value"]["year1_total"] == pytest.approx(
        float(lab.value.year1_total.amount), abs=0.01
    )
    assert entry["year1_total"] == 650000  # the paper figure keeps its key
    assert entry["equity_terms"][0]["count"] == 1500
    assert entry["equity_terms"][0]["price"] == 800


def test_a_private_offer_is_measured_risk_adjusted_against_a_public_one(examples: Path) -> None:
    """The start-up negotiating against Microsoft: on paper the start-up pays more over four
    years; risk-adjusted Microsoft is stronger on every measure, so it is the leverage."""
    plan = _plan(examples, "startup-senior-ml", "msft-63-redmond")
    (msft,) = plan.competing
    startup = plan.package("initial").evaluation
    assert startup.four_year_total > msft.evaluation.four_year_total
    assert plan.value is not None
    assert plan.value.private
    assert msft.overall == "stronger"
    assert plan.leverage is msft
    equity = plan.lever("equity")
    assert isinstance(equity, Lever)
    assert equity.anchor is msft
    # the ask is the grant whose risk-adjusted equity per year matches Microsoft's 70,000
    assert equity.grant_units_ask is not None
    assert equity.grant_units_ask.endswith(" ISOs")
    assert "risk-adjusted" in equity.reason
    script = plan_json(plan)["levers"][1]["script"]
    assert "ISOs" in script
    assert "over the $2.00 strike at the $10.00 preferred price" in script
    assert any("This offer's equity cannot all be sold as it vests" in n for n in plan.notes)


@pytest.mark.parametrize(
    ("offer", "competing", "overall"),
    [
        ("meta-e5-menlo-park", "ai-lab-units", "mixed"),
        ("ai-lab-units", "meta-e5-menlo-park", "mixed"),
        ("msft-63-redmond", "startup-senior-ml", "weaker"),
        ("startup-senior-ml", "ai-lab-units", "stronger"),
        ("ai-lab-units", "startup-senior-ml", "weaker"),
        ("ai-lab-units", "msft-63-redmond", "mixed"),
    ],
)
def test_both_directions(examples: Path, offer: str, competing: str, overall: str) -> None:
    plan = _plan(examples, offer, competing)
    (rival,) = plan.competing
    assert rival.overall == overall
    text = words(plan)
    company = rival.offer.company
    if overall == "weaker":
        # issue 11: a weaker competing offer (on all measures) is never cited
        assert company not in text
        assert all(lever.anchor is None for lever in plan.levers if isinstance(lever, Lever))
    else:
        assert company in text
    if rival.private and company in text:
        assert not {f for f in _dollar_figures(rival) if f in text}
        terms = rival.terms[0]
        assert terms.describe().split(",")[0] in text


def test_a_stated_haircut_changes_the_judgement(examples: Path) -> None:
    """With no haircut the lab is measured on paper and is stronger on every measure; the plan
    names the method it used."""
    plan = _plan(examples, "msft-63-redmond", "ai-lab-units", valuation=Haircut(Decimal(0)))
    (lab,) = plan.competing
    assert lab.overall == "stronger"
    assert plan.leverage is lab
    assert any("0% haircut" in n for n in plan.notes)
    # the asks match the lab on paper now (a grant of 1,200,000 is this offer's own ask), and
    # the lab's equity is still said in its terms
    assert "Frontier Lab's offer comes with 1,500 profit participation units" in words(plan)


def test_cli_negotiate_takes_the_risk_options(examples: Path) -> None:
    args = [
        str(examples / "msft-63-redmond.toml"),
        "--competing",
        str(examples / "ai-lab-units.toml"),
    ]
    result = runner.invoke(app, ["negotiate", *args, "--haircut", "50", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["valuation"]["method"] == "haircut"
    assert data["competing"][0]["value"]["four_year_total"] == 2450000 - 600000
    table = runner.invoke(app, ["negotiate", *args], terminal_width=200)
    assert table.exit_code == 0
    flat = " ".join(table.stdout.split())
    assert "Risk-adjusted (expected value), as the competing offers are measured" in flat
    assert "1,500 profit participation units at $800.00 a unit" in flat
    bad = runner.invoke(app, ["negotiate", *args, "--haircut", "-5"])
    assert bad.exit_code == 2
    assert "--haircut -5 is not a percent from 0 to 100" in bad.stderr
