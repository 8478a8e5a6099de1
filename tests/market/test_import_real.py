"""Importing the real levels.fyi file: every row, its traps handled, once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from offerlab.market.ports import RecordQuery
from offerlab.store import MarketRepository


def test_every_row_is_imported(real_repo: MarketRepository) -> None:
    assert real_repo.count() == 62_642
    [source] = real_repo.sources()
    assert source.format == "levelsfyi"
    assert source.name == "levels.fyi"
    assert (source.rows_read, source.rows_added, source.rows_skipped) == (62_642, 62_642, 0)


def test_second_import_adds_nothing(real_repo: MarketRepository, real_csv: Path) -> None:
    again = real_repo.import_file(real_csv)
    assert again.already
    assert again.added == 0
    assert real_repo.count() == 62_642


def test_company_spellings_are_one_company(real_repo: MarketRepository) -> None:
    spellings = real_repo.company_raws("Microsoft")
    assert {"Microsoft", "microsoft", "MICROSOFT", "Microsoft Corporation"} <= set(spellings)
    data = real_repo.components(RecordQuery(company="microsoft"))
    assert data is not None
    # 5,252 spelled "microsoft" in any case or with "Corporation", plus 7 written MSFT/Msft.
    assert data["total"].size == 5_259


def test_level_spellings_normalise(real_repo: MarketRepository) -> None:
    l62 = real_repo.components(RecordQuery(company="Microsoft", level="L62"))
    plain = real_repo.components(RecordQuery(company="Microsoft", level="62"))
    assert l62 is not None
    assert plain is not None
    assert l62["total"].size == plain["total"].size > 700


def test_first_row_as_reported(real_repo: MarketRepository) -> None:
    found = [
        r
        for r in real_repo.records_of(RecordQuery(company="Oracle", level="L3"), limit=1000)
        if r.reported_on is not None
        and r.reported_on.isoformat() == "2017-06-07"
        and r.title_raw == "Product Manager"
    ]
    [row] = found
    assert row.title_raw == "Product Manager"
    assert row.total == Decimal("127000.00")
    assert (row.base, row.stock, row.bonus) == (
        Decimal("107000.00"),
        Decimal("20000.00"),
        Decimal("10000.00"),
    )
    assert row.location.raw == "Redwood City, CA"
    assert row.location.city == "Redwood City"
    assert row.currency == "USD"
    assert row.reported_on is not None
    assert row.reported_on.isoformat() == "2017-06-07"
    assert row.years_experience == Decimal("1.50")


def test_base_zero_is_kept_as_reported(real_repo: MarketRepository) -> None:
    rows = real_repo.records.rows("SELECT count(*) FROM records WHERE base = 0")
    assert rows[0][0] == 2_304
