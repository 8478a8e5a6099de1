"""Career projection: the offer engine when nothing changes, promotions from market data or a
file, stacking refreshers, stock growth, the JSON contract and bad input."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import ProblemsError
from offerlab.market.levels import company_levels
from offerlab.offers import evaluate, load_offer
from offerlab.scenarios.career import (
    load_promotions,
    market_promotions,
    market_raises,
    project,
)

runner = CliRunner()


def test_without_promotions_it_is_the_offer_engine(examples: Path) -> None:
    # The start-up's company has no market ladder: no promotions, so each year is the
    # engine's year (raises, refreshers stacking, cliff, other items).
    offer = load_offer(examples / "startup-senior-ml.toml")
    path = project(offer, years=8)
    assert path.promotions == ()
    evaluation = evaluate(offer, 8)
    for year, totals in zip(path.years, evaluation.years, strict=True):
        assert year.total.amount == pytest.approx(totals.total.amount, abs=Decimal("1e-6"))
    assert any("no market ladder" in note for note in path.assumptions)


def test_market_promotions_follow_median_years_of_experience(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-target.toml")
    promotions, _ = market_promotions(offer, 10)
    ladder = {s.level: s for s in company_levels("Microsoft")}
    years_62, years_63 = ladder["62"].median_years_experience, ladder["63"].median_years_experience
    assert years_62 is not None
    assert years_63 is not None
    gap = years_63 - years_62
    assert promotions[0].level == "63"
    assert promotions[0].year == 1 + int(gap)
    assert promotions[0].raises == market_raises("Microsoft", "62", "63")
    assert [p.year for p in promotions] == sorted(p.year for p in promotions)


def test_promotion_raises_the_base_and_cumulative_adds_up(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-target.toml")
    path = project(offer, years=10)
    first = path.promotions[0]
    before = path.years[first.year - 2].parts["base"].amount
    after = path.years[first.year - 1].parts["base"].amount
    assert after == pytest.approx(before * (1 + first.raise_pct / 100))
    assert path.years[first.year - 1].level == first.level
    shown = path.shown()
    running = Decimal(0)
    for row in shown:
        running += row["total"]
        assert row["cumulative"] == running


def test_promotions_file(examples: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "promotions.toml"
    plan_file.write_text(
        "raise_pct = 5\nrefresher = 60000\n"
        '[[promotion]]\nyear = 3\nlevel = "63"\nraise_pct = 12\nrefresher = 100000\n',
        encoding="utf-8",
    )
    plan = load_promotions(plan_file)
    offer = load_offer(examples / "msft-l62-target.toml")
    path = project(offer, years=6, plan=plan)
    bases = [y.parts["base"].amount for y in path.years]
    assert bases[1] == pytest.approx(Decimal(210000) * Decimal("1.05"))
    assert bases[2] == pytest.approx(Decimal(210000) * Decimal("1.05") ** 2 * Decimal("1.12"))
    assert [y.level for y in path.years] == ["62", "62", "63", "63", "63", "63"]
    # microsoft schedule: 6.25% a quarter; year 2 gets four vests of the year-2 grant of 60K,
    # year 3 four of the 60K grant and four of the 100K grant (granted at the promotion).
    refreshers = [y.parts["refresher"].amount for y in path.years]
    assert refreshers[0] == 0
    assert refreshers[1] == pytest.approx(Decimal(15000))
    assert refreshers[2] == pytest.approx(Decimal(15000) + Decimal(25000))


def test_stock_growth_values_vests_from_their_grant(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-target.toml")
    flat = project(offer, years=4, growth_pct=Decimal(0))
    grown = project(offer, years=4, growth_pct=Decimal(10))
    year1 = sum(Decimal(18750) * Decimal("1.1") ** (Decimal(m) / 12) for m in (3, 6, 9, 12))
    assert grown.years[0].parts["equity"].amount == pytest.approx(year1)
    assert flat.years[0].parts["equity"].amount == 75000


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[[promotion]]\nyear = 1\nlevel = "63"\n', r"promotion\[0\]\.year: 1 is out of range"),
        ('[[promotion]]\nyear = 4\nlevel = "63"\n[[promotion]]\nyear = 3\nlevel = "64"\n',
         "increasing `year` order"),
        ('bonus = 3\n', "unknown key 'bonus'"),
        ('[[promotion]]\nyear = 3\n', "missing required key"),
    ],
)  # fmt: skip
def test_bad_promotions_files(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError, match=says):
        load_promotions(path)


def _career(*args: str):
    result = runner.invoke(app, ["career", "project", *args])
    return result.exit_code, result.stdout, result.stderr


def test_career_json_contract(examples: Path) -> None:
    code, out, err = _career(str(examples / "msft-l62-target.toml"), "--years", "10", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [y["year"] for y in data["years"]] == list(range(1, 11))
    for row in data["years"]:
        assert {"year", "level", "total", "cumulative"} <= set(row)
        assert isinstance(row["level"], str)
    assert data["years"][-1]["cumulative"] == pytest.approx(sum(y["total"] for y in data["years"]))


def test_career_compare(examples: Path) -> None:
    code, out, err = _career(
        str(examples / "msft-l62-target.toml"),
        "--compare",
        str(examples / "google-l5-kirkland.toml"),
        "--years",
        "6",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["compare"]["name"] == "Google L5"
    for diff, a, b in zip(data["difference"], data["years"], data["compare"]["years"], strict=True):
        assert diff["cumulative"] == pytest.approx(a["cumulative"] - b["cumulative"])
    code, out, _ = _career(
        str(examples / "msft-l62-target.toml"),
        "--compare",
        str(examples / "google-l5-kirkland.toml"),
    )
    assert code == 0
    assert "minus Google L5" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--years", "0"], "--years must be between 1 and 50"),
        (["--promotions", "absent.toml"], "no such file"),
        (["--refresher", "-5"], "--refresher must not be negative"),
        (["--growth", "-100"], "would take the price to zero"),
        (["--compare-promotions", "x.toml"], "--compare-promotions needs --compare"),
    ],
)
def test_career_bad_input(examples: Path, args: list[str], says: str) -> None:
    code, out, err = _career(str(examples / "msft-l62-target.toml"), *args)
    assert code == 2
    assert says in err
    assert "Traceback" not in out + err


def test_a_constant_amount_shows_the_same_cents(examples: Path) -> None:
    # Microsoft 62 promoted to 64 in year 7: a base of 210,000 x 179/148 = 253,986.486...
    # in years 7-9, which rounding over running totals would show as .49 / .48 / .49.
    path = project(
        load_offer(examples / "msft-l62-target.toml"), 10, None, Decimal(0), None, Decimal(80000)
    )
    shown = path.shown()
    assert [row["base"] for row in shown[6:9]] == [Decimal("253986.49")] * 3
    for year, row in zip(path.years, shown, strict=True):
        for part in ("base", "bonus", "equity", "refresher", "signing", "other"):
            # Every cell is its exact value rounded (half up), on its own.
            assert abs(row[part] - year.parts[part].amount) <= Decimal("0.005")
        assert row["total"] == sum(
            row[p] for p in ("base", "bonus", "equity", "refresher", "signing", "other")
        )
    running = Decimal(0)
    for row in shown:
        running += row["total"]
        assert row["cumulative"] == running


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = _career(*args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_compare_path_gets_the_same_options(examples: Path) -> None:
    msft, google = str(examples / "msft-l62-target.toml"), str(examples / "google-l5-kirkland.toml")
    options = ["--years", "10", "--refresher", "80000", "--growth", "5", "--raise", "3"]
    data = _json(msft, *options, "--compare", google)
    other = data["compare"]
    refreshers = "refreshers of 80,000.00 a year at the starting level"
    for assumptions in (data["assumptions"], other["assumptions"]):
        assert refreshers in assumptions
        assert "yearly raise 3.0% of base" in assumptions
        assert "stock price grows 5.0% a year" in assumptions
    assert not any("no refreshers" in note for note in other["assumptions"])
    # The compared path is the same projection as Google L5 on its own with those options.
    alone = _json(google, *options)
    assert other["years"] == alone["years"]
    assert sum(row["refresher"] for row in other["years"]) > 0
    code, out, _ = _career(msft, *options, "--compare", google)
    assert code == 0
    assert out.count(refreshers) == 2
    assert "no refreshers" not in out


def test_compare_path_and_a_promotions_file(examples: Path, tmp_path: Path) -> None:
    msft = str(examples / "msft-l62-target.toml")
    plan = str(examples / "promotions" / "msft-62-two-launches.toml")
    # Another company: the file's yearly raise and refresher apply, its Microsoft levels do
    # not, and the output says so.
    data = _json(msft, "--promotions", plan, "--compare", str(examples / "google-l5-kirkland.toml"))
    other = data["compare"]
    assert "yearly raise 4% of base" in other["assumptions"]
    assert "refreshers of 60,000.00 a year at the starting level" in other["assumptions"]
    assert any(
        "do not apply to Google L5" in note
        and "--compare-promotions" in note
        and note.endswith("; its yearly raise and refresher apply here too")
        for note in other["assumptions"]
    )
    assert all(p["basis"].startswith("market") for p in other["promotions"])
    assert {p["level"] for p in other["promotions"]} <= {"L6", "L7", "L8"}
    code, out, _ = _career(
        msft, "--promotions", plan, "--compare", str(examples / "google-l5-kirkland.toml")
    )
    assert code == 0
    assert "do not apply to Google L5" in " ".join(out.split())
    notes = _json(
        msft,
        "--promotions",
        plan,
        "--raise",
        "2",
        "--compare",
        str(examples / "google-l5-kirkland.toml"),
    )["compare"]["assumptions"]
    assert "yearly raise 2.0% of base" in notes
    assert any(note.endswith("; its refresher applies here too") for note in notes)
    # The same company and level: the whole file applies.
    data = _json(msft, "--promotions", plan, "--compare", str(examples / "msft-l62-initial.toml"))
    assert data["compare"]["promotions"] == data["promotions"]
    assert any("as for Microsoft 62 target" in n for n in data["compare"]["assumptions"])
    # --compare-promotions still wins for the second path.
    google_plan = tmp_path / "google.toml"
    google_plan.write_text('[[promotion]]\nyear = 4\nlevel = "L6"\n', encoding="utf-8")
    data = _json(
        msft,
        "--promotions",
        plan,
        "--compare",
        str(examples / "google-l5-kirkland.toml"),
        "--compare-promotions",
        str(google_plan),
    )
    assert not any("do not apply" in n for n in data["compare"]["assumptions"])
    assert [(p["year"], p["level"]) for p in data["compare"]["promotions"]] == [(4, "L6")]
