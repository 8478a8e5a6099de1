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
from offerlab.encoding import dumps
from offerlab.errors import InputError
from offerlab.money import fmt_whole
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
from offerlab.negotiate.band import percentile_label
from offerlab.negotiate.report import PACKAGES
from offerlab.scenarios.currency import load_table

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
            "--rates",
            help="Exchange rates file for competing offers and bands in another currency.",
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
    table = load_table(rates_file, rate) if rates_file is not None or rate else None
    profile = load_profile(profile_file) if profile_file is not None else None
    growth_rate = Decimal(str(growth)) if growth is not None else None
    from offerlab.cli.compose import open_market_view  # loads the store

    with open_market_view(resolve_db(ctx, db), growth_rate) as market:
        plan = plan_negotiation(
            offers[0], market, competing=offers[1:], profile=profile, rates=table
        )
    text: str | None = None
    if as_json:
        document = {**plan_json(plan), "warnings": warnings}
        if out is None:
            print_json(document)
            return

        text = dumps(document) + "\n"
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
                    [fmt_whole(part[p]) for p in ("p10", "p25", "p50", "p75", "p90")]
                    + [fmt_whole(benchmark["offer"][key]), percentile_label(pct)],
                )
            )
        headers = ["p10", "p25", "p50", "p75", "p90", "offer", "offer at"]
        console.print(amount_table(title, "", headers, rows))
        console.print(Padding(Text(f"Band: {benchmark['why']}."), (0, 0, 0, 2)))
    else:
        console.print(Padding(Text(f"No market band: {benchmark['why']}."), (0, 0, 0, 2)))
    if benchmark.get("confidence"):
        trust = (
            f"Confidence {benchmark['confidence_why']}; the data is "
            f"{benchmark['age_years']} years old at {data['as_of']}"
        )
        if benchmark.get("restated"):
            trust += f", {benchmark['restated']}"
        if benchmark["confidence"] == "low":
            trust += ". A rough guide: above its p90 alone does not show the offer is high"
        console.print(Padding(Text(trust + "."), (0, 0, 0, 2)))
        sources = "; ".join(
            f"{s['source']} ({s['kind']}, {s['confidence']}, {s['age_years']} y)"
            for s in benchmark["sources"]
        )
        console.print(Padding(Text(f"Every source: {sources}."), (0, 0, 0, 2)))

    if data["competing"]:
        table = Table(title="Competing offers", title_justify="left")
        for column in ("offer", "level (mapped)", "Year 1", "annualized", "4 years", "against"):
            left = column.startswith(("offer", "level", "against"))
            table.add_column(column, justify="left" if left else "right")
        for item in data["competing"]:
            mapped = f" ({item['mapped_level']})" if item["mapped_level"] else ""
            standing = item["standing"] + ("" if item["like_for_like"] else " (not like-for-like)")
            restated = f" (restated from {item['restated_from']})" if item["restated_from"] else ""
            table.add_row(
                item["name"] + restated,
                f"{item['level']}{mapped}",
                fmt_whole(item["year1_total"]),
                fmt_whole(item["annualized_total"]),
                fmt_whole(item["four_year_total"]),
                standing,
            )
        console.print(table)
        leverage = data["leverage"] or (
            "none; no competing offer is stronger than this one on every measure and like-for-like"
        )
        console.print(Padding(Text(f"Leverage: {leverage}."), (0, 0, 0, 2)))

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
        rows.append((label, [fmt_whole(packages[name][key]) for name in PACKAGES]))
    console.print(
        amount_table(
            "Packages", "", list(PACKAGES), rows, bold={"Year-1 total"}, section_after="signing"
        )
    )

    for lever in plan.levers:
        if isinstance(lever, Lever):
            head = (
                f"{lever.lever}: {fmt_whole(lever.initial)} -> ask {fmt_whole(lever.ask)}, "
                f"stretch {fmt_whole(lever.stretch)}"
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
