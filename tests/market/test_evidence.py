"""Confidence grades, evidence bands, the headline rule and currency conversion of a band."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from offerlab.errors import InputError
from offerlab.market.confidence import grade_confidence
from offerlab.market.evidence import (
    EvidenceBand,
    MarketEvidence,
    Spread,
    convert_band,
    evidence_band,
    pick_headline,
    years_between,
)
from offerlab.scenarios.currency import RatesTable, parse_rate_flag

AS_OF = date(2027, 1, 4)


def spread(*values: int) -> Spread:
    return Spread.of(
        {f"p{p}": Decimal(v) for p, v in zip((10, 25, 50, 75, 90), values, strict=True)}
    )


def band(
    source: str = "s",
    *,
    kind: str = "records",
    n: int | None = 50,
    reference: date = date(2026, 6, 1),
    match: str = "exact",
    total: bool = True,
    base: Spread | None = None,
    currency: str = "USD",
) -> EvidenceBand:
    return evidence_band(
        source=source,
        kind=kind,  # type: ignore[arg-type]
        label="cell",
        currency=currency,
        n=n,
        n_means="records",
        reference_date=reference,
        as_of=AS_OF,
        match=match,  # type: ignore[arg-type]
        base=base or spread(100, 110, 120, 130, 140),
        total=spread(150, 170, 190, 210, 230) if total else None,
    )


@pytest.mark.parametrize(
    ("n", "age", "match", "expected"),
    [
        (30, "1.00", "exact", "high"),
        (29, "1.00", "exact", "medium"),
        (30, "1.01", "exact", "medium"),
        (30, "2.00", "company", "medium"),
        (9, "0.5", "exact", "low"),
        (None, "0.5", "exact", "low"),
        (500, "2.01", "exact", "low"),
        (500, "0.1", "occupation", "low"),
    ],
)
def test_confidence_is_the_weakest_factor(n, age, match, expected):
    grade = grade_confidence(n=n, age_years=Decimal(age), match=match)
    assert grade.confidence == expected
    if expected != "high":
        assert grade.why.startswith(f"{expected}: ")


def test_official_statistics_are_graded_by_their_standard_error_not_n():
    good = grade_confidence(n=None, age_years=Decimal("0.5"), match="exact", rse_pct=Decimal(2))
    assert good.sample == "good"
    fair = grade_confidence(n=10**6, age_years=Decimal("0.5"), match="exact", rse_pct=Decimal(7))
    assert fair.sample == "fair"
    assert "relative standard error 7%" in fair.why


def test_the_reason_names_what_holds_the_grade_down():
    grade = grade_confidence(n=40, age_years=Decimal("5.7"), match="exact")
    assert grade.confidence == "low"
    assert grade.why == "low: 5.7 years old, over 2"


def test_age_is_measured_from_the_data_date_to_the_as_of_date():
    assert years_between(date(2025, 5, 12), AS_OF) == Decimal("1.65")
    assert band(reference=date(2020, 1, 4)).age_years == Decimal("7.00")


def test_headline_prefers_confidence_then_total_then_fit_then_age_then_n():
    old_exact = band("old", reference=date(2019, 6, 1))  # low (age)
    official = band("oews", kind="official", total=False, match="occupation")  # low (fit)
    index, why = pick_headline([official, old_exact])
    assert index == 1
    assert "measures total pay" in why
    fresh = band("fresh", n=12)  # medium
    index, why = pick_headline([official, old_exact, fresh])
    assert index == 2
    assert "highest confidence (medium)" in why
    a, b = band("a", match="company", n=12), band("b", n=12)
    assert pick_headline([a, b])[0] == 1
    older, younger = band("x", reference=date(2025, 9, 1)), band("y", reference=date(2026, 1, 1))
    assert pick_headline([older, younger]) == (
        1,
        "y (company records) leads: of the equally close medium-confidence bands it has the "
        "youngest data (1.01 years at the as-of date)",
    )
    few, many = band("few", n=12), band("many", n=20)
    assert pick_headline([few, many])[0] == 1


def test_a_guide_range_never_leads():
    guide = evidence_band(
        source="guide",
        kind="guide",
        label="61-62",
        currency="USD",
        n=None,
        n_means="not stated",
        reference_date=date(2026, 6, 1),
        as_of=AS_OF,
        match="company",
        base=Spread(low=Decimal(165000), high=Decimal(230000)),
        total=Spread(low=Decimal(260000), high=Decimal(420000)),
    )
    assert not guide.has_percentiles
    assert pick_headline([guide]) == (
        None,
        "no band has percentiles (a guide's table gives ranges only), so none leads",
    )
    answer = MarketEvidence.of([guide, band("r")], as_of=AS_OF)
    assert answer.headline == 1
    data = answer.as_json()
    assert data["bands"][0]["base"] == {
        "p10": None,
        "p25": None,
        "p50": None,
        "p75": None,
        "p90": None,
        "range": {"low": Decimal(165000), "high": Decimal(230000)},
    }
    assert data["bands"][0]["median_date"] is None
    assert data["bands"][0]["measures"] == "total"
    assert data["currency"] == "USD"


def test_the_json_has_the_issue_fields():
    data = MarketEvidence.of([band("r", total=False)], as_of=AS_OF).as_json()
    assert data["headline"] == 0
    item = data["bands"][0]
    for key in (
        "source",
        "kind",
        "currency",
        "measures",
        "n",
        "median_date",
        "age_years",
        "confidence",
        "restated",
        "base",
        "total",
    ):
        assert key in item
    assert item["measures"] == "base"
    assert item["total"] is None
    assert item["restated"] is None


def test_conversion_uses_the_latest_rate_on_or_before_the_as_of_date_and_names_it():
    rates = RatesTable.bundled().with_rates(
        [parse_rate_flag("USD:INR=88.00@2026-12-20"), parse_rate_flag("USD:INR=90.00@2027-02-01")]
    )
    converted = convert_band(band(), "inr", rates)
    assert converted.currency == "INR"
    assert converted.exchange_rate is not None
    assert converted.exchange_rate.value == Decimal("88.00")
    assert converted.exchange_rate.date == date(2026, 12, 20)
    assert converted.total is not None
    assert converted.total.p50 == Decimal(190 * 88)
    assert converted.as_json()["exchange_rate"]["warning"] is None


def test_an_old_rate_is_named_with_a_warning():
    converted = convert_band(band(), "GBP", RatesTable.bundled())
    data = converted.as_json()
    assert data["exchange_rate"]["date"] == "2025-02-28"
    assert "days older than 2027-01-04" in data["exchange_rate"]["warning"]
    assert any(note.startswith("warning: ") for note in data["notes"])
    # cents: 1 USD = 0.82608/1.0411 GBP, applied once.
    rate = Decimal("0.82608") / Decimal("1.0411")
    assert converted.base is not None
    assert converted.base.p50 == (Decimal(120) * rate).quantize(Decimal("0.01"))


def test_no_rate_names_the_rate_to_add():
    early = evidence_band(
        source="s",
        kind="records",
        label="cell",
        currency="USD",
        n=50,
        n_means="records",
        reference_date=date(2024, 6, 1),
        as_of=date(2024, 12, 1),
        match="exact",
        base=spread(1, 2, 3, 4, 5),
        total=None,
    )
    with pytest.raises(InputError, match=r"--rate USD:INR=VALUE@YYYY-MM-DD"):
        convert_band(early, "INR", RatesTable.bundled())
    with pytest.raises(InputError, match="ISO 4217"):
        convert_band(early, "XYZ", RatesTable.bundled())
