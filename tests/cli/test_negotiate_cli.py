"""``offerlab negotiate`` on the bundled market data: contract, reports, bad input."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def import_microsoft_62(tmp_path: Path, bases: list[int]) -> None:
    """Import one levels.fyi-style record of Microsoft 62 ML/AI in Redmond per base."""
    header = (
        "timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
        "yearsatcompany,tag,basesalary,stockgrantvalue,bonus\n"
    )
    rows = [
        f'6/{day}/2021 10:00:00,Microsoft,62,Software Engineer,{base + 60000},"Redmond, WA",'
        f"6,2,ML / AI,{base},40000,20000\n"
        for day, base in enumerate(bases, start=1)
    ]
    records = tmp_path / "records.csv"
    records.write_text(header + "".join(rows))
    code, _, err = run("market", "import", str(records))
    assert code == 0, err


def test_negotiate_json_on_bundled_data(examples: Path) -> None:
    code, out, err = run(
        "negotiate",
        str(examples / "msft-l62-initial.toml"),
        "--competing",
        str(examples / "google-l5-kirkland.toml"),
        "--profile",
        str(examples / "profiles" / "alex.toml"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    band = data["benchmark"]["band"]
    assert band["basis"] == "bundled"
    assert band["n"] >= 5
    assert set(data["benchmark"]["percentiles"]) == {"base", "equity", "total"}
    assert data["leverage"] == "Google L5"
    assert data["competing"][0]["mapped_level"]  # Google L5 placed on Microsoft's ladder
    packages = data["packages"]
    assert packages["initial"]["year1_total"] == 297000
    for key in ("year1_total", "annualized_total", "four_year_total"):
        assert packages["initial"][key] <= packages["target"][key] <= packages["stretch"][key]
    levers = {item["lever"]: item for item in data["levers"]}
    assert set(levers) == {"base", "equity", "signing", "level"}
    assert isinstance(levers["level"]["ask"], str)
    assert levers["level"]["ask"] == "63"  # 6 years + a PhD reach Microsoft 63's median
    assert "Alex Doe" in data["email"]


def test_negotiate_is_deterministic(examples: Path) -> None:
    args = ["negotiate", str(examples / "msft-l63-initial.toml"), "--json"]
    assert run(*args)[1] == run(*args)[1]


def test_negotiate_terminal_report(examples: Path) -> None:
    code, out, _ = run("negotiate", str(examples / "msft-l62-initial.toml"))
    assert code == 0
    assert "Negotiation plan" in out
    assert "Email draft" in out


def test_markdown_and_html_reports_to_files(tmp_path: Path, examples: Path) -> None:
    md = tmp_path / "plan.md"
    html = tmp_path / "plan.html"
    offer = str(examples / "msft-l62-initial.toml")
    google = str(examples / "google-l5-kirkland.toml")
    assert (
        run("negotiate", offer, "--competing", google, "--format", "md", "--out", str(md))[0] == 0
    )
    assert (
        run("negotiate", offer, "--competing", google, "--format", "html", "--out", str(html))[0]
        == 0
    )
    assert md.read_text().startswith("# Negotiation plan: Microsoft 62 initial")
    page = html.read_text()
    assert page.startswith("<!doctype html>")
    assert 'id="packages-chart"' in page
    # The chart's JavaScript is in the page: no script or stylesheet is loaded from elsewhere.
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*\bhref=[\"']?https?:", page)


def test_unknown_company_still_gets_a_plan_from_competing_offers(
    tmp_path: Path, examples: Path
) -> None:
    offer = tmp_path / "startup.toml"
    offer.write_text(
        'company = "Tiny Startup"\ntitle = "ML Engineer"\nlevel = "Senior"\n'
        'location = "Remote"\nbase = 150000\n'
    )
    code, out, err = run(
        "negotiate", str(offer), "--competing", str(examples / "google-l5-kirkland.toml"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["benchmark"]["band"] is None
    assert "no market band found" in data["benchmark"]["why"]
    assert {i["lever"]: i for i in data["levers"]}["base"]["ask"] == 198000


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--competing", "nope.toml"], "nope.toml: no such file"),
        (["--profile", "PROFILE"], "favourite: unknown key 'favourite'"),
        (["--competing", "MNT"], "no exchange rate for MNT to USD"),
        (["--json", "--format", "md"], "give --json or --format, not both"),
        (["--out", "OUT"], "--out needs --json or --format md|html"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, examples: Path, extra: list[str], expected: str) -> None:
    profile = tmp_path / "me.toml"
    profile.write_text("favourite = 1\n")
    far = tmp_path / "ulaanbaatar.toml"
    far.write_text(
        'company = "Khan Tech"\ntitle = "SWE"\nlevel = "Senior"\nlocation = "Ulaanbaatar"\n'
        'currency = "MNT"\nbase = 90000000\n'
    )
    mapping = {"PROFILE": str(profile), "MNT": str(far), "OUT": str(tmp_path / "x.txt")}
    args = [mapping.get(a, str(tmp_path / a) if a.endswith(".toml") else a) for a in extra]
    code, _, err = run("negotiate", str(examples / "msft-l62-initial.toml"), *args)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err


def test_bundled_band_is_restated_to_the_offers_date(examples: Path) -> None:
    from offerlab.market.bundled import bundled_band

    raw = bundled_band("Microsoft", "62", "Redmond, WA", "ML / AI")
    assert raw is not None
    assert raw.base is not None
    assert raw.base.values is not None
    offer = str(examples / "msft-l62-initial.toml")  # starts 2026-09-01
    flat = json.loads(run("negotiate", offer, "--json", "--growth", "0")[1])
    assert flat["benchmark"]["band"]["base"]["p50"] == float(raw.base.values.p50)
    grown = json.loads(run("negotiate", offer, "--json", "--growth", "5")[1])
    years = (date(2026, 9, 1) - raw.median_date).days / 365.2425
    expected = float(raw.base.values.p50) * 1.05**years
    assert grown["benchmark"]["band"]["base"]["p50"] == pytest.approx(expected, abs=0.01)
    assert "at 5.0% a year (given with --growth)" in grown["benchmark"]["why"]
    measured = json.loads(run("negotiate", offer, "--json")[1])
    assert "measured from the records" in measured["benchmark"]["why"]


def test_imported_records_take_over_from_the_bundled_band(tmp_path: Path, examples: Path) -> None:
    import_microsoft_62(tmp_path, [150000, 155000, 160000, 165000, 170000, 175000])
    code, out, err = run(
        "negotiate", str(examples / "msft-l62-initial.toml"), "--json", "--growth", "0"
    )
    assert code == 0, err
    band = json.loads(out)["benchmark"]["band"]
    assert band["basis"] == "records"
    assert band["n"] == 6
    # Growth 0: the band is the records' own percentiles (NumPy's linear interpolation).
    assert band["base"]["p50"] == 162500
    assert band["base"]["p90"] == pytest.approx(172500)


def test_competing_offer_in_another_currency_is_restated_with_a_dated_rate(
    examples: Path,
) -> None:
    offer = str(examples / "msft-l62-initial.toml")  # starts 2026-09-01
    london = str(examples / "google-l5-london.toml")
    code, out, err = run(
        "negotiate", offer, "--competing", london, "--rate", "GBP:USD=1.25@2026-08-31", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    (entry,) = data["competing"]
    assert entry["currency"] == "USD"
    assert entry["restated_from"] == "GBP"
    assert entry["exchange_rate"]["rate"] == 1.25
    assert entry["exchange_rate"]["date"] == "2026-08-31"
    assert "restated from GBP at 1 GBP = 1.25 USD (2026-08-31" in entry["note"]
    # A rate dated after the plan's date is never used: the shipped one (on or before) is.
    code, out, _ = run(
        "negotiate", offer, "--competing", london, "--rate", "GBP:USD=1.25@2026-10-01", "--json"
    )
    assert code == 0
    assert json.loads(out)["competing"][0]["exchange_rate"]["date"] == "2025-02-28"


def test_meta_e5_against_microsoft_63_on_the_bundled_data(examples: Path) -> None:
    """Issue 11's trial (a): the Microsoft offer is weaker on every measure, so nothing cites it,
    and the equity ask lands at the band's p75 on the benchmark's own measure."""
    code, out, err = run(
        "negotiate",
        str(examples / "meta-e5-menlo-park.toml"),
        "--competing",
        str(examples / "msft-63-redmond.toml"),
        "--profile",
        str(examples / "profiles" / "jordan.toml"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["leverage"] is None
    (entry,) = data["competing"]
    assert (entry["overall"], entry["cited_on"]) == ("weaker", [])
    assert entry["weaker_on"] == ["year1_total", "annualized_total", "four_year_total"]
    assert "Microsoft" not in data["email"]
    assert all("Microsoft" not in item["script"] for item in data["levers"])
    equity = {item["lever"]: item for item in data["levers"]}["equity"]
    p75 = data["benchmark"]["band"]["stock"]["p75"]
    assert equity["initial"] == data["benchmark"]["offer"]["stock"]  # one yardstick
    assert abs(equity["ask"] - p75) <= 500
    assert equity["stretch"] <= data["benchmark"]["band"]["stock"]["p90"]


def test_gbp_offer_with_a_usd_competing_offer_on_the_bundled_data(examples: Path) -> None:
    """Trial (c): the London band restated in GBP with the dated rate; the Redmond offer shown
    restated but not used as leverage; no dollar amount in any script."""
    code, out, err = run(
        "negotiate",
        str(examples / "google-l4-london.toml"),
        "--competing",
        str(examples / "msft-l62-initial.toml"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["benchmark"]["band"]["currency"] == "GBP"
    assert data["benchmark"]["exchange_rate"]["date"] == "2025-02-28"
    assert data["benchmark"]["percentiles"]["equity"] is not None
    assert data["competing"][0]["like_for_like"] is False
    assert data["leverage"] is None
    text = data["email"] + "".join(item["script"] for item in data["levers"])
    assert "$" not in text
    assert "Microsoft" not in text
    code, out, _ = run(
        "negotiate",
        str(examples / "google-l4-london.toml"),
        "--competing",
        str(examples / "msft-l62-initial.toml"),
        "--format",
        "md",
    )
    assert "| Microsoft 62 initial (restated from USD) |" in out
    assert "(not like-for-like)" in out


def test_inr_offer_on_the_bundled_data(examples: Path) -> None:
    """Trial (d): the Hyderabad band restated in rupees; the Amazon offer, mixed, is cited
    only on base and equity, where it is stronger."""
    code, out, err = run(
        "negotiate",
        str(examples / "msft-61-hyderabad-inr.toml"),
        "--competing",
        str(examples / "amazon-l5-hyderabad-inr.toml"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["currency"] == "INR"
    assert data["benchmark"]["band"]["currency"] == "INR"
    assert data["benchmark"]["restated_from"] == "USD"
    (entry,) = data["competing"]
    assert entry["overall"] == "mixed"
    assert entry["cited_on"] == ["base", "equity"]
    assert "₹" in data["email"]


def test_a_band_percentile_is_rounded_alike_in_every_front_end(
    tmp_path: Path, examples: Path
) -> None:
    """p50 of these records is 139,220.50: the terminal, the Markdown and HTML reports all show
    139,221 (half up from the JSON's cents), never 139,220 in one and 139,221 in another."""
    import_microsoft_62(tmp_path, [139220, 139220, 139220, 139221, 139221, 139221])
    offer = str(examples / "msft-l62-initial.toml")
    code, out, err = run("negotiate", offer, "--json", "--growth", "0")
    assert code == 0, err
    assert json.loads(out)["benchmark"]["band"]["base"]["p50"] == 139220.5
    figures = ["139,220", "139,220", "139,221", "139,221", "139,221"]
    _, terminal, _ = run("negotiate", offer, "--growth", "0")
    row = next(line for line in terminal.splitlines() if line.strip("│ ").startswith("base"))
    assert re.findall(r"139,22\d", row) == figures
    _, markdown, _ = run("negotiate", offer, "--growth", "0", "--format", "md")
    row = next(line for line in markdown.splitlines() if line.startswith("| base |"))
    assert re.findall(r"139,22\d", row) == figures
    page = tmp_path / "plan.html"
    run("negotiate", offer, "--growth", "0", "--format", "html", "--out", str(page))
    row = re.search(r"<tr><td>base</td>.*?</tr>", page.read_text()).group(0)  # type: ignore[union-attr]
    assert re.findall(r"139,22\d", row) == figures
