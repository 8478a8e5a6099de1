"""``market sources|audit|levels|map`` through a Typer app that registers them."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from offerlab.cli.common import OfferlabGroup
from offerlab.cli.market_reference import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(cls=OfferlabGroup, pretty_exceptions_enable=False, add_completion=False)
    market = typer.Typer()
    register(market)
    app.add_typer(market, name="market")
    return app


APP = _app()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(APP, ["market", *args])
    return result.exit_code, result.stdout, result.stderr


def test_sources() -> None:
    code, out, _ = run("sources", "--json")
    assert code == 0
    data = json.loads(out)
    kinds = {s["name"]: s["kind"] for s in data["sources"]}
    assert kinds["seed-001-negotiation-guide"] == "seed-guide"
    assert kinds["levels.fyi records 2017-2021 (Kaggle)"] == "derived-records"
    assert set(data["sources"][0]) == {
        "name", "title", "publisher", "date", "licence", "location", "kind", "description",
    }  # fmt: skip
    code, out, _ = run("sources")
    assert code == 0
    assert "Valenx Press" in out


def test_audit() -> None:
    code, out, _ = run("audit", "--json")
    assert code == 0
    data = json.loads(out)
    target = [
        f
        for f in data["findings"]
        if f["check"] == "package-total"
        and "Scenario 1" in f["subject"]
        and "Target" in f["subject"]
    ]
    assert len(target) == 1
    assert target[0]["stated"][0]["value"] == 346500
    assert [c["value"] for c in target[0]["computed"]] == [376500, 316500, 331500]
    assert data["counts"]["cannot-check"] >= 4
    code, out, _ = run("audit", "--source", "seed-002-ai-engineers-editorial-2026")
    assert code == 0
    assert "cannot be checked" in " ".join(out.split())
    code, _, err = run("audit", "--source", "nope")
    assert code == 2
    assert "known sources" in err


def test_levels() -> None:
    code, out, _ = run("levels", "Microsoft", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["company"] == "Microsoft"
    assert [lvl["level"] for lvl in data["levels"]][:3] == ["59", "60", "61"]
    assert data["levels"][3]["median_total"] == 180000
    assert data["levels"][3]["median_years_experience"] == 6
    assert data["levels"][3]["median_total_2022"] == 193000
    code, out, _ = run("levels", "microsoft", "--tag", "ml/ai")
    assert code == 0
    assert "Microsoft levels (ML / AI)" in out


def test_map() -> None:
    code, out, _ = run("map", "--from", "Google:L5", "--to", "Microsoft", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["from"] == "Google:L5"
    assert data["to"][0]["level"] == "63"
    assert data["to"][0]["score"] == 1.0
    assert "61-62" in data["evidence"]["disagreements"][0]
    code, out, _ = run("map", "--from", "Google:L5", "--to", "Microsoft")
    assert code == 0
    assert "disagreement" in out


def test_unknown_names_exit_2_with_the_known_ones() -> None:
    code, _, err = run("levels", "Initech")
    assert code == 2
    assert "no levels known for company 'Initech'" in err
    assert "Microsoft, Google" in err
    code, _, err = run("map", "--from", "Initech:L5", "--to", "Microsoft")
    assert code == 2
    assert "Initech" in err
    code, _, err = run("map", "--from", "Google:L99", "--to", "Microsoft")
    assert code == 2
    assert "known levels" in err
    code, _, err = run("map", "--from", "Google", "--to", "Microsoft")
    assert code == 2
    assert "COMPANY:LEVEL" in err
