"""market import of community offers, H-1B filings and OEWS files into the store (all or
nothing, recognised from content, twice adds nothing), and market bands over them."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError, ProblemsError
from offerlab.market.ports import RecordQuery
from offerlab.market.service import market_evidence
from offerlab.negotiate import plan_json, plan_negotiation
from offerlab.negotiate.service import RecordsMarketView
from offerlab.offers import offer_from_mapping
from offerlab.store import MarketRepository, Store
from tests.market.xlsx import Cell, write_xlsx

LCA = Path(__file__).parent / "data" / "lca_disclosure_fy2025_sample.csv"
runner = CliRunner()


def _cents(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def test_community_offers_import_as_records_in_rupees(repo: MarketRepository, india_json: Path):
    result = repo.import_file(india_json)
    assert result.source.format == "india"
    assert result.read == 2913
    assert result.added == 2855
    assert result.report["identical_dropped"] == 2
    assert result.report["no_amount_dropped"] == 56
    again = repo.import_file(india_json)
    assert again.already
    assert again.added == 0
    offers = repo.community_offers("Microsoft")
    raw = json.loads(india_json.read_text(encoding="utf-8"))
    unique = {json.dumps(r, sort_keys=True): r for r in raw}.values()
    microsoft = [
        r
        for r in unique
        if r["company"] == "Microsoft" and (r["base"] is not None or r["total"] is not None)
    ]
    assert len(offers) == len(microsoft)
    assert all(o.currency == "INR" for o in offers)
    base_only = [o for o in offers if o.total is None]
    assert base_only  # a row without a total is kept, toward base bands only
    assert all(o.base is not None for o in base_only)


def test_a_records_query_leaves_community_reports_out(repo: MarketRepository, india_json: Path):
    repo.import_file(india_json)
    assert repo.summary(RecordQuery(company="Microsoft")) is None or (
        repo.summary(RecordQuery(company="Microsoft")).n == 0  # type: ignore[union-attr]
    )
    assert repo.level_summary("Microsoft") == []


def test_a_malformed_community_file_imports_nothing(repo: MarketRepository, tmp_path: Path):
    good = (
        '{"id": 1, "date": "2025-05-01T10:00:00+00:00", "location": "", "company": "Microsoft",'
        ' "role": "SDE 2", "yoe": 3, "base": 30, "total": 45}'
    )
    bad = good.replace('"base": 30', '"base": "thirty"')
    path = tmp_path / "offers.json"
    path.write_text(f"[\n{good},\n{bad}\n]\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match=r"item 2 \(line 3\), base: 'thirty' is not a number"):
        repo.import_file(path)
    assert repo.sources() == []
    assert repo.count() == 0


def test_h1b_filings_import_from_csv_and_xlsx(repo: MarketRepository, tmp_path: Path):
    result = repo.import_file(LCA)
    assert result.source.format == "lca"
    assert (result.read, result.added) == (14, 10)
    assert result.report["part_time_dropped"] == 1
    filings = repo.wage_filings("Microsoft")
    assert len(filings) == 7
    assert {f.soc_code for f in filings} == {"15-1252", "15-2051"}
    hourly = next(f for f in filings if f.worksite.city == "Bellevue")
    assert hourly.wage == Decimal("73.56") * 2080
    with LCA.open(newline="", encoding="utf-8") as handle:
        rows: list[list[Cell]] = [list(r) for r in csv.reader(handle)]
    book = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2025_Q2.xlsx", {"Sheet1": rows[:6]})
    from_book = repo.import_file(book)
    assert from_book.source.format == "lca"
    assert from_book.duplicates == 4  # the same certified cases, already stored from the CSV
    assert from_book.added == 0


def test_a_bad_lca_row_imports_nothing(repo: MarketRepository, tmp_path: Path):
    lines = LCA.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "lca.csv"
    path.write_text(
        "\n".join([lines[0], lines[1], lines[2].replace("175000.00", "lots")]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError, match="line 3, WAGE_RATE_OF_PAY_FROM: 'lots'"):
        repo.import_file(path)
    assert repo.sources() == []


def test_an_oews_file_imports_as_an_official_table(repo: MarketRepository, oews_csv: Path):
    result = repo.import_file(oews_csv)
    assert result.source.format == "oews"
    assert result.read == 11451
    assert result.added == 9291
    assert repo.count() == 0  # official statistics are no records
    (document,) = repo.official_documents()
    shipped = (
        Path(__file__).resolve().parents[2] / "src/offerlab/data/market/oews_may2025_tech.json"
    )
    assert document["rows"] == json.loads(shipped.read_text(encoding="utf-8"))["rows"]
    assert document["release_label"] == "May 2025"
    assert repo.import_file(oews_csv).already


def test_an_oews_file_that_does_not_say_its_release_is_refused(
    repo: MarketRepository, oews_csv: Path, tmp_path: Path
):
    copy = tmp_path / "tech.csv"
    copy.write_bytes(oews_csv.read_bytes())
    with pytest.raises(InputError, match="cannot tell which May release"):
        repo.import_file(copy)
    named = repo.import_file(copy, name="BLS OEWS May 2025")
    assert named.source.name == "BLS OEWS May 2025"


def test_a_workbook_of_neither_layout_names_both(repo: MarketRepository, tmp_path: Path):
    book = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["company", "total"], ["Microsoft", 1]]})
    with pytest.raises(InputError, match="neither layout") as caught:
        repo.import_file(book)
    assert "CASE_STATUS" in caught.value.message
    assert "OCC_CODE" in caught.value.message
    assert "found COMPANY, TOTAL" in caught.value.message


def test_bands_combine_every_source_over_the_store(
    repo: MarketRepository, india_json: Path, real_csv: Path
):
    repo.import_file(india_json)
    repo.import_file(real_csv)
    answer = market_evidence(
        repo,
        company="Microsoft",
        level="SDE 2",
        location="Bengaluru",
        currency="INR",
        today=date(2026, 12, 3),
    )
    kinds = [b.kind for b in answer.evidence.bands]
    assert kinds == ["records", "community"]
    community = answer.evidence.bands[1]
    assert answer.evidence.headline == 1
    raw = json.loads(india_json.read_text(encoding="utf-8"))
    unique = {json.dumps(r, sort_keys=True): r for r in raw}.values()
    bases = [
        r["base"] * 100000
        for r in unique
        if r["company"] == "Microsoft"
        and r["role"] == "SDE 2"
        and r["location"] == "Bengaluru"
        and r["base"] is not None
    ]
    assert community.restated is not None
    factor = (1 + Decimal("0.018157")) ** community.restated.years
    assert community.base is not None
    assert community.base.p50 == _cents(float(_cents(np.percentile(bases, 50)) * factor))
    data = answer.as_json()
    assert data["currency"] == "INR"
    assert data["bands"][1]["kind"] == "community"


def test_the_cli_imports_and_answers(home: Path, india_json: Path):
    imported = runner.invoke(app, ["market", "import", str(india_json)])
    assert imported.exit_code == 0, imported.output
    assert "identical dropped: 2" in imported.stdout
    bands = runner.invoke(
        app,
        [
            "market", "bands", "--company", "Microsoft", "--level", "SDE 2",
            "--location", "Bengaluru", "--currency", "INR", "--as-of", "2026-12-03", "--json",
        ],
    )  # fmt: skip
    assert bands.exit_code == 0, bands.output
    data = json.loads(bands.stdout)
    community = next(b for b in data["bands"] if b["kind"] == "community")
    assert community["currency"] == "INR"
    assert community["n"] == 13
    assert data["bands"][data["headline"]]["kind"] == "community"
    typo = runner.invoke(app, ["market", "bands", "--company", "Microsoft", "--level", "99"])
    assert typo.exit_code == 2


def test_a_bengaluru_microsoft_sde_2_offer_in_inr_takes_the_community_band(
    tmp_path: Path, india_json: Path, real_csv: Path
):
    offer = offer_from_mapping(
        {
            "company": "Microsoft",
            "title": "Software Engineer",
            "level": "SDE 2",
            "location": "Bengaluru, India",
            "currency": "INR",
            "base": 3200000,
            "bonus_target_pct": 10,
            "equity": [{"value": 4000000, "schedule": "microsoft"}],
            "start_date": "2026-12-03",
        }
    )
    with Store(f"sqlite:///{tmp_path / 'store.sqlite3'}") as store:
        repo = MarketRepository(store)
        repo.import_file(india_json)
        repo.import_file(real_csv)
        plan = plan_negotiation(offer, RecordsMarketView(repo))
        direct = market_evidence(
            repo,
            company="Microsoft",
            level="SDE 2",
            title="Software Engineer",
            location="Bengaluru, India",
            as_of=date(2026, 12, 3),
        )
    headline = plan.benchmark.headline
    assert headline is not None
    assert headline.kind == "community"
    assert headline.currency == "INR"
    band = plan.benchmark.band
    assert band is not None
    assert band.basis == "community"
    assert band.currency == "INR"
    expected = direct.evidence.headline_band
    assert expected is not None
    assert expected.base is not None
    assert band.base is not None
    assert band.base.p50 == expected.base.p50
    assert band.stock is None  # community reports state no equity split
    assert "the headline of every source" in plan.benchmark.why
    assert plan_json(plan)["benchmark"]["confidence"] == headline.confidence
