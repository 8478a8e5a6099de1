"""Every source side by side for one query: the issue's done-when figures, checked against a
direct computation on the shared files (csv, json, pandas, NumPy)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from offerlab.errors import InputError, NotFoundError
from offerlab.market.evidence_answer import EvidenceQuery, answer_evidence
from offerlab.market.india import parse_india
from offerlab.market.normalize import (
    canonical_company,
    location_matches,
    normalize_level,
    parse_location,
    specialty,
)
from offerlab.market.restate import measured_index
from offerlab.scenarios.currency import RatesTable, parse_rate_flag

START = date(2027, 1, 4)


def _cents(value: float | Decimal) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def test_a_microsoft_62_redmond_ml_offer_starting_2027_shows_every_source(real_csv, oews_csv):
    query = EvidenceQuery(
        as_of=START, company="Microsoft", level="62", title="ML Engineer", location="Redmond, WA"
    )
    answer = answer_evidence(query)
    kinds = [(b.kind, b.source) for b in answer.bands]
    assert kinds == [
        ("records", "levels.fyi records 2017-2021 (Kaggle)"),
        ("official", "BLS OEWS May 2025"),
        ("guide", "seed-001-negotiation-guide"),
        ("guide", "seed-002-ai-engineers-editorial-2026"),
    ]
    records, official, wide, exact = answer.bands

    # levels.fyi, restated: the group by hand from the CSV, its median date, the measured rate.
    with real_csv.open(newline="", encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["company"].strip()
            and canonical_company(r["company"]) == "Microsoft"
            and normalize_level("Microsoft", r["level"]) == "62"
            and specialty(r["tag"], r["title"]) == "ML / AI"
            and location_matches(parse_location(r["location"]), "Seattle metro")
        ]
    assert records.n == len(rows) == 49
    days = sorted(
        date(int(y), int(m), int(d))
        for m, d, y in (r["timestamp"].split()[0].split("/") for r in rows)
    )
    median = days[(len(days) - 1) // 2]
    assert records.median_date == median == date(2020, 1, 15)
    years = (Decimal((START - median).days) / Decimal("365.2425")).quantize(Decimal("0.01"))
    assert records.age_years == years == Decimal("6.97")
    assert records.restated is not None
    assert records.restated.years == years
    assert records.restated.rate_pct == measured_index().rate_pct == Decimal("1.8157")
    factor = (1 + measured_index().rate) ** years
    totals = [float(r["totalyearlycompensation"]) for r in rows]
    assert records.total is not None
    assert records.total.p50 == _cents(_cents(np.percentile(totals, 50)) * factor)
    assert records.confidence == "low"  # data 7 years old
    assert records.grade.why == "low: 7.0 years old, over 2"

    # OEWS: as published, Seattle-Tacoma-Bellevue Software Developers, May 2025.
    frame = pd.read_csv(oews_csv, dtype=str, keep_default_na=False)
    seattle = frame[
        (frame["AREA_TITLE"] == "Seattle-Tacoma-Bellevue, WA")
        & (frame["OCC_CODE"] == "15-1252")
        & (frame["NAICS"] == "000000")
    ].iloc[0]
    assert official.base is not None
    assert official.base.p50 == Decimal(seattle["A_MEDIAN"]) == Decimal(167280)
    assert official.restated is None
    assert official.reference_date == date(2025, 5, 12)
    assert official.confidence == "low"  # every employer, not Microsoft 62

    # The guides' rows, as stated.
    assert wide.base is not None
    assert (wide.base.low, wide.base.high) == (Decimal(165000), Decimal(230000))
    assert exact.base is not None
    assert (exact.base.low, exact.base.high) == (Decimal(155000), Decimal(180000))

    data = answer.as_json()
    assert data["headline"] == 0
    assert "measures total pay" in data["why"]
    assert data["as_of"] == "2027-01-04"
    for band in data["bands"]:
        assert band["confidence"] in {"high", "medium", "low"}
        assert "age_years" in band


def test_a_bengaluru_microsoft_sde_2_offer_in_inr_gets_a_community_band(india_json):
    offers = parse_india(india_json).offers
    query = EvidenceQuery(
        as_of=date(2026, 12, 3),
        company="Microsoft",
        level="SDE 2",
        location="Bengaluru",
        currency="INR",
    )
    answer = answer_evidence(query, community=offers)
    community = next(b for b in answer.bands if b.kind == "community")
    assert community.currency == "INR"
    assert community.exchange_rate is None  # already in rupees: no conversion
    rows = json.loads(india_json.read_text(encoding="utf-8"))
    unique = {json.dumps(r, sort_keys=True): r for r in rows}.values()
    bases = [
        r["base"] * 100000
        for r in unique
        if r["company"] == "Microsoft"
        and r["role"] == "SDE 2"
        and r["location"] == "Bengaluru"
        and r["base"] is not None
    ]
    assert community.n == len(bases) == 13
    assert community.restated is not None  # median report 2025-10-11, over a year before
    factor = (1 + measured_index().rate) ** community.restated.years
    assert community.base is not None
    assert community.base.p50 == _cents(_cents(np.percentile(bases, 50)) * factor)
    assert answer.headline == answer.bands.index(community)
    assert answer.as_json()["currency"] == "INR"
    assert all(b.currency == "INR" for b in answer.bands)
    assert not any(b.kind == "official" for b in answer.bands)
    assert not any(b.kind == "guide" for b in answer.bands)
    assert any("OEWS covers only the United States" in n for n in answer.notes)
    assert any("the guides' tables state US pay" in n for n in answer.notes)


def test_conversion_names_its_rate_and_a_missing_rate_names_the_rate_to_add():
    query = EvidenceQuery(as_of=START, company="Microsoft", level="62", currency="GBP")
    rates = RatesTable.bundled().with_rates([parse_rate_flag("USD:GBP=0.74@2026-12-10")])
    answer = answer_evidence(query, rates=rates)
    for band in answer.bands:
        assert band.currency == "GBP"
        assert band.exchange_rate is not None
        assert band.exchange_rate.date == date(2026, 12, 10)
        assert band.as_json()["exchange_rate"]["warning"] is None  # 25 days old
    older = RatesTable.bundled().with_rates([parse_rate_flag("USD:GBP=0.74@2026-12-01")])
    (first, *_) = answer_evidence(query, rates=older).bands
    assert "34 days older than 2027-01-04" in first.as_json()["exchange_rate"]["warning"]
    early = EvidenceQuery(as_of=date(2024, 6, 1), company="Microsoft", level="62", currency="GBP")
    with pytest.raises(InputError, match=r"--rate USD:GBP=VALUE@YYYY-MM-DD"):
        answer_evidence(early)


def test_no_source_at_all_says_why():
    query = EvidenceQuery(as_of=START, company="Initech", level="L3", location="London")
    with pytest.raises(NotFoundError, match="OEWS covers only the United States"):
        answer_evidence(query)
