"""SQL of the management cycle: inspections (``InspectionRepository``) and scheduled runs
(``ScheduleRepository``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select, update

from jianguan.adapters.store.schema_management import inspections, schedule_runs
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.inspection import (
    Inspection,
    Item,
    LeaderChange,
    Phase,
    ProgressReport,
    Recheck,
    Recipient,
    Transfer,
    TransferKind,
)
from jianguan.domain.schedule import Outcome, Run


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _inspection(b: dict[str, Any]) -> Inspection:
    return Inspection(
        b["id"], b["unit"], b["title"], b["inspector"], _day(b["feedback_on"]),
        dict(b["recipients"]),
        tuple(Item(x["n"], x["problem"], x["responsible"], x["measure"], _day(x["due_on"]),
                   _date(x["done_on"]), x["done_note"], _date(x["reopened_on"]))
              for x in b["items"]),
        tuple(Transfer(x["n"], TransferKind(x["kind"]), x["summary"], x["handed_to"],
                       _day(x["handed_on"]), _date(x["reported_on"]), x["report_note"])
              for x in b["transfers"]),
        tuple(ProgressReport(x["n"], _day(x["on"]), x["by"],
                             tuple(Recipient(r) for r in x["recipients"]), x["text"],
                             Phase(x["phase"]))
              for x in b["reports"]),
        tuple(LeaderChange(_day(x["on"]), x["role"], x["predecessor"], x["successor"],
                           tuple(x["items"]), x["note"])
              for x in b["changes"]),
        tuple(Recheck(_day(x["on"]), x["by"], tuple(x["checked"]), tuple(x["not_fixed"]),
                      _date(x["due_on"]), x["note"])
              for x in b["rechecks"]),
    )  # fmt: skip


class InspectionSql(OnSession):
    def next_id(self) -> str:
        count = self._conn.scalar(select(func.count()).select_from(inspections)) or 0
        return f"XZ{count + 1:06d}"

    def save(self, inspection: Inspection) -> None:
        body = orjson.dumps(dataclasses.asdict(inspection)).decode()
        self._conn.execute(delete(inspections).where(inspections.c.id == inspection.id))
        self._conn.execute(insert(inspections).values(
            id=inspection.id, unit=inspection.unit, feedback_on=inspection.feedback_on, body=body
        ))  # fmt: skip

    def load(self, iid: str) -> Inspection | None:
        body = self._conn.scalar(select(inspections.c.body).where(inspections.c.id == iid))
        return None if body is None else _inspection(orjson.loads(body))

    def all(self) -> list[Inspection]:
        rows = self._conn.scalars(select(inspections.c.body).order_by(inspections.c.id))
        return [_inspection(orjson.loads(b)) for b in rows]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _run(row: Any) -> Run:
    started = _aware(row.started_at)
    assert started is not None
    return Run(row.id, row.job, row.due, started, _aware(row.ended_at), Outcome(row.outcome),
               row.message, row.trigger)  # fmt: skip


class ScheduleSql(OnSession):
    def start(self, job: str, due: dt.date, started_at: dt.datetime, trigger: str) -> int:
        result = self._conn.execute(
            insert(schedule_runs).values(job=job, due=due, trigger=trigger, started_at=started_at,
                                         outcome=Outcome.RUNNING.value, message="")
        )  # fmt: skip
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish(self, run_id: int, ended_at: dt.datetime, outcome: str, message: str) -> None:
        self._conn.execute(
            update(schedule_runs).where(schedule_runs.c.id == run_id)
            .values(ended_at=ended_at, outcome=outcome, message=message)
        )  # fmt: skip

    def runs(self, limit: int = 200, job: str | None = None) -> list[Run]:
        t = schedule_runs.c
        query = select(schedule_runs).order_by(t.started_at.desc(), t.id.desc()).limit(limit)
        if job is not None:
            query = query.where(t.job == job)
        return [_run(r) for r in self._conn.execute(query)]

    def last_runs(self, jobs: Sequence[str]) -> dict[str, tuple[Run | None, Run | None]]:
        t = schedule_runs.c
        out: dict[str, tuple[Run | None, Run | None]] = {}
        for job in jobs:
            base = select(schedule_runs).where(t.job == job).order_by(t.started_at.desc(),
                                                                      t.id.desc()).limit(1)  # fmt: skip
            last = self._conn.execute(base).first()
            ok = self._conn.execute(base.where(t.outcome == Outcome.SUCCESS.value)).first()
            out[job] = (None if last is None else _run(last), None if ok is None else _run(ok))
        return out
