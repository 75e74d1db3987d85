"""SQL for the consultation (implements services.ports.consultation.ConsultationRepository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import orjson
from sqlalchemy import RowMapping, delete, insert, select

from jianguan.adapters.store.schema_consultation import cs_forms, cs_members, cs_panels
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.consultation import (
    ConsultationFile,
    MemberStatus,
    Panel,
    PanelMember,
    ReviewForm,
)
from jianguan.domain.supervision import Line

_P, _M, _F = cs_panels.c, cs_members.c, cs_forms.c
_CHUNK = 500


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _member(r: RowMapping) -> PanelMember:
    opinion = orjson.loads(r["opinion"]) if r["opinion"] is not None else None
    return PanelMember(
        r["person"], Line(r["line"]), r["department"], MemberStatus(r["status"]), opinion,
        _utc(r["opinion_at"]), r["note"],
    )  # fmt: skip


def _panel(r: RowMapping, members: list[PanelMember]) -> Panel:
    at = _utc(r["formed_at"])
    assert at is not None
    unfilled = tuple(Line(x) for x in orjson.loads(r["unfilled"]))
    return Panel(r["case_id"], at, r["formed_by"], r["seed"], r["criterion"], tuple(members),
                 unfilled)  # fmt: skip


def _form(r: RowMapping) -> ReviewForm:
    at = _utc(r["filled_at"])
    assert at is not None
    return ReviewForm(r["case_id"], r["form_id"], orjson.loads(r["answers"]), r["filled_by"], at)


def _batches(ids: Collection[str] | None) -> list[list[str] | None]:
    if ids is None:
        return [None]
    wanted = sorted(set(ids))
    return [wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)]


class ConsultationSql(OnSession):
    def _panels(self, ids: Collection[str] | None) -> dict[str, Panel]:
        out: dict[str, Panel] = {}
        for batch in _batches(ids):
            pq, mq = select(cs_panels), select(cs_members).order_by(_M.case_id, _M.seq)
            if batch is not None:
                pq, mq = pq.where(_P.case_id.in_(batch)), mq.where(_M.case_id.in_(batch))
            members: dict[str, list[PanelMember]] = {}
            for r in self._conn.execute(mq).mappings():
                members.setdefault(r["case_id"], []).append(_member(r))
            for r in self._conn.execute(pq).mappings():
                out[r["case_id"]] = _panel(r, members.get(r["case_id"], []))
        return out

    def _forms(self, ids: Collection[str] | None) -> dict[str, list[ReviewForm]]:
        out: dict[str, list[ReviewForm]] = {}
        for batch in _batches(ids):
            q = select(cs_forms).order_by(_F.case_id, _F.form_id)
            if batch is not None:
                q = q.where(_F.case_id.in_(batch))
            for r in self._conn.execute(q).mappings():
                out.setdefault(r["case_id"], []).append(_form(r))
        return out

    def panel(self, case_id: str) -> Panel | None:
        return self._panels([case_id]).get(case_id)

    def save_panel(self, panel: Panel) -> None:
        self._conn.execute(delete(cs_members).where(_M.case_id == panel.case_id))
        self._conn.execute(delete(cs_panels).where(_P.case_id == panel.case_id))
        self._conn.execute(
            insert(cs_panels).values(
                case_id=panel.case_id, formed_at=panel.formed_at, formed_by=panel.formed_by,
                seed=panel.seed, criterion=panel.criterion,
                unfilled=orjson.dumps([x.value for x in panel.unfilled]).decode(),
            )
        )  # fmt: skip
        rows: list[dict[str, Any]] = [
            {
                "case_id": panel.case_id,
                "seq": i,
                "person": m.person,
                "line": m.line.value,
                "department": m.department,
                "status": m.status.value,
                "opinion": orjson.dumps(dict(m.opinion)).decode()
                if m.opinion is not None
                else None,
                "opinion_at": m.opinion_at,
                "note": m.note,
            }
            for i, m in enumerate(panel.members)
        ]
        if rows:
            self._conn.execute(insert(cs_members), rows)

    def save_form(self, form: ReviewForm) -> None:
        where = (_F.case_id == form.case_id) & (_F.form_id == form.form_id)
        self._conn.execute(delete(cs_forms).where(where))
        self._conn.execute(
            insert(cs_forms).values(
                case_id=form.case_id, form_id=form.form_id,
                answers=orjson.dumps(dict(form.values)).decode(), filled_by=form.filled_by,
                filled_at=form.filled_at,
            )
        )  # fmt: skip

    def files(self, case_ids: Collection[str] | None = None) -> Mapping[str, ConsultationFile]:
        panels, forms = self._panels(case_ids), self._forms(case_ids)
        return {
            cid: ConsultationFile(panels.get(cid), tuple(forms.get(cid, ())))
            for cid in sorted({*panels, *forms})
        }

    def file(self, case_id: str) -> ConsultationFile | None:
        return self.files([case_id]).get(case_id)

    def queue(self, person: str) -> list[Panel]:
        q = select(_M.case_id).where(
            (_M.person == person) & (_M.status == MemberStatus.ACTIVE.value) & _M.opinion.is_(None)
        )
        ids = [r[0] for r in self._conn.execute(q)]
        panels = self._panels(ids) if ids else {}
        return sorted(panels.values(), key=lambda p: (p.formed_at, p.case_id))
