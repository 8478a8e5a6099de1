"""Reading a published table (CSV or an Excel workbook) as header + text rows, with lines.

Official files come as CSV or as the xlsx their publishers put out (BLS's OEWS "all data" file,
the Department of Labor's LCA disclosure files). Both are read here into the same shape: the
header (names stripped and upper-cased, as the publishers write them) and each row as text with
its line (the physical line of a CSV, counting quoted fields that span lines; the sheet row of
a workbook), so every bad value can be located. Workbooks are read with python-calamine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Final

from python_calamine import CalamineWorkbook

from offerlab.errors import Problem, ProblemsError

__all__ = [
    "Table",
    "TableRow",
    "check_columns",
    "is_workbook",
    "read_table",
    "rows_of",
    "workbook_headers",
]

_XLSX_MAGIC: Final = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its line in the file and its cells as text ("" for an empty cell)."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table read from ``path``: ``kind`` is ``csv`` or ``xlsx``; ``sheet`` the sheet read."""

    path: Path
    kind: str
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    sheet: str | None = None

    def index(self) -> dict[str, int]:
        """Column name -> position (the first of a repeated name)."""
        found: dict[str, int] = {}
        for i, name in enumerate(self.header):
            found.setdefault(name, i)
        return found


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV of the same table would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _name(text: str) -> str:
    return text.replace("\ufeff", "").strip().upper()


def _read_csv(path: Path, data: bytes, what: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProblemsError(
            [Problem(str(path), f"byte {error.start}", "is not UTF-8 text", f"a {what}")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ProblemsError([Problem(str(path), "", "the file is empty", f"a {what}")]) from None
    rows: list[TableRow] = []
    line = reader.line_num
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            rows.append(TableRow(start, tuple(c.strip() for c in cells)))
    except csv.Error as error:
        raise ProblemsError(
            [Problem(str(path), f"line {reader.line_num}", f"is not valid CSV: {error}")]
        ) from None
    return Table(path, "csv", tuple(_name(h) for h in header), tuple(rows))


def _read_xlsx(path: Path, required: Sequence[str], what: str) -> Table:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for unreadable books
        raise ProblemsError(
            [Problem(str(path), "", f"is not a readable workbook ({error})", f"a {what}")]
        ) from None
    first: Table | None = None
    for sheet in book.sheet_names:
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        if not values:
            continue
        header = tuple(_name(_cell_text(v)) for v in values[0])
        rows = tuple(
            TableRow(number, tuple(_cell_text(v) for v in row))
            for number, row in enumerate(values[1:], start=2)
            if any(v not in (None, "") for v in row)
        )
        table = Table(path, "xlsx", header, rows, sheet)
        if all(name in header for name in required):
            return table  # the first sheet with the layout's columns (BLS adds notes sheets)
        first = first or table
    if first is None:
        raise ProblemsError([Problem(str(path), "", "the workbook has no rows", f"a {what}")])
    return first


def read_table(path: str | Path, required: Sequence[str] = (), what: str = "table") -> Table:
    """The table in ``path``: an xlsx workbook (recognised by its content, not its name; the
    first sheet that has the ``required`` columns) or else UTF-8 CSV."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ProblemsError(
            [Problem(str(file), "", f"cannot be read: {error.strerror or error}")]
        ) from None
    if not data.strip():
        raise ProblemsError([Problem(str(file), "", "the file is empty", f"a {what}")])
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(file, required, what)
    return _read_csv(file, data, what)


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` holds an xlsx workbook (a zip package), by its first bytes."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(_XLSX_MAGIC)) == _XLSX_MAGIC
    except OSError:
        return False


def workbook_headers(path: str | Path) -> list[tuple[str, tuple[str, ...]]]:
    """(sheet, its first row as column names) for each sheet of a workbook (cheap: one row)."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for unreadable books
        raise ProblemsError(
            [Problem(str(path), "", f"is not a readable workbook ({error})", "an xlsx workbook")]
        ) from None
    found = []
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python(nrows=1)
        found.append((sheet, tuple(_name(_cell_text(v)) for v in (rows[0] if rows else []))))
    return found


def check_columns(table: Table, required: Sequence[str], layout: str) -> None:
    """A ProblemsError naming the expected columns and the ones found when any is missing."""
    missing = [name for name in required if name not in table.header]
    if not missing:
        return
    found = ", ".join(h for h in table.header if h) or "none"
    where = f"sheet {table.sheet!r}" if table.sheet else "header"
    raise ProblemsError(
        [
            Problem(
                str(table.path),
                where,
                f"is not in the {layout} layout: missing {', '.join(missing)}; found {found}",
                "the columns " + ", ".join(required),
            )
        ],
        summary=f"{table.path.name} is not in the {layout} layout",
    )


def rows_of(table: Table) -> Iterator[tuple[TableRow, dict[str, str]]]:
    """Each row with its cells by column name (short rows read as empty cells)."""
    index = table.index()
    for row in table.rows:
        cells = row.cells
        yield row, {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}
