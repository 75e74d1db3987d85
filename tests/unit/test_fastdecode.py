"""Issue 17: the msgspec first try (`fastdecode.canonical_record`) changes no result.

`decode_case_line` must give exactly what the pydantic path alone gives
(`decode_case_line_pydantic`): the same case — every field, the offset of every moment, the
content hash — or the same errors in the same order, strict and not. Checked on every line of
the bad-input corpus (as written, and re-encoded the way orjson writes it, so that the fast path
is tried on it), on generated provinces, on generated records and on hand-written lines for each
way msgspec reads more loosely than pydantic.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from jianguan.adapters.formats import fastdecode, records, schema
from jianguan.adapters.formats.dataset import DataSetSource, jsonl_lines, read_organisation
from jianguan.adapters.formats.records import (
    case_to_json,
    content_hash,
    decode_case_line,
    decode_case_line_pydantic,
    record_content_hash,
)
from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet, Person, Role, Unit, UnitLevel
from tests.factories import numbered_case
from tests.integration.test_bad_inputs import MANIFEST, corpus
from tests.support import generate, manifest_day

ORG = DataSet(
    (
        Unit("440000", "广东省人民检察院", UnitLevel.PROVINCIAL, None),
        Unit("440300", "深圳市人民检察院", UnitLevel.MUNICIPAL, "440000"),
        Unit("440304", "深圳市福田区人民检察院", UnitLevel.BASIC, "440300"),
    ),
    (
        Person("P0011", "陈敏", "440304", "第一检察部", Role.DEPARTMENT_HEAD, True, True),
        Person("P0012", "李华", "440304", "第一检察部", Role.PROSECUTOR, True, False),
        Person("P0013", "张伟", "440304", "第一检察部", Role.PROSECUTOR, True, False),
    ),
)
TODAY = dt.date(2026, 1, 1)


def _fresh_hash(case: Case) -> str:
    """`content_hash` computed from the case itself (never the remembered one)."""
    records._HASHED.pop(id(case), None)
    return content_hash(case)


def assert_same(new: Case | list[RecordError], old: Case | list[RecordError]) -> None:
    if isinstance(old, list):
        assert new == old
        return
    assert isinstance(new, Case), new
    assert new == old
    assert case_to_json(new) == case_to_json(old)  # every field, as the export writes it
    offsets = [(e.at.utcoffset(), e.at.isoformat()) if e.at else None for e in new.events]
    assert offsets == [(e.at.utcoffset(), e.at.isoformat()) if e.at else None for e in old.events]
    assert content_hash(new) == _fresh_hash(old)  # the remembered hash is the case's own


def check(raw: bytes | str, org: DataSet = ORG, today: dt.date | None = TODAY) -> bool:
    """Both paths agree on ``raw``, strict and not; whether the fast path took it."""
    for strict in (False, True):
        new = decode_case_line(raw, "cases.jsonl", 7, org, today, strict=strict)
        old = decode_case_line_pydantic(raw, "cases.jsonl", 7, org, today, strict=strict)
        assert_same(new, old)
    return fastdecode.canonical_record(raw) is not None


def canonical(record: Any) -> bytes:
    return orjson.dumps(record)


# -- the mirror of schema.py -------------------------------------------------------------------

PAIRS = [
    (schema.CaseIn, fastdecode.CaseIn),
    (schema.SuspectIn, fastdecode.SuspectIn),
    (schema.VictimIn, fastdecode.VictimIn),
    (schema.EventIn, fastdecode.EventIn),
    (schema.DecisionIn, fastdecode.DecisionIn),
    (schema.OutcomeIn, fastdecode.OutcomeIn),
    (schema.DocumentIn, fastdecode.DocumentIn),
]


@pytest.mark.parametrize(("theirs", "ours"), PAIRS, ids=lambda t: t.__name__)
def test_the_msgspec_types_mirror_the_schema_key_by_key(theirs: Any, ours: Any) -> None:
    assert list(ours.__annotations__) == list(theirs.__annotations__)
    assert ours.__required_keys__ == theirs.__required_keys__
    assert ours.__optional_keys__ == theirs.__optional_keys__
    a = typing.get_type_hints(theirs, vars(schema), include_extras=True)
    b = typing.get_type_hints(ours, vars(fastdecode), include_extras=True)
    names = {t.__name__: o.__name__ for t, o in PAIRS}
    for key in a:
        want, got = str(a[key]), str(b[key])
        for mine, theirs_name in names.items():  # nested types: the mirror of each
            want = want.replace(f"schema.{mine}", f"fastdecode.{theirs_name}")
        if key == "at":  # pydantic's AwareDatetime ↔ a datetime msgspec requires an offset of
            assert "AwareDatetime" in want
            assert "tz=True" in got
            continue
        assert got == want, key


# -- hand-written lines ------------------------------------------------------------------------

BASE = numbered_case(1)


def variant(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(BASE)
    record.update(changes)
    return record


def with_event_at(at: Any) -> dict[str, Any]:
    record = variant()
    record["events"][1]["at"] = at
    return record


def test_a_canonical_line_takes_the_fast_path_and_decodes_the_same() -> None:
    assert check(canonical(BASE))
    assert check(canonical(BASE) + b"\n")
    assert check(b"  " + canonical(BASE) + b"\r\n") is False  # leading space: not orjson's


def test_python_json_layouts_go_to_pydantic() -> None:
    assert check(json.dumps(BASE, ensure_ascii=False)) is False
    assert check(json.dumps(BASE)) is False  # \\u escapes
    compact = json.dumps(BASE, ensure_ascii=False, separators=(",", ":"))
    assert check(compact)  # the same bytes as orjson's


UNKNOWN = [
    variant(extra_key=1),
    variant(suspects=[{**BASE["suspects"][0], "别名": "小李"}]),
    variant(events=[{**BASE["events"][0], "x": None}]),
    variant(decision={**BASE["decision"], "x": [1, 2]}),
    variant(outcome={**BASE["outcome"], "x": {"y": 1}}),
    variant(documents=[{**BASE["documents"][0], "pages": 3}]),
    variant(victims=[{"id": "V1", "name": "王某", "x": 1}]),
    variant(extra_key=2**70),  # kept by pydantic's path only as far as 64 bits
    variant(extra_key="a\x00b"),
]


@pytest.mark.parametrize("record", UNKNOWN)
def test_unknown_keys_are_never_taken_by_the_fast_path(record: dict[str, Any]) -> None:
    raw = json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # as orjson would write it
    assert check(raw) is False
    assert check(raw, today=None) is False


def _replace(text: bytes, old: bytes, new: bytes) -> bytes:
    assert old in text
    return text.replace(old, new, 1)


GOOD = canonical(BASE)
TRICKY: list[bytes] = [
    # duplicate keys, same and different value, top and nested
    _replace(GOOD, b'"unit":"440304"', b'"unit":"440304","unit":"440304"'),
    _replace(GOOD, b'"unit":"440304"', b'"unit":"440000","unit":"440304"'),
    _replace(GOOD, b'"name":"', b'"name":"x","name":"'),
    # a key written with an escape (the same key once unescaped)
    _replace(GOOD, b'"handler"', b'"hand\\u006cer"'),
    # strings: escapes, lone surrogates, a pair, NUL, invalid and overlong UTF-8, GBK
    _replace(GOOD, "李某".encode(), b"\\u674e\\u67d0"),
    _replace(GOOD, "李某".encode(), b"\\ud800"),
    _replace(GOOD, "李某".encode(), b"\\udc00x"),
    _replace(GOOD, "李某".encode(), b"\\ud83d\\ude00"),
    _replace(GOOD, "李某".encode(), "😀".encode()),
    _replace(GOOD, "李某".encode(), b"\\u0000"),
    _replace(GOOD, "李某".encode(), b"\xff\xfe"),
    _replace(GOOD, "李某".encode(), b"\xc0\xaf"),
    _replace(GOOD, "李某".encode(), b"\xed\xa0\x80"),  # a surrogate encoded as UTF-8
    _replace(GOOD, "李某".encode(), "李某".encode("gbk")),
    _replace(GOOD, "李某".encode(), b"a\\/b"),
    _replace(GOOD, "李某".encode(), b"tab\there"),  # a raw control character
    # integers: big, negative zero, floats, exponents, leading zero, NaN and infinities
    *[
        _replace(GOOD, b'"likely_sentence_months":3', b'"likely_sentence_months":' + v)
        for v in (
            b"2147483648",
            b"9223372036854775808",
            b"18446744073709551616",
            b"100000000000000000000000000000",
            b"-0",
            b"-1",
            b"3.0",
            b"3.5",
            b"3e0",
            b"3E2",
            b"03",
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b"true",
            b'"3"',
            b"null",
        )
    ],
    # booleans and nulls
    _replace(GOOD, b'"minor":false', b'"minor":0'),
    _replace(GOOD, b'"minor":false', b'"minor":"false"'),
    _replace(GOOD, b'"minor":false', b'"minor":null'),
    _replace(GOOD, b'"charges":["', b'"charges":null,"x":["'),
    _replace(GOOD, b'"archived_on":null', b'"archived_on":"2025-09-12"'),
    # enums
    _replace(GOOD, b'"random"', b'"Random"'),
    _replace(GOOD, b'"random"', b'"random "'),
    _replace(GOOD, b'"random"', b'"\\u0072andom"'),
    # dates
    *[
        _replace(GOOD, b'"received_on":"2025-09-05"', b'"received_on":' + v)
        for v in (
            b'"2025-9-5"',
            b'"20250905"',
            b'"2025-09-05T00:00:00"',
            b'"2025-09-05 "',
            b'"2025-02-29"',
            b'"2024-02-29"',
            b'"+02025-09-05"',
            b'"0001-01-01"',
            b"20250905",
            b'"2025-09-05Z"',
            b'"2025-W36-5"',
        )
    ],
    # whitespace, BOM, trailing matter, other JSON texts
    b"\xef\xbb\xbf" + GOOD,
    GOOD + b"\n",
    GOOD + b"\r\n",
    GOOD + b" \t ",
    GOOD + b"\x0b",
    GOOD + b"\x0c",
    b"\x0c" + GOOD,
    GOOD.replace(b",", b", ", 3),
    GOOD + b"x",
    GOOD + GOOD,
    GOOD[:-1] + b",}",
    GOOD[:-1],
    b"[" + GOOD + b"]",
    b'"a string"',
    b"3",
    b"null",
    b"{}",
    b"",
    b'{"case_id":1}',
]


@pytest.mark.parametrize("raw", TRICKY, ids=range(len(TRICKY)))
def test_tricky_lines_decode_as_pydantic_decodes_them(raw: bytes) -> None:
    check(raw)


DATETIMES = [
    "2025-09-08T10:30:00+08:00",
    "2025-09-08T10:30:00.123456+08:00",
    "2025-09-08T10:30:00.5+08:00",
    "2025-09-08T10:30:00.1234567+08:00",  # a seventh digit (msgspec rounds)
    "2025-09-08T10:30:00.123456789+08:00",
    "2025-09-08T10:30:00.000000+08:00",
    "2025-09-08T10:30:00Z",
    "2025-09-08T10:30:00z",
    "2025-09-08t10:30:00+08:00",
    "2025-09-08 10:30:00+08:00",
    "2025-09-08T10:30+08:00",
    "2025-09-08T10:30:00",  # no offset
    "2025-09-08T10:30:00+0800",
    "2025-09-08T10:30:00+08",
    "2025-09-08T10:30:00+08:00:30",
    "2025-09-08T10:30:00-00:00",
    "2025-09-08T10:30:00+00:00",
    "2025-09-08T10:30:00+23:59",
    "2025-09-08T10:30:00-23:59",
    "2025-09-08T10:30:00+24:00",
    "2025-09-08T23:59:60+08:00",  # a leap second
    "2025-09-08T24:00:00+08:00",
    "2025-09-08T00:00:00+14:00",
    "2025-09-07T23:30:00-12:00",  # another day on the event's own clock: refused
    "2025-09-08",
    "1757298600",
    1757298600,
    None,
    "",
]


@pytest.mark.parametrize("at", DATETIMES)
def test_moments_in_every_form(at: Any) -> None:
    record = with_event_at(at)
    check(canonical(record))


def test_moments_written_as_orjson_writes_them_take_the_fast_path() -> None:
    for offset in (dt.timedelta(hours=8), dt.timedelta(0), dt.timedelta(hours=-5, minutes=-30)):
        tz = dt.timezone(offset)
        for moment in (dt.datetime(2025, 9, 8, 10, 30, tzinfo=tz),
                       dt.datetime(2025, 9, 8, 10, 30, 1, 7, tzinfo=tz)):  # fmt: skip
            assert check(canonical(with_event_at(moment)))


def test_a_line_given_as_text_is_read_alike() -> None:
    assert check(canonical(BASE).decode())
    lone = canonical(variant(department="x")).decode().replace('"x"', '"\ud800"')
    assert check(lone) is False


# -- the bad-input corpus ----------------------------------------------------------------------


def _corpus_lines(tmp_path: Path) -> list[tuple[str, bytes, DataSet]]:
    out = []
    for entry in MANIFEST:
        path = corpus.build(entry["name"], tmp_path / "corpus")
        try:
            source = DataSetSource(path)
        except FileNotFoundError:  # not an archive at all: refused before any line is read
            continue
        try:
            if source.problems or not source.has("cases.jsonl"):
                continue
            org = read_organisation(source).dataset if source.has("people.csv") else ORG
            out += [
                (entry["name"], raw, org)
                for _, _, raw in jsonl_lines(source)
                if isinstance(raw, bytes)
            ]
        finally:
            source.close()
    return out


def _reencoded(raw: bytes) -> bytes | None:
    """The line as orjson writes the same JSON (so that the fast path is tried on it)."""
    try:
        return orjson.dumps(json.loads(raw))
    except (ValueError, RecursionError, TypeError):
        return None


def test_every_line_of_the_bad_input_corpus(tmp_path: Path) -> None:
    lines = _corpus_lines(tmp_path)
    assert len(lines) >= 40
    fast = 0
    for name, raw, org in lines:
        for text in (raw, _reencoded(raw)):
            if text is None:
                continue
            try:
                fast += check(text, org)
                fast += check(text, org, today=None)
            except AssertionError as exc:  # pragma: no cover - says which entry
                raise AssertionError(f"{name}: {text[:200]!r}") from exc
    assert fast >= 40  # the re-encoded lines did go through msgspec


# -- generated provinces -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fastdecode") / "set"
    generate(out, cases=3000, seed=17, defect_rate=0.5, workers=1)
    return out


def test_every_generated_line_decodes_the_same(province: Path) -> None:
    source = DataSetSource(province)
    org = read_organisation(source).dataset
    today = manifest_day(province)
    fast = total = 0
    for _, _, raw in jsonl_lines(source):
        assert isinstance(raw, bytes)
        total += 1
        fast += check(raw, org, today)
        rec = fastdecode.canonical_record(raw)
        if rec is not None:
            assert rec == schema.decode_case_json(raw)
            assert record_content_hash(rec) == _fresh_hash(records._to_case(rec))
    source.close()
    assert total == 3000
    assert fast == total  # the generator writes what orjson writes


def test_generated_lines_with_today_before_them_are_refused_alike(province: Path) -> None:
    source = DataSetSource(province)
    org = read_organisation(source).dataset
    lines = [raw for _, _, raw in jsonl_lines(source) if isinstance(raw, bytes)][-600:]
    today = dt.date.fromisoformat(orjson.loads(lines[300])["received_on"])
    refused = 0
    for raw in lines:
        check(raw, org, today)
        refused += isinstance(decode_case_line(raw, "f", 1, org, today), list)
    source.close()
    assert refused > 50


# -- the content hash from the record -----------------------------------------------------------


def test_the_remembered_hashes_are_bounded() -> None:
    raw = canonical(BASE)
    for _ in range(records._HASHED_MAX + 100):
        decode_case_line(raw, "f", 1, ORG, TODAY)
    assert len(records._HASHED) <= records._HASHED_MAX
    records._HASHED.clear()


def test_a_case_not_decoded_here_is_hashed_from_itself() -> None:
    case = decode_case_line(canonical(BASE), "f", 1, ORG, TODAY)
    assert isinstance(case, Case)
    again = decode_case_line_pydantic(canonical(BASE), "f", 1, ORG, TODAY)
    assert isinstance(again, Case)
    changed = decode_case_line_pydantic(canonical(variant(department="第二检察部")), "f", 1, ORG)
    assert isinstance(changed, Case)
    assert content_hash(case) == content_hash(again) != content_hash(changed)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_opt_text = st.one_of(st.none(), _text)
_day = st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31))
_moment = st.builds(
    lambda d, t, minutes: dt.datetime.combine(d, t, dt.timezone(dt.timedelta(minutes=minutes))),
    _day,
    st.times(),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
_month = st.one_of(st.none(), st.integers(-(2**40), 2**40))
_absent = object()


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(_absent), value)


def _obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not _absent}
    )


_suspect = _obj(
    id=st.sampled_from(["S1", "S2", " S3", ""]),
    name=_text,
    birth_date=_day,
    in_custody=st.booleans(),
    minor=st.booleans(),
    disability=_maybe(st.sampled_from([None, "blind", "deaf", "Blind"])),
    has_counsel=st.booleans(),
    plea_leniency=st.booleans(),
    fast_track=st.booleans(),
    likely_sentence_months=_maybe(_month),
    likely_sentence=_maybe(st.sampled_from([None, "life", "death", "months"])),
    x=_maybe(st.integers(-(2**63), 2**63 - 1)),
)
_event = _obj(
    type=st.sampled_from(["received", "assigned", "closed", "archived", "retransferred", "nope"]),
    on=_day,
    by=_maybe(st.sampled_from([None, "P0012", "P9999"])),
    party=_maybe(st.sampled_from([None, "S1", "S9"])),
    note=_maybe(_opt_text),
    at=_maybe(st.one_of(st.none(), _moment)),
)
_decision = _obj(
    type=st.sampled_from(["prosecute", "not_prosecute", "approve_arrest"]),
    on=_day,
    by=st.sampled_from(["P0012", "P0013"]),
    approved_by=_maybe(st.sampled_from([None, "P0011"])),
    ground=_maybe(st.sampled_from([None, "discretionary", "statutory"])),
)
_outcome = _obj(
    type=st.sampled_from(["convicted", "acquitted"]),
    on=_day,
    sentence_months=_maybe(_month),
    recommendation_months=_maybe(_month),
    recommendation_accepted=_maybe(st.sampled_from([None, True, False])),
    appealed=st.booleans(),
    charge_changed=st.booleans(),
)
_document = _obj(
    type=st.sampled_from(["indictment", "review_report"]),
    no=_maybe(_opt_text),
    issued_on=_day,
    text=_maybe(_opt_text),
)
_record = st.fixed_dictionaries(
    {
        "received_on": _day,
        "assigned_on": _day,
        "charges": _maybe(st.lists(_text, max_size=3)),
        "suspects": _maybe(st.lists(_suspect, max_size=2)),
        "victims": _maybe(st.lists(_obj(id=st.sampled_from(["V1", "S1"]), name=_text), max_size=2)),
        "events": _maybe(st.lists(_event, max_size=4)),
        "decision": _maybe(st.one_of(st.none(), _decision)),
        "outcome": _maybe(st.one_of(st.none(), _outcome)),
        "documents": _maybe(st.lists(_document, max_size=2)),
        "closed_on": _maybe(st.one_of(st.none(), _day)),
        "archived_on": _maybe(st.one_of(st.none(), _day)),
        "major_complex": st.booleans(),
    }
).map(lambda d: {**BASE, **{k: v for k, v in d.items() if v is not _absent}})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_record)
def test_generated_records_decode_and_hash_the_same(record: dict[str, Any]) -> None:
    raw = canonical(record)
    check(raw)
    check(raw, today=None)
    rec = fastdecode.canonical_record(raw)
    if rec is not None:
        assert rec == schema.decode_case_json(raw)
        assert record_content_hash(rec) == _fresh_hash(records._to_case(rec))
    else:  # a record pydantic takes without unknown keys always takes the fast path
        try:
            _, unknown = schema.decode_keeping_unknown(raw)
        except ValidationError:
            return
        assert unknown


def test_keys_out_of_the_formats_order_give_the_errors_in_pydantics_order() -> None:
    outcome = {**BASE["outcome"], "sentence_months": -1, "recommendation_months": -2}
    record = variant(outcome=dict(reversed(list(outcome.items()))))
    raw = canonical(record)
    assert fastdecode.canonical_record(raw) is not None
    check(raw)
    errors = decode_case_line(raw, "cases.jsonl", 7, ORG, TODAY)
    assert isinstance(errors, list)
    assert [e.field for e in errors] == ["outcome.sentence_months", "outcome.recommendation_months"]
