"""Where business-management indicators are counted (a Parquet snapshot, or the store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.indicators import DrillRow, Term
from jianguan.domain.model import Unit

# What the source groups by: the non-time dimensions as they are, and ``ym`` (year*100+month)
# of the term's cohort date for any time dimension.
SOURCE_DIMS = ("unit", "department", "handler", "category", "charge", "ym")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows count: cohort date within [date_from, date_to]; unit one of ``units``."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    units: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CountQuery:
    """Count each term, grouped by ``group_by``; with ``unit`` among them, a row's count goes to
    its unit and to every unit above it (only units in ``scope.units`` when that is given)."""

    terms: tuple[Term, ...]
    group_by: tuple[str, ...]  # a subset of SOURCE_DIMS, in that order
    scope: Scope


# (values of group_by in order, one count per term of the query in order)
CountRow = tuple[tuple[str | int | None, ...], tuple[int, ...]]


class IndicatorSource(Protocol):
    """Where indicators are counted: a Parquet snapshot (DuckDB) or the store (SQLite, PostgreSQL)."""

    def units(self) -> Sequence[Unit]: ...

    def count(self, query: CountQuery) -> Iterable[CountRow]:
        """Rows matched by each term, grouped, units rolled up; empty groups may be left out."""
        ...

    def drill(self, terms: Sequence[Term], scope: Scope) -> list[DrillRow]:
        """The rows the terms count in ``scope``, one per counted row, ordered."""
        ...


class SnapshotUnavailable(RuntimeError):
    """A Parquet snapshot folder is missing, incomplete or of another version."""
