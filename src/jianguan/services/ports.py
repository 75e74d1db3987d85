"""What the services need from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from jianguan.domain.model import Case, Person, Unit


class StoreSession(Protocol):
    """One transaction on the store: everything done through it commits or rolls back together."""

    def upsert_units(self, units: Sequence[Unit]) -> tuple[int, int]:
        """Insert or update; returns (new, changed)."""
        ...

    def upsert_people(self, people: Sequence[Person]) -> tuple[int, int]: ...

    def existing_hashes(self, case_ids: Sequence[str]) -> dict[str, str]:
        """Content hashes of those of `case_ids` already stored."""
        ...

    def insert_cases(self, cases: Sequence[tuple[Case, str]]) -> None:
        """Bulk insert new cases with their content hashes."""
        ...

    def delete_cases(self, case_ids: Sequence[str]) -> None: ...

    def load_cases(self, case_ids: Sequence[str]) -> dict[str, Case]: ...

    def iter_cases(self, batch_size: int = 2000) -> Iterator[Case]:
        """Every stored case, ordered by case_id, streamed in batches."""
        ...

    def units(self) -> list[Unit]: ...

    def people(self) -> list[Person]: ...

    def counts(self) -> dict[str, int]:
        """Row counts per table, for summaries and for proving a refused import changed nothing."""
        ...

    def cases_by_category(self) -> dict[str, tuple[int, int]]:
        """category → (all cases, open cases)."""
        ...

    def append_audit(self, actor: str, action: str, subject: str | None, detail: Any) -> None:
        """Append one entry to the hash-chained audit log (全程留痕)."""
        ...


class Store(Protocol):
    def session(self) -> AbstractContextManager[StoreSession]:
        """A transaction: committed when the block ends normally, rolled back on an exception."""
        ...

    def verify_audit_chain(self) -> Iterable[str]:
        """Problems found in the audit chain (empty when intact)."""
        ...
