"""The store on SQLite (records in DuckDB) and PostgreSQL: migrations, import, queries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect

from offerlab.errors import InputError, ProblemsError
from offerlab.market.ports import RecordQuery
from offerlab.store import MarketRepository, Store
from offerlab.store.database import current_revision, head_revision
from tests.market.helpers import sample_rows, write_csv


def test_migrates_on_first_use(store_url: str) -> None:
    with Store(store_url) as store:
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
    assert {"sources", "records", "company_norm", "level_norm", "location_norm"} <= tables


def test_import_and_query(repo: MarketRepository, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(8))
    result = repo.import_file(path)
    assert (result.read, result.added, result.duplicates, result.already) == (8, 8, 0, False)
    assert repo.count() == 8
    [source] = repo.sources()
    assert source.name == "a.csv"
    assert len(source.content_hash) == 64
    assert source.rows_added == 8
    found = repo.records_of(RecordQuery(company="microsoft corp", level="L62"))
    assert len(found) == 8
    first = found[0]
    assert first.company == "Microsoft"
    assert first.level == "62"
    assert first.location.city == "Redmond"
    assert first.base == Decimal("150000.00")
    assert isinstance(first.total, Decimal)
    assert first.specialty == "ML / AI"


def test_same_file_twice_adds_nothing(repo: MarketRepository, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(6))
    repo.import_file(path)
    again = repo.import_file(path)
    assert again.already
    assert again.added == 0
    assert repo.count() == 6
    assert len(repo.sources()) == 1


def test_overlapping_file_adds_only_new_records(repo: MarketRepository, tmp_path: Path) -> None:
    rows = sample_rows(6)
    repo.import_file(write_csv(tmp_path / "a.csv", rows[:4]))
    second = repo.import_file(write_csv(tmp_path / "b.csv", rows))
    assert (second.read, second.added, second.duplicates) == (6, 2, 4)
    assert repo.count() == 6


def test_bad_row_writes_nothing(repo: MarketRepository, tmp_path: Path) -> None:
    rows = sample_rows(5)
    rows[2] = rows[2].replace(",30000,", ",lots,")
    with pytest.raises(ProblemsError) as caught:
        repo.import_file(write_csv(tmp_path / "bad.csv", rows))
    [problem] = caught.value.problems
    assert problem.location == "line 4"
    assert "stock" in problem.message
    assert repo.count() == 0
    assert repo.sources() == []


def test_skip_bad_imports_the_good_rows(repo: MarketRepository, tmp_path: Path) -> None:
    rows = sample_rows(5)
    rows[1] = rows[1].replace(",USD,", ",XYZ,")
    result = repo.import_file(write_csv(tmp_path / "bad.csv", rows), skip_bad=True)
    assert result.added == 4
    assert [p.location for p in result.skipped] == ["line 3"]
    assert repo.count() == 4


def test_missing_column_is_an_input_error(repo: MarketRepository, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["Microsoft,100"], header="company,base")
    with pytest.raises(InputError, match=r"missing columns? .*total"):
        repo.import_file(path)
    assert repo.count() == 0


def test_json_import(repo: MarketRepository, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        '[{"company": "Google", "level": "L5", "currency": "USD", "total": 350000, '
        '"base": 200000, "date": "2021-03-01"},'
        ' {"company": "google", "level": "L5", "currency": "USD", "total": 360000.5}]'
    )
    result = repo.import_file(path)
    assert result.added == 2
    assert result.source.format == "json"
    [one, two] = repo.records_of(RecordQuery(company="Google", level="L5"))
    assert {one.total, two.total} == {Decimal("350000.00"), Decimal("360000.50")}


def test_band_matches_numpy_on_each_backend(repo: MarketRepository, tmp_path: Path) -> None:
    from datetime import date

    import numpy as np

    from offerlab.market.bands import band, level_stats

    rows = sample_rows(9)
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    got = band(repo, company="Microsoft", level="62", tag="ML / AI", location="Redmond")
    bases = np.array([150000 + 1000 * i for i in range(9)], dtype=float)
    expected = np.percentile(bases, [10, 25, 50, 75, 90])
    base = got.components["base"]
    assert base is not None
    assert base.values is not None
    assert [float(v) for _, v in base.values.points()] == pytest.approx(expected.tolist())
    later = band(repo, company="Microsoft", level="62", as_of=date(2022, 1, 1), growth_pct=5)
    total = later.components["total"]
    assert total is not None
    assert total.values is not None
    assert total.values.p50 > Decimal("204000")
    assert [s.level for s in level_stats(repo, "Microsoft")] == ["62"]


def test_queries_see_later_imports(repo: MarketRepository, tmp_path: Path) -> None:
    from offerlab.market.bands import band

    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(6)))
    assert band(repo, company="Microsoft", level="62").n == 6
    more = [r.replace("Software Engineer", "Data Scientist") for r in sample_rows(4)]
    repo.import_file(write_csv(tmp_path / "b.csv", more))
    assert band(repo, company="Microsoft", level="62").n == 10


def test_progress_is_reported(repo: MarketRepository, tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    repo.import_file(
        write_csv(tmp_path / "a.csv", sample_rows(5)),
        progress=lambda stage, fraction: seen.append((stage, fraction)),
    )
    stages = [stage for stage, _ in seen]
    assert stages[0] == "reading"
    assert "storing" in stages
    assert seen[-1] == ("done", 1.0)
    assert all(0.0 <= fraction <= 1.0 for _, fraction in seen)
