"""Interview prep: pipelines as data, dated study plans, SM-2 reviews and readiness."""

from offerlab.prep.pipeline import (
    DEFAULT_PIPELINE,
    SKILLS,
    Pipeline,
    Skill,
    Stage,
    Template,
    load_pipeline,
    load_pipeline_file,
    load_template,
    resolve_pipeline,
)
from offerlab.prep.plan import PlanRequest, StudyPlan, build_plan
from offerlab.prep.readiness import Readiness, progress, readiness
from offerlab.prep.sm2 import Sm2State, new_card, review

__all__ = [
    "DEFAULT_PIPELINE",
    "SKILLS",
    "Pipeline",
    "PlanRequest",
    "Readiness",
    "Skill",
    "Sm2State",
    "Stage",
    "StudyPlan",
    "Template",
    "build_plan",
    "load_pipeline",
    "load_pipeline_file",
    "load_template",
    "new_card",
    "progress",
    "readiness",
    "resolve_pipeline",
    "review",
]
