"""SQL of analysis meetings (``MeetingRepository``) and upper-unit notices (``NoticeRepository``):
each aggregate kept whole as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

import orjson
from sqlalchemy import Table, delete, func, insert, select

from jianguan.adapters.store.schema_followup import analysis_meetings, upper_notices
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.analysis_meeting import (
    Carried,
    CarriedKind,
    Meeting,
    Minutes,
    Topic,
    TopicSource,
)
from jianguan.domain.followup import Task
from jianguan.domain.notice import Notice, Problem, ReportBack


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _task(x: dict[str, Any]) -> Task:
    return Task(x["n"], x["text"], x["owner"], _day(x["due_on"]), _day(x["created_on"]),
                x["source"], _date(x["done_on"]), x["done_by"], x["done_note"],
                _date(x["verified_on"]), x["verified_by"], x["verify_note"],
                _date(x["rejected_on"]))  # fmt: skip


def meeting_of(b: dict[str, Any]) -> Meeting:
    minutes = b["minutes"]
    return Meeting(
        b["id"], b["unit"], b["title"], _day(b["held_on"]), b["convened_by"],
        tuple(Topic(x["n"], TopicSource(x["source"]), x["key"], x["title"], x["detail"],
                    x["unit"], tuple(x["cases"]), _day(x["proposed_on"]), x["department"],
                    _date(x["due_on"]), _date(x["assigned_on"]), x["answer"],
                    _date(x["answered_on"]), x["answered_by"])
              for x in b["topics"]),
        tuple(_task(x) for x in b["tasks"]),
        None if minutes is None else Minutes(minutes["text"], tuple(minutes["attendees"]),
                                             _day(minutes["recorded_on"]), minutes["by"]),
        tuple(Carried(x["meeting"], CarriedKind(x["kind"]), x["n"], x["summary"], x["owner"],
                      _date(x["due_on"]))
              for x in b["carried"]),
    )  # fmt: skip


def notice_of(b: dict[str, Any]) -> Notice:
    return Notice(
        b["id"], b["unit"], b["issuer"], b["doc_no"], b["title"], _day(b["received_on"]),
        _day(b["reply_due"]),
        tuple(Problem(x["n"], x["text"], tuple(x["cases"]), _date(x["due_on"]))
              for x in b["problems"]),
        tuple(_task(x) for x in b["tasks"]),
        tuple(ReportBack(_day(x["on"]), x["by"], x["note"], x["complete"]) for x in b["reports"]),
    )  # fmt: skip


class _Whole(OnSession):
    """One aggregate per row: ``id``, ``unit``, a date column and the JSON body."""

    table: Table
    prefix: str
    day: str

    def next_id(self) -> str:
        count = self._conn.scalar(select(func.count()).select_from(self.table)) or 0
        return f"{self.prefix}{count + 1:06d}"

    def _save(self, oid: str, unit: str, day: dt.date, whole: object) -> None:
        body = orjson.dumps(dataclasses.asdict(whole)).decode()  # type: ignore[call-overload]
        t = self.table
        self._conn.execute(delete(t).where(t.c.id == oid))
        self._conn.execute(insert(t).values({"id": oid, "unit": unit, self.day: day, "body": body}))

    def _body(self, oid: str) -> dict[str, Any] | None:
        body = self._conn.scalar(select(self.table.c.body).where(self.table.c.id == oid))
        return None if body is None else dict(orjson.loads(body))

    def _bodies(self, units: Collection[str] | None) -> list[dict[str, Any]]:
        t = self.table
        q = select(t.c.body).order_by(t.c.id)
        if units is not None:
            q = q.where(t.c.unit.in_(sorted(units)))
        return [dict(orjson.loads(b)) for b in self._conn.scalars(q)]


class MeetingSql(_Whole):
    table, prefix, day = analysis_meetings, "YP", "held_on"

    def save(self, meeting: Meeting) -> None:
        self._save(meeting.id, meeting.unit, meeting.held_on, meeting)

    def load(self, mid: str) -> Meeting | None:
        b = self._body(mid)
        return None if b is None else meeting_of(b)

    def all(self, units: Collection[str] | None = None) -> list[Meeting]:
        return [meeting_of(b) for b in self._bodies(units)]


class NoticeSql(_Whole):
    table, prefix, day = upper_notices, "TB", "received_on"

    def save(self, notice: Notice) -> None:
        self._save(notice.id, notice.unit, notice.received_on, notice)

    def load(self, nid: str) -> Notice | None:
        b = self._body(nid)
        return None if b is None else notice_of(b)

    def all(self, units: Collection[str] | None = None) -> list[Notice]:
        return [notice_of(b) for b in self._bodies(units)]
