"""Every monitoring rule's own examples (rules/monitoring.toml): positives found, negatives not.

The law each rule rests on is quoted beside its examples in the rule file and below.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import orjson
import pytest

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.formats.records import _to_case, decode_case_json
from jianguan.adapters.monitoring_file import default_rules, parse_rules, rule_examples, rules_text
from jianguan.adapters.period_file import default_periods
from jianguan.domain.model import Case
from jianguan.domain.monitoring import DueBook, Run, evaluate_case

BASE: dict[str, Any] = {
    "case_id": "440304-2025-XSSC-000900",
    "unified_no": "440304-2025-000900",
    "unit": "440304",
    "department": "第一检察部",
    "category": "prosecution_review",
    "source": "transferred",
    "received_on": "2025-09-01",
    "handler": "P0012",
    "assigned_on": "2025-09-01",
    "assignment": "random",
    "major_complex": False,
    "charges": ["盗窃罪"],
    "suspects": [
        {
            "id": "S1",
            "name": "李某",
            "birth_date": "1990-01-01",
            "in_custody": False,
            "minor": False,
            "disability": None,
            "has_counsel": False,
            "plea_leniency": False,
            "fast_track": False,
            "likely_sentence_months": 10,
        }
    ],
    "victims": [],
    "events": [["counsel_notified", "2025-09-02", "S1"]],
    "decision": None,
    "outcome": None,
    "documents": [],
    "closed_on": None,
    "archived_on": None,
}


def _event(t: str, on: str, p: str, by: str = "", note: str = "", at: str = "") -> dict[str, Any]:
    """An example event: [type, on, party] and optionally by, note and the time ``at``."""
    e = {"type": t, "on": on, "by": by or None, "party": p or None, "note": note or None}
    return {**e, "at": at} if at else e


def build_case(over: dict[str, Any]) -> Case:
    rec = copy.deepcopy(BASE)
    for key, value in over.items():
        if key == "suspects":
            rec["suspects"] = [{**BASE["suspects"][0], **s} for s in value]
        elif key == "victims":
            rec["victims"] = [{"id": v, "name": "王某"} for v in value]
        else:
            rec[key] = value
    rec["events"] = [_event(*e) for e in rec["events"]]
    rec["documents"] = [
        {"type": t, "no": None, "issued_on": on, "text": None} for t, on in rec["documents"]
    ]
    if rec["decision"]:
        rec["decision"] = {"by": "P0012", "approved_by": None, **rec["decision"]}
        rec["closed_on"] = rec["decision"]["on"]
    return _to_case(decode_case_json(orjson.dumps(rec)))


def run_for(as_of: dt.date) -> Run:
    book = DueBook(default_periods(), default_calendar())
    cal, lead = default_calendar(), default_rules().lead
    return Run(as_of, book, lambda unit, cat: cal.add_working_days(as_of, lead.days(cat, "440000")))


EXAMPLES = rule_examples(rules_text())


@pytest.mark.parametrize(
    ("rule_id", "example"), EXAMPLES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(EXAMPLES)]
)
def test_rule_example(rule_id: str, example: dict[str, Any]) -> None:
    case = build_case(example.get("case", {}))
    found = {
        f.rule
        for f in evaluate_case(
            case, default_rules(), run_for(dt.date.fromisoformat(example["as_of"]))
        )
    }
    assert (rule_id in found) is example["expect"]


def test_every_rule_has_a_positive_and_a_negative_example() -> None:
    by_rule = {
        r.id: {ex["expect"] for rid, ex in EXAMPLES if rid == r.id} for r in default_rules().rules
    }
    assert by_rule
    assert all(v == {True, False} for v in by_rule.values())


def test_the_required_rules_are_all_there() -> None:
    kinds = {r.kind for r in default_rules().rules}
    assert kinds >= {
        "review_overdue",
        "review_due_soon",
        "counsel_notice_late",
        "victim_notice_late",
        "legal_aid_missing",
        "return_limit_exceeded",
        "return_outline_missing",
        "extension_unapproved",
        "family_notice_late",
        "return_overdue",
        "opinions_unheard",
        "custody_necessity_late",
        "minor_guardian_absent",
        "public_interest_reply_overdue",
    }


def test_an_unknown_check_is_refused() -> None:
    bad = rules_text().replace('check = "event_count_max"', 'check = "nonsense"')
    with pytest.raises(ValueError, match="nonsense"):
        parse_rules(bad)


def test_lead_time_province_override() -> None:
    lead = parse_rules(
        rules_text().replace(
            '[lead_time.province."440000"]', '[lead_time.province."440000"]\nprosecution_review = 8'
        )
    ).lead
    assert lead.days("prosecution_review", "440000") == 8
    assert lead.days("prosecution_review", "110000") == 5
    assert lead.days("arrest_review", "440000") == 2


def test_clean_base_case_has_no_findings() -> None:
    # 刑诉法 第34条: told of counsel on day 1 of 3; undecided and well inside its month.
    assert evaluate_case(build_case({}), default_rules(), run_for(dt.date(2025, 9, 10))) == []


def test_what_happens_after_as_of_is_not_seen() -> None:
    # 刑诉法 第172条: one month from 2025-09-01 ends 10-01 (holiday → 10-09). A major case decided
    # 10-13 without extension; seen as of 10-08 it is open and due soon, as of 10-10 open and
    # overdue (the decision of 10-13 is not seen yet), as of 11-01 decided late, unapproved.
    major = {"major_complex": True, "decision": {"type": "not_prosecute", "on": "2025-10-13"}}
    # 第173条: the defender heard before the decision (else opinions_unheard as well)
    heard = [["counsel_notified", "2025-09-02", "S1"], ["opinion_heard", "2025-10-10", "S1"]]
    case = build_case({**major, "events": heard})

    def rules_on(day: dt.date) -> set[str]:
        return {f.rule for f in evaluate_case(case, default_rules(), run_for(day))}

    assert rules_on(dt.date(2025, 10, 8)) == {"review_due_soon"}
    assert rules_on(dt.date(2025, 10, 10)) == {"review_overdue"}
    assert rules_on(dt.date(2025, 11, 1)) == {"review_overdue", "extension_unapproved"}
