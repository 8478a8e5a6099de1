"""The prep page: a saved plan's weeks, readiness, and logging practice through the form."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offerlab.cli import app

XSS = "<script>alert('x')</script>"


def test_prep_page_shows_the_saved_plan_and_logs_practice(client: TestClient, db_url: str):
    interview = (date.today() + timedelta(days=60)).isoformat()
    args = ["prep", "plan", "--interview-date", interview, "--hours-per-week", "10"]
    made = CliRunner().invoke(app, [*args, "--save", "loop", "--db", db_url])
    assert made.exit_code == 0, made.output
    page = client.get("/prep")
    assert page.status_code == 200
    assert "Plan <strong>loop</strong>" in page.text
    assert "Study plan: hours by week" in page.text
    assert "Readiness" in page.text
    logged = client.post(
        "/prep/practice",
        data={
            "skill": "coding",
            "problem": XSS,
            "minutes": "45",
            "outcome": "partial",
            "mistake": "forgot to move the node to the front on get",
        },
        follow_redirects=False,
    )
    assert logged.status_code == 303
    status = CliRunner().invoke(app, ["prep", "status", "--json", "--db", db_url])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["practice"]["coding"] == {"partial": 1}
    after = client.get("/prep")
    assert XSS not in after.text
    assert re.search(r"<td class=\"num\">0\.75 / [\d.]+</td>", after.text)


def test_bad_practice_is_field_errors_and_nothing_logged(client: TestClient, db_url: str):
    response = client.post(
        "/prep/practice",
        data={"skill": "juggling", "problem": "", "minutes": "-5", "outcome": "won"},
    )
    assert response.status_code == 422
    for field in ("skill", "problem", "minutes", "outcome"):
        assert f'id="e-{field}"' in response.text
    status = CliRunner().invoke(app, ["prep", "status", "--json", "--db", db_url])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["practice"] == {}


def _plan_form(**changes: str) -> dict[str, str]:
    interview = (date.today() + timedelta(days=45)).isoformat()
    form = {
        "name": "loop",
        "pipeline": "big-tech-swe",
        "interview_date": interview,
        "hours_per_week": "10",
        "start": "",
        "days_per_week": "6",
        "weak": "onsite_system_design",
    }
    return {**form, **changes}


def _cli_plan(db_url: str, name: str) -> dict[str, object]:
    shown = CliRunner().invoke(app, ["prep", "status", "--plan", name, "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    doc: dict[str, object] = json.loads(shown.stdout)
    return doc


def test_a_plan_made_on_the_page_is_the_cli_plan(client: TestClient, db_url: str):
    made = client.post("/prep/plan", data=_plan_form(), follow_redirects=False)
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/prep?plan=loop"
    page = client.get("/prep?plan=loop")
    assert "Plan <strong>loop</strong> (Generic big-tech software engineer loop)" in page.text
    interview = _plan_form()["interview_date"]
    args = ["prep", "plan", "--interview-date", interview, "--hours-per-week", "10"]
    args += ["--pipeline", "big-tech-swe", "--weak", "onsite_system_design", "--save", "cli"]
    cli = CliRunner().invoke(app, [*args, "--db", db_url])
    assert cli.exit_code == 0, cli.output
    web_doc, cli_doc = _cli_plan(db_url, "loop"), _cli_plan(db_url, "cli")
    assert web_doc["hours"] == cli_doc["hours"]
    assert web_doc["pipeline"] == cli_doc["pipeline"] == "big-tech-swe"
    replaced = client.post("/prep/plan", data=_plan_form(hours_per_week="4"))
    assert replaced.status_code == 200  # followed to the page
    hours = _cli_plan(db_url, "loop")["hours"]
    assert isinstance(hours, dict)
    assert hours["planned_total"] < cli_doc["hours"]["planned_total"]  # type: ignore[index]


def test_bad_plan_input_is_field_errors_and_nothing_saved(client: TestClient, db_url: str):
    past = (date.today() - timedelta(days=3)).isoformat()
    response = client.post(
        "/prep/plan",
        data=_plan_form(name=XSS, interview_date=past, pipeline="../../etc/passwd"),
    )
    assert response.status_code == 422
    assert 'id="e-plan-pipeline"' in response.text
    assert "expected one of big-tech-swe, microsoft-ml-engineer" in response.text
    assert 'id="e-plan-interview_date"' not in response.text  # the pipeline is checked first
    assert XSS not in response.text
    past_date = client.post("/prep/plan", data=_plan_form(interview_date=past))
    assert past_date.status_code == 422
    error = re.search(r'<p class="error" id="e-plan-interview_date">([^<]*)</p>', past_date.text)
    assert error
    assert "is in the past" in error.group(1)
    assert not error.group(1).startswith("--")
    for changes, field in (
        ({"hours_per_week": "lots"}, "hours_per_week"),
        ({"hours_per_week": "0"}, "hours_per_week"),
        ({"weak": "juggling"}, "weak"),
        ({"days_per_week": "9"}, "days_per_week"),
        ({"name": ""}, "name"),
        ({"interview_date": "soon"}, "interview_date"),
    ):
        bad = client.post("/prep/plan", data=_plan_form(**changes))
        assert bad.status_code == 422, changes
        assert f'id="e-plan-{field}"' in bad.text, (changes, bad.text)
    listed = CliRunner().invoke(app, ["prep", "status", "--json", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["plan"] is None


def test_practice_from_the_page_counts_toward_the_plan_shown(client: TestClient, db_url: str):
    for name, hours in (("google", "10"), ("meta", "4")):
        made = client.post(
            "/prep/plan", data=_plan_form(name=name, hours_per_week=hours), follow_redirects=False
        )
        assert made.status_code == 303, made.text
    page = client.get("/prep?plan=google")
    assert '<input type="hidden" name="plan" value="google">' in page.text
    logged = client.post(
        "/prep/practice",
        data={"plan": "google", "skill": "coding", "problem": "graphs", "minutes": "480",
              "outcome": "solved"},
        follow_redirects=False,
    )  # fmt: skip
    assert logged.status_code == 303
    assert logged.headers["location"] == "/prep?plan=google"
    google, meta = _cli_plan(db_url, "google"), _cli_plan(db_url, "meta")
    assert google["practice"] == {"coding": {"solved": 1}}
    assert meta["practice"] == {}
    assert meta["hours"]["by_skill_done"]["coding"] == 0  # type: ignore[index]
