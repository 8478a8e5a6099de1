"""``offerlab negotiate``: from an offer and the market to target and stretch counter-offers."""

from __future__ import annotations

import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from offerlab.cli.common import amount_table, between, console, print_json, write_file
from offerlab.cli.db import DbOption, resolve_db
from offerlab.cli.offer_files import load_checked
from offerlab.errors import InputError
from offerlab.negotiate import (
    Lever,
    NegotiationPlan,
    load_profile,
    plan_html,
    plan_json,
    plan_markdown,
    plan_negotiation,
    render_email,
    render_script,
)
from offerlab.negotiate.report import PACKAGES
from offerlab.offers import Offer
from offerlab.scenarios.currency import convert_offer, load_table

__all__ = ["negotiate"]


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


def negotiate(
    ctx: typer.Context,
    offer_file: Annotated[Path, typer.Argument(help="The offer to negotiate (.toml or .json).")],
    competing: Annotated[
        list[Path] | None,
        typer.Option("--competing", help="A competing offer file (repeat for more)."),
    ] = None,
    profile_file: Annotated[
        Path | None, typer.Option("--profile", help="Your profile (TOML): experience, ...")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (a stable contract).")
    ] = False,
    fmt: Annotated[
        ReportFormat | None, typer.Option("--format", help="Write a Markdown or HTML report.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report or JSON to this file.")
    ] = None,
    rates_file: Annotated[
        Path | None,
        typer.Option(
            "--rates", help="Exchange rates file for competing offers in another currency."
        ),
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option("--rate", metavar="FROM:TO=VALUE", help="An exchange rate (repeatable)."),
    ] = None,
    growth: Annotated[
        float | None,
        typer.Option(
            "--growth",
            metavar="PCT",
            callback=between(-50, 100, "--growth"),
            help="Yearly comp growth (percent) to restate older market data; default: measured.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Plan a negotiation: benchmark, levers with asks and scripts, three packages."""
    if as_json and fmt is not None:
        raise InputError("give --json or --format, not both")
    if out is not None and not as_json and fmt is None:
        raise InputError("--out needs --json or --format md|html")
    if fmt is ReportFormat.html and out is None and sys.stdout.isatty():
        raise InputError(
            "--format html writes a page of several MB (the chart's code is inside it): "
            "give --out PATH, or redirect the output to a file"
        )
    offers, warnings = load_checked([offer_file, *(competing or [])])
    rivals, notes = _in_currency(offers[0].currency, offers[1:], rates_file, rate)
    profile = load_profile(profile_file) if profile_file is not None else None
    growth_rate = Decimal(str(growth)) if growth is not None else None
    from offerlab.negotiate.service import open_market_view  # loads the store

    with open_market_view(resolve_db(ctx, db), growth_rate) as market:
        plan = plan_negotiation(offers[0], market, competing=rivals, profile=profile, notes=notes)
    text: str | None = None
    if as_json:
        document = {**plan_json(plan), "warnings": warnings}
        if out is None:
            print_json(document)
            return
        import json

        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif fmt is ReportFormat.md:
        text = plan_markdown(plan)
    elif fmt is ReportFormat.html:
        text = plan_html(plan)
    if text is None:
        _print_plan(plan)
        return
    if out is None:
        typer.echo(text, nl=False)
        return
    write_file(out, text, "--out")
    console.print(f"wrote {out}", markup=False)


def _in_currency(
    currency: str, rivals: list[Offer], rates_file: Path | None, flags: list[str] | None
) -> tuple[list[Offer], list[str]]:
    """Competing offers restated in the offer's currency with a dated rate, and a note for
    each conversion (the shipped rates table, a --rates file, or --rate flags)."""
    if all(rival.currency == currency for rival in rivals):
        return list(rivals), []
    table = load_table(rates_file, flags)
    out: list[Offer] = []
    notes: list[str] = []
    for rival in rivals:
        if rival.currency == currency:
            out.append(rival)
            continue
        rate = table.rate(rival.currency, currency)
        out.append(convert_offer(rival, rate))
        notes.append(f"{rival.display_name} is restated in {currency} at {rate.describe()}.")
    return out, notes


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _print_plan(plan: NegotiationPlan) -> None:
    data = plan_json(plan)
    benchmark = data["benchmark"]
    console.print(f"[bold]Negotiation plan: {plan.offer.display_name}[/bold]", highlight=False)
    console.print(f"as of {data['as_of']}, amounts in {data['currency']} a year", style="dim")

    if benchmark["band"] is not None:
        band = benchmark["band"]
        query = plan.benchmark.query
        title = (
            f"Market band: {query.describe() if query else ''}, n = {band['n']} ({band['basis']})"
        )
        rows: list[tuple[str, list[str]]] = []
        for key, label in (("base", "base"), ("stock", "equity"), ("total", "total")):
            part = band[key]
            if part is None:
                continue
            pct = benchmark["percentiles"][label]
            rows.append(
                (
                    label,
                    [_money(part[p]) for p in ("p10", "p25", "p50", "p75", "p90")]
                    + [_money(benchmark["offer"][key]), "-" if pct is None else f"p{pct:.0f}"],
                )
            )
        headers = ["p10", "p25", "p50", "p75", "p90", "offer", "offer at"]
        console.print(amount_table(title, "", headers, rows))
        console.print(Padding(Text(f"Band: {benchmark['why']}."), (0, 0, 0, 2)))
    else:
        console.print(Padding(Text(f"No market band: {benchmark['why']}."), (0, 0, 0, 2)))

    if data["competing"]:
        table = Table(title="Competing offers", title_justify="left")
        for column in ("offer", "level (mapped)", "Year 1", "annualized", "4 years"):
            table.add_column(
                column, justify="left" if column.startswith(("offer", "level")) else "right"
            )
        for item in data["competing"]:
            mapped = f" ({item['mapped_level']})" if item["mapped_level"] else ""
            table.add_row(
                item["name"],
                f"{item['level']}{mapped}",
                _money(item["year1_total"]),
                _money(item["annualized_total"]),
                _money(item["four_year_total"]),
            )
        console.print(table)

    packages = data["packages"]
    rows = []
    for key, label in (
        ("base", "base"),
        ("equity_grants", "equity grants"),
        ("signing", "signing"),
        ("year1_total", "Year-1 total"),
        ("annualized_total", "annualized"),
        ("four_year_total", "four-year total"),
    ):
        rows.append((label, [_money(packages[name][key]) for name in PACKAGES]))
    console.print(
        amount_table(
            "Packages", "", list(PACKAGES), rows, bold={"Year-1 total"}, section_after="signing"
        )
    )

    for lever in plan.levers:
        if isinstance(lever, Lever):
            head = (
                f"{lever.lever}: {_money(float(lever.initial.amount))} -> ask "
                f"{_money(float(lever.ask.amount))}, stretch {_money(float(lever.stretch.amount))}"
            )
        else:
            head = f"level: {lever.initial} -> ask {lever.ask}, stretch {lever.stretch}"
        console.print(Text(head, style="bold"))
        console.print(Padding(Text(f"why: {lever.reason}."), (0, 0, 0, 2)))
        console.print(Padding(Text(render_script(lever, plan), style="italic"), (0, 0, 0, 2)))
    console.print(Text("Email draft", style="bold"))
    console.print(Padding(Text(render_email(plan)), (0, 0, 0, 2)))
    for note in plan.notes:
        console.print(Padding(Text(note, style="dim"), (0, 0, 0, 2)))
