"""The offer: what a company offers, as written in an offer file (TOML or JSON).

These Pydantic models are the file format and its JSON Schema (``offerlab offer schema``).
Amounts are exact decimals in the offer's ``currency``; yearly amounts are gross and annual.
Models are frozen: an offer is a value, and a changed offer is a new one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from offerlab.money import CURRENCIES, Money
from offerlab.offers.vesting import (
    Cadence,
    VestingSchedule,
    company_preset,
    preset,
    preset_names,
)
from offerlab.validation import KeyedValueError, ShortText

__all__ = [
    "EquityGrant",
    "Offer",
    "OtherItem",
    "Refreshers",
    "ScheduleSpec",
    "SigningBonus",
]

#: Amounts above this are typing mistakes, not offers.
MAX_AMOUNT = Decimal("1e12")
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, description="a non-negative amount")]
Percent = Annotated[Decimal, Field(ge=0, le=1000, description="a percentage, e.g. 15 for 15%")]
#: The most equity grants, other items, yearly percentages or vesting events one offer lists.
MAX_ITEMS = 100
#: The furthest month after the start any vest or cliff may be (50 years).
MAX_MONTHS = 600


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ScheduleSpec(_Model):
    """A custom vesting schedule: yearly percentages with a cadence, or explicit events."""

    years: list[Annotated[Decimal, Field(ge=0, le=100)]] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="percent of the grant vesting in each year, e.g. [25, 25, 25, 25]",
    )
    cadence: Cadence | list[Cadence] = Field(
        default="quarterly", description="vests within a year: one cadence, or one per year"
    )
    cliff_months: Annotated[int, Field(ge=0, le=MAX_MONTHS)] = Field(
        default=0, description="vests before this month are held and paid at the cliff"
    )
    events: (
        list[
            tuple[
                Annotated[int, Field(ge=0, le=MAX_MONTHS)], Annotated[Decimal, Field(gt=0, le=100)]
            ]
        ]
        | None
    ) = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="explicit [month after grant, percent] vests",
    )

    @model_validator(mode="after")
    def _valid_schedule(self) -> ScheduleSpec:
        if self.years is None and self.events is None:
            raise ValueError("give `years` (with `cadence`) or `events`")
        if self.years is not None and self.events is not None:
            raise ValueError("give either `years` (with `cadence`) or `events`, not both")
        self.to_schedule()
        return self

    def to_schedule(self, name: str = "custom") -> VestingSchedule:
        if self.events is not None:
            return VestingSchedule.from_events(name, self.events)
        assert self.years is not None
        return VestingSchedule.from_yearly(name, self.years, self.cadence, self.cliff_months)


ScheduleField = str | ScheduleSpec | None


def _check_schedule_name(value: ScheduleField) -> ScheduleField:
    if isinstance(value, str) and value.strip().lower() not in preset_names():
        raise ValueError(
            f"unknown vesting schedule {value!r}; expected one of {', '.join(preset_names())} "
            "or a table with `years` and `cadence`, or `events`"
        )
    return value


def resolve_schedule(value: ScheduleField, company: str) -> VestingSchedule:
    """The schedule a grant vests on: the one named or given, else the company's preset
    when offerlab has one (``Amazon.com`` -> ``amazon``), else ``standard``."""
    if isinstance(value, ScheduleSpec):
        return value.to_schedule()
    if isinstance(value, str):
        return preset(value)
    return company_preset(company) or preset("standard")


class SigningBonus(_Model):
    """A signing bonus paid at the start, or in instalments by offer year, with its clawback."""

    amount: Amount | None = Field(default=None, description="paid at the start (offer year 1)")
    payments: list[Amount] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="amounts by offer year: payments[k] is paid at the start of year k+1",
    )
    clawback_months: Annotated[int, Field(ge=0)] = Field(
        default=0, description="months after the start during which leaving means repaying"
    )
    clawback: Literal["prorated", "full"] = Field(
        default="prorated", description="repay the whole bonus, or the unserved share of it"
    )

    @model_validator(mode="after")
    def _one_form(self) -> SigningBonus:
        if self.amount is None and self.payments is None:
            raise ValueError("give `amount` (paid at the start) or `payments` (by offer year)")
        if self.amount is not None and self.payments is not None:
            raise ValueError("give either `amount` or `payments`, not both")
        if self.payments is not None and not self.payments:
            raise ValueError("`payments` needs at least one amount")
        return self

    @property
    def schedule(self) -> list[Decimal]:
        """Amount paid at the start of each offer year (index 0 = year 1)."""
        if self.payments is not None:
            return list(self.payments)
        assert self.amount is not None
        return [self.amount]

    @property
    def total(self) -> Decimal:
        return sum(self.schedule, Decimal(0))


class EquityGrant(_Model):
    """A stock grant: a value in money, or a number of shares at a grant price."""

    name: ShortText | None = Field(default=None, description="a label, e.g. 'new-hire RSU'")
    value: Amount | None = Field(default=None, description="grant value in the offer currency")
    shares: Annotated[Decimal, Field(gt=0)] | None = Field(default=None, description="shares")
    price: Annotated[Decimal, Field(gt=0)] | None = Field(
        default=None, description="price per share used to size the grant"
    )
    current_price: Annotated[Decimal, Field(gt=0)] | None = Field(
        default=None, description="when given, vests are valued at this price per share"
    )
    schedule: ScheduleField = Field(
        default=None,
        description="a preset name or a custom schedule; default: the company's preset, "
        "else 'standard'",
    )
    start_month: Annotated[int, Field(ge=0, le=MAX_MONTHS)] = Field(
        default=0, description="months after the start date when the grant starts vesting"
    )

    _schedule_name = field_validator("schedule")(_check_schedule_name)

    @model_validator(mode="after")
    def _sized(self) -> EquityGrant:
        if self.value is None and (self.shares is None or self.price is None):
            raise ValueError("give `value`, or `shares` with `price`")
        if self.value is not None and self.shares is not None:
            raise ValueError("give `value` or `shares`, not both")
        if self.current_price is not None and self.shares is None and self.price is None:
            raise ValueError("`current_price` needs `price` (or `shares`) to count the shares")
        return self

    @property
    def grant_value(self) -> Decimal:
        """Value of the whole grant at the grant price."""
        if self.value is not None:
            return self.value
        assert self.shares is not None
        assert self.price is not None
        return self.shares * self.price

    @property
    def share_count(self) -> Decimal | None:
        if self.shares is not None:
            return self.shares
        if self.value is not None and self.price is not None:
            return self.value / self.price
        return None

    @property
    def valued_total(self) -> Decimal:
        """Value of the whole grant at the price vests are valued at."""
        shares = self.share_count
        if self.current_price is not None and shares is not None:
            return shares * self.current_price
        return self.grant_value


class Refreshers(_Model):
    """Yearly refresher grants, each vesting on its own schedule."""

    annual_value: Amount | None = Field(default=None, description="value of each yearly grant")
    pct_of_initial: Percent | None = Field(
        default=None, description="each yearly grant as a percent of the initial equity value"
    )
    first_year: Annotated[int, Field(ge=1, le=50)] = Field(
        default=2, description="offer year in which the first refresher starts vesting"
    )
    schedule: ScheduleField = Field(default=None, description="as for equity grants")

    _schedule_name = field_validator("schedule")(_check_schedule_name)

    @model_validator(mode="after")
    def _one_size(self) -> Refreshers:
        if self.annual_value is None and self.pct_of_initial is None:
            raise ValueError("give `annual_value` or `pct_of_initial`")
        if self.annual_value is not None and self.pct_of_initial is not None:
            raise ValueError("give either `annual_value` or `pct_of_initial`, not both")
        return self


class OtherItem(_Model):
    """A named cash item: one-off (relocation) or annual (401k match, ESPP gain)."""

    name: ShortText = Field(min_length=1, description="what it is, e.g. 'relocation'")
    amount: Amount = Field(description="the amount; for annual items, per year")
    recurring: Literal["once", "annual"] = Field(default="once")
    year: Annotated[int, Field(ge=1, le=50)] = Field(
        default=1, description="offer year of a one-off item (paid at that year's start)"
    )

    @model_validator(mode="after")
    def _year_only_once(self) -> OtherItem:
        if self.recurring == "annual" and "year" in self.model_fields_set:
            raise KeyedValueError(
                "year",
                "`year` applies to one-off items; an annual item is paid every year",
                "no `year`, or recurring = 'once'",
            )
        return self


class Offer(_Model):
    """A job offer. Amounts are gross, annual unless stated, in ``currency``."""

    name: ShortText | None = Field(
        default=None, description="a label; default: company, title, level"
    )
    company: ShortText = Field(min_length=1)
    title: ShortText = Field(min_length=1)
    level: ShortText = Field(
        min_length=1, description="the company's own level name, e.g. 62 or L5"
    )
    location: ShortText = Field(min_length=1, description="e.g. 'Redmond, WA'")
    currency: str = Field(default="USD", max_length=3, description="ISO 4217 code of every amount")
    start_date: date | None = Field(default=None, description="first day of work")
    base: Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT)] = Field(description="annual base salary")
    raise_pct: Annotated[Decimal, Field(ge=-100, le=100)] = Field(
        default=Decimal(0), description="yearly raise of the base, percent"
    )
    bonus_target_pct: Percent = Field(default=Decimal(0), description="target bonus, % of base")
    bonus_multiplier: Annotated[Decimal, Field(ge=0, le=10)] = Field(
        default=Decimal(1), description="expected payout against target (1 = on target)"
    )
    bonus_first_year: Literal["full", "prorated"] = Field(default="full")
    bonus_year_end: str = Field(
        default="12-31",
        pattern=r"^\d{2}-\d{2}$",
        description="MM-DD end of the bonus year, used to prorate the first bonus",
    )
    signing: SigningBonus | None = None
    equity: list[EquityGrant] = Field(default_factory=list, max_length=MAX_ITEMS)
    refreshers: Refreshers | None = None
    other: list[OtherItem] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        code = value.upper()
        if code not in CURRENCIES:
            raise ValueError(f"unknown currency {value!r}; expected an ISO 4217 code such as USD")
        return code

    @field_validator("level", mode="before")
    @classmethod
    def _level_as_text(cls, value: object) -> object:
        # `level = 62` in TOML is a number; the company's level name is text.
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("bonus_year_end")
    @classmethod
    def _real_month_day(cls, value: str) -> str:
        month, day = (int(p) for p in value.split("-"))
        try:
            date(2001, month, day)  # a common year: 02-29 is not a year end every year
        except ValueError:
            raise ValueError(
                f"{value!r} is not a month and day; expected MM-DD, such as 06-30"
            ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Offer:
        if self.bonus_first_year == "prorated" and self.start_date is None:
            raise KeyedValueError(
                "bonus_first_year",
                "'prorated' needs the start date to count the days worked",
                "a start_date, or bonus_first_year = 'full'",
            )
        refreshers = self.refreshers
        if refreshers is not None and refreshers.pct_of_initial is not None and not self.equity:
            raise KeyedValueError(
                "refreshers.pct_of_initial",
                "is a percent of the initial equity, and the offer has no equity grant",
                "an [[equity]] grant, or refreshers.annual_value",
            )
        return self

    @property
    def display_name(self) -> str:
        return self.name or f"{self.company} {self.title} {self.level}"

    def money(self, amount: Decimal) -> Money:
        """``amount`` in this offer's currency."""
        return Money(amount, self.currency)

    def schedule_for(self, grant: EquityGrant) -> VestingSchedule:
        return resolve_schedule(grant.schedule, self.company)

    def refresher_schedule(self) -> VestingSchedule | None:
        if self.refreshers is None:
            return None
        return resolve_schedule(self.refreshers.schedule, self.company)

    @property
    def initial_equity_value(self) -> Decimal:
        """Sum of the initial grants at their grant price."""
        return sum((g.grant_value for g in self.equity), Decimal(0))
