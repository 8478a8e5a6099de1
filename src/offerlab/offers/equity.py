"""Equity that cannot always be sold: when each grant's vested shares become money.

A public company's RSUs are money as they vest. A private company's equity is money only at a
*liquidity event*: a tender offer, where holders may sell a share of what they hold, or an exit
(IPO or acquisition), from which everything vested can be sold and later vests are sold as
they vest. This module works out, for every grant of an offer, its vests as lots and the sales
that turn them into money, in months after the start date:

* vests come first on a month, so a tender on a vest month includes that vest;
* a tender sells ``tender_pct`` of the vested shares still held, oldest lots first (first in,
  first out: the order the IRS assumes when shares are not identified);
* from the exit on, everything held is sold, and each later vest is sold as it vests.

Fractions of a grant are exact (:class:`fractions.Fraction`); amounts are exact
:class:`~offerlab.money.Money` computed as running parts of the grant's value, so the sales of
a grant sold in full add up to exactly its vests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from offerlab.money import Money, price_text
from offerlab.offers.engine import Component, add_months, offer_year_of_month, refresher_value
from offerlab.offers.model import EquityGrant, EquityKind, Liquidity, LiquidityField, Offer

__all__ = [
    "EquityFlag",
    "GrantPlan",
    "LiquidityPlan",
    "Lot",
    "Sale",
    "equity_flags",
    "grant_liquidity",
    "grant_plans",
    "months_after",
    "resolve_liquidity",
    "sales",
]

SaleKind = Literal["vest", "tender", "exit"]


def months_after(start: date, when: date) -> int:
    """Whole months from ``start`` to ``when`` (a date inside a month counts in the month
    begun on or before it): 2026-11-02 -> 2027-06-01 is 6 months."""
    months = (when.year - start.year) * 12 + when.month - start.month
    while months > 0 and add_months(start, months) > when:
        months -= 1
    return months


@dataclass(frozen=True, slots=True)
class LiquidityPlan:
    """A grant's liquidity in months after the start date.

    ``public_from``: the month from which vested equity is sold as it vests (0: a public
    company; the exit month; None: never). ``tenders``: (month, share of the holdings that
    may be sold), in month order, before ``public_from``. ``label`` says it in words."""

    public_from: int | None
    tenders: tuple[tuple[int, Fraction], ...]
    label: str

    @property
    def is_public(self) -> bool:
        return self.public_from == 0

    def with_exit(self, month: int | None) -> LiquidityPlan:
        """The same tenders with the exit at ``month`` instead (None: no exit), as a
        scenario supposes; tenders on or after the exit are dropped."""
        if self.is_public:
            return self
        tenders = tuple(t for t in self.tenders if month is None or t[0] < month)
        return LiquidityPlan(month, tenders, self.label)


PUBLIC = LiquidityPlan(0, (), "public: sold as it vests")


def resolve_liquidity(
    liquidity: LiquidityField, start: date | None, horizon_months: int
) -> LiquidityPlan:
    """``liquidity`` (already defaulted) as months: tender dates placed from ``start``, a
    cadence unrolled up to ``horizon_months``."""
    if isinstance(liquidity, Liquidity):
        return _table_plan(liquidity, start, horizon_months)
    if liquidity == "private":
        return LiquidityPlan(None, (), "private: no sale known")
    return PUBLIC


def _table_plan(table: Liquidity, start: date | None, horizon_months: int) -> LiquidityPlan:
    months: set[int] = set(table.tender_months or ())
    for when in table.tender_dates or ():
        assert start is not None  # the offer's validation requires it
        months.add(months_after(start, when))
    if table.tender_every_months is not None:
        step = table.tender_every_months
        first = table.first_tender_month if table.first_tender_month is not None else step
        months.update(range(first, horizon_months + 1, step))
    exit_month = table.exit_month
    if table.exit_date is not None:
        assert start is not None
        exit_month = months_after(start, table.exit_date)
    share = Fraction(table.tender_pct) / 100
    tenders = tuple(
        (m, share)
        for m in sorted(months)
        if m <= horizon_months and (exit_month is None or m < exit_month)
    )
    words: list[str] = []
    if tenders:
        pct = f"{table.tender_pct.normalize():f}% of holdings each"
        every = table.tender_every_months
        if every is not None and not table.tender_months and not table.tender_dates:
            since = f" from month {tenders[0][0]}" if tenders[0][0] != every else ""
            words.append(f"tenders every {every} months{since} ({pct})")
        else:
            words.append(f"tenders at months {', '.join(str(m) for m, _ in tenders)} ({pct})")
    if exit_month is not None:
        words.append(f"exit at month {exit_month}")
    return LiquidityPlan(exit_month, tenders, "private: " + "; ".join(words or ["no sale known"]))


@dataclass(frozen=True, slots=True)
class Lot:
    """Part of a grant vested at ``month`` (months after the start), as a fraction of the
    grant."""

    month: int
    fraction: Fraction


@dataclass(frozen=True, slots=True)
class GrantPlan:
    """One grant as the engine works it out: an initial grant (``grant`` set) or a yearly
    refresher (valued in money). ``vests`` are (month after the start, fraction vesting);
    ``value`` is the whole grant at the price assumption (for options, the spread)."""

    label: str
    component: Component
    kind: EquityKind
    grant: EquityGrant | None
    grant_month: int
    vests: tuple[Lot, ...]
    value: Money
    liquidity: LiquidityPlan

    @property
    def is_option(self) -> bool:
        return self.grant is not None and self.grant.is_option

    @property
    def exercise_total(self) -> Money:
        """Strike x shares of the whole grant (0 unless options)."""
        total = Decimal(0) if self.grant is None else self.grant.exercise_total
        return Money(total, self.value.currency)

    def exercise_costs(self) -> list[tuple[int, Money]]:
        """(vest month, strike x shares vesting then), as running parts of the total."""
        return list(
            zip((lot.month for lot in self.vests), self._parts(self.exercise_total), strict=True)
        )

    def vest_amounts(self) -> list[Money]:
        """The value of each vest, as the engine counts it."""
        return self._parts(self.value)

    def _parts(self, total: Money) -> list[Money]:
        running = Fraction(0)
        through: list[Fraction] = []
        for lot in self.vests:
            running += lot.fraction
            through.append(running)
        return total.running_parts(through)


def grant_liquidity(offer: Offer, grant: EquityGrant | None) -> LiquidityField:
    """The liquidity a grant has (``grant`` None: the refreshers): its own, else the offer's,
    else ``public`` for RSUs and refreshers and ``private`` for options and units."""
    own = offer.refreshers.liquidity if grant is None and offer.refreshers else None
    if grant is not None:
        own = grant.liquidity
    if own is not None:
        return own
    if offer.liquidity is not None:
        return offer.liquidity
    return "public" if grant is None or grant.kind == "rsu" else "private"


def grant_plans(offer: Offer, horizon_years: int, exit_month: int | None = None) -> list[GrantPlan]:
    """Every grant of ``offer`` (initial grants, then each yearly refresher granted within
    ``horizon_years``) with its vests and resolved liquidity. ``exit_month`` supposes an exit
    at that month for every grant that is not public (a scenario's exit)."""
    horizon = 12 * horizon_years
    plans: list[GrantPlan] = []

    def liquidity_of(grant: EquityGrant | None) -> LiquidityPlan:
        plan = resolve_liquidity(grant_liquidity(offer, grant), offer.start_date, horizon)
        return plan if exit_month is None else plan.with_exit(exit_month)

    for index, grant in enumerate(offer.equity):
        schedule = offer.schedule_for(grant)
        offset = grant.start_month
        plans.append(
            GrantPlan(
                label=grant.name or f"grant {index + 1}",
                component=Component.EQUITY,
                kind=grant.kind,
                grant=grant,
                grant_month=offset,
                vests=tuple(Lot(offset + e.month, e.fraction) for e in schedule.events),
                value=offer.money(grant.valued_total),
                liquidity=liquidity_of(grant),
            )
        )
    refresher_schedule = offer.refresher_schedule()
    if offer.refreshers is not None and refresher_schedule is not None:
        value = refresher_value(offer)
        liquidity = liquidity_of(None)
        for grant_year in range(offer.refreshers.first_year, horizon_years + 1):
            offset = 12 * (grant_year - 1)
            plans.append(
                GrantPlan(
                    label=f"refresher (year {grant_year})",
                    component=Component.REFRESHER,
                    kind="rsu",
                    grant=None,
                    grant_month=offset,
                    vests=tuple(
                        Lot(offset + e.month, e.fraction) for e in refresher_schedule.events
                    ),
                    value=value,
                    liquidity=liquidity,
                )
            )
    return plans


@dataclass(frozen=True, slots=True)
class Sale:
    """Vested equity of one grant becoming money at ``month`` (offer ``year``): ``lots`` sold
    (oldest first) and their value at the price assumption (for options, the spread)."""

    plan: GrantPlan
    month: int
    year: int
    how: SaleKind
    lots: tuple[Lot, ...]
    amount: Money

    @property
    def fraction(self) -> Fraction:
        return sum((lot.fraction for lot in self.lots), Fraction(0))


def sales(plan: GrantPlan, horizon_months: int) -> list[Sale]:
    """The sales of ``plan`` up to ``horizon_months`` months after the start."""
    liquidity = plan.liquidity
    if liquidity.is_public:
        # Sold as it vests: each vest is a sale of itself, of the same amount.
        return [
            Sale(plan, lot.month, offer_year_of_month(lot.month), "vest", (lot,), amount)
            for lot, amount in zip(plan.vests, plan.vest_amounts(), strict=True)
            if lot.month <= horizon_months
        ]
    moments = sorted(
        {lot.month for lot in plan.vests}
        | {month for month, _ in liquidity.tenders}
        | ({liquidity.public_from} if liquidity.public_from is not None else set())
    )
    tenders = dict(liquidity.tenders)
    vests_at: dict[int, list[Lot]] = {}
    for lot in plan.vests:
        vests_at.setdefault(lot.month, []).append(lot)
    held: list[Lot] = []
    found: list[tuple[int, SaleKind, tuple[Lot, ...]]] = []
    for month in moments:
        if month > horizon_months:
            break
        held.extend(vests_at.get(month, ()))
        if not held:
            continue
        public_from = liquidity.public_from
        if public_from is not None and month >= public_from:
            how: SaleKind = "exit" if month == public_from else "vest"
            found.append((month, how, tuple(held)))
            held = []
        elif month in tenders:
            sold, held = _first_in_first_out(held, tenders[month] * _total(held))
            found.append((month, "tender", sold))
    running = Fraction(0)
    through: list[Fraction] = []
    for _, _, lots in found:
        running += _total(lots)
        through.append(running)
    amounts = plan.value.running_parts(through)
    return [
        Sale(plan, month, offer_year_of_month(month), how, lots, amount)
        for (month, how, lots), amount in zip(found, amounts, strict=True)
    ]


def _total(lots: Iterable[Lot]) -> Fraction:
    return sum((lot.fraction for lot in lots), Fraction(0))


def _first_in_first_out(held: Sequence[Lot], amount: Fraction) -> tuple[tuple[Lot, ...], list[Lot]]:
    """Sell ``amount`` (a fraction of the grant) from ``held``, oldest lots first."""
    sold: list[Lot] = []
    left: list[Lot] = []
    remaining = amount
    for lot in held:
        if remaining <= 0:
            left.append(lot)
        elif lot.fraction <= remaining:
            sold.append(lot)
            remaining -= lot.fraction
        else:
            sold.append(Lot(lot.month, remaining))
            left.append(Lot(lot.month, lot.fraction - remaining))
            remaining = Fraction(0)
    return tuple(sold), left


@dataclass(frozen=True, slots=True)
class EquityFlag:
    """Something in an equity grant a reader should check: allowed, but worth a second look.
    ``key`` is the key path in the offer file (``equity[0].fmv``)."""

    key: str
    grant: str
    message: str


def equity_flags(offer: Offer) -> list[EquityFlag]:
    """Flags for the option grants of ``offer``: a 409A above the price assumed, a strike
    below the 409A at grant, options under water, and ISOs with a long exercise window."""
    flags: list[EquityFlag] = []
    for index, grant in enumerate(offer.equity):
        if not grant.is_option:
            continue
        assert grant.strike is not None
        label = grant.name or f"grant {index + 1}"
        where = f"equity[{index}]"
        price = grant.value_price
        assert price is not None
        fmv = grant.option_fmv
        # Prices as written the same way whatever the input wrote (2, 2.0, 2.00 -> 2.00).
        said_price, said_fmv, said_strike = (price_text(v) for v in (price, fmv, grant.strike))
        if fmv > price:
            flags.append(
                EquityFlag(
                    f"{where}.fmv",
                    label,
                    f"the 409A value {said_fmv} is above the price you assume ({said_price}): an "
                    "exercise before a sale is taxed on a spread larger than the shares are "
                    "worth to you",
                )
            )
        if grant.strike < fmv:
            flags.append(
                EquityFlag(
                    f"{where}.strike",
                    label,
                    f"the strike {said_strike} is below the 409A value at grant ({said_fmv}): "
                    "options are normally granted at the 409A; an ISO granted below it does "
                    "not qualify (IRC 422(b)(4)) and a discounted NSO falls under section 409A. "
                    "Check the grant (or set fmv to the 409A of the grant date)",
                )
            )
        if price <= grant.strike:
            flags.append(
                EquityFlag(
                    f"{where}.price",
                    label,
                    f"under water: at {said_price} a share the options are worth nothing over "
                    f"the strike {said_strike}",
                )
            )
        if grant.option_type == "iso" and grant.exercise_window_days > 90:
            flags.append(
                EquityFlag(
                    f"{where}.exercise_window_days",
                    label,
                    "ISOs exercised more than three months after leaving are taxed as NSOs "
                    "(IRC 422(a)(2)); the longer window keeps the options, not their ISO status",
                )
            )
    return flags
