"""SQL for case quality review (implements services.ports.ReviewRepository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, or_, select

from jianguan.adapters.store import schema
from jianguan.adapters.store.schema_casework import recusals
from jianguan.adapters.store.schema_review import (
    review_events,
    review_forms,
    review_outcomes,
    review_plan_cases,
    review_plans,
)
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.model import Case
from jianguan.domain.review import FormStatus, Mark, PlanEntry, ReviewMode, ReviewReason
from jianguan.services.ports.review import Form, FormHead, PlanHead, ReviewOutcome, StoredPlan


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; the store writes UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _entry(row: Any) -> PlanEntry:
    d = orjson.loads(row.detail)
    return PlanEntry(
        row.case_id,
        ReviewReason(row.reason),
        tuple(ReviewReason(r) for r in d["reasons"]),
        tuple(d["triggers"]),
        tuple(d["specials"]),
        row.handler,
        row.unit,
    )


def _form(row: Any) -> Form:
    return Form(
        row.year,
        row.case_id,
        ReviewMode(row.mode),
        row.reviewer,
        FormStatus(row.status),
        tuple(orjson.loads(row.findings)),
        tuple(Mark(m["item"], m["note"], m["source"]) for m in orjson.loads(row.marks)),
        _utc(row.updated_at),
        row.score,
        row.suggested,
        row.grade,
        row.objection,
        row.final_grade,
        row.final_by,
    )


def _form_values(f: Form) -> dict[str, Any]:
    return {
        "year": f.year,
        "case_id": f.case_id,
        "mode": f.mode.value,
        "reviewer": f.reviewer,
        "status": f.status.value,
        "findings": _json(list(f.findings)),
        "marks": _json([m.as_json() for m in f.marks]),
        "score": f.score,
        "suggested": f.suggested,
        "grade": f.grade,
        "objection": f.objection,
        "final_grade": f.final_grade,
        "final_by": f.final_by,
        "updated_at": f.updated_at,
    }


class ReviewSql(OnSession):
    """Review plans, forms, steps and outcomes (implements services.ports.ReviewRepository)."""

    def declared_recusals(self, case_ids: Sequence[str]) -> dict[str, frozenset[str]]:
        r = recusals.c
        out: dict[str, set[str]] = {}
        for start in range(0, len(case_ids), 900):  # SQLite's bound-parameter limit
            batch = list(case_ids[start : start + 900])
            for case_id, person in self._conn.execute(
                select(r.case_id, r.person).where(r.case_id.in_(batch))
            ):
                out.setdefault(case_id, set()).add(person)
        return {k: frozenset(v) for k, v in out.items()}

    def arrested_matters(self) -> frozenset[str]:
        c = schema.cases.c
        rows = self._conn.scalars(
            select(c.unified_no).where(c.decision_type == "approve_arrest").distinct()
        )
        return frozenset(rows)

    def cases_for_year(
        self,
        year: int,
        document_types: Collection[str],
        event_notes: Collection[str],
        closed_ranges: Sequence[tuple[dt.date | None, dt.date | None]],
    ) -> Iterator[Case]:
        """The cases a plan for ``year`` may select, by case_id: closed, decided or judged in the
        year, closed in one of ``closed_ranges``, or with a trigger document or event note in it.
        A superset of what the triggers fire on; the rules then decide on the whole case."""
        lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
        c, d, e = schema.cases.c, schema.documents.c, schema.events.c
        conds = [c.closed_on.between(lo, hi), c.decision_on.between(lo, hi)]
        conds.append(c.outcome_on.between(lo, hi))
        conds += [c.closed_on.between(a or dt.date.min, b or dt.date.max) for a, b in closed_ranges]
        wanted = set(self._conn.scalars(select(c.case_id).where(or_(*conds))))
        if document_types:
            docs = d.type.in_(sorted(document_types)) & d.issued_on.between(lo, hi)
            wanted.update(self._conn.scalars(select(d.case_id).where(docs)))
        if event_notes:
            notes = e.note.in_(sorted(event_notes)) & e.on_date.between(lo, hi)
            wanted.update(self._conn.scalars(select(e.case_id).where(notes)))
        ids = sorted(wanted)
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            loaded = self._s.load_cases(batch)
            yield from (loaded[i] for i in batch)

    # -- plans ----------------------------------------------------------------------------------

    def plan(self, year: int) -> StoredPlan | None:
        row = self._conn.execute(select(review_plans).where(review_plans.c.year == year)).first()
        if row is None:
            return None
        pc = review_plan_cases.c
        rows = self._conn.execute(
            select(review_plan_cases).where(pc.year == year).order_by(pc.case_id)
        ).all()
        return StoredPlan(
            year,
            row.seed,
            orjson.loads(row.params),
            orjson.loads(row.candidates),
            row.by_person,
            _utc(row.at),
            tuple(_entry(r) for r in rows),
        )

    def plan_head(self, year: int) -> PlanHead | None:
        row = self._conn.execute(
            select(review_plans.c.seed, review_plans.c.by_person, review_plans.c.at).where(
                review_plans.c.year == year
            )
        ).first()
        if row is None:
            return None
        pc, f = review_plan_cases.c, review_forms.c
        reasons = self._conn.execute(
            select(pc.reason, func.count()).where(pc.year == year).group_by(pc.reason)
        ).all()
        forms = self._conn.scalar(select(func.count()).where(f.year == year)) or 0
        by_reason = {ReviewReason(r): int(n) for r, n in reasons}
        return PlanHead(year, row.seed, row.by_person, _utc(row.at), by_reason, int(forms))

    def save_plan(self, plan: StoredPlan) -> None:
        self._conn.execute(
            insert(review_plans).values(
                year=plan.year,
                seed=plan.seed,
                params=_json(plan.params),
                candidates=_json(plan.candidates),
                by_person=plan.by,
                at=plan.at,
            )
        )
        rows = [
            {
                "year": plan.year,
                "case_id": e.case_id,
                "reason": e.reason.value,
                "trigger": e.trigger,
                "detail": _json(
                    {
                        "reasons": [r.value for r in e.reasons],
                        "triggers": list(e.triggers),
                        "specials": list(e.specials),
                    }
                ),
                "handler": e.handler,
                "unit": e.unit,
            }
            for e in plan.entries
        ]
        if rows:
            self._conn.execute(insert(review_plan_cases), rows)

    def delete_plan(self, year: int) -> None:
        self._conn.execute(delete(review_plan_cases).where(review_plan_cases.c.year == year))
        self._conn.execute(delete(review_plans).where(review_plans.c.year == year))

    def plan_years(self, case_id: str) -> list[int]:
        pc = review_plan_cases.c
        return list(self._conn.scalars(select(pc.year).where(pc.case_id == case_id)))

    # -- forms ----------------------------------------------------------------------------------

    def forms(self, year: int, case_ids: Collection[str] | None = None) -> list[Form]:
        f = review_forms.c
        if case_ids is None:
            rows = self._conn.execute(
                select(review_forms).where(f.year == year).order_by(f.case_id)
            ).all()
            return [_form(r) for r in rows]
        ids, out = sorted(set(case_ids)), list[Any]()
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            out += self._conn.execute(
                select(review_forms).where(f.year == year, f.case_id.in_(chunk))
            ).all()
        return [_form(r) for r in sorted(out, key=lambda r: str(r.case_id))]

    def form_heads(self, year: int) -> list[FormHead]:
        f, c = review_forms.c, schema.cases.c
        rows = self._conn.execute(
            select(f.case_id, f.reviewer, f.status, c.unit, c.handler)
            .select_from(review_forms.outerjoin(schema.cases, c.case_id == f.case_id))
            .where(f.year == year)
            .order_by(f.case_id)
        ).all()
        return [FormHead(r.case_id, r.reviewer, FormStatus(r.status), r.unit, r.handler)
                for r in rows]  # fmt: skip

    def form(self, year: int, case_id: str) -> Form | None:
        f = review_forms.c
        row = self._conn.execute(
            select(review_forms).where(f.year == year, f.case_id == case_id)
        ).first()
        return _form(row) if row is not None else None

    def save_form(self, form: Form) -> None:
        f = review_forms.c
        self._conn.execute(
            delete(review_forms).where(f.year == form.year, f.case_id == form.case_id)
        )
        self._conn.execute(insert(review_forms).values(**_form_values(form)))

    def add_event(
        self, year: int, case_id: str, step: str, by: str, at: dt.datetime, detail: Any
    ) -> None:
        self._conn.execute(
            insert(review_events).values(
                year=year, case_id=case_id, step=step, by_person=by, at=at, detail=_json(detail)
            )
        )

    def events(self, year: int, case_id: str) -> list[dict[str, Any]]:
        e = review_events.c
        rows = self._conn.execute(
            select(review_events).where(e.year == year, e.case_id == case_id).order_by(e.seq)
        ).all()
        return [
            {
                "step": r.step,
                "by": r.by_person,
                "at": _utc(r.at).isoformat(),
                "detail": orjson.loads(r.detail),
            }
            for r in rows
        ]

    # -- outcomes -------------------------------------------------------------------------------

    def add_outcome(self, outcome: ReviewOutcome) -> None:
        self._conn.execute(
            insert(review_outcomes).values(
                year=outcome.year,
                case_id=outcome.case_id,
                kind=outcome.kind,
                person=outcome.person,
                unit=outcome.unit,
                grade=outcome.grade,
                due_on=outcome.due_on,
                status=outcome.status,
                evidence=_json(outcome.evidence),
                at=outcome.at,
            )
        )

    def outcomes(self, year: int | None, kind: str | None) -> list[ReviewOutcome]:
        o = review_outcomes.c
        query = select(review_outcomes).order_by(o.seq)
        if year is not None:
            query = query.where(o.year == year)
        if kind is not None:
            query = query.where(o.kind == kind)
        return [
            ReviewOutcome(
                r.year,
                r.case_id,
                r.kind,
                r.person,
                r.unit,
                r.grade,
                r.due_on,
                r.status,
                orjson.loads(r.evidence),
                _utc(r.at),
            )
            for r in self._conn.execute(query).all()
        ]
