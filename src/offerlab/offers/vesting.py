"""Vesting schedules as data: dated fractions of a grant that must add up to exactly 100%.

A :class:`VestingSchedule` is a tuple of :class:`VestEvent` (months after the grant, fraction
of the grant). Fractions are exact :class:`fractions.Fraction` values, so a schedule of 48
monthly vests of 1/48 sums to exactly one. Presets live in ``data/vesting_schedules.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Final, Literal

from offerlab.errors import NotFoundError

__all__ = [
    "CADENCE_MONTHS",
    "Cadence",
    "VestEvent",
    "VestingSchedule",
    "company_preset",
    "preset",
    "preset_names",
]

Cadence = Literal["monthly", "quarterly", "semiannual", "annual"]

#: Months between two vests for each cadence.
CADENCE_MONTHS: Final[dict[str, int]] = {
    "monthly": 1,
    "quarterly": 3,
    "semiannual": 6,
    "annual": 12,
}


@dataclass(frozen=True, slots=True)
class VestEvent:
    """A vest ``month`` months after the grant date, of ``fraction`` of the grant (0 < f <= 1)."""

    month: int
    fraction: Fraction


@dataclass(frozen=True, slots=True)
class VestingSchedule:
    """An ordered set of vest events whose fractions add up to exactly one."""

    name: str
    events: tuple[VestEvent, ...]
    description: str = ""
    companies: tuple[str, ...] = ()
    #: ``(month, fraction vested through that month)`` for each vest, worked out once.
    cumulative: tuple[tuple[int, Fraction], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError("a vesting schedule needs at least one vest")
        months = [e.month for e in self.events]
        if any(m < 0 for m in months):
            raise ValueError("vest months must be 0 or more (months after the grant date)")
        if months != sorted(set(months)):
            raise ValueError("vest months must be in increasing order, each month once")
        if any(e.fraction <= 0 for e in self.events):
            raise ValueError("every vest must be a positive percentage")
        running = Fraction(0)
        cumulative: list[tuple[int, Fraction]] = []
        for event in self.events:
            running += event.fraction
            cumulative.append((event.month, running))
        total = running
        if total != 1:
            hint = "make them add up to exactly 100"
            if total == Fraction(1, 100):
                # [0.25, 0.25, 0.25, 0.25]: fractions of 1 where percents are wanted.
                hint = "they look like fractions of 1: write percents (25 for 25%)"
            raise ValueError(f"vest percentages add up to {_percent(total)}%, not 100%; {hint}")
        object.__setattr__(self, "cumulative", tuple(cumulative))

    @property
    def length_months(self) -> int:
        """Months from the grant to the last vest."""
        return self.events[-1].month

    @property
    def length_years(self) -> int:
        """Whole years the schedule spans (a last vest at month 48 is a 4-year schedule)."""
        return max(1, -(-self.length_months // 12))

    def fraction_by_year(self) -> dict[int, Fraction]:
        """Fraction vested in each schedule year (a vest at month m counts in year ceil(m/12))."""
        out: dict[int, Fraction] = {}
        for event in self.events:
            year = max(1, -(-event.month // 12))
            out[year] = out.get(year, Fraction(0)) + event.fraction
        return out

    @classmethod
    def from_yearly(
        cls,
        name: str,
        years: Sequence[Decimal | int | str],
        cadence: Cadence | Sequence[Cadence] = "quarterly",
        cliff_months: int = 0,
        description: str = "",
    ) -> VestingSchedule:
        """Build a schedule from yearly percentages, each year split evenly at its cadence.

        Vests that fall before ``cliff_months`` are held and paid together at the cliff.
        """
        cadences: list[str] = [cadence] * len(years) if isinstance(cadence, str) else list(cadence)
        if len(cadences) != len(years):
            raise ValueError(
                f"{len(cadences)} cadences for {len(years)} years; give one cadence, "
                "or one per year"
            )
        if cliff_months < 0:
            raise ValueError("cliff_months must be 0 or more")
        by_month: dict[int, Fraction] = {}
        for index, (pct, cad) in enumerate(zip(years, cadences, strict=True)):
            if cad not in CADENCE_MONTHS:
                raise ValueError(f"unknown cadence {cad!r}; expected one of {_cadence_list()}")
            share = Fraction(Decimal(pct)) / 100
            if share < 0:
                raise ValueError(f"year {index + 1} has a negative percentage")
            if share == 0:
                continue
            step = CADENCE_MONTHS[cad]
            count = 12 // step
            for k in range(1, count + 1):
                month = max(12 * index + step * k, cliff_months)
                by_month[month] = by_month.get(month, Fraction(0)) + share / count
        events = tuple(VestEvent(m, f) for m, f in sorted(by_month.items()))
        return cls(name=name, events=events, description=description)

    @classmethod
    def from_events(
        cls,
        name: str,
        events: Sequence[tuple[int, Decimal | int | str]],
        description: str = "",
    ) -> VestingSchedule:
        """Build a schedule from explicit (month after grant, percent of grant) pairs."""
        parsed = tuple(VestEvent(int(m), Fraction(Decimal(p)) / 100) for m, p in events)
        return cls(name=name, events=parsed, description=description)

    @classmethod
    def from_mapping(cls, name: str, spec: Mapping[str, object]) -> VestingSchedule:
        """Build a schedule from a table; a preset's ``companies`` list is kept with it."""
        schedule = cls._from_mapping(name, spec)
        companies = spec.get("companies", [])
        if isinstance(companies, list) and companies:
            return cls(schedule.name, schedule.events, schedule.description, tuple(companies))
        return schedule

    @classmethod
    def _from_mapping(cls, name: str, spec: Mapping[str, object]) -> VestingSchedule:
        """Build a schedule from a preset-style table (``years``/``cadence``/``cliff_months``)
        or an explicit one (``events = [[month, percent], ...]``)."""
        description = str(spec.get("description", ""))
        if "events" in spec:
            raw_events = spec["events"]
            if not isinstance(raw_events, list):
                raise ValueError("events must be a list of [month, percent] pairs")
            pairs: list[tuple[int, Decimal | int | str]] = []
            for item in raw_events:
                if not isinstance(item, list | tuple) or len(item) != 2:
                    raise ValueError("each event must be a [month, percent] pair")
                pairs.append((int(item[0]), item[1]))
            return cls.from_events(name, pairs, description)
        years = spec.get("years")
        if not isinstance(years, list):
            raise ValueError("a schedule needs `years` (percent per year) or `events`")
        cadence = spec.get("cadence", "quarterly")
        cliff = spec.get("cliff_months", 0)
        if not isinstance(cliff, int):
            raise ValueError("cliff_months must be a whole number of months")
        return cls.from_yearly(name, years, cadence, cliff, description)  # type: ignore[arg-type]


def _percent(fraction: Fraction) -> str:
    value = Decimal(fraction.numerator) / Decimal(fraction.denominator) * 100
    return f"{value.normalize():f}"


def _cadence_list() -> str:
    return ", ".join(CADENCE_MONTHS)


@cache
def _presets() -> dict[str, VestingSchedule]:
    text = resources.files("offerlab.data").joinpath("vesting_schedules.toml").read_text("utf-8")
    table = tomllib.loads(text, parse_float=Decimal)
    return {name: VestingSchedule.from_mapping(name, spec) for name, spec in table.items()}


def preset_names() -> list[str]:
    """Names of the bundled vesting presets."""
    return sorted(_presets())


def _company_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


@cache
def _by_company() -> dict[str, str]:
    return {
        _company_key(company): schedule.name
        for schedule in _presets().values()
        for company in schedule.companies
    }


def company_preset(company: str) -> VestingSchedule | None:
    """The preset a company usually vests on (``Amazon.com`` -> ``amazon``), if offerlab has one."""
    name = _by_company().get(_company_key(company))
    return _presets()[name] if name else None


def preset(name: str) -> VestingSchedule:
    """The bundled preset ``name`` (case-insensitive)."""
    try:
        return _presets()[name.strip().lower()]
    except KeyError:
        raise NotFoundError(
            f"unknown vesting schedule {name!r}; expected one of {', '.join(preset_names())} "
            "or a custom schedule"
        ) from None
