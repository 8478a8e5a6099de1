"""``offerlab market``: import compensation records and show pay bands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from offerlab.cli.common import (
    RateOption,
    RatesOption,
    between,
    console,
    err_console,
    print_json,
)
from offerlab.cli.db import DbOption, resolve_db
from offerlab.cli.market_reference import register as register_reference
from offerlab.dates import today
from offerlab.errors import InputError
from offerlab.market.records import FORMATS
from offerlab.money import fmt_whole
from offerlab.scenarios.currency import load_table

if TYPE_CHECKING:
    from offerlab.market.bands import Band
    from offerlab.market.evidence import MarketEvidence, Spread

__all__ = ["market_app"]

market_app = typer.Typer(help="Market data: import compensation records, pay bands by level.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


@market_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A levels.fyi export, a CSV or a JSON list.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="|".join(FORMATS),
            help=f"One of {', '.join(FORMATS)} (default: detected).",
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="COLUMN=FIELD", help="Read COLUMN as FIELD (repeatable)."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good rows; report the bad ones.")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Source name to record.")
    ] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="The data's licence.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import records from FILE: all of them or none (unless --skip-bad); twice adds nothing."""
    # The store and DuckDB load only for the commands that use them.
    from offerlab.market.importer import parse_mappings
    from offerlab.store import MarketRepository, Store

    mapping = parse_mappings(maps or [])
    with Store(resolve_db(ctx, db)) as store:
        repo = MarketRepository(store)
        with Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        ) as bar:
            task = bar.add_task("reading", total=1.0)

            def progress(stage: str, fraction: float) -> None:
                bar.update(task, description=stage, completed=fraction)

            result = repo.import_file(
                file,
                fmt=fmt,
                mapping=mapping,
                skip_bad=skip_bad,
                name=name,
                licence=licence,
                progress=progress,
            )
    if as_json:
        print_json(
            {
                "source": result.source.as_json(),
                "already_imported": result.already,
                "read": result.read,
                "added": result.added,
                "duplicates": result.duplicates,
                "skipped": result.skipped,
                "report": result.report,
            }
        )
        return
    if result.already:
        console.print(
            f"{file}: already imported as source {result.source.name!r} "
            f"(#{result.source.id}, {result.source.imported_at:%Y-%m-%d %H:%M} UTC); nothing added"
        )
        return
    what = "official estimates stored" if result.source.format == "oews" else "records added"
    console.print(
        f"{file}: {result.added:,} {what} from {result.read:,} rows "
        f"({result.source.format}; {result.duplicates:,} already in the store, "
        f"{len(result.skipped):,} bad rows skipped) as source {result.source.name!r} "
        f"(#{result.source.id})"
    )
    for key, value in result.report.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        console.print(f"  {key.replace('_', ' ')}: {shown}", markup=False)
    for problem in result.skipped:
        err_console.print(f"  skipped {problem}", markup=False)


@market_app.command("bands")
def bands_command(
    ctx: typer.Context,
    company: Annotated[
        str | None,
        typer.Option(
            "--company",
            metavar="NAME",
            help="Company, any spelling (without it: official statistics for --title only).",
        ),
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", metavar="LEVEL", help="Level (62, L62, SDE II).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TITLE", help="Title or title family.")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Specialty tag (ML / AI).")
    ] = None,
    location: Annotated[
        str | None,
        typer.Option("--location", metavar="PLACE", help="City, metro, region or country."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="YYYY-MM-DD", help="Only records from this date."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Restate amounts in this date's money."),
    ] = None,
    growth: Annotated[
        float | None,
        typer.Option("--growth", metavar="PCT", help="Yearly comp growth in % for --as-of."),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", metavar="NAME", help="Only this source (repeatable)."),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            metavar="CODE",
            help="The band in this currency: records in it as they are, else restated with the "
            "latest dated rate on or before --as-of (today without it), named in the answer.",
        ),
    ] = None,
    rates: RatesOption = None,
    rate: RateOption = None,
    min_n: Annotated[
        int,
        typer.Option(
            "--min-n",
            callback=between(1, None, "--min-n"),
            help="Fewest records a band is shown from.",
        ),
    ] = 5,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pay bands: the records band (p10-p90 of base, stock, bonus, total) and beside it every
    source's band for the same filters (records, community reports, H-1B filings, official
    statistics, the guides), each with its age and confidence, and the headline."""
    since_day = _date(since, "--since")
    as_of_day = _date(as_of, "--as-of")
    if growth is not None and as_of_day is None:
        raise InputError("--growth applies to --as-of; give --as-of DATE too")
    if company is None and (level is not None or source):
        raise InputError("--level and --source need --company (levels are per company)")
    from offerlab.cli.compose import open_market
    from offerlab.market.service import market_evidence

    with open_market(resolve_db(ctx, db)) as (records, pool):
        result = market_evidence(
            records,
            company=company,
            level=level,
            title=title,
            tag=tag,
            location=location,
            since=since_day,
            as_of=as_of_day,
            growth_pct=growth,
            sources=source or [],
            currency=currency,
            min_n=min_n,
            rates=load_table(rates, rate) if rates is not None or rate else None,
            today=today(),
            pool=pool,
        )
    if as_json:
        print_json(result.as_json())
        return
    if result.band is not None:
        _print_band(result.band)
    elif result.message and not any(b.kind == "records" for b in result.evidence.bands):
        # Said only when no company-records band answers below (an empty store's bundled band,
        # restated at its own measured rate, answers what the records band could not).
        console.print(f"company records: {result.message}", markup=False)
    _print_evidence(result.evidence)


def _spread_cells(spread: Spread | None) -> list[str]:
    from offerlab.market.evidence import PERCENTILE_KEYS

    if spread is None:
        return ["-"] * len(PERCENTILE_KEYS)
    if not spread.has_percentiles and (spread.low is not None or spread.high is not None):
        stated = f"{fmt_whole(spread.low)}-{fmt_whole(spread.high)}" if spread.high else ""
        return ["", "", f"stated {stated or fmt_whole(spread.low) + '+'}", "", ""]
    cells = []
    for key in PERCENTILE_KEYS:
        value = spread.percentile(key)
        shown = fmt_whole(value)
        cells.append(f">= {shown}" if key in spread.at_least else shown)
    return cells


def _print_evidence(answer: MarketEvidence) -> None:
    from offerlab.market.evidence import PERCENTILE_KEYS

    table = Table(title=f"Every source as of {answer.as_of.isoformat()}, yearly pay")
    for column in ("#", "source", "n", "age", "confidence", "pay"):
        table.add_column(column, overflow="fold")
    for key in PERCENTILE_KEYS:
        table.add_column(key, justify="right")
    for i, item in enumerate(answer.bands):
        age = f"{item.age_years} y"
        if item.restated is not None:
            age += f" (restated {item.restated.rate_pct}%/y)"
        lead = "*" if i == answer.headline else str(i)
        n = "-" if item.n is None else f"{item.n:,}"
        for part, spread in (("base", item.base), ("total", item.total)):
            if spread is None:
                continue
            table.add_row(
                lead,
                f"{item.source} ({item.kind})",
                n,
                age,
                item.confidence,
                f"{part}, {item.currency}",
                *_spread_cells(spread),
            )
            lead = n = age = ""
    console.print(table)
    console.print(f"headline: {answer.why}", markup=False)
    for i, item in enumerate(answer.bands):
        console.print(f"  {i}: {item.label}; confidence {item.grade.why}", markup=False)
        for note in item.notes:
            console.print(f"     {note}", markup=False)
    for note in answer.notes:
        console.print(f"note: {note}", markup=False)


def _print_band(result: Band) -> None:
    from offerlab.market.stats import COMPONENTS, PERCENTILES

    described = ", ".join(
        f"{k} {v}" for k, v in result.filters.items() if v is not None and k != "min_n"
    )
    console.print(f"[bold]{described}[/bold]: {result.n:,} records ({result.basis})")
    if not result.shown:
        console.print(result.message)
        return
    if result.note:
        console.print(result.note)
    table = Table(title=f"Yearly pay, {result.currency}")
    table.add_column("component")
    table.add_column("n", justify="right")
    for p in PERCENTILES:
        table.add_column(f"p{p}", justify="right")
    for name in COMPONENTS:
        component = result.components.get(name)
        if component is None:
            continue
        if component.values is None:
            cells = [f"< {result.min_n} report it"] + [""] * (len(PERCENTILES) - 1)
        else:
            cells = [fmt_whole(value) for _, value in component.values.points()]
        table.add_row(name, f"{component.n:,}", *cells)
    console.print(table)
    if result.growth is not None and result.as_of is not None:
        console.print(f"Restated to {result.as_of.isoformat()}: {result.growth.detail}")
        if result.growth.medians:
            medians = ", ".join(
                f"{y}: {fmt_whole(m)}" for y, m in sorted(result.growth.medians.items())
            )
            console.print(f"  yearly median totals behind it: {medians}")
    for src in result.sources:
        console.print(f"source: {src['name']}" + (f" ({src['file']})" if src.get("file") else ""))


register_reference(market_app)
