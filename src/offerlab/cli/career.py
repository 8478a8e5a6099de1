"""``offerlab career``: project an offer over the years, alone or against another path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.text import Text

from offerlab.cli.common import amount_table, console, print_json
from offerlab.errors import InputError
from offerlab.offers import load_offer
from offerlab.scenarios.career import PARTS, CareerPath, load_promotions, project

__all__ = ["career_app"]

career_app = typer.Typer(help="Project a career from an offer: promotions, raises, refreshers.")


def _path(
    file: Path,
    years: int,
    promotions: Path | None,
    growth: float,
    raise_pct: float | None,
    refresher: float | None,
) -> CareerPath:
    plan = load_promotions(promotions) if promotions is not None else None
    return project(
        load_offer(file),
        years,
        plan,
        Decimal(str(growth)),
        None if raise_pct is None else Decimal(str(raise_pct)),
        None if refresher is None else Decimal(str(refresher)),
    )


@career_app.command("project")
def project_career(
    file: Annotated[Path, typer.Argument(help="The offer file to start from.")],
    years: Annotated[int, typer.Option("--years", help="Years to project (1-50).")] = 10,
    promotions: Annotated[
        Path | None,
        typer.Option(
            "--promotions",
            help="Promotions file (TOML/JSON); default: timing and raises from market data.",
        ),
    ] = None,
    growth: Annotated[
        float, typer.Option("--growth", help="Stock price growth, % a year (default 0).")
    ] = 0.0,
    raise_pct: Annotated[
        float | None,
        typer.Option("--raise", help="Yearly raise of the base, % (default: the offer's)."),
    ] = None,
    refresher: Annotated[
        float | None,
        typer.Option("--refresher", help="Yearly refresher grant at the starting level."),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option("--compare", help="A second offer file: stay vs switch, or two offers."),
    ] = None,
    compare_promotions: Annotated[
        Path | None,
        typer.Option("--compare-promotions", help="Promotions file for the --compare path."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (a stable contract).")
    ] = False,
) -> None:
    """Project pay year by year with cumulative totals; --compare two paths."""
    if not 1 <= years <= 50:
        raise InputError(f"--years must be between 1 and 50 (got {years})")
    if compare_promotions is not None and compare is None:
        raise InputError("--compare-promotions needs --compare FILE")
    if refresher is not None and refresher < 0:
        raise InputError(f"--refresher must not be negative (got {refresher:g})")
    first = _path(file, years, promotions, growth, raise_pct, refresher)
    second = (
        _path(compare, years, compare_promotions, growth, raise_pct, None)
        if compare is not None
        else None
    )
    if second is not None and second.currency != first.currency:
        raise InputError(
            f"{file} is in {first.currency} and {compare} in {second.currency}; "
            "give both paths in one currency"
        )
    if as_json:
        data = first.as_json()
        if second is not None:
            data["compare"] = second.as_json()
            data["difference"] = [
                {
                    "year": a["year"],
                    "total": round(a["total"] - b["total"], 2),
                    "cumulative": round(a["cumulative"] - b["cumulative"], 2),
                }
                for a, b in zip(data["years"], data["compare"]["years"], strict=True)
            ]
        print_json(data)
        return
    _print_path(first)
    if second is not None:
        _print_path(second)
        _print_difference(first, second)


def _c(value: Decimal) -> str:
    return f"{value:,.2f}"


def _print_path(path: CareerPath) -> None:
    shown = path.shown()
    used = [p for p in PARTS if any(row[p] for row in shown)]
    headers = ["Level", *used, "total", "cumulative"]
    rows = [
        (
            f"Year {row['year']}",
            [str(row["level"])]
            + [_c(row[p]) for p in used]
            + [_c(row["total"]), _c(row["cumulative"])],
        )
        for row in shown
    ]
    console.print(amount_table(f"{path.name} ({path.currency})", "", headers, rows))
    for promotion in path.promotions:
        console.print(
            Padding(
                Text(
                    f"year {promotion.year}: promoted to {promotion.level}, base "
                    f"+{promotion.raise_pct:.1f}% ({promotion.basis})"
                ),
                (0, 0, 0, 2),
            )
        )
    for note in path.assumptions:
        console.print(Padding(Text(note), (0, 0, 0, 2)))


def _print_difference(first: CareerPath, second: CareerPath) -> None:
    a, b = first.shown(), second.shown()
    rows = [
        (
            f"Year {x['year']}",
            [_c(x["total"] - y["total"]), _c(x["cumulative"] - y["cumulative"])],
        )
        for x, y in zip(a, b, strict=True)
    ]
    title = f"{first.name} minus {second.name} ({first.currency})"
    console.print(amount_table(title, "", ["total", "cumulative"], rows))
