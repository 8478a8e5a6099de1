"""``offerlab career``: project an offer over the years, alone or against another path."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.text import Text

from offerlab.cli.common import amount_table, console, print_json
from offerlab.cli.offer_files import load_checked
from offerlab.errors import InputError
from offerlab.market.normalize import canonical_company, normalize_level
from offerlab.offers.model import Offer
from offerlab.scenarios.career import (
    PARTS,
    PROMOTED,
    CareerPath,
    PromotionPlan,
    load_promotions,
    project,
)

__all__ = ["career_app"]

career_app = typer.Typer(help="Project a career from an offer: promotions, raises, refreshers.")


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _starts_alike(first: Offer, second: Offer) -> bool:
    """Whether two offers start at the same company and level (one ladder of promotions)."""
    company = canonical_company(first.company)
    if canonical_company(second.company) != company:
        return False
    level = normalize_level(company, first.level) or first.level
    return (normalize_level(company, second.level) or second.level) == level


def _compare_path(
    offer: Offer,
    first: Offer,
    years: int,
    plan: PromotionPlan | None,
    promotions: Path | None,
    compare_plan: PromotionPlan | None,
    growth: Decimal,
    raise_pct: Decimal | None,
    refresher: Decimal | None,
) -> CareerPath:
    """The --compare path with the first path's options; a promotions file given for the
    first path applies whole when both start at the same company and level, else only its
    yearly raise and refresher apply (its promotions name the first path's levels), and the
    path says so. A file without promotions applies whole."""
    notes: list[str] = []
    if compare_plan is None and plan is not None:
        if not plan.promotion or _starts_alike(first, offer):
            compare_plan = plan
            notes.append(f"promotions file {promotions}, as for {first.display_name}")
        else:
            shared: list[str] = []
            if raise_pct is None and plan.raise_pct is not None:
                raise_pct = plan.raise_pct
                shared.append("yearly raise")
            if refresher is None and plan.refresher is not None:
                refresher = plan.refresher
                shared.append("refresher")
            verb = "applies" if len(shared) == 1 else "apply"
            applied = f"; its {' and '.join(shared)} {verb} here too" if shared else ""
            notes.append(
                f"the promotions in {promotions} are from {first.company} level {first.level} "
                f"and do not apply to {offer.display_name} ({offer.company} level {offer.level}): "
                f"its promotions come from the market data (give them with "
                f"--compare-promotions FILE){applied}"
            )
    path = project(offer, years, compare_plan, growth, raise_pct, refresher)
    return replace(path, assumptions=path.assumptions + tuple(notes))


@career_app.command("project")
def project_career(
    file: Annotated[Path, typer.Argument(help="The offer file to start from.")],
    years: Annotated[
        int, typer.Option("--years", help="Years to project, 1-50 (default 10).")
    ] = 10,
    promotions: Annotated[
        Path | None,
        typer.Option(
            "--promotions",
            help="Promotions file (TOML/JSON); default: timing and raises from market data.",
        ),
    ] = None,
    growth: Annotated[
        float,
        typer.Option("--growth", metavar="PCT", help="Stock price growth, % a year (default 0)."),
    ] = 0.0,
    raise_pct: Annotated[
        float | None,
        typer.Option(
            "--raise", metavar="PCT", help="Yearly raise of the base, % (default: the offer's)."
        ),
    ] = None,
    refresher: Annotated[
        float | None,
        typer.Option(
            "--refresher", metavar="AMOUNT", help="Yearly refresher grant at the starting level."
        ),
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
    loaded, warnings = load_checked([file] if compare is None else [file, compare])
    first_offer = loaded[0]
    plan = load_promotions(promotions) if promotions is not None else None
    options = (Decimal(str(growth)), _decimal(raise_pct), _decimal(refresher))
    first = project(first_offer, years, plan, *options)
    second = None
    if compare is not None:
        compare_plan = load_promotions(compare_promotions) if compare_promotions else None
        second = _compare_path(
            loaded[1], first_offer, years, plan, promotions, compare_plan, *options
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
        data["warnings"] = warnings
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
                Text(f"year {promotion.year}: promoted to {promotion.level} ({promotion.basis})"),
                (0, 0, 0, 2),
            )
        )
        for part in PROMOTED:
            raised = promotion.raises[part]
            what = "refreshers" if part == "stock" else part
            pct = "kept" if raised.pct is None else f"+{raised.pct:.1f}%"
            console.print(Padding(Text(f"{what} {pct}: {raised.basis}"), (0, 0, 0, 4)))
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
