"""The private-company model: zero volatility with a certain exit is the offer engine's cash,
seeds reproduce, options pay max(S - strike, 0), dilution, break-even, and the CLI."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError
from offerlab.offers import evaluate, load_offer, offer_from_mapping
from offerlab.offers.model import Liquidity
from offerlab.scenarios.private import PrivateScenario, simulate_cash

runner = CliRunner()

PRIVATE = ["startup-senior-ml", "ai-lab-units", "private-rsu-tenders"]


def _load(examples: Path, name: str) -> Any:
    return load_offer(examples / f"{name}.toml")


def _with_exit(offer: Any, month: int) -> Any:
    """``offer`` with an exit at ``month`` for every grant that is not public."""
    equity = []
    for grant in offer.equity:
        own = grant.liquidity
        if isinstance(own, Liquidity):
            equity.append(
                grant.model_copy(update={"liquidity": own.model_copy(update={"exit_month": month})})
            )
        else:
            equity.append(grant)
    base = offer.liquidity if isinstance(offer.liquidity, Liquidity) else None
    liquidity = (
        base.model_copy(update={"exit_month": month}) if base else Liquidity(exit_month=month)
    )
    return offer.model_copy(update={"equity": equity, "liquidity": liquidity})


@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("exit_year", [1, 3, 4])
def test_zero_volatility_and_a_certain_exit_is_the_engine(
    examples: Path, name: str, exit_year: int
):
    offer = _load(examples, name)
    chances = tuple(1.0 if y == exit_year else 0.0 for y in range(1, exit_year + 1))
    scenario = PrivateScenario(volatility=0.0, exit_by_year=chances)
    result = simulate_cash([evaluate(offer, 5)], 4, scenario, volatility=0.0, seed=1)
    engine = evaluate(_with_exit(offer, 12 * exit_year), 5)
    expected = [float(t.cash.amount) for t in engine.years]
    for path in result.offers[0].years:
        assert path == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", PRIVATE)
def test_the_files_own_liquidity_at_zero_volatility_is_the_engine(examples: Path, name: str):
    evaluation = evaluate(_load(examples, name), 6)
    result = simulate_cash([evaluation], 3, PrivateScenario(volatility=0.0), seed=2)
    expected = [float(t.cash.amount) for t in evaluation.years]
    for path in result.offers[0].years:
        assert path == pytest.approx(expected, rel=1e-12)


def test_each_path_is_the_engine_for_the_exit_it_drew(examples: Path) -> None:
    offer = _load(examples, "startup-senior-ml")
    chances = (0.1, 0.2, 0.3)
    scenario = PrivateScenario(volatility=0.0, exit_by_year=chances)
    result = simulate_cash([evaluate(offer, 4)], 2000, scenario, seed=5)
    engines = {
        month: [float(t.cash.amount) for t in evaluate(_with_exit(offer, month), 4).years]
        for month in (12, 24, 36)
    }
    engines[0] = [float(t.cash.amount) for t in evaluate(offer, 4).years]  # no exit
    drawn = dict.fromkeys(engines, 0)
    for path in result.offers[0].years:
        month = next(m for m, v in engines.items() if list(path) == pytest.approx(v, rel=1e-12))
        drawn[month] += 1
    # The draws follow the chances (binomial, well within five standard deviations).
    for month, p in ((12, 0.1), (24, 0.2), (36, 0.3), (0, 0.4)):
        assert abs(drawn[month] / 2000 - p) < 5 * (p * (1 - p) / 2000) ** 0.5
    assert result.offers[0].p_worth_nothing == pytest.approx(drawn[0] / 2000)


def test_same_seed_same_numbers(examples: Path) -> None:
    evaluations = [evaluate(_load(examples, n), 4) for n in PRIVATE]
    evaluations.append(evaluate(load_offer(examples / "msft-l62-target.toml"), 4))
    scenario = PrivateScenario(exit_by_year=(0.1, 0.1, 0.1, 0.1), dilution=0.1)
    first = simulate_cash(evaluations, 3000, scenario, seed=11).as_json()
    again = simulate_cash(evaluations, 3000, scenario, seed=11).as_json()
    other = simulate_cash(evaluations, 3000, scenario, seed=12).as_json()
    assert first == again
    assert first != other


def test_mean_is_the_expectation_over_exits_and_values(examples: Path) -> None:
    # Drift 0: the value's mean stays at the price assumed, so for RSUs and units (linear in
    # the value) the mean cash is the engine's cash averaged over the exit chances.
    offer = _load(examples, "ai-lab-units")
    chances = (0.05, 0.1, 0.1, 0.1)
    scenario = PrivateScenario(volatility=0.6, exit_by_year=chances)
    result = simulate_cash([evaluate(offer, 4)], 200_000, scenario, seed=3)
    cash = {
        m: sum(float(t.cash.amount) for t in evaluate(_with_exit(offer, m), 4).years)
        for m in (12, 24, 36, 48)
    }
    cash[0] = sum(float(t.cash.amount) for t in evaluate(offer, 4).years)
    expected = sum(p * cash[12 * (k + 1)] for k, p in enumerate(chances)) + 0.65 * cash[0]
    assert float(result.offers[0].total.mean()) == pytest.approx(expected, rel=0.01)


def _option_offer(**liquidity: Any) -> Any:
    return offer_from_mapping(
        {
            "company": "Acme",
            "title": "E",
            "level": "1",
            "location": "Austin, TX",
            "base": 100000,
            "equity": [
                {
                    "kind": "option",
                    "shares": 10000,
                    "strike": 4,
                    "price": 10,
                    "schedule": "standard",
                    "liquidity": liquidity or "private",
                }
            ],
        }
    )


def test_options_pay_the_spread_and_nothing_under_water() -> None:
    evaluation = evaluate(_option_offer(exit_month=48), 4)
    for multiple, per_share in ((0.3, 0.0), (1.0, 6.0), (2.5, 21.0)):
        scenario = PrivateScenario(volatility=0.0, outcomes=((multiple, 1.0),))
        result = simulate_cash([evaluation], 5, scenario, seed=1)
        assert result.offers[0].equity == pytest.approx(np.full(5, 10000 * per_share))
        assert result.offers[0].p_worth_nothing == (1.0 if per_share == 0 else 0.0)


def test_dilution_cuts_each_share_by_the_rounds_before_the_sale() -> None:
    # Rounds every 18 months: at months 18 and 36 before an exit at month 48.
    evaluation = evaluate(_option_offer(exit_month=48), 4)
    scenario = PrivateScenario(volatility=0.0, dilution=0.2, round_every_months=18)
    result = simulate_cash([evaluation], 2, scenario, seed=1)
    value = 10 * 0.8 * 0.8
    assert result.offers[0].equity == pytest.approx(np.full(2, 10000 * (value - 4)))


def test_break_even_price_makes_the_expected_cash_equal(examples: Path) -> None:
    startup = evaluate(_load(examples, "startup-senior-ml"), 4)
    msft = evaluate(load_offer(examples / "msft-l62-target.toml"), 4)
    scenario = PrivateScenario(volatility=0.0, exit_by_year=(0, 0, 0, 1))
    result = simulate_cash([msft, startup], 10, scenario, volatility=0.0, seed=1)
    (even,) = result.break_evens
    assert even.offer == startup.name
    assert even.multiple is not None
    assert even.price_per_share == pytest.approx(even.multiple * 10)
    # At that multiple for certain, the start-up pays what Microsoft pays.
    check = PrivateScenario(
        volatility=0.0, exit_by_year=(0, 0, 0, 1), outcomes=((even.multiple, 1.0),)
    )
    priced = simulate_cash([msft, startup], 10, check, volatility=0.0, seed=1)
    assert float(priced.offers[1].total.mean()) == pytest.approx(even.target, rel=1e-9)
    assert even.target == pytest.approx(float(msft.four_year_total.amount))


def test_no_sale_within_the_horizon_has_no_break_even(examples: Path) -> None:
    startup = evaluate(_load(examples, "startup-senior-ml"), 4)
    msft = evaluate(load_offer(examples / "msft-l62-target.toml"), 4)
    result = simulate_cash([msft, startup], 50, PrivateScenario(), seed=1)
    (even,) = result.break_evens
    assert even.multiple is None
    assert "no price per share" in even.note
    assert result.offers[1].p_worth_nothing == 1.0
    assert result.p_first_beats == [1.0]


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"exit_by_year": (0.6, 0.6)}, "adds up to 120%"),
        ({"exit_by_year": (-0.1,)}, "percent from 0 to 100"),
        ({"outcomes": ((1.0, 0.5),)}, "add up to 50%, not 100%"),
        ({"outcomes": ((-1.0, 1.0),)}, "must not be negative"),
        ({"dilution": 1.0}, "--dilution must be from 0"),
        ({"volatility": -0.1}, "--private-volatility must not be negative"),
        ({"round_every_months": 0}, "--round-every"),
    ],
)
def test_bad_scenarios_are_refused(kwargs: dict[str, Any], says: str) -> None:
    with pytest.raises(InputError, match=says):
        PrivateScenario(**kwargs)


def _simulate(*args: str) -> Any:
    return runner.invoke(app, ["offer", "simulate", *args])


def test_cli_cash_model_json(examples: Path) -> None:
    result = _simulate(
        str(examples / "msft-l62-target.toml"),
        str(examples / "ai-lab-units.toml"),
        "--paths",
        "2000",
        "--seed",
        "7",
        "--exit-by-year",
        "5,10,10,10",
        "--exit-outcomes",
        "0:30,1:40,3:20,10:10",
        "--dilution",
        "15",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == "cash"
    msft, lab = data["offers"]
    assert (msft["private"], lab["private"]) == (False, True)
    assert set(lab) == {
        "name", "currency", "private", "years", "cash_total", "equity_cash",
        "paper_equity", "p_worth_nothing",
    }  # fmt: skip
    assert lab["paper_equity"] == 1200000
    assert data["private"]["exit_by_year"] == [0.05, 0.1, 0.1, 0.1]
    assert data["private"]["outcomes"][0] == {"multiple": 0.0, "probability": 0.3}
    assert data["break_even"][0]["offer"] == lab["name"]
    assert len(data["p_first_beats"]) == 1
    assert data["seed"] == 7


def test_cli_cash_model_table(examples: Path) -> None:
    result = _simulate(str(examples / "startup-senior-ml.toml"), "--paths", "500", "--seed", "1")
    assert result.exit_code == 0, result.stderr
    assert "private-company model" in result.stdout
    assert "P(no cash at all from it) = 100.0%" in result.stdout
    assert "Equity cash, years 1-4" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--exit-by-year", "60,60"], "adds up to 120%"),
        (["--exit-by-year", "x"], "is not a list of percents"),
        (["--exit-outcomes", "1-100"], "is not MULTIPLE:PERCENT"),
        (["--growth", "10"], "--growth values every vest in proportion"),
        (["--html", "out.html"], "--html draws the public stock model"),
    ],
)
def test_cli_refuses_with_exit_2(examples: Path, args: list[str], says: str) -> None:
    result = _simulate(str(examples / "startup-senior-ml.toml"), "--paths", "10", *args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_public_offers_keep_the_public_model(examples: Path) -> None:
    result = _simulate(str(examples / "msft-l62-target.toml"), "--paths", "100", "--json")
    assert "model" not in json.loads(result.stdout) or json.loads(result.stdout)["model"] != "cash"
