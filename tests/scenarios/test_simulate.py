"""Stock-price scenarios: zero volatility is the deterministic result, the Monte Carlo mean
matches the closed form, seeds reproduce, price files are read strictly."""

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError, ProblemsError
from offerlab.offers import Component, evaluate, load_offer
from offerlab.scenarios.simulate import (
    break_even,
    deterministic_totals,
    estimate_from_prices,
    exposure,
    read_prices,
    simulate,
    simulate_ratios,
)

runner = CliRunner()

OFFERS = ["msft-l62-target", "amazon-l6-seattle", "google-l5-kirkland", "startup-senior-ml"]


def _evaluations(examples: Path, years: int = 4):
    return [evaluate(load_offer(examples / f"{name}.toml"), years) for name in OFFERS]


@pytest.mark.parametrize("growth", [0.0, 10.0, -20.0])
def test_zero_volatility_is_the_deterministic_result(examples: Path, growth: float) -> None:
    evaluations = _evaluations(examples, years=6)
    result = simulate([exposure(e) for e in evaluations], 3, growth / 100, 0.0, seed=1)
    for evaluation, dist in zip(evaluations, result.offers, strict=True):
        expected = deterministic_totals(evaluation, growth)
        for path in dist.years:
            assert path == pytest.approx(expected, rel=1e-12)


def test_zero_growth_is_the_offer_engine(examples: Path) -> None:
    for evaluation in _evaluations(examples):
        totals = deterministic_totals(evaluation, 0.0)
        assert totals == pytest.approx([float(t.total.amount) for t in evaluation.years])


def _closed_form_equity(evaluation, drift: float) -> float:
    """E[equity over four years] = sum of grant-price vests x (1 + drift)^((m - g)/12)."""
    total = 0.0
    for event in evaluation.events:
        if event.component is Component.EQUITY:
            anchor = 0
        elif event.component is Component.REFRESHER:
            anchor = 12 * (int(event.label.split("year ")[1].rstrip(")")) - 1)
        else:
            continue
        total += float(event.amount.amount) * (1 + drift) ** ((event.month - anchor) / 12)
    return total


@pytest.mark.parametrize(("drift", "volatility"), [(0.0, 0.3), (0.08, 0.35)])
def test_monte_carlo_mean_matches_closed_form(examples: Path, drift: float, volatility: float):
    evaluations = _evaluations(examples)
    exposures = [exposure(e) for e in evaluations]
    result = simulate(exposures, 100_000, drift, volatility, seed=2026)
    for evaluation, item, dist in zip(evaluations, exposures, result.offers, strict=True):
        cash = float(item.cash.sum())
        mean_equity = float(dist.four_year.mean()) - cash
        expected = _closed_form_equity(evaluation, drift)
        assert mean_equity == pytest.approx(expected, rel=0.01)


def test_drift_zero_keeps_the_mean_price(examples: Path) -> None:
    result = simulate([exposure(_evaluations(examples)[0])], 100_000, 0.0, 0.4, seed=3)
    dist = result.offers[0]
    # the last year's vests are worth, on average, their grant-price value
    expected = float(_evaluations(examples)[0].year(4).total.amount)
    assert float(dist.years[:, 3].mean()) == pytest.approx(expected, rel=0.01)


def test_same_seed_same_numbers(examples: Path) -> None:
    exposures = [exposure(e) for e in _evaluations(examples)]
    first = simulate(exposures, 2_000, 0.05, 0.3, seed=11).as_json()
    again = simulate(exposures, 2_000, 0.05, 0.3, seed=11).as_json()
    other = simulate(exposures, 2_000, 0.05, 0.3, seed=12).as_json()
    assert first == again
    assert first != other


def test_same_company_shares_a_path(examples: Path) -> None:
    a = evaluate(load_offer(examples / "msft-l62-target.toml"))
    b = evaluate(load_offer(examples / "msft-l63-target.toml"))
    result = simulate([exposure(a), exposure(b)], 5_000, 0.0, 0.5, seed=5)
    # L63 target has more of everything: on a shared path it wins every time.
    assert result.p_first_beats == [0.0]


def test_break_even_makes_the_totals_equal(examples: Path) -> None:
    msft, _, google, _ = (exposure(e) for e in _evaluations(examples))
    found = break_even(msft, google)
    assert found.multiple is not None
    x = found.multiple
    ratios = np.full((49, 1), x)
    ratios[0] = 1.0
    assert float(msft.totals(ratios).sum()) == pytest.approx(float(google.totals(ratios).sum()))


def test_break_even_when_one_offer_dominates(examples: Path) -> None:
    low = exposure(evaluate(load_offer(examples / "msft-l62-initial.toml")))
    high = exposure(evaluate(load_offer(examples / "msft-l62-stretch.toml")))
    found = break_even(low, high)
    assert found.multiple is None
    assert "Microsoft 62 stretch pays more at any price" in found.note


def test_simulate_rejects_bad_parameters(examples: Path) -> None:
    item = exposure(_evaluations(examples)[0])
    with pytest.raises(InputError, match="--paths must be at least 1"):
        simulate([item], 0, 0.0, 0.3)
    with pytest.raises(InputError, match="--volatility must not be negative"):
        simulate([item], 10, 0.0, -0.1)
    with pytest.raises(InputError, match="--drift must be above -100%"):
        simulate([item], 10, -1.0, 0.1)


def test_estimate_from_the_msft_history(shared_data: Path) -> None:
    path = shared_data / "msft_daily_2000_2013.csv"
    estimate = estimate_from_prices(path)
    rows, column = read_prices(path)
    assert column == "Adj Close"
    prices = np.array([p for _, p in rows])
    returns = np.diff(np.log(prices))
    assert estimate.returns == len(returns) == len(rows) - 1
    sigma = returns.std(ddof=1) * math.sqrt(estimate.per_year)
    assert estimate.volatility == pytest.approx(sigma)
    assert 240 < estimate.per_year < 260  # trading days, not calendar days
    assert 0.2 < estimate.volatility < 0.5


def _csv(tmp_path: Path, body: str, header: str = "Date,Open,Close,Adj Close") -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def test_close_is_used_without_adj_close(tmp_path: Path) -> None:
    path = _csv(tmp_path, "2024-01-02,1,10\n2024-01-03,1,11\n2024-01-05,1,12\n", "Date,Open,Close")
    rows, column = read_prices(path)
    assert column == "Close"
    assert [p for _, p in rows] == [10, 11, 12]


A, B, C = "2024-01-02,1,1,10\n", "2024-01-04,1,1,12\n", "2024-01-03,1,1,"
BAD_FILES = [
    (A + "yesterday,1,1,11\n" + B, "line 3: 'yesterday' is not a date"),
    (A + C + "\n" + B, "line 3: missing Adj Close"),
    (A + C + "0\n" + B, "line 3: Adj Close 0 is not positive"),
    (A + C + "-4\n" + B, "is not positive"),
    (A + C + "abc\n" + B, "'abc' is not a number"),
    ("2024-01-03,1,1,10\n2024-01-02,1,1,11\n" + B, "line 3: 2024-01-02 is not after 2024-01-03"),
    (A + "2024-01-02,1,1,11\n" + B, "dates out of order"),
    (A, "only 1 price \\(expected"),
    (A + B, "only 2 prices"),
    ("", "no prices"),
]


@pytest.mark.parametrize(("body", "says"), BAD_FILES)
def test_bad_price_files(examples: Path, tmp_path: Path, body: str, says: str) -> None:
    path = _csv(tmp_path, body)
    with pytest.raises(ProblemsError, match=says):
        read_prices(path)
    result = runner.invoke(
        app, ["offer", "simulate", str(examples / "msft-l62-target.toml"), "--prices", str(path)]
    )
    assert result.exit_code == 2
    assert says.split(": ")[-1].replace("\\", "") in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_one_path_is_said_in_the_singular(examples: Path) -> None:
    args = ["offer", "simulate", str(examples / "msft-l62-target.toml"), "--seed", "3"]
    result = runner.invoke(app, [*args, "--paths", "1"])
    assert result.exit_code == 0, result.stderr
    assert "; 1 path, seed 3" in result.stdout
    result = runner.invoke(app, [*args, "--paths", "2"])
    assert "; 2 paths, seed 3" in result.stdout


def test_price_file_without_columns(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match="no Adj Close or Close column"):
        read_prices(_csv(tmp_path, "2024-01-02,1\n", "Date,Open"))
    with pytest.raises(ProblemsError, match="no Date column"):
        read_prices(_csv(tmp_path, "1,2\n", "Day,Close"))
    with pytest.raises(ProblemsError, match="no such file"):
        read_prices(tmp_path / "absent.csv")


def _sim(*args: str):
    result = runner.invoke(app, ["offer", "simulate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_simulate_json_contract(examples: Path) -> None:
    a, b = str(examples / "msft-l62-target.toml"), str(examples / "google-l5-kirkland.toml")
    code, out, err = _sim(a, b, "--paths", "2000", "--seed", "4", "--drift", "5",
                          "--volatility", "30", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert {"offers", "p_first_beats", "drift", "volatility"} <= set(data)
    assert data["drift"] == pytest.approx(0.05)
    assert data["volatility"] == pytest.approx(0.30)
    assert len(data["p_first_beats"]) == 1
    assert 0 <= data["p_first_beats"][0] <= 1
    for offer in data["offers"]:
        assert set(offer["four_year_total"]) == {"p5", "p25", "p50", "p75", "p95", "mean"}
        quantiles = [offer["four_year_total"][k] for k in ("p5", "p25", "p50", "p75", "p95")]
        assert quantiles == sorted(quantiles)
        assert [y["year"] for y in offer["years"]] == [1, 2, 3, 4]
    again = json.loads(_sim(a, b, "--paths", "2000", "--seed", "4", "--drift", "5",
                            "--volatility", "30", "--json")[1])  # fmt: skip
    assert again == data


def test_simulate_html_report(examples: Path, tmp_path: Path) -> None:
    report = tmp_path / "sim.html"
    code, out, _ = _sim(str(examples / "msft-l62-target.toml"), "--paths", "500", "--seed", "1",
                        "--html", str(report))  # fmt: skip
    assert code == 0
    page = report.read_text(encoding="utf-8")
    assert "fan-chart" in page
    assert "<script src=" not in page
    assert "report written to" in out


def test_simulate_growth_is_deterministic(examples: Path) -> None:
    code, out, _ = _sim(str(examples / "msft-l62-target.toml"), "--growth", "0", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["offers"][0]["four_year_total"] == 1326000


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--paths", "0"], "--paths must be at least 1"),
        (["--paths", "-5"], "--paths must be at least 1"),
        (["--volatility", "-3"], "--volatility must not be negative"),
        (["--drift", "5", "--prices", "x.csv"], "give --prices or --drift/--volatility"),
        (["--growth", "5", "--drift", "3"], "--growth is deterministic"),
        (["--currency", "XYZ"], "not an ISO 4217 code"),
    ],
)
def test_simulate_bad_input(examples: Path, args: list[str], says: str) -> None:
    code, out, err = _sim(str(examples / "msft-l62-target.toml"), *args)
    assert code == 2
    assert says in err
    assert "Traceback" not in out + err


def test_closures_are_not_gaps(tmp_path: Path) -> None:
    # A steady 0.1% a trading day, over weekends, a holiday and a four-day closure: every row is
    # one step, so the volatility is zero and the drift is 0.1% compounded per row.
    days = [date(2001, 9, d) for d in (4, 5, 6, 7, 10, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28)]
    lines = [f"{d.isoformat()},1,1,{100 * math.exp(0.001 * i):.10f}" for i, d in enumerate(days)]
    estimate = estimate_from_prices(_csv(tmp_path, "\n".join(lines) + "\n"))
    assert estimate.returns == len(days) - 1
    assert estimate.volatility == pytest.approx(0.0, abs=1e-7)
    assert estimate.drift == pytest.approx(math.expm1(0.001 * estimate.per_year), rel=1e-6)


def test_correlation_between_companies(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-target.toml")
    twin = offer.model_copy(update={"company": "Twin Corp", "name": "twin"})
    a, b = exposure(evaluate(offer)), exposure(evaluate(twin))
    same = simulate([a, b], 4_000, 0.05, 0.3, seed=9, correlation=1.0)
    assert np.allclose(same.offers[0].years, same.offers[1].years)
    apart = simulate([a, b], 4_000, 0.05, 0.3, seed=9)
    assert not np.allclose(apart.offers[0].years, apart.offers[1].years)
    assert 0.4 < apart.p_first_beats[0] < 0.6  # independent twins: a coin toss


def test_correlated_log_returns(examples: Path) -> None:
    rng = np.random.default_rng(4)
    common = rng.standard_normal(size=(48, 50_000))
    first = simulate_ratios(rng, 50_000, 48, 0.0, 0.3, common, 0.6)
    second = simulate_ratios(rng, 50_000, 48, 0.0, 0.3, common, 0.6)
    realised = np.corrcoef(np.log(first[-1]), np.log(second[-1]))[0, 1]
    assert realised == pytest.approx(0.6, abs=0.02)


def test_correlation_out_of_range(examples: Path) -> None:
    code, out, err = _sim(str(examples / "msft-l62-target.toml"), "--correlation", "1.5")
    assert code == 2
    assert "--correlation must be between 0 and 1" in err
    assert "Traceback" not in out + err
