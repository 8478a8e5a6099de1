"""How far to trust a band: a grade (high / medium / low) from three factors, weakest first.

A band is only as good as its weakest factor, so each factor is graded good, fair or poor and
the band's confidence is the worst of the three (all good: high; worst fair: medium; any poor:
low). The reasons name every factor that is not good, so a reader sees what holds the grade down.

* **Sample** (``n``, the records behind the band): good from :data:`N_GOOD` records, fair from
  :data:`N_FAIR`, poor below (or unknown, as for a guide's table, which states no n). Official
  statistics are survey estimates whose reliability the publisher states as a relative standard
  error; for them that error replaces n: good up to :data:`RSE_GOOD_PCT` percent, fair up to
  :data:`RSE_FAIR_PCT`, poor above or unknown.
* **Age** (years from the data's date to the as-of date: the median record date, a statistic's
  reference date, a guide's publication date): good up to :data:`AGE_GOOD_YEARS`, fair up to
  :data:`AGE_FAIR_YEARS`, poor beyond. Restating old figures with a growth index does not make
  them younger: the age is that of the data.
* **Fit** (how specific the match is, against what the query names): ``exact`` (the company and
  level asked, and the place when one is asked) is good; ``company`` (the company, but wider than
  asked: a level range, or every place) is fair; ``occupation`` (every employer in an occupation,
  as official statistics are) is poor when the query names a company, because a company's level
  can sit anywhere in an occupation's spread. A query that names no company is answered exactly
  by an occupation-wide band (the caller says ``exact`` then).

The thresholds follow what benchmarking products show: Pave hides cells under 3 and Carta grades
sample size, recency and fit; ours hide bands under 5 records (``min_n``) and grade the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

__all__ = [
    "AGE_FAIR_YEARS",
    "AGE_GOOD_YEARS",
    "N_FAIR",
    "N_GOOD",
    "RSE_FAIR_PCT",
    "RSE_GOOD_PCT",
    "Confidence",
    "ConfidenceGrade",
    "FactorGrade",
    "Match",
    "grade_confidence",
]

Confidence = Literal["high", "medium", "low"]
#: How specific a band is for the query (see the module's docstring).
Match = Literal["exact", "company", "occupation"]
FactorGrade = Literal["good", "fair", "poor"]

N_GOOD: Final = 30
N_FAIR: Final = 10
AGE_GOOD_YEARS: Final = Decimal(1)
AGE_FAIR_YEARS: Final = Decimal(2)
RSE_GOOD_PCT: Final = Decimal(5)
RSE_FAIR_PCT: Final = Decimal(10)

_ORDER: Final[dict[FactorGrade, int]] = {"good": 0, "fair": 1, "poor": 2}
_GRADE: Final[dict[FactorGrade, Confidence]] = {"good": "high", "fair": "medium", "poor": "low"}


@dataclass(frozen=True, slots=True)
class ConfidenceGrade:
    """A band's confidence, each factor's grade, and a sentence saying why."""

    confidence: Confidence
    sample: FactorGrade
    age: FactorGrade
    fit: FactorGrade
    why: str

    def as_json(self) -> dict[str, str]:
        return {"sample": self.sample, "age": self.age, "fit": self.fit, "why": self.why}


def _sample(n: int | None, rse_pct: Decimal | None) -> tuple[FactorGrade, str]:
    if rse_pct is not None:
        if rse_pct <= RSE_GOOD_PCT:
            return "good", f"relative standard error {rse_pct}%"
        if rse_pct <= RSE_FAIR_PCT:
            return "fair", f"relative standard error {rse_pct}%, over {RSE_GOOD_PCT}%"
        return "poor", f"relative standard error {rse_pct}%, over {RSE_FAIR_PCT}%"
    if n is None:
        return "poor", "sample size not stated"
    if n >= N_GOOD:
        return "good", f"n = {n:,}"
    if n >= N_FAIR:
        return "fair", f"n = {n:,}, under {N_GOOD}"
    return "poor", f"n = {n:,}, under {N_FAIR}"


def _age(age_years: Decimal) -> tuple[FactorGrade, str]:
    shown = f"{age_years.quantize(Decimal('0.1'))} years old"
    if age_years <= AGE_GOOD_YEARS:
        return "good", shown
    if age_years <= AGE_FAIR_YEARS:
        return "fair", f"{shown}, over {AGE_GOOD_YEARS}"
    return "poor", f"{shown}, over {AGE_FAIR_YEARS}"


_FIT: Final[dict[Match, tuple[FactorGrade, str]]] = {
    "exact": ("good", "matches the company, level and place asked"),
    "company": ("fair", "the company, but wider than asked (a level range or every place)"),
    "occupation": ("poor", "every employer in the occupation, not the company and level"),
}


def grade_confidence(
    *, n: int | None, age_years: Decimal, match: Match, rse_pct: Decimal | None = None
) -> ConfidenceGrade:
    """The confidence of a band from its sample (``n``, or ``rse_pct`` for official statistics,
    in percent), its age in years at the as-of date, and its fit to the query."""
    sample, sample_text = _sample(n, rse_pct)
    age, age_text = _age(age_years)
    fit, fit_text = _FIT[match]
    worst = max((sample, age, fit), key=_ORDER.__getitem__)
    confidence = _GRADE[worst]
    factors = [("sample", sample, sample_text), ("age", age, age_text), ("fit", fit, fit_text)]
    if worst == "good":
        why = f"high: {sample_text}, {age_text}, {fit_text}"
    else:
        held = [f"{text}" for _, grade, text in factors if grade == worst]
        why = f"{confidence}: " + "; ".join(held)
    return ConfidenceGrade(confidence, sample, age, fit, why)
