"""The follow-up task rules (rules/followup.toml): every example run, positives found and
negatives not; the reader refuses a rule without a basis, kind, severity or source; the rulebook
carries both rules, so the ledger and its pages name them like any monitoring rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.adapters.followup_file import (
    default_followup_rules,
    parse_rules,
    rule_examples,
    rules_text,
)
from jianguan.adapters.rule_pack import RuleFileError
from jianguan.domain import followup
from jianguan.domain.followup import TaskSource
from jianguan.domain.monitoring import FindingKind, Severity
from tests.support import rules

EXAMPLES = rule_examples(rules_text())


def _day(raw: dict[str, Any], key: str) -> dt.date | None:
    return dt.date.fromisoformat(raw[key]) if key in raw else None


def _task(raw: dict[str, Any]) -> followup.Task:
    created, due = dt.date.fromisoformat(raw["created_on"]), dt.date.fromisoformat(raw["due_on"])
    done, verified = _day(raw, "done_on"), _day(raw, "verified_on")
    return followup.Task(
        1, "核查", "第一检察部", due, created, done_on=done, done_by="p1" if done else "",
        verified_on=verified, verified_by="p2" if verified else "",
        rejected_on=_day(raw, "rejected_on"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "example"), EXAMPLES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(EXAMPLES)]
)
def test_rule_example(rule_id: str, example: dict[str, Any]) -> None:
    rule = {r.id: r for r in default_followup_rules().rules}[rule_id]
    as_of = dt.date.fromisoformat(example["as_of"])
    found = followup.overdue_finding(rule, "YP000001", "440000", _task(example["task"]), "会商",
                                     as_of)  # fmt: skip
    assert (found is not None) is example["expect"]
    if found is not None:
        assert found.rule == rule_id
        assert found.basis[: len(rule.basis)] == rule.basis


def test_every_rule_has_a_positive_and_a_negative_example() -> None:
    by_rule = {
        r.id: {ex["expect"] for rid, ex in EXAMPLES if rid == r.id}
        for r in default_followup_rules().rules
    }
    assert set(by_rule) == {"meeting_task_overdue", "notice_task_overdue"}
    assert all(v == {True, False} for v in by_rule.values())


def test_the_rules_say_what_the_ledger_said_before_they_were_data() -> None:
    book = default_followup_rules()
    assert (book.meeting.id, book.meeting.kind, book.meeting.severity, book.meeting.basis) == (
        "meeting_task_overdue",
        FindingKind.MEETING_TASK_OVERDUE,
        Severity.MINOR,
        ("业务数据分析研判会商纪要确定的任务及其办结时限",),
    )
    assert (book.notice.id, book.notice.kind, book.notice.severity, book.notice.basis) == (
        "notice_task_overdue",
        FindingKind.NOTICE_TASK_OVERDUE,
        Severity.SERIOUS,
        ("上级人民检察院通报、督办事项及其整改时限",),
    )
    assert book.meeting.source is TaskSource.MEETING
    assert book.notice.source is TaskSource.NOTICE


def test_the_rulebook_names_both_rules_with_their_basis() -> None:
    info = rules().rule("notice_task_overdue")
    assert info.title == "上级院通报督办任务逾期未办结"
    assert info.basis == ("上级人民检察院通报、督办事项及其整改时限",)
    assert rules().followup == default_followup_rules()


def _without(text: str, line: str) -> str:
    assert line in text
    return text.replace(line, "", 1)


def test_a_rule_without_a_basis_is_refused() -> None:
    bad = _without(rules_text(), 'basis = ["业务数据分析研判会商纪要确定的任务及其办结时限"]\n')
    with pytest.raises(RuleFileError, match=r"followup\.toml: rule meeting_task_overdue: .*basis"):
        parse_rules(bad)


def test_an_unknown_kind_severity_or_source_is_refused() -> None:
    text = rules_text()
    for old, new, what in (
        ('kind = "notice_task_overdue"', 'kind = "late"', "kind"),
        ('severity = "情节较重"', 'severity = "很重"', "severity"),
        ('source = "notice"', 'source = "letter"', "source"),
    ):
        with pytest.raises(RuleFileError, match=f"notice_task_overdue: .*{what}"):
            parse_rules(text.replace(old, new))


def test_each_source_needs_exactly_one_rule() -> None:
    both_meeting = rules_text().replace('source = "notice"', 'source = "meeting"')
    with pytest.raises(RuleFileError, match="source meeting: exactly one rule"):
        parse_rules(both_meeting)
    meeting_only = rules_text().split("[rules.notice_task_overdue]")[0]
    with pytest.raises(
        RuleFileError, match="source notice: exactly one rule is needed, found none"
    ):
        parse_rules(meeting_only)
