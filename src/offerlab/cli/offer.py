"""``offerlab offer``: show, compare and describe offer files."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from offerlab.cli.common import (
    RateOption,
    RatesOption,
    amount_table,
    between,
    console,
    fmt_money,
    print_json,
    write_file,
)
from offerlab.cli.offer_files import load_checked
from offerlab.errors import InputError
from offerlab.money import allocate_cents, fmt_whole, to_cents
from offerlab.offers import (
    Comparison,
    OfferEvaluation,
    evaluate,
    offer_json_schema,
    preset,
    preset_names,
)
from offerlab.offers import service as offer_service
from offerlab.offers.compare import HEADLINE_METRICS
from offerlab.offers.engine import clawback_owed
from offerlab.offers.equity import equity_flags
from offerlab.offers.metrics import COMPONENTS
from offerlab.offers.model import MAX_AMOUNT, EquityGrant, Offer
from offerlab.offers.service import one_currency, restate
from offerlab.scenarios.currency import load_table

if TYPE_CHECKING:
    # The tax tables, the location indexes and the simulations load only in the commands
    # and with the options that use them (`offer show` without --after-tax needs none).
    from offerlab.scenarios.aftertax import AfterTax
    from offerlab.scenarios.currency import Rate
    from offerlab.scenarios.equity_tax import ExerciseStrategy
    from offerlab.scenarios.private import CashSimulation
    from offerlab.scenarios.simulate import Simulation
    from offerlab.scenarios.tax import Filing

__all__ = ["offer_app"]

offer_app = typer.Typer(help="Model offers: cash flow by year, totals, side-by-side comparison.")

YearsOption = Annotated[
    int,
    typer.Option(
        "--years", callback=between(1, 50, "--years"), help="Offer years to show, 1-50 (default 4)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]
ResidenceOption = Annotated[
    str | None,
    typer.Option(
        "--residence",
        metavar="PLACE",
        help="Where you live for tax, e.g. 'Seattle, WA', 'New York, NY', 'London', "
        "'Bangalore' (default: the offer's location). Implies --after-tax.",
    ),
]
FilingOption = Annotated[
    str | None,
    typer.Option(
        "--filing",
        metavar="single|joint",
        help="US filing status: single (the default) or joint (one earner). Implies --after-tax.",
    ),
]
TaxYearOption = Annotated[
    int | None,
    typer.Option(
        "--tax-year",
        metavar="YEAR",
        help="Tax tables of this year (default: latest shipped). Implies --after-tax.",
    ),
]
AfterTaxOption = Annotated[
    bool, typer.Option("--after-tax", help="Add the taxes and pay after tax of each year.")
]
ExerciseOption = Annotated[
    str | None,
    typer.Option(
        "--exercise",
        help="When options are exercised, for tax: at-liquidity (exercise and sell in one go "
        "when they can be sold; the default), at-vest (each vest as it vests), early (the whole "
        "grant at grant with an 83(b) election, where allowed). Implies --after-tax.",
    ),
]
FmvOption = Annotated[
    Decimal | None,
    typer.Option(
        "--fmv-at-exercise",
        help="The 409A value per share at an exercise before a sale (default: each grant's "
        "fmv). Implies --after-tax.",
    ),
]
#: Tax lines shown only in years where there is some (AMT, net investment income tax).
_WHEN_ANY = frozenset({"federal_amt", "net_investment_income_tax"})

_METRIC_LABELS = {
    "year1_total": "Year-1 total",
    "annualized_total": "Annualized (4-yr / 4)",
    "four_year_total": "Four-year total",
    "steady_state_total": "Steady state",
}


@offer_app.command("show")
def show(
    file: Annotated[Path, typer.Argument(help="An offer file (.toml or .json).")],
    years: YearsOption = 4,
    events: Annotated[bool, typer.Option("--events", help="List every dated event.")] = False,
    as_json: JsonOption = False,
    after: AfterTaxOption = False,
    residence: ResidenceOption = None,
    filing: FilingOption = None,
    tax_year: TaxYearOption = None,
    rates: RatesOption = None,
    rate: RateOption = None,
    exercise: ExerciseOption = None,
    fmv_at_exercise: FmvOption = None,
) -> None:
    """Show an offer's pay by year and its headline totals (optionally after tax)."""
    strategy = _strategy(exercise)
    if fmv_at_exercise is not None and not (
        fmv_at_exercise.is_finite() and 0 <= fmv_at_exercise <= MAX_AMOUNT
    ):
        raise InputError(
            f"--fmv-at-exercise {fmv_at_exercise} is not a price; expected a number >= 0",
            option="--fmv-at-exercise",
        )
    taxing = _after_tax_asked(after, residence, filing, tax_year, exercise, fmv_at_exercise)
    if (rates is not None or rate) and not taxing:
        raise InputError(
            "--rates and --rate convert the offer for taxes where another currency is paid; "
            "give them with --after-tax or --residence",
            option="--rates" if rates is not None else "--rate",
        )
    offers, warnings = load_checked([file])
    evaluation = evaluate(offers[0], years)
    taxed: AfterTax | None = None
    if taxing:
        # The tax tables load only when the taxes are asked for.
        from offerlab.scenarios.aftertax import after_tax
        from offerlab.scenarios.currency import RatesTable

        table = load_table(rates, rate) if rates is not None or rate else RatesTable.bundled()
        taxed = after_tax(
            evaluation, residence, _filing(filing), tax_year, table, strategy, fmv_at_exercise
        )
    if as_json:
        data = evaluation.as_json() if taxed is None else taxed.as_json()
        if events:
            cents = allocate_cents(e.amount.amount for e in evaluation.events)
            data["events"] = [
                {
                    "month": e.month,
                    "year": e.year,
                    "date": e.date.isoformat() if e.date else None,
                    "component": e.component.value,
                    "label": e.label,
                    "amount": float(amount),
                }
                for e, amount in zip(evaluation.events, cents, strict=True)
            ]
        data["warnings"] = warnings
        print_json(data)
        return
    _print_show(evaluation)
    if taxed is not None:
        _print_after_tax(taxed)
    if events:
        _print_events(evaluation)


def _after_tax_asked(after: bool, *implying: object) -> bool:
    """Whether the taxes are asked for: --after-tax, or an option that only means something
    for them (--residence, --filing, --tax-year, --exercise, --fmv-at-exercise), which
    implies it."""
    return after or any(value is not None for value in implying)


def _strategy(text: str | None) -> ExerciseStrategy:
    if text is None:
        return "at-liquidity"
    from offerlab.scenarios.equity_tax import EXERCISE_STRATEGIES

    for strategy in EXERCISE_STRATEGIES:
        if text == strategy:
            return strategy
    raise InputError(
        f"--exercise {text!r} is not an exercise strategy; expected one of "
        f"{', '.join(EXERCISE_STRATEGIES)}",
        option="--exercise",
    )


def _filing(text: str | None) -> Filing:
    if text is None or text == "single":
        return "single"
    if text == "joint":
        return "joint"
    raise InputError(f"--filing {text!r} is not a filing status; expected single or joint")


def _print_after_tax(taxed: AfterTax) -> None:
    evaluation = taxed.evaluation
    shown = taxed.shown()
    years = [t.year for t in evaluation.years]
    unsold = evaluation.has_unsold_equity
    rows: list[tuple[str, list[str]]] = [
        (
            "gross (paper)" if unsold else "gross",
            [_cents(evaluation.shown()[y]["total"]) for y in years],
        )
    ]
    for key, label in taxed.line_keys():
        values = [shown[y].get(key, Decimal(0)) for y in years]
        if key in _WHEN_ANY and not any(values):
            continue  # AMT and NIIT lines only where there is some
        rows.append((label, [_cents(-v) for v in values]))
    rows.append(("all taxes", [_cents(-shown[y]["tax"]) for y in years]))
    rows.append(
        (
            "after tax (paper)" if unsold else "after tax",
            [_cents(shown[y]["after_tax"]) for y in years],
        )
    )
    if unsold:
        rows.append(("cash received", [_cents(shown[y]["received"]) for y in years]))
        if evaluation.has_options:
            paid = [_cents(-shown[y]["exercise_paid"]) for y in years]
            rows.append(("exercise paid", paid))
        rows.append(("cash after tax", [_cents(shown[y]["cash_after_tax"]) for y in years]))
    title = (
        f"After tax: {taxed.residence.describe()}, {taxed.filing}, "
        f"{taxed.tax_year} tax tables ({evaluation.currency})"
    )
    if evaluation.has_options:
        title += f"; options exercised {taxed.exercise}"
    headers = [f"Year {year}" for year in years]
    bold = {"after tax", "after tax (paper)", "cash after tax"}
    section = "after tax (paper)" if unsold else "all taxes"
    console.print(amount_table(title, "", headers, rows, bold=bold, section_after=section))
    if len(years) >= 4:
        four = sum((shown[y]["after_tax"] for y in range(1, 5)), Decimal(0))
        gross = to_cents(evaluation.four_year_total.amount)
        kept = f"{four / gross:.1%}" if gross else "-"
        console.print(
            f"  Four-year total after tax: {_cents(four)} {evaluation.currency} ({kept} kept)",
            markup=False,
        )
    basis = {
        "US": "standard deduction, no pre-tax contributions",
        "GB": "personal allowance, no salary sacrifice; England, Wales and NI rates",
        "IN": "new regime with its standard deduction",
    }[taxed.residence.country]
    if unsold:
        cash = sum((shown[y]["cash_after_tax"] for y in years), Decimal(0))
        console.print(
            f"  Cash after tax, years 1-{len(years)}: {_cents(cash)} {evaluation.currency}",
            markup=False,
        )
        notes = [
            "pay is taxed as wages of one tax year under the "
            f"{taxed.tax_year} tables; {basis}; equity when and as the exercise strategy says",
            *taxed.notes,
        ]
    else:
        notes = [
            "every component (base, bonus, vests, signing, refreshers, other) is taxed as wages "
            f"of one tax year under the {taxed.tax_year} tables; {basis}"
        ]
    if taxed.rate is not None:
        notes.append(f"converted for tax at {taxed.rate.describe()}; taxes converted back")
    for line in notes:
        console.print(Padding(Text(line), (0, 0, 0, 2)))


def _print_show(evaluation: OfferEvaluation) -> None:
    offer = evaluation.offer
    title = f"{evaluation.name}  ({offer.location}, {evaluation.currency})"
    shown = evaluation.shown()
    years = [totals.year for totals in evaluation.years]
    rows: list[tuple[str, list[str]]] = []
    for component in COMPONENTS:
        values = [shown[year][component.value] for year in years]
        if any(values):
            rows.append((component.value, [_cents(v) for v in values]))
    unsold = evaluation.has_unsold_equity
    total_label = "total (paper)" if unsold else "total"
    rows.append((total_label, [_cents(shown[year]["total"]) for year in years]))
    if unsold:
        # Paper value and money side by side: equity counts as cash only when sold.
        rows.append(("equity sold", [_cents(shown[year]["sold"]) for year in years]))
        rows.append(("cash received", [_cents(shown[year]["cash"]) for year in years]))
        if evaluation.has_options:
            costs = [_cents(shown[year]["exercise_cost"]) for year in years]
            rows.append(("exercise cost of the vests", costs))
    headers = [f"Year {year}" for year in years]
    bold = {total_label, "cash received"}
    section = total_label if unsold else None
    console.print(amount_table(title, "Component", headers, rows, bold=bold, section_after=section))

    metrics = Table(show_header=False, box=None, padding=(0, 2))
    metrics.add_column()
    metrics.add_column(justify="right")
    steady = evaluation.steady_state_year
    for name in HEADLINE_METRICS:
        label = _METRIC_LABELS[name]
        if name == "steady_state_total":
            label += f" (year {steady}{', past the table' if steady > evaluation.horizon else ''})"
            value = f"{_cents(shown[steady]['total'])} {evaluation.currency}"
        elif name == "year1_total":
            value = f"{_cents(shown[1]['total'])} {evaluation.currency}"
        else:
            value = fmt_money(getattr(evaluation, name), currency=True)
        metrics.add_row(label, value)
    if unsold:
        cash = sum((shown[y]["cash"] for y in years), Decimal(0))
        metrics.add_row(
            f"Cash received, years 1-{len(years)}", f"{_cents(cash)} {evaluation.currency}"
        )
    console.print(metrics)
    for line in _notes(evaluation):
        # Indented, and wrapped lines keep the indent.
        console.print(Padding(Text(line), (0, 0, 0, 2)))


def _cents(value: Decimal) -> str:
    return f"{value:,.2f}"


def _notes(evaluation: OfferEvaluation) -> list[str]:
    """Plain-language notes: schedules used, clawback exposure, bonus assumptions."""
    offer = evaluation.offer
    notes: list[str] = []
    for index, grant in enumerate(offer.equity):
        schedule = offer.schedule_for(grant)
        label = grant.name or f"grant {index + 1}"
        price = (
            f", vests valued at {grant.current_price} a share"
            if grant.current_price is not None
            else ""
        )
        what = _option_words(offer, grant) if grant.is_option else ""
        sale = evaluation.plans[index].liquidity  # the initial grants' plans come first
        sold = "" if sale.is_public else f"; {sale.label}"
        notes.append(
            f"{label}: {what}{fmt_money(offer.money(grant.grant_value), currency=True)} on the "
            f"'{schedule.name}' schedule ({schedule.description or 'custom'}){price}{sold}"
        )
    refresher_schedule = offer.refresher_schedule()
    if offer.refreshers is not None and refresher_schedule is not None:
        later = next((p.liquidity for p in evaluation.plans if p.grant is None), None)
        sold = f"; {later.label}" if later is not None and not later.is_public else ""
        notes.append(
            f"refreshers: granted yearly from year {offer.refreshers.first_year} on the "
            f"'{refresher_schedule.name}' schedule{sold}"
        )
    notes.extend(f"check {flag.key}: {flag.message}" for flag in equity_flags(offer))
    if offer.bonus_target_pct:
        notes.append(
            f"bonus: {offer.bonus_target_pct}% of base x {offer.bonus_multiplier} payout, "
            f"first year {offer.bonus_first_year}"
        )
    signing = offer.signing
    if signing is not None and signing.clawback_months:
        owed_now = clawback_owed(offer, 0)
        half = signing.clawback_months // 2
        notes.append(
            f"signing clawback ({signing.clawback}, {signing.clawback_months} months): leaving at "
            f"once repays {fmt_money(owed_now, currency=True)}; after {half} months, "
            f"{fmt_money(clawback_owed(offer, half), currency=True)}"
        )
    return notes


def _option_words(offer: Offer, grant: EquityGrant) -> str:
    """An option grant in the words recruiters use: ``40,000 ISOs at strike 2.00 (409A 5.00;
    exercising all costs 80,000.00 USD; expire after 10 years, 90 days to exercise after
    leaving), at 10.00 a share: ``."""
    assert grant.shares is not None
    kind = "ISOs" if grant.option_type == "iso" else "NSOs"
    early = ", early exercise allowed" if grant.early_exercise else ""
    return (
        f"{grant.shares:,f} {kind} at strike {grant.strike:f} (409A {grant.option_fmv:f}; "
        f"exercising all costs {fmt_money(offer.money(grant.exercise_total), currency=True)}; "
        f"expire after {grant.expiry_years} years, {grant.exercise_window_days} days to "
        f"exercise after leaving{early}), at {grant.value_price:f} a share: "
    )


def _print_events(evaluation: OfferEvaluation) -> None:
    table = Table(title="Events", title_justify="left")
    for column in ("Month", "Date", "Year", "Component", "What"):
        table.add_column(column)
    table.add_column("Amount", justify="right")
    cents = allocate_cents(e.amount.amount for e in evaluation.events)
    for event, amount in zip(evaluation.events, cents, strict=True):
        table.add_row(
            str(event.month),
            event.date.isoformat() if event.date else "",
            str(event.year),
            event.component.value,
            event.label,
            _cents(amount),
        )
    console.print(table)


@offer_app.command("compare")
def compare_offers(
    files: Annotated[
        list[Path], typer.Argument(help="Two or more offer files; deltas vs the first.")
    ],
    years: YearsOption = 4,
    as_json: JsonOption = False,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            metavar="CODE",
            help="Restate every offer in this currency with dated rates (e.g. USD).",
        ),
    ] = None,
    rates: RatesOption = None,
    rate: RateOption = None,
    adjust: Annotated[
        str | None,
        typer.Option(
            "--adjust-location",
            metavar="premiums|FILE",
            help="Opt-in: also show figures adjusted for place: 'premiums' (the seed guides' "
            "geographic premiums) or a cost-of-living index file.",
        ),
    ] = None,
    after: AfterTaxOption = False,
    residence: ResidenceOption = None,
    filing: FilingOption = None,
    tax_year: TaxYearOption = None,
) -> None:
    """Compare offers side by side, with deltas against the first one."""
    from offerlab.scenarios.aftertax import after_tax
    from offerlab.scenarios.currency import RatesTable
    from offerlab.scenarios.places import load_adjustments, mixed_adjustment_warning

    if len(files) < 2:
        raise InputError("compare needs at least two offer files")
    taxing = _after_tax_asked(after, residence, filing, tax_year)
    if (rates is not None or rate) and currency is None and not taxing:
        raise InputError(
            "--rates and --rate restate offers with --currency, or convert them for "
            "--after-tax; give one of those",
            option="--rates" if rates is not None else "--rate",
        )
    offers, warnings = load_checked(files)
    table_given = load_table(rates, rate) if currency is not None else None
    compared = offer_service.compare_offers(
        offers, years, [str(f) for f in files], currency=currency, rates=table_given
    )
    comparison, restated = compared.comparison, list(compared.rates)
    taxed: list[AfterTax] = []
    if taxing:
        rates_table = load_table(rates, rate) if rates is not None or rate else RatesTable.bundled()
        status = _filing(filing)
        taxed = [
            after_tax(e, residence, status, tax_year, rates_table) for e in comparison.evaluations
        ]
    table = load_adjustments(adjust) if adjust is not None else None
    adjustments = (
        [table.for_location(e.offer.location) for e in comparison.evaluations] if table else []
    )
    headers = _headers(files, comparison)
    if as_json:
        data = comparison.as_json()
        if taxed:
            data["offers"] = [t.as_json() for t in taxed]
        if restated:
            data["exchange_rates"] = [r.as_json() for r in restated]
        if table is not None:
            data["location_adjusted"] = {
                "source": table.source,
                "warning": mixed_adjustment_warning(headers, adjustments),
                "offers": [
                    {
                        "name": e.name,
                        **a.as_json(),
                        **{
                            name: _json_cents_or_none(a.apply(getattr(e, name).amount))
                            for name in HEADLINE_METRICS[:-1]
                        },
                    }
                    for e, a in zip(comparison.evaluations, adjustments, strict=True)
                ],
            }
        data["warnings"] = warnings
        print_json(data)
        return
    _print_comparison(comparison, years, headers)
    for converted in restated:
        console.print(f"  restated at {converted.describe()}", markup=False)
    if taxed:
        _print_compare_after_tax(taxed, headers)
    if table is not None:
        rows = [
            (
                _METRIC_LABELS[name],
                [
                    _cents_or_not_adjusted(a.apply(getattr(e, name).amount))
                    for e, a in zip(comparison.evaluations, adjustments, strict=True)
                ],
            )
            for name in HEADLINE_METRICS[:-1]
        ]
        rows.append(
            ("factor", [f"{a.factor:.4f}" if a.factor is not None else "none" for a in adjustments])
        )
        title = f"Location-adjusted (opt-in, {table.name}; {comparison.baseline.currency})"
        console.print(amount_table(title, "", headers, rows))
        for header, a in zip(headers, adjustments, strict=True):
            console.print(Padding(Text(f"{header}: {a.basis}"), (0, 0, 0, 2)))
        warning = mixed_adjustment_warning(headers, adjustments)
        if warning is not None:
            console.print(Padding(Text(warning[:1].upper() + warning[1:] + "."), (0, 0, 0, 2)))
        console.print(Padding(Text(f"source: {table.source}"), (0, 0, 0, 2)))


def _print_compare_after_tax(taxed: list[AfterTax], headers: list[str]) -> None:
    """Pay after tax side by side (each offer taxed where it says), and against the first."""
    shown = [t.shown() for t in taxed]
    years = [y.year for y in taxed[0].years]
    labels = [f"Year {y}" for y in years]
    columns = [[s[y]["after_tax"] for y in years] for s in shown]
    if len(years) >= 4:
        labels.append("Four-year after tax")
        for column in columns:
            column.append(sum(column[:4], Decimal(0)))
        labels.append("Four-year vs first")
        for column, first in zip(columns, [columns[0]] * len(columns), strict=True):
            column.append(column[len(years)] - first[len(years)])
    rows = [(label, [_cents(c[i]) for c in columns]) for i, label in enumerate(labels)]
    title = f"After tax ({taxed[0].evaluation.currency})"
    console.print(amount_table(title, "", headers, rows, bold={"Four-year after tax"}))
    for header, item in zip(headers, taxed, strict=True):
        note = f"{header}: {item.residence.describe()}, {item.filing}, {item.tax_year} tables"
        if item.rate is not None:
            note += f"; at {item.rate.describe()}"
        console.print(Padding(Text(note), (0, 0, 0, 2)))


def _headers(files: list[Path], comparison: Comparison) -> list[str]:
    """Offer names as column headers; the file name tells apart offers of the same name."""
    names = [e.name for e in comparison.evaluations]
    return [
        f"{name} ({path.name})" if names.count(name) > 1 else name
        for name, path in zip(names, files, strict=True)
    ]


def _json_cents(value: Decimal) -> float:
    return float(to_cents(value))


def _json_cents_or_none(value: Decimal | None) -> float | None:
    return None if value is None else _json_cents(value)


def _cents_or_not_adjusted(value: Decimal | None) -> str:
    return "not adjusted" if value is None else _cents(to_cents(value))


def _signed(value: Decimal) -> str:
    text = _cents(value)
    return text if text.startswith("-") else f"+{text}"


def _print_comparison(comparison: Comparison, years: int, headers: list[str]) -> None:
    """Two narrow tables rather than one wide one: the figures, then the deltas."""
    baseline = comparison.evaluations[0]
    steady_years = {e.steady_state_year for e in comparison.evaluations}
    steady_label = _METRIC_LABELS["steady_state_total"]
    steady_label += f" (year {steady_years.pop()})" if len(steady_years) == 1 else " (see notes)"
    labels = [f"Year {year}" for year in range(1, years + 1)]
    labels += [_METRIC_LABELS[name] for name in HEADLINE_METRICS[:-1]] + [steady_label]

    def figures(evaluation: OfferEvaluation) -> list[Decimal]:
        shown = evaluation.shown()
        return (
            [shown[y]["total"] for y in range(1, years + 1)]
            + [shown[1]["total"]]
            + [to_cents(evaluation.annualized_total.amount)]
            + [to_cents(evaluation.four_year_total.amount)]
            + [shown[evaluation.steady_state_year]["total"]]
        )

    columns = [figures(e) for e in comparison.evaluations]
    rows = [(label, [_cents(c[i]) for c in columns]) for i, label in enumerate(labels)]
    bold = set(labels[years:])
    title = f"Offers compared ({baseline.currency})"
    console.print(
        amount_table(title, "", headers, rows, bold=bold, section_after=labels[years - 1])
    )

    deltas = [[value - base for value, base in zip(c, columns[0], strict=True)] for c in columns]
    rows = [(label, [_signed(c[i]) for c in deltas[1:]]) for i, label in enumerate(labels)]
    title = f"Differences against {headers[0]}"
    console.print(
        amount_table(title, "", headers[1:], rows, bold=bold, section_after=labels[years - 1])
    )
    if len({e.steady_state_year for e in comparison.evaluations}) > 1:
        for header, evaluation in zip(headers, comparison.evaluations, strict=True):
            console.print(
                f"  steady state of {header}: year {evaluation.steady_state_year}", markup=False
            )


@offer_app.command("simulate")
def simulate_offers(
    files: Annotated[list[Path], typer.Argument(help="One or more offer files.")],
    paths: Annotated[
        int | None, typer.Option("--paths", help="Monte Carlo price paths (default 10,000).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (same seed, same numbers).")
    ] = None,
    drift: Annotated[
        float | None,
        typer.Option(
            "--drift",
            metavar="PCT",
            help="Expected (mean) annual growth of the price, % (default 0).",
        ),
    ] = None,
    volatility: Annotated[
        float | None,
        typer.Option(
            "--volatility", metavar="PCT", help="Annual volatility of the price, % (default 30)."
        ),
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices",
            help="Daily price CSV (Date, Adj Close or Close) to estimate "
            "drift and volatility from.",
        ),
    ] = None,
    growth: Annotated[
        float | None,
        typer.Option(
            "--growth",
            metavar="PCT",
            help="Deterministic: the price grows this % a year (no paths).",
        ),
    ] = None,
    correlation: Annotated[
        float,
        typer.Option(
            "--correlation",
            metavar="RHO",
            help="Correlation of different companies' stock returns, 0-1 (default 0: "
            "independent). Offers at one company always share a path.",
        ),
    ] = 0.0,
    years: YearsOption = 4,
    html_path: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML report with a fan chart.")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", metavar="CODE", help="Restate every offer in this currency."),
    ] = None,
    rates: RatesOption = None,
    rate: RateOption = None,
    as_json: JsonOption = False,
    exit_by_year: Annotated[
        str | None,
        typer.Option(
            "--exit-by-year",
            help="Private companies: the chance of an exit (IPO or acquisition) in each offer "
            "year, %, comma-separated (e.g. 5,10,15,15); the rest is no exit. Default: the "
            "exits the offer files give.",
        ),
    ] = None,
    exit_outcomes: Annotated[
        str | None,
        typer.Option(
            "--exit-outcomes",
            help="Private companies: the value per share at the exit as a table of "
            "MULTIPLE:PERCENT of the price assumed (e.g. 0:40,1:30,3:20,10:10). Default: "
            "lognormal, from the value path.",
        ),
    ] = None,
    dilution: Annotated[
        float,
        typer.Option("--dilution", help="Private companies: dilution per funding round, %."),
    ] = 0.0,
    round_every: Annotated[
        int,
        typer.Option("--round-every", help="Private companies: months between funding rounds."),
    ] = 24,
    private_drift: Annotated[
        float | None,
        typer.Option(
            "--private-drift",
            help="Private companies: expected annual growth of the value per share, % "
            "(default: --drift, else 0).",
        ),
    ] = None,
    private_volatility: Annotated[
        float,
        typer.Option(
            "--private-volatility",
            help="Private companies: annual volatility of the value per share, % (default 60).",
        ),
    ] = 60.0,
) -> None:
    """Scenarios: percentiles of each year's pay, P(first beats), break-even. Offers with
    options or equity that cannot be sold as it vests get the private-company model: the cash
    the equity turns into, the chance it is worth nothing, and the break-even price per share."""
    # NumPy and Plotly load only for this command, not for every start of the CLI.
    from offerlab.scenarios.private import PrivateScenario, has_private_equity, simulate_cash
    from offerlab.scenarios.report import simulation_html
    from offerlab.scenarios.service import (
        DEFAULT_PATHS,
        fresh_seed,
        price_model,
        simulate_stock,
    )

    if (rates is not None or rate) and currency is None:
        raise InputError(
            "--rates and --rate restate offers with --currency; give --currency CODE",
            option="--rates" if rates is not None else "--rate",
        )
    if paths is not None and paths <= 0:
        raise InputError(f"--paths must be at least 1 (got {paths})")
    if prices is not None and (drift is not None or volatility is not None):
        raise InputError("give --prices or --drift/--volatility, not both")
    offers, warnings = load_checked(files)
    restated: list[Rate] = []
    if currency is not None:
        offers, restated = restate(offers, currency, load_table(rates, rate))
    one_currency(offers, [str(f) for f in files], "simulated together")
    evaluations = [evaluate(offer, years) for offer in offers]
    private_options = (
        exit_by_year is not None or exit_outcomes is not None or dilution or private_drift
    )
    cash_model = bool(private_options) or any(has_private_equity(e) for e in evaluations)
    if growth is not None:
        if cash_model:
            raise InputError(
                "--growth values every vest in proportion to the price, which options and "
                "equity that cannot be sold are not; use --volatility 0 (and --private-"
                "volatility 0) for one deterministic path",
                option="--growth",
            )
        # One deterministic path: the options of the Monte Carlo would be silently ignored.
        given = {
            "--prices": prices is not None,
            "--drift": drift is not None,
            "--volatility": volatility is not None,
            "--paths": paths is not None,
            "--seed": seed is not None,
            "--correlation": correlation != 0,
            "--html": html_path is not None,
        }
        ignored = [name for name, present in given.items() if present]
        if ignored:
            raise InputError(
                f"--growth is deterministic (one path): give it without {', '.join(ignored)} "
                "(they set up the Monte Carlo simulation)",
                option="--growth",
            )
        _print_growth(evaluations, growth, as_json, warnings)
        return
    paths = DEFAULT_PATHS if paths is None else paths
    priced = price_model(drift, volatility, correlation, prices)
    mu, sigma, model = priced.drift, priced.volatility, priced.text
    used_seed = seed if seed is not None else fresh_seed()
    if cash_model:
        if html_path is not None:
            raise InputError(
                "--html draws the public stock model; the private-company model has no report "
                "page yet (use --json)",
                option="--html",
            )
        scenario = PrivateScenario(
            drift=(private_drift if private_drift is not None else (drift or 0.0)) / 100,
            volatility=private_volatility / 100,
            exit_by_year=_percents(exit_by_year) if exit_by_year is not None else None,
            outcomes=_outcomes(exit_outcomes) if exit_outcomes is not None else None,
            dilution=dilution / 100,
            round_every_months=round_every,
        )
        cash = simulate_cash(
            evaluations,
            paths,
            scenario,
            drift=mu,
            volatility=sigma,
            correlation=correlation,
            seed=used_seed,
        )
        if as_json:
            _print_json_restated(cash.as_json(), restated, warnings)
            return
        _print_cash_simulation(cash, restated)
        return
    result = simulate_stock(evaluations, paths, priced, used_seed)
    if html_path is not None:
        write_file(html_path, simulation_html(result, model), "--html")
    if as_json:
        _print_json_restated(result.as_json(), restated, warnings)
        return
    _print_simulation(result, model, restated, html_path)


def _print_json_restated(
    data: dict[str, object], restated: list[Rate], warnings: list[dict[str, Any]]
) -> None:
    """``data`` as JSON, with the exchange rates used to restate the offers, if any, and the
    offer files' plausibility warnings."""
    if restated:
        data["exchange_rates"] = [r.as_json() for r in restated]
    data["warnings"] = warnings
    print_json(data)


def _percents(text: str) -> tuple[float, ...]:
    """``5,10,15`` (percents) as fractions."""
    try:
        values = tuple(float(part) / 100 for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError(
            f"--exit-by-year {text!r} is not a list of percents; expected e.g. 5,10,15,15",
            option="--exit-by-year",
        ) from None
    if not values:
        raise InputError("--exit-by-year needs at least one percent", option="--exit-by-year")
    return values


def _outcomes(text: str) -> tuple[tuple[float, float], ...]:
    """``0:40,1:30,5:30`` (multiple:percent) as (multiple, probability) pairs."""
    rows: list[tuple[float, float]] = []
    for part in (p.strip() for p in text.split(",")):
        multiple, colon, percent = part.rstrip("x").partition(":")
        try:
            if not colon:
                raise ValueError(part)
            rows.append((float(multiple.rstrip("x")), float(percent) / 100))
        except ValueError:
            raise InputError(
                f"--exit-outcomes: {part!r} is not MULTIPLE:PERCENT; expected e.g. "
                "0:40,1:30,3:20,10:10",
                option="--exit-outcomes",
            ) from None
    return tuple(rows)


def _print_cash_simulation(result: CashSimulation, restated: list[Rate]) -> None:
    paths = f"{result.paths:,} path" + ("" if result.paths == 1 else "s")
    console.print(f"{result.describe()}; {paths}, seed {result.seed}", markup=False)
    span = f"years 1-{result.horizon}"
    for dist in result.offers:
        labels = [f"Year {y + 1}" for y in range(dist.years.shape[1])]
        columns = [dist.years[:, y] for y in range(dist.years.shape[1])]
        labels += [f"Cash, {span}", f"Equity cash, {span}"]
        columns += [dist.total, dist.equity]
        rows = []
        for label, values in zip(labels, columns, strict=True):
            s = dist.summary(values)
            rows.append(
                (label, [f"{s[k]:,.0f}" for k in ("p5", "p25", "p50", "p75", "p95", "mean")])
            )
        kind = "private-company model" if dist.private else "public stock"
        title = f"{dist.name}: cash received ({dist.currency}; {kind})"
        headers = ["p5", "p25", "median", "p75", "p95", "mean"]
        console.print(
            amount_table(title, "", headers, rows, bold={labels[-2]}, section_after=labels[-3])
        )
        if dist.paper_equity:
            console.print(
                f"  equity on paper over {span}: {dist.paper_equity:,.0f}; turned into cash: "
                f"{dist.summary(dist.equity)['mean']:,.0f} expected; "
                f"P(no cash at all from it) = {dist.p_worth_nothing:.1%}",
                markup=False,
            )
    means = ", ".join(f"{d.name} {d.summary(d.total)['mean']:,.0f}" for d in result.offers)
    console.print(f"  expected cash over {span}: {means}", markup=False)
    first = result.offers[0].name
    for other, p in zip(result.offers[1:], result.p_first_beats, strict=True):
        console.print(f"  P({first} brings more cash than {other.name}) = {p:.1%}", markup=False)
    for even in result.break_evens:
        console.print(f"  break-even: {even.note}", markup=False)
    for converted in restated:
        console.print(f"  restated at {converted.describe()}", markup=False)


def _print_growth(
    evaluations: list[OfferEvaluation],
    growth: float,
    as_json: bool,
    warnings: list[dict[str, Any]],
) -> None:
    from offerlab.scenarios.simulate import break_even, deterministic_totals, exposure

    totals = [deterministic_totals(e, growth) for e in evaluations]
    exposures = [exposure(e) for e in evaluations]
    evens = [break_even(exposures[0], other) for other in exposures[1:]]
    if as_json:
        print_json(
            {
                "growth": growth / 100,
                "offers": [
                    {
                        "name": e.name,
                        "currency": e.currency,
                        "years": [{"year": i + 1, "total": round(t, 2)} for i, t in enumerate(row)],
                        "four_year_total": round(sum(row[:4]), 2),
                    }
                    for e, row in zip(evaluations, totals, strict=True)
                ],
                "break_even": [b.as_json() for b in evens],
                "warnings": warnings,
            }
        )
        return
    headers = [e.name for e in evaluations]
    horizon = evaluations[0].horizon
    rows = [(f"Year {y + 1}", [f"{row[y]:,.2f}" for row in totals]) for y in range(horizon)]
    rows.append(("Four-year total", [f"{sum(row[:4]):,.2f}" for row in totals]))
    title = f"Stock price growing {growth:g}% a year ({evaluations[0].currency})"
    console.print(amount_table(title, "", headers, rows, bold={"Four-year total"}))
    for b in evens:
        console.print(f"  break-even against {b.other}: {b.note}", markup=False)


def _print_simulation(
    result: Simulation, model: str, restated: list[Rate], html_path: Path | None
) -> None:
    paths = f"{result.paths:,} path" + ("" if result.paths == 1 else "s")
    console.print(f"{model}; {paths}, seed {result.seed}", markup=False)
    for dist in result.offers:
        labels = [f"Year {y + 1}" for y in range(dist.exposure.years)] + ["Four-year total"]
        rows = []
        columns = [dist.years[:, y] for y in range(dist.exposure.years)] + [dist.four_year]
        for label, values in zip(labels, columns, strict=True):
            s = dist.summary(values)
            rows.append(
                (label, [fmt_whole(s[k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean")])
            )
        title = f"{dist.exposure.name} ({dist.exposure.currency})"
        headers = ["p5", "p25", "median", "p75", "p95", "mean"]
        console.print(
            amount_table(
                title, "", headers, rows, bold={"Four-year total"}, section_after=labels[-2]
            )
        )
    first = result.offers[0].exposure.name
    for other, p in zip(result.offers[1:], result.p_first_beats, strict=True):
        console.print(
            f"  P({first} beats {other.exposure.name} over four years) = {p:.1%}", markup=False
        )
    for b in result.break_evens():
        console.print(f"  break-even against {b.other}: {b.note}", markup=False)
    for converted in restated:
        console.print(f"  restated at {converted.describe()}", markup=False)
    if html_path is not None:
        console.print(f"  report written to {html_path}", markup=False)


@offer_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the offer file format."""
    print_json(offer_json_schema())


@offer_app.command("schedules")
def schedules(as_json: JsonOption = False) -> None:
    """List the bundled vesting presets and the share vesting in each year."""
    rows = []
    for name in preset_names():
        schedule = preset(name)
        by_year = schedule.fraction_by_year()
        rows.append(
            {
                "name": name,
                "description": schedule.description,
                "vests": len(schedule.events),
                "first_vest_month": schedule.events[0].month,
                "percent_by_year": [_pct(by_year[y]) for y in sorted(by_year)],
            }
        )
    if as_json:
        print_json({"schedules": rows})
        return
    table = Table(title="Vesting presets", title_justify="left")
    for column in ("Name", "By year (%)", "Vests", "First vest", "Description"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["name"]),
            " / ".join(str(p) for p in row["percent_by_year"]),  # type: ignore[attr-defined]
            str(row["vests"]),
            f"month {row['first_vest_month']}",
            str(row["description"]),
        )
    console.print(table)


def _pct(value: Fraction) -> float:
    return round(float(value * 100), 4)
