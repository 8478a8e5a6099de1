"""The options that choose how private equity is valued, shared by ``offer compare`` and
``negotiate`` (and the percent lists ``offer simulate`` also reads).

``--risk-model expected`` (the default) values equity that cannot be sold as it vests at its
expected cash under the private-company scenarios; ``--haircut PCT`` (or ``--risk-model haircut
--haircut PCT``) at its paper value less a stated discount. ``--exit-by-year`` and
``--dilution`` change the expected value's scenario. The method itself is built by
:func:`offerlab.scenarios.valuation.valuation_method`, the one parser the API uses too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from offerlab.errors import InputError
from offerlab.scenarios.valuation import ValuationMethod, valuation_method

__all__ = [
    "DilutionOption",
    "ExitByYearOption",
    "HaircutOption",
    "RiskModelOption",
    "parse_percents",
    "risk_method",
]

RiskModelOption = Annotated[
    str | None,
    typer.Option(
        "--risk-model",
        metavar="expected|haircut",
        help="How equity that cannot be sold as it vests (options, units, private RSUs) is "
        "valued: expected (the default: its expected cash under the private-company "
        "scenarios, exits 5/10/10/10% in years 1-4, 15% dilution every 24 months, volatility "
        "60%, 20,000 paths, seed 7) or haircut (its paper value less --haircut PCT). Public "
        "RSUs are never discounted.",
    ),
]
HaircutOption = Annotated[
    Decimal | None,
    typer.Option(
        "--haircut",
        metavar="PCT",
        help="Value private equity at its paper value less PCT% (0-100); implies --risk-model "
        "haircut.",
    ),
]
ExitByYearOption = Annotated[
    str | None,
    typer.Option(
        "--exit-by-year",
        metavar="PCTS",
        help="For --risk-model expected: the chance (%) of an exit in each offer year, "
        "comma-separated (default 5,10,10,10).",
    ),
]
DilutionOption = Annotated[
    float | None,
    typer.Option(
        "--dilution",
        metavar="PCT",
        help="For --risk-model expected: dilution per funding round, every 24 months, % "
        "(default 15).",
    ),
]


def parse_percents(text: str, option: str = "--exit-by-year") -> tuple[float, ...]:
    """``5,10,15`` (percents) as fractions."""
    try:
        values = tuple(float(part) / 100 for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a list of percents; expected e.g. 5,10,15,15",
            option=option,
        ) from None
    if not values:
        raise InputError(f"{option} needs at least one percent", option=option)
    return values


def risk_method(
    model: str | None,
    haircut: Decimal | None,
    exit_by_year: str | None,
    dilution: float | None,
) -> ValuationMethod:
    """The valuation method the options ask for."""
    exits = parse_percents(exit_by_year) if exit_by_year is not None else None
    return valuation_method(model, haircut, exits, dilution)
