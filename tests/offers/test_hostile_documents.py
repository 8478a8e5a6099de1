"""Documents no one should write, read without a crash: any depth, length or character gives
located problems (exit 2 on the CLI), never a RecursionError or a ValueError."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import MalformedDocumentError, ProblemsError
from offerlab.offers import offer_from_mapping
from offerlab.validation import (
    MAX_DEPTH,
    MAX_SHORT_TEXT,
    SHOWN_CHARS,
    parse_document,
    show_value,
)

OFFER = 'company = "Google"\ntitle = "SWE"\nlevel = "L5"\nlocation = "Kirkland, WA"\nbase = 1\n'
DEEP = 3 * sys.getrecursionlimit()


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("text", "fmt", "where"),
    [
        pytest.param("[" * DEEP + "]" * DEEP, "json", "line 1, column 33", id="json-array"),
        pytest.param(
            '{"a": ' * DEEP + "1" + "}" * DEEP, "json", "line 1, column 193", id="json-obj"
        ),
        pytest.param(
            '{"s": "[[[[", "a": ' + "[" * 40 + "]" * 40 + "}",
            "json",
            "line 1, column 51",
            id="json-brackets-in-strings-do-not-count",
        ),
        pytest.param(
            OFFER + "x = " + "[" * DEEP + "]" * DEEP, "toml", "line 6, column 37", id="toml-array"
        ),
        pytest.param(
            OFFER + "x = " + "{a = " * DEEP + "1" + "}" * DEEP,
            "toml",
            "line 6, column 165",
            id="toml-inline",
        ),
        pytest.param(
            OFFER + "s = '''[[[[\n[[[['''\nx = " + "[" * 40 + "]" * 40,
            "toml",
            "line 8, column 37",
            id="toml-brackets-in-strings-do-not-count",
        ),
    ],
)
def test_deep_nesting_is_located_not_recursed(text: str, fmt: str, where: str) -> None:
    with pytest.raises(MalformedDocumentError) as raised:
        parse_document(text, "deep", fmt, "invalid offer")
    (problem,) = raised.value.problems
    assert problem.location == where
    assert f"more than {MAX_DEPTH} levels" in problem.message


def test_dotted_keys_nest_without_brackets_and_are_refused_too() -> None:
    text = OFFER + ".".join(["k"] * (DEEP)) + " = 1\n"
    with pytest.raises(ProblemsError) as raised:
        parse_document(text, "dotted", "toml", "invalid offer")
    assert "levels" in raised.value.problems[0].message
    assert raised.value.problems[0].location.startswith("k.k.k")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('{"base": ' + "9" * 5000 + "}", "json"),
        ('{"base": 1.' + "9" * 5000 + "}", "json"),
        (OFFER.replace("base = 1", "base = " + "9" * 5000), "toml"),
        (OFFER.replace("base = 1", "base = " + "9" * 1000), "toml"),
        (OFFER.replace("base = 1", "base = 1." + "9" * 5000), "toml"),
    ],
)
def test_numbers_too_long_to_read_are_located(text: str, fmt: str) -> None:
    with pytest.raises(ProblemsError) as raised:
        parse_document(text, "long", fmt, "invalid offer")
    (problem,) = raised.value.problems
    assert "characters" in problem.message
    assert problem.location in {"base"} or problem.location.startswith("line ")
    assert len(str(raised.value)) < 400


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_control_characters_and_overlong_keys_are_located(fmt: str) -> None:
    data = {"company": "Goo\x00gle", "notes": {"x" * 500: 1, "ok\x00": 2}}
    text = (
        json.dumps(data)
        if fmt == "json"
        else OFFER.replace('"Google"', '"Goo\\u0000gle"')
        + ('[notes]\n"' + "x" * 500 + '" = 1\n"ok\\u0000" = 2\n')
    )
    with pytest.raises(ProblemsError) as raised:
        parse_document(text, "doc", fmt, "invalid offer")
    problems = {p.location: p.message for p in raised.value.problems}
    assert "U+0000" in problems["company"]
    assert "500 characters" in problems["notes"]
    assert len(str(raised.value)) < 600


def test_a_value_nested_hundreds_deep_in_a_valid_document_is_one_short_problem() -> None:
    body = {
        "company": nested(400),
        "title": "x",
        "level": "x",
        "location": "x",
        "base": 1,
    }
    with pytest.raises(ProblemsError) as raised:
        offer_from_mapping(body, "<body>")
    assert [p.location for p in raised.value.problems] == ["company"]
    assert len(str(raised.value)) < 200


def test_text_fields_have_a_length_limit_and_no_control_characters() -> None:
    body = {
        "company": "x" * 10_000,
        "title": "ok",
        "level": "L5",
        "location": "Kirkland\x00, WA",
        "base": 1,
        "equity": [{"value": 1, "name": "y" * 300}],
    }
    with pytest.raises(ProblemsError) as raised:
        offer_from_mapping(body, "<body>")
    problems = {p.location: p for p in raised.value.problems}
    assert set(problems) == {"company", "location", "equity[0].name"}
    assert problems["company"].expected == f"at most {MAX_SHORT_TEXT} characters"
    assert "10,000 characters" in problems["company"].message
    assert "U+0000" in problems["location"].message
    assert len(str(raised.value)) < 800


def test_show_value_is_short_and_safe_for_any_value() -> None:
    assert show_value(10**5000).startswith("a number of about 5,0")
    assert len(show_value("x" * 100_000)) < SHOWN_CHARS + 30
    assert show_value(nested(5000)) == "[a list]"
    assert show_value(Decimal("6.5")) == "6.5"
    assert show_value([1, 2]) == "[1, 2]"


def test_offer_show_on_a_deep_file_exits_2_with_a_located_message(tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text(OFFER + "x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["offer", "show", str(deep)])
    assert result.exit_code == 2, result.output
    assert f"{deep}: line 6, column 37: lists and tables nested more than" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    big = tmp_path / "big.json"
    big.write_text('{"base": ' + "9" * 5000 + "}", encoding="utf-8")
    result = CliRunner().invoke(app, ["offer", "show", str(big)])
    assert result.exit_code == 2
    assert "line 1, column 10: a number written with 5,000 characters" in result.stderr


def test_market_import_of_a_deep_json_file_exits_2(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    result = CliRunner().invoke(app, ["market", "import", str(deep), "--db", db])
    assert result.exit_code == 2, result.output
    assert "line 1, column 33: lists and tables nested more than" in result.stderr
