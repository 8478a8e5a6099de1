"""Risk-adjusted value: public equity as it is, private equity by a stated method (a haircut,
or the expected cash under the private-company scenarios), deterministic for a seed."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from offerlab.errors import InputError
from offerlab.money import Money
from offerlab.offers import Component, evaluate, load_offer, offer_from_mapping
from offerlab.scenarios.private import PrivateScenario, simulate_cash
from offerlab.scenarios.service import compare_offers
from offerlab.scenarios.valuation import (
    DEFAULT_EXPECTED_VALUE,
    ExpectedValue,
    Haircut,
    ValuationMethod,
    risk_adjusted_value,
    valuation_method,
)
from tests.offers.builders import option_grant

PUBLIC = ["msft-63-redmond", "meta-e5-menlo-park", "google-l5-kirkland", "amazon-l6-seattle"]
PRIVATE = ["startup-senior-ml", "ai-lab-units", "private-rsu-tenders"]
METHODS: list[ValuationMethod] = [DEFAULT_EXPECTED_VALUE, Haircut(Decimal(0)), Haircut(Decimal(40))]


def _evaluation(examples: Path, name: str, years: int = 4) -> Any:
    return evaluate(load_offer(examples / f"{name}.toml"), years)


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_public_equity_is_never_discounted(
    examples: Path, name: str, method: ValuationMethod
) -> None:
    evaluation = _evaluation(examples, name)
    value = risk_adjusted_value(evaluation, method)
    assert not value.private
    assert value.p_no_cash is None
    for year, totals in zip(value.years, evaluation.years, strict=True):
        assert year.total == totals.total  # exact, not to the cent
    assert value.four_year_total == evaluation.four_year_total
    rows: Any = evaluation.as_json()["years"]
    paper = [float(r["total"]) for r in rows]
    shown = value.shown([evaluation.shown()[y]["total"] for y in (1, 2, 3, 4)])
    assert [float(v) for v in shown] == paper


@pytest.mark.parametrize("name", PRIVATE)
def test_a_haircut_keeps_the_stated_share_of_private_paper_value(examples: Path, name: str):
    evaluation = _evaluation(examples, name)
    none = risk_adjusted_value(evaluation, Haircut(Decimal(0)))
    all_ = risk_adjusted_value(evaluation, Haircut(Decimal(100)))
    forty = risk_adjusted_value(evaluation, Haircut(Decimal(40)))
    for y, totals in enumerate(evaluation.years):
        assert none.years[y].total == totals.total
        assert forty.years[y].private_value == forty.years[y].private_paper * Decimal("0.6")
        # every grant of these offers is private: a full haircut leaves the pay without equity
        equity = totals[Component.EQUITY] + totals[Component.REFRESHER]
        assert all_.years[y].total == totals.total - equity
    assert forty.total == forty.years[0].total + sum(
        (y.total for y in forty.years[1:]), Money.zero("USD")
    )


def test_the_option_grant_is_valued_on_its_spread(examples: Path) -> None:
    """The issue's start-up grant: 320,000 on paper over four years, 80,000 in Year 1; a 50%
    haircut counts half of it. Under water it is worth nothing on paper, so nothing after a
    haircut; the expected value keeps the chance that the price rises above the strike."""
    base = {
        "company": "Acme",
        "title": "MLE",
        "level": "Senior",
        "location": "San Francisco, CA",
        "base": 200000,
        "equity": [option_grant()],
    }
    evaluation = evaluate(offer_from_mapping(base))
    half = risk_adjusted_value(evaluation, Haircut(Decimal(50)))
    assert [y.private_paper.amount for y in half.years] == [Decimal(80000)] * 4
    assert [y.private_value.amount for y in half.years] == [Decimal(40000)] * 4
    under = dict(base, equity=[option_grant(price="1.50", fmv="1.00")])
    under_water = evaluate(offer_from_mapping(under))
    for method in METHODS[1:]:
        value = risk_adjusted_value(under_water, method)
        assert value.private_value_total.is_zero
        assert value.total == under_water.years[0].total * 4
    expected = risk_adjusted_value(under_water, DEFAULT_EXPECTED_VALUE)
    assert Decimal(0) < expected.private_value_total.amount < Decimal(40000 * Decimal("0.5"))
    assert expected.p_no_cash is not None
    assert expected.p_no_cash > 0.8


@pytest.mark.parametrize("name", PRIVATE)
def test_a_certain_exit_at_zero_volatility_is_the_paper_value(examples: Path, name: str):
    """An exit at the end of year 1 sells everything vested then, and every later vest as it
    vests: with no volatility, drift or dilution the expected cash is the paper value."""
    evaluation = _evaluation(examples, name)
    certain = ExpectedValue(exit_by_year=(1.0,), dilution=0.0, volatility=0.0, paths=3)
    value = risk_adjusted_value(evaluation, certain)
    assert value.private
    assert value.p_no_cash == 0.0
    for year, totals in zip(value.years, evaluation.years, strict=True):
        assert abs((year.total - totals.total).amount) <= Decimal("0.01")


def test_the_expected_value_is_the_simulated_mean(examples: Path) -> None:
    evaluation = _evaluation(examples, "startup-senior-ml")
    method = DEFAULT_EXPECTED_VALUE
    value = risk_adjusted_value(evaluation, method)
    scenario = PrivateScenario(volatility=0.6, exit_by_year=(0.05, 0.1, 0.1, 0.1), dilution=0.15)
    simulated = simulate_cash([evaluation], 20_000, scenario, volatility=0.0, seed=7)
    # every grant of the start-up is private: its equity cash is the private value
    mean = float(simulated.offers[0].equity.mean())
    assert float(value.private_value_total.amount) == pytest.approx(mean, abs=0.05)
    # no exit within four years on about 65% of paths (the chance of none is 65%)
    assert value.p_no_cash == pytest.approx(0.65, abs=0.015)
    assert value.p_no_cash == simulated.offers[0].p_worth_nothing
    # far below paper: the options are money only at an exit
    assert value.private_value_total < value.private_paper_total * Decimal("0.4")


def test_same_seed_same_figures_whatever_it_is_compared_with(examples: Path) -> None:
    lab = load_offer(examples / "ai-lab-units.toml")
    startup = load_offer(examples / "startup-senior-ml.toml")
    msft = load_offer(examples / "msft-63-redmond.toml")
    one = compare_offers([lab, startup])
    other = compare_offers([msft, lab])
    assert one.values[0].years == other.values[1].years
    seeded = ExpectedValue(seed=8)
    assert risk_adjusted_value(evaluate(lab), seeded).years != one.values[0].years


@pytest.mark.parametrize(
    ("args", "option", "says"),
    [
        (("expected", Decimal(20), None, None), "--haircut", "give no --haircut"),
        (("bogus", None, None, None), "--risk-model", "expected one of expected, haircut"),
        (("haircut", None, None, None), "--haircut", "needs --haircut PCT"),
        ((None, Decimal(150), None, None), "--haircut", "from 0 to 100"),
        ((None, Decimal(-1), None, None), "--haircut", "from 0 to 100"),
        ((None, Decimal(20), (0.1,), None), "--exit-by-year", "a haircut takes only"),
        ((None, None, (0.6, 0.6), None), "--exit-by-year", "more than 100%"),
        ((None, None, None, 100.0), "--dilution", "below 100%"),
    ],
)
def test_bad_methods_are_located_errors(args: tuple[Any, ...], option: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        valuation_method(*args)
    assert caught.value.option == option
    assert says in caught.value.message


def test_methods_name_themselves() -> None:
    assert valuation_method() is DEFAULT_EXPECTED_VALUE
    text = DEFAULT_EXPECTED_VALUE.describe(4)
    for figure in ("5%, 10%, 10%, 10%", "dilution 15%", "24 months", "volatility 60%"):
        assert figure in text
    assert "20,000 paths, seed 7" in text
    custom = valuation_method(exit_by_year=(0.2, 0.2), dilution_pct=10)
    assert isinstance(custom, ExpectedValue)
    assert (custom.exit_by_year, custom.dilution, custom.paths) == ((0.2, 0.2), 0.1, 20_000)
    haircut = valuation_method(haircut_pct=Decimal("37.5"))
    assert haircut.name == "37.5% haircut"
    assert "less 37.5%" in haircut.describe()
    assert haircut.as_json() == {"method": "haircut", "haircut_pct": 37.5}


@pytest.mark.parametrize("years", [2, 4, 6])
@pytest.mark.parametrize(
    "method",
    [DEFAULT_EXPECTED_VALUE, ExpectedValue(exit_by_year=(0.2, 0.3), dilution=0.0, volatility=0.0)],
    ids=["default", "custom"],
)
def test_the_method_words_the_scenario_as_the_simulation_does(
    method: ExpectedValue, years: int
) -> None:
    """The description is written without loading the simulation (NumPy), in the words the
    private-company model uses for the same scenario."""
    words = method.scenario().describe(years).removeprefix("private-company model: ")
    assert words in method.describe(years)
