"""Simulating offers under stock-price paths: the one path the CLI and the web share.

:func:`price_model` turns what a person gave (a drift and a volatility in percent, or a price
file to estimate them from) into the model and the words that describe it; :func:`simulate_stock`
runs the Monte Carlo simulation of the offers' pay under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from offerlab.errors import InputError
from offerlab.offers.metrics import OfferEvaluation
from offerlab.scenarios.simulate import Simulation, estimate_from_prices, exposure, simulate

__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_VOLATILITY_PCT",
    "PriceModel",
    "fresh_seed",
    "price_model",
    "simulate_stock",
]

#: Annual volatility of the price, %, when none is given (a large company's stock).
DEFAULT_VOLATILITY_PCT: Final = 30.0
#: Price paths when none are asked for.
DEFAULT_PATHS: Final = 10_000


@dataclass(frozen=True, slots=True)
class PriceModel:
    """Geometric Brownian motion of the price: ``drift`` (mean) and ``volatility``, annual
    fractions; ``correlation`` between different companies' log returns (0 to 1); ``text``
    says all of it, and where the figures came from."""

    drift: float
    volatility: float
    correlation: float
    text: str


def price_model(
    drift_pct: float | None = None,
    volatility_pct: float | None = None,
    correlation: float = 0.0,
    prices: Path | None = None,
) -> PriceModel:
    """The model from a drift and a volatility in percent (defaults 0 and
    :data:`DEFAULT_VOLATILITY_PCT`), or estimated from the daily prices in ``prices``."""
    if prices is not None and (drift_pct is not None or volatility_pct is not None):
        raise InputError("give --prices or --drift/--volatility, not both")
    if prices is not None:
        estimate = estimate_from_prices(prices)
        drift, volatility, text = estimate.drift, estimate.volatility, estimate.describe()
    else:
        drift = (drift_pct or 0.0) / 100
        volatility = (DEFAULT_VOLATILITY_PCT if volatility_pct is None else volatility_pct) / 100
        text = f"geometric Brownian motion, drift {drift:.2%} (mean), volatility {volatility:.2%}"
    if correlation:
        text += f", correlation {correlation:g} between companies"
    return PriceModel(drift, volatility, correlation, text)


def fresh_seed() -> int:
    """A seed from the operating system's entropy, for a run that names the seed it used."""
    return int(np.random.SeedSequence().generate_state(1)[0])


def simulate_stock(
    evaluations: Sequence[OfferEvaluation], paths: int, model: PriceModel, seed: int | None = None
) -> Simulation:
    """Each offer's pay over ``paths`` price paths of ``model`` (``seed`` None: a fresh one,
    which the result names, so the run can be repeated)."""
    used = fresh_seed() if seed is None else seed
    exposures = [exposure(e) for e in evaluations]
    return simulate(
        exposures, paths, model.drift, model.volatility, used, model.text, model.correlation
    )
