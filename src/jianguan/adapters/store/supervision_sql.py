"""SQL for supervision matters (implements services.ports.supervision.SupervisionRepository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import RowMapping, delete, func, insert, select

from jianguan.adapters.store.schema_supervision import (
    sv_leads,
    sv_matter_events,
    sv_matters,
    sv_meetings,
)
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.supervision import (
    Lead,
    LeadStatus,
    Line,
    Matter,
    MatterDecision,
    MatterEvent,
    MatterEventType,
    Meeting,
    MeetingKind,
    Opinion,
    ReplyOutcome,
)
from jianguan.services.ports.supervision import LeadQuery, MatterQuery

_L, _M, _E, _G = sv_leads.c, sv_matters.c, sv_matter_events.c, sv_meetings.c
_CHUNK = 500


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _lead_row(lead: Lead) -> dict[str, Any]:
    return {
        "lead_id": lead.lead_id,
        "dedupe_key": lead.key,
        "model": lead.model,
        "rule": lead.rule,
        "unit": lead.unit,
        "line": lead.line.value,
        "department": lead.department,
        "target": lead.target,
        "received_on": lead.received_on,
        "summary": lead.summary,
        "facts": orjson.dumps(dict(lead.facts)).decode(),
        "records": orjson.dumps(list(lead.records)).decode(),
        "status": lead.status.value,
        "note": lead.note,
        "matter_id": lead.matter_id,
        "duplicate_of": lead.duplicate_of,
    }


def _lead(r: RowMapping) -> Lead:
    return Lead(
        r["lead_id"], r["model"], r["rule"], r["unit"], Line(r["line"]), r["target"],
        r["received_on"], r["summary"], orjson.loads(r["facts"]),
        tuple(orjson.loads(r["records"])), r["department"], LeadStatus(r["status"]), r["note"],
        r["matter_id"], r["duplicate_of"],
    )  # fmt: skip


def _matter_row(m: Matter) -> dict[str, Any]:
    return {
        "matter_id": m.matter_id,
        "lead_id": m.lead_id,
        "unit": m.unit,
        "department": m.department,
        "model": m.model,
        "rule": m.rule,
        "line": m.line.value,
        "target": m.target,
        "title": m.title,
        "registered_on": m.registered_on,
        "handler": m.handler,
        "major": m.major,
        "decision": m.decision.value if m.decision else None,
        "decided_on": m.decided_on,
        "decision_reason": m.decision_reason,
        "document_no": m.document_no,
        "reply_due": m.reply_due,
        "reply_on": m.reply_on,
        "reply_outcome": m.reply_outcome.value if m.reply_outcome else None,
        "case_id": m.case_id,
        "closed_on": m.closed_on,
    }


def _matter(r: RowMapping, events: Sequence[MatterEvent]) -> Matter:
    return Matter(
        r["matter_id"], r["lead_id"], r["unit"], r["department"], r["model"], r["rule"],
        Line(r["line"]), r["target"], r["title"], r["registered_on"], r["handler"],
        bool(r["major"]), tuple(events),
        MatterDecision(r["decision"]) if r["decision"] else None, r["decided_on"],
        r["decision_reason"], r["document_no"], r["reply_due"], r["reply_on"],
        ReplyOutcome(r["reply_outcome"]) if r["reply_outcome"] else None, r["case_id"],
        r["closed_on"],
    )  # fmt: skip


def _event(r: RowMapping) -> MatterEvent:
    return MatterEvent(
        MatterEventType(r["type"]), r["on_date"], r["by_person"], r["kind"], r["note"]
    )


def _meeting(r: RowMapping) -> Meeting:
    return Meeting(
        r["meeting_id"], r["subject"], r["subject_kind"], MeetingKind(r["kind"]), r["asked_by"],
        r["question"], r["held_on"], tuple(orjson.loads(r["members"])),
        tuple(Opinion(a, b) for a, b in orjson.loads(r["opinions"])), r["conclusion"],
        r["decision"], r["recorded_by"],
    )  # fmt: skip


class SupervisionSql(OnSession):
    # -- leads -----------------------------------------------------------------------------------

    def add_leads(self, leads: Sequence[Lead]) -> None:
        rows = [_lead_row(x) for x in leads]
        for i in range(0, len(rows), _CHUNK):
            self._conn.execute(insert(sv_leads), rows[i : i + _CHUNK])

    def save_lead(self, lead: Lead) -> None:
        self._conn.execute(delete(sv_leads).where(_L.lead_id == lead.lead_id))
        self._conn.execute(insert(sv_leads).values(**_lead_row(lead)))

    def lead(self, lead_id: str) -> Lead | None:
        row = self._conn.execute(select(sv_leads).where(_L.lead_id == lead_id)).mappings().first()
        return _lead(row) if row is not None else None

    def lead_ids(self, lead_ids: Collection[str]) -> set[str]:
        ids, out = sorted(set(lead_ids)), set[str]()
        for i in range(0, len(ids), _CHUNK):
            q = select(_L.lead_id).where(_L.lead_id.in_(ids[i : i + _CHUNK]))
            out.update(self._conn.execute(q).scalars())
        return out

    def leads_by_key(self, keys: Collection[str]) -> dict[str, str]:
        wanted, out = sorted(set(keys)), dict[str, str]()
        for i in range(0, len(wanted), _CHUNK):
            q = (
                select(_L.dedupe_key, func.min(_L.lead_id))
                .where(_L.dedupe_key.in_(wanted[i : i + _CHUNK]))
                .where(_L.status != LeadStatus.DUPLICATE.value)
                .group_by(_L.dedupe_key)
            )
            out.update((str(r[0]), str(r[1])) for r in self._conn.execute(q))
        return out

    def leads(self, query: LeadQuery) -> list[Lead]:
        q = select(sv_leads)
        if query.units is not None:
            q = q.where(_L.unit.in_(sorted(query.units)))
        if query.status is not None:
            q = q.where(_L.status == query.status.value)
        if query.model:
            q = q.where(_L.model == query.model)
        q = q.order_by(_L.received_on.desc(), _L.lead_id).limit(query.limit)
        return [_lead(r) for r in self._conn.execute(q).mappings()]

    # -- matters ---------------------------------------------------------------------------------

    def save_matter(self, matter: Matter) -> None:
        mid = matter.matter_id
        self._conn.execute(delete(sv_matter_events).where(_E.matter_id == mid))
        self._conn.execute(delete(sv_matters).where(_M.matter_id == mid))
        self._conn.execute(insert(sv_matters).values(**_matter_row(matter)))
        if matter.events:
            self._conn.execute(
                insert(sv_matter_events),
                [
                    {
                        "matter_id": mid,
                        "seq": i,
                        "type": e.type.value,
                        "on_date": e.on,
                        "by_person": e.by,
                        "kind": e.kind,
                        "note": e.note,
                    }
                    for i, e in enumerate(matter.events)
                ],
            )

    def add_matters(self, matters: Sequence[Matter]) -> None:
        for i in range(0, len(matters), _CHUNK):
            batch = matters[i : i + _CHUNK]
            self._conn.execute(insert(sv_matters), [_matter_row(m) for m in batch])
            rows = [
                {
                    "matter_id": m.matter_id,
                    "seq": j,
                    "type": e.type.value,
                    "on_date": e.on,
                    "by_person": e.by,
                    "kind": e.kind,
                    "note": e.note,
                }
                for m in batch
                for j, e in enumerate(m.events)
            ]
            if rows:
                self._conn.execute(insert(sv_matter_events), rows)

    def _events(self, ids: Sequence[str]) -> dict[str, list[MatterEvent]]:
        out: dict[str, list[MatterEvent]] = {i: [] for i in ids}
        for i in range(0, len(ids), _CHUNK):
            q = (
                select(sv_matter_events)
                .where(_E.matter_id.in_(list(ids[i : i + _CHUNK])))
                .order_by(_E.matter_id, _E.seq)
            )
            for r in self._conn.execute(q).mappings():
                out[r["matter_id"]].append(_event(r))
        return out

    def _load(self, rows: Sequence[RowMapping]) -> list[Matter]:
        events = self._events([r["matter_id"] for r in rows])
        return [_matter(r, events[r["matter_id"]]) for r in rows]

    def matter(self, matter_id: str) -> Matter | None:
        row = self._conn.execute(select(sv_matters).where(_M.matter_id == matter_id)).mappings()
        found = list(row)
        return self._load(found)[0] if found else None

    def matters(self, query: MatterQuery) -> list[Matter]:
        q = select(sv_matters)
        if query.units is not None:
            q = q.where(_M.unit.in_(sorted(query.units)))
        if query.handler is not None:
            q = q.where(_M.handler == query.handler)
        if query.open_only:
            q = q.where(_M.closed_on.is_(None))
        q = q.order_by(_M.registered_on.desc(), _M.matter_id).limit(query.limit)
        return self._load(list(self._conn.execute(q).mappings()))

    def iter_matters(self, units: Collection[str] | None = None) -> Iterator[Matter]:
        q = select(sv_matters).order_by(_M.matter_id)
        if units is not None:
            q = q.where(_M.unit.in_(sorted(units)))
        rows = list(self._conn.execute(q).mappings())
        for i in range(0, len(rows), 2000):
            yield from self._load(rows[i : i + 2000])

    def matter_count(self, unit: str, year: int) -> int:
        q = select(func.count()).where(
            _M.unit == unit,
            _M.registered_on >= dt.date(year, 1, 1),
            _M.registered_on <= dt.date(year, 12, 31),
        )
        return int(self._conn.execute(q).scalar_one())

    def open_matters(self, people: Collection[str]) -> dict[str, int]:
        q = (
            select(_M.handler, func.count())
            .where(_M.handler.in_(sorted(people)), _M.closed_on.is_(None))
            .group_by(_M.handler)
        )
        return {h: int(n) for h, n in self._conn.execute(q)}

    def matter_of_case(self, case_id: str) -> str | None:
        q = select(_M.matter_id).where(_M.case_id == case_id).order_by(_M.matter_id).limit(1)
        return self._conn.execute(q).scalar_one_or_none()

    # -- meetings --------------------------------------------------------------------------------

    def add_meeting(self, meeting: Meeting) -> None:
        m = meeting
        self._conn.execute(
            insert(sv_meetings).values(
                meeting_id=m.meeting_id,
                subject=m.subject,
                subject_kind=m.subject_kind,
                kind=m.kind.value,
                asked_by=m.asked_by,
                question=m.question,
                held_on=m.held_on,
                members=orjson.dumps(list(m.members)).decode(),
                opinions=orjson.dumps([[o.member, o.text] for o in m.opinions]).decode(),
                conclusion=m.conclusion,
                decision=m.decision,
                recorded_by=m.recorded_by,
                recorded_at=dt.datetime.now(dt.UTC),
            )
        )

    def meetings(self, subjects: Collection[str] | None = None) -> Mapping[str, list[Meeting]]:
        q = select(sv_meetings).order_by(_G.subject, _G.held_on, _G.meeting_id)
        out: dict[str, list[Meeting]] = {}
        batches: list[list[str] | None] = [None]
        if subjects is not None:
            wanted = sorted(set(subjects))
            batches = [wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)]
        for batch in batches:
            qq = q if batch is None else q.where(_G.subject.in_(batch))
            for r in self._conn.execute(qq).mappings():
                out.setdefault(r["subject"], []).append(_meeting(r))
        return out

    def meeting_count(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(sv_meetings)).scalar_one())
