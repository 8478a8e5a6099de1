"""``offerlab market import``: bad input is a clear message, exit 2, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.store import MarketRepository, Store
from tests.market.helpers import sample_rows, write_csv

runner = CliRunner()

LEVELSFYI_HEADER = (
    "timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
    "yearsatcompany,tag,basesalary,stockgrantvalue,bonus,gender,otherdetails,rowNumber"
)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def stored(home: Path) -> tuple[int, int]:
    """(sources, records) in the default store under ``home``."""
    with Store(f"sqlite:///{home / 'offerlab.sqlite3'}") as store:
        repo = MarketRepository(store)
        return len(repo.sources()), repo.count()


def levelsfyi_row(i: int, *, total: str = "200000", company: str = "Microsoft") -> str:
    return (
        f'6/7/2019 11:33:27,{company},62,Software Engineer,{total},"Redmond, WA",5,2,ML / AI,'
        f"150000,30000,20000,NA,NA,{i}"
    )


def test_import_levelsfyi_detected(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [levelsfyi_row(i) for i in range(1, 4)], LEVELSFYI_HEADER)
    code, out, err = run("market", "import", str(path))
    assert code == 0, err
    assert "3 records added" in out
    assert "levelsfyi" in out
    assert stored(home) == (1, 3)
    code, out, _ = run("market", "import", str(path))
    assert code == 0
    assert "already imported" in out
    assert stored(home) == (1, 3)


def test_json_output(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(3))
    code, out, _ = run("market", "import", str(path), "--json", "--name", "mine")
    assert code == 0
    data = json.loads(out)
    assert data["added"] == 3
    assert data["source"]["name"] == "mine"
    assert data["already_imported"] is False


def test_non_numeric_amounts_list_every_bad_row(home: Path, tmp_path: Path) -> None:
    rows = [levelsfyi_row(i) for i in range(1, 7)]
    rows[1] = levelsfyi_row(2, total="lots")
    rows[4] = levelsfyi_row(5, total="12k")
    # a quoted field across two lines: the line numbers after it still point at the row
    rows[2] = rows[2].replace("NA,NA,3", 'NA,"two\nlines",3')
    path = write_csv(tmp_path / "l.csv", rows, LEVELSFYI_HEADER)
    code, _, err = run("market", "import", str(path))
    assert code == 2
    assert "Traceback" not in err
    assert "2 bad rows; nothing was imported" in err
    assert "line 3: total lots is not an amount" in err
    assert "line 7: total 12k is not an amount" in err
    assert stored(home) == (0, 0)


def test_skip_bad_imports_the_rest(home: Path, tmp_path: Path) -> None:
    rows = [levelsfyi_row(i) for i in range(1, 6)]
    rows[3] = levelsfyi_row(4, total="lots")
    path = write_csv(tmp_path / "l.csv", rows, LEVELSFYI_HEADER)
    code, out, err = run("market", "import", str(path), "--skip-bad")
    assert code == 0
    assert "4 records added from 5 rows" in out
    assert "1 bad rows skipped" in out
    assert "line 5" in err
    assert stored(home) == (1, 4)


def test_wrong_number_of_fields_is_a_bad_row(home: Path, tmp_path: Path) -> None:
    rows = sample_rows(4)
    rows[1] = rows[1] + ",extra"
    code, _, err = run("market", "import", str(write_csv(tmp_path / "a.csv", rows)))
    assert code == 2
    assert "line 3" in err
    assert stored(home) == (0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("company,base\nMicrosoft,100\n", "missing columns currency, total"),
        ("company,currency,total\n", "no records"),
        ("hello world\n", "not a CSV file with a header row"),
        ("[1, 2, 3]", "expected a JSON list of objects"),
        ('{"company": "x"}', "expected a JSON list of objects"),
        ("[{broken", "not valid JSON"),
        ('[{"company": "A", "total": 1}]', "missing field currency"),
    ],
)
def test_bad_files(home: Path, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.txt"
    path.write_text(content, encoding="utf-8")
    code, _, err = run("market", "import", str(path))
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert stored(home) == (0, 0)


def test_binary_file(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, _, err = run("market", "import", str(path))
    assert code == 2
    assert "not a CSV or JSON file" in err
    assert stored(home) == (0, 0)


def test_missing_file(home: Path, tmp_path: Path) -> None:
    code, _, err = run("market", "import", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "no such file" in err


def test_unknown_currency(home: Path, tmp_path: Path) -> None:
    rows = sample_rows(3)
    rows[0] = rows[0].replace(",USD,", ",ABC,")
    code, _, err = run("market", "import", str(write_csv(tmp_path / "a.csv", rows)))
    assert code == 2
    assert "line 2: unknown currency 'ABC'" in err
    assert stored(home) == (0, 0)


def test_map_unknown_field(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(2))
    code, _, err = run("market", "import", str(path), "--map", "base=salary")
    assert code == 2
    assert "unknown field 'salary'" in err
    assert stored(home) == (0, 0)


def test_map_unknown_column(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(2))
    code, _, err = run("market", "import", str(path), "--map", "pay=base")
    assert code == 2
    assert "has no column 'pay'" in err


def test_map_renames_columns(home: Path, tmp_path: Path) -> None:
    header = "employer,title,tag,level,location,ccy,salary,stock,bonus,tc,years_experience,date"
    path = write_csv(tmp_path / "a.csv", sample_rows(3), header=header)
    code, _, err = run("market", "import", str(path))
    assert code == 2
    assert "missing columns company, currency, total" in err
    code, _out, err = run(
        "market", "import", str(path),
        "--map", "employer=company", "--map", "ccy=currency",
        "--map", "salary=base", "--map", "tc=total",
    )  # fmt: skip
    assert code == 0, err
    assert stored(home) == (1, 3)


def test_json_bad_items_are_located(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            [
                {"company": "A", "currency": "USD", "total": 100},
                {"company": "B", "currency": "USD", "total": "many"},
                {"company": "", "currency": "EUR", "total": 5},
            ]
        )
    )
    code, _, err = run("market", "import", str(path))
    assert code == 2
    assert "item 2: total many is not an amount" in err
    assert "item 3: company is empty" in err
    assert stored(home) == (0, 0)


def test_unknown_format(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", sample_rows(2))
    code, _, err = run("market", "import", str(path), "--format", "xml")
    assert code == 2
    assert "unknown format 'xml'" in err


def test_db_option_selects_the_store(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "x.sqlite3"
    path = write_csv(tmp_path / "a.csv", sample_rows(2))
    code, _, err = run("--db", f"sqlite:///{other}", "market", "import", str(path))
    assert code == 0, err
    assert other.is_file()
    assert other.with_name("x.market.duckdb").is_file()
    assert not (home / "offerlab.sqlite3").exists()
    code, _, err = run("market", "import", str(path), "--db", "mysql://x")
    assert code == 2
    assert "unsupported database URL" in err


def test_imported_files_are_listed_as_sources(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mine.csv", sample_rows(6))
    assert run("market", "import", str(path), "--licence", "CC-BY")[0] == 0
    code, out, _ = run("market", "sources", "--json")
    assert code == 0
    imported = [s for s in json.loads(out)["sources"] if s["kind"] == "imported"]
    assert [(s["name"], s["licence"]) for s in imported] == [("mine.csv", "CC-BY")]
    assert "6 records added from 6 rows" in imported[0]["description"]


def test_bands_name_an_unknown_level_and_why_nothing_answers(home: Path) -> None:
    code, _, err = run("market", "bands", "--company", "Microsoft", "--level", "99")
    assert code == 2
    assert "'99' is not a Microsoft level; Microsoft's levels are 59, 60" in err
    # No records since 2020 and the bundled bands do not answer --since: the company-records
    # part says why, and the other sources (official statistics, the guides) still answer.
    code, out, _ = run(
        "market", "bands", "--company", "Microsoft", "--level", "62", "--since", "2020-01-01"
    )
    assert code == 0
    assert "the bundled bands answer only company + level" in " ".join(out.split())
    assert "import records" in out
    assert "BLS OEWS May 2025" in out
