"""offerlab: understand, benchmark and negotiate a tech job offer, on your own machine.

The public Python API is what ``__all__`` lists: money (:class:`Money`), the offer model and
its loaders (:class:`Offer`, :func:`load_offer`, :func:`load_offers`,
:func:`offer_from_mapping`), the cash-flow engine (:func:`evaluate`, :class:`OfferEvaluation`),
side-by-side comparison (:func:`compare`, :class:`Comparison`) and the errors a user can be
shown (:class:`OfferlabError` and the kinds below it). Each name is imported when first used,
so ``import offerlab`` (and the command line's start) costs nothing. Everything else lives in
the packages (``offerlab.offers``, ``offerlab.market``, ...; see docs/architecture.md) and is
private by convention unless a package's ``__init__`` lists it.

    >>> import offerlab
    >>> offerlab.evaluate(offerlab.load_offer("examples/msft-l62-target.toml")).four_year_total
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offerlab._exports import lazy_exports

if TYPE_CHECKING:
    from offerlab.errors import (
        CurrencyMismatchError,
        InputError,
        NotFoundError,
        OfferlabError,
        Problem,
        ProblemsError,
    )
    from offerlab.money import Money
    from offerlab.offers.compare import Comparison, compare
    from offerlab.offers.fileformat import load_offer, load_offers, offer_from_mapping
    from offerlab.offers.metrics import OfferEvaluation, evaluate
    from offerlab.offers.model import Offer

#: The version (the package's metadata reads it from here).
__version__ = "0.1.0"

_EXPORTS = {
    "Money": "offerlab.money",
    "Offer": "offerlab.offers.model",
    "load_offer": "offerlab.offers.fileformat",
    "load_offers": "offerlab.offers.fileformat",
    "offer_from_mapping": "offerlab.offers.fileformat",
    "evaluate": "offerlab.offers.metrics",
    "OfferEvaluation": "offerlab.offers.metrics",
    "compare": "offerlab.offers.compare",
    "Comparison": "offerlab.offers.compare",
    "OfferlabError": "offerlab.errors",
    "InputError": "offerlab.errors",
    "ProblemsError": "offerlab.errors",
    "Problem": "offerlab.errors",
    "NotFoundError": "offerlab.errors",
    "CurrencyMismatchError": "offerlab.errors",
}
__all__ = [
    "Comparison",
    "CurrencyMismatchError",
    "InputError",
    "Money",
    "NotFoundError",
    "Offer",
    "OfferEvaluation",
    "OfferlabError",
    "Problem",
    "ProblemsError",
    "__version__",
    "compare",
    "evaluate",
    "load_offer",
    "load_offers",
    "offer_from_mapping",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
