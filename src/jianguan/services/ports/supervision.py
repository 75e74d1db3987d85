"""The store of supervision matters: leads, matters with their timelines, meetings on record.

Assignments and recusals of a matter are kept where a case's are (``uow.casework``, keyed by the
matter id), so the assignment rules and their records are the same for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.supervision import Lead, LeadStatus, Matter, MatterSet, Meeting


@dataclass(frozen=True, slots=True)
class LeadQuery:
    units: Collection[str] | None = None  # None: every unit
    status: LeadStatus | None = None
    model: str | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class MatterQuery:
    units: Collection[str] | None = None
    handler: str | None = None
    open_only: bool = False
    limit: int = 200


class SupervisionRepository(Protocol):
    # -- leads --
    def add_leads(self, leads: Sequence[Lead]) -> None: ...

    def save_lead(self, lead: Lead) -> None: ...

    def lead(self, lead_id: str) -> Lead | None: ...

    def lead_ids(self, lead_ids: Collection[str]) -> set[str]:
        """Which of these ids are already stored."""
        ...

    def leads_by_key(self, keys: Collection[str]) -> dict[str, str]:
        """dedupe key → the id of the first stored lead with it (duplicates excluded)."""
        ...

    def leads(self, query: LeadQuery) -> list[Lead]: ...

    # -- matters --
    def save_matter(self, matter: Matter) -> None:
        """Insert or replace the matter and its timeline."""
        ...

    def add_matters(self, matters: Sequence[Matter]) -> None:
        """Insert new matters in bulk (the generator's; ids not yet stored)."""
        ...

    def matter(self, matter_id: str) -> Matter | None: ...

    def matters(self, query: MatterQuery) -> list[Matter]: ...

    def iter_matters(self, units: Collection[str] | None = None) -> Iterator[Matter]: ...

    def matter_count(self, unit: str, year: int) -> int:
        """Matters registered in ``unit`` in ``year`` (the next number is one more)."""
        ...

    def open_matters(self, people: Collection[str]) -> dict[str, int]:
        """person → matters they handle that are not closed."""
        ...

    def matter_of_case(self, case_id: str) -> str | None:
        """The matter that produced ``case_id`` (the link read from the case's side)."""
        ...

    # -- meetings --
    def add_meeting(self, meeting: Meeting) -> None: ...

    def meetings(self, subjects: Collection[str] | None = None) -> Mapping[str, list[Meeting]]:
        """subject (matter or case id) → its meetings, oldest first; every subject when None."""
        ...

    def meeting_count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class MatterScope:
    """Rows whose cohort date is within [date_from, date_to] (and, for replies due, whose due day
    is on or before ``as_of``); of ``units`` when given (the unit itself, no roll-up here)."""

    as_of: dt.date
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    units: frozenset[str] | None = None
    model: str | None = None


class MatterIndicatorSource(Protocol):
    """Where the matter indicators are counted (set-based SQL on the store)."""

    def count(
        self, which: MatterSet, group_by: Sequence[str], scope: MatterScope
    ) -> dict[tuple[str | int, ...], int]:
        """(values of ``group_by``: unit, model, year, month) → rows of the set."""
        ...

    def members(self, which: MatterSet, scope: MatterScope) -> list[str]:
        """The ids (lead or matter) the set counts in ``scope``, sorted: the drill-down."""
        ...
