"""Case work kept beside the case: recorded self-checks, assignments and recusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.assignment import Candidate
from jianguan.domain.gates import SelfCheckRecord
from jianguan.domain.model import AssignmentMode


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    case_id: str
    mode: AssignmentMode
    person: str
    reason: str | None
    seed: str | None
    candidates: tuple[Candidate, ...]
    by: str
    at: dt.datetime


class CaseworkRepository(Protocol):
    def add_self_check(self, record: SelfCheckRecord, blocking_count: int) -> None: ...

    def last_self_check(self, case_id: str) -> SelfCheckRecord | None: ...

    def add_assignment(self, record: AssignmentRecord) -> None: ...

    def assignments(self, case_id: str) -> list[AssignmentRecord]: ...

    def add_recusal(
        self, case_id: str, person: str, reason: str, by: str, at: dt.datetime
    ) -> None: ...

    def recused(self, case_id: str) -> dict[str, str]:
        """person → reason."""
        ...
