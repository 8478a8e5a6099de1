"""Interview pipelines and prep templates as data: Pydantic models, bundled files, user files.

A pipeline is the loop that leads to an offer: its stages (each with a length in minutes, the
number of rounds, the skills it tests as relative weights, the kinds of question, what is
scored) and the rubric every stage is scored on. A template is a week-by-week study plan
(focus, skills, deliverables) that plans scale to the weeks there are. Bundled ones live in
``offerlab/data/prep``; ``--pipeline FILE`` reads a user's own TOML or JSON file, every problem
located (key path or line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

from offerlab.errors import NotFoundError
from offerlab.validation import (
    KeyedValueError,
    KeyedValueErrors,
    parse_document,
    read_document,
    validate_document,
)

__all__ = [
    "DEFAULT_PIPELINE",
    "SKILLS",
    "Deliverable",
    "Pipeline",
    "Rubric",
    "RubricLevel",
    "Skill",
    "SourceRef",
    "Stage",
    "Template",
    "TemplateWeek",
    "bundled_pipelines",
    "bundled_templates",
    "load_pipeline",
    "load_pipeline_file",
    "load_template",
    "resolve_pipeline",
]

Skill = Literal["coding", "system_design", "ml", "behavioral"]
#: The skills hours are split by, in display order.
SKILLS: Final[tuple[Skill, ...]] = ("coding", "system_design", "ml", "behavioral")
DEFAULT_PIPELINE: Final = "microsoft-ml-engineer"

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
_ID = r"^[a-z][a-z0-9_]*$"
_NAME = r"^[a-z0-9][a-z0-9_.-]*$"

Weight = Annotated[Decimal, Field(gt=0, le=1)]
Text = Annotated[str, Field(min_length=1)]


class SourceRef(BaseModel):
    """Where a pipeline's or template's facts come from: publisher, title, date (YYYY-MM)."""

    model_config = _STRICT

    publisher: Text = Field(description="who published it")
    title: Text = Field(description="the article or book title")
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")] = Field(
        description="publication or update date as YYYY-MM or YYYY-MM-DD"
    )
    used_for: str = Field(default="", description="which facts were taken from it")


class RubricLevel(BaseModel):
    """One score on a rubric, with its label and what it means."""

    model_config = _STRICT

    score: int = Field(description="a whole score")
    label: Text = Field(description="a short label such as 'lean hire'")
    meaning: str = Field(default="", description="what earns this score")


class Rubric(BaseModel):
    """The scale each stage is scored on (whole numbers ``min``..``max``) and the pass mark."""

    model_config = _STRICT

    min: int = Field(default=1, description="the lowest score")
    max: int = Field(default=4, description="the highest score")
    pass_score: int = Field(default=3, alias="pass", description="the lowest passing score")
    levels: list[RubricLevel] = []

    @model_validator(mode="after")
    def _check(self) -> Self:
        problems: list[KeyedValueError] = []
        if self.max <= self.min:
            problems.append(
                KeyedValueError("max", f"max {self.max} is not above min {self.min}", "max > min")
            )
        elif not self.min <= self.pass_score <= self.max:
            problems.append(
                KeyedValueError(
                    "pass", f"pass {self.pass_score} is off the scale", f"{self.min}..{self.max}"
                )
            )
        for index, level in enumerate(self.levels):
            if self.max > self.min and not self.min <= level.score <= self.max:
                problems.append(
                    _keyed(
                        ("levels", index, "score"),
                        f"score {level.score} is off the scale",
                        f"{self.min}..{self.max}",
                    )
                )
        KeyedValueErrors.raise_all(problems)
        return self

    def label(self, score: int) -> str:
        """The label of ``score`` (empty when the rubric names no levels)."""
        return next((lv.label for lv in self.levels if lv.score == score), "")


def _keyed(path: tuple[str | int, ...], message: str, expected: str = "") -> KeyedValueError:
    """A :class:`KeyedValueError` at ``path`` (list indexes kept as ``[n]``)."""
    error = KeyedValueError("x", message, expected)
    error.key = cast(tuple[str, ...], path)  # key_path() shows ints as [n]
    return error


def _check_skills(skills: Mapping[Skill, Decimal]) -> None:
    if not skills:
        raise KeyedValueError("skills", "no skills given", f"weights for some of {_skill_list()}")


def _skill_list() -> str:
    return ", ".join(SKILLS)


class Stage(BaseModel):
    """One stage of a loop: length in minutes per round, rounds, skills tested (relative
    weights), kinds of question and what is scored."""

    model_config = _STRICT

    id: Annotated[str, Field(pattern=_ID)] = Field(description="an id such as onsite_coding")
    name: Text = Field(description="a display name")
    minutes: Annotated[int, Field(gt=0, le=600)] = Field(description="length of a round, minutes")
    minutes_stated: bool = Field(default=True, description="false when the length is assumed")
    rounds: Annotated[int, Field(ge=1, le=10)] = Field(default=1, description="rounds (1-10)")
    group: str = Field(default="", description="a group such as onsite")
    skills: dict[Skill, Weight] = Field(
        description="skills tested with relative weights, e.g. { coding = 0.7, ml = 0.3 }",
        json_schema_extra={"key_noun": "skill"},
    )
    questions: list[Text] = Field(default=[], description="kinds of question asked")
    criteria: list[Text] = Field(default=[], description="what the interviewer scores")
    notes: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_skills(self.skills)
        return self

    def shares(self) -> dict[Skill, Decimal]:
        """Skill weights scaled to sum to 1."""
        total = sum(self.skills.values(), Decimal(0))
        return {skill: weight / total for skill, weight in self.skills.items()}

    @property
    def primary_skill(self) -> Skill:
        """The skill the stage weighs most (first in :data:`SKILLS` order on a tie)."""
        return max(SKILLS, key=lambda s: (self.skills.get(s, Decimal(0)), -SKILLS.index(s)))

    @property
    def total_minutes(self) -> int:
        """Minutes across all rounds."""
        return self.minutes * self.rounds


class Pipeline(BaseModel):
    """An interview loop: stages in order, the rubric, the template plans start from."""

    model_config = _STRICT

    name: Annotated[str, Field(pattern=_NAME)] = Field(description="a name such as my-loop")
    title: Text = Field(description="a display title")
    company: str = ""
    role: str = ""
    template: Annotated[str, Field(pattern=_NAME)] = Field(
        default="six-week-ml", description="the bundled template plans scale: six-week-ml, ..."
    )
    sources: list[SourceRef] = []
    rubric: Rubric = Rubric()
    stages: Annotated[list[Stage], Field(min_length=1)] = Field(
        description="the stages, at least one"
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        problems: list[KeyedValueError] = []
        seen: set[str] = set()
        for index, stage in enumerate(self.stages):
            if stage.id in seen:
                problems.append(
                    _keyed(
                        ("stages", index, "id"),
                        f"stage id {stage.id!r} is used twice",
                        "unique ids",
                    )
                )
            seen.add(stage.id)
        if self.template not in bundled_templates():
            problems.append(
                KeyedValueError(
                    "template",
                    f"unknown template {self.template!r}",
                    "one of: " + ", ".join(bundled_templates()),
                )
            )
        KeyedValueErrors.raise_all(problems)
        return self

    def stage(self, stage_id: str) -> Stage:
        """The stage called ``stage_id``; :class:`NotFoundError` naming the known ones."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise NotFoundError(
            f"unknown stage {stage_id!r} in pipeline {self.name!r}; expected one of: "
            + ", ".join(s.id for s in self.stages)
        )

    @property
    def skills(self) -> tuple[Skill, ...]:
        """Skills some stage tests, in :data:`SKILLS` order."""
        tested = {skill for stage in self.stages for skill in stage.skills}
        return tuple(s for s in SKILLS if s in tested)

    def skill_profile(self) -> dict[Skill, Decimal]:
        """How much of the loop's interview time tests each skill (shares summing to 1)."""
        minutes: dict[Skill, Decimal] = dict.fromkeys(SKILLS, Decimal(0))
        for stage in self.stages:
            for skill, share in stage.shares().items():
                minutes[skill] += share * stage.total_minutes
        total = sum(minutes.values(), Decimal(0))
        return {skill: value / total for skill, value in minutes.items()}


class Deliverable(BaseModel):
    """Something to produce in a week; ``count`` scales with the hours the week gets."""

    model_config = _STRICT

    what: Text = Field(description="what to produce")
    count: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="how many in a reference week"
    )
    one: str = Field(default="", description="the singular of `what`, for a count of 1")


class TemplateWeek(BaseModel):
    """One week of a template: its focus, skills (relative weights) and deliverables."""

    model_config = _STRICT

    week: Annotated[int, Field(ge=1)]
    focus: Text
    mock: bool = False
    skills: dict[Skill, Weight] = Field(json_schema_extra={"key_noun": "skill"})
    deliverables: tuple[Deliverable, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_skills(self.skills)
        return self


class Template(BaseModel):
    """A week-by-week prep template; the last week is the mock-interview week."""

    model_config = _STRICT

    name: Annotated[str, Field(pattern=_NAME)]
    title: Text
    reference_hours_per_week: Annotated[Decimal, Field(gt=0)]
    system_design_min_share: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.30")
    source: SourceRef
    weeks: Annotated[tuple[TemplateWeek, ...], Field(min_length=2)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        for index, week in enumerate(self.weeks):
            if week.week != index + 1:
                raise _keyed(("weeks", index, "week"), "weeks out of order", str(index + 1))
        if not self.weeks[-1].mock:
            raise _keyed(
                ("weeks", len(self.weeks) - 1, "mock"), "the last week is not mocks", "true"
            )
        return self


def _data_dir(kind: str) -> Any:
    return resources.files("offerlab.data").joinpath("prep").joinpath(kind)


def _bundled_names(kind: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            p.name.removesuffix(".toml")
            for p in _data_dir(kind).iterdir()
            if p.name.endswith(".toml")
        )
    )


@cache
def bundled_templates() -> tuple[str, ...]:
    """Names of the bundled templates."""
    return _bundled_names("templates")


@cache
def bundled_pipelines() -> tuple[str, ...]:
    """Names of the bundled pipelines."""
    return _bundled_names("pipelines")


@cache
def load_template(name: str) -> Template:
    """A bundled template by name."""
    if name not in bundled_templates():
        raise NotFoundError(
            f"unknown template {name!r}; expected one of: {', '.join(bundled_templates())}"
        )
    what = "invalid template"
    text = _data_dir("templates").joinpath(f"{name}.toml").read_text("utf-8")
    data = parse_document(text, f"{name}.toml", "toml", what)
    return validate_document(Template, data, f"{name}.toml", what)


@cache
def load_pipeline(name: str) -> Pipeline:
    """A bundled pipeline by name; :class:`NotFoundError` naming the bundled ones."""
    if name not in bundled_pipelines():
        raise NotFoundError(
            f"unknown pipeline {name!r}; expected one of: {', '.join(bundled_pipelines())} "
            "or the path of a pipeline file (.toml or .json)"
        )
    what = "invalid pipeline"
    text = _data_dir("pipelines").joinpath(f"{name}.toml").read_text("utf-8")
    data = parse_document(text, f"{name}.toml", "toml", what)
    return validate_document(Pipeline, data, f"{name}.toml", what)


def load_pipeline_file(path: str | Path) -> Pipeline:
    """A user's pipeline file (TOML, or JSON by suffix), every problem reported at once."""
    what = "invalid pipeline"
    return validate_document(Pipeline, read_document(path, what), str(path), what)


_LOOKS_LIKE_PATH = re.compile(r"[/\\]|\.(toml|json)$", re.IGNORECASE)


def resolve_pipeline(spec: str | None) -> Pipeline:
    """``--pipeline NAME|FILE``: a bundled name, else a file path (default: the ML loop)."""
    if spec is None or not spec.strip():
        return load_pipeline(DEFAULT_PIPELINE)
    spec = spec.strip()
    if spec in bundled_pipelines():
        return load_pipeline(spec)
    if _LOOKS_LIKE_PATH.search(spec) or Path(spec).exists():
        return load_pipeline_file(spec)
    return load_pipeline(spec)
