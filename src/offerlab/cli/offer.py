"""``offerlab offer``: show, compare and describe offer files."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from offerlab.cli.common import amount_table, console, fmt_money, print_json
from offerlab.errors import InputError
from offerlab.money import allocate_cents, to_cents
from offerlab.offers import (
    Comparison,
    OfferEvaluation,
    compare,
    evaluate,
    load_offer,
    load_offers,
    offer_json_schema,
    preset,
    preset_names,
)
from offerlab.offers.compare import HEADLINE_METRICS
from offerlab.offers.engine import clawback_owed
from offerlab.offers.metrics import COMPONENTS

__all__ = ["offer_app"]

offer_app = typer.Typer(help="Model offers: cash flow by year, totals, side-by-side comparison.")

YearsOption = Annotated[
    int, typer.Option("--years", min=1, max=50, help="Offer years to show (default 4).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]

_METRIC_LABELS = {
    "year1_total": "Year-1 total",
    "annualized_total": "Annualized (4-yr / 4)",
    "four_year_total": "Four-year total",
    "steady_state_total": "Steady state",
}


def _evaluate_file(path: Path, years: int) -> OfferEvaluation:
    return evaluate(load_offer(path), years)


@offer_app.command("show")
def show(
    file: Annotated[Path, typer.Argument(help="An offer file (.toml or .json).")],
    years: YearsOption = 4,
    events: Annotated[bool, typer.Option("--events", help="List every dated event.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show an offer's pay by year and its headline totals."""
    evaluation = _evaluate_file(file, years)
    if as_json:
        data = evaluation.as_json()
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
        print_json(data)
        return
    _print_show(evaluation)
    if events:
        _print_events(evaluation)


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
    rows.append(("total", [_cents(shown[year]["total"]) for year in years]))
    headers = [f"Year {year}" for year in years]
    console.print(amount_table(title, "Component", headers, rows, bold={"total"}))

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
        notes.append(
            f"{label}: {fmt_money(offer.money(grant.grant_value), currency=True)} on the "
            f"'{schedule.name}' schedule ({schedule.description or 'custom'}){price}"
        )
    refresher_schedule = offer.refresher_schedule()
    if offer.refreshers is not None and refresher_schedule is not None:
        notes.append(
            f"refreshers: granted yearly from year {offer.refreshers.first_year} on the "
            f"'{refresher_schedule.name}' schedule"
        )
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
) -> None:
    """Compare offers side by side, with deltas against the first one."""
    if len(files) < 2:
        raise InputError("compare needs at least two offer files")
    offers = load_offers(files)
    currencies = {offer.currency for offer in offers}
    if len(currencies) > 1:
        listing = ", ".join(
            f"{path} is in {o.currency}" for path, o in zip(files, offers, strict=True)
        )
        raise InputError(
            f"offers in different currencies cannot be compared: {listing}; "
            "give them all in one currency"
        )
    comparison = compare([evaluate(offer, years) for offer in offers])
    if as_json:
        print_json(comparison.as_json())
        return
    _print_comparison(comparison, years, _headers(files, comparison))


def _headers(files: list[Path], comparison: Comparison) -> list[str]:
    """Offer names as column headers; the file name tells apart offers of the same name."""
    names = [e.name for e in comparison.evaluations]
    return [
        f"{name} ({path.name})" if names.count(name) > 1 else name
        for name, path in zip(names, files, strict=True)
    ]


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
