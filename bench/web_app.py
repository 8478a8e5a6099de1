"""The app the web benchmark serves: offerlab's app plus a constant endpoint beside it."""

from __future__ import annotations

import os

from fastapi import FastAPI

from offerlab.web import Settings, create_app


def app() -> FastAPI:
    """offerlab over the store ``$BENCH_DB``, with ``GET /bench/constant`` for the baseline."""
    served = create_app(Settings(db=os.environ["BENCH_DB"]))

    # async, like the evaluate endpoint: a plain ``def`` would add a hop to the thread pool.
    @served.get("/bench/constant")
    async def constant() -> dict[str, int]:
        return {"ok": 1}

    return served
