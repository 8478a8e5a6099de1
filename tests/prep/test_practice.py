"""One set of rules for a practice session, whichever front end logs it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.prep.practice import MAX_MINUTES, MAX_TEXT, practice_problems


def test_a_good_session_has_no_problem() -> None:
    assert (
        practice_problems(skill="coding", problem="LRU cache", minutes=45, outcome="solved") == {}
    )


def test_every_field_says_what_is_wrong() -> None:
    wrong = practice_problems(
        skill="juggling", problem=" ", minutes=0, outcome="won", mistake="x" * (MAX_TEXT + 1)
    )
    assert set(wrong) == {"skill", "problem", "minutes", "outcome", "mistake"}
    assert "coding" in wrong["skill"]
    assert practice_problems(skill=None, problem="a\x00b", minutes=1, outcome="failed") == {
        "problem": "holds the control character U+0000; expected plain text"
    }


@pytest.mark.parametrize(
    ("option", "value"),
    [("--minutes", str(MAX_MINUTES + 1)), ("--problem", "p" * (MAX_TEXT + 1))],
)
def test_the_cli_refuses_what_the_page_refuses(option: str, value: str) -> None:
    args = {"--skill": "coding", "--problem": "graphs", "--minutes": "30", "--outcome": "solved"}
    args[option] = value
    given = [part for pair in args.items() for part in pair]
    result = CliRunner().invoke(app, ["prep", "log", "practice", *given])
    assert result.exit_code == 2
    assert option in result.stderr
