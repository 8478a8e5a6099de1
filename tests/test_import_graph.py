"""scripts/check_imports.py: the graph it reads and the problems it finds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_imports", ROOT / "scripts" / "check_imports.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_imports"] = module
    spec.loader.exec_module(module)
    return module


check = _load()


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = tmp_path / "offerlab" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    known: dict[str, Path] = check.modules(tmp_path)
    return known


def test_edges_name_submodules_or_the_package_init(tmp_path: Path) -> None:
    known = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "from offerlab.web.app import create_app\n",
            "web/app.py": "def create_app(): ...\n",
            "web/api.py": "from offerlab.web import app\nfrom offerlab.web import create_app\n",
            "offers/__init__.py": "from .engine import evaluate\n",
            "offers/engine.py": "from . import model\nfrom ..money import Money\n",
            "offers/model.py": "",
            "money.py": "",
        },
    )
    edges = check.graph(known)
    assert edges["offerlab.web.api"] == {"offerlab.web.app", "offerlab.web"}
    assert edges["offerlab.offers"] == {"offerlab.offers.engine"}
    assert edges["offerlab.offers.engine"] == {"offerlab.offers.model", "offerlab.money"}


def test_cycles_are_found_wherever_the_import_stands(tmp_path: Path) -> None:
    known = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "",
            "web/app.py": "def f():\n    from offerlab.web import api\n",
            "web/api.py": "import offerlab.web.pages\n",
            "web/pages.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from offerlab.web import app\n"
            ),
            "web/free.py": "from offerlab.web import app\n",
        },
    )
    assert check.cycles(check.graph(known)) == [
        ["offerlab.web.api", "offerlab.web.app", "offerlab.web.pages"]
    ]


def test_domain_to_store_is_a_wrong_way_edge_even_under_type_checking(tmp_path: Path) -> None:
    known = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "store/__init__.py": "from offerlab.market import Query\n",
            "market/__init__.py": "class Query: ...\n",
            "market/bands.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from offerlab.store import X\n"
            ),
            "cli/__init__.py": "from offerlab.market import bands\n",
        },
    )
    assert check.wrong_way(check.graph(known)) == [("offerlab.market.bands", "offerlab.store")]


def test_a_long_chain_does_not_exhaust_the_stack() -> None:
    edges = {f"m{i}": {f"m{i + 1}"} for i in range(5000)}
    edges["m5000"] = {"m0"}
    (component,) = check.cycles(edges)
    assert len(component) == 5001


@pytest.mark.parametrize("argv", [[], ["--edges"]])
def test_the_script_reports_and_exits(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = check.main(argv)
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert ("import graph clean" in out) == (code == 0)
