"""Dated study plans (pure): a template scaled to the weeks before the interview.

Weeks are counted back from the interview: the last plan week is the seven days before it
(the eve is a rest day). The days left over at the start make a shorter first week when they
are four or more and include a study day; otherwise they join the week after (a first week of
8 to 13 days), so that no week is a day or two with no time in it. The template's core weeks
are spread over the plan weeks (fewer weeks: several focuses a week; more weeks: review weeks
between them) and its mock week always comes last. Each week's hours follow its focus blended
with the loop's own skill mix, give system design at least the template's minimum share
(30%) when the loop tests it, and give weak stages' skills more; a week with several focuses
gives every one of them sessions of its own. Time is handed out in 15-minute units and never
above the budget: ``hours_per_week`` for a full week, pro rata for a shorter or longer one.
A plan in which a week or a focus would get no time is refused, saying which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Final, Literal

from offerlab.errors import InputError, NotFoundError
from offerlab.prep.pipeline import SKILLS, Pipeline, Skill, Stage, Template, TemplateWeek

__all__ = [
    "DEBRIEF_MINUTES",
    "FOCUS_WEIGHT",
    "KEEP_SHARE",
    "MIN_BLOCK_UNITS",
    "MIN_PART_WEEK_DAYS",
    "SKILL_LABELS",
    "UNIT_MINUTES",
    "WEAK_BOOST",
    "PlanDay",
    "PlanRequest",
    "PlanWeek",
    "Session",
    "StudyPlan",
    "WeekLayout",
    "allocate_units",
    "build_plan",
    "layout_weeks",
    "skill_shares",
    "week_budget_minutes",
]

#: Plans hand out time in units of this many minutes.
UNIT_MINUTES: Final = 15
#: A weak stage's skills get their weight multiplied by ``1 + WEAK_BOOST * share``.
WEAK_BOOST: Final = Decimal("0.5")
#: How much of a study week's skill mix comes from its focus (the rest: the loop's own mix).
FOCUS_WEIGHT: Final = Decimal("0.75")
#: Study time is spread over the days in blocks of this many units (30 minutes).
MIN_BLOCK_UNITS: Final = 2
#: A deliverable without a count is kept when its skill gets at least this share of the
#: hours the template gives it.
KEEP_SHARE: Final = Decimal("0.5")
#: A mock interview takes the stage's length plus this debrief (minutes), rounded up to units.
DEBRIEF_MINUTES: Final = 15
#: Days left over at the start make a week of their own only from this many (else they join
#: the next week).
MIN_PART_WEEK_DAYS: Final = 4

SKILL_LABELS: Final[Mapping[Skill, str]] = {
    "coding": "Coding",
    "system_design": "System design",
    "ml": "ML concepts and case study",
    "behavioral": "Behavioral",
}

WeekKind = Literal["study", "review", "mock"]
SessionKind = Literal["study", "review", "mock"]


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What a plan is for: dates (the interview day is not a study day), hours a week,
    weak stage ids, and study days in a full week (the rest are rest days, eve included)."""

    start: date
    interview_date: date
    hours_per_week: Decimal
    today: date
    weak: tuple[str, ...] = ()
    study_days_per_week: int = 6


@dataclass(frozen=True, slots=True)
class Session:
    """One block of work on a day: a skill, minutes, and for mocks the stage rehearsed."""

    day: date
    skill: Skill
    minutes: int
    kind: SessionKind
    title: str
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class PlanDay:
    """A study day and its sessions."""

    day: date
    sessions: tuple[Session, ...]

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)


@dataclass(frozen=True, slots=True)
class PlanWeek:
    """One plan week: dates (inclusive), focus, budget and minutes by skill, deliverables."""

    week: int
    start: date
    end: date
    kind: WeekKind
    focus: tuple[str, ...]
    template_weeks: tuple[int, ...]
    budget_minutes: int
    minutes: Mapping[Skill, int]
    deliverables: tuple[str, ...]
    days: tuple[PlanDay, ...]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def mocks(self) -> tuple[Session, ...]:
        return tuple(s for d in self.days for s in d.sessions if s.kind == "mock")


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """A dated plan for one pipeline."""

    pipeline: str
    template: str
    start: date
    interview_date: date
    hours_per_week: Decimal
    study_days_per_week: int
    weak: tuple[str, ...]
    weeks: tuple[PlanWeek, ...]
    system_design_min_share: Decimal
    notes: tuple[str, ...] = field(default=())

    @property
    def total_minutes(self) -> int:
        return sum(w.total_minutes for w in self.weeks)

    @property
    def budget_minutes(self) -> int:
        return sum(w.budget_minutes for w in self.weeks)

    def minutes_by_skill(self) -> dict[Skill, int]:
        return {s: sum(w.minutes[s] for w in self.weeks) for s in SKILLS}

    @property
    def mocks(self) -> tuple[Session, ...]:
        return tuple(m for w in self.weeks for m in w.mocks)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(s for w in self.weeks for d in w.days for s in d.sessions)


# --- layout ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekLayout:
    """Which template weeks a plan week covers (a review week: the ones it reviews)."""

    kind: WeekKind
    template_weeks: tuple[int, ...]


def layout_weeks(n_weeks: int, template_weeks: int) -> list[WeekLayout]:
    """Map ``n_weeks`` plan weeks onto a template of ``template_weeks`` (the last one mocks).

    Fewer weeks: the core weeks are split into contiguous, even chunks and the mock week comes
    last (one week: everything in it). Equal: one to one. More: review weeks are spread
    evenly between the core weeks, each reviewing the core weeks since the previous review.
    """
    if n_weeks < 1 or template_weeks < 2:
        raise ValueError("need at least one plan week and a two-week template")
    mock = template_weeks
    core = list(range(1, template_weeks))
    if n_weeks == 1:
        return [WeekLayout("mock", (*core, mock))]
    if n_weeks <= template_weeks:
        chunks = n_weeks - 1
        base, extra = divmod(len(core), chunks)
        layout: list[WeekLayout] = []
        index = 0
        for chunk in range(chunks):
            size = base + (1 if chunk < extra else 0)
            layout.append(WeekLayout("study", tuple(core[index : index + size])))
            index += size
        layout.append(WeekLayout("mock", (mock,)))
        return layout
    reviews = n_weeks - template_weeks
    after = [math.ceil(i * len(core) / (reviews + 1)) for i in range(1, reviews + 1)]
    layout = []
    last_reviewed = 0
    for number in core:
        layout.append(WeekLayout("study", (number,)))
        for _ in range(after.count(number)):
            covered = tuple(range(last_reviewed + 1, number + 1)) or (number,)
            layout.append(WeekLayout("review", covered))
            last_reviewed = number
    layout.append(WeekLayout("mock", (mock,)))
    return layout


# --- hours by skill -------------------------------------------------------------------------


def _normalise(weights: Mapping[Skill, Decimal]) -> dict[Skill, Decimal]:
    total = sum(weights.values(), Decimal(0))
    if total <= 0:
        return dict.fromkeys(SKILLS, Decimal(0))
    return {s: weights.get(s, Decimal(0)) / total for s in SKILLS}


def _floor_share(
    shares: dict[Skill, Decimal], skill: Skill, floor: Decimal
) -> dict[Skill, Decimal]:
    """Raise ``skill`` to at least ``floor``, scaling the others down to keep the sum at 1."""
    current = shares[skill]
    if current >= floor:
        return shares
    rest = 1 - current
    scale = (1 - floor) / rest if rest > 0 else Decimal(0)
    return {s: floor if s == skill else v * scale for s, v in shares.items()}


def skill_shares(
    focus: Mapping[Skill, Decimal],
    pipeline: Pipeline,
    weak: Sequence[Stage],
    *,
    focus_weight: Decimal,
    system_design_min: Decimal,
) -> dict[Skill, Decimal]:
    """A week's shares by skill (sum 1): focus blended with the loop's mix, system design
    floored, weak stages' skills boosted (then floored again)."""
    profile = pipeline.skill_profile()
    tested = set(pipeline.skills)
    focus_n = _normalise({s: w for s, w in focus.items() if s in tested})
    if sum(focus_n.values(), Decimal(0)) == 0:
        focus_n = profile
    blended = _normalise(
        {s: focus_weight * focus_n[s] + (1 - focus_weight) * profile[s] for s in SKILLS}
    )
    sd_floor = system_design_min if "system_design" in tested else Decimal(0)
    shares = _floor_share(blended, "system_design", sd_floor)
    if weak:
        boost = {
            s: 1 + WEAK_BOOST * max(stage.shares().get(s, Decimal(0)) for stage in weak)
            for s in SKILLS
        }
        shares = _normalise({s: shares[s] * boost[s] for s in SKILLS})
        shares = _floor_share(shares, "system_design", sd_floor)
    return shares


def allocate_units(
    shares: Mapping[Skill, Decimal], units: int, system_design_min: Decimal
) -> dict[Skill, int]:
    """Whole units by skill summing to ``units`` (largest remainder), system design at least
    ``ceil(system_design_min * units)`` when it has any share."""
    ideal = {s: shares.get(s, Decimal(0)) * units for s in SKILLS}
    out = {s: int(v.to_integral_value(rounding=ROUND_FLOOR)) for s, v in ideal.items()}
    left = units - sum(out.values())
    order = sorted(SKILLS, key=lambda s: (-(ideal[s] - out[s]), SKILLS.index(s)))
    for s in order[:left]:
        out[s] += 1
    if shares.get("system_design", Decimal(0)) > 0:
        need = math.ceil(system_design_min * units)
        while out["system_design"] < need:
            donor = max(
                (s for s in SKILLS if s != "system_design" and out[s] > 0),
                key=lambda s: (out[s], -SKILLS.index(s)),
            )
            out[donor] -= 1
            out["system_design"] += 1
    return out


def week_budget_minutes(hours_per_week: Decimal, days: int) -> int:
    """Minutes a week of ``days`` days may ask for: hours pro rata, down to whole units."""
    units = (hours_per_week * 60 * days) / (7 * UNIT_MINUTES)
    return int(units.to_integral_value(rounding=ROUND_FLOOR)) * UNIT_MINUTES


# --- days and sessions ----------------------------------------------------------------------


def _units(minutes: int) -> int:
    return -(-minutes // UNIT_MINUTES)


def _mock_minutes(stage: Stage) -> int:
    return _units(stage.minutes + DEBRIEF_MINUTES) * UNIT_MINUTES


def _mock_order(pipeline: Pipeline, weak: Sequence[Stage]) -> list[Stage]:
    """Weak stages first, then the longest (later stages first on a tie)."""
    weak_ids = {s.id for s in weak}
    rest = [s for s in pipeline.stages if s.id not in weak_ids]
    rest.sort(key=lambda s: (-s.total_minutes, -pipeline.stages.index(s)))
    return [s for s in pipeline.stages if s.id in weak_ids] + rest


def _take_units(stage: Stage, units: dict[Skill, int]) -> bool:
    """Take a mock's units from the stage's skills (main skill first, then by weight); False
    (and nothing taken) when they do not have enough between them."""
    need = _units(_mock_minutes(stage))
    skills = sorted(stage.skills, key=lambda s: (s != stage.primary_skill, -stage.skills[s]))
    if sum(units[s] for s in skills) < need:
        return False
    for skill in skills:
        take = min(need, units[skill])
        units[skill] -= take
        need -= take
    return True


def _schedule_mocks(
    pipeline: Pipeline,
    weak: Sequence[Stage],
    units: dict[Skill, int],
    passes: int,
    slots: int,
) -> tuple[list[Stage], list[str]]:
    """Stages to rehearse, at most ``slots`` (one a study day), and why any stage got none.

    Passes over the loop (up to ``passes``): the first mocks every stage once (weak ones first,
    then the longest); a stage repeats only once every stage has had its mock, weak stages
    first in the repeats. A mock's units are taken from ``units`` (see :func:`_take_units`)."""
    order = _mock_order(pipeline, weak)
    chosen: list[Stage] = []
    missed: list[str] = []
    for stage in order:
        if len(chosen) >= slots:
            missed.append(
                f"{stage.name} (no study day left: {_count(slots, 'study day')} for "
                f"{len(order)} stages, one mock a day)"
            )
        elif _take_units(stage, units):
            chosen.append(stage)
        else:
            missed.append(f"{stage.name} (not enough hours left for its mock)")
    if missed:
        return chosen, missed
    for _ in range(passes - 1):
        for stage in order:
            if len(chosen) < slots and _take_units(stage, units):
                chosen.append(stage)
    return chosen, missed


def _lay_out_days(
    days: Sequence[date],
    blocks: Sequence[tuple[Skill, str, int]],
    mocks: Sequence[Stage],
    kind: SessionKind,
) -> tuple[PlanDay, ...]:
    """Sessions by day: mocks on the last days (one a day, going back), then the study
    ``blocks`` (skill, title, units) in order, each unit to the least loaded day, kept
    contiguous."""
    if not days:
        return ()
    load = [0] * len(days)
    mocks_by_day: list[list[Stage]] = [[] for _ in days]
    for index, stage in enumerate(mocks):
        slot = len(days) - 1 - (index % len(days))
        mocks_by_day[slot].append(stage)
        load[slot] += _units(_mock_minutes(stage))
    counts = [0] * len(days)
    left = sum(units for _, _, units in blocks)
    while left:
        # Blocks of MIN_BLOCK units (30 minutes) so no day gets a lone quarter hour.
        block = min(MIN_BLOCK_UNITS, left)
        slot = min(range(len(days)), key=lambda i: (load[i], i))
        load[slot] += block
        counts[slot] += block
        left -= block
    sequence = [(skill, title) for skill, title, units in blocks for _ in range(units)]
    out: list[PlanDay] = []
    cursor = 0
    for index, day in enumerate(days):
        sessions: list[Session] = []
        chunk = sequence[cursor : cursor + counts[index]]
        cursor += counts[index]
        for skill, title in dict.fromkeys(chunk):
            minutes = chunk.count((skill, title)) * UNIT_MINUTES
            sessions.append(Session(day, skill, minutes, kind, title))
        for stage in mocks_by_day[index]:
            sessions.append(
                Session(
                    day,
                    stage.primary_skill,
                    _mock_minutes(stage),
                    "mock",
                    f"Mock interview: {stage.name} ({stage.minutes} min + debrief)",
                    stage.id,
                )
            )
        if sessions:
            out.append(PlanDay(day, tuple(sessions)))
    return tuple(out)


def _focus_blocks(
    units: Mapping[Skill, int], weeks: Sequence[TemplateWeek]
) -> list[tuple[Skill, str, int]]:
    """A study week's units as (skill, title, units) blocks, by focus: every focus first gets
    a unit of its own (in the skill it weighs most that has units left), then each skill's
    units go to the focuses that use it, by weight (largest remainder). A skill no focus uses
    (the loop's own mix) is practice for the loop's stages."""
    left = dict(units)
    given: dict[tuple[Skill, int], int] = {}
    shares = [_normalise(w.skills) for w in weeks]
    for index, share in enumerate(shares):
        usable = [s for s in SKILLS if share[s] > 0 and left.get(s, 0) > 0]
        if not usable:
            continue
        skill = max(usable, key=lambda s: (share[s], left[s], -SKILLS.index(s)))
        given[(skill, index)] = 1
        left[skill] -= 1
    for skill in SKILLS:
        users = [i for i, share in enumerate(shares) if share[skill] > 0]
        if not users or left.get(skill, 0) <= 0:
            continue
        total = sum((shares[i][skill] for i in users), Decimal(0))
        ideal = {i: shares[i][skill] / total * left[skill] for i in users}
        whole = {i: int(v.to_integral_value(rounding=ROUND_FLOOR)) for i, v in ideal.items()}
        rest = left[skill] - sum(whole.values())
        for i in sorted(users, key=lambda i: (-(ideal[i] - whole[i]), i))[:rest]:
            whole[i] += 1
        for i, n in whole.items():
            given[(skill, i)] = given.get((skill, i), 0) + n
        left[skill] = 0
    blocks: list[tuple[Skill, str, int]] = []
    for skill in SKILLS:
        for index, week in enumerate(weeks):
            n = given.get((skill, index), 0)
            if n:
                blocks.append((skill, f"{SKILL_LABELS[skill]}: {week.focus}", n))
        if left.get(skill, 0) > 0:
            title = f"{SKILL_LABELS[skill]}: practice for the loop's stages"
            blocks.append((skill, title, left[skill]))
    return blocks


def _main_skill(week: TemplateWeek) -> Skill:
    return max(SKILLS, key=lambda s: (week.skills.get(s, Decimal(0)), -SKILLS.index(s)))


def _deliverables(
    weeks: Sequence[TemplateWeek],
    parts: int,
    week_minutes: int,
    reference_hours: Decimal,
    skill_minutes: Mapping[Skill, int],
) -> tuple[list[str], list[str]]:
    """Template deliverables (and the ones dropped, with why).

    A template week's main skill gets, in a reference week, ``reference_hours`` times its
    weight; a deliverable takes all of that, one item of a count its share. A deliverable is
    dropped when the plan week gives that skill less than :data:`KEEP_SHARE` of what it
    takes; counts are scaled by the hours the week gives each of its ``parts`` focuses (at
    least 1)."""
    out: list[str] = []
    dropped: list[str] = []
    if not weeks:
        return out, dropped
    share_hours = Decimal(week_minutes) / 60 / parts
    for week in weeks:
        skill = _main_skill(week)
        have = Decimal(skill_minutes.get(skill, 0))
        wanted = reference_hours * 60 * _normalise(week.skills)[skill]
        for item in week.deliverables:
            what = item.what[:1].upper() + item.what[1:]
            # One item of a count takes its share of the skill's reference hours.
            need = wanted / (item.count or 1)
            if have < KEEP_SHARE * need:
                dropped.append(
                    f"{what!r} ({SKILL_LABELS[skill]}: {_hours_text(have)} h this week, "
                    f"about {_hours_text(need)} h needed)"
                )
                continue
            if item.count is None:
                out.append(what)
                continue
            scaled = max(1, int((item.count * share_hours / reference_hours).to_integral_value()))
            out.append(f"1 {item.one}" if scaled == 1 and item.one else f"{scaled} {item.what}")
    return out, dropped


def _hours_text(minutes: Decimal) -> str:
    return f"{(minutes / 60).quantize(Decimal('0.1')):f}"


# --- the plan -------------------------------------------------------------------------------


def _check(request: PlanRequest, pipeline: Pipeline) -> tuple[Stage, ...]:
    if request.hours_per_week <= 0:
        raise InputError(
            f"--hours-per-week {request.hours_per_week}: must be more than 0 (hours a week)",
            option="--hours-per-week",
        )
    if request.hours_per_week > 112:
        raise InputError(
            f"--hours-per-week {request.hours_per_week}: more than 112 hours a week (16 a day) "
            "is not a plan; expected 1 to 112",
            option="--hours-per-week",
        )
    if request.interview_date < request.today:
        raise InputError(
            f"--interview-date {request.interview_date.isoformat()} is in the past "
            f"(today is {request.today.isoformat()}); expected a future date",
            option="--interview-date",
        )
    if request.interview_date <= request.start:
        raise InputError(
            f"--interview-date {request.interview_date.isoformat()} is not after the start "
            f"{request.start.isoformat()}; expected a date after the start",
            option="--interview-date",
        )
    if not 1 <= request.study_days_per_week <= 7:
        raise InputError(
            f"--days-per-week {request.study_days_per_week}: expected 1 to 7 study days a week",
            option="--days-per-week",
        )
    try:
        return tuple(pipeline.stage(stage_id) for stage_id in dict.fromkeys(request.weak))
    except NotFoundError as error:
        raise NotFoundError(error.message, option="--weak") from None


def _mean_focus(weeks: Sequence[TemplateWeek]) -> dict[Skill, Decimal]:
    total: dict[Skill, Decimal] = dict.fromkeys(SKILLS, Decimal(0))
    for week in weeks:
        for skill, share in _normalise(week.skills).items():
            total[skill] += share
    return _normalise(total)


def _study_day(day: date, eve: date, per_week: int) -> bool:
    """Whether ``day`` is a study day: the rest days are the last ones of each seven-day
    week counted back from the eve (the eve is one)."""
    position = 6 - (eve - day).days % 7
    return position < per_week


def _week_bounds(request: PlanRequest) -> list[tuple[date, date]]:
    """The plan weeks' first and last days: seven-day weeks counted back from the eve; the
    days left over at the start a week of their own when they are at least
    :data:`MIN_PART_WEEK_DAYS` and include a study day, else part of the first full week."""
    eve = request.interview_date - timedelta(days=1)
    full, rest = divmod((request.interview_date - request.start).days, 7)
    bounds = [(eve - timedelta(days=7 * k + 6), eve - timedelta(days=7 * k)) for k in range(full)][
        ::-1
    ]
    if rest:
        part = (request.start, request.start + timedelta(days=rest - 1))
        studies = any(
            _study_day(part[0] + timedelta(days=i), eve, request.study_days_per_week)
            for i in range(rest)
        )
        if bounds and (rest < MIN_PART_WEEK_DAYS or not studies):
            bounds[0] = (request.start, bounds[0][1])
        else:
            bounds.insert(0, part)
    return bounds


def build_plan(request: PlanRequest, pipeline: Pipeline, template: Template) -> StudyPlan:
    """The dated plan for ``request`` (see the module docstring for the rules)."""
    plan = _build(request, pipeline, template)
    gap = _coverage_gap(plan, template)
    if gap is not None:
        least = _least_hours(request, pipeline, template)
        hint = (
            f"give at least {least:f} hours a week"
            if least is not None
            else "start earlier or give more hours a week"
        )
        raise InputError(
            f"--hours-per-week {request.hours_per_week} leaves {gap}; {hint}",
            option="--hours-per-week",
        )
    return plan


def _least_hours(request: PlanRequest, pipeline: Pipeline, template: Template) -> Decimal | None:
    """The fewest hours a week (in quarter hours, up to the 112 allowed) with which every week
    and every focus of the plan gets time; None when no number of hours does."""

    def enough(quarters: int) -> bool:
        hours = Decimal(quarters) / 4
        try:
            plan = _build(replace(request, hours_per_week=hours), pipeline, template)
        except InputError:
            return False
        return _coverage_gap(plan, template) is None

    low, high = int(request.hours_per_week * 4), 112 * 4
    if not enough(high):
        return None
    while high - low > 1:  # more hours never take a session away; bisect
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return (Decimal(high) / 4).normalize()


def _build(request: PlanRequest, pipeline: Pipeline, template: Template) -> StudyPlan:
    weak = _check(request, pipeline)
    eve = request.interview_date - timedelta(days=1)
    bounds = _week_bounds(request)
    n_weeks = len(bounds)
    layouts = layout_weeks(n_weeks, len(template.weeks))
    by_number = {w.week: w for w in template.weeks}
    sd_min = template.system_design_min_share
    weeks: list[PlanWeek] = []
    mock_notes: list[str] = []
    dropped_notes: list[str] = []
    any_study_day = False
    for index, (layout, (week_start, week_end)) in enumerate(zip(layouts, bounds, strict=True)):
        length = (week_end - week_start).days + 1
        study_days = [
            week_start + timedelta(days=i)
            for i in range(length)
            if _study_day(week_start + timedelta(days=i), eve, request.study_days_per_week)
        ]
        any_study_day = any_study_day or bool(study_days)
        budget = week_budget_minutes(request.hours_per_week, length) if study_days else 0
        units = budget // UNIT_MINUTES
        covered = [by_number[n] for n in layout.template_weeks]
        if layout.kind == "mock" and len(covered) == 1:
            focus_mix = _normalise(covered[0].skills)
            weight = FOCUS_WEIGHT
        elif layout.kind == "review":
            focus_mix = _mean_focus(covered)
            weight = Decimal("0.5")
        else:
            focus_mix = _mean_focus(covered)
            weight = FOCUS_WEIGHT
        shares = skill_shares(
            focus_mix, pipeline, weak, focus_weight=weight, system_design_min=sd_min
        )
        split = allocate_units(shares, units, sd_min)
        study_units = dict(split)
        if layout.kind == "mock":
            # The mocks rehearse the mock focus; every other focus of the week keeps a unit.
            reserve = _reserve(study_units, [w for w in covered if not w.mock])
            mocks, missed = _schedule_mocks(
                pipeline, weak, study_units, passes=3, slots=len(study_days)
            )
            for skill, n in reserve.items():
                study_units[skill] += n
            if missed and mocks:
                mock_notes.append(f"week {index + 1}: no mock interview for " + "; ".join(missed))
        elif layout.kind == "review":
            # One mock a review week, rotating through the stages (weak ones first).
            order = _mock_order(pipeline, weak)
            reviews_before = sum(1 for w in weeks if w.kind == "review")
            mocks = []
            for turn in range(len(order)):
                stage = order[(reviews_before + turn) % len(order)]
                need = _units(_mock_minutes(stage))
                if study_units[stage.primary_skill] >= need:
                    study_units[stage.primary_skill] -= need
                    mocks = [stage]
                    break
        else:
            mocks = []
        if layout.kind == "review":
            focus = tuple(f"Review: {w.focus}" for w in covered)
            blocks = [
                (s, f"{SKILL_LABELS[s]}: review due mistakes and weak spots", study_units[s])
                for s in SKILLS
                if study_units[s]
            ]
            kind: SessionKind = "review"
            deliverables = [
                "Every mistake due for review redone (offerlab prep status lists them)",
                *(
                    f"1 timed mock of the {m.name.lower()}, scored with prep log mock"
                    for m in mocks
                ),
            ]
        else:
            focus = tuple(w.focus for w in covered)
            blocks = _focus_blocks(study_units, covered)
            kind = "study"
            plain = [w for w in covered if not w.mock]
            deliverables, dropped = _deliverables(
                plain,
                len(covered),
                budget,
                template.reference_hours_per_week,
                {s: split[s] * UNIT_MINUTES for s in SKILLS},
            )
            if dropped:
                dropped_notes.append(
                    f"week {index + 1}: dropped for too little time: " + "; ".join(dropped)
                )
            if layout.kind == "mock":
                deliverables.extend(
                    d.what[:1].upper() + d.what[1:]
                    for w in covered
                    if w.mock
                    for d in w.deliverables
                    if d.count is None
                )
                if mocks:
                    deliverables.append(
                        f"{len(mocks)} timed mock interview{'s' if len(mocks) != 1 else ''} "
                        "(dated below), each scored on the rubric with prep log mock "
                        "and followed by written feedback"
                    )
        days = _lay_out_days(study_days, blocks, mocks, kind)
        minutes = {s: split[s] * UNIT_MINUTES for s in SKILLS}
        weeks.append(
            PlanWeek(
                week=index + 1,
                start=week_start,
                end=week_end,
                kind=layout.kind,
                focus=focus,
                template_weeks=layout.template_weeks,
                budget_minutes=budget,
                minutes=minutes,
                deliverables=tuple(deliverables),
                days=days,
            )
        )
    plan = StudyPlan(
        pipeline=pipeline.name,
        template=template.name,
        start=request.start,
        interview_date=request.interview_date,
        hours_per_week=request.hours_per_week,
        study_days_per_week=request.study_days_per_week,
        weak=tuple(s.id for s in weak),
        weeks=tuple(weeks),
        system_design_min_share=sd_min,
        notes=(*_notes(weeks), *mock_notes, *dropped_notes),
    )
    if not any_study_day:
        raise InputError(
            f"--interview-date {request.interview_date.isoformat()}: no study day is left "
            f"before it (with {_count(request.study_days_per_week, 'study day')} a week the "
            f"last {_count(7 - request.study_days_per_week, 'day')} of each week, the eve "
            "included, are rest days); start earlier or give --days-per-week 7",
            option="--interview-date",
        )
    if plan.total_minutes == 0:
        raise InputError(
            f"--hours-per-week {request.hours_per_week} leaves no {UNIT_MINUTES}-minute session "
            f"before {request.interview_date.isoformat()}; give more hours or an earlier start",
            option="--hours-per-week",
        )
    return plan


def _reserve(units: dict[Skill, int], weeks: Sequence[TemplateWeek]) -> dict[Skill, int]:
    """Take a unit out of ``units`` for each of ``weeks`` (in the skill it weighs most that
    has one), so that the mocks scheduled from the rest leave every focus a session."""
    taken: dict[Skill, int] = dict.fromkeys(SKILLS, 0)
    for week in weeks:
        share = _normalise(week.skills)
        usable = [s for s in SKILLS if share[s] > 0 and units[s] > 0]
        if usable:
            skill = max(usable, key=lambda s: (share[s], units[s], -SKILLS.index(s)))
            units[skill] -= 1
            taken[skill] += 1
    return taken


def _coverage_gap(plan: StudyPlan, template: Template) -> str | None:
    """Which week or focus of ``plan`` gets no time (None: every week has time and every focus
    of the template a session of its own, or the mocks for the mock week)."""
    for week in plan.weeks:
        if week.total_minutes == 0:
            return (
                f"week {week.week} ({week.start.isoformat()} to {week.end.isoformat()}) "
                f"without a {UNIT_MINUTES}-minute session"
            )
    titles = [s.title for s in plan.sessions]
    for focus in template.weeks:
        named = any(t.endswith(f": {focus.focus}") for t in titles)
        if not named and not (focus.mock and plan.mocks):
            return f"no session for the focus {focus.focus!r}"
    return None


def _count(n: int, noun: str) -> str:
    """``1 study day``, ``2 study days``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _notes(weeks: Sequence[PlanWeek]) -> tuple[str, ...]:
    notes: list[str] = []
    if not any(w.mocks for w in weeks):
        notes.append(
            "no mock interview fits the hours of the last week; give more hours a week "
            "to rehearse the loop before the day"
        )
    return tuple(notes)
