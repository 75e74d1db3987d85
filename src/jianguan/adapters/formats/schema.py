"""Format 1.1 (docs/format.md) as strict pydantic schemas for one cases.jsonl line.

Strict: a string is not an int, `"true"` is not a bool, an unknown key is refused (it would be
lost silently otherwise). Keys whose value may be null may also be left out; lists default to
empty. Decoded lines are plain dicts; `records.py` turns them into domain objects.

Every 1.1 addition is optional (an event's `at`, a suspect's `likely_sentence`, new event
types), so a 1.0 line is a valid 1.1 line with the same meaning.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NotRequired

import orjson
from pydantic import AwareDatetime, ConfigDict, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from jianguan.domain.model import (
    AssignmentMode,
    CaseCategory,
    CaseSource,
    DecisionType,
    Disability,
    EventType,
    NonProsecutionGround,
    OutcomeType,
    SentenceBand,
)

# The format version this code reads (every earlier 1.x too) and the one exports write.
FORMAT_VERSION = "1.2"
READS_VERSIONS = ("1.0", "1.1", "1.2")

_STRICT = ConfigDict(strict=True, extra="forbid")


@with_config(_STRICT)
class SuspectIn(TypedDict):
    id: str
    name: str
    birth_date: dt.date
    in_custody: bool
    minor: bool
    disability: NotRequired[Disability | None]
    has_counsel: bool
    plea_leniency: bool
    fast_track: bool
    likely_sentence_months: NotRequired[int | None]
    likely_sentence: NotRequired[SentenceBand | None]  # 1.1


@with_config(_STRICT)
class VictimIn(TypedDict):
    id: str
    name: str


@with_config(_STRICT)
class EventIn(TypedDict):
    type: EventType
    on: dt.date
    by: NotRequired[str | None]
    party: NotRequired[str | None]
    note: NotRequired[str | None]
    at: NotRequired[AwareDatetime | None]  # 1.1: ISO 8601 with its UTC offset


@with_config(_STRICT)
class DecisionIn(TypedDict):
    type: DecisionType
    on: dt.date
    by: str
    approved_by: NotRequired[str | None]
    ground: NotRequired[NonProsecutionGround | None]


@with_config(_STRICT)
class OutcomeIn(TypedDict):
    type: OutcomeType
    on: dt.date
    sentence_months: NotRequired[int | None]
    recommendation_months: NotRequired[int | None]
    recommendation_accepted: NotRequired[bool | None]
    appealed: bool
    charge_changed: bool


@with_config(_STRICT)
class DocumentIn(TypedDict):
    type: str
    no: NotRequired[str | None]
    issued_on: dt.date
    text: NotRequired[str | None]


@with_config(_STRICT)
class CaseIn(TypedDict):
    case_id: str
    unified_no: str
    unit: str
    department: str
    category: CaseCategory
    source: CaseSource
    received_on: dt.date
    handler: str
    assigned_on: dt.date
    assignment: AssignmentMode
    major_complex: bool
    charges: NotRequired[list[str]]
    suspects: NotRequired[list[SuspectIn]]
    victims: NotRequired[list[VictimIn]]
    events: NotRequired[list[EventIn]]
    decision: NotRequired[DecisionIn | None]
    outcome: NotRequired[OutcomeIn | None]
    documents: NotRequired[list[DocumentIn]]
    closed_on: NotRequired[dt.date | None]
    archived_on: NotRequired[dt.date | None]


CASE_ADAPTER: TypeAdapter[CaseIn] = TypeAdapter(CaseIn)

# Every field name of a case line in spec order; the export writes keys in this order.
CASE_FIELDS: tuple[str, ...] = tuple(CaseIn.__annotations__)


def decode_case_json(line: bytes | str) -> dict[str, Any]:
    """Parse and validate one JSON line; raises pydantic.ValidationError."""
    return dict(CASE_ADAPTER.validate_json(line))


Location = tuple[str | int, ...]  # where an object sits in the record: () is the case itself


def decode_keeping_unknown(
    line: bytes | str,
) -> tuple[dict[str, Any], dict[Location, dict[str, Any]]]:
    """Like `decode_case_json`, but keys the format does not define are taken out and returned
    beside the record, by the location of the object that carried them (format 1.2).

    The strict schema stays the one check: a line is validated as it is first (the fast path, in
    Rust); only when every error is an unknown key is it parsed, those keys lifted out, and the
    rest validated again (so a line over the size limits was already refused). Any other error is raised as with `decode_case_json`.
    """
    try:
        return decode_case_json(line), {}
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(e["type"] != "extra_forbidden" for e in errors):
            raise
    raw = json.loads(line)  # the stdlib: an unknown key may hold an integer beyond 64 bits
    unknown: dict[Location, dict[str, Any]] = {}
    for err in errors:
        *where, key = err["loc"]
        holder: Any = raw
        for step in where:
            holder = holder[step]
        unknown.setdefault(tuple(where), {})[str(key)] = holder.pop(key)
    # Validated as JSON again: strict mode takes ISO dates from JSON text, not from Python strings.
    return decode_case_json(orjson.dumps(raw)), unknown
