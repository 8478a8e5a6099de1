"""Interview prep: pipelines as data, dated study plans, SM-2 reviews and readiness.

Each name is imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offerlab._exports import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS = {
    "DEFAULT_PIPELINE": "offerlab.prep.pipeline",
    "SKILLS": "offerlab.prep.pipeline",
    "Pipeline": "offerlab.prep.pipeline",
    "PlanRequest": "offerlab.prep.plan",
    "Readiness": "offerlab.prep.readiness",
    "Skill": "offerlab.prep.pipeline",
    "Sm2State": "offerlab.prep.sm2",
    "Stage": "offerlab.prep.pipeline",
    "StudyPlan": "offerlab.prep.plan",
    "Template": "offerlab.prep.pipeline",
    "build_plan": "offerlab.prep.plan",
    "load_pipeline": "offerlab.prep.pipeline",
    "load_pipeline_file": "offerlab.prep.pipeline",
    "load_template": "offerlab.prep.pipeline",
    "new_card": "offerlab.prep.sm2",
    "progress": "offerlab.prep.readiness",
    "readiness": "offerlab.prep.readiness",
    "resolve_pipeline": "offerlab.prep.pipeline",
    "review": "offerlab.prep.sm2",
}
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
__getattr__ = lazy_exports(__name__, _EXPORTS)
