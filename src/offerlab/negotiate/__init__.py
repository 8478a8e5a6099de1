"""Negotiation planning: benchmark an offer, pick the levers, build target and stretch
packages, and write the words to ask for them.

Each name is imported when first used: the market view a front end builds does not load the
report templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offerlab._exports import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS = {
    "BandLookup": "offerlab.negotiate.band",
    "BandQuery": "offerlab.negotiate.band",
    "Benchmark": "offerlab.negotiate.plan",
    "CompetingOffer": "offerlab.negotiate.plan",
    "LevelLever": "offerlab.negotiate.plan",
    "LevelStats": "offerlab.market.stats",
    "Lever": "offerlab.negotiate.plan",
    "MarketBand": "offerlab.negotiate.band",
    "MarketView": "offerlab.negotiate.band",
    "NegotiationPlan": "offerlab.negotiate.plan",
    "NoMarket": "offerlab.negotiate.band",
    "Package": "offerlab.negotiate.plan",
    "Percentiles": "offerlab.market.stats",
    "Profile": "offerlab.negotiate.profile",
    "load_profile": "offerlab.negotiate.profile",
    "percentile_of": "offerlab.negotiate.band",
    "plan_html": "offerlab.negotiate.report",
    "plan_json": "offerlab.negotiate.report",
    "plan_markdown": "offerlab.negotiate.report",
    "plan_negotiation": "offerlab.negotiate.plan",
    "render_email": "offerlab.negotiate.scripts",
    "render_script": "offerlab.negotiate.scripts",
}
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
__getattr__ = lazy_exports(__name__, _EXPORTS)
