"""Reading the follow-up task rules (rules/followup.toml): the overdue meeting and notice tasks."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, examples, finding_fields, pack_text
from jianguan.domain.followup import FollowUpRule, FollowUpRules, TaskSource

__all__ = ["default_followup_rules", "parse_rules", "rule_examples", "rules_text"]


def _rule(source: str, rule_id: str, raw: dict[str, Any]) -> FollowUpRule:
    try:
        fields = finding_fields(rule_id, raw)
    except RuleFileError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    watched = TaskSource.parse(str(raw.get("source", "")))
    if watched is None:
        raise RuleFileError(
            f"{source}: rule {rule_id}: source: must be one of "
            f"{sorted(s.value for s in TaskSource)}, not {raw.get('source')!r}"
        )
    return FollowUpRule(**fields, source=watched, note=str(raw.get("note", "")))


def parse_rules(text: str, source: str = "followup.toml") -> FollowUpRules:
    """The rules of ``text``: exactly one for the tasks of each source, or ``RuleFileError``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    by_source: dict[TaskSource, list[FollowUpRule]] = {s: [] for s in TaskSource}
    for rule_id, raw in data.get("rules", {}).items():
        rule = _rule(source, rule_id, raw)
        by_source[rule.source].append(rule)
    for watched, found in by_source.items():
        if len(found) != 1:
            ids = ", ".join(r.id for r in found) or "none"
            raise RuleFileError(
                f"{source}: source {watched.value}: exactly one rule is needed, found {ids}"
            )
    return FollowUpRules(
        meeting=by_source[TaskSource.MEETING][0], notice=by_source[TaskSource.NOTICE][0]
    )


rule_examples = examples


def rules_text() -> str:
    return pack_text("followup.toml")


@cache
def default_followup_rules() -> FollowUpRules:
    return parse_rules(rules_text())
