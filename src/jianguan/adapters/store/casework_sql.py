"""SQL for case work kept beside the case (services.ports.CaseworkRepository)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlalchemy import insert, select

from jianguan.adapters.store.schema_casework import assignments, recusals, self_checks
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.assignment import Candidate
from jianguan.domain.gates import SelfCheckRecord
from jianguan.domain.model import AssignmentMode
from jianguan.domain.monitoring import Finding, FindingKind, Severity
from jianguan.services.ports.casework import AssignmentRecord


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; the store writes UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _finding(raw: dict[str, Any]) -> Finding:
    due = raw.get("due")
    return Finding(
        raw["case_id"],
        raw["rule"],
        FindingKind(raw["kind"]),
        Severity(raw["severity"]),
        dt.date.fromisoformat(due) if due else None,
        tuple(raw["basis"]),
        raw["explanation"],
        raw.get("unit", ""),
    )


class CaseworkSql(OnSession):
    """Self-checks, assignments and recusals (implements services.ports.CaseworkRepository)."""

    # -- self-checks ----------------------------------------------------------------------------

    def add_self_check(self, record: SelfCheckRecord, blocking_count: int) -> None:
        body = {
            "findings": [f.as_json() for f in record.findings],
            "explained": dict(record.explained),
        }
        self._conn.execute(
            insert(self_checks).values(
                case_id=record.case_id,
                by_person=record.by,
                at=record.at,
                blocking=blocking_count,
                findings=orjson.dumps(body).decode(),
            )
        )

    def last_self_check(self, case_id: str) -> SelfCheckRecord | None:
        c = self_checks.c
        row = self._conn.execute(
            select(c.by_person, c.at, c.findings)
            .where(c.case_id == case_id)
            .order_by(c.seq.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        body = orjson.loads(row.findings)
        return SelfCheckRecord(
            case_id,
            row.by_person,
            _utc(row.at),
            tuple(_finding(f) for f in body["findings"]),
            body["explained"],
        )

    # -- assignment and recusal -----------------------------------------------------------------

    def add_assignment(self, record: AssignmentRecord) -> None:
        cands = [[c.person, c.open_cases, c.weight] for c in record.candidates]
        self._conn.execute(
            insert(assignments).values(
                case_id=record.case_id,
                mode=record.mode.value,
                person=record.person,
                reason=record.reason,
                seed=record.seed,
                candidates=orjson.dumps(cands).decode(),
                by_person=record.by,
                at=record.at,
            )
        )

    def assignments(self, case_id: str) -> list[AssignmentRecord]:
        c = assignments.c
        rows = self._conn.execute(
            select(assignments).where(c.case_id == case_id).order_by(c.seq)
        ).all()
        return [
            AssignmentRecord(
                r.case_id,
                AssignmentMode(r.mode),
                r.person,
                r.reason,
                r.seed,
                tuple(Candidate(p, n, w) for p, n, w in orjson.loads(r.candidates)),
                r.by_person,
                _utc(r.at),
            )
            for r in rows
        ]

    def add_recusal(self, case_id: str, person: str, reason: str, by: str, at: dt.datetime) -> None:
        c = recusals.c
        self._conn.execute(
            recusals.delete().where(c.case_id == case_id, c.person == person)
        )  # recording it again replaces the reason
        self._conn.execute(
            insert(recusals).values(
                case_id=case_id, person=person, reason=reason, by_person=by, at=at
            )
        )

    def recused(self, case_id: str) -> dict[str, str]:
        c = recusals.c
        rows = self._conn.execute(select(c.person, c.reason).where(c.case_id == case_id))
        return {r.person: r.reason for r in rows}
