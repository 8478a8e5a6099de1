"""``offerlab prep`` end to end with a temp OFFERLAB_HOME: plan, save, log, review, status,
and every bad input exits 2 with one clear message (no traceback)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from offerlab.cli import app

runner = CliRunner()
TODAY = "2026-11-22"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("OFFERLAB_TODAY", TODAY)
    return tmp_path / "home"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


PLAN = ("prep", "plan", "--interview-date", "2027-01-03", "--hours-per-week", "10")


def test_plan_json_contract():
    code, out, err = run(*PLAN, "--json", "--weak", "onsite_system_design")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["start"] == TODAY
    assert len(doc["weeks"]) == 6
    week = doc["weeks"][0]
    assert {"week", "start", "focus", "hours", "deliverables"} <= set(week)
    assert week == {**week, "week": 1, "start": TODAY}
    assert set(week["hours"]) == {"coding", "system_design", "ml", "behavioral"}
    assert all(sum(w["hours"].values()) <= 10 for w in doc["weeks"])
    assert doc["total_hours"] <= 60
    assert doc["hours"]["system_design"] / doc["total_hours"] >= 0.3
    assert doc["mocks"]
    assert all(m["date"] < "2027-01-03" for m in doc["mocks"])


def test_plan_markdown_ics_and_table(tmp_path: Path):
    ics = tmp_path / "plan.ics"
    md = tmp_path / "plan.md"
    code, out, err = run(*PLAN, "--format", "md", "--out", str(md), "--ics", str(ics))
    assert code == 0, err
    text = md.read_text()
    assert text.startswith("# Study plan: Microsoft ML engineer loop")
    assert "AI Engineers Editorial" in text
    cal = Calendar.from_ical(ics.read_bytes())
    assert any(str(e["SUMMARY"]).startswith("Mock interview") for e in cal.walk("VEVENT"))
    code, out, _ = run(*PLAN)
    assert code == 0
    assert "Full mock interview series" in out


def test_plan_with_a_pipeline_file(tmp_path: Path):
    path = tmp_path / "loop.toml"
    path.write_text(
        'name = "my-loop"\ntitle = "My loop"\ntemplate = "six-week-swe"\n'
        '[[stages]]\nid = "code"\nname = "Code"\nminutes = 60\nskills = { coding = 1 }\n'
        '[[stages]]\nid = "design"\nname = "Design"\nminutes = 60\nskills = { system_design = 1 }\n'
    )
    code, out, err = run(*PLAN, "--pipeline", str(path), "--weak", "design", "--json")
    assert code == 0, err
    assert json.loads(out)["pipeline"] == "my-loop"


def test_track_and_status():
    code, out, err = run(*PLAN, "--save", "loop", "--json")
    assert code == 0, err
    assert "saved plan 'loop'" in err
    code, out, err = run(
        "prep",
        "log",
        "practice",
        "--stage",
        "onsite_coding",
        "--problem",
        "k-means",
        "--minutes",
        "50",
        "--outcome",
        "partial",
        "--mistake",
        "no early stop",
    )
    assert code == 0, err
    assert "card 1" in out
    code, _, err = run(
        "prep",
        "log",
        "practice",
        "--skill",
        "system_design",
        "--problem",
        "feature store",
        "--minutes",
        "70",
        "--outcome",
        "solved",
    )
    assert code == 0, err
    code, _, err = run(
        "prep",
        "log",
        "mock",
        "--score",
        "onsite_coding=3",
        "--score",
        "onsite_system_design=2",
        "--score",
        "leadership_fit=4",
        "--notes",
        "design too shallow",
    )
    assert code == 0, err
    code, out, err = run("prep", "status", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["plan"] == "loop"
    assert doc["readiness"]["overall"] == 2
    assert doc["readiness"]["weakest"] == "onsite_system_design"
    assert not doc["readiness"]["ready"]
    assert doc["hours"]["weeks"][0]["done"]["coding"] == pytest.approx((50 + 40) / 60)
    assert doc["hours"]["weeks"][0]["done"]["system_design"] == pytest.approx((70 + 40) / 60)
    assert doc["due"] == []  # the mistake is due tomorrow
    code, out, err = run("prep", "status", "--json", "--today", "2026-11-23")
    assert [d["card"] for d in json.loads(out)["due"]] == [1]
    code, out, err = run("prep", "status", "--today", "2026-11-23")
    assert code == 0, err
    assert "weakest stage: onsite_system_design" in out
    assert "no early stop" in out
    assert "coding 1 (1 partial); system_design 1 (1 solved)" in out
    code, out, err = run("prep", "review", "1", "--grade", "5", "--date", "2026-11-23", "--json")
    assert code == 0, err
    assert json.loads(out)["due_on"] == "2026-11-24"
    code, out, _ = run("prep", "plans")
    assert "loop" in out


def test_status_without_a_plan():
    code, out, err = run("prep", "status")
    assert code == 0, err
    assert "No saved plan" in out


def test_pipelines_list_and_show():
    code, out, _ = run("prep", "pipelines", "--json")
    assert code == 0
    assert {p["name"] for p in json.loads(out)} == {"microsoft-ml-engineer", "big-tech-swe"}
    code, out, _ = run("prep", "pipelines", "big-tech-swe")
    assert code == 0
    assert "onsite_system_design" in out


BAD = [
    (("--interview-date", "2026-11-01", "--hours-per-week", "10"), "in the past"),
    (
        ("--interview-date", "2026-12-01", "--start", "2026-12-05", "--hours-per-week", "10"),
        "not after the start",
    ),
    (("--interview-date", "2026-12-20", "--hours-per-week", "0"), "must be more than 0"),
    (("--interview-date", "2026-12-20", "--hours-per-week", "ten"), "expected a number"),
    (("--interview-date", "20-12-2026", "--hours-per-week", "5"), "expected a date"),
    (
        ("--interview-date", "2026-12-20", "--hours-per-week", "5", "--weak", "onsite_dance"),
        "unknown stage 'onsite_dance'",
    ),
    (
        ("--interview-date", "2026-12-20", "--hours-per-week", "5", "--pipeline", "google"),
        "unknown pipeline 'google'",
    ),
    (
        ("--interview-date", "2026-12-20", "--hours-per-week", "5", "--pipeline", "nope.toml"),
        "no such file",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_plan_input_exits_2(args, message):
    code, out, err = run("prep", "plan", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_malformed_pipeline_file_exits_2(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\ntitle = "x"\n[[stages]]\nid = "Bad Id"\nminutes = -5\n')
    code, _out, err = run(*PLAN, "--pipeline", str(path))
    assert code == 2
    assert "invalid pipeline" in err
    assert "stages[0].id" in err
    assert "stages[0].minutes" in err
    assert "stages[0].skills" in err
    path.write_text("name = = 1\n")
    code, _, err = run(*PLAN, "--pipeline", str(path))
    assert code == 2
    assert "line 1" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (
                "practice",
                "--skill",
                "cooking",
                "--problem",
                "x",
                "--minutes",
                "5",
                "--outcome",
                "solved",
            ),
            "--skill 'cooking'",
        ),
        (
            (
                "practice",
                "--stage",
                "onsite_dance",
                "--problem",
                "x",
                "--minutes",
                "5",
                "--outcome",
                "solved",
            ),
            "unknown stage 'onsite_dance'",
        ),
        (
            (
                "practice",
                "--skill",
                "ml",
                "--problem",
                "x",
                "--minutes",
                "0",
                "--outcome",
                "solved",
            ),
            "--minutes 0",
        ),
        (
            ("practice", "--skill", "ml", "--problem", "x", "--minutes", "5", "--outcome", "meh"),
            "--outcome 'meh'",
        ),
        (("practice", "--problem", "x", "--minutes", "5", "--outcome", "solved"), "--skill SKILL"),
        (("mock", "--score", "onsite_coding=9"), "off the rubric"),
        (("mock", "--score", "onsite_coding"), "STAGE=N"),
        (("mock", "--score", "recruiting=3"), "unknown stage 'recruiting'"),
    ],
)
def test_bad_log_input_exits_2(args, message):
    code, out, err = run("prep", "log", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_bad_review_and_status_exit_2():
    code, _, err = run("prep", "review", "7", "--grade", "4")
    assert code == 2
    assert "no review card 7" in err
    code, _, err = run("prep", "status", "--plan", "nope")
    assert code == 2
    assert "no saved plan called 'nope'" in err


def test_json_pipeline_file_and_comma_separated_weak(tmp_path: Path):
    path = tmp_path / "loop.json"
    path.write_text(
        json.dumps(
            {
                "name": "json-loop",
                "title": "JSON loop",
                "template": "six-week-swe",
                "stages": [
                    {"id": "code", "name": "Code", "minutes": 60, "skills": {"coding": 1}},
                    {"id": "talk", "name": "Talk", "minutes": 30, "skills": {"behavioral": 1}},
                    {
                        "id": "design",
                        "name": "Design",
                        "minutes": 60,
                        "skills": {"system_design": 1},
                    },
                ],
            }
        )
    )
    code, out, err = run(*PLAN, "--pipeline", str(path), "--weak", "code,talk", "--json")
    assert code == 0, err
    assert json.loads(out)["weak"] == ["code", "talk"]


@pytest.mark.postgres
def test_prep_on_postgres_via_db_option(pg_url: str):
    code, _, err = run("--db", pg_url, *PLAN, "--save", "pg")
    assert code == 0, err
    code, _, err = run("prep", "log", "mock", "--db", pg_url, "--score", "onsite_coding=4")
    assert code == 0, err
    code, out, err = run("prep", "status", "--db", pg_url, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["plan"] == "pg"
    assert doc["readiness"]["overall"] == 4


def test_ics_time_option(tmp_path: Path):
    ics = tmp_path / "p.ics"
    code, _, err = run(*PLAN, "--ics", str(ics), "--ics-time", "07:30")
    assert code == 0, err
    starts = [e.decoded("DTSTART") for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert any(getattr(s, "hour", None) == 7 for s in starts)
    code, _, err = run(*PLAN, "--ics", str(ics), "--ics-time", "7pm")
    assert code == 2
    assert "expected a time as HH:MM" in err


def test_markdown_on_stdout_stays_clean(tmp_path: Path):
    code, out, err = run(*PLAN, "--format", "md", "--ics", str(tmp_path / "p.ics"), "--save", "x")
    assert code == 0, err
    assert "wrote" not in out
    assert "saved plan 'x'" in err
    assert out.startswith("# Study plan")


def _narrow(monkeypatch: pytest.MonkeyPatch, width: int = 80) -> Any:
    from rich.console import Console

    from offerlab.cli import prep

    narrow = Console(width=width, highlight=False)
    monkeypatch.setattr(prep, "console", narrow)
    return narrow


def test_plan_table_fits_80_columns_without_cutting_dates(monkeypatch: pytest.MonkeyPatch):
    narrow = _narrow(monkeypatch)
    with narrow.capture() as captured:
        code, _, err = run(*PLAN)
    assert code == 0, err
    text = captured.get()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    assert "Nov 22-28" in text
    assert "Dec 27-Jan 2" in text
    # focus text is whole (in the week headings when the table has no room for it)
    assert "Core data structures and algorithms" in text
    assert "Advanced algorithms: graphs and dynamic programming" in text


def test_plan_table_keeps_focus_when_wide(monkeypatch: pytest.MonkeyPatch):
    wide = _narrow(monkeypatch, 160)
    with wide.capture() as captured:
        code, _, err = run(*PLAN)
    assert code == 0, err
    assert any(
        "Nov 29-Dec 5" in line and "Advanced algorithms" in line
        for line in captured.get().splitlines()
    )


def _log(*extra: str) -> tuple[int, str, str]:
    return run(
        "prep", "log", "practice", "--skill", "coding", "--problem", "two sum",
        "--minutes", "37", "--outcome", "failed", "--mistake", "off by one", *extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("on", "words"),
    [
        (None, "first due tomorrow"),
        ("2026-11-21", "first due today"),
        ("2026-11-19", "first due 2026-11-20, already due"),
    ],
)
def test_practice_message_follows_the_due_date(on: str | None, words: str):
    code, out, err = _log(*(("--date", on) if on else ()))
    assert code == 0, err
    assert words in out


def test_status_hours_to_one_decimal():
    assert run(*PLAN, "--save", "loop")[0] == 0
    for _ in range(5):
        assert _log()[0] == 0  # 5 x 37 min = 3.0833 h
    code, out, err = run("prep", "status")
    assert code == 0, err
    assert "Hours done 3.1 of 1.4 planned so far (60.0 in the plan)" in " ".join(out.split())
    assert "3.1 / 6.5" in out
    assert not re.search(r"\d\.\d\d", out)
    doc = json.loads(run("prep", "status", "--json")[1])
    assert doc["hours"]["done_to_date"] == pytest.approx(185 / 60)  # JSON keeps the number


def test_one_spelling_of_behavioral():
    code, out, _ = run(*PLAN)
    assert code == 0
    code, status, _ = run("prep", "status")
    code, swe, _ = run("prep", "pipelines", "big-tech-swe")
    plan = run(*PLAN, "--pipeline", "big-tech-swe", "--format", "md")[1]
    for text in (out, status, swe, plan):
        assert "ehavioural" not in text
    assert "Behavioral" in status or "behavioral" in status


def test_no_study_day_message_is_grammatical():
    code, _, err = run(
        "prep", "plan", "--interview-date", "2026-11-24", "--hours-per-week", "10",
        "--days-per-week", "1",
    )  # fmt: skip
    assert code == 2
    text = " ".join(err.split())
    assert "with 1 study day a week the last 6 days of each week" in text


def _practice(*extra: str, minutes: str = "480") -> dict[str, Any]:
    code, out, err = run(
        "prep", "log", "practice", "--skill", "coding", "--problem", "graphs",
        "--minutes", minutes, "--outcome", "solved", "--json", *extra,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _status(*extra: str) -> dict[str, Any]:
    code, out, err = run("prep", "status", "--json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_logs_belong_to_the_loop_they_were_made_for():
    # Two loops; 8 hours of practice for the first must not count toward the second's plan
    # (the trials saw "8.0 of 1.7 planned").
    assert run(*PLAN, "--save", "google")[0] == 0
    small = ("prep", "plan", "--interview-date", "2026-12-06", "--hours-per-week", "4")
    assert run(*small, "--pipeline", "big-tech-swe", "--save", "meta")[0] == 0
    assert _practice("--plan", "google")["plan"] == "google"
    assert _status("--plan", "google")["hours"]["done_to_date"] == 8.0
    meta = _status("--plan", "meta")
    assert meta["hours"]["done_to_date"] == 0
    assert meta["practice"] == {}
    # Without --plan a log goes to the newest plan, and says so.
    code, out, err = run(
        "prep", "log", "practice", "--skill", "coding", "--problem", "heaps",
        "--minutes", "30", "--outcome", "partial",
    )  # fmt: skip
    assert code == 0, err
    assert "for plan meta" in out
    assert _status("--plan", "meta")["hours"]["done_to_date"] == 0.5
    assert _status("--plan", "google")["hours"]["done_to_date"] == 8.0
    # Mocks too: a mock for one loop is not another's readiness.
    code, _, err = run(
        "prep", "log", "mock", "--plan", "google", "--score", "onsite_coding=4", "--json"
    )
    assert code == 0, err
    google = _status("--plan", "google")
    assert google["readiness"]["stages"][3]["scores"] == [4]
    assert google["hours"]["done_to_date"] == 8.75  # and its 45 minutes
    assert all(not s["scores"] for s in _status("--plan", "meta")["readiness"]["stages"])
    assert _status("--plan", "meta")["hours"]["done_to_date"] == 0.5
    # Replacing a plan (same name, new hours) keeps its loop's logs.
    assert run(*PLAN[:-1], "12", "--save", "google")[0] == 0
    assert _status("--plan", "google")["hours"]["done_to_date"] == 8.75


def test_a_log_for_an_unknown_plan_or_another_pipeline_exits_2():
    assert run(*PLAN, "--save", "google")[0] == 0
    code, _, err = run(
        "prep", "log", "practice", "--plan", "nope", "--skill", "coding", "--problem", "x",
        "--minutes", "5", "--outcome", "solved",
    )  # fmt: skip
    assert code == 2
    assert "no saved plan called 'nope'" in err
    code, _, err = run(
        "prep", "log", "mock", "--plan", "google", "--pipeline", "big-tech-swe",
        "--score", "onsite_coding=3",
    )  # fmt: skip
    assert code == 2
    assert "is not the pipeline of plan 'google'" in err
