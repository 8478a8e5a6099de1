"""``offerlab offer``: show, compare and describe offer files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from offerlab.cli.common import amount_table, console, fmt_money, print_json
from offerlab.errors import InputError
from offerlab.money import Money
from offerlab.offers import (
    Comparison,
    OfferEvaluation,
    compare,
    evaluate,
    load_offer,
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
            data["events"] = [
                {
                    "month": e.month,
                    "year": e.year,
                    "date": e.date.isoformat() if e.date else None,
                    "component": e.component.value,
                    "label": e.label,
                    "amount": e.amount,
                }
                for e in evaluation.events
            ]
        print_json(data)
        return
    _print_show(evaluation)
    if events:
        _print_events(evaluation)


def _print_show(evaluation: OfferEvaluation) -> None:
    offer = evaluation.offer
    title = f"{evaluation.name}  ({offer.location}, {evaluation.currency})"
    rows: list[tuple[str, list[str]]] = []
    for component in COMPONENTS:
        values = [totals[component] for totals in evaluation.years]
        if any(not value.is_zero for value in values):
            rows.append((component.value, [fmt_money(v) for v in values]))
    rows.append(("total", [fmt_money(t.total) for t in evaluation.years]))
    headers = [f"Year {totals.year}" for totals in evaluation.years]
    table = amount_table(title, "Component", headers, rows)
    table.rows[-1].style = "bold"
    console.print(table)

    metrics = Table(show_header=False, box=None, padding=(0, 2))
    metrics.add_column()
    metrics.add_column(justify="right")
    for name in HEADLINE_METRICS:
        label = _METRIC_LABELS[name]
        if name == "steady_state_total":
            label += f" (year {evaluation.steady_state_year})"
        value = getattr(evaluation, name)
        metrics.add_row(label, fmt_money(value, currency=True))
    console.print(metrics)
    for line in _notes(evaluation):
        console.print(f"  {line}", markup=False)


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
    for event in evaluation.events:
        table.add_row(
            str(event.month),
            event.date.isoformat() if event.date else "",
            str(event.year),
            event.component.value,
            event.label,
            fmt_money(event.amount),
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
    comparison = compare([_evaluate_file(path, years) for path in files])
    if as_json:
        print_json(comparison.as_json())
        return
    _print_comparison(comparison, years)


def _signed(value: Money) -> str:
    text = fmt_money(value)
    return text if text.startswith("-") else f"+{text}"


def _print_comparison(comparison: Comparison, years: int) -> None:
    """Two narrow tables rather than one wide one: the figures, then the deltas."""
    baseline = comparison.baseline
    others = comparison.evaluations[1:]
    labels = [f"Year {year}" for year in range(1, years + 1)]
    labels += [_METRIC_LABELS[name] for name in HEADLINE_METRICS]

    def figures(evaluation: OfferEvaluation) -> list[Money]:
        return [evaluation.year(y).total for y in range(1, years + 1)] + [
            comparison.metric(evaluation, name) for name in HEADLINE_METRICS
        ]

    def deltas(evaluation: OfferEvaluation) -> list[Money]:
        return [comparison.year_delta(evaluation, y) for y in range(1, years + 1)] + [
            comparison.delta(evaluation, name) for name in HEADLINE_METRICS
        ]

    columns = [figures(e) for e in comparison.evaluations]
    rows = [(label, [fmt_money(c[i]) for c in columns]) for i, label in enumerate(labels)]
    headers = [e.name for e in comparison.evaluations]
    _print_metric_table(f"Offers compared ({baseline.currency})", headers, rows, years)

    delta_columns = [deltas(e) for e in others]
    rows = [(label, [_signed(c[i]) for c in delta_columns]) for i, label in enumerate(labels)]
    title = f"Differences against {baseline.name}"
    _print_metric_table(title, [e.name for e in others], rows, years)


def _print_metric_table(
    title: str, headers: list[str], rows: list[tuple[str, list[str]]], years: int
) -> None:
    table = amount_table(title, "", headers, rows)
    table.rows[years - 1].end_section = True
    for row in table.rows[years:]:
        row.style = "bold"
    console.print(table)


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
