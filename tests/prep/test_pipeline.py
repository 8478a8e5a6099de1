"""Pipelines as data: the bundled loops carry the seeds' facts; user files are validated."""

from decimal import Decimal
from pathlib import Path

import pytest

from offerlab.errors import NotFoundError, ProblemsError
from offerlab.prep.pipeline import (
    bundled_pipelines,
    bundled_templates,
    load_pipeline,
    load_pipeline_file,
    load_template,
    resolve_pipeline,
)


def test_microsoft_loop_from_the_seeds():
    ml = load_pipeline("microsoft-ml-engineer")
    by_id = {s.id: s for s in ml.stages}
    assert list(by_id) == [
        "online_assessment",
        "recruiter_screen",
        "phone_technical",
        "onsite_coding",
        "onsite_system_design",
        "onsite_ml_case_study",
        "leadership_fit",
    ]
    assert by_id["recruiter_screen"].minutes == 15
    assert by_id["phone_technical"].minutes == 45
    assert set(by_id["phone_technical"].skills) == {"coding", "ml"}
    onsite = [s for s in ml.stages if s.group == "onsite"]
    assert sum(s.rounds for s in onsite) == 4
    assert all(s.minutes == 45 for s in onsite)
    assert by_id["onsite_coding"].rounds == 2
    assert by_id["leadership_fit"].minutes == 30
    assert not by_id["online_assessment"].minutes_stated  # the seed gives no length
    assert (ml.rubric.min, ml.rubric.max, ml.rubric.pass_score) == (1, 4, 3)
    publishers = {(s.publisher, s.date) for s in ml.sources}
    assert publishers == {("AI Engineers Editorial", "2026-06"), ("Valenx Press", "2026-06")}


def test_six_week_template():
    template = load_template("six-week-ml")
    assert [w.week for w in template.weeks] == [1, 2, 3, 4, 5, 6]
    assert template.weeks[0].deliverables[0].count == 30
    assert template.weeks[-1].mock
    assert template.system_design_min_share == Decimal("0.30")
    assert template.source.publisher == "AI Engineers Editorial"


def test_every_bundled_file_loads():
    assert set(bundled_pipelines()) >= {"microsoft-ml-engineer", "big-tech-swe"}
    for name in bundled_pipelines():
        assert load_pipeline(name).stages
    for name in bundled_templates():
        assert load_template(name).weeks


def test_unknown_pipeline():
    with pytest.raises(NotFoundError, match=r"unknown pipeline 'google'.*big-tech-swe"):
        resolve_pipeline("google")


GOOD = """
name = "my-loop"
title = "My loop"
template = "six-week-swe"
[[stages]]
id = "coding"
name = "Coding"
minutes = 60
skills = { coding = 1 }
[[stages]]
id = "design"
name = "Design"
minutes = 60
skills = { system_design = 1 }
"""


def test_user_file(tmp_path: Path):
    path = tmp_path / "loop.toml"
    path.write_text(GOOD)
    pipeline = resolve_pipeline(str(path))
    assert pipeline.name == "my-loop"
    assert pipeline.stage("design").primary_skill == "system_design"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'x'\ntitle = = 'y'\n", "line 2"),
        (GOOD.replace("minutes = 60", "minutes = 0", 1), "stages[0].minutes"),
        (GOOD.replace("coding = 1", "cooking = 1"), "stages[0].skills"),
        (
            GOOD.replace('id = "design"', 'id = "coding"'),
            "stages[1].id: stage id 'coding' is used twice",
        ),
        (GOOD.replace("six-week-swe", "ten-week"), "template: unknown template 'ten-week'"),
        (GOOD + "\ncolour = 'red'\n", "unknown key 'colour'"),
        (GOOD + "\n[rubric]\nmin = 1\nmax = 4\npass = 7\n", "rubric.pass"),
        ('name = "x"\ntitle = "x"\nstages = []\n', "stages"),
    ],
)
def test_bad_user_file_is_located(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProblemsError) as info:
        load_pipeline_file(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ProblemsError, match="no such file"):
        resolve_pipeline(str(tmp_path / "nope.toml"))


def _problems(tmp_path: Path, text: str, name: str = "bad.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ProblemsError) as info:
        load_pipeline_file(path)
    return str(info.value)


def test_one_bad_stage_is_one_problem_in_offerlab_words(tmp_path: Path):
    one = GOOD.split("[[stages]]")
    text = _problems(tmp_path, one[0] + "[[stages]]" + one[1].replace("coding = 1", "cooking = 1"))
    assert (
        "stages[0].skills: unknown skill 'cooking' (expected one of 'coding', "
        "'system_design', 'ml' or 'behavioral')"
    ) in text
    assert "[key]" not in text
    assert "Tuple" not in text
    assert "after validation" not in text
    assert text.count("bad.toml:") == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"name": "x", "title": "x", "stages": {"id": "a"}}', "stages: a table is not a list"),
        ('{"name": "x", "title": "x", "stages": "abc"}', "stages: 'abc' is not a list"),
        ('{"name": "x", "title": "x", "stages": []}', "stages: [] has too few items"),
    ],
)
def test_json_file_problems_in_offerlab_words(tmp_path: Path, body: str, expected: str):
    text = _problems(tmp_path, body, "bad.json")
    assert expected in text
    assert "Input should" not in text
    assert "tuple" not in text.lower()


def test_every_cross_key_problem_is_reported(tmp_path: Path):
    text = _problems(
        tmp_path,
        GOOD.replace('id = "design"', 'id = "coding"').replace("six-week-swe", "ten-week"),
    )
    assert "stages[1].id: stage id 'coding' is used twice" in text
    assert "template: unknown template 'ten-week'" in text


def test_every_rubric_problem_is_reported(tmp_path: Path):
    rubric = "\n[rubric]\nmin = 1\nmax = 4\npass = 7\n"
    rubric += "[[rubric.levels]]\nscore = 9\nlabel = 'wow'\n"
    text = _problems(tmp_path, GOOD + rubric)
    assert "rubric.pass: pass 7 is off the scale" in text
    assert "rubric.levels[0].score: score 9 is off the scale" in text
