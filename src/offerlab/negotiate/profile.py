"""The candidate's profile (optional TOML): what the planner knows about the person asking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from offerlab.validation import read_document, validate_document

__all__ = ["DEGREE_YEARS", "Profile", "load_profile"]

#: Years of experience a degree counts for when judging the level (a PhD is research
#: experience; seed 001: "PhD + 2-3 years should map to L62").
DEGREE_YEARS: dict[str, int] = {"phd": 3, "ms": 1, "mba": 1, "bs": 0, "ba": 0, "none": 0}


class Profile(BaseModel):
    """Who is negotiating. Amounts are annual (or one-off for ``unvested_equity``), gross, in
    the offer's currency."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str | None = Field(default=None, description="your name, for the email draft")
    years_of_experience: Annotated[Decimal, Field(ge=0, le=60)] | None = Field(
        default=None, description="years of relevant industry experience"
    )
    degree: Literal["phd", "ms", "mba", "bs", "ba", "none"] | None = Field(
        default=None, description="highest degree: phd, ms, mba, bs, ba or none"
    )
    specialty: str | None = Field(default=None, description="e.g. LLMs, recommendation systems")
    current_company: str | None = Field(default=None, description="where you work now")
    current_base: Annotated[Decimal, Field(ge=0)] | None = Field(
        default=None, description="your current annual base"
    )
    current_total: Annotated[Decimal, Field(ge=0)] | None = Field(
        default=None, description="your current annual total pay"
    )
    unvested_equity: Annotated[Decimal, Field(ge=0)] | None = Field(
        default=None, description="unvested equity that leaving your job forfeits"
    )
    deadline: date | None = Field(default=None, description="when you must answer the offer")
    recruiter: str | None = Field(default=None, description="the recruiter's name")

    @property
    def effective_years(self) -> Decimal | None:
        """Years of experience plus what the degree counts for, for level questions."""
        if self.years_of_experience is None:
            return None
        return self.years_of_experience + DEGREE_YEARS.get(self.degree or "none", 0)


def load_profile(path: str | Path) -> Profile:
    """Read a profile file (TOML, or JSON by suffix), every problem reported at once."""
    what = "invalid profile"
    return validate_document(Profile, read_document(path, what), str(path), what)
