"""One measured job in its own process, so its peak memory (RSS) is its own.

``python -m bench.market_worker JOB ARGS...`` prints one JSON object: the timings and
``rss_mb``, the process's peak resident set. Jobs: ``import URL FILE``, ``query URL``,
``pandas-import FILE ROWS SQLITE``, ``pandas-query FILE``, ``cells URL`` (every market cell
computed again).
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

#: The bands queries timed: (label, keyword arguments of ``band``).
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("company+level+location", {"company": "Microsoft", "level": "62", "location": "Redmond"}),
    (
        "company+level+tag+location",
        {"company": "Microsoft", "level": "62", "tag": "ML / AI", "location": "Redmond"},
    ),
    ("company+level", {"company": "Amazon", "level": "L6"}),
]
REPEAT = 10


def _rss_mb() -> float:
    """This process's peak RSS in MB (``VmHWM``: ``ru_maxrss`` survives fork + exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(func: Any) -> float:
    func()  # warm
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def job_import(url: str, file: str) -> dict[str, Any]:
    from offerlab.store import MarketRepository, Store

    start = time.perf_counter()
    with Store(url) as store:
        result = MarketRepository(store).import_file(Path(file))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": result.added, "read": result.read, "rss_mb": _rss_mb()}


def job_query(url: str) -> dict[str, Any]:
    from offerlab.market.bands import band
    from offerlab.store import MarketRepository, Store

    out: dict[str, Any] = {}
    with Store(url) as store:
        repo = MarketRepository(store)
        start = time.perf_counter()
        first = band(repo, **QUERIES[0][1])
        out["cold_seconds"] = time.perf_counter() - start
        out["n"] = {}
        for label, kwargs in QUERIES:
            out[label] = _best(lambda kwargs=kwargs: band(repo, **kwargs))
            out["n"][label] = band(repo, **kwargs).n
        del first
    out["rss_mb"] = _rss_mb()
    return out


def job_cells(url: str) -> dict[str, Any]:
    """Every market cell of the store computed again (``MarketRepository.refresh_cells``)."""
    from offerlab.store import MarketRepository, Store

    with Store(url) as store:
        start = time.perf_counter()
        written = MarketRepository(store).refresh_cells()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "cells": written, "rss_mb": _rss_mb()}


def _pandas_frame(file: str, rows: int | None) -> Any:
    import pandas as pd

    frame = pd.read_csv(
        file,
        nrows=rows,
        na_values=["NA", ""],
        keep_default_na=False,
        dtype={
            "company": "string",
            "level": "string",
            "title": "string",
            "location": "string",
            "tag": "string",
        },
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="%m/%d/%Y %H:%M:%S")
    return frame


def job_pandas_import(file: str, rows: str, target: str) -> dict[str, Any]:
    start = time.perf_counter()
    frame = _pandas_frame(file, int(rows))
    Path(target).unlink(missing_ok=True)
    with sqlite3.connect(target) as con:
        frame.to_sql("records", con, index=False, chunksize=100_000)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(frame), "rss_mb": _rss_mb()}


def job_pandas_query(file: str) -> dict[str, Any]:
    """The same bands in plain pandas: normalised labels mapped once per distinct value."""
    import pandas as pd

    from offerlab.market.normalize import (
        canonical_company,
        location_matches,
        normalize_level,
        parse_location,
        specialty,
    )

    def clean(value: Any) -> Any:
        return None if pd.isna(value) else value

    start = time.perf_counter()
    frame = _pandas_frame(file, None)
    company = frame["company"].map({c: canonical_company(c) for c in frame["company"].unique()})
    frame["company_c"] = company
    pairs = frame[["company_c", "level"]].drop_duplicates()
    levels = {(c, lv): normalize_level(c, clean(lv)) for c, lv in pairs.itertuples(index=False)}
    frame["level_c"] = [levels[k] for k in zip(frame["company_c"], frame["level"], strict=True)]
    tags = frame[["tag", "title"]].drop_duplicates()
    spec = {(g, t): specialty(clean(g), clean(t)) for g, t in tags.itertuples(index=False)}
    frame["specialty"] = [spec[k] for k in zip(frame["tag"], frame["title"], strict=True)]
    places = {p: parse_location(clean(p)) for p in frame["location"].unique()}
    load_seconds = time.perf_counter() - start

    def query(kwargs: dict[str, str]) -> dict[str, list[float]]:
        """Mask on the normalised labels, then NumPy percentiles of each component > 0."""
        mask = frame["company_c"] == canonical_company(kwargs["company"])
        mask &= frame["level_c"] == normalize_level(
            canonical_company(kwargs["company"]), kwargs["level"]
        )
        if "tag" in kwargs:
            mask &= frame["specialty"] == specialty(kwargs["tag"])
        if "location" in kwargs:
            wanted = [p for p, loc in places.items() if location_matches(loc, kwargs["location"])]
            mask &= frame["location"].isin(wanted)
        chosen = frame[mask]
        out: dict[str, list[float]] = {"n": [float(len(chosen))]}
        for name, column in (
            ("base", "basesalary"),
            ("stock", "stockgrantvalue"),
            ("bonus", "bonus"),
            ("total", "totalyearlycompensation"),
        ):
            values = chosen[column].to_numpy(dtype=np.float64)
            values = values[values > 0]
            out[name] = list(np.percentile(values, [10, 25, 50, 75, 90])) if values.size else []
        return out

    result: dict[str, Any] = {"load_seconds": load_seconds, "n": {}}
    for label, kwargs in QUERIES:
        result[label] = _best(lambda kwargs=kwargs: query(kwargs))
        result["n"][label] = int(query(kwargs)["n"][0])
    result["rss_mb"] = _rss_mb()
    return result


JOBS: dict[str, Callable[..., dict[str, Any]]] = {
    "import": job_import,
    "query": job_query,
    "cells": job_cells,
    "pandas-import": job_pandas_import,
    "pandas-query": job_pandas_query,
}


if __name__ == "__main__":
    print(json.dumps(JOBS[sys.argv[1]](*sys.argv[2:])))
