"""Reading the self-check rule pack (rules/selfcheck.toml) into domain rules."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from jianguan.adapters.monitoring_file import RuleFileError
from jianguan.domain.monitoring import SEVERITIES
from jianguan.domain.selfcheck import CHECKS, CheckRule, CheckRuleSet


def _rule(rule_id: str, raw: dict[str, Any]) -> CheckRule:
    condition = dict(raw["condition"])
    check = condition.pop("check")
    if check not in CHECKS:
        raise RuleFileError(f"rule {rule_id}: unknown check {check!r}")
    if raw["severity"] not in SEVERITIES:
        raise RuleFileError(f"rule {rule_id}: unknown severity {raw['severity']!r}")
    return CheckRule(
        id=rule_id,
        title=raw["title"],
        kind=raw["kind"],
        severity=raw["severity"],
        basis=tuple(raw["basis"]),
        scope=frozenset(raw["scope"]),
        check=check,
        params=condition,
    )


def parse_selfcheck_rules(text: str) -> CheckRuleSet:
    data = tomllib.loads(text)
    return CheckRuleSet(tuple(_rule(rule_id, raw) for rule_id, raw in data["rules"].items()))


def selfcheck_examples(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(rule id, example) for every example case of the pack."""
    data = tomllib.loads(text)
    return [(rid, ex) for rid, raw in data["rules"].items() for ex in raw.get("examples", [])]


def selfcheck_text() -> str:
    return resources.files("jianguan.rules").joinpath("selfcheck.toml").read_text("utf-8")


@cache
def default_selfcheck_rules() -> CheckRuleSet:
    return parse_selfcheck_rules(selfcheck_text())
