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


def test_unknown_field_is_refused_not_dropped() -> None:
    errors = decode_case_line(json.dumps(example_case(priority="high")), "cases.jsonl", 1, ORG)
    assert isinstance(errors, list)
    assert errors[0].field == "priority"
    assert "未知字段" in errors[0].zh


def test_content_hash_ignores_layout_but_not_content() -> None:
    a = decode(example_case())
    b = decode(dict(reversed(list(example_case().items()))))
    c = decode(example_case(major_complex=True))
    assert content_hash(a) == content_hash(b) != content_hash(c)
