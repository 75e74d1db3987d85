"""Format 1.1 records (docs/format.md; a 1.0 record is one) ⇄ domain objects, with every check a record can fail named and located.

`decode_case_line` turns one cases.jsonl line into a `Case` or a list of `RecordError`s;
`case_to_record` is its inverse (the export). Units and people rows are handled here too.

A line is read by msgspec first (`fastdecode.py`) and by the pydantic schema whenever msgspec's
record could differ from pydantic's; the schema's path is the one that words every error, so a
line's case or errors are the same whichever path read it (issue 17).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import orjson
from pydantic import ValidationError

from jianguan.adapters.formats import limits
from jianguan.adapters.formats.fastdecode import canonical_record
from jianguan.adapters.formats.schema import Location, decode_case_json, decode_keeping_unknown
from jianguan.domain.errors import RecordError
from jianguan.domain.model import (
    Case,
    CaseCategory,
    DataSet,
    Decision,
    DecisionType,
    Document,
    Event,
    Outcome,
    Person,
    Role,
    Suspect,
    Unit,
    UnitLevel,
    Victim,
    decisions_allowed,
)

UNIT_COLUMNS = ("code", "name", "level", "parent")
PEOPLE_COLUMNS = ("id", "name", "unit", "department", "role", "in_quota", "senior")
_LEVEL_RANK = {
    UnitLevel.SUPREME: 0,
    UnitLevel.PROVINCIAL: 1,
    UnitLevel.MUNICIPAL: 2,
    UnitLevel.BASIC: 3,
}
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})

# pydantic error type → (中文, English) reason; `{expected}` and `{input}` are filled in.
_REASONS: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填字段", "required field missing"),
    "extra_forbidden": (
        "未知字段（格式中没有此字段；按 --strict 拒绝）",
        "unknown field (not in the format; refused under --strict)",
    ),
    "enum": ("取值 {input} 无效，应为 {expected}", "invalid value {input}, expected {expected}"),
    "literal_error": (
        "取值 {input} 无效，应为 {expected}",
        "invalid value {input}, expected {expected}",
    ),
    "string_type": ("应为字符串", "must be a string"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "int_type": ("应为整数", "must be an integer"),
    "int_from_float": ("应为整数", "must be an integer"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为对象", "must be an object"),
    "typed_dict_type": ("应为对象", "must be an object"),
    "date_type": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": (
        "日期 {input} 无效，应为 YYYY-MM-DD",
        "invalid date {input}, expected YYYY-MM-DD",
    ),
    "date_from_datetime_parsing": (
        "日期 {input} 无效，应为 YYYY-MM-DD",
        "invalid date {input}, expected YYYY-MM-DD",
    ),
    "datetime_type": (
        "应为带时区的时间 YYYY-MM-DDTHH:MM:SS+08:00",
        "must be a datetime with offset, e.g. 2025-09-05T10:30:00+08:00",
    ),
    "datetime_parsing": (
        "时间 {input} 无效，应为 ISO 8601 带时区，如 2025-09-05T10:30:00+08:00",
        "invalid datetime {input}, expected ISO 8601 with offset",
    ),
    "datetime_from_date_parsing": (
        "时间 {input} 无效，应为 ISO 8601 带时区，如 2025-09-05T10:30:00+08:00",
        "invalid datetime {input}, expected ISO 8601 with offset",
    ),
    "timezone_aware": (
        "时间 {input} 缺少时区（如 +08:00）",
        "datetime {input} has no UTC offset (e.g. +08:00)",
    ),
    "json_invalid": ("不是合法的 JSON：{error}", "malformed JSON: {error}"),
    "json_type": ("应为 JSON 对象", "must be a JSON object"),
}


_UNKNOWN_KEY_ZH = _REASONS["extra_forbidden"][0]


def field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "-"


def _reason(err: Mapping[str, Any]) -> tuple[str, str]:
    ctx = dict(err.get("ctx") or {})
    raw = err.get("input")
    ctx.setdefault("input", repr(raw)[:60] if not isinstance(raw, dict) else "{…}")
    ctx.setdefault("expected", "")
    ctx.setdefault("error", err.get("msg", ""))
    zh, en = _REASONS.get(err["type"], (err.get("msg", "无效"), err.get("msg", "invalid")))
    return zh.format(**ctx), en.format(**ctx)


def validation_errors(file: str, line: int, exc: ValidationError) -> list[RecordError]:
    return [
        RecordError(file, line, field_path(e["loc"]), *_reason(e))
        for e in exc.errors(include_url=False)
    ]


# ---------------------------------------------------------------- cases.jsonl


def decode_case_line(
    raw: bytes | str,
    file: str,
    line: int,
    org: DataSet,
    today: dt.date | None = None,
    *,
    strict: bool = False,
) -> Case | list[RecordError]:
    """One cases.jsonl line → a validated `Case`, or every error found in it.

    ``today``: the day of the import, when known; a case received after it is refused.
    Keys the format does not define are kept beside their objects (``extra``, format 1.2) and
    written back on export; with ``strict`` they are refused instead."""
    rec = canonical_record(raw)  # (fastdecode.py: when it can prove pydantic's result equal)
    if rec is None:
        return decode_case_line_pydantic(raw, file, line, org, today, strict=strict)
    # The record pydantic would return, without unknown or repeated keys: what is left of the
    # pydantic path is the semantic checks (duplicate_keys and extra_problems find nothing).
    # A refused line is read again by pydantic: its dicts keep the schema's key order, msgspec's
    # the line's, and the order of the errors follows it.
    if _semantic_problems(rec, org, today, raw):
        return decode_case_line_pydantic(raw, file, line, org, today, strict=strict)
    case = _to_case(rec)
    _remember_hash(case, record_content_hash(rec))
    return case


def decode_case_line_pydantic(
    raw: bytes | str,
    file: str,
    line: int,
    org: DataSet,
    today: dt.date | None = None,
    *,
    strict: bool = False,
) -> Case | list[RecordError]:
    """`decode_case_line` on the schema's own (pydantic) path: any line, every error."""
    unknown: dict[Location, dict[str, Any]] = {}
    try:
        rec = decode_case_json(raw) if strict else None
        if rec is None:
            rec, unknown = decode_keeping_unknown(raw)
    except ValidationError as exc:
        errors = validation_errors(file, line, exc)
        # Not strict: an unknown key would have been kept; the record fails for the others.
        kept = errors if strict else [e for e in errors if e.zh != _UNKNOWN_KEY_ZH]
        return kept or errors
    except (RecursionError, MemoryError, ValueError) as exc:  # a parser's own limits
        return [RecordError(file, line, "-", f"不是合法的 JSON：{exc}", f"malformed JSON: {exc}")]
    problems = limits.duplicate_keys(raw, rec if not unknown else None)
    problems += limits.extra_problems(unknown) + _semantic_problems(rec, org, today, raw)
    errors = [RecordError(file, line, f, zh, en) for f, zh, en in problems]
    return errors or _to_case(rec, {where: _extra_text(keys) for where, keys in unknown.items()})


def _extra_text(keys: Mapping[str, Any]) -> str:
    """Unknown keys as the canonical JSON text the domain carries (sorted keys)."""
    return orjson.dumps(keys, option=orjson.OPT_SORT_KEYS).decode()


Problem = tuple[str, str, str]  # (field, 中文原因, English reason)


def _semantic_problems(
    rec: Mapping[str, Any],
    org: DataSet,
    today: dt.date | None = None,
    raw: bytes | str | None = None,
) -> list[Problem]:
    storable = limits.storable_problems(rec, raw)
    if storable:  # values the store cannot hold; the other checks would only repeat them
        return storable
    return [
        *_staff_problems(rec, org),
        *limits.handler_problems(rec, org),
        *_party_problems(rec),
        *_date_problems(rec),
        *limits.impossible_dates(rec, today),
        *_decision_problems(rec),
    ]


def _staff_problems(rec: Mapping[str, Any], org: DataSet) -> list[Problem]:
    """The unit and every staff id the record names must be in units.csv / people.csv."""
    out: list[Problem] = []
    if rec["unit"] not in org.unit_codes:
        out.append(
            (
                "unit",
                f"单位 {rec['unit']} 不在 units.csv 中",
                f"unit {rec['unit']} not in units.csv",
            )
        )
    decision = rec.get("decision") or {}
    known = org.person_ids
    named = [
        ("handler", rec["handler"]),
        ("decision.by", decision.get("by")),
        ("decision.approved_by", decision.get("approved_by")),
    ]
    # An event's path is spelt only for an unknown id: most records name none (measured: the
    # paths of every event were a tenth of the record's checks).
    named += [
        (f"events[{i}].by", by)
        for i, ev in enumerate(rec.get("events", ()))
        if (by := ev.get("by")) is not None and by not in known
    ]
    for path, person in named:
        if person is not None and person not in known:
            out.append(
                (path, f"人员 {person} 不在 people.csv 中", f"staff id {person} not in people.csv")
            )
    return out


def _party_problems(rec: Mapping[str, Any]) -> list[Problem]:
    """Suspect and victim ids are unique within the case, and events name only them."""
    out: list[Problem] = []
    parties: set[str] = set()
    for group in ("suspects", "victims"):
        for i, party in enumerate(rec.get(group, ())):
            if party["id"] in parties:
                out.append(
                    (
                        f"{group}[{i}].id",
                        f"当事人编号 {party['id']} 重复",
                        f"duplicate party id {party['id']}",
                    )
                )
            parties.add(party["id"])
    for i, ev in enumerate(rec.get("events", ())):
        party = ev.get("party")
        if party is not None and party not in parties:
            out.append(
                (
                    f"events[{i}].party",
                    f"当事人 {party} 不在本案 suspects/victims 中",
                    f"party {party} is not a suspect or victim of this case",
                )
            )
    return out


def _date_problems(rec: Mapping[str, Any]) -> list[Problem]:
    received: dt.date = rec["received_on"]
    checks: list[tuple[str, dt.date | None, str, dt.date | None, str]] = [
        ("assigned_on", rec["assigned_on"], "received_on", received, "受理日期"),
        ("closed_on", rec.get("closed_on"), "received_on", received, "受理日期"),
        ("archived_on", rec.get("archived_on"), "closed_on", rec.get("closed_on"), "结案日期"),
    ]
    decision = rec.get("decision")
    if decision:
        checks.append(("decision.on", decision["on"], "received_on", received, "受理日期"))
    out = []
    for name, value, other_name, other, other_zh in checks:
        if value is not None and other is not None and value < other:
            out.append(
                (
                    name,
                    f"日期 {value} 早于{other_zh} {other}",
                    f"{value} is before {other_name} {other}",
                )
            )
    if rec.get("archived_on") is not None and rec.get("closed_on") is None:
        out.append(("archived_on", "未结案却有归档日期", "archived but closed_on is null"))
    return out


def _decision_problems(rec: Mapping[str, Any]) -> list[Problem]:
    decision = rec.get("decision")
    if not decision:
        return []
    out = []
    category = CaseCategory(rec["category"])
    kind = DecisionType(decision["type"])
    if kind not in decisions_allowed(category):
        allowed = "|".join(sorted(decisions_allowed(category)))
        out.append(
            (
                "decision.type",
                f"{category.zh}（{category.value}）案件不能作出“{kind.zh}”（{kind.value}）决定，"
                f"应为 {allowed}",
                f"{kind.value} is not a decision of a {category.value} case ({allowed})",
            )
        )
    has_ground = decision.get("ground") is not None
    if kind is DecisionType.NOT_PROSECUTE and not has_ground:
        out.append(
            (
                "decision.ground",
                "不起诉决定须注明不起诉类型（statutory|discretionary|insufficient_evidence）",
                "not_prosecute needs a ground",
            )
        )
    if kind is not DecisionType.NOT_PROSECUTE and has_ground:
        out.append(
            ("decision.ground", "只有不起诉决定才有不起诉类型", "only not_prosecute has a ground")
        )
    return out


def _to_case(rec: Mapping[str, Any], extra: Mapping[Location, str] | None = None) -> Case:
    decision, outcome = rec.get("decision"), rec.get("outcome")
    x = extra or {}
    return Case(
        case_id=rec["case_id"],
        unified_no=rec["unified_no"],
        unit=rec["unit"],
        department=rec["department"],
        category=rec["category"],
        source=rec["source"],
        received_on=rec["received_on"],
        handler=rec["handler"],
        assigned_on=rec["assigned_on"],
        assignment=rec["assignment"],
        major_complex=rec["major_complex"],
        charges=tuple(rec.get("charges", ())),
        suspects=tuple(
            _suspect(s, x.get(("suspects", i))) for i, s in enumerate(rec.get("suspects", ()))
        ),
        victims=tuple(
            Victim(v["id"], v["name"], x.get(("victims", i)))
            for i, v in enumerate(rec.get("victims", ()))
        ),
        events=tuple(
            Event(
                e["type"],
                e["on"],
                e.get("by"),
                e.get("party"),
                e.get("note"),
                e.get("at"),
                x.get(("events", i)),
            )
            for i, e in enumerate(rec.get("events", ()))
        ),
        decision=None if not decision else _decision(decision, x.get(("decision",))),
        outcome=None if not outcome else _outcome(outcome, x.get(("outcome",))),
        documents=tuple(
            Document(d["type"], d.get("no"), d["issued_on"], d.get("text"), x.get(("documents", i)))
            for i, d in enumerate(rec.get("documents", ()))
        ),
        closed_on=rec.get("closed_on"),
        archived_on=rec.get("archived_on"),
        extra=x.get(()),
    )


def _suspect(s: Mapping[str, Any], extra: str | None = None) -> Suspect:
    return Suspect(
        s["id"],
        s["name"],
        s["birth_date"],
        s["in_custody"],
        s["minor"],
        s.get("disability"),
        s["has_counsel"],
        s["plea_leniency"],
        s["fast_track"],
        s.get("likely_sentence_months"),
        s.get("likely_sentence"),
        extra,
    )


def _decision(d: Mapping[str, Any], extra: str | None = None) -> Decision:
    return Decision(d["type"], d["on"], d["by"], d.get("approved_by"), d.get("ground"), extra)


def _outcome(o: Mapping[str, Any], extra: str | None = None) -> Outcome:
    return Outcome(
        o["type"],
        o["on"],
        o.get("sentence_months"),
        o.get("recommendation_months"),
        o.get("recommendation_accepted"),
        o["appealed"],
        o["charge_changed"],
        extra,
    )


def _with_extra(out: dict[str, Any], extra: str | None) -> dict[str, Any]:
    """An object as written, with the keys it came with that the format does not define
    (after the format's own keys). Without any, the record is the one it was before 1.2."""
    del out["extra"]
    if extra is not None:
        out.update(orjson.loads(extra))
    return out


def _suspect_doc(s: Suspect) -> dict[str, Any]:
    """A suspect as written: ``likely_sentence`` (1.1) only when known, so that a 1.0 record
    is written back as it came (and keeps its content hash)."""
    out = s._asdict()
    if out["likely_sentence"] is None:
        del out["likely_sentence"]
    return _with_extra(out, s.extra)


def _event_doc(e: Event) -> dict[str, Any]:
    """An event as written: ``at`` (1.1) only when known, as ISO 8601 with its offset."""
    out = e._asdict()
    if e.at is None:
        del out["at"]
    else:
        out["at"] = e.at.isoformat()
    return _with_extra(out, e.extra)


def _case_doc(case: Case) -> dict[str, Any]:
    """The format object with enums and dates left as they are (orjson writes both natively)."""
    d, o = case.decision, case.outcome
    decision: dict[str, Any] | None = None
    if d is not None:
        decision = {"type": d.type, "on": d.on, "by": d.by, "approved_by": d.approved_by}
        if d.ground is not None or d.type is DecisionType.NOT_PROSECUTE:
            decision["ground"] = d.ground
        decision = _with_extra({**decision, "extra": None}, d.extra)
    doc: dict[str, Any] = {
        "case_id": case.case_id,
        "unified_no": case.unified_no,
        "unit": case.unit,
        "department": case.department,
        "category": case.category,
        "source": case.source,
        "received_on": case.received_on,
        "handler": case.handler,
        "assigned_on": case.assigned_on,
        "assignment": case.assignment,
        "major_complex": case.major_complex,
        "charges": case.charges,
        "suspects": [_suspect_doc(s) for s in case.suspects],
        "victims": [_with_extra(v._asdict(), v.extra) for v in case.victims],
        "events": [_event_doc(e) for e in case.events],
        "decision": decision,
        "outcome": None
        if o is None
        else _with_extra(
            {
                "type": o.type,
                "on": o.on,
                "sentence_months": o.sentence_months,
                "recommendation_months": o.recommendation_months,
                "recommendation_accepted": o.recommendation_accepted,
                "appealed": o.appealed,
                "charge_changed": o.charge_changed,
                "extra": None,
            },
            o.extra,
        ),
        "documents": [_with_extra(x._asdict(), x.extra) for x in case.documents],
        "closed_on": case.closed_on,
        "archived_on": case.archived_on,
        "extra": None,
    }
    return _with_extra(doc, case.extra)


def case_to_json(case: Case) -> bytes:
    """One cases.jsonl line (without the newline), keys in spec order."""
    return orjson.dumps(_case_doc(case))


def case_to_record(case: Case) -> dict[str, Any]:
    """A `Case` as a plain format v1 object (the inverse of `decode_case_line`)."""
    record: dict[str, Any] = orjson.loads(case_to_json(case))
    return record


def content_hash(case: Case) -> str:
    """A digest of the record's meaning: equal for equal cases whatever the key order or layout."""
    known = _HASHED.pop(id(case), None)
    if known is not None and known[0] is case:
        return known[1]
    canonical = orjson.dumps(_case_doc(case), option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


# The content hashes of the cases `decode_case_line` made last, taken from their records (half
# the cost of `_case_doc`); the import asks for each once (`content_hash`, which takes it out).
# Keyed by the case object's identity and holding the object itself, so an entry can only ever
# answer for that very (frozen) case. Bounded: emptied when full (cases decoded and never hashed,
# as after an import's first error); a hash forgotten is computed from the case again.
_HASHED: dict[int, tuple[Case, str]] = {}
_HASHED_MAX = 4096  # above the import's batch (2000): a batch is hashed after it is read whole


def _remember_hash(case: Case, digest: str) -> None:
    if len(_HASHED) >= _HASHED_MAX:
        _HASHED.clear()
    _HASHED[id(case)] = (case, digest)


def record_content_hash(rec: Mapping[str, Any]) -> str:
    """`content_hash` of the case a record without unknown keys decodes to, taken from the record
    (as schema.decode_case_json returns it): the same canonical bytes as `_case_doc` of
    `_to_case(rec)`, byte for byte (tests/unit/test_fastdecode.py), built by keeping the
    record's own objects wherever they already hold exactly the keys `_case_doc` writes."""
    doc = dict(rec)
    doc["charges"] = rec.get("charges", ())
    doc["suspects"] = [_suspect_record_doc(s) for s in rec.get("suspects", ())]
    doc["victims"] = rec.get("victims", ())  # id and name, both required
    doc["events"] = [_event_record_doc(e) for e in rec.get("events", ())]
    decision, outcome = rec.get("decision"), rec.get("outcome")
    doc["decision"] = None if not decision else _decision_record_doc(decision)
    doc["outcome"] = None if not outcome else _outcome_record_doc(outcome)
    doc["documents"] = [_document_record_doc(d) for d in rec.get("documents", ())]
    doc["closed_on"], doc["archived_on"] = rec.get("closed_on"), rec.get("archived_on")
    canonical = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


def _suspect_record_doc(s: Mapping[str, Any]) -> Mapping[str, Any]:
    # `_suspect_doc`: every field, ``likely_sentence`` only when known.
    if (
        "disability" in s
        and "likely_sentence_months" in s
        and s.get("likely_sentence", 0) is not None
    ):
        return s
    out = {**s, "disability": s.get("disability")}
    out["likely_sentence_months"] = s.get("likely_sentence_months")
    if out.get("likely_sentence", 0) is None:
        del out["likely_sentence"]
    return out


def _event_record_doc(e: Mapping[str, Any]) -> Mapping[str, Any]:
    # `_event_doc`: type, on, by, party, note; ``at`` only when known, as its ISO text.
    at = e.get("at")
    if at is None and len(e) == 5 and "at" not in e:
        return e
    out = {"type": e["type"], "on": e["on"], "by": e.get("by"), "party": e.get("party")}
    out["note"] = e.get("note")
    if at is not None:
        out["at"] = at.isoformat()
    return out


def _decision_record_doc(d: Mapping[str, Any]) -> dict[str, Any]:
    # `_case_doc`: ``ground`` when given, and always for not_prosecute.
    out = {"type": d["type"], "on": d["on"], "by": d["by"], "approved_by": d.get("approved_by")}
    ground = d.get("ground")
    if ground is not None or d["type"] is DecisionType.NOT_PROSECUTE:
        out["ground"] = ground
    return out


def _outcome_record_doc(o: Mapping[str, Any]) -> Mapping[str, Any]:
    if len(o) == 7:  # every field given
        return o
    return {
        "type": o["type"],
        "on": o["on"],
        "sentence_months": o.get("sentence_months"),
        "recommendation_months": o.get("recommendation_months"),
        "recommendation_accepted": o.get("recommendation_accepted"),
        "appealed": o["appealed"],
        "charge_changed": o["charge_changed"],
    }


def _document_record_doc(d: Mapping[str, Any]) -> Mapping[str, Any]:
    if len(d) == 4:  # type, no, issued_on, text
        return d
    return {
        "type": d["type"],
        "no": d.get("no"),
        "issued_on": d["issued_on"],
        "text": d.get("text"),
    }


# ---------------------------------------------------------------- units.csv / people.csv


def _bool(value: str) -> bool | None:
    v = value.strip().lower()
    return True if v in _TRUE else False if v in _FALSE else None


def _enum_problem(kind: type[StrEnum], value: str, field: str) -> tuple[str, str, str] | None:
    allowed = [m.value for m in kind]
    if value in allowed:
        return None
    listed = "|".join(allowed)
    return (
        field,
        f"取值 {value!r} 无效，应为 {listed}",
        f"invalid value {value!r}, expected {listed}",
    )


def decode_unit_row(row: Mapping[str, str]) -> Unit | list[tuple[str, str, str]]:
    problems = [p for p in (_enum_problem(UnitLevel, row["level"], "level"),) if p]
    problems += _blank_problems(row, ("code", "name"))
    if problems:
        return problems
    return Unit(
        row["code"].strip(),
        row["name"].strip(),
        UnitLevel(row["level"]),
        row["parent"].strip() or None,
    )


def decode_person_row(row: Mapping[str, str]) -> Person | list[tuple[str, str, str]]:
    problems = [p for p in (_enum_problem(Role, row["role"], "role"),) if p]
    problems += _blank_problems(row, ("id", "name", "unit", "department"))
    flags = {}
    for name in ("in_quota", "senior"):
        flags[name] = _bool(row[name])
        if flags[name] is None:
            problems.append(
                (
                    name,
                    f"取值 {row[name]!r} 无效，应为 true 或 false",
                    f"invalid value {row[name]!r}, expected true or false",
                )
            )
    if problems:
        return problems
    return Person(
        row["id"].strip(),
        row["name"].strip(),
        row["unit"].strip(),
        row["department"].strip(),
        Role(row["role"]),
        bool(flags["in_quota"]),
        bool(flags["senior"]),
    )


def _blank_problems(row: Mapping[str, str], names: Iterable[str]) -> list[tuple[str, str, str]]:
    return [(n, "必填字段为空", "required field is empty") for n in names if not row[n].strip()]


def tree_problems(units: Iterable[tuple[int, Unit]]) -> list[tuple[int, str, str, str]]:
    """Parent references and levels: a unit's parent exists and sits one or more levels above."""
    by_code = {u.code: u for _, u in units}
    out = []
    for line, u in units:
        if u.parent is None:
            continue
        parent = by_code.get(u.parent)
        if parent is None:
            out.append(
                (
                    line,
                    "parent",
                    f"上级单位 {u.parent} 不在 units.csv 中",
                    f"parent unit {u.parent} not in units.csv",
                )
            )
        elif _LEVEL_RANK[parent.level] >= _LEVEL_RANK[u.level]:
            out.append(
                (
                    line,
                    "level",
                    f"{u.level.value} 级单位的上级 {u.parent} 是 {parent.level.value} 级，层级不对",
                    f"a {u.level.value} unit cannot sit under a {parent.level.value} unit",
                )
            )
    return out


def unit_to_row(u: Unit) -> dict[str, str]:
    return {"code": u.code, "name": u.name, "level": u.level.value, "parent": u.parent or ""}


def person_to_row(p: Person) -> dict[str, str]:
    return {
        "id": p.id,
        "name": p.name,
        "unit": p.unit,
        "department": p.department,
        "role": p.role.value,
        "in_quota": "true" if p.in_quota else "false",
        "senior": "true" if p.senior else "false",
    }


__all__ = [
    "PEOPLE_COLUMNS",
    "UNIT_COLUMNS",
    "case_to_json",
    "case_to_record",
    "content_hash",
    "decode_case_line",
    "decode_person_row",
    "decode_unit_row",
    "person_to_row",
    "tree_problems",
    "unit_to_row",
]
