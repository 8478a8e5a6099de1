"""Negotiation planning: benchmark an offer, pick the levers, build target and stretch
packages, and write the words to ask for them."""

from offerlab.market.stats import LevelStats, Percentiles
from offerlab.negotiate.band import (
    BandLookup,
    BandQuery,
    MarketBand,
    MarketView,
    NoMarket,
    percentile_of,
)
from offerlab.negotiate.plan import (
    Benchmark,
    CompetingOffer,
    LevelLever,
    Lever,
    NegotiationPlan,
    Package,
    plan_negotiation,
)
from offerlab.negotiate.profile import Profile, load_profile
from offerlab.negotiate.report import plan_html, plan_json, plan_markdown
from offerlab.negotiate.scripts import render_email, render_script

__all__ = [
    "BandLookup",
    "BandQuery",
    "Benchmark",
    "CompetingOffer",
    "LevelLever",
    "LevelStats",
    "Lever",
    "MarketBand",
    "MarketView",
    "NegotiationPlan",
    "NoMarket",
    "Package",
    "Percentiles",
    "Profile",
    "load_profile",
    "percentile_of",
    "plan_html",
    "plan_json",
    "plan_markdown",
    "plan_negotiation",
    "render_email",
    "render_script",
]
