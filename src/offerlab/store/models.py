"""The relational schema (SQLAlchemy 2 typed models; Alembic migrations create it).

``sources`` records where market data came from. ``records`` holds one compensation record a
row, with every string as reported; the ``*_norm`` tables map each distinct reported value to
its normalised form (a company alias to its canonical name, ``L62`` to ``62``, a free-text
location to city/region/country/metro), so normalisation runs once per distinct value and
can be redone when the rules change without rewriting a record. Reported NULLs are stored as
``""`` in the mapping keys. Amounts are ``Numeric(14, 2)`` (Decimal), yearly, in ``currency``.

On PostgreSQL the records live in these tables; in the default embedded set-up they live in
a columnar DuckDB file with the same table and column names (see :mod:`offerlab.store.columnar`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "CompanyNorm",
    "LevelNorm",
    "LocationNorm",
    "OfficialTable",
    "Record",
    "Source",
    "SpecialtyNorm",
    "TitleNorm",
]

MONEY = Numeric(14, 2)
YEARS = Numeric(6, 2)
# SQLite autoincrements only INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (migrations depend on them)."""

    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """One imported file (or bundled data set): name, where from, licence, content hash."""

    __tablename__ = "sources"
    # Ids are never reused (SQLite AUTOINCREMENT), so a record can't change owners.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy reads a dict

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(2000))
    licence: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)


class Record(Base):
    """One compensation record as reported; yearly amounts in ``currency``."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_company_level", "company_raw", "level_raw"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    # No foreign key: PostgreSQL checks it one row at a time, which slows bulk loads badly;
    # the repository writes a source and its records in one transaction instead.
    source_id: Mapped[int] = mapped_column(Integer)
    record_key: Mapped[int] = mapped_column(BigInteger, index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    company_raw: Mapped[str] = mapped_column(String(300))
    title_raw: Mapped[str | None] = mapped_column(String(300))
    tag_raw: Mapped[str | None] = mapped_column(String(300))
    level_raw: Mapped[str | None] = mapped_column(String(300))
    location_raw: Mapped[str | None] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    base: Mapped[Decimal | None] = mapped_column(MONEY)
    stock: Mapped[Decimal | None] = mapped_column(MONEY)
    bonus: Mapped[Decimal | None] = mapped_column(MONEY)
    # Null for a record that states a base but no total (community reports, H-1B filings).
    total: Mapped[Decimal | None] = mapped_column(MONEY)
    years_experience: Mapped[Decimal | None] = mapped_column(YEARS)
    years_at_company: Mapped[Decimal | None] = mapped_column(YEARS)
    reported_on: Mapped[date | None] = mapped_column(Date)


class CompanyNorm(Base):
    """A company as reported -> its canonical name."""

    __tablename__ = "company_norm"

    company_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    company: Mapped[str] = mapped_column(String(300), index=True)


class LevelNorm(Base):
    """A (company, level) as reported -> the level on the company's ladder (None: unplaced)."""

    __tablename__ = "level_norm"

    company_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    level_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    level: Mapped[str | None] = mapped_column(String(100))


class TitleNorm(Base):
    """A title as reported -> its title family."""

    __tablename__ = "title_norm"

    title_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    title_family: Mapped[str | None] = mapped_column(String(200))


class SpecialtyNorm(Base):
    """A (tag, title) as reported -> the specialty family (``ML / AI``)."""

    __tablename__ = "specialty_norm"

    tag_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    title_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    specialty: Mapped[str | None] = mapped_column(String(200))


class LocationNorm(Base):
    """A location as reported -> city, region, country and metro."""

    __tablename__ = "location_norm"

    location_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    metro: Mapped[str | None] = mapped_column(String(200))


class OfficialTable(Base):
    """An imported official statistics table (BLS OEWS): its derived JSON document, in the
    shipped table's format (``offerlab.market.oews.OewsTable``), and the source it came from."""

    __tablename__ = "official_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, index=True)
    release_label: Mapped[str] = mapped_column(String(100))
    reference_date: Mapped[date] = mapped_column(Date)
    document: Mapped[str] = mapped_column(Text)
