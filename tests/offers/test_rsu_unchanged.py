"""An RSU offer with no ``kind`` gives, byte for byte, the JSON main gave before issue 14, plus
only the fields issue 14 adds (``exercise_cost`` and ``cash`` in each year, ``cash_total``; after
tax ``federal_amt``, ``net_investment_income_tax``, ``exercise_paid``, ``cash_after_tax``,
``cash_after_tax_total`` and ``exercise``). The reference files in ``main_baseline/`` were made
by main's own ``offerlab`` (see their README), for every offer file in examples/ at the time."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()

BASELINE = Path(__file__).parent / "main_baseline"

NEW_YEAR_KEYS = {"exercise_cost", "cash"}
NEW_TOP_KEYS = {"cash_total"}
#: Issue 11's plausibility warnings: every --json output that reads offer files lists them
#: (none for the examples).
WARNINGS = "warnings"
NEW_TAX_YEAR_KEYS = {"exercise_paid", "cash_after_tax"}
NEW_TAX_TOP_KEYS = {"cash_after_tax_total", "exercise"}
NEW_TAX_LINES = {"federal_amt", "net_investment_income_tax"}


def _source(stem: str) -> Path:
    """The offer file main read: the example, or main's own copy where the example changed."""
    kept = BASELINE / f"{stem}.toml"
    return kept if kept.exists() else EXAMPLES / f"{stem}.toml"


def _cases() -> list[tuple[str, tuple[str, ...]]]:
    flags = {
        ".json": (),
        ".years7.json": ("--years", "7"),
        ".after-tax.json": ("--after-tax",),
        ".events.json": ("--events",),
    }
    cases = []
    for path in sorted(BASELINE.glob("*.json")):
        stem, _, rest = path.name.partition(".")
        cases.append((path.name, (str(_source(stem)), "--json", *flags["." + rest])))
    return cases


def _without_new_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the fields of issue 14 taken out, checking that nothing else is new."""
    taxed = "tax_year" in data
    top_new = NEW_TOP_KEYS | (NEW_TAX_TOP_KEYS if taxed else set())
    assert top_new <= set(data), f"missing new keys: {top_new - set(data)}"
    assert data.get(WARNINGS) == [], data.get(WARNINGS)
    out = {k: v for k, v in data.items() if k not in top_new | {WARNINGS}}
    years = []
    for row in data["years"]:
        row_new = NEW_YEAR_KEYS | (NEW_TAX_YEAR_KEYS if taxed else set())
        assert row_new <= set(row)
        # Every equity vest of a public RSU offer is money as it vests; nothing to exercise.
        assert row["cash"] == row["total"]
        assert row["exercise_cost"] == 0
        kept = {k: v for k, v in row.items() if k not in row_new}
        if taxed:
            lines = row["taxes"]
            if "federal_income_tax" in lines:  # a US residence: the new lines, all zero
                assert set(lines) >= NEW_TAX_LINES
                assert all(lines[k] == 0 for k in NEW_TAX_LINES)
            assert row["exercise_paid"] == 0
            assert row["cash_after_tax"] == row["after_tax"]
            kept["taxes"] = {k: v for k, v in lines.items() if k not in NEW_TAX_LINES}
        years.append(kept)
    out["years"] = years
    total_cash = round(sum(row["cash"] for row in data["years"]), 2)
    assert data["cash_total"] == total_cash
    return out


@pytest.mark.parametrize(("reference", "args"), _cases())
def test_rsu_offer_json_is_mains_plus_the_new_fields(reference: str, args: tuple[str, ...]):
    result = runner.invoke(app, ["offer", "show", *args])
    assert result.exit_code == 0, result.stdout + result.stderr
    stripped = _without_new_fields(json.loads(result.stdout))
    text = json.dumps(stripped, indent=2, ensure_ascii=False) + "\n"
    assert text == (BASELINE / reference).read_text(encoding="utf-8")


def test_every_example_of_main_is_covered() -> None:
    # main had these offer files; each has its reference output.
    stems = {p.name.partition(".")[0] for p in BASELINE.glob("*.json")}
    assert len(stems) == 10
    assert all((BASELINE / f"{stem}.after-tax.json").exists() for stem in stems)
