"""Domain objects ⇄ table rows (tuples in the column order of schema.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table

from jianguan.adapters.store import schema
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Disability,
    Document,
    Event,
    EventType,
    NonProsecutionGround,
    Outcome,
    OutcomeType,
    SentenceBand,
    Suspect,
    Victim,
)

Row = tuple[Any, ...]


def columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


def case_rows(case: Case, content_hash: str) -> dict[str, list[Row]]:
    """All rows of one case, keyed by table name.

    Enum members go to the drivers as they are: they are `str`, and both sqlite3 and psycopg
    bind them as text (saves a `.value` lookup per field on the bulk path).
    """
    d, o, cid = case.decision, case.outcome, case.case_id
    head: Row = (
        cid, case.unified_no, case.unit, case.department, case.category, case.source,
        case.received_on, case.handler, case.assigned_on, case.assignment, case.major_complex,
        *((d.type, d.on, d.by, d.approved_by, d.ground) if d else _NO_DECISION),
        *((o.type, o.on, o.sentence_months, o.recommendation_months, o.recommendation_accepted,
           o.appealed, o.charge_changed) if o else _NO_OUTCOME),
        case.closed_on, case.archived_on, content_hash,
    )  # fmt: skip
    return {
        "cases": [head],
        "case_charges": [(cid, i, c) for i, c in enumerate(case.charges)],
        "suspects": [(cid, i, *s) for i, s in enumerate(case.suspects)],
        "victims": [(cid, i, *v) for i, v in enumerate(case.victims)],
        "events": [
            (cid, i, *e) if e.at is None else (cid, i, *e[:5], e.at.isoformat())
            for i, e in enumerate(case.events)
        ],
        "documents": [(cid, i, *doc) for i, doc in enumerate(case.documents)],
    }


_NO_DECISION: Row = (None,) * 5
_NO_OUTCOME: Row = (None,) * 7


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _datetime(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _group(rows: Iterable[Sequence[Any]]) -> dict[str, list[Sequence[Any]]]:
    out: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r[0], r[1])):
        out[r[0]].append(r)
    return out


def assemble_cases(
    heads: Iterable[Sequence[Any]], children: Mapping[str, Iterable[Sequence[Any]]]
) -> dict[str, Case]:
    """Rebuild cases from their head rows and child rows (rows as in `case_rows`)."""
    kids = {name: _group(rows) for name, rows in children.items()}
    return {h[0]: _assemble(h, {n: g.get(h[0], []) for n, g in kids.items()}) for h in heads}


def _assemble(h: Sequence[Any], kids: dict[str, list[Sequence[Any]]]) -> Case:
    decision = None
    if h[11] is not None:
        decision = Decision(
            DecisionType(h[11]),
            _date(h[12]) or dt.date.min,
            h[13],
            h[14],
            NonProsecutionGround(h[15]) if h[15] else None,
        )
    outcome = None
    if h[16] is not None:
        outcome = Outcome(
            OutcomeType(h[16]),
            _date(h[17]) or dt.date.min,
            h[18],
            h[19],
            _bool(h[20]),
            bool(h[21]),
            bool(h[22]),
        )
    return Case(
        case_id=h[0],
        unified_no=h[1],
        unit=h[2],
        department=h[3],
        category=CaseCategory(h[4]),
        source=CaseSource(h[5]),
        received_on=_date(h[6]) or dt.date.min,
        handler=h[7],
        assigned_on=_date(h[8]) or dt.date.min,
        assignment=AssignmentMode(h[9]),
        major_complex=bool(h[10]),
        charges=tuple(r[2] for r in kids["case_charges"]),
        suspects=tuple(
            Suspect(
                r[2],
                r[3],
                _date(r[4]) or dt.date.min,
                bool(r[5]),
                bool(r[6]),
                Disability(r[7]) if r[7] else None,
                bool(r[8]),
                bool(r[9]),
                bool(r[10]),
                r[11],
                SentenceBand(r[12]) if r[12] else None,
            )
            for r in kids["suspects"]
        ),
        victims=tuple(Victim(r[2], r[3]) for r in kids["victims"]),
        events=tuple(
            Event(EventType(r[2]), _date(r[3]) or dt.date.min, r[4], r[5], r[6], _datetime(r[7]))
            for r in kids["events"]
        ),
        decision=decision,
        outcome=outcome,
        documents=tuple(
            Document(r[2], r[3], _date(r[4]) or dt.date.min, r[5]) for r in kids["documents"]
        ),
        closed_on=_date(h[23]),
        archived_on=_date(h[24]),
    )


CHILD_TABLES: tuple[Table, ...] = schema.CASE_CHILD_TABLES
ALL_CASE_TABLES: tuple[Table, ...] = (schema.cases, *CHILD_TABLES)
