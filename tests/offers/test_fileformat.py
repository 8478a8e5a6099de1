"""Offer files: every kind of bad input gives one located line per problem."""

import json
from pathlib import Path

import pytest

from offerlab.errors import ProblemsError
from offerlab.offers import dump_offer_toml, load_offer, offer_json_schema, parse_offer_text

GOOD = """
company = "Microsoft"
title = "Senior ML/AI Engineer"
level = "62"
location = "Redmond, WA"
base = 180000
bonus_target_pct = 15

[signing]
amount = 40000

[[equity]]
value = 200000
schedule = "microsoft"
"""


def problems_of(text: str, fmt: str = "toml") -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        parse_offer_text(text, "offer.toml", fmt)
    return caught.value.lines()


def test_good_offer_parses_with_exact_decimals() -> None:
    offer = parse_offer_text(
        GOOD.replace("base = 180000", "base = 180000\nraise_pct = 3.1"), "offer.toml", "toml"
    )
    assert str(offer.raise_pct) == "3.1"
    assert offer.currency == "USD"


def test_unknown_key_names_it_and_lists_the_allowed_keys() -> None:
    [line] = problems_of(GOOD.replace("base = 180000", "base = 180000\nbsae = 1"))
    assert line.startswith("offer.toml: bsae: unknown key 'bsae'")
    assert "one of: name, company, title" in line


def test_unknown_key_in_a_table() -> None:
    [line] = problems_of(GOOD.replace("amount = 40000", "amount = 40000\nclawbak = 12"))
    assert "signing.clawbak: unknown key" in line
    assert "clawback_months" in line


def test_missing_required_key() -> None:
    [line] = problems_of(GOOD.replace('company = "Microsoft"\n', ""))
    assert line.startswith("offer.toml: company: missing required key")


def test_negative_amount() -> None:
    [line] = problems_of(GOOD.replace("amount = 40000", "amount = -5"))
    assert "signing.amount: -5 must not be negative (expected a number >= 0)" in line


def test_schedule_that_does_not_sum_to_100() -> None:
    text = GOOD.replace('schedule = "microsoft"', "schedule = { years = [25, 25, 25, 20] }")
    [line] = problems_of(text)
    assert "equity[0].schedule" in line
    assert "add up to 95%, not 100%" in line


def test_unknown_schedule_name() -> None:
    [line] = problems_of(GOOD.replace('"microsoft"', '"netflix"'))
    assert "equity[0].schedule: unknown vesting schedule 'netflix'" in line


def test_wrong_type() -> None:
    [line] = problems_of(GOOD.replace("base = 180000", 'base = "lots"'))
    assert "base: 'lots' is not a number (expected a number)" in line


def test_malformed_toml_line() -> None:
    [line] = problems_of(GOOD.replace("base = 180000", "base = = 180000"))
    assert line.startswith("offer.toml: line 6, column 8: malformed TOML")


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("base = 180000", "base = -1\nfoo = 2").replace('"microsoft"', '"x"')
    lines = problems_of(text)
    assert len(lines) == 3
    assert {line.split(":")[1].strip() for line in lines} == {"base", "foo", "equity[0].schedule"}


def test_conflicting_forms() -> None:
    [line] = problems_of(GOOD.replace("amount = 40000", "amount = 1\npayments = [1, 2]"))
    assert "signing: give either `amount` or `payments`, not both" in line


def test_unknown_currency() -> None:
    [line] = problems_of(GOOD.replace("base = 180000", 'base = 180000\ncurrency = "XYZ"'))
    assert "currency: unknown currency 'XYZ'" in line


def test_json_offers_and_json_errors(tmp_path: Path) -> None:
    path = tmp_path / "offer.json"
    path.write_text(
        json.dumps(
            {
                "company": "Google",
                "title": "SWE",
                "level": "L5",
                "location": "Mountain View, CA",
                "base": 200000.5,
                "equity": [{"value": 300000, "schedule": "google"}],
            }
        )
    )
    assert str(load_offer(path).base) == "200000.5"
    path.write_text('{"company": "Google",\n "base": }')
    with pytest.raises(ProblemsError) as caught:
        load_offer(path)
    assert "line 2, column 10: malformed JSON" in caught.value.lines()[0]


def test_document_that_is_not_a_table() -> None:
    [line] = problems_of("[1, 2]", "json")
    assert "the document is not a table of keys" in line


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match="no such file"):
        load_offer(tmp_path / "nope.toml")
    with pytest.raises(ProblemsError, match="is a folder"):
        load_offer(tmp_path)


def test_toml_round_trip(examples: Path) -> None:
    for path in sorted(examples.glob("*.toml")):
        offer = load_offer(path)
        assert parse_offer_text(dump_offer_toml(offer), "round-trip", "toml") == offer


def test_schema_describes_the_keys() -> None:
    schema = offer_json_schema()
    assert schema["title"] == "offerlab offer file"
    assert {"company", "base", "equity", "signing", "refreshers", "other"} <= set(
        schema["properties"]
    )
    assert set(schema["required"]) == {"company", "title", "level", "location", "base"}
