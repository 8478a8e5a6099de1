"""The offer: what a company offers, as written in an offer file (TOML or JSON).

These Pydantic models are the file format and its JSON Schema (``offerlab offer schema``).
Amounts are exact decimals in the offer's ``currency``; yearly amounts are gross and annual.
Models are frozen: an offer is a value, and a changed offer is a new one.
"""

from __future__ import annotations

import functools
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
from offerlab.validation import KeyedValueError, KeyedValueErrors, ShortText

__all__ = [
    "EquityGrant",
    "EquityKind",
    "Liquidity",
    "LiquidityField",
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
        if self.years is not None and self.cliff_months:
            vesting = [i for i, pct in enumerate(self.years) if pct > 0]
            last = 12 * (vesting[-1] + 1) if vesting else 0
            if self.cliff_months > last:
                # No reading makes sense: the cliff would hold every vest past the schedule.
                raise KeyedValueError(
                    "cliff_months",
                    f"{self.cliff_months} months is after the last vest (month {last} of a "
                    f"{len(self.years)}-year schedule)",
                    f"a cliff of at most {last} months; 12 is the usual one-year cliff",
                )
        if self.events is not None and self.cliff_months:
            raise KeyedValueError(
                "cliff_months",
                "applies to `years` schedules; explicit `events` already say when each vest is",
                "no cliff_months with events",
            )
        self.to_schedule()
        return self

    def to_schedule(self, name: str = "custom") -> VestingSchedule:
        cadence = self.cadence if isinstance(self.cadence, str) else tuple(self.cadence)
        return _schedule_of(
            name,
            None if self.years is None else tuple(self.years),
            cadence,
            self.cliff_months,
            None if self.events is None else tuple(self.events),
        )


@functools.lru_cache(maxsize=1024)
def _schedule_of(
    name: str,
    years: tuple[Decimal, ...] | None,
    cadence: Cadence | tuple[Cadence, ...],
    cliff_months: int,
    events: tuple[tuple[int, Decimal], ...] | None,
) -> VestingSchedule:
    """A custom schedule, built once for each distinct spec (schedules are immutable, and the
    engine and the grant plans both ask for it)."""
    if events is not None:
        return VestingSchedule.from_events(name, events)
    assert years is not None
    return VestingSchedule.from_yearly(name, years, cadence, cliff_months)


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


#: What a grant is: restricted stock units, stock options, or other units (profit
#: participation units and the like).
EquityKind = Literal["rsu", "option", "unit"]
OptionType = Literal["iso", "nso"]
PricePerShare = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT)]


class Liquidity(_Model):
    """When vested equity of a private company can become money: tender offers (on given
    months or dates, or at a cadence), each letting holders sell a share of what they hold,
    and an exit (IPO or sale of the company) from which everything vested can be sold and
    later vests are sold as they vest. Months count from the offer's start date."""

    tender_months: list[Annotated[int, Field(ge=0, le=600)]] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="months after the start date of each tender offer",
    )
    tender_dates: list[date] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="dates of the tender offers (needs the offer's start_date)",
    )
    tender_every_months: Annotated[int, Field(ge=1, le=600)] | None = Field(
        default=None, description="a tender offer every this many months"
    )
    first_tender_month: Annotated[int, Field(ge=0, le=600)] | None = Field(
        default=None,
        description="month after the start date of the first tender of the cadence; "
        "default: one cadence after the start",
    )
    tender_pct: Annotated[Decimal, Field(gt=0, le=100)] = Field(
        default=Decimal(100),
        description="percent of the vested holdings still held that may be sold at each tender",
    )
    exit_month: Annotated[int, Field(ge=0, le=600)] | None = Field(
        default=None, description="months after the start date of an exit (IPO or acquisition)"
    )
    exit_date: date | None = Field(
        default=None, description="date of an exit (needs the offer's start_date)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Liquidity:
        errors: list[KeyedValueError] = []
        if self.exit_month is not None and self.exit_date is not None:
            errors.append(
                KeyedValueError(
                    "exit_date", "give `exit_month` or `exit_date`, not both", "one of them"
                )
            )
        if self.first_tender_month is not None and self.tender_every_months is None:
            errors.append(
                KeyedValueError(
                    "first_tender_month",
                    "starts a tender cadence, and there is no `tender_every_months`",
                    "tender_every_months, or tender_months for single tenders",
                )
            )
        if "tender_pct" in self.model_fields_set and not self.has_tenders:
            errors.append(
                KeyedValueError(
                    "tender_pct",
                    "is the share sold at each tender, and no tender is given",
                    "tender_months, tender_dates or tender_every_months",
                )
            )
        if not self.has_tenders and self.exit_month is None and self.exit_date is None:
            errors.append(
                KeyedValueError(
                    "tender_months",
                    "a liquidity table needs at least one tender or an exit",
                    "tender_months, tender_dates, tender_every_months, exit_month or exit_date; "
                    "or liquidity = 'private' when no sale is known",
                )
            )
        KeyedValueErrors.raise_all(errors)
        return self

    @property
    def has_tenders(self) -> bool:
        return bool(self.tender_months or self.tender_dates or self.tender_every_months)

    def dated(self) -> list[tuple[str, date]]:
        """(key, date) of every date given, for checks against the start date."""
        out = [("tender_dates", d) for d in self.tender_dates or []]
        if self.exit_date is not None:
            out.append(("exit_date", self.exit_date))
        return out


#: ``"public"``: vested equity can be sold as it vests (a listed company); ``"private"``: no
#: sale is known (only an exit that a scenario supposes); or a :class:`Liquidity` table. The
#: names are text checked by :func:`_check_liquidity` (not a Literal), so that a table with a
#: mistake is reported at its key, not also as "a table is not allowed".
LiquidityName = Annotated[str, Field(json_schema_extra={"enum": ["public", "private"]})]
LiquidityField = LiquidityName | Liquidity | None
_LIQUIDITY_NAMES = ("public", "private")


def _check_liquidity(value: LiquidityField) -> LiquidityField:
    if isinstance(value, str):
        name = value.lower()
        if name not in _LIQUIDITY_NAMES:
            raise ValueError(
                f"unknown liquidity {value!r}; expected 'public', 'private' or a table of "
                "tenders and an exit"
            )
        return name
    return value


#: Keys that only an option grant takes.
_OPTION_KEYS: tuple[str, ...] = (
    "strike",
    "fmv",
    "option_type",
    "expiry_years",
    "exercise_window_days",
    "early_exercise",
)


class EquityGrant(_Model):
    """A grant of equity: RSUs (the default), stock options, or other units (profit
    participation units), sized by a value in money or a number of shares at a price."""

    name: ShortText | None = Field(default=None, description="a label, e.g. 'new-hire RSU'")
    kind: EquityKind = Field(
        default="rsu",
        description="'rsu' (restricted stock units, the default), 'option' (stock options) or "
        "'unit' (profit participation units or other non-share units)",
    )
    value: Amount | None = Field(default=None, description="grant value in the offer currency")
    shares: Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT)] | None = Field(
        default=None, description="shares (options: the number of options; units: units)"
    )
    price: Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT)] | None = Field(
        default=None,
        description="price per share used to size the grant; for options and private equity "
        "the value per share you assume (e.g. the last round's preferred price)",
    )
    current_price: Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT)] | None = Field(
        default=None, description="when given, vests are valued at this price per share"
    )
    strike: PricePerShare | None = Field(
        default=None, description="options: exercise price per share (required for options)"
    )
    fmv: PricePerShare | None = Field(
        default=None,
        description="options: the 409A fair market value per share at grant (for the ISO "
        "$100,000 limit and the spread taxed at exercise); default: the strike",
    )
    option_type: OptionType = Field(
        default="iso", description="options: 'iso' (incentive stock options) or 'nso'"
    )
    expiry_years: Annotated[int, Field(ge=1, le=30)] = Field(
        default=10, description="options: years from the grant until they expire"
    )
    exercise_window_days: Annotated[int, Field(ge=0, le=36500)] = Field(
        default=90,
        description="options: days after leaving in which vested options can still be "
        "exercised (the post-termination exercise window)",
    )
    early_exercise: bool = Field(
        default=False, description="options: may be exercised before they vest (83(b))"
    )
    liquidity: LiquidityField = Field(
        default=None,
        description="when vested equity can be sold: 'public', 'private' or a table of "
        "tenders and an exit; default: the offer's liquidity, else 'public' for RSUs and "
        "'private' for options and units",
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
    _liquidity_name = field_validator("liquidity")(_check_liquidity)

    @model_validator(mode="after")
    def _sized(self) -> EquityGrant:
        if self.kind == "option":
            self._check_option()
            return self
        misplaced = [key for key in _OPTION_KEYS if key in self.model_fields_set]
        KeyedValueErrors.raise_all(
            [
                KeyedValueError(
                    key,
                    f"only options have `{key}`, and this grant is kind = {self.kind!r}",
                    f"kind = 'option', or no `{key}`",
                )
                for key in misplaced
            ]
        )
        if self.value is None and (self.shares is None or self.price is None):
            raise ValueError("give `value`, or `shares` with `price`")
        if self.value is not None and self.shares is not None:
            raise ValueError("give `value` or `shares`, not both")
        if self.current_price is not None and self.shares is None and self.price is None:
            raise ValueError("`current_price` needs `price` (or `shares`) to count the shares")
        return self

    def _check_option(self) -> None:
        errors: list[KeyedValueError] = []
        if self.value is not None:
            errors.append(
                KeyedValueError(
                    "value",
                    "options are counted in shares, not in money",
                    "`shares` (the number of options) and `price` (the value per share you assume)",
                )
            )
        for key in ("shares", "strike", "price"):
            if getattr(self, key) is None:
                what = {
                    "shares": "the number of options",
                    "strike": "the exercise price per share",
                    "price": "the value per share you assume, e.g. the preferred price",
                }[key]
                errors.append(KeyedValueError(key, "an option grant needs it", what))
        KeyedValueErrors.raise_all(errors)

    @property
    def is_option(self) -> bool:
        return self.kind == "option"

    @property
    def option_fmv(self) -> Decimal:
        """The 409A value per share at grant (an option's ``fmv``, else its strike)."""
        if self.fmv is not None:
            return self.fmv
        return self.strike if self.strike is not None else Decimal(0)

    def spread(self, price: Decimal) -> Decimal:
        """What one share of this grant is worth at ``price``: the price itself, or for an
        option the spread over the strike, never less than zero."""
        if not self.is_option:
            return price
        assert self.strike is not None
        return max(price - self.strike, Decimal(0))

    @property
    def value_price(self) -> Decimal | None:
        """The price per share vests are valued at: ``current_price``, else ``price``."""
        return self.current_price if self.current_price is not None else self.price

    @property
    def exercise_total(self) -> Decimal:
        """What exercising every option of the grant costs (strike x shares); 0 for others."""
        if not self.is_option:
            return Decimal(0)
        assert self.shares is not None
        assert self.strike is not None
        return self.shares * self.strike

    @property
    def grant_value(self) -> Decimal:
        """Value of the whole grant at the grant price (for options, the spread over the
        strike at ``price``: ``shares x max(price - strike, 0)``)."""
        if self.value is not None:
            return self.value
        assert self.shares is not None
        assert self.price is not None
        return self.shares * self.spread(self.price)

    @property
    def share_count(self) -> Decimal | None:
        if self.shares is not None:
            return self.shares
        if self.value is not None and self.price is not None:
            return self.value / self.price
        return None

    @property
    def valued_total(self) -> Decimal:
        """Value of the whole grant at the price vests are valued at (for options, the spread
        over the strike, never below zero)."""
        shares = self.share_count
        if self.current_price is not None and shares is not None:
            return shares * self.spread(self.current_price)
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
    liquidity: LiquidityField = Field(
        default=None,
        description="when vested refreshers can be sold, as for equity grants; default: the "
        "offer's liquidity, else 'public'",
    )

    _schedule_name = field_validator("schedule")(_check_schedule_name)
    _liquidity_name = field_validator("liquidity")(_check_liquidity)

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
    liquidity: LiquidityField = Field(
        default=None,
        description="the company's shares: 'public' (sold as they vest), 'private' (no sale "
        "known) or a table of tenders and an exit; applies to every grant and the refreshers "
        "that do not say otherwise",
    )

    _liquidity_name = field_validator("liquidity")(_check_liquidity)

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
        KeyedValueErrors.raise_all(self._dated_liquidity_errors())
        return self

    def _dated_liquidity_errors(self) -> list[KeyedValueError]:
        """Tender and exit dates need the start date, and must not come before it."""
        places: list[tuple[str, LiquidityField]] = [("liquidity", self.liquidity)]
        places += [(f"equity[{i}].liquidity", g.liquidity) for i, g in enumerate(self.equity)]
        if self.refreshers is not None:
            places.append(("refreshers.liquidity", self.refreshers.liquidity))
        errors: list[KeyedValueError] = []
        for where, liquidity in places:
            if not isinstance(liquidity, Liquidity):
                continue
            for key, when in liquidity.dated():
                if self.start_date is None:
                    errors.append(
                        KeyedValueError(
                            f"{where}.{key}",
                            "a date needs the offer's start date to be placed",
                            "a start_date, or months after the start (tender_months, exit_month)",
                        )
                    )
                    break
                if when < self.start_date:
                    errors.append(
                        KeyedValueError(
                            f"{where}.{key}",
                            f"{when.isoformat()} is before the start date "
                            f"{self.start_date.isoformat()}",
                            "a date on or after the start date",
                        )
                    )
        return errors

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
