"""Reading the monitoring rule pack (rules/monitoring.toml) into domain rules."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, common_fields, examples, pack_text
from jianguan.domain.monitoring import CHECKS, LeadTimes, Rule, RuleSet

__all__ = ["RuleFileError", "default_rules", "parse_rules", "rule_examples", "rules_text"]


def _rule(rule_id: str, raw: dict[str, Any]) -> Rule:
    fields = common_fields(rule_id, raw, CHECKS)
    return Rule(**fields, explain=raw["explain"], warning=bool(raw.get("warning", False)))


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


rule_examples = examples


def rules_text() -> str:
    return pack_text("monitoring.toml")


@cache
def default_rules() -> RuleSet:
    return parse_rules(rules_text())
