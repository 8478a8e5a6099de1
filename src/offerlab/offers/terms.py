"""An equity grant in the words recruiters use: how many, at what strike and price, on what
vesting, and when it can be sold.

"1,500 profit participation units at $800.00 a unit, 4-year vest with a 1-year cliff, then
monthly, sellable at yearly tenders, up to 20% of vested holdings each"; "40,000 ISOs at a
$2.00 strike, preferred price $10.00, ...": the number of options or units and the prices per
share, never a single dollar figure standing for equity that cannot be
sold as it vests. The negotiation scripts describe a competing offer's equity this way, and
``offer compare`` lists each offer's grants in the same words.

For an option grant, ``price`` (the value per share the user assumes) is called the preferred
price, the figure a start-up quotes from its last round (docs/offers.md asks for it there).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from offerlab.money import money_words
from offerlab.offers.equity import grant_liquidity
from offerlab.offers.model import EquityGrant, EquityKind, Liquidity, LiquidityField, Offer
from offerlab.offers.vesting import VestingSchedule

__all__ = [
    "GrantTerms",
    "liquidity_words",
    "offer_terms",
    "refresher_words",
    "vesting_words",
]

_CADENCE_WORDS = {1: "monthly", 3: "quarterly", 6: "every six months", 12: "yearly"}


def _count(value: Decimal) -> str:
    """``40,000`` or ``1,500.5``: a number of shares, options or units."""
    return f"{value.normalize():,f}"


def _period(months: int) -> str:
    """``1-year``, ``18-month``: a length as an adjective."""
    if months % 12 == 0:
        return f"{months // 12}-year"
    return f"{months}-month"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def vesting_words(schedule: VestingSchedule, start_month: int = 0) -> str:
    """``4-year vest with a 1-year cliff, then monthly``, ``4-year vest, quarterly``,
    ``4-year vest (5% / 15% / 40% / 40% by year)``, ``vests in full at month 48``."""
    events = schedule.events
    if len(events) == 1:
        words = f"vests in full at month {events[0].month}"
    else:
        gaps = {later.month - earlier.month for earlier, later in pairwise(events)}
        step = gaps.pop() if len(gaps) == 1 else None
        words = f"{schedule.length_years}-year vest"
        shares = list(schedule.fraction_by_year().values())
        if len(set(shares)) > 1:
            split = " / ".join(f"{round(float(share * 100), 2):g}%" for share in shares)
            words += f" ({split} by year)"
        first = events[0].month
        if step is not None and first > step:
            cadence = _CADENCE_WORDS.get(step, f"every {step} months")
            words += f" with a {_period(first)} cliff, then {cadence}"
        elif step is not None:
            words += f", {_CADENCE_WORDS.get(step, f'every {step} months')}"
    if start_month:
        words += f", starting {start_month} months after the start date"
    return words


def _tender_cadence(every: int) -> str:
    if every == 12:
        return "yearly tenders"
    if every % 12 == 0:
        return f"tenders every {every // 12} years"
    return f"tenders every {every} months"


def _listing(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def liquidity_words(liquidity: LiquidityField) -> str:
    """When the vested equity can be sold, as a recruiter would say it: ``sellable as it
    vests``; ``sellable at yearly tenders, up to 20% of vested holdings each, the first at
    month 18``; ``not sellable until an exit (no tender or exit scheduled)``."""
    if not isinstance(liquidity, Liquidity):
        if liquidity == "private":
            return "not sellable until an exit (no tender or exit scheduled)"
        return "sellable as it vests"
    table = liquidity
    parts: list[str] = []
    if table.has_tenders:
        when: list[str] = []
        if table.tender_every_months is not None:
            when.append(_tender_cadence(table.tender_every_months))
        if table.tender_months:
            months = [str(m) for m in sorted(set(table.tender_months))]
            when.append(f"tenders at month{'s' if len(months) > 1 else ''} {_listing(months)}")
        if table.tender_dates:
            dates = [d.isoformat() for d in sorted(set(table.tender_dates))]
            when.append(f"tenders on {_listing(dates)}")
        share = (
            "all vested holdings"
            if table.tender_pct == 100
            else f"up to {_pct(table.tender_pct)} of vested holdings"
        )
        text = f"sellable at {' and '.join(when)}, {share} each"
        every = table.tender_every_months
        first = table.first_tender_month
        if every is not None and first is not None and first != every:
            text += f", the first at month {first}"
        parts.append(text)
    exit_at = (
        f"month {table.exit_month}"
        if table.exit_month is not None
        else table.exit_date.isoformat()
        if table.exit_date is not None
        else None
    )
    if exit_at is not None:
        exit_words = f"an exit expected at {exit_at}"
        parts.append(f"in full from {exit_words}" if parts else f"sellable from {exit_words}")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class GrantTerms:
    """One initial grant's terms. Prices are per share (or unit) in ``currency``; ``count``
    is the number of shares, options or units (None for a grant given only as a value);
    ``value`` the grant's value when it was given in money."""

    grant: str
    kind: EquityKind
    currency: str
    count: Decimal | None
    value: Decimal | None
    price: Decimal | None
    strike: Decimal | None
    fmv: Decimal | None
    option_type: str | None
    vesting: str
    liquidity: str
    public: bool
    expiry_years: int | None
    exercise_window_days: int | None
    early_exercise: bool | None

    @property
    def instrument(self) -> str:
        """``ISOs``, ``NSOs``, ``RSUs``, ``units`` (or the grant's own name for its units,
        such as ``profit participation units``)."""
        if self.kind == "option":
            return "ISOs" if self.option_type == "iso" else "NSOs"
        if self.kind == "rsu":
            return "RSUs"
        return self.grant if "unit" in self.grant.casefold() else "units"

    def _money(self, amount: Decimal) -> str:
        return money_words(amount, self.currency, cents=True)

    def describe(self) -> str:
        """The grant as a recruiter says it, e.g. ``40,000 ISOs at a $2.00 strike, preferred
        price $10.00, 4-year vest with a 1-year cliff, then monthly, not sellable until an
        exit (no tender or exit scheduled)``."""
        return f"{self._what()}, {self.vesting}, {self.liquidity}"

    def sentence(self) -> str:
        """The same inside a sentence: ``40,000 ISOs at a $2.00 strike, preferred price $10.00
        (4-year vest with a 1-year cliff, then monthly; not sellable until an exit ...)``."""
        return f"{self._what()} ({self.vesting}; {self.liquidity})"

    def count_words(self, count: Decimal) -> str:
        """``176,125 ISOs``: ``count`` of this grant's instrument, to the whole share."""
        return f"{_count(count.quantize(Decimal(1)))} {self.instrument}"

    def price_words(self) -> str:
        """What a grant of this kind is valued at: ``over the $2.00 strike at the $10.00
        preferred price``, ``at $800.00 a unit``, ``at $40.00 a share``; empty without a
        price."""
        if self.price is None:
            return ""
        if self.kind == "option" and self.strike is not None:
            return (
                f"over the {self._money(self.strike)} strike at the {self._money(self.price)} "
                "preferred price"
            )
        return f"at {self._money(self.price)} a {'unit' if self.kind == 'unit' else 'share'}"

    def _what(self) -> str:
        if self.kind == "option":
            assert self.count is not None
            assert self.strike is not None
            assert self.price is not None
            what = (
                f"{_count(self.count)} {self.instrument} at a {self._money(self.strike)} strike, "
                f"preferred price {self._money(self.price)}"
            )
        elif self.count is not None and self.price is not None and self.value is None:
            each = "a unit" if self.kind == "unit" else "a share"
            what = f"{_count(self.count)} {self.instrument} at {self._money(self.price)} {each}"
        elif self.value is not None:
            what = f"{money_words(self.value, self.currency)} in {self.instrument}"
            if self.count is not None and self.price is not None:
                shares = self.count.quantize(Decimal(1))
                about = "" if shares == self.count else "about "
                what += f" ({about}{_count(shares)} at {self._money(self.price)} a share)"
        else:  # pragma: no cover - the model requires a value or shares with a price
            what = self.instrument
        return what

    def as_json(self) -> dict[str, object]:
        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "grant": self.grant,
            "kind": self.kind,
            "instrument": self.instrument,
            "count": num(self.count),
            "value": num(self.value),
            "price": num(self.price),
            "strike": num(self.strike),
            "fmv": num(self.fmv),
            "option_type": self.option_type,
            "vesting": self.vesting,
            "liquidity": self.liquidity,
            "public": self.public,
            "expiry_years": self.expiry_years,
            "exercise_window_days": self.exercise_window_days,
            "early_exercise": self.early_exercise,
            "text": self.describe(),
        }


def _terms(offer: Offer, index: int, grant: EquityGrant) -> GrantTerms:
    option = grant.is_option
    liquidity = grant_liquidity(offer, grant)
    return GrantTerms(
        grant=grant.name or f"grant {index + 1}",
        kind=grant.kind,
        currency=offer.currency,
        count=grant.share_count,
        value=grant.value,
        price=grant.value_price,
        strike=grant.strike if option else None,
        fmv=grant.option_fmv if option else None,
        option_type=grant.option_type if option else None,
        vesting=vesting_words(offer.schedule_for(grant), grant.start_month),
        liquidity=liquidity_words(liquidity),
        public=liquidity == "public",
        expiry_years=grant.expiry_years if option else None,
        exercise_window_days=grant.exercise_window_days if option else None,
        early_exercise=grant.early_exercise if option else None,
    )


def offer_terms(offer: Offer) -> tuple[GrantTerms, ...]:
    """The terms of each initial grant of ``offer``, in order."""
    return tuple(_terms(offer, i, grant) for i, grant in enumerate(offer.equity))


def refresher_words(offer: Offer) -> str | None:
    """The refreshers in words (``yearly refreshers of 25% of the initial grant from year 2,
    4-year vest ...``), or None when the offer has none."""
    refreshers = offer.refreshers
    schedule = offer.refresher_schedule()
    if refreshers is None or schedule is None:
        return None
    if refreshers.pct_of_initial is not None:
        size = f"{_pct(refreshers.pct_of_initial)} of the initial grant"
    else:
        assert refreshers.annual_value is not None
        size = money_words(refreshers.annual_value, offer.currency)
    return (
        f"yearly refreshers of {size} from year {refreshers.first_year}, "
        f"{vesting_words(schedule)}, {liquidity_words(grant_liquidity(offer, None))}"
    )
