"""The offer form's equity grant: fields for one grant (RSUs, options or units) and when it can
be sold, read into the offer document and filled back from a saved offer.

The form's first equity grant can be given in fields: its kind, shares (or value) and price;
for options the strike, the 409A value, ISO or NSO, the expiry, the exercise window after
leaving and early exercise; its vesting preset; and its liquidity: as it vests, no sale known,
or tenders (a cadence, given months, the share sold at each) and an exit. More grants, a
custom schedule and the rest of an offer file stay in the TOML box, after this grant
(``equity[1]`` and on). A problem with the grant comes back at its field, as the offer file's
key path locates it (``equity[0].strike`` is the strike field).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from offerlab.errors import Problem, ProblemsError
from offerlab.offers.equity import equity_flags
from offerlab.offers.metrics import COMPONENTS, OfferEvaluation
from offerlab.offers.model import EquityGrant, Liquidity, Offer
from offerlab.offers.terms import offer_terms, refresher_words
from offerlab.offers.vesting import preset_names

__all__ = [
    "GRANT_FIELDS",
    "LIQUIDITY_FIELDS",
    "FormField",
    "GrantForm",
    "grant_field",
    "grant_form",
    "offer_figures",
]

Parse = Literal["decimal", "int", "ints", "text", "bool"]


@dataclass(frozen=True, slots=True)
class FormField:
    """One field: its form name (``equity.strike``), label, input, hint, choices for a
    select, and how its text is read. ``key`` is the grant's key it fills (``strike``), or
    the liquidity table's (``tender_pct``) for a liquidity field."""

    name: str
    label: str
    kind: Literal["text", "select", "checkbox"]
    hint: str
    parse: Parse = "text"
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]


def _schedules() -> tuple[tuple[str, str], ...]:
    return (("", "the company's, else standard"), *((n, n) for n in preset_names()))


#: The grant's fields, in the order the form shows them.
GRANT_FIELDS: tuple[FormField, ...] = (
    FormField(
        "equity.kind",
        "Equity kind",
        "select",
        "leave empty for no grant here (or give grants in the TOML box)",
        choices=(
            ("", "none in these fields"),
            ("rsu", "RSUs"),
            ("option", "stock options"),
            ("unit", "units (e.g. profit participation units)"),
        ),
    ),
    FormField("equity.name", "Grant name", "text", "e.g. new-hire RSU"),
    FormField("equity.shares", "Shares, options or units", "text", "e.g. 40000", "decimal"),
    FormField("equity.value", "Grant value", "text", "RSUs only: the grant in money", "decimal"),
    FormField(
        "equity.price",
        "Price per share",
        "text",
        "options and private equity: the value you assume, e.g. the preferred price",
        "decimal",
    ),
    FormField("equity.schedule", "Vesting schedule", "select", "a preset", choices=_schedules()),
    FormField("equity.strike", "Strike", "text", "options: exercise price per share", "decimal"),
    FormField(
        "equity.fmv",
        "409A value (fmv)",
        "text",
        "options: fair market value per share at grant",
        "decimal",
    ),
    FormField(
        "equity.option_type",
        "Option type",
        "select",
        "options: ISO or NSO",
        choices=(("", "ISO (the default)"), ("iso", "ISO"), ("nso", "NSO")),
    ),
    FormField("equity.expiry_years", "Expiry (years)", "text", "options: default 10", "int"),
    FormField(
        "equity.exercise_window_days",
        "Exercise window (days)",
        "text",
        "options: days to exercise after leaving; default 90",
        "int",
    ),
    FormField(
        "equity.early_exercise",
        "Early exercise allowed",
        "checkbox",
        "options: may be exercised before they vest (83(b))",
        "bool",
    ),
)

#: When the grant can be sold.
LIQUIDITY_FIELDS: tuple[FormField, ...] = (
    FormField(
        "liquidity.kind",
        "Can be sold",
        "select",
        "default: as it vests for RSUs, no sale known for options and units",
        choices=(
            ("", "the default for its kind"),
            ("public", "as it vests (a listed company)"),
            ("private", "no sale known (no tender or exit)"),
            ("table", "at tenders or an exit (below)"),
        ),
    ),
    FormField(
        "liquidity.tender_every_months",
        "A tender every (months)",
        "text",
        "e.g. 12 for a yearly tender",
        "int",
    ),
    FormField(
        "liquidity.first_tender_month",
        "First tender (month)",
        "text",
        "months after the start; default one cadence",
        "int",
    ),
    FormField("liquidity.tender_months", "Tenders at months", "text", "e.g. 18, 30", "ints"),
    FormField(
        "liquidity.tender_pct",
        "Sold at each tender %",
        "text",
        "share of the vested holdings; default 100",
        "decimal",
    ),
    FormField(
        "liquidity.exit_month",
        "Exit (month)",
        "text",
        "months after the start of an IPO or sale",
        "int",
    ),
)

_ALL = GRANT_FIELDS + LIQUIDITY_FIELDS
_TABLE_KEYS = {f.key for f in LIQUIDITY_FIELDS} - {"kind"}


def _number(text: str, whole: bool) -> Any:
    """``text`` as a number, or the text itself for validation to say what is wrong with it
    at this field."""
    cleaned = text.replace(",", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text
    if whole and value == value.to_integral_value() and value.is_finite():
        return int(value)
    return value


def _read(field: FormField, text: str) -> Any:
    if field.parse == "decimal":
        return _number(text, whole=False)
    if field.parse == "int":
        return _number(text, whole=True)
    if field.parse == "ints":
        return [_number(part.strip(), whole=True) for part in text.split(",") if part.strip()]
    return text


@dataclass(frozen=True, slots=True)
class GrantForm:
    """The grant fields as submitted (text by form name), read into an offer file's grant."""

    values: Mapping[str, str]

    @classmethod
    def submitted(cls, form: Mapping[str, Any]) -> GrantForm:
        values = {f.name: str(form.get(f.name, "")).strip() for f in _ALL}
        # A checkbox sends "on" when ticked and nothing when not.
        values["equity.early_exercise"] = "on" if values["equity.early_exercise"] else ""
        return cls(values)

    @property
    def given(self) -> bool:
        """Whether any grant field is filled (then the form describes ``equity[0]``)."""
        return any(self.values.get(f.name) for f in _ALL)

    def grant(self) -> dict[str, Any]:
        """The grant as an offer file's ``[[equity]]`` table (only the keys given)."""
        grant: dict[str, Any] = {}
        for field in GRANT_FIELDS:
            text = self.values.get(field.name, "")
            if not text:
                continue
            grant[field.key] = True if field.parse == "bool" else _read(field, text)
        table = {
            f.key: _read(f, self.values[f.name])
            for f in LIQUIDITY_FIELDS
            if f.key in _TABLE_KEYS and self.values.get(f.name)
        }
        chosen = self.values.get("liquidity.kind", "")
        if chosen in ("public", "private"):
            if table:
                # Tender or exit figures beside 'public' or 'private': say which to keep,
                # never drop either silently.
                raise ProblemsError(
                    [
                        Problem(
                            "form",
                            "equity[0].liquidity",
                            f"'{chosen}' is chosen and tender or exit figures are given",
                            "'at tenders or an exit' with the figures, or no figures",
                        )
                    ],
                    "invalid offer",
                )
            grant["liquidity"] = chosen
        elif chosen == "table" or table:
            grant["liquidity"] = table
        elif chosen:
            grant["liquidity"] = chosen  # not a choice: validation says so at this field
        return grant


def grant_form(offer: Offer) -> tuple[dict[str, str], list[EquityGrant]]:
    """The fields for ``offer``'s first grant, when the fields can hold it, and the grants the
    TOML box keeps (all of them when the first one cannot be shown in the fields: a custom
    schedule, a later start, a price for vests, dated tenders or exit)."""
    if not offer.equity or not _fits(offer.equity[0]):
        return {}, list(offer.equity)
    grant = offer.equity[0]
    data = grant.model_dump(mode="python", exclude_defaults=True)
    values: dict[str, str] = {"equity.kind": grant.kind}
    for field in GRANT_FIELDS[1:]:
        value = data.get(field.key)
        if value is None:
            continue
        if field.parse == "bool":
            values[field.name] = "on" if value else ""
        else:
            values[field.name] = (
                f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
            )
    liquidity = grant.liquidity
    if isinstance(liquidity, str):
        values["liquidity.kind"] = liquidity
    elif isinstance(liquidity, Liquidity):
        values["liquidity.kind"] = "table"
        table = liquidity.model_dump(mode="python", exclude_defaults=True)
        for field in LIQUIDITY_FIELDS[1:]:
            value = table.get(field.key)
            if value is None:
                continue
            if isinstance(value, list):
                values[field.name] = ", ".join(str(v) for v in value)
            else:
                values[field.name] = _text(value)
    return values, list(offer.equity[1:])


def _text(value: object) -> str:
    """A value as its field shows it: ``40000``, not ``4E+4``."""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _fits(grant: EquityGrant) -> bool:
    """Whether the fields can hold ``grant`` whole."""
    if grant.current_price is not None or grant.start_month:
        return False
    if grant.schedule is not None and not isinstance(grant.schedule, str):
        return False
    liquidity = grant.liquidity
    if isinstance(liquidity, Liquidity):
        given = set(liquidity.model_dump(exclude_defaults=True)) | (
            {"tender_pct"} if "tender_pct" in liquidity.model_fields_set else set()
        )
        return given <= _TABLE_KEYS
    return True


def grant_field(location: str) -> str | None:
    """The field a problem at ``location`` belongs to, when the form's fields gave
    ``equity[0]``: ``equity[0].strike`` -> ``equity.strike``,
    ``equity[0].liquidity.tender_months[1]`` -> ``liquidity.tender_months``,
    ``equity[0].liquidity`` -> ``liquidity.kind``, ``equity[0]`` -> ``equity.kind``; None for
    anything else."""
    if location != "equity[0]" and not location.startswith(("equity[0].", "equity[0][")):
        return None
    rest = location.removeprefix("equity[0]").lstrip(".")
    parts = [p.split("[", 1)[0] for p in rest.split(".") if p]
    if not parts:
        return "equity.kind"
    if parts[0] == "liquidity":
        if len(parts) > 1 and f"liquidity.{parts[1]}" in {f.name for f in LIQUIDITY_FIELDS}:
            return f"liquidity.{parts[1]}"
        return "liquidity.kind"
    name = f"equity.{parts[0]}"
    return name if name in {f.name for f in GRANT_FIELDS} else "equity.kind"


def offer_figures(evaluation: OfferEvaluation) -> dict[str, Any]:
    """An offer's table for its page: each component by year and the total (paper value);
    when some equity cannot be sold as it vests, also the equity sold, the cash received and
    the strike of the vests (exercise cost); and each grant in recruiters' words."""
    shown = evaluation.shown()
    years = [t.year for t in evaluation.years]
    rows: list[tuple[str, list[Any]]] = []
    for component in COMPONENTS:
        values = [shown[y][component.value] for y in years]
        if any(values):
            rows.append((component.value, values))
    unsold = evaluation.has_unsold_equity
    cash_rows: list[tuple[str, list[Any]]] = []
    if unsold:
        cash_rows.append(("equity sold", [shown[y]["sold"] for y in years]))
        cash_rows.append(("cash received", [shown[y]["cash"] for y in years]))
        if evaluation.has_options:
            cash_rows.append(
                ("exercise cost of the vests", [shown[y]["exercise_cost"] for y in years])
            )
    terms = [t.describe() for t in offer_terms(evaluation.offer)]
    refreshers = refresher_words(evaluation.offer)
    if refreshers is not None:
        terms.append(refreshers)
    return {
        "years": years,
        "rows": rows,
        "totals": [shown[y]["total"] for y in years],
        "unsold": unsold,
        "cash_rows": cash_rows,
        "cash_total": sum((shown[y]["cash"] for y in years), Decimal(0)),
        "terms": terms,
        "flags": equity_flags(evaluation.offer),
    }
