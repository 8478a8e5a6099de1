"""Bands: percentiles over records (checked against NumPy on the CSV), k, --as-of, bundled."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError, NotFoundError
from offerlab.market.bands import band, growth_rate, level_stats
from offerlab.market.bundled import bundled_band
from offerlab.market.ports import RecordQuery
from offerlab.store import MarketRepository
from tests.market.helpers import direct_band, sample_rows, write_csv

runner = CliRunner()
KEYS = ["p10", "p25", "p50", "p75", "p90"]


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_microsoft_62_ml_redmond_matches_numpy_on_the_file(
    real_repo: MarketRepository, real_csv: Path
) -> None:
    expected = direct_band(real_csv, "Microsoft", "62", "ML / AI", "Redmond")
    got = band(real_repo, company="Microsoft", level="62", tag="ML / AI", location="Redmond")
    assert got.basis == "records"
    assert got.n == expected["total"][0] >= 30
    for name, (n, points) in expected.items():
        component = got.components[name]
        assert component is not None
        assert component.n == n
        assert component.values is not None
        assert [float(getattr(component.values, k)) for k in KEYS] == pytest.approx(
            points, abs=0.006
        )
    assert got.sources[0]["name"] == "levels.fyi"


def test_spellings_of_the_query_give_the_same_band(real_repo: MarketRepository) -> None:
    one = band(real_repo, company="MICROSOFT", level="L62", tag="ml / ai", location="redmond")
    two = band(real_repo, company="Microsoft", level="62", tag="ML / AI", location="Redmond")
    assert one.as_json()["total"] == two.as_json()["total"]


@pytest.mark.parametrize("place", ["Seattle metro", "WA", "United States"])
def test_location_widens(real_repo: MarketRepository, place: str) -> None:
    redmond = band(real_repo, company="Microsoft", level="62", location="Redmond")
    wider = band(real_repo, company="Microsoft", level="62", location=place)
    assert wider.n > redmond.n


def test_india_is_a_country(real_repo: MarketRepository) -> None:
    india = band(real_repo, company="Microsoft", level="62", location="India")
    assert india.n > 20
    total = india.components["total"]
    assert total is not None
    assert total.values is not None
    assert total.values.p50 < Decimal(100_000)


def test_json_contract_via_cli(real_store_url: str) -> None:
    code, out, err = cli(
        "--db", real_store_url, "market", "bands", "--company", "Microsoft", "--level", "62",
        "--tag", "ML / AI", "--location", "Redmond", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert {"n", "base", "stock", "bonus", "total", "filters", "basis", "sources"} <= set(data)
    for name in ("base", "stock", "bonus", "total"):
        assert all(isinstance(data[name][k], float | int) for k in KEYS)
    assert data["basis"] == "records"
    assert data["filters"]["company"] == "Microsoft"
    assert data["filters"]["level"] == "62"


def test_table_output(real_store_url: str) -> None:
    code, out, _ = cli(
        "market", "bands", "--company", "Microsoft", "--level", "63", "--db", real_store_url
    )
    assert code == 0
    assert "p50" in out
    assert "levels.fyi" in out


def test_fewer_than_k_records_shows_no_band(repo: MarketRepository, tmp_path: Path) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(4)))
    got = band(repo, company="Microsoft", level="62")
    assert got.n == 4
    assert not got.shown
    data = got.as_json()
    assert data["n"] == 4
    assert data["total"] is None
    assert data["base"] is None
    assert "only 4 records match" in data["message"]
    assert band(repo, company="Microsoft", level="62", min_n=4).shown


def test_fewer_than_k_in_one_component(repo: MarketRepository, tmp_path: Path) -> None:
    rows = sample_rows(6)
    rows = [r.replace(",20000,", ",0,", 1) if i < 3 else r for i, r in enumerate(rows)]
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    got = band(repo, company="Microsoft", level="62").as_json()
    assert got["n"] == 6
    assert got["bonus"]["n"] == 3
    assert got["bonus"]["p50"] is None
    assert got["base"]["n"] == 6
    assert got["base"]["p50"] == Decimal("152500.00")


def test_cli_says_how_many_when_below_k(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(3))
    assert cli("market", "import", str(path))[0] == 0
    code, out, _ = cli("market", "bands", "--company", "Microsoft", "--level", "62")
    assert code == 0
    assert "only 3 records match" in out
    # The imported file's band is not shown (3 < 5); the other sources' are, each named.
    assert "only 3 imported records in USD match; a band needs at least 5" in " ".join(out.split())
    assert "a.csv" not in out


def test_as_of_restates_with_a_given_rate(repo: MarketRepository, tmp_path: Path) -> None:
    rows = [
        f'Acme,Engineer,,E3,"Austin, TX",USD,100000,,,{100000 + i},,2020-01-01' for i in range(5)
    ]
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    plain = band(repo, company="Acme", level="E3")
    later = band(repo, company="Acme", level="E3", as_of=date(2022, 1, 1), growth_pct=10)
    years = (date(2022, 1, 1) - date(2020, 1, 1)).days / 365.2425
    factor = 1.1**years
    base = later.components["base"]
    assert base is not None
    assert base.values is not None
    assert float(base.values.p50) == pytest.approx(100000 * factor, abs=0.01)
    assert later.growth is not None
    assert later.growth.basis == "given"
    assert "10% a year" in later.growth.detail
    data = later.as_json()
    assert data["as_of"] == "2022-01-01"
    assert data["growth"]["rate"] == pytest.approx(0.1)
    assert plain.as_json()["as_of"] is None


def test_as_of_leaves_out_later_records(repo: MarketRepository, tmp_path: Path) -> None:
    rows = [f"Acme,Engineer,,E3,,USD,1,,,{100 + i},,2020-0{1 + i}-01" for i in range(8)]
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    got = band(repo, company="Acme", level="E3", as_of=date(2020, 5, 15), growth_pct=0)
    assert got.n == 5


def test_measured_growth_rate(repo: MarketRepository, tmp_path: Path) -> None:
    rows = []
    for k, year in enumerate((2018, 2019, 2020)):
        median = 100000 * 1.08**k
        for i in range(21):
            rows.append(f"Acme,Engineer,,E3,,USD,,,,{median + (i - 10) * 100:.2f},,{year}-06-01")
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    rate = growth_rate(repo, RecordQuery(company="Acme"))
    assert rate.basis == "measured"
    assert rate.rate == pytest.approx(0.08, abs=1e-6)
    assert sorted(rate.medians) == [2018, 2019, 2020]
    got = band(repo, company="Acme", level="E3", as_of=date(2021, 6, 1))
    assert got.growth is not None
    assert "measured from Acme records" in got.growth.detail


def test_growth_needs_two_years(repo: MarketRepository, tmp_path: Path) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(8)))
    with pytest.raises(InputError, match="--growth PCT"):
        band(repo, company="Microsoft", level="62", as_of=date(2022, 1, 1))


def test_growth_is_measured_level_by_level(repo: MarketRepository, tmp_path: Path) -> None:
    # Two levels, each paid 5% more every year, while the mix shifts towards the junior one:
    # the median of all records falls, the level-by-level rate is 5%.
    rows = []
    for k, year in enumerate((2018, 2019, 2020, 2021)):
        for level, pay, count in (("E3", 100000, 20 + 30 * k), ("E5", 200000, 110 - 30 * k)):
            median = pay * 1.05**k
            for i in range(count):
                rows.append(
                    f"Acme,Engineer,,{level},,USD,,,,{median + (i - count // 2):.2f},,{year}-06-01"
                )
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    yearly = repo.yearly_totals(RecordQuery(company="Acme"))
    everyone = [yearly[y][1] for y in sorted(yearly)]
    assert everyone[-1] < everyone[0]  # the naive yearly median falls
    rate = growth_rate(repo, RecordQuery(company="Acme"))
    assert rate.rate == pytest.approx(0.05, abs=2e-3)
    assert "level by level" in rate.detail


def test_measured_growth_on_the_real_data(real_repo: MarketRepository) -> None:
    # Microsoft's yearly medians over all levels and places fall (2017-2021); level by level
    # in Redmond they rise a little.
    naive = real_repo.yearly_totals(RecordQuery(company="Microsoft"))
    years = [y for y in sorted(naive) if naive[y][0] >= 20]
    medians = [naive[y][1] for y in years]
    assert np.polyfit(years, np.log(medians), 1)[0] < 0
    rate = growth_rate(real_repo, RecordQuery(company="Microsoft", location="Redmond"))
    assert 0 < rate.rate < 0.05
    assert "Microsoft records in Redmond level by level" in rate.detail


def test_bundled_answers_when_no_record_matches(repo: MarketRepository) -> None:
    expected = bundled_band("Microsoft", "62", "Redmond")
    assert expected is not None
    assert expected.total is not None
    got = band(repo, company="Microsoft", level="62", location="Redmond")
    assert got.basis == "bundled"
    assert got.n == expected.n
    data = got.as_json()
    assert expected.total.values is not None
    assert data["total"]["p50"] == expected.total.values.p50
    assert data["sources"][0]["name"] == expected.source


def test_records_win_over_bundled(repo: MarketRepository, tmp_path: Path) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(6)))
    got = band(repo, company="Microsoft", level="62", location="Redmond")
    assert got.basis == "records"
    assert got.n == 6


def test_bundled_via_cli_on_a_fresh_install(home: Path) -> None:
    code, out, err = cli(
        "market", "bands", "--company", "Microsoft", "--level", "62", "--location", "Redmond",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["basis"] == "bundled"


def test_nothing_anywhere_is_not_found(repo: MarketRepository) -> None:
    with pytest.raises(NotFoundError, match="no records match"):
        band(repo, company="Nonexistent Widgets", level="3")


def test_mixed_currencies_need_a_choice(repo: MarketRepository, tmp_path: Path) -> None:
    rows = sample_rows(6) + [r.replace(",USD,", ",EUR,") for r in sample_rows(6)]
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    with pytest.raises(InputError, match="EUR, USD"):
        band(repo, company="Microsoft", level="62")
    assert band(repo, company="Microsoft", level="62", currency="eur").currency == "EUR"


def test_since_and_source_filters(repo: MarketRepository, tmp_path: Path) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(8)), name="first")
    assert band(repo, company="Microsoft", level="62", since=date(2021, 5, 1)).n == 4
    assert band(repo, company="Microsoft", level="62", sources=["first"]).n == 8
    with pytest.raises(NotFoundError):
        band(repo, company="Microsoft", level="62", sources=["other"], location="Redmond")


def test_level_stats_on_the_real_data(real_repo: MarketRepository) -> None:
    stats = {s.level: s for s in level_stats(real_repo, "microsoft")}
    assert stats["62"].n > 700
    assert stats["62"].median_years_experience == Decimal("6.00")
    assert stats["63"].median_total is not None
    assert stats["62"].median_total is not None
    assert stats["63"].median_total > stats["62"].median_total
    ladder = [s.level for s in level_stats(real_repo, "Microsoft")]
    assert ladder.index("59") < ladder.index("62") < ladder.index("65")
