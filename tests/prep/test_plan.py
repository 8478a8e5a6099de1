"""Plans: scaling to 1, 3, 6 and 10 weeks, the hour budget, system design share, weak stages,
mocks before the day, and the iCalendar file."""

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from offerlab.errors import InputError, NotFoundError
from offerlab.prep.export import plan_ics, plan_json
from offerlab.prep.pipeline import SKILLS, Pipeline, load_pipeline, load_template
from offerlab.prep.plan import PlanRequest, StudyPlan, build_plan, layout_weeks

TODAY = date(2026, 11, 22)
ML = load_pipeline("microsoft-ml-engineer")
SWE = load_pipeline("big-tech-swe")


def make(
    weeks: int = 6,
    hours: str = "10",
    weak: Sequence[str] = (),
    pipeline: Pipeline = ML,
    days: int = 0,
    start: date = TODAY,
    per_week: int = 6,
) -> StudyPlan:
    request = PlanRequest(
        start=start,
        interview_date=start + timedelta(days=7 * weeks + days),
        hours_per_week=Decimal(hours),
        today=TODAY,
        weak=tuple(weak),
        study_days_per_week=per_week,
    )
    return build_plan(request, pipeline, load_template(pipeline.template))


@pytest.mark.parametrize(
    ("weeks", "kinds"),
    [
        (1, ["mock"]),
        (3, ["study", "study", "mock"]),
        (6, ["study"] * 5 + ["mock"]),
        (10, ["study", "review"] * 4 + ["study", "mock"]),
    ],
)
def test_scaling(weeks, kinds):
    plan = make(weeks)
    assert [w.kind for w in plan.weeks] == kinds
    covered = [n for w in plan.weeks if w.kind != "review" for n in w.template_weeks]
    assert covered == [1, 2, 3, 4, 5, 6]  # every template week once, in order
    assert plan.weeks[0].start == TODAY
    assert plan.weeks[-1].end == plan.interview_date - timedelta(days=1)
    assert all(w.deliverables for w in plan.weeks)


def test_compressed_week_has_several_focuses():
    plan = make(3)
    assert len(plan.weeks[0].focus) == 3
    assert plan.weeks[0].focus[0] == "Core data structures and algorithms"
    assert make(1).weeks[0].focus[-1] == "Full mock interview series"


def test_review_weeks_review_what_came_before():
    plan = make(10)
    review = plan.weeks[1]
    assert review.focus == ("Review: Core data structures and algorithms",)
    assert review.mocks  # a review week rehearses one stage


def test_layout_extremes():
    assert [x.kind for x in layout_weeks(2, 6)] == ["study", "mock"]
    assert layout_weeks(2, 6)[0].template_weeks == (1, 2, 3, 4, 5)
    many = layout_weeks(20, 6)
    assert len(many) == 20
    assert many[-1].kind == "mock"
    assert sum(1 for x in many if x.kind == "review") == 14


def test_deliverable_counts_scale_with_hours():
    assert make(6, "10").weeks[0].deliverables[0].startswith("30 coding problems")
    assert make(6, "5").weeks[0].deliverables[0].startswith("15 coding problems")


@pytest.mark.parametrize("weeks", [1, 3, 6, 10])
@pytest.mark.parametrize("hours", ["0.5", "3", "7.3", "10", "25"])
def test_never_more_hours_than_given(weeks, hours):
    refused: InputError | None = None
    try:
        plan = make(weeks, hours, days=3)
    except InputError as error:
        refused = error
    if refused is not None:
        # Too few hours for every focus: refused, naming the hours that are enough.
        assert "give at least" in refused.message
        return
    given_minutes = Decimal(hours) * 60
    for week in plan.weeks:
        # A week of n days (the first may be 8-10: three days left over join it) gets the
        # hours pro rata.
        days = (week.end - week.start).days + 1
        assert week.total_minutes <= week.budget_minutes <= given_minutes * days / 7
        assert sum(d.minutes for d in week.days) == week.total_minutes
        assert all(d.minutes <= 24 * 60 for d in week.days)
    assert plan.total_minutes <= given_minutes * (7 * weeks + 3) / 7
    doc = plan_json(plan, ML)
    assert doc["total_hours"] <= float(hours) * (7 * weeks + 3) / 7


@settings(max_examples=60, deadline=None)
@given(
    weeks=st.integers(1, 16),
    extra=st.integers(0, 6),
    quarter_hours=st.integers(1, 160),
    per_week=st.integers(1, 7),
    weak=st.sets(st.sampled_from([s.id for s in ML.stages]), max_size=3),
)
def test_budget_and_system_design_share_hold_everywhere(
    weeks, extra, quarter_hours, per_week, weak
):
    hours = Decimal(quarter_hours) / 4
    try:
        plan = make(weeks, str(hours), weak=sorted(weak), days=extra, per_week=per_week)
    except InputError:
        return  # too few hours for one 15-minute session
    for week in plan.weeks:
        assert week.total_minutes <= hours * 60 * ((week.end - week.start).days + 1) / 7
        # at least 30% system design in every week, so in total too
        assert week.minutes["system_design"] * 10 >= 3 * week.total_minutes
    assert all(m.day < plan.interview_date for m in plan.sessions)


@pytest.mark.parametrize("weeks", [1, 3, 6, 10])
@pytest.mark.parametrize("pipeline", [ML, SWE], ids=["ml", "swe"])
def test_system_design_at_least_30_percent(weeks, pipeline):
    by_skill = make(weeks, "10", pipeline=pipeline).minutes_by_skill()
    total = sum(by_skill.values())
    assert by_skill["system_design"] / total >= 0.30


def test_swe_loop_plans_no_ml_hours():
    assert make(6, pipeline=SWE).minutes_by_skill()["ml"] == 0


@pytest.mark.parametrize(
    "stage", ["onsite_system_design", "onsite_ml_case_study", "onsite_coding", "leadership_fit"]
)
def test_weak_stage_gets_more_hours(stage):
    skill = ML.stage(stage).primary_skill
    base = make(6, "10").minutes_by_skill()[skill]
    weak = make(6, "10", weak=[stage]).minutes_by_skill()[skill]
    assert weak > base


def test_weak_stage_is_mocked_first():
    plan = make(6, "10", weak=["onsite_ml_case_study"])
    assert "onsite_ml_case_study" in [m.stage for m in plan.weeks[-1].mocks]


@pytest.mark.parametrize("weeks", [1, 3, 6, 10])
def test_mocks_before_the_date(weeks):
    plan = make(weeks, "10")
    assert plan.mocks
    assert all(m.day < plan.interview_date for m in plan.mocks)
    # the eve is a rest day
    assert all(d.day < plan.interview_date - timedelta(days=1) for w in plan.weeks for d in w.days)


def test_short_first_week_is_pro_rata():
    plan = make(2, "14", days=4)  # 18 days: a 4-day week, then two full ones
    first = plan.weeks[0]
    assert (first.end - first.start).days + 1 == 4
    assert first.budget_minutes == 8 * 60  # 14 h * 4/7
    assert len(plan.weeks) == 3


def test_a_few_days_left_over_join_the_first_week():
    plan = make(2, "14", days=3)  # 17 days: three days join the first full week
    first = plan.weeks[0]
    assert (first.start, (first.end - first.start).days + 1) == (TODAY, 10)
    assert first.budget_minutes == 20 * 60  # 14 h * 10/7
    assert len(plan.weeks) == 2


def test_days_are_dated_and_inside_their_week():
    plan = make(3, "10")
    for week in plan.weeks:
        for day in week.days:
            assert week.start <= day.day <= week.end
        assert sum(s.minutes for d in week.days for s in d.sessions) == week.total_minutes


def test_ics_parses_back():
    plan = make(3, "10")
    cal = Calendar.from_ical(plan_ics(plan, ML))
    events = list(cal.walk("VEVENT"))
    study_days = sum(
        1 for w in plan.weeks for d in w.days if any(s.kind != "mock" for s in d.sessions)
    )
    mocks = [e for e in events if str(e["SUMMARY"]).startswith("Mock interview")]
    assert len(mocks) == len(plan.mocks)
    assert len(events) == study_days + len(plan.mocks) + 1  # + the interview itself
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    interview = [e for e in events if str(e["SUMMARY"]).startswith("Interview")]
    assert interview[0].decoded("DTSTART") == plan.interview_date
    assert all(e.decoded("DTSTART") < plan.interview_date for e in mocks)


def test_json_contract():
    doc = plan_json(make(3, "10"), ML)
    assert {"weeks", "total_hours"} <= set(doc)
    for index, week in enumerate(doc["weeks"], start=1):
        assert week["week"] == index
        date.fromisoformat(week["start"])
        assert isinstance(week["focus"], list)
        assert week["focus"]
        assert set(week["hours"]) == set(SKILLS)
        assert isinstance(week["deliverables"], list)
    assert doc["total_hours"] == sum(sum(w["hours"].values()) for w in doc["weeks"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interview_date": date(2026, 11, 1)}, "in the past"),
        ({"start": date(2026, 12, 10), "interview_date": date(2026, 12, 1)}, "not after the start"),
        ({"start": date(2026, 12, 1), "interview_date": date(2026, 12, 1)}, "not after the start"),
        ({"hours_per_week": Decimal(0)}, "must be more than 0"),
        ({"hours_per_week": Decimal(-3)}, "must be more than 0"),
        ({"hours_per_week": Decimal("0.01")}, "no 15-minute session"),
        ({"study_days_per_week": 0}, "1 to 7"),
    ],
)
def test_bad_requests(kwargs, message):
    fields: dict[str, Any] = {
        "start": TODAY,
        "interview_date": date(2026, 12, 20),
        "hours_per_week": Decimal(10),
        "today": TODAY,
    }
    fields.update(kwargs)
    with pytest.raises(InputError, match=message):
        build_plan(PlanRequest(**fields), ML, load_template(ML.template))


def test_unknown_weak_stage():
    with pytest.raises(NotFoundError, match=r"unknown stage 'onsite_dance'.*onsite_coding"):
        make(3, weak=["onsite_dance"])


def test_no_study_day_left():
    with pytest.raises(InputError, match="no study day is left"):
        make(0, days=1)
    # The eve becomes a study day; one day has room for every focus at 14 hours a week.
    assert make(0, "14", days=1, per_week=7).total_minutes > 0


def test_singular_deliverables_and_session_titles():
    assert "1 timed phone-screen simulation" in make(3, "10").weeks[0].deliverables
    plan = make(1, "3")
    titles = {s.title for s in plan.sessions if s.kind != "mock"}
    assert all(" / " not in t for t in titles)
    assert all(s.minutes >= 15 for s in plan.sessions)


def test_ics_timed_sessions():
    plan = make(1, "6")
    cal = Calendar.from_ical(plan_ics(plan, ML, at=time(19, 0)))
    events = [e for e in cal.walk("VEVENT") if not str(e["SUMMARY"]).startswith("Interview")]
    assert len(events) == len(plan.sessions)
    first_day = plan.weeks[0].days[0]
    mine = sorted(
        (e for e in events if e.decoded("DTSTART").date() == first_day.day),
        key=lambda e: e.decoded("DTSTART"),
    )
    assert mine[0].decoded("DTSTART") == datetime.combine(first_day.day, time(19, 0))
    for before, after in itertools.pairwise(mine):
        assert before.decoded("DTEND") == after.decoded("DTSTART")
    total = sum((e.decoded("DTEND") - e.decoded("DTSTART")).total_seconds() for e in events)
    assert total / 60 == plan.total_minutes


def test_too_few_hours_is_not_called_no_study_day():
    with pytest.raises(InputError, match="leaves no 15-minute session"):
        make(0, hours="0.25", days=1, per_week=7)


@pytest.mark.parametrize("weak", [(), ("onsite_system_design",), ("recruiter_screen",)])
@pytest.mark.parametrize(("weeks", "hours", "per_week"), [(6, "10", 6), (6, "30", 7), (1, "10", 6)])
def test_mock_week_mocks_each_stage_once_before_repeats(weeks, hours, per_week, weak):
    for pipeline in (ML, SWE):
        plan = make(weeks, hours, weak=weak, pipeline=pipeline, per_week=per_week)
        mocks = plan.weeks[-1].mocks
        days = [m.day for m in mocks]
        assert len(days) == len(set(days))  # at most one mock a day
        stages = [m.stage for m in mocks]
        ids = [s.id for s in pipeline.stages]
        first = stages[: len(ids)]
        assert len(first) == len(set(first))  # no repeat before every stage had its mock
        if len(stages) > len(ids):
            assert set(first) == set(ids)
            assert all(stages.count(s) <= 3 for s in ids)
        missing = [pipeline.stage(s).name for s in ids if s not in stages]
        for name in missing:
            assert any(
                f"no mock interview for {name}" in n or f"; {name} (" in n for n in plan.notes
            )


def test_weak_system_design_does_not_crowd_out_stages():
    plan = make(6, "10", weak=["onsite_system_design"])
    stages = [m.stage for m in plan.weeks[-1].mocks]
    assert stages.count("onsite_system_design") == 1
    assert "phone_technical" in stages
    assert len(stages) == 6  # six study days for seven stages
    assert any("Recruiter screen (no study day left" in n for n in plan.notes)
    # mocks go back from the interview: the weak stage is the last one before the eve
    assert plan.weeks[-1].mocks[-1].stage == "onsite_system_design"


def test_deliverables_scale_with_the_skill_time():
    short = make(1, "10")
    text = " ".join(short.weeks[0].deliverables)
    assert "Azure ML SDK" not in text
    assert "recommendation project" not in text
    assert any("dropped for too little time" in n and "Azure ML SDK" in n for n in short.notes)
    full = make(6, "10")
    assert full.weeks[3].deliverables == ("A small model built and deployed with the Azure ML SDK",)
    assert "recommendation project" in full.weeks[4].deliverables[0]


def test_the_issues_plan_has_hours_every_week_and_for_every_focus():
    # 2026-12-07 to 2027-01-12 at 6 hours: 36 days. The day left over joined the first week
    # (it was a week of its own: one rest day, no hours, and the first focus dropped).
    request = PlanRequest(
        start=date(2026, 12, 7),
        interview_date=date(2027, 1, 12),
        hours_per_week=Decimal(6),
        today=TODAY,
    )
    plan = build_plan(request, ML, load_template(ML.template))
    assert [(w.start, w.end) for w in plan.weeks] == [
        (date(2026, 12, 7), date(2026, 12, 14)),
        (date(2026, 12, 15), date(2026, 12, 21)),
        (date(2026, 12, 22), date(2026, 12, 28)),
        (date(2026, 12, 29), date(2027, 1, 4)),
        (date(2027, 1, 5), date(2027, 1, 11)),
    ]
    assert [w.total_minutes for w in plan.weeks] == [405, 360, 360, 360, 360]
    first = "Coding: Core data structures and algorithms"
    assert sum(s.minutes for s in plan.sessions if s.title == first) == 120


def _focus_minutes(plan: StudyPlan, focus: str) -> int:
    return sum(s.minutes for s in plan.sessions if s.title.endswith(f": {focus}"))


@settings(max_examples=150, deadline=None)
@given(
    start_offset=st.integers(0, 60),
    days=st.integers(1, 120),
    quarter_hours=st.integers(1, 120),
    per_week=st.integers(1, 7),
    pipeline=st.sampled_from([ML, SWE]),
    weak=st.sets(st.sampled_from([s.id for s in ML.stages]), max_size=2),
)
def test_every_week_and_every_focus_get_hours(
    start_offset, days, quarter_hours, per_week, pipeline, weak
):
    start = TODAY + timedelta(days=start_offset)
    hours = Decimal(quarter_hours) / 4
    request = PlanRequest(
        start=start,
        interview_date=start + timedelta(days=days),
        hours_per_week=hours,
        today=TODAY,
        weak=tuple(sorted(w for w in weak if w in {s.id for s in pipeline.stages})),
        study_days_per_week=per_week,
    )
    template = load_template(pipeline.template)
    refused: InputError | None = None
    try:
        plan = build_plan(request, pipeline, template)
    except InputError as error:
        refused = error
    if refused is not None:
        assert refused.option in {"--hours-per-week", "--interview-date"}
        if "give at least" in refused.message:
            # The hours named are enough.
            least = Decimal(refused.message.split("give at least ")[1].split(" ")[0])
            assert least > hours
            build_plan(replace(request, hours_per_week=least), pipeline, template)
        return
    eve = request.interview_date - timedelta(days=1)
    assert plan.weeks[0].start == start
    assert plan.weeks[-1].end == eve
    for before, after in itertools.pairwise(plan.weeks):
        assert after.start == before.end + timedelta(days=1)
    for week in plan.weeks:
        length = (week.end - week.start).days + 1
        assert week.total_minutes > 0  # every week has hours
        assert week.total_minutes <= hours * 60 * length / 7
        assert length <= 13
        if len(plan.weeks) > 1:
            assert length >= 4
    for focus in template.weeks:
        if focus.mock:
            assert plan.mocks or _focus_minutes(plan, focus.focus) > 0
        else:
            assert _focus_minutes(plan, focus.focus) > 0, focus.focus
