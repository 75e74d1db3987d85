"""Reading rules/responsibility.toml: list rules, referral stages, rectification and assessment."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, pack_text
from jianguan.domain.monitoring import SEVERITIES
from jianguan.domain.referral import ReferralPolicy, Stage
from jianguan.domain.responsibility import ListKind, ListRule, ResponsibilityConfig, Source


def _list_rule(rule_id: str, raw: dict[str, Any]) -> ListRule:
    where = f"responsibility.toml: lists.{rule_id}"
    if not raw.get("basis"):
        raise RuleFileError(f"{where}: basis: every list rule must cite its basis")
    try:
        kind, source = ListKind(raw["list"]), Source(raw["source"])
    except (KeyError, ValueError) as exc:
        raise RuleFileError(f"{where}: list/source: {exc}") from None
    severity = raw.get("min_severity")
    if severity is not None and severity not in SEVERITIES:
        raise RuleFileError(f"{where}: min_severity: unknown severity {severity!r}")
    return ListRule(rule_id, kind, raw["title"], source, tuple(raw["basis"]),
                    frozenset(raw.get("grades", ())), severity, raw.get("days"))  # fmt: skip


def parse_config(text: str) -> ResponsibilityConfig:
    data = tomllib.loads(text)
    ref, rect, assess = data["referral"], data["rectification"], data["assessment"]
    stages = tuple(Stage(s["id"], s["title"], int(s["days"])) for s in ref["stages"])
    if "committee" not in {s.id for s in stages}:
        raise RuleFileError("responsibility.toml: referral.stages: a committee stage is required")
    if assess.get("tolerance") not in ("exclude", "soften"):
        raise RuleFileError("responsibility.toml: assessment.tolerance: exclude | soften")
    return ResponsibilityConfig(
        lists=tuple(_list_rule(k, v) for k, v in data["lists"].items()),
        referral=ReferralPolicy(stages, tuple(ref["findings"]), tuple(ref["basis"])),
        remind_days=tuple(rect["remind_days"]),
        default_days=int(rect["default_days"]),
        inspection_months=int(rect["inspection_months"]),
        min_cases=int(assess["min_cases"]),
        confidence=float(assess["confidence"]),
        tolerance=assess["tolerance"],
        soften_weight=float(assess["soften_weight"]),
    )


@cache
def default_config() -> ResponsibilityConfig:
    return parse_config(pack_text("responsibility.toml"))
