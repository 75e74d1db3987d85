"""Every self-check rule's own examples (rules/selfcheck.toml): positives found, negatives not.

The rule each check rests on is quoted beside its examples in the rule file and below.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import orjson
import pytest

from jianguan.adapters.consultation_file import default_consultation
from jianguan.adapters.formats.records import _to_case, decode_case_json
from jianguan.adapters.powers_file import default_powers
from jianguan.adapters.selfcheck_file import (
    default_selfcheck_rules,
    parse_selfcheck_rules,
    selfcheck_examples,
    selfcheck_text,
)
from jianguan.domain.consultation import ConsultationFile, Panel, PanelMember, ReviewForm
from jianguan.domain.model import Case, Person, Role
from jianguan.domain.selfcheck import CheckEnv, evaluate_selfcheck
from jianguan.domain.supervision import Line
from jianguan.services.selfcheck import check_case
from tests.support import rules
from tests.unit.test_monitoring_rules import BASE

KINDS = {
    "charge_mismatch",
    "date_mismatch",
    "document_missing",
    "plea_statement_missing",
    "archived_unchecked",
    "consultation_unanswered",
    "approval_missing",
    "name_mismatch",
    "document_no_invalid",
    "card_incomplete",
    "review_form_incomplete",
    "panel_opinion_missing",
}


def _at(items: list[Any], i: int) -> Any:
    return items[i] if len(items) > i else None


# The staff the examples name (rules/selfcheck.toml header).
STAFF = {
    pid: Person(pid, name, "440304", dept, role, in_quota=True, senior=False)
    for pid, name, dept, role in (
        ("P0012", "王检察官", "第一检察部", Role.PROSECUTOR),
        ("P0001", "陈检察长", "院领导", Role.CHIEF),
        ("P0002", "刘副检察长", "院领导", Role.DEPUTY_CHIEF),
        ("P0003", "赵主任", "第一检察部", Role.DEPARTMENT_HEAD),
    )
}
ENV = CheckEnv(STAFF, default_powers())


def build_case(over: dict[str, Any]) -> Case:
    rec = copy.deepcopy(BASE)
    for key, value in over.items():
        if key == "suspects":
            rec["suspects"] = [{**BASE["suspects"][0], **s} for s in value]
        else:
            rec[key] = value
    rec["events"] = [
        {"type": e[0], "on": e[1], "by": _at(e, 3), "party": e[2] or None, "note": _at(e, 4)}
        for e in rec["events"]
    ]
    rec["documents"] = [
        {"type": d[0], "no": _at(d, 3), "issued_on": d[1], "text": _at(d, 2)}
        for d in rec["documents"]
    ]
    if rec["outcome"]:
        rec["outcome"] = {"sentence_months": None, **rec["outcome"]}
    if rec["decision"]:
        rec["decision"] = {"by": "P0012", "approved_by": None, **rec["decision"]}
        rec["closed_on"] = rec["decision"]["on"]
    return _to_case(decode_case_json(orjson.dumps(rec)))


EXAMPLES = selfcheck_examples(selfcheck_text())


def consultation_env(case: Case, given: dict[str, Any] | None) -> CheckEnv:
    """ENV with the example's consultation (线上会诊, rules/selfcheck.toml): its panel as
    [member, opinion given] pairs and the review form's answers."""
    if given is None:
        return CheckEnv(STAFF, default_powers(), {}, default_consultation())
    at = dt.datetime(2025, 9, 2, tzinfo=dt.UTC)
    members = tuple(
        PanelMember(pid, Line.CRIMINAL, "第一检察部", opinion={"opinion": "同意"} if done else None)
        for pid, done in given.get("panel", [])
    )
    panel = Panel(case.case_id, at, "P0003", "seed", "major_complex", members)
    forms = ()
    if "form" in given:
        forms = (ReviewForm(case.case_id, "prosecution", given["form"], case.handler, at),)
    file = ConsultationFile(panel, forms)
    return CheckEnv(STAFF, default_powers(), {case.case_id: file}, default_consultation())


@pytest.mark.parametrize(
    ("rule_id", "example"), EXAMPLES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(EXAMPLES)]
)
def test_rule_example(rule_id: str, example: dict[str, Any]) -> None:
    case = build_case(example["case"])
    env = consultation_env(case, example.get("consultation"))
    found = {f.rule for f in evaluate_selfcheck(case, default_selfcheck_rules(), env)}
    assert (rule_id in found) is example["expect"]


def test_every_rule_has_a_positive_and_a_negative_example() -> None:
    rules = default_selfcheck_rules().rules
    by_rule = {r.id: {ex["expect"] for rid, ex in EXAMPLES if rid == r.id} for r in rules}
    assert all(v == {True, False} for v in by_rule.values())
    assert {r.kind for r in rules} == KINDS
    assert all(r.title and r.basis and r.scope for r in rules)


def test_an_unknown_check_is_refused() -> None:
    bad = selfcheck_text().replace('check = "archived_checked"', 'check = "nonsense"')
    with pytest.raises(ValueError, match="nonsense"):
        parse_selfcheck_rules(bad)


def test_explanations_name_what_differs() -> None:
    # 案卡填录规范: the card's charge 盗窃罪 is not in the indictment, which names 诈骗罪 instead.
    case = build_case(EXAMPLES[0][1]["case"])
    (f,) = evaluate_selfcheck(case, default_selfcheck_rules())
    assert f.kind == "charge_mismatch"
    assert "案卡罪名“盗窃罪”未见于起诉书" in f.explanation
    assert "“诈骗罪”未见于案卡" in f.explanation
    assert f.unit == case.unit
    assert f.due == dt.date(2025, 9, 20)


def test_a_second_card_charge_missing_from_the_indictment() -> None:
    # 案卡填录规范: every charge on the card must be in the indictment.
    text = "被告人李某以非法占有为目的，秘密窃取他人财物，应当以盗窃罪追究其刑事责任。"
    case = build_case(
        {
            "charges": ["盗窃罪", "故意伤害罪"],
            "decision": {"type": "prosecute", "on": "2025-09-20"},
            "documents": [["indictment", "2025-09-20", text]],
        }
    )
    (f,) = evaluate_selfcheck(case, default_selfcheck_rules())
    assert "故意伤害罪" in f.explanation
    assert "盗窃罪”" not in f.explanation


def test_self_check_includes_monitoring_findings() -> None:
    # 刑诉法 第172条: decided 2025-11-20, long after one month (+15 days) from 2025-09-01;
    # and no indictment (流程监控规定). The defender was heard (刑诉法 第173条第1款).
    heard = [["counsel_notified", "2025-09-02", "S1"], ["opinion_heard", "2025-09-10", "S1"]]
    case = build_case({"decision": {"type": "prosecute", "on": "2025-11-20"}, "events": heard})
    found = check_case(case, rules(), [], {}, dt.date(2025, 12, 1))
    assert {f.kind for f in found} == {"document_missing", "review_overdue"}
    assert found == sorted(found, key=lambda f: f.key)


def test_clean_base_case_has_no_findings() -> None:
    assert evaluate_selfcheck(build_case({}), default_selfcheck_rules(), ENV) == []
