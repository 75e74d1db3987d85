"""The in-memory inspection and schedule repositories of ``tests/fakes.FakeUnitOfWork``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from jianguan.domain.inspection import Inspection
from jianguan.domain.schedule import Outcome, Run


@dataclass
class ManagementState:
    inspections: dict[str, Inspection] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)

    def __copy__(self) -> ManagementState:
        return ManagementState(dict(self.inspections), list(self.runs))


class FakeInspections:
    def __init__(self, st: ManagementState) -> None:
        self.st = st

    def next_id(self) -> str:
        return f"XZ{len(self.st.inspections) + 1:06d}"

    def save(self, inspection: Inspection) -> None:
        self.st.inspections[inspection.id] = inspection

    def load(self, iid: str) -> Inspection | None:
        return self.st.inspections.get(iid)

    def all(self) -> list[Inspection]:
        return [self.st.inspections[k] for k in sorted(self.st.inspections)]


class FakeSchedule:
    def __init__(self, st: ManagementState) -> None:
        self.st = st

    def start(self, job: str, due: dt.date, started_at: dt.datetime, trigger: str) -> int:
        run = Run(len(self.st.runs) + 1, job, due, started_at, None, Outcome.RUNNING, "", trigger)
        self.st.runs.append(run)
        return run.id

    def finish(self, run_id: int, ended_at: dt.datetime, outcome: str, message: str) -> None:
        i = run_id - 1
        self.st.runs[i] = replace(self.st.runs[i], ended_at=ended_at, outcome=Outcome(outcome),
                                  message=message)  # fmt: skip

    def runs(self, limit: int = 200, job: str | None = None) -> list[Run]:
        rows = [r for r in self.st.runs if job is None or r.job == job]
        return sorted(rows, key=lambda r: (r.started_at, r.id), reverse=True)[:limit]

    def last_runs(self, jobs: Sequence[str]) -> dict[str, tuple[Run | None, Run | None]]:
        out: dict[str, tuple[Run | None, Run | None]] = {}
        for job in jobs:
            mine = self.runs(10**9, job)
            ok = [r for r in mine if r.outcome is Outcome.SUCCESS]
            out[job] = (mine[0] if mine else None, ok[0] if ok else None)
        return out
