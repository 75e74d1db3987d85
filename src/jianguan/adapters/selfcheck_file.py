"""Reading the self-check rule pack (rules/selfcheck.toml) into domain rules."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from jianguan.adapters.rule_pack import common_fields, examples, pack_text
from jianguan.domain.selfcheck import CHECKS, CheckRule, CheckRuleSet


def _rule(rule_id: str, raw: dict[str, Any]) -> CheckRule:
    return CheckRule(**common_fields(rule_id, raw, CHECKS))


def parse_selfcheck_rules(text: str) -> CheckRuleSet:
    data = tomllib.loads(text)
    return CheckRuleSet(tuple(_rule(rule_id, raw) for rule_id, raw in data["rules"].items()))


selfcheck_examples = examples


def selfcheck_text() -> str:
    return pack_text("selfcheck.toml")


@cache
def default_selfcheck_rules() -> CheckRuleSet:
    return parse_selfcheck_rules(selfcheck_text())
