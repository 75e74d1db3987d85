"""A first, faster try at a cases.jsonl line (issue 17): msgspec decodes it, pydantic explains.

`schema.py` stays the format's one definition and the source of every error message; the types
below mirror it for msgspec (a test compares the two, key by key). `canonical_record` returns
the record only when it can prove that pydantic would have returned the very same one, and
``None`` otherwise — on any msgspec error, and on every line that is not written exactly as
orjson writes the record back — and the caller then takes the pydantic path as before. So a
line's result (its case, or its errors in their order) never depends on which path read it.

Why the re-encoding check is needed and why it is enough
--------------------------------------------------------
msgspec's TypedDict decoding *ignores* keys the type does not declare, takes the last of a key
given twice, and its parsers are not pydantic's (datetime forms, rounding of fractions beyond
microseconds, leap seconds, escapes, …). Let ``R`` be the line without the JSON whitespace
around it, and ``rec`` what msgspec made of it. We take ``rec`` only when ``orjson.dumps(rec)
== R``, byte for byte. Then:

- *no unknown key*: the objects of the JSON text ``orjson.dumps(rec)`` carry exactly the keys
  of the dicts of ``rec``, which are declared keys (msgspec puts no other in); JSON's grammar is
  unambiguous, so ``R``, the same bytes, has the same objects with the same keys;
- *no key twice*: a dict holds a key once, so its encoding names it once, and so does ``R``;
- *every value is in its canonical form*: ``R`` is orjson's own output — valid UTF-8 (orjson
  refuses to write a lone surrogate, so there is none), no whitespace, integers as plain
  decimals within 64 bits, strings with orjson's escapes only, dates ``YYYY-MM-DD``, datetimes
  ``YYYY-MM-DDTHH:MM:SS[.ffffff]±HH:MM``, enum values as their codes. A value msgspec read
  loosely (a datetime form pydantic refuses, a seventh fractional digit it rounded, a float for
  an integer, …) re-encodes differently, so ``R`` differs and pydantic reads the line;
- on such a canonical text pydantic's strict schema accepts every value msgspec accepted and
  decodes it to an equal value (the same enum member, date, integer, string; a datetime with
  the same instant and offset), with the same keys absent — the differential tests
  (tests/unit/test_fastdecode.py) check this on the bad-input corpus, generated provinces,
  generated records and hand-written lines for each looseness above.

`limits.duplicate_keys` would find nothing on such a line either: its own fast path is the
same comparison. What is left to the caller is every other check (`records._semantic_problems`),
run on a record equal to pydantic's — equal, not identical: msgspec's dicts keep the line's key
order, pydantic's the schema's, and the order of a record's errors follows it, so a line these
checks refuse is read again by pydantic for its errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, NotRequired

import msgspec
import orjson
from typing_extensions import TypedDict

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

# pydantic's AwareDatetime: a datetime with its UTC offset.
AwareDatetime = Annotated[dt.datetime, msgspec.Meta(tz=True)]


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
    likely_sentence: NotRequired[SentenceBand | None]


class VictimIn(TypedDict):
    id: str
    name: str


class EventIn(TypedDict):
    type: EventType
    on: dt.date
    by: NotRequired[str | None]
    party: NotRequired[str | None]
    note: NotRequired[str | None]
    at: NotRequired[AwareDatetime | None]


class DecisionIn(TypedDict):
    type: DecisionType
    on: dt.date
    by: str
    approved_by: NotRequired[str | None]
    ground: NotRequired[NonProsecutionGround | None]


class OutcomeIn(TypedDict):
    type: OutcomeType
    on: dt.date
    sentence_months: NotRequired[int | None]
    recommendation_months: NotRequired[int | None]
    recommendation_accepted: NotRequired[bool | None]
    appealed: bool
    charge_changed: bool


class DocumentIn(TypedDict):
    type: str
    no: NotRequired[str | None]
    issued_on: dt.date
    text: NotRequired[str | None]


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


_DECODER = msgspec.json.Decoder(CaseIn)  # strict (the default): no coercion of any kind
_JSON_WHITESPACE = b" \t\r\n"


def canonical_record(raw: bytes | str) -> dict[str, Any] | None:
    """The record of ``raw`` exactly as `schema.decode_case_json` would return it, when ``raw``
    is the canonical JSON of a record without unknown keys (see the module's docstring);
    ``None`` when the pydantic path must read it."""
    try:
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        if _plainly_not_canonical(data):
            return None
        rec: dict[str, Any] = _DECODER.decode(data)  # type: ignore[assignment]
        if orjson.dumps(rec) != data.strip(_JSON_WHITESPACE):
            return None
    except (msgspec.MsgspecError, orjson.JSONEncodeError, UnicodeEncodeError):
        return None
    return rec


def _plainly_not_canonical(data: bytes) -> bool:
    """A line that cannot be orjson's output, seen from its first bytes: it does not open an
    object with a key, or it puts a space after the first key's colon (Python's `json.dumps`
    layout). Only a shortcut: a line it lets through is still compared byte for byte, and one
    it stops is read by pydantic, as every line was before."""
    return data[:2] != b'{"' or data.find(b'": ', 0, 64) >= 0
