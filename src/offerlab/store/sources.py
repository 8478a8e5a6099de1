"""Sources of market records as the store keeps them: a row as a
:class:`~offerlab.market.ports.SourceInfo`, what an import did, and a label the normalisation
rules may refuse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from offerlab.errors import OfferlabError, Problem
from offerlab.market.ports import SourceInfo

__all__ = ["ImportResult", "safe_label", "source_info"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did. ``already`` is true when the same file had been imported before."""

    source: SourceInfo
    already: bool
    read: int
    added: int
    duplicates: int
    skipped: list[Problem] = field(default_factory=list)
    #: What the format's reader did with the file's rows (community offers, H-1B filings,
    #: official statistics): rows read, kept, and dropped by reason.
    report: Mapping[str, Any] = field(default_factory=dict)


def source_info(row: Any) -> SourceInfo:
    imported_at = row.imported_at
    if imported_at.tzinfo is None:
        imported_at = imported_at.replace(tzinfo=UTC)
    return SourceInfo(
        id=row.id,
        name=row.name,
        location=row.location,
        licence=row.licence,
        format=row.format,
        content_hash=row.content_hash,
        size_bytes=row.size_bytes,
        imported_at=imported_at,
        rows_read=row.rows_read,
        rows_added=row.rows_added,
        rows_duplicate=row.rows_duplicate,
        rows_skipped=row.rows_skipped,
    )


def safe_label(fn: Any, *args: Any) -> Any:
    """A normalisation result, or None where the rules refuse the value."""
    try:
        return fn(*args)
    except OfferlabError:
        return None
