"""`market bands` on a hosted instance's database shows its pooled band (five or more offers in
the cell) beside the other sources; a store nobody shared in says nothing of a pool."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.market.service import share_offer
from offerlab.offers import load_offer
from offerlab.store import Store
from offerlab.store.offer_repository import OfferRepository
from offerlab.store.pool_repository import PoolRepository

runner = CliRunner()


def _bands(url: str, *extra: str) -> Any:
    result = runner.invoke(
        app,
        [
            "market",
            "bands",
            "--company",
            "Microsoft",
            "--level",
            "62",
            "--location",
            "Redmond",
            "--db",
            url,
            *extra,
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in extra else {"text": result.stdout}


def test_the_cli_shows_a_pooled_band_from_five(tmp_path: Path, examples: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hosted.sqlite3'}"
    offer = load_offer(examples / "msft-l62-initial.toml")
    with Store(url) as store:
        ids = []
        for i, owner in enumerate(["alice", "erin", "bob", "carol", "dave"]):
            saved = OfferRepository(store, owner).add(
                offer.model_copy(update={"base": Decimal(170_000 + 5_000 * i)})
            )
            ids.append((owner, saved.id, saved.offer))
    before = _bands(url, "--json")
    assert not [b for b in before["bands"] if b["kind"] == "pooled"]
    assert not [n for n in before["notes"] if "pooled" in n]
    with Store(url) as store:
        for owner, offer_id, saved_offer in ids[:4]:
            share_offer(
                PoolRepository(store, owner), offer_id, saved_offer, "3-5", today=date(2026, 12, 3)
            )
    four = _bands(url, "--json")
    assert not [b for b in four["bands"] if b["kind"] == "pooled"]
    with Store(url) as store:
        owner, offer_id, saved_offer = ids[4]
        share_offer(
            PoolRepository(store, owner), offer_id, saved_offer, None, today=date(2026, 12, 3)
        )
    five = _bands(url, "--json")
    (band,) = [b for b in five["bands"] if b["kind"] == "pooled"]
    assert band["n"] == 5
    assert band["base"]["p50"] == 180_000.0
    text = _bands(url)["text"]
    assert "pooled offers" in str(text)
