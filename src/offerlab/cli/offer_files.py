"""Reading offer files on the command line: every problem at once (exit 2), then the
plausibility warnings of the offers that validated, on stderr (the command goes on, exit 0)
and for the ``--json`` output's ``warnings`` list."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from offerlab.cli.common import err_console
from offerlab.encoding import to_object
from offerlab.offers import Offer, load_offers
from offerlab.offers.service import offer_warnings

__all__ = ["load_checked"]


def load_checked(paths: Sequence[Path]) -> tuple[list[Offer], list[dict[str, Any]]]:
    """The offers of ``paths`` and their warnings (each with its ``file``), the warnings also
    printed on stderr."""
    offers = load_offers(paths)
    warnings: list[dict[str, Any]] = []
    for path, offer in zip(paths, offers, strict=True):
        for warning in offer_warnings(offer):
            err_console.print(f"warning: {warning.line(str(path))}", markup=False, style="yellow")
            warnings.append({"file": str(path), **to_object(warning)})
    return offers, warnings
