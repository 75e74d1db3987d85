"""Domain objects ⇄ table rows (tuples in the column order of schema.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

import orjson
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
from jianguan.domain.provenance import (
    CardField,
    FieldChange,
    Origin,
    PlatformWork,
    platform_flags,
)

Row = tuple[Any, ...]


def columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


def case_rows(
    case: Case, content_hash: str, work: PlatformWork | None = None
) -> dict[str, list[Row]]:
    """All rows of one case, keyed by table name; ``work``: the platform's share of it (its
    events are stored with origin ``platform``, its card fields in ``case_platform_fields``).

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
        case.extra, d.extra if d else None, o.extra if o else None,
    )  # fmt: skip
    return {
        "cases": [head],
        "case_charges": [(cid, i, c) for i, c in enumerate(case.charges)],
        "suspects": [(cid, i, *s) for i, s in enumerate(case.suspects)],
        "victims": [(cid, i, *v) for i, v in enumerate(case.victims)],
        "events": _event_rows(case, work),
        "documents": [(cid, i, *doc) for i, doc in enumerate(case.documents)],
        "case_platform_fields": [] if work is None else field_rows(cid, work),
    }


def prepared_rows(case: Case, content_hash: str) -> dict[str, list[Row]]:
    """`case_rows` of a new case as plain values (enums as their codes, dates as ISO text), to
    be sent from a worker process: plain values cost a fifth of enum members and dates to pickle
    and unpickle (measured), and both drivers bind ISO text for a date column as the date."""
    return {
        name: [tuple(_plain(v) for v in row) for row in rows]
        for name, rows in case_rows(case, content_hash).items()
    }


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _event_rows(case: Case, work: PlatformWork | None) -> list[Row]:
    cid = case.case_id
    if not work or not work.events:
        return [
            (cid, i, *e[:5], None if e.at is None else e.at.isoformat(), _EXPORT, e.extra)
            for i, e in enumerate(case.events)
        ]
    flags = platform_flags(case.events, work.events)
    return [
        (cid, i, *e[:5], None if e.at is None else e.at.isoformat(),
         Origin.PLATFORM if mine else _EXPORT, e.extra)
        for i, (e, mine) in enumerate(zip(case.events, flags, strict=True))
    ]  # fmt: skip


_EXPORT = Origin.EXPORT


# -- the platform's card fields: values as JSON --------------------------------------------------


def field_rows(case_id: str, work: PlatformWork) -> list[Row]:
    return [
        (case_id, card.value, encode_value(card, ch.export), encode_value(card, ch.platform))
        for card, ch in work.fields.items()
    ]


def encode_value(card: CardField, value: Any) -> str:
    if card is CardField.DECISION:
        d = value
        out: Any = None if d is None else [d.type, d.on.isoformat(), d.by, d.approved_by, d.ground]
        if d is not None and d.extra is not None:
            out.append(d.extra)
    elif card is CardField.DOCUMENTS:
        out = [
            [
                d.type,
                d.no,
                d.issued_on.isoformat(),
                d.text,
                *(() if d.extra is None else (d.extra,)),
            ]
            for d in value
        ]
    elif isinstance(value, dt.date):
        out = value.isoformat()
    else:
        out = value
    return orjson.dumps(out).decode()


def decode_value(card: CardField, text: str) -> Any:
    raw = orjson.loads(text)
    if raw is None:
        return None
    if card is CardField.DECISION:
        kind, on, by, approved_by, ground, *extra = raw  # extra: format 1.2, when there is one
        return Decision(
            DecisionType(kind),
            dt.date.fromisoformat(on),
            by,
            approved_by,
            NonProsecutionGround(ground) if ground else None,
            extra[0] if extra else None,
        )
    if card is CardField.DOCUMENTS:
        return tuple(
            Document(t, no, dt.date.fromisoformat(on), tx, x[0] if x else None)
            for t, no, on, tx, *x in raw
        )
    if card is CardField.ASSIGNMENT:
        return AssignmentMode(raw)
    if card in (CardField.ASSIGNED_ON, CardField.CLOSED_ON, CardField.ARCHIVED_ON):
        return dt.date.fromisoformat(raw)
    return raw


def assemble_work(
    events: Iterable[Sequence[Any]], card_fields: Iterable[Sequence[Any]]
) -> dict[str, PlatformWork]:
    """The platform's share per case, from its event rows (origin platform, in seq order) and
    its ``case_platform_fields`` rows."""
    evs: dict[str, list[Event]] = defaultdict(list)
    for r in sorted(events, key=lambda r: (r[0], r[1])):
        evs[r[0]].append(_event(r))
    changes: dict[str, dict[CardField, FieldChange]] = defaultdict(dict)
    for r in card_fields:
        card = CardField(r[1])
        changes[r[0]][card] = FieldChange(decode_value(card, r[2]), decode_value(card, r[3]))
    return {
        cid: PlatformWork(tuple(evs.get(cid, ())), changes.get(cid, {})) for cid in {*evs, *changes}
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
            h[27],
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
            h[28],
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
                r[13],
            )
            for r in kids["suspects"]
        ),
        victims=tuple(Victim(r[2], r[3], r[4]) for r in kids["victims"]),
        events=tuple(_event(r) for r in kids["events"]),
        decision=decision,
        outcome=outcome,
        documents=tuple(
            Document(r[2], r[3], _date(r[4]) or dt.date.min, r[5], r[6]) for r in kids["documents"]
        ),
        closed_on=_date(h[23]),
        archived_on=_date(h[24]),
        extra=h[26],
    )


def _event(r: Sequence[Any]) -> Event:
    """An event from its row (columns of schema.events: … at, origin, extra)."""
    return Event(
        EventType(r[2]), _date(r[3]) or dt.date.min, r[4], r[5], r[6], _datetime(r[7]), r[9]
    )


CHILD_TABLES: tuple[Table, ...] = schema.CASE_CHILD_TABLES
ALL_CASE_TABLES: tuple[Table, ...] = (schema.cases, *CHILD_TABLES, schema.case_platform_fields)
