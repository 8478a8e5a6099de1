"""The curated public API: ``offerlab.__all__``, loaded lazily, and ``__version__``."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import offerlab
from tests.conftest import EXAMPLES


def test_the_version_is_the_packages() -> None:
    assert offerlab.__version__ == importlib.metadata.version("offerlab")


@pytest.mark.parametrize("name", offerlab.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(offerlab, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = offerlab.nothing


def test_importing_offerlab_loads_nothing_it_exports() -> None:
    code = "import sys, offerlab; print(sorted(m for m in sys.modules if m.startswith('offerlab')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['offerlab', 'offerlab._exports']"


def test_a_python_user_evaluates_and_compares() -> None:
    first = offerlab.evaluate(offerlab.load_offer(EXAMPLES / "msft-l62-initial.toml"))
    second = offerlab.evaluate(offerlab.load_offer(EXAMPLES / "google-l5-kirkland.toml"))
    assert isinstance(first.four_year_total, offerlab.Money)
    assert offerlab.compare([first, second]).baseline is first
    with pytest.raises(offerlab.OfferlabError):
        offerlab.load_offer(EXAMPLES / "no-such-offer.toml")
