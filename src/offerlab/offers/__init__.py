"""Offers: the file format, vesting schedules, the cash-flow engine and its metrics.

Exports the offer model (:class:`Offer` and its parts), reading and writing offer files
(:func:`load_offer`, :func:`offer_from_mapping`, :func:`dump_offer_toml`, ...), the engine
(:func:`evaluate`, :class:`OfferEvaluation`, the dated cash events), comparison and
the vesting presets. The use cases both front ends call are in :mod:`offerlab.offers.service`.
Loaded eagerly: every command that reads an offer needs all of it.
"""

from offerlab.offers.compare import Comparison, compare
from offerlab.offers.engine import CashEvent, Component, clawback_owed, offer_events
from offerlab.offers.fileformat import (
    dump_offer_toml,
    load_offer,
    load_offers,
    offer_from_mapping,
    offer_json_schema,
    parse_offer_text,
)
from offerlab.offers.metrics import OfferEvaluation, YearTotals, evaluate
from offerlab.offers.model import EquityGrant, Offer, OtherItem, Refreshers, SigningBonus
from offerlab.offers.vesting import VestEvent, VestingSchedule, preset, preset_names

__all__ = [
    "CashEvent",
    "Comparison",
    "Component",
    "EquityGrant",
    "Offer",
    "OfferEvaluation",
    "OtherItem",
    "Refreshers",
    "SigningBonus",
    "VestEvent",
    "VestingSchedule",
    "YearTotals",
    "clawback_owed",
    "compare",
    "dump_offer_toml",
    "evaluate",
    "load_offer",
    "load_offers",
    "offer_events",
    "offer_from_mapping",
    "offer_json_schema",
    "parse_offer_text",
    "preset",
    "preset_names",
]
