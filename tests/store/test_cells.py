"""Market cells (``offerlab.store.cells``): the bands computed at import equal the query over the
records, to the last bit, and PostgreSQL's own ``percentile_cont``; imports keep them current;
queries the cells cannot answer exactly read the records."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError
from offerlab.market.bands import band
from offerlab.market.ports import RecordQuery, RecordSummary
from offerlab.market.service import market_evidence
from offerlab.market.stats import COMPONENTS, PERCENTILES
from offerlab.store import MarketRepository, Store
from offerlab.store.cell_models import MarketCell
from offerlab.store.cell_refresh import _percentile_sql, _refresh_lock
from offerlab.store.cells import members_digest, places_of
from offerlab.store.models import Base
from tests.market.helpers import write_csv
from tests.store.conftest import PG_SERVER

HEADER = "company,title,tag,level,location,currency,base,stock,bonus,total,date"

_PLACES = (
    "Redmond, WA",
    "Redmond, UT",  # the same city name in another state: "Redmond" names both
    "Seattle, WA",
    "Bellevue, WA",
    "Bengaluru, KA, India",
    "London, EN, United Kingdom",
    "",
)
_LEVELS = {"Microsoft": ("L62", "62", "63", "59", ""), "Amazon": ("L5", "L6", "SDE II", "")}
_TAGS = ("ML / AI", "Distributed Systems (Back-End)", "", "Machine Learning")


def _rows(count: int, seed: int, companies: tuple[str, ...] = ("Microsoft", "Amazon")) -> list[str]:
    """Varied records: levels as placed and unplaced, tags, places, missing amounts and dates,
    cents, repeated values (ties)."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        company = rng.choice(companies)
        base = rng.choice(
            [
                "",
                "0",
                str(rng.randrange(90, 260) * 1000),
                f"{rng.randrange(90_000, 260_000)}.5{i % 10}",
            ]
        )
        stock = rng.choice(["", "0", str(rng.randrange(0, 200) * 1000)])
        bonus = rng.choice(["", str(rng.randrange(0, 60) * 1000), "12345.67"])
        total = str(rng.randrange(120, 600) * 1000 + (i % 3) * 0.25)
        day = "" if i % 17 == 0 else f"20{rng.randrange(18, 22)}-{rng.randrange(1, 13):02d}-15"
        place = rng.choice(_PLACES)
        level = rng.choice(_LEVELS.get(company, ("",)))
        tag = rng.choice(_TAGS)
        title = rng.choice(["Software Engineer", "Data Scientist", "Machine Learning Engineer"])
        rows.append(
            f'{company},{title},{tag},{level},"{place}",USD,{base},{stock},{bonus},{total},{day}'
        )
    return rows


def _queries() -> Iterator[RecordQuery]:
    for company in ("Microsoft", "microsoft corp", "Amazon", "Google"):
        for level in (None, "62", "L62", "63", "L6", "SDE II", "Staff"):
            for tag in (None, "ML / AI", "Machine Learning", "Distributed Systems (Back-End)"):
                for location in (
                    None,
                    "Redmond",
                    "Redmond, WA",
                    "Seattle metro",
                    "WA",
                    "India",
                    "Mars",
                ):
                    if level is not None and company in ("Google",):
                        continue
                    yield RecordQuery(company=company, level=level, tag=tag, location=location)


def _raw(repo: MarketRepository, query: RecordQuery) -> RecordSummary | None:
    found = repo.where(query)
    if found is None:
        return None
    summary = repo.records.summary(found, None, 0.0)
    return summary if summary.n else None


def test_the_migration_matches_the_models(store_url: str) -> None:
    with Store(store_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "market_" in repr(d)] == []


def test_percentiles_written_out_in_sql_are_numpys_to_the_last_bit() -> None:
    rng = np.random.default_rng(7)
    con = duckdb.connect()
    cases = [
        rng.integers(1, 400, size=n).astype(np.float64) * 1000 for n in (1, 2, 3, 4, 5, 10, 11)
    ]
    cases += [np.round(rng.uniform(1e4, 1e6, size=n), 2) for n in (2, 7, 20, 99, 1000, 4097)]
    cases.append(np.array([100000.01, 100000.02, 100000.03, 100000.05]))
    for values in cases:
        expressions = ", ".join(_percentile_sql("l", p / 100) for p in PERCENTILES)
        got = con.execute(
            f"SELECT {expressions} FROM (SELECT list_sort($v::DOUBLE[]) AS l)",
            {"v": values.tolist()},
        ).fetchone()
        assert got is not None
        assert list(got) == np.percentile(values, PERCENTILES).tolist()


@pytest.mark.parametrize(
    "store_kind", ["sqlite-sql", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_cells_answer_exactly_what_the_records_answer(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = (
        request.getfixturevalue("pg_url")
        if store_kind == "postgres"
        else f"sqlite:///{tmp_path / 'cells.sqlite3'}"
    )
    with Store(url, columnar=False) as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", _rows(400, 1), HEADER))
        repo.import_file(write_csv(tmp_path / "b.csv", _rows(150, 2, ("Amazon",)), HEADER))
        answered = 0
        for query in _queries():
            key = repo._cell_key(query)
            assert key is not None
            cell = repo.records.cell_summary(key)
            raw = _raw(repo, query)
            assert cell is not None, query  # every one of these is a cell
            assert cell.summary == raw, query
            assert repo.summary(query) == raw
            answered += cell.summary is not None
        assert answered > 100
        # The same city name in two states: "Redmond" is both, "Redmond, WA" one of them.
        both = repo.summary(RecordQuery(company="Microsoft", location="Redmond"))
        one = repo.summary(RecordQuery(company="Microsoft", location="Redmond, WA"))
        assert both is not None
        assert one is not None
        assert both.n > one.n


@pytest.mark.postgres
def test_cells_equal_postgresqls_percentile_cont(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", _rows(500, 3), HEADER))
        with store.engine.connect() as conn:
            cells = conn.execute(
                text(
                    "SELECT company, level, currency, total_n, total_p10, total_p50, total_p90, "
                    "base_n, base_p25, base_p75 FROM market_cells "
                    "WHERE specialty = '' AND place = ''"
                )
            ).all()
            assert len(cells) > 5
            for company, level, currency, total_n, t10, t50, t90, base_n, b25, b75 in cells:
                level_filter = ""
                params = {"company": company, "currency": currency}
                if level:
                    level_filter = (
                        " AND coalesce(r.level_raw, '') <> '' "
                        "AND (l.level = :level OR r.level_raw = :level)"
                    )
                    params["level"] = level
                raw = conn.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE r.total > 0), "
                        "percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP "
                        "(ORDER BY CAST(r.total AS DOUBLE PRECISION)) FILTER (WHERE r.total > 0), "
                        "count(*) FILTER (WHERE r.base > 0), "
                        "percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP "
                        "(ORDER BY CAST(r.base AS DOUBLE PRECISION)) FILTER (WHERE r.base > 0) "
                        "FROM records r JOIN company_norm c ON c.company_raw = r.company_raw "
                        "JOIN level_norm l ON l.company_raw = r.company_raw "
                        "AND l.level_raw = coalesce(r.level_raw, '') "
                        f"WHERE c.company = :company AND r.currency = :currency{level_filter}"
                    ),
                    params,
                ).one()
                assert raw[0] == total_n
                assert raw[2] == base_n
                assert [t10, t50, t90] == pytest.approx(raw[1], rel=1e-12)
                if base_n:
                    assert [b25, b75] == pytest.approx(raw[3], rel=1e-12)


@pytest.mark.postgres
def test_an_import_refreshes_the_companies_it_touches(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as reading, Store(pg_url) as writing:
        reader, writer = MarketRepository(reading), MarketRepository(writing)
        writer.import_file(write_csv(tmp_path / "a.csv", _rows(200, 4), HEADER))
        query = RecordQuery(company="Amazon", location="Seattle metro")
        before = reader.summary(query)
        untouched = reader.summary(RecordQuery(company="Microsoft", location="Redmond"))
        with writing.engine.connect() as conn:
            microsoft = conn.execute(
                text(
                    "SELECT * FROM market_cells WHERE company = 'Microsoft' ORDER BY 1, 2, 3, 4, 5"
                )
            ).all()
        band(MarketRepository(reading), company="Amazon", location="Seattle metro")  # remembered
        writer.import_file(write_csv(tmp_path / "b.csv", _rows(60, 5, ("Amazon",)), HEADER))
        # Another process's import: this one's remembered places are a generation old.
        after = reader.summary(query)
        assert before is not None
        assert after is not None
        assert after.n > before.n
        assert after == _raw(reader, query)
        assert reader.summary(RecordQuery(company="Microsoft", location="Redmond")) == untouched
        with writing.engine.connect() as conn:
            again = conn.execute(
                text(
                    "SELECT * FROM market_cells WHERE company = 'Microsoft' ORDER BY 1, 2, 3, 4, 5"
                )
            ).all()
            generation = conn.execute(text("SELECT generation FROM market_cell_state")).scalar()
        assert again == microsoft
        assert generation == 2
        # A bands answer names its sources as of the cells it was read from, also when the
        # reading process remembered the sources of the generation before.
        first = band(MarketRepository(reading), company="Microsoft", location="Redmond")
        assert [s["name"] for s in first.sources] == ["a.csv"]
        both = band(MarketRepository(reading), company="Amazon", location="Seattle metro")
        assert [s["name"] for s in both.sources] == ["a.csv", "b.csv"]


@pytest.mark.postgres
def test_queries_the_cells_cannot_answer_exactly_read_the_records(
    pg_url: str, tmp_path: Path
) -> None:
    rows = [
        f'Microsoft,Software Engineer,,62,"Redmond, WA",USD,{150000 + i * 1000},0,0,'
        f"{200000 + i * 1000},2021-0{1 + i % 9}-15"
        for i in range(12)
    ]
    rows.append('Microsoft,Software Engineer,,62,"Redmond, WA",EUR,140000,0,0,190000,2021-03-15')
    with Store(pg_url) as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", rows, HEADER))
        usd = RecordQuery(company="Microsoft", level="62", currency="USD")
        key = repo._cell_key(usd)
        assert key is not None
        assert repo.records.cell_summary(key) is not None
        # Dates that leave out none of the cell's records: the cell; else the records.
        early = RecordQuery(company="Microsoft", level="62", currency="USD", since=date(2020, 1, 1))
        late = RecordQuery(company="Microsoft", level="62", currency="USD", since=date(2021, 5, 1))
        for query in (early, late):
            key = repo._cell_key(query)
            assert key is not None
            hit = repo.records.cell_summary(key)
            assert (hit is not None) == (query is early)
            assert repo.summary(query) == _raw(repo, query)
        # Two currencies and no --currency: the records say so, as before.
        mixed = RecordQuery(company="Microsoft", level="62")
        key = repo._cell_key(mixed)
        assert key is not None
        assert repo.records.cell_summary(key) is None
        with pytest.raises(InputError, match="USD"):
            band(repo, company="Microsoft", level="62")
        # A title, or sources, are no cell's.
        assert repo._cell_key(RecordQuery(company="Microsoft", title="Software Engineer")) is None
        assert repo._cell_key(RecordQuery(company="Microsoft", sources=("a.csv",))) is None
        # Restated to an as-of date, each record by its own date: the records.
        found = band(
            repo,
            company="Microsoft",
            level="62",
            currency="USD",
            as_of=date(2024, 1, 1),
            growth_pct=2.0,
        )
        assert found.n == 12


@pytest.mark.postgres
def test_cells_missing_are_filled_by_a_refresh(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", _rows(80, 6), HEADER))
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM market_cells"))
            conn.execute(text("DELETE FROM market_cell_state"))
        query = RecordQuery(company="Amazon", level="L6")
        key = repo._cell_key(query)
        assert key is not None
        cells = store.records.cells
        assert cells is not None
        cells.forget()
        assert repo.records.cell_summary(key) is None  # never computed: the records answer
        assert repo.summary(query) == _raw(repo, query)
        written = repo.refresh_cells()
        assert written > 0
        hit = repo.records.cell_summary(key)
        assert hit is not None
        assert hit.summary == _raw(repo, query)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM market_cells")).scalar() == written


def test_the_default_store_keeps_no_cells(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'd.sqlite3'}") as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", _rows(30, 7), HEADER))
        key = repo._cell_key(RecordQuery(company="Amazon"))
        assert key is not None
        assert repo.records.cell_summary(key) is None
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM market_cells")).scalar() == 0


def test_places_and_their_digests() -> None:
    rows = [
        ("Redmond, WA", "Redmond", "WA", "United States", "Seattle metro"),
        ("Redmond, UT", "Redmond", "UT", "United States", None),
        ("Seattle, WA", "Seattle", "WA", "United States", "Seattle metro"),
        ("", None, None, None, None),
    ]
    found = {(p.kind, p.label): p.members for p in places_of(rows)}
    assert found[("city-name", "city-name: Redmond")] == ("Redmond, UT", "Redmond, WA")
    assert found[("city", "city: Redmond, WA, United States")] == ("Redmond, WA",)
    assert found[("metro", "metro: Seattle metro")] == ("Redmond, WA", "Seattle, WA")
    assert found[("region", "region: WA, United States")] == ("Redmond, WA", "Seattle, WA")
    assert found[("country", "country: United States")] == (
        "Redmond, UT",
        "Redmond, WA",
        "Seattle, WA",
    )
    assert members_digest(["b", "a", "a"]) == members_digest(["a", "b"])
    # Two city names, three cities, one metro, two regions, one country.
    assert len({p.key for p in places_of(rows)}) == 9
    assert MarketCell.__tablename__ == "market_cells"
    assert set(COMPONENTS) == {"base", "stock", "bonus", "total"}


@pytest.mark.postgres
def test_db_upgrade_computes_cells_a_store_never_had(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as store:
        MarketRepository(store).import_file(write_csv(tmp_path / "a.csv", _rows(40, 8), HEADER))
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM market_cells"))
            conn.execute(text("DELETE FROM market_cell_state"))
    result = CliRunner().invoke(app, ["--db", pg_url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "market cells over the stored records" in result.output
    again = CliRunner().invoke(app, ["--db", pg_url, "db", "upgrade"])
    assert "market cells" not in again.output


@pytest.mark.postgres
def test_community_reports_stay_out_of_the_cells(pg_url: str, tmp_path: Path) -> None:
    offers = [
        {
            "id": 100 + i,
            "date": f"2025-0{1 + i % 9}-10",
            "location": "Bengaluru",
            "company": "Microsoft",
            "role": "SDE 2",
            "yoe": 3 + i % 4,
            "base": 30 + i,
            "total": 50 + i,
        }
        for i in range(8)
    ]
    community = tmp_path / "offers.json"
    community.write_text(json.dumps(offers), encoding="utf-8")
    with Store(pg_url) as store:
        repo = MarketRepository(store)
        repo.import_file(write_csv(tmp_path / "a.csv", _rows(60, 9, ("Microsoft",)), HEADER))
        repo.import_file(community)
        with store.engine.connect() as conn:
            inr = conn.execute(
                text("SELECT count(*) FROM market_cells WHERE currency = 'INR'")
            ).scalar()
        assert inr == 0
        query = RecordQuery(company="Microsoft")
        key = repo._cell_key(query)
        assert key is not None
        hit = repo.records.cell_summary(key)
        assert hit is not None
        assert hit.summary == _raw(repo, query)
        assert len(repo.community_offers("Microsoft")) == 8


class _CountingEngine:
    """The cells reader's engine, counting the connections it hands out (the cell read runs
    on the driver's cursor, which SQLAlchemy's statement events do not see)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.connections = 0

    def connect(self) -> Any:
        self.connections += 1
        return self.engine.connect()


@pytest.mark.postgres
def test_a_repository_for_one_query_reads_each_cell_once(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as reading, Store(pg_url) as writing:
        MarketRepository(writing).import_file(write_csv(tmp_path / "a.csv", _rows(200, 4), HEADER))
        one = MarketRepository(reading, per_query=True)
        plain = MarketRepository(reading)
        query = RecordQuery(company="Amazon", location="Seattle metro")
        before = one.summary(query)
        assert before is not None
        assert before.currencies == ["USD"]
        cells = reading.records.cells
        assert cells is not None
        counting = _CountingEngine(cells.engine)
        cells.engine = counting  # type: ignore[assignment]
        # The same cell in its one currency, and its dates: from the read above.
        assert one.summary(replace(query, currency="USD")) == before
        assert one.record_dates(replace(query, currency="USD")) == (
            before.first_date,
            before.last_date,
            before.median_date,
        )
        assert counting.connections == 0
        # Another process imports: the query's repository answers from what it read (one
        # answer, one generation); a repository not made for one query sees the import.
        MarketRepository(writing).import_file(
            write_csv(tmp_path / "b.csv", _rows(60, 5, ("Amazon",)), HEADER)
        )
        assert one.summary(query) == before
        after = plain.summary(query)
        assert after is not None
        assert after.n > before.n
        assert after == _raw(plain, query)
        assert MarketRepository(reading, per_query=True).summary(query) == after
        # Its own import makes it read again.
        one.import_file(write_csv(tmp_path / "c.csv", _rows(30, 6, ("Amazon",)), HEADER))
        again = one.summary(query)
        assert again is not None
        assert again.n > after.n


@pytest.mark.postgres
def test_a_bands_answer_from_a_cell_is_one_read(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as store:
        # Every record dated: the records' evidence runs to a date, which leaves undated
        # records out (a cell holding any then cannot answer it).
        dated = [row for row in _rows(300, 7) if not row.endswith(",")]
        MarketRepository(store).import_file(write_csv(tmp_path / "a.csv", dated, HEADER))

        def answer() -> dict[str, Any]:
            found = market_evidence(
                MarketRepository(store, per_query=True),
                company="Microsoft",
                level="62",
                location="Redmond",
                currency="USD",
                today=date(2026, 1, 1),
            )
            return found.as_json()

        first = answer()  # the process learns the places and the sources of this generation
        statements: list[str] = []
        event.listen(
            store.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
        )
        cells = store.records.cells
        assert cells is not None
        counting = _CountingEngine(cells.engine)
        cells.engine = counting  # type: ignore[assignment]
        assert answer() == first
        assert first["n"] > 0
        assert first["bands"][0]["kind"] == "records"
        assert counting.connections == 1  # the band, the records' evidence and their dates
        assert statements == [], "\n".join(s[:150] for s in statements)  # remembered


@pytest.mark.postgres
def test_official_tables_are_remembered_for_a_generation_only(
    pg_url: str, tmp_path: Path, shared_data: Path
) -> None:
    oews = shared_data / "bls_oews_may2025_tech.csv"
    with Store(pg_url) as reading, Store(pg_url) as writing:
        MarketRepository(writing).import_file(write_csv(tmp_path / "a.csv", _rows(50, 8), HEADER))
        query = RecordQuery(company="Microsoft")
        repo = MarketRepository(reading, per_query=True)
        assert repo.summary(query) is not None
        assert repo.official_documents() == []  # remembered for this generation
        # Another process imports an official table (a new generation): the next query sees
        # it, and the process parses it once for the generation.
        MarketRepository(writing).import_file(oews)
        later = MarketRepository(reading, per_query=True)
        assert later.summary(query) is not None
        (document,) = later.official_documents()
        assert document["release_label"] == "May 2025"
        again = MarketRepository(reading, per_query=True)
        assert again.summary(query) is not None
        assert again.official_documents()[0] is document


@pytest.mark.postgres
def test_a_refresh_waits_for_another_in_its_own_schema_only(pg_url: str) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    first, same = create_engine(pg_url), create_engine(pg_url)
    other = create_engine(f"{PG_SERVER}?options=-csearch_path%3D{schema}")
    try:
        with first.begin() as holding, _refresh_lock(holding):
            # Another store of the same database (its own schema) refreshes meanwhile.
            with other.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                with _refresh_lock(conn):
                    pass
            # The same store waits for the refresh under way.
            with same.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock timeout"), _refresh_lock(conn):
                    pass
    finally:
        for engine in (first, same, other):
            engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
