"""What a record must be to be stored at all, on SQLite and PostgreSQL alike, and to be possible.

The pydantic schema says what a value's type is; these checks say what the store can hold (no
NUL character in text, an id no longer than its column, an integer within 32 bits), what an
importer must not be asked to read (lines and fields of absurd size, archives that expand beyond
reason), and which records cannot be true (a case received after today, a suspect born after the
case was received, a decision after closing, events in an order the law forbids, a handler from
another procuratorate). Each check names the field it refuses, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from jianguan.domain.model import DataSet, EventType, Person

Problem = tuple[str, str, str]  # (field, 中文原因, English reason)

# -- sizes an import reads at most -------------------------------------------------------------

MAX_LINE_BYTES = 4 * 1024 * 1024  # one cases.jsonl line (a case with long documents is ~100 KB)
MAX_TEXT_CHARS = 1_000_000  # one string value (a document's full text included)
MAX_TABLE_BYTES = 64 * 1024 * 1024  # units.csv / people.csv, read whole
MAX_MEMBER_BYTES = 8 * 1024 * 1024 * 1024  # one archive member, uncompressed (declared)
MAX_RATIO = 200  # uncompressed / compressed; text compresses 5-30 times, a zip bomb ~1000
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like


def too_expansive(file_size: int, compress_size: int, max_bytes: int, max_ratio: float) -> bool:
    """An archive member whose declared expansion is absurd (a zip bomb), judged from the
    archive's directory before anything is read."""
    ratio = file_size / max(compress_size, 1)
    return file_size > max_bytes or (file_size > RATIO_FLOOR and ratio > max_ratio)


MAX_XLSX_MEMBER_BYTES = 512 * 1024 * 1024  # one part of an .xlsx workbook, uncompressed

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL `integer`
OLDEST_SUSPECT_YEARS = 120

# -- widths of the store's columns (adapters/store/schema.py; tests check they agree) ----------

CASE_WIDTHS: dict[str, int] = {
    "case_id": 64,
    "unified_no": 64,
    "unit": 16,
    "handler": 32,
    "decision.by": 32,
    "decision.approved_by": 32,
    "suspects[].id": 32,
    "victims[].id": 32,
    "events[].by": 32,
    "events[].party": 32,
    "documents[].type": 48,
}
UNIT_WIDTHS: dict[str, int] = {"code": 16, "parent": 16}
PEOPLE_WIDTHS: dict[str, int] = {"id": 32, "unit": 16}
# Ids that must not be blank (an empty id names nothing; whitespace around one hides a typo).
CASE_IDS = (
    "case_id",
    "unified_no",
    "unit",
    "handler",
    "decision.by",
    "decision.approved_by",
    "suspects[].id",
    "victims[].id",
    "events[].by",
    "events[].party",
)

_INDEX = re.compile(r"\[\d+\]")


def text_problem(path: str, value: str, width: int | None = None) -> Problem | None:
    """What makes ``value`` impossible to store as text (NUL, size, the column's width)."""
    if "\x00" in value:
        return (path, "含有 NUL 字符（\\u0000），无法存储", "contains a NUL character (\\u0000)")
    if len(value) > MAX_TEXT_CHARS:
        return (
            path,
            f"字段过长：{len(value)} 个字符，上限 {MAX_TEXT_CHARS}",
            f"field too long: {len(value)} characters, at most {MAX_TEXT_CHARS}",
        )
    if width is not None and len(value) > width:
        return (
            path,
            f"长度 {len(value)} 超过上限 {width} 个字符",
            f"{len(value)} characters, longer than the column's {width}",
        )
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    else:
        yield path, value


# Unknown keys are kept as JSON text (orjson writes it, and orjson's integers are 64-bit).
EXTRA_INT_MIN, EXTRA_INT_MAX = -(2**63), 2**63 - 1


def extra_problems(unknown: Mapping[tuple[str | int, ...], Mapping[str, Any]]) -> list[Problem]:
    """What makes a record's unknown keys impossible to keep beside it (format 1.2)."""
    out: list[Problem] = []
    for where, keys in unknown.items():
        prefix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".")
        for path, value in _walk(keys, prefix):
            if isinstance(value, str):
                problem = text_problem(path, value)
                if problem is not None:
                    out.append(problem)
            elif isinstance(value, float) and not math.isfinite(value):  # json takes NaN
                out.append((path, "数值无效（NaN 或无穷大）", "not a number (NaN or infinity)"))
            elif isinstance(value, int) and not EXTRA_INT_MIN <= value <= EXTRA_INT_MAX:
                out.append(
                    (
                        path,
                        f"整数 {_short(value)} 超出可保存范围（64 位）",
                        f"integer {_short(value)} out of range (64 bits)",
                    )
                )
    return out


def _plainly_storable(rec: Mapping[str, Any], raw: bytes) -> bool:
    """A quick look that clears almost every record (the full walk costs three times the
    schema's own parse), each part of it sound: no NUL escape (the only way JSON can hold a
    NUL), no line long enough to hold an over-long string, the months (the schema's only
    integer fields, so the only integers the walk meets) neither negative nor beyond 32 bits,
    and the ids within their widths, neither blank nor padded."""
    if b"\\u0000" in raw or len(raw) > MAX_TEXT_CHARS:
        return False
    outcome = rec.get("outcome") or {}
    months = [outcome.get("sentence_months"), outcome.get("recommendation_months")]
    months += [p.get("likely_sentence_months") for p in rec.get("suspects") or ()]
    if any(isinstance(m, int) and not 0 <= m <= INT_MAX for m in months):
        return False
    decision = rec.get("decision") or {}
    ids = [
        (rec.get("case_id"), 64),
        (rec.get("unified_no"), 64),
        (rec.get("unit"), 16),
        (rec.get("handler"), 32),
        (decision.get("by"), 32),
        (decision.get("approved_by"), 32),
    ]
    ids += [(p.get("id"), 32) for p in rec.get("suspects") or ()]
    ids += [(p.get("id"), 32) for p in rec.get("victims") or ()]
    for value, width in ids:
        if value is not None and not _plain_id(value, width):
            return False
    for ev in rec.get("events") or ():  # the most numerous: looked at without building a list
        by, party = ev.get("by"), ev.get("party")
        if (by is not None and not _plain_id(by, 32)) or (
            party is not None and not _plain_id(party, 32)
        ):
            return False
    return all(len(d.get("type") or "") <= 48 for d in rec.get("documents") or ())


def _plain_id(value: Any, width: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= width and value == value.strip()


def storable_problems(rec: Mapping[str, Any], raw: bytes | str | None = None) -> list[Problem]:
    """Every value of a decoded case record the store could not hold as it is. ``raw``: the
    JSON line it was decoded from, which lets a quick look clear the record."""
    if raw is not None:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        if _plainly_storable(rec, data):
            return []
    out: list[Problem] = []
    for path, value in _walk(rec, ""):
        shape = _INDEX.sub("[]", path)
        if isinstance(value, str):
            problem = text_problem(path, value, CASE_WIDTHS.get(shape))
            if (
                problem is None
                and shape in CASE_IDS
                and (not value.strip() or value != value.strip())
            ):
                problem = (
                    (path, "编号为空", "id is empty")
                    if not value.strip()
                    else (path, "编号首尾有空白", "id has leading or trailing whitespace")
                )
            if problem is not None:
                out.append(problem)
        elif isinstance(value, int) and not isinstance(value, bool):
            if not INT_MIN <= value <= INT_MAX:
                out.append(
                    (
                        path,
                        f"整数 {_short(value)} 超出可存储范围（{INT_MIN}…{INT_MAX}）",
                        f"integer {_short(value)} out of range ({INT_MIN}..{INT_MAX})",
                    )
                )
            elif path.endswith("months") and value < 0:
                out.append((path, f"月数 {value} 不能为负", f"months cannot be negative: {value}"))
    return out


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:10]}…（{len(text)} 位）"


# -- what cannot be true -------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def impossible_dates(rec: Mapping[str, Any], today: dt.date | None) -> list[Problem]:
    """Dates no case can have: received after today, a suspect born after receipt (or today) or
    older than any living person, a decision after closing, events before receipt, and events
    in an order the law forbids."""
    out: list[Problem] = []
    received = _date(rec.get("received_on"))
    closed = _date(rec.get("closed_on"))
    if received is None:
        return out
    if today is not None and received > today:
        out.append(
            (
                "received_on",
                f"受理日期 {received} 晚于今天 {today}",
                f"received on {received}, after today {today}",
            )
        )
    for i, s in enumerate(rec.get("suspects") or ()):
        born = _date(s.get("birth_date"))
        if born is None:
            continue
        path = f"suspects[{i}].birth_date"
        if today is not None and born > today:
            out.append((path, f"出生日期 {born} 晚于今天 {today}", f"born {born}, after today"))
        elif born > received:
            out.append(
                (
                    path,
                    f"出生日期 {born} 晚于受理日期 {received}",
                    f"born {born}, after the case was received on {received}",
                )
            )
        elif received.year - born.year > OLDEST_SUSPECT_YEARS:
            out.append(
                (
                    path,
                    f"出生日期 {born} 距受理已逾 {OLDEST_SUSPECT_YEARS} 年",
                    f"born {born}, more than {OLDEST_SUSPECT_YEARS} years before receipt",
                )
            )
    decision = rec.get("decision") or {}
    decided = _date(decision.get("on"))
    if decided is not None and closed is not None and decided > closed:
        out.append(
            (
                "decision.on",
                f"决定日期 {decided} 晚于结案日期 {closed}",
                f"decided on {decided}, after closing on {closed}",
            )
        )
    out += _event_order(rec.get("events") or (), received)
    return out


# (event type, what must come before it): the order the law sets for a case's history.
_PRECEDED_BY: dict[str, tuple[str, str, str]] = {
    "retransferred": (
        "returned_for_investigation",
        "重新移送之前没有退回补充侦查（刑诉法 第175条）",
        "re-transferred without an earlier return for supplementary investigation (art. 175)",
    ),
    "consultation_answered": (
        "consultation_opinion",
        "答复会诊意见之前没有会诊意见",
        "a consultation answered before any consultation opinion",
    ),
    "archived": ("closed", "归档之前没有办结", "archived before it was closed"),
}


def _event_order(events: Any, received: dt.date) -> list[Problem]:
    out: list[Problem] = []
    first_on: dict[Any, dt.date] = {}  # (one pass; this runs on every line of an import)
    for ev in events:
        on, kind = ev.get("on"), ev.get("type")
        if isinstance(on, dt.date) and (kind not in first_on or on < first_on[kind]):
            first_on[kind] = on
    for i, ev in enumerate(events):
        on, kind = ev.get("on"), ev.get("type")
        if not isinstance(on, dt.date):
            continue
        at = ev.get("at")
        if isinstance(at, dt.datetime) and at.date() != on:  # the moment on its own clock
            out.append(
                (
                    f"events[{i}].at",
                    f"时刻 {at.isoformat()} 不在事件日期 {on} 当天",
                    f"moment {at.isoformat()} is not on the event's day {on}",
                )
            )
        if on < received:
            out.append(
                (
                    f"events[{i}].on",
                    f"事件“{_event_zh(kind)}”（{kind}）的日期 {on} 早于受理日期 {received}",
                    f"event {kind} on {on}, before the case was received on {received}",
                )
            )
        rule = _PRECEDED_BY.get(str(kind)) if kind in _PRECEDED_BY else None
        if rule is not None:
            before = first_on.get(rule[0])
            if before is None or before > on:
                out.append((f"events[{i}].type", rule[1], rule[2]))
    return out


def _event_zh(kind: Any) -> str:
    """The event type's Chinese name (the schema has already checked it is one)."""
    try:
        return EventType(kind).zh
    except ValueError:
        return str(kind)


_PEOPLE: list[tuple[DataSet, dict[str, Person]]] = []  # the last organisation's index


def _people_of(org: DataSet) -> dict[str, Person]:
    """People by id, indexed once per organisation (a province has thousands of staff)."""
    last = _PEOPLE[-1] if _PEOPLE else None
    if last is not None and last[0] is org:
        return last[1]
    index = {p.id: p for p in org.people}
    _PEOPLE[:] = [(org, index)]
    return index


def handler_problems(rec: Mapping[str, Any], org: DataSet) -> list[Problem]:
    """The handler and the decision's author work in the unit that handles the case."""
    people = _people_of(org)
    unit = rec.get("unit")
    decision = rec.get("decision") or {}
    out: list[Problem] = []
    for path, pid in (("handler", rec.get("handler")), ("decision.by", decision.get("by"))):
        person = people.get(pid) if isinstance(pid, str) else None
        if person is not None and person.unit != unit:
            out.append(
                (
                    path,
                    f"人员 {pid}（{person.role.zh}）属于单位 {person.unit}，不是本案承办单位 {unit}",
                    f"staff {pid} ({person.role.en}) works in unit {person.unit}, "
                    f"not in the case's unit {unit}",
                )
            )
    return out


def duplicate_keys(raw: bytes | str, parsed: Any = None) -> list[Problem]:
    """Keys given twice in one JSON object (a parser keeps the last silently; we refuse).

    Fast path: a line exactly as orjson writes it (the platform's and the generator's exports)
    cannot repeat a key, since re-encoding what was parsed gives it back byte for byte.
    ``parsed``: the line as the schema already decoded it, which spares a second parse."""
    data = (raw.encode("utf-8") if isinstance(raw, str) else raw).strip()
    try:
        if parsed is not None and orjson.dumps(parsed) == data:
            return []
        if orjson.dumps(orjson.loads(data)) == data:
            return []
    except (orjson.JSONDecodeError, TypeError):
        pass
    repeated: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        json.loads(data, object_pairs_hook=pairs_hook)
    except (ValueError, RecursionError):
        return []  # the schema's parser accepted it; nothing more to learn here
    return [
        (key, f"JSON 对象中键 {key} 出现多次", f"key {key} appears more than once in an object")
        for key in dict.fromkeys(repeated)
    ]
