"""``offerlab market sources|audit|levels|map``: the reference half of the market group.

The ``market`` group itself (and ``import``/``bands``) lives in :mod:`offerlab.cli.market`;
it calls :func:`register` to add these commands. Every command takes ``--json``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from offerlab.cli.common import console, print_json
from offerlab.cli.db import DbOption, resolve_db
from offerlab.encoding import to_object
from offerlab.errors import InputError
from offerlab.market.bundled import level_medians_2022
from offerlab.market.levels import LevelMapping, company_levels, map_level
from offerlab.market.normalize import canonical_company, specialty
from offerlab.market.sources import Source, sources
from offerlab.money import fmt_whole

if TYPE_CHECKING:
    from offerlab.market.findings import Finding

__all__ = ["register"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]
TagOption = Annotated[
    str | None,
    typer.Option(
        "--tag", metavar="TAG", help="Restrict the statistics to a specialty, e.g. 'ML / AI'."
    ),
]


def _usd(value: Decimal | None) -> str:
    return fmt_whole(value)


def _years(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.normalize():f}"


def _split_ref(text: str, option: str) -> tuple[str, str]:
    company, sep, level = text.rpartition(":")
    if not sep or not company.strip() or not level.strip():
        raise InputError(f"{option} {text!r} is not COMPANY:LEVEL; expected e.g. Google:L5")
    return company.strip(), level.strip()


def sources_command(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the market sources: seed guides, the bundled derived records, imported files."""
    found = sources(_imported(resolve_db(ctx, db)))
    if as_json:
        print_json({"sources": found})
        return
    table = Table(title="Market sources", title_justify="left")
    table.add_column("name", no_wrap=True)
    for column in ("kind", "publisher", "date"):
        table.add_column(column, overflow="fold")
    for s in found:
        table.add_row(s.name, s.kind, s.publisher, s.date)
    console.print(table)
    for s in found:
        console.print(f"\n{s.name}", style="bold", markup=False)
        console.print(f"  title:    {s.title}", markup=False)
        console.print(f"  where:    {s.location}", markup=False)
        console.print(f"  licence:  {s.licence}", markup=False)
        if s.description:
            console.print(f"  contents: {s.description}", markup=False)


def _imported(url: str) -> list[Source]:
    """The files imported into the store at ``url``, as sources of kind ``imported``."""
    from offerlab.store import MarketRepository, Store

    with Store(url) as store:
        infos = MarketRepository(store).sources()
    return [
        Source(
            name=info.name,
            title=f"{info.format} file imported {info.imported_at:%Y-%m-%d %H:%M} UTC",
            publisher="imported by you",
            date=info.imported_at.date().isoformat(),
            licence=info.licence or "not stated",
            location=info.location,
            kind="imported",
            description=(
                f"{info.rows_added:,} records added from {info.rows_read:,} rows "
                f"({info.rows_duplicate:,} already there, {info.rows_skipped:,} bad rows "
                f"skipped); SHA-256 {info.content_hash}"
            ),
        )
        for info in infos
    ]


def _print_finding(finding: Finding) -> None:
    console.print(
        f"[bold]{finding.severity}[/bold] {finding.source} · {finding.check} · {finding.subject}",
        highlight=False,
    )
    console.print(f"  {finding.message}", markup=False)
    for side, figures in (("stated", finding.stated), ("computed", finding.computed)):
        for figure in figures:
            value = "" if figure.value is None else _usd(figure.value)
            if figure.value is not None and figure.label.endswith("(%)"):
                value = f"{figure.value:f}"  # a percentage keeps its decimals
            text = (f" ({figure.text})" if value else figure.text) if figure.text else ""
            console.print(f"    {side:<8} {figure.label}: {value}{text}", markup=False)
    if finding.evidence:
        console.print(f"    evidence {finding.evidence}", markup=False)


def audit_command(
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="NAME", help="Audit one source (see `market sources`)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Report where a source contradicts itself or the measured data, stated beside computed."""
    # The audits (and the official statistics they read) load for this command only.
    from offerlab.market.audit import audit

    findings = audit(source)
    if as_json:
        counts: dict[str, int] = {}
        for finding in findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        print_json({"findings": findings, "counts": counts})
        return
    if not findings:
        console.print("no findings")
        return
    for finding in findings:
        _print_finding(finding)


def levels_command(
    company: Annotated[str, typer.Argument(metavar="COMPANY", help="A company, e.g. Microsoft.")],
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a company's ladder with median years of experience and median total per level."""
    tag_name = specialty(tag) if tag else None
    stats = company_levels(company, tag_name)
    name = canonical_company(company)
    medians = {m.level: m for m in level_medians_2022(name)}
    if as_json:
        levels = []
        for s in stats:
            entry = to_object(s)
            m = medians.get(s.level)
            entry["median_total_2022"] = m.total if m is not None else None
            levels.append(entry)
        print_json(
            {
                "company": name,
                "specialty": tag_name,
                "levels": levels,
                "sources": sorted(
                    {s.source for s in stats if s.source} | {m.source for m in medians.values()}
                ),
            }
        )
        return
    title = f"{name} levels" + (f" ({tag_name})" if tag_name else "")
    table = Table(title=title, title_justify="left")
    table.add_column("level")
    table.add_column("title")
    columns = ["n", "median YoE", "median years at co.", "median total (USD)"]
    if medians:
        columns.append("2022 SWE median total")
    for column in columns:
        table.add_column(column, justify="right")
    for s in stats:
        row = [
            s.level,
            s.label or "",
            str(s.n),
            _years(s.median_years_experience),
            _years(s.median_years_at_company),
            _usd(s.median_total),
        ]
        if medians:
            m = medians.get(s.level)
            row.append(_usd(m.total if m is not None else None))
        table.add_row(*row)
    console.print(table)
    if stats:
        console.print(
            f"sources: {stats[0].source or '-'} (levels with n = 0 have no records)"
            + (f"; {next(iter(medians.values())).source}" if medians else ""),
            markup=False,
        )


def _print_mapping(mapping: LevelMapping) -> None:
    origin = mapping.from_stats
    years = _years(origin.median_years_experience)
    console.print(
        f"{mapping.from_company}:{mapping.from_level} — median {years} years of experience, "
        f"median total {_usd(origin.median_total)} USD (n={origin.n})",
        markup=False,
    )
    table = Table(title=f"Equivalent levels at {mapping.to_company}", title_justify="left")
    table.add_column("level")
    for column in ("score", "median YoE", "YoE distance", "median total (USD)", "n"):
        table.add_column(column, justify="right")
    table.add_column("curated")
    for c in mapping.candidates:
        table.add_row(
            c.level,
            f"{c.score:.3f}",
            _years(c.median_years_experience),
            _years(c.years_distance),
            _usd(c.median_total),
            str(c.n),
            "yes" if c.curated else "",
        )
    console.print(table)
    console.print(
        f"score = exp(-(YoE distance / {_years(mapping.step)} y)^2 / 2); pay is shown, not scored.",
        markup=False,
    )
    for evidence in mapping.curated:
        console.print(
            f"curated: {evidence.source} row {evidence.row} -> {', '.join(evidence.levels)}"
            + (f" (years {evidence.years})" if evidence.years else ""),
            markup=False,
        )
    for note in mapping.disagreements:
        console.print(f"[bold]disagreement:[/bold] {note}")


def map_command(
    from_ref: Annotated[
        str,
        typer.Option("--from", metavar="COMPANY:LEVEL", help="The level to map, e.g. Google:L5."),
    ],
    to_company: Annotated[
        str, typer.Option("--to", metavar="COMPANY", help="The company to map to.")
    ],
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give the equivalent level(s) at another company, with a score and the evidence."""
    company, level = _split_ref(from_ref, "--from")
    tag_name = specialty(tag) if tag else None
    mapping = map_level(company, level, to_company, specialty=tag_name)
    if as_json:
        print_json(mapping.as_dict())
        return
    _print_mapping(mapping)


def register(market_app: typer.Typer) -> None:
    """Add ``sources``, ``audit``, ``levels`` and ``map`` to the ``market`` command group."""
    market_app.command("sources")(sources_command)
    market_app.command("audit")(audit_command)
    market_app.command("levels")(levels_command)
    market_app.command("map")(map_command)
