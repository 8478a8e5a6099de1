"""Community offers from India: read as they are, rows accounted for, bands in rupees.

Figures are checked against a direct computation on ../shared/data/
leetcode_india_offers_2025_2026.json with json and NumPy.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from offerlab.errors import ProblemsError
from offerlab.market.india import (
    community_band,
    is_india_offers,
    parse_india,
    parse_india_text,
    role_levels,
)

AS_OF = date(2026, 12, 3)


def _cents(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        key = json.dumps(row, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def test_the_file_is_recognised_from_its_content(india_json):
    data = json.loads(india_json.read_text(encoding="utf-8"))
    assert is_india_offers(data)
    assert not is_india_offers([{"company": "x", "total": 1}])
    assert not is_india_offers({"id": 1})


def test_every_row_is_accounted_for(india_json):
    data = json.loads(india_json.read_text(encoding="utf-8"))
    parsed = parse_india(india_json)
    unique = _unique(data)
    with_amount = [r for r in unique if r["base"] is not None or r["total"] is not None]
    report = parsed.report()
    assert report["rows_read"] == len(data) == 2913
    assert report["identical_dropped"] == len(data) - len(unique) == 2
    assert report["no_amount_dropped"] == len(unique) - len(with_amount)
    assert report["kept"] == len(with_amount)
    assert report["base_only"] == sum(1 for r in with_amount if r["total"] is None)
    assert report["total_only"] == sum(1 for r in with_amount if r["base"] is None)
    assert report["base_and_total"] + report["base_only"] + report["total_only"] == parsed.kept
    assert report["unknown_location"] == sum(1 for r in with_amount if not r["location"].strip())
    ids: dict[int, int] = {}
    for r in with_amount:
        ids[r["id"]] = ids.get(r["id"], 0) + 1
    assert report["rows_sharing_an_id"] == sum(n for n in ids.values() if n > 1) > 0
    assert report["years_written_at_least"] == 1


def test_amounts_are_rupees_and_roles_stay_as_written(india_json):
    parsed = parse_india(india_json)
    first = parsed.offers[0]
    assert first.currency == "INR"
    assert first.company == "Walmart"
    assert first.role == "SSE"
    assert first.levels == ()
    assert first.base == Decimal("2095000")  # 20.95 lakh
    assert first.total == Decimal("3446000")
    assert first.location.raw == ""
    assert first.location.city is None
    senior = next(o for o in parsed.offers if o.years_at_least)
    assert senior.years_experience == Decimal(20)
    microsoft = next(o for o in parsed.offers if o.company == "Microsoft" and o.role == "SDE 2")
    assert microsoft.levels == ("61", "62")
    assert role_levels("Amazon", "sde 1") == ("L4",)


def _direct_band(path: Path, role: str, place: str | None) -> tuple[list[float], list[float]]:
    rows = _unique(json.loads(path.read_text(encoding="utf-8")))
    picked = [
        r
        for r in rows
        if r["company"] == "Microsoft"
        and r["role"] == role
        and (place is None or r["location"] == place)
        and r["date"][:10] <= AS_OF.isoformat()
    ]
    bases = [r["base"] * 100000 for r in picked if r["base"] is not None]
    totals = [r["total"] * 100000 for r in picked if r["total"] is not None]
    return bases, totals


def test_a_bengaluru_microsoft_sde_2_band_in_rupees_equals_a_direct_computation(india_json):
    parsed = parse_india(india_json)
    band = community_band(
        parsed.offers, company="Microsoft", level="SDE 2", location="Bengaluru", as_of=AS_OF
    )
    assert band is not None
    bases, totals = _direct_band(india_json, "SDE 2", "Bengaluru")
    assert band.currency == "INR"
    assert band.kind == "community"
    assert band.n == len(bases) == 13
    assert band.base is not None
    assert band.total is not None
    expected = [_cents(v) for v in np.percentile(bases, [10, 25, 50, 75, 90])]
    assert [band.base.p10, band.base.p25, band.base.p50, band.base.p75, band.base.p90] == expected
    assert band.total.p50 == _cents(np.percentile(totals, 50))
    assert band.total.n == len(totals)
    assert band.match == "exact"
    assert band.confidence == "medium"  # n 13 (fair), 1.1 years (fair), exact


def test_a_level_spans_the_role_and_is_graded_a_wider_match(india_json):
    parsed = parse_india(india_json)
    band = community_band(
        parsed.offers, company="Microsoft", level="62", location="Bengaluru", as_of=AS_OF
    )
    assert band is not None
    assert band.match == "company"
    assert "SDE 2 is 61-62" in " ".join(band.notes)


def test_too_few_offers_in_a_place_widen_to_every_place_and_say_so(india_json):
    parsed = parse_india(india_json)
    band = community_band(
        parsed.offers, company="Microsoft", level="SSE", location="Bengaluru", as_of=AS_OF
    )
    assert band is not None
    bases, _ = _direct_band(india_json, "SSE", None)
    assert band.n == len(bases)
    assert band.match == "company"
    assert "only 4 offers name Bengaluru" in band.notes[0]


def test_offers_after_the_as_of_date_are_left_out(india_json):
    parsed = parse_india(india_json)
    early = community_band(
        parsed.offers, company="Microsoft", level="SDE 2", location=None, as_of=date(2025, 3, 1)
    )
    assert early is not None
    assert early.last_date is not None
    assert early.last_date <= date(2025, 3, 1)


ROW = '{"id": 1, "date": "2025-05-01T10:00:00+00:00", "location": "", "company": "Microsoft", '


def test_a_malformed_row_fails_the_whole_file_with_item_and_line():
    text = (
        "[\n"
        + ROW
        + '"role": "SDE 2", "yoe": 3, "base": 30, "total": 45},\n'
        + "[1, 2],\n"
        + ROW
        + '"role": "SDE 2", "yoe": 3, "base": "thirty", "total": 45},\n'
        + '{"id": 2, "date": "soon", "location": "", "company": "", "role": "x", "yoe": "a lot",'
        + ' "base": true, "total": null},\n'
        + '{"id": 3}\n'
        + "]\n"
    )
    with pytest.raises(ProblemsError) as caught:
        parse_india_text(text, "offers.json")
    lines = caught.value.lines()
    assert "offers.json: item 2 (line 3): is a list, not an object" in lines[0]
    assert any("item 3 (line 4), base: 'thirty' is not a number" in line for line in lines)
    assert any("item 4 (line 5), date: 'soon' is not a date" in line for line in lines)
    assert any("item 4 (line 5), company: is empty" in line for line in lines)
    assert any("item 4 (line 5), yoe: 'a lot' is not a number of years" in line for line in lines)
    assert any("item 4 (line 5), base: True is not a number" in line for line in lines)
    assert any("item 5 (line 6): has no date, location" in line for line in lines)
    assert "nothing was read" in caught.value.summary


def test_same_id_offers_are_kept_and_identical_rows_dropped():
    one = ROW + '"role": "SDE 2", "yoe": 3, "base": 30, "total": 45}'
    other = ROW + '"role": "SDE 1", "yoe": 1, "base": 20, "total": null}'
    parsed = parse_india_text(f"[{one},{other},{one}]", "offers.json")
    assert parsed.kept == 2
    assert parsed.identical_dropped == 1
    assert parsed.shared_ids == 2
    assert parsed.base_only == 1
