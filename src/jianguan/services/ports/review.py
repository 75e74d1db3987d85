"""Case quality review (案件质量评查): plans, forms, their steps and outcomes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jianguan.domain.model import Case
from jianguan.domain.review import FormStatus, Mark, PlanEntry, ReviewMode, ReviewReason, Sampling


@dataclass(frozen=True, slots=True)
class PlanHead:
    """What a page shows of a year's plan without reading its cases."""

    year: int
    seed: str
    by: str
    at: dt.datetime
    by_reason: Mapping[ReviewReason, int]  # cases per strongest reason
    forms: int  # cases with a form (a reviewer assigned)


@dataclass(frozen=True, slots=True)
class StoredPlan:
    year: int
    seed: str
    params: Mapping[str, Any]  # sampling, specials and triggers in force
    candidates: Mapping[str, Sequence[str]]  # handler → closed case ids, sorted
    by: str
    at: dt.datetime
    entries: tuple[PlanEntry, ...] = ()

    @property
    def sampling(self) -> Sampling:
        s = self.params["sampling"]
        return Sampling(s["share"], s["count"], s["minimum"])


@dataclass(frozen=True, slots=True)
class Form:
    """A review form (评查表) of one case in one year's plan."""

    year: int
    case_id: str
    mode: ReviewMode
    reviewer: str
    status: FormStatus
    findings: tuple[Mapping[str, Any], ...]  # the automatic findings it was pre-filled with
    marks: tuple[Mark, ...]
    updated_at: dt.datetime
    score: float | None = None
    suggested: str | None = None
    grade: str | None = None
    objection: str | None = None
    final_grade: str | None = None
    final_by: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "case_id": self.case_id,
            "mode": self.mode.value,
            "reviewer": self.reviewer,
            "status": self.status.value,
            "findings": list(self.findings),
            "marks": [m.as_json() for m in self.marks],
            "score": self.score,
            "suggested": self.suggested,
            "grade": self.grade,
            "objection": self.objection,
            "final_grade": self.final_grade,
            "final_by": self.final_by,
        }


@dataclass(frozen=True, slots=True)
class FormHead:
    """What a list of forms needs of one form without reading it: its reviewer and status, and
    its case's unit and handler (None when the case is not stored)."""

    case_id: str
    reviewer: str
    status: FormStatus
    unit: str | None
    handler: str | None


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    year: int
    case_id: str
    kind: str  # accountability_referral | rectification | positive_candidate
    person: str
    unit: str
    grade: str
    due_on: dt.date | None
    status: str
    evidence: Mapping[str, Any]
    at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "case_id": self.case_id,
            "kind": self.kind,
            "person": self.person,
            "unit": self.unit,
            "grade": self.grade,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "status": self.status,
            "evidence": dict(self.evidence),
        }


class ReviewRepository(Protocol):
    """Review plans, forms, their steps and outcomes, and the case facts a plan selects by."""

    def cases_for_year(
        self,
        year: int,
        document_types: Collection[str],
        event_notes: Collection[str],
        closed_ranges: Sequence[tuple[dt.date | None, dt.date | None]],
    ) -> Iterator[Case]:
        """At least every case a plan for ``year`` may select (see ``build_plan``), by case_id:
        closed, decided or judged in the year, closed in one of ``closed_ranges``, or with a
        document of ``document_types`` or an event noted one of ``event_notes`` in the year."""
        ...

    def declared_recusals(self, case_ids: Sequence[str]) -> dict[str, frozenset[str]]:
        """case id → the people recorded as recused from it (回避, recorded in case work)."""
        ...

    def arrested_matters(self) -> frozenset[str]:
        """The unified numbers (统一受案号) of matters whose arrest was approved."""
        ...

    def plan(self, year: int) -> StoredPlan | None: ...

    def plan_head(self, year: int) -> PlanHead | None:
        """The year's plan as a page shows it, without reading its cases (tens of thousands
        for a province's year: 1.4 s at 1 M cases)."""
        ...

    def save_plan(self, plan: StoredPlan) -> None: ...

    def delete_plan(self, year: int) -> None: ...

    def plan_years(self, case_id: str) -> list[int]: ...

    def forms(self, year: int, case_ids: Collection[str] | None = None) -> list[Form]:
        """The forms of ``year`` (only those of ``case_ids`` when given), by case id."""
        ...

    def form_heads(self, year: int) -> list[FormHead]:
        """Every form of ``year`` as a ``FormHead``, by case id (one light query: no form or
        case is read)."""
        ...

    def form(self, year: int, case_id: str) -> Form | None: ...

    def save_form(self, form: Form) -> None:
        """Insert or replace the form of (year, case_id)."""
        ...

    def add_event(
        self, year: int, case_id: str, step: str, by: str, at: dt.datetime, detail: Any
    ) -> None: ...

    def events(self, year: int, case_id: str) -> list[dict[str, Any]]: ...

    def add_outcome(self, outcome: ReviewOutcome) -> None: ...

    def outcomes(self, year: int | None, kind: str | None) -> list[ReviewOutcome]: ...
