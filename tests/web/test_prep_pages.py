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
