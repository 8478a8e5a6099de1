"""Options, units and private RSUs: the file keys and their located errors, the engine's option
value, exercise cost and cash, and liquidity (tenders, exits) as the invariants of issue 14."""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import ProblemsError
from offerlab.money import Money, money_sum
from offerlab.offers import Component, evaluate, load_offer, offer_from_mapping
from offerlab.offers.equity import equity_flags, months_after, sales
from offerlab.offers.metrics import COMPONENTS, EQUITY_COMPONENTS
from tests.offers.builders import option_grant
from tests.offers.test_properties import schedules

runner = CliRunner()


def usd(value: str | int) -> Money:
    return Money(Decimal(value), "USD")


def offer(**overrides: Any) -> Any:
    data: dict[str, Any] = {
        "company": "Acme AI",
        "title": "Engineer",
        "level": "Senior",
        "location": "San Francisco, CA",
        "base": 200000,
    }
    data.update(overrides)
    return offer_from_mapping(data)


option = option_grant


# --- Done when: the figures -----------------------------------------------------


def test_done_when_iso_grant_figures(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "startup-senior-ml.toml"))
    equity = [evaluation.year(y)[Component.EQUITY] for y in range(1, 5)]
    assert equity[0] == usd(80000)
    assert money_sum(equity, "USD") == usd(320000)
    assert evaluation.year(1).exercise == usd(20000)  # 10,000 options at the cliff x 2.00
    assert [evaluation.year(y).exercise for y in range(1, 5)] == [usd(20000)] * 4


def test_done_when_under_water_grant_is_worth_nothing() -> None:
    evaluation = evaluate(offer(equity=[option(price="1.50", fmv="1.00")]), years=5)
    assert all(t[Component.EQUITY].is_zero for t in evaluation.years)
    assert evaluation.four_year_total == usd(800000)  # base alone
    assert evaluation.year(1).exercise == usd(20000)  # exercising would still cost the strike
    flags = {flag.key for flag in equity_flags(evaluation.offer)}
    assert "equity[0].price" in flags


# --- Invariants (hypothesis) ------------------------------------------------------------

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2)


@st.composite
def option_grants(draw: st.DrawFn) -> dict[str, Any]:
    grant = option(
        shares=draw(st.integers(1, 200000)),
        strike=draw(st.decimals(min_value=0, max_value=Decimal(300), places=2)),
        price=draw(prices),
        schedule=draw(schedules()),
        start_month=draw(st.integers(0, 6)),
    )
    grant.pop("fmv")
    if draw(st.booleans()):
        grant["current_price"] = draw(prices)
    return grant


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(option_grants())
def test_option_equity_over_the_schedule_is_shares_times_the_spread(grant: dict[str, Any]):
    o = offer(equity=[grant])
    g = o.equity[0]
    last_year = (g.start_month + o.schedule_for(g).length_months + 11) // 12
    evaluation = evaluate(o, years=max(1, last_year))
    price = g.current_price if g.current_price is not None else g.price
    spread = max(price - g.strike, Decimal(0))
    vested = money_sum(
        (e.amount for e in evaluation.events if e.component is Component.EQUITY), "USD"
    )
    assert vested == usd(g.shares * spread)
    if spread == 0:
        assert all(t[Component.EQUITY].is_zero for t in evaluation.years)
    # Exercising every vest costs the strike of the whole grant, year by year.
    costs = money_sum((t.exercise for t in evaluation.years), "USD")
    assert costs == usd(g.shares * g.strike)


@st.composite
def liquidities(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["public", "private", "tenders", "cadence", "exit", "both"]))
    if kind in ("public", "private"):
        return kind
    table: dict[str, Any] = {}
    if kind in ("tenders", "both"):
        table["tender_months"] = draw(st.lists(st.integers(0, 72), min_size=1, max_size=5))
    if kind == "cadence":
        table["tender_every_months"] = draw(st.integers(1, 48))
        if draw(st.booleans()):
            table["first_tender_month"] = draw(st.integers(0, 30))
    if kind in ("tenders", "cadence", "both"):
        table["tender_pct"] = draw(st.decimals(min_value=Decimal("0.5"), max_value=100, places=1))
    if kind in ("exit", "both"):
        table["exit_month"] = draw(st.integers(0, 84))
    return table


@st.composite
def private_offers(draw: st.DrawFn) -> Any:
    grants = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["rsu", "unit", "option"]))
        grant: dict[str, Any] = (
            draw(option_grants())
            if kind == "option"
            else {"kind": kind, "shares": draw(st.integers(1, 50000)), "price": draw(prices)}
        )
        grant["schedule"] = draw(schedules())
        if draw(st.booleans()):
            grant["liquidity"] = draw(liquidities())
        grants.append(grant)
    data: dict[str, Any] = {"equity": grants, "signing": {"amount": draw(st.integers(0, 9999))}}
    if draw(st.booleans()):
        data["liquidity"] = draw(liquidities())
    if draw(st.booleans()):
        data["refreshers"] = {"annual_value": draw(st.integers(0, 99999))}
        if draw(st.booleans()):
            data["refreshers"]["liquidity"] = draw(liquidities())
    return offer(**data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(private_offers(), st.integers(1, 8))
def test_cash_is_what_was_received(o: Any, years: int) -> None:
    evaluation = evaluate(o, years)
    sold_by_year: dict[int, list[Money]] = {}
    for plan in evaluation.plans:  # every grant's sales, public ones included
        for sale in sales(plan, 12 * max(years, 4)):
            sold_by_year.setdefault(sale.year, []).append(sale.amount)
            assert sale.amount.amount >= 0
    for totals in evaluation.years:
        received = [totals[c] for c in COMPONENTS if c not in EQUITY_COMPONENTS]
        received += sold_by_year.get(totals.year, [])
        assert totals.cash == money_sum(received, "USD")
    assert evaluation.cash_total == money_sum((t.cash for t in evaluation.years), "USD")
    data = evaluation.as_json()
    shown = data["years"]
    assert isinstance(shown, list)
    cents = sum(round(row["cash"] * 100) for row in shown)
    assert round(data["cash_total"] * 100) == cents  # type: ignore[operator]
    for row in shown:
        # Shown cents: cash is within a few cents of its exact value.
        exact = evaluation.year(row["year"]).cash.amount
        assert abs(Decimal(str(row["cash"])) - exact) <= Decimal("0.05")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(private_offers())
def test_sales_never_exceed_what_vested(o: Any) -> None:
    evaluation = evaluate(o, 8)
    for plan in evaluation.plans:
        sold = Fraction(0)
        for sale in sales(plan, 96):
            sold += sale.fraction
            vested = sum(
                (lot.fraction for lot in plan.vests if lot.month <= sale.month), Fraction(0)
            )
            assert sold <= vested
            assert all(lot.month <= sale.month for lot in sale.lots)
        if plan.liquidity.is_public:
            assert sold == sum((lot.fraction for lot in plan.vests if lot.month <= 96), Fraction(0))


def test_public_rsus_sold_as_they_vest_are_the_vests(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "google-l5-london.toml"), 6)
    for totals in evaluation.years:
        assert totals.cash == totals.total
        assert totals.exercise.is_zero


# --- Liquidity: tenders, exits, dates ---------------------------------------------------


def test_tender_sells_its_share_of_the_holdings_oldest_first() -> None:
    o = offer(
        equity=[
            {
                "kind": "unit",
                "value": 480000,
                "schedule": {"years": [25, 25, 25, 25], "cadence": "annual"},
                "liquidity": {"tender_months": [24, 36], "tender_pct": 50},
            }
        ]
    )
    evaluation = evaluate(o, 4)
    tenders = [s for s in evaluation.sales if s.how == "tender"]
    # Month 24: half of the 240,000 held; month 36: half of (360,000 - 120,000).
    assert [(s.month, s.amount) for s in tenders] == [(24, usd(120000)), (36, usd(120000))]
    assert [lot.month for lot in tenders[0].lots] == [12]  # the oldest lot first
    assert [lot.month for lot in tenders[1].lots] == [24]  # the month-12 lot is gone
    assert [evaluation.year(y).cash_part(Component.EQUITY) for y in (1, 2, 3, 4)] == [
        usd(0),
        usd(120000),
        usd(120000),
        usd(0),
    ]


def test_exit_sells_everything_held_and_later_vests_as_they_vest() -> None:
    o = offer(
        equity=[option(liquidity={"tender_months": [12], "tender_pct": 10, "exit_month": 30})]
    )
    evaluation = evaluate(o, 4)
    hows = [(s.month, s.how) for s in evaluation.sales]
    assert hows[:2] == [(12, "tender"), (30, "exit")]
    assert all(how == "vest" for _, how in hows[2:])
    assert [m for m, _ in hows[2:]] == list(range(31, 49))
    sold = money_sum((s.amount for s in evaluation.sales), "USD")
    assert sold == usd(320000)  # everything, by the end of the schedule
    assert evaluation.cash_total == evaluation.four_year_total


def test_no_known_sale_means_no_cash_from_equity(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "startup-senior-ml.toml"), 6)
    assert evaluation.sales == ()
    for totals in evaluation.years:
        assert totals.cash == totals.total - totals[Component.EQUITY] - totals[Component.REFRESHER]


def test_dates_are_placed_from_the_start_date() -> None:
    from datetime import date

    assert months_after(date(2026, 11, 2), date(2027, 6, 1)) == 6
    assert months_after(date(2026, 11, 2), date(2027, 6, 2)) == 7
    assert months_after(date(2026, 1, 31), date(2026, 2, 28)) == 1
    o = offer(
        start_date="2026-09-01",
        liquidity={"tender_dates": ["2028-03-15"], "exit_date": "2030-09-01"},
        equity=[{"kind": "rsu", "value": 48000, "schedule": "standard"}],
    )
    evaluation = evaluate(o, 5)
    assert [(s.month, s.how) for s in evaluation.sales[:2]] == [(18, "tender"), (48, "exit")]


def test_offer_liquidity_is_the_default_of_every_grant_and_the_refreshers() -> None:
    o = offer(
        liquidity={"tender_every_months": 24},
        equity=[{"value": 48000, "schedule": "standard"}, {"value": 1, "liquidity": "public"}],
        refreshers={"annual_value": 12000},
    )
    evaluation = evaluate(o, 4)
    initial, public, *refreshers = evaluation.plans
    assert initial.liquidity.tenders == ((24, Fraction(1)), (48, Fraction(1)))
    assert public.liquidity.is_public
    assert all(r.liquidity.tenders == initial.liquidity.tenders for r in refreshers)


def test_options_and_units_default_to_private_rsus_to_public() -> None:
    o = offer(equity=[option(), {"kind": "unit", "value": 100}, {"value": 100}])
    plans = evaluate(o).plans
    assert [p.liquidity.public_from for p in plans] == [None, None, 0]


# --- The file format: every key validated, errors located -------------------------------


def _problems(**overrides: Any) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        offer(**overrides)
    return [f"{p.location}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize(
    ("equity", "expected"),
    [
        ({"value": 100, "strike": 1}, "equity[0].strike: only options have `strike`"),
        ({"value": 100, "fmv": 1}, "equity[0].fmv: only options have `fmv`"),
        ({"kind": "unit", "value": 1, "option_type": "iso"}, "equity[0].option_type: only opt"),
        ({"value": 100, "early_exercise": True}, "equity[0].early_exercise: only options"),
        (option(strike=-1), "equity[0].strike: -1 must not be negative"),
        (option(fmv=-1), "equity[0].fmv: -1 must not be negative"),
        (option(strike=None), "equity[0].strike: an option grant needs it"),
        (option(price=None), "equity[0].price: an option grant needs it"),
        (option(shares=None, value=1000), "equity[0].value: options are counted in shares"),
        (option(option_type="iso2"), "equity[0].option_type: 'iso2' is not allowed"),
        (option(expiry_years=0), "equity[0].expiry_years: 0 is out of range"),
        (option(exercise_window_days=-5), "equity[0].exercise_window_days: -5 must not be"),
        (option(kind="warrant"), "equity[0].kind: 'warrant' is not allowed"),
        (
            option(liquidity={"tender_months": [12], "tender_pct": 150}),
            "equity[0].liquidity.tender_pct: 150 is out of range",
        ),
        (
            option(liquidity={"tender_months": [12], "tender_pct": 0}),
            "equity[0].liquidity.tender_pct: 0 must be more than 0",
        ),
        (option(liquidity={"exit_month": -1}), "equity[0].liquidity.exit_month: -1 must not be"),
        (
            option(liquidity={"exit_month": 12, "exit_date": "2030-01-01"}),
            "equity[0].liquidity.exit_date: give `exit_month` or `exit_date`, not both",
        ),
        (
            option(liquidity={"first_tender_month": 6, "exit_month": 40}),
            "equity[0].liquidity.first_tender_month: starts a tender cadence",
        ),
        (
            option(liquidity={"tender_pct": 20, "exit_month": 40}),
            "equity[0].liquidity.tender_pct: is the share sold at each tender",
        ),
        (option(liquidity={}), "equity[0].liquidity.tender_months: a liquidity table needs"),
        (option(liquidity="publik"), "equity[0].liquidity: unknown liquidity 'publik'"),
        (option(liquidity={"tendr_months": [1]}), "equity[0].liquidity.tendr_months: unknown key"),
    ],
)
def test_located_errors(equity: dict[str, Any], expected: str) -> None:
    equity = {k: v for k, v in equity.items() if v is not None}
    problems = _problems(equity=[equity])
    assert any(p.startswith(expected) for p in problems), problems


def test_dates_need_the_start_date_and_come_after_it() -> None:
    problems = _problems(liquidity={"tender_dates": ["2027-06-01"]})
    assert problems[0].startswith("liquidity.tender_dates: a date needs the offer's start date")
    problems = _problems(
        start_date="2026-09-01",
        equity=[option(liquidity={"exit_date": "2026-01-01"})],
    )
    assert problems[0].startswith("equity[0].liquidity.exit_date: 2026-01-01 is before")
    problems = _problems(
        refreshers={"annual_value": 1, "liquidity": {"tender_dates": ["2027-01-01"]}}
    )
    assert problems[0].startswith("refreshers.liquidity.tender_dates:")


def test_every_misplaced_option_key_is_reported_at_once() -> None:
    problems = _problems(equity=[{"value": 100, "strike": 1, "fmv": 2}])
    assert [p.split(":")[0] for p in problems] == ["equity[0].strike", "equity[0].fmv"]


def test_cli_reports_located_errors_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'company = "A"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase = 1\n'
        "[[equity]]\nvalue = 100\nstrike = 1.5\n"
        '[[equity]]\nkind = "option"\nshares = 10\nstrike = -2\nprice = 3\n'
        "[equity.liquidity]\ntender_months = [12]\ntender_pct = 120\n"
    )
    result = runner.invoke(app, ["offer", "show", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: equity[0].strike: only options have `strike`" in result.stderr
    assert f"{bad}: equity[1].strike: -2 must not be negative" in result.stderr
    assert f"{bad}: equity[1].liquidity.tender_pct: 120 is out of range" in result.stderr
    # One line a problem: the table is not also refused as "not 'public' or 'private'".
    assert result.stderr.count(f"{bad}:") == 3
    assert "Traceback" not in result.stderr


def test_fmv_above_price_is_allowed_and_flagged() -> None:
    o = offer(equity=[option(fmv="12.00")])
    data = evaluate(o).as_json()
    flags = data["flags"]
    assert isinstance(flags, list)
    assert {"key": "equity[0].fmv", "grant": "grant 1"}.items() <= flags[0].items()
    assert "above the price you assume" in flags[0]["message"]
    # No flags, no key: an RSU offer's JSON keeps its shape.
    assert "flags" not in evaluate(offer(equity=[{"value": 100}])).as_json()


def test_iso_with_a_long_exercise_window_is_flagged() -> None:
    keys = [f.key for f in equity_flags(offer(equity=[option(fmv="2", exercise_window_days=3650)]))]
    assert keys == ["equity[0].exercise_window_days"]


def test_schema_documents_every_new_key() -> None:
    result = runner.invoke(app, ["offer", "schema"])
    schema = json.loads(result.stdout)
    grant = schema["$defs"]["EquityGrant"]["properties"]
    for key in ("kind", "strike", "fmv", "option_type", "expiry_years",
                "exercise_window_days", "early_exercise", "liquidity"):  # fmt: skip
        assert grant[key].get("description"), key
    liquidity = schema["$defs"]["Liquidity"]["properties"]
    for key, prop in liquidity.items():
        assert prop.get("description"), key
    assert "liquidity" in schema["properties"]
    assert "liquidity" in schema["$defs"]["Refreshers"]["properties"]


def test_new_examples_are_valid_and_tell_paper_from_cash(examples: Path) -> None:
    lab = evaluate(load_offer(examples / "ai-lab-units.toml"), 6)
    assert lab.year(1).cash_part(Component.EQUITY).is_zero  # the first tender is at month 18
    assert lab.year(2).cash_part(Component.EQUITY) == usd(90000)  # 20% of 450,000 held
    private = evaluate(load_offer(examples / "private-rsu-tenders.toml"), 6)
    sold = [private.year(y).cash_part(Component.EQUITY) for y in range(1, 7)]
    assert sold == [usd(0), usd(0), usd(0), usd(200000), usd(0), usd(0)]
    # Over four years: 400,000 vested on paper, half of it sold at the year-4 tender.
    four = evaluate(load_offer(examples / "private-rsu-tenders.toml"), 4)
    assert four.four_year_total - four.cash_total == usd(200000)
