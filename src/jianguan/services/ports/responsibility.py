"""Judicial responsibility (司法责任制): lists, referrals, rectifications and their facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jianguan.domain.rectification import Rectification
from jianguan.domain.referral import Referral
from jianguan.domain.responsibility import (
    FindingFact,
    GradeFact,
    ListEntry,
    PendingFact,
    ReferralFact,
    Tolerance,
)


@dataclass(frozen=True, slots=True)
class ClosedCase:
    case_id: str
    handler: str
    unit: str
    category: str
    charge: str
    major: bool
    decided: bool
    outcome: str | None


@dataclass(frozen=True, slots=True)
class OutcomeLead:
    """A review outcome (accountability lead or rectification) waiting to be taken up."""

    year: int
    case_id: str
    kind: str
    person: str
    unit: str
    grade: str
    due_on: dt.date | None
    evidence: Mapping[str, Any]


class ResponsibilityRepository(Protocol):
    """Lists, tolerances, referrals, rectifications, and the facts they are built from."""

    def grade_facts(self) -> list[GradeFact]: ...
    def finding_facts(self) -> list[FindingFact]: ...
    def pending_facts(self, as_of: dt.date) -> list[PendingFact]: ...
    def referral_facts(self) -> list[ReferralFact]: ...
    def replace_built_entries(self, entries: Sequence[ListEntry], at: dt.datetime) -> None: ...
    def add_manual_entry(self, entry: ListEntry, at: dt.datetime) -> None: ...
    def entries(self, unit: str | None = None, person: str | None = None) -> list[ListEntry]: ...
    def tolerances(self) -> dict[str, Tolerance]: ...
    def add_tolerance(self, tolerance: Tolerance) -> None: ...
    def next_id(self, prefix: str) -> str: ...
    def save_referral(self, r: Referral) -> None: ...
    def load_referral(self, rid: str) -> Referral | None: ...
    def referrals(self) -> list[Referral]: ...
    def has_source(self, table: str, source_ref: str) -> bool: ...
    def save_rectification(self, r: Rectification) -> None: ...
    def load_rectification(self, rid: str) -> Rectification | None: ...
    def rectifications(self) -> list[Rectification]: ...
    def review_outcomes(self) -> list[OutcomeLead]: ...
    def acquitted(self) -> list[tuple[str, str, str, dt.date]]: ...
    def closed_cases(self, year: int) -> list[ClosedCase]: ...
    def case_kinds(self, kind: str) -> set[str]: ...
