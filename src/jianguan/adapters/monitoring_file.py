"""Reading the monitoring rule pack (rules/monitoring.toml) into domain rules."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from jianguan.domain.monitoring import CHECKS, SEVERITIES, LeadTimes, Rule, RuleSet


class RuleFileError(ValueError):
    pass


def _rule(rule_id: str, raw: dict[str, Any]) -> Rule:
    condition = dict(raw["condition"])
    check = condition.pop("check")
    if check not in CHECKS:
        raise RuleFileError(f"rule {rule_id}: unknown check {check!r}")
    if raw["severity"] not in SEVERITIES:
        raise RuleFileError(f"rule {rule_id}: unknown severity {raw['severity']!r}")
    return Rule(
        id=rule_id,
        title=raw["title"],
        kind=raw["kind"],
        severity=raw["severity"],
        basis=tuple(raw["basis"]),
        scope=frozenset(raw["scope"]),
        check=check,
        params=condition,
        explain=raw["explain"],
        warning=bool(raw.get("warning", False)),
    )


def _lead(raw: dict[str, Any]) -> LeadTimes:
    default = {k: int(v) for k, v in raw.items() if k != "province"}
    province = {
        code: {k: int(v) for k, v in table.items()}
        for code, table in raw.get("province", {}).items()
    }
    return LeadTimes(default, province)


def parse_rules(text: str) -> RuleSet:
    data = tomllib.loads(text)
    rules = tuple(_rule(rule_id, raw) for rule_id, raw in data["rules"].items())
    return RuleSet(rules, _lead(data.get("lead_time", {})))


def rule_examples(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(rule id, example) for every example case of the pack."""
    data = tomllib.loads(text)
    return [(rid, ex) for rid, raw in data["rules"].items() for ex in raw.get("examples", [])]


def rules_text() -> str:
    return resources.files("jianguan.rules").joinpath("monitoring.toml").read_text("utf-8")


@cache
def default_rules() -> RuleSet:
    return parse_rules(rules_text())
