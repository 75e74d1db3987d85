"""Format v1 records ⇄ domain objects."""

from __future__ import annotations

import json

from jianguan.adapters.formats.records import case_to_record, content_hash, decode_case_line
from jianguan.domain.model import Case, DataSet, Person, Role, Unit, UnitLevel
from tests.factories import example_case

ORG = DataSet(
    (Unit("440304", "深圳市福田区人民检察院", UnitLevel.BASIC, None),),
    (Person("P0012", "李华", "440304", "第一检察部", Role.PROSECUTOR, True, False),),
)


def decode(record: dict[str, object]) -> Case:
    result = decode_case_line(json.dumps(record, ensure_ascii=False), "cases.jsonl", 1, ORG)
    assert isinstance(result, Case), result
    return result


def test_spec_example_decodes_and_encodes_back_exactly() -> None:
    record = example_case()
    assert case_to_record(decode(record)) == record


def test_not_prosecute_keeps_its_ground() -> None:
    record = example_case(
        decision={
            "type": "not_prosecute",
            "on": "2025-09-12",
            "by": "P0012",
            "approved_by": None,
            "ground": "discretionary",
        },
        outcome=None,
    )
    case = decode(record)
    assert case.decision is not None
    assert case.decision.ground is not None
    assert case_to_record(case)["decision"]["ground"] == "discretionary"


def test_not_prosecute_without_ground_is_refused() -> None:
    record = example_case(
        decision={"type": "not_prosecute", "on": "2025-09-12", "by": "P0012", "approved_by": None}
    )
    errors = decode_case_line(json.dumps(record), "cases.jsonl", 4, ORG)
    assert isinstance(errors, list)
    assert [str(e).split(":")[0:3] for e in errors] == [["cases.jsonl", "4", " decision.ground"]]


def test_nullable_keys_may_be_left_out() -> None:
    record = example_case()
    for ev in record["events"]:
        del ev["note"]
    del record["archived_on"]
    case = decode(record)
    assert case.archived_on is None
    assert all(e.note is None for e in case.events)


def test_unknown_field_is_refused_under_strict_not_dropped() -> None:
    line = json.dumps(example_case(priority="high"))
    errors = decode_case_line(line, "cases.jsonl", 1, ORG, strict=True)
    assert isinstance(errors, list)
    assert errors[0].field == "priority"
    assert "未知字段" in errors[0].zh


def test_unknown_keys_are_kept_beside_their_objects_and_written_back() -> None:
    """Format 1.2: a key the format does not define travels with the object that carried it."""
    record = example_case(priority="high", 立案={"机关": "公安", "n": 2})
    record["suspects"][0]["nation"] = "汉族"
    record["events"][-1]["seal"] = [1, 2]
    record["decision"] = None
    case = decode_case_line(json.dumps(record, ensure_ascii=False), "cases.jsonl", 1, ORG)
    assert isinstance(case, Case)
    assert json.loads(case.extra or "{}") == {"priority": "high", "立案": {"机关": "公安", "n": 2}}
    assert json.loads(case.suspects[0].extra or "{}") == {"nation": "汉族"}
    assert json.loads(case.events[-1].extra or "{}") == {"seal": [1, 2]}
    assert case.events[0].extra is None or len(case.events) == 1
    assert case_to_record(case) == record
    plain = decode(example_case())
    assert content_hash(case) != content_hash(plain)  # a changed unknown key is a change


def test_an_unknown_key_does_not_hide_the_records_real_errors() -> None:
    line = json.dumps(example_case(priority="high", received_on="2025-13-01"))
    errors = decode_case_line(line, "cases.jsonl", 1, ORG)
    assert isinstance(errors, list)
    assert [e.field for e in errors] == ["received_on"]


def test_content_hash_ignores_layout_but_not_content() -> None:
    a = decode(example_case())
    b = decode(dict(reversed(list(example_case().items()))))
    c = decode(example_case(major_complex=True))
    assert content_hash(a) == content_hash(b) != content_hash(c)
