"""Saved offers on each backend: add, list, get, replace, delete, and owners kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from offerlab.errors import NotFoundError
from offerlab.offers import load_offer
from offerlab.store import Store
from offerlab.store.offer_repository import OfferRepository


def test_saved_offers_round_trip(store_url: str, examples: Path):
    google = load_offer(examples / "google-l5-kirkland.toml")
    amazon = load_offer(examples / "amazon-l6-seattle.toml")
    with Store(store_url) as store:
        assert "saved_offers" in inspect(store.engine).get_table_names()
        repo = OfferRepository(store)
        first = repo.add(google)
        second = repo.add(amazon)
        assert first.id != second.id
        assert repo.get(first.id).offer == google
        assert [s.offer.company for s in repo.list()] == ["Google", "Amazon"]
        changed = google.model_copy(update={"name": "Google, revised"})
        replaced = repo.replace(first.id, changed)
        assert replaced.id == first.id
        assert repo.get(first.id).offer.name == "Google, revised"
        repo.delete(second.id)
        assert [s.id for s in repo.list()] == [first.id]
        with pytest.raises(NotFoundError):
            repo.get(second.id)
        with pytest.raises(NotFoundError):
            repo.delete(second.id)
        for wild in (0, -1, 2**63, 10**30):
            with pytest.raises(NotFoundError):
                repo.get(wild)


def test_owners_never_see_each_others_offers(store_url: str, examples: Path):
    offer = load_offer(examples / "google-l5-kirkland.toml")
    with Store(store_url) as store:
        mine = OfferRepository(store, owner="ann").add(offer)
        other = OfferRepository(store, owner="bob")
        assert other.list() == []
        for attempt in (
            lambda: other.get(mine.id),
            lambda: other.replace(mine.id, offer),
            lambda: other.delete(mine.id),
        ):
            with pytest.raises(NotFoundError):
                attempt()
        assert OfferRepository(store, owner="ann").get(mine.id).offer == offer
