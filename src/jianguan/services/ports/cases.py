"""The store of units, people and cases, and the audit log (全程留痕)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jianguan.domain.model import Case, Person, Unit
from jianguan.domain.provenance import PlatformWork
from jianguan.services.ports.files import Prepared


class CaseRepository(Protocol):
    """Units, people and cases as the interchange format describes them."""

    def lock_for_import(self) -> None:
        """Take the store's import lock for the rest of the unit of work, first thing: a second
        import waits for the first to end, or raises ``StoreBusy`` when it cannot wait."""
        ...

    def refresh_statistics(self) -> None:
        """Bring the query planner's statistics up to date after a bulk change (an import)."""
        ...

    def holds_cases(self) -> bool:
        """Whether any case is stored (an import into a store without one is a first load)."""
        ...

    def defer_indexes(self) -> None:
        """For a first load: take the case tables' secondary indexes off until
        ``restore_indexes``, in the same transaction (building an index once over the loaded
        rows is cheaper than keeping it up to date row by row)."""
        ...

    def restore_indexes(self) -> None:
        """Build again the indexes ``defer_indexes`` took off, exactly as they were."""
        ...

    def upsert_units(self, units: Sequence[Unit]) -> tuple[int, int]:
        """Insert or update; returns (new, changed)."""
        ...

    def upsert_people(self, people: Sequence[Person]) -> tuple[int, int]: ...

    def units(self) -> list[Unit]: ...

    def people(self) -> list[Person]: ...

    def person(self, person_id: str) -> Person | None: ...

    def existing_hashes(self, case_ids: Sequence[str]) -> dict[str, str]:
        """Content hashes of those of ``case_ids`` already stored."""
        ...

    def insert_cases(
        self, cases: Sequence[tuple[Case, str]], work: Mapping[str, PlatformWork] | None = None
    ) -> None:
        """Bulk insert new cases with their content hashes (the hash of the export's record);
        ``work``: the platform's share of those cases that have one (domain.provenance)."""
        ...

    def insert_prepared(self, cases: Sequence[Prepared]) -> None:
        """Bulk insert new cases a worker prepared (their rows, made by this store's adapter)."""
        ...

    def platform_work(self, case_ids: Sequence[str]) -> dict[str, PlatformWork]:
        """The platform's share of those of ``case_ids`` that have one (events recorded here,
        card fields set here)."""
        ...

    def delete_cases(self, case_ids: Sequence[str]) -> None: ...

    def load_cases(self, case_ids: Sequence[str]) -> dict[str, Case]: ...

    def load_case(self, case_id: str) -> Case | None: ...

    def decided_and_closed(
        self, case_ids: Sequence[str]
    ) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        """(decision day, closing day) of those of ``case_ids`` stored: what a page of alerts
        needs of each case, without reading the whole case."""
        ...

    def save_case(self, case: Case) -> None:
        """Replace the stored case by this one (same case_id): a change made on the platform.
        What it adds is recorded as the platform's (``domain.provenance.record_change``, which
        raises ``NotAPlatformChange`` for an edit of the export's facts); the content hash stays
        the export's. A case not stored yet is inserted with its own content hash."""
        ...

    def iter_cases(self, batch_size: int = 2000) -> Iterator[Case]:
        """Every stored case, ordered by case_id, streamed in batches."""
        ...

    def case_ids_of_units(self, units: Collection[str]) -> Iterator[str]:
        """The ids of the stored cases of those units (for what a full export left out)."""
        ...

    def case_heads(self, case_ids: Sequence[str]) -> dict[str, CaseHead]:
        """The heads of those cases (the unknown ones left out), read from the cases table
        alone: what a list of cases shows, without their events and documents."""
        ...

    def case_dates(self) -> Iterator[CaseDates]:
        """Every stored case's id, unit, day of receipt and day of decision: all the anomaly
        series need, read without assembling a single case (a province's 10⁶ in seconds)."""
        ...

    def cases_to_check(self, units: Collection[str] | None) -> list[str]:
        """The ids of the cases (of ``units``; all when None) that could fail a data-quality
        check (``domain.dataquality``): a superset, never missing one. A case whose dates are in
        order, whose card has what its category needs, that is closed with a decision or still
        open undecided, and that shares neither its unified number nor a suspect received the
        same day with another case of its unit and stage, cannot have an issue, and is not read.
        A check added to the domain needs its clause here (the integration test compares the
        two over cases carrying every defect)."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts per table, for summaries and for proving a refused import changed nothing."""
        ...

    def cases_by_category(self) -> dict[str, tuple[int, int]]:
        """category → (all cases, open cases)."""
        ...

    def open_workload(self, person_ids: Sequence[str]) -> dict[str, int]:
        """Open cases each person handles."""
        ...


@dataclass(frozen=True, slots=True)
class CaseHead:
    """What a list of cases shows of each (``CaseRepository.case_heads``)."""

    case_id: str
    unified_no: str
    unit: str
    handler: str
    received_on: dt.date
    decided_on: dt.date | None
    closed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class CaseDates:
    """The little of a case the anomaly series read (``CaseRepository.case_dates``)."""

    case_id: str
    unit: str
    received_on: dt.date
    decided_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the audit log as it was written (``detail`` parsed back from its JSON)."""

    at: dt.datetime
    actor: str
    action: str
    subject: str | None
    detail: Any


class AuditLog(Protocol):
    """The append-only, hash-chained log of every change (全程留痕)."""

    def of_subjects(self, subjects: Collection[str], actions: Collection[str]) -> list[AuditRecord]:
        """The entries about ``subjects`` whose action is one of ``actions``, oldest first
        (reads only: what a page shows of the reasons given by hand)."""
        ...

    def append(self, actor: str, action: str, subject: str | None, detail: Any) -> None: ...

    def problems(self) -> list[str]:
        """What is wrong with the chain (empty when intact)."""
        ...

    def subjects_since(self, moment: dt.datetime) -> set[str]:
        """The subjects (case ids, …) of the entries made at or after ``moment``."""
        ...
