"""The app's lifespan: what is loaded at start-up is frozen out of the garbage collector's
full passes while the app serves, and given back when it stops."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from offerlab.web import Settings, create_app


def test_start_up_objects_are_frozen_while_serving(db_url: str):
    gc.unfreeze()
    app = create_app(Settings(db=db_url))
    with TestClient(app, base_url="http://localhost") as client:
        assert gc.get_freeze_count() > 10_000  # the app and the libraries it loaded
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
