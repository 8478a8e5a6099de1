"""Reading and writing offer files (TOML or JSON).

``load_offer`` raises :class:`~offerlab.errors.ProblemsError` listing *all* problems of a file
at once, each with the file, the key path (``equity[0].schedule``) or line, what was wrong and
what is expected. Numbers are read as exact decimals, never through floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from offerlab.errors import Problem, ProblemsError
from offerlab.offers.model import Offer
from offerlab.validation import parse_document, read_document, validate_document

__all__ = [
    "dump_offer_toml",
    "load_offer",
    "load_offers",
    "offer_from_mapping",
    "offer_json_schema",
    "parse_offer_text",
    "toml_ready",
]

_WHAT = "invalid offer"


def offer_from_mapping(data: Any, source: str = "<offer>") -> Offer:
    """Validate a parsed document as an offer, raising every problem at once."""
    return validate_document(Offer, data, source, _WHAT)


def parse_offer_text(text: str, source: str, fmt: str) -> Offer:
    """Parse ``text`` as a TOML or JSON offer (``fmt`` is ``"toml"`` or ``"json"``)."""
    return offer_from_mapping(parse_document(text, source, fmt, _WHAT), source)


def load_offer(path: str | Path) -> Offer:
    """Read an offer file; the format comes from the suffix (``.json``, else TOML)."""
    return offer_from_mapping(read_document(path, _WHAT), str(path))


def load_offers(paths: Sequence[str | Path]) -> list[Offer]:
    """Read several offer files, reporting the problems of all of them at once."""
    offers: list[Offer] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            offers.append(load_offer(path))
        except ProblemsError as error:
            problems.extend(error.problems)
    if problems:
        raise ProblemsError(problems, _WHAT)
    return offers


def toml_ready(value: Any) -> Any:
    """Data ready for TOML output: whole decimals as ints, no Nones, tuples as lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [toml_ready(v) for v in value]
    return value


def dump_offer_toml(offer: Offer) -> str:
    """The offer as a TOML document (only the keys that differ from their defaults)."""
    data = offer.model_dump(mode="python", exclude_defaults=True)
    return tomli_w.dumps(toml_ready(data))


def offer_json_schema() -> dict[str, Any]:
    """The JSON Schema of the offer file format."""
    schema = Offer.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "offerlab offer file"
    return schema
