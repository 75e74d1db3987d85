"""What every rule pack (rules/*.toml) shares: the common fields of a rule, its examples, its file."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from importlib import resources
from typing import Any

from jianguan.domain.errors import RulebookError
from jianguan.domain.monitoring import FindingKind, Severity


class RuleFileError(RulebookError):
    pass


def common_fields(rule_id: str, raw: dict[str, Any], checks: Collection[str]) -> dict[str, Any]:
    """The fields every rule has, checked: a known check and severity, and a cited basis."""
    condition = dict(raw["condition"])
    check = condition.pop("check")
    if check not in checks:
        raise RuleFileError(f"rule {rule_id}: unknown check {check!r}")
    severity = Severity.parse(str(raw["severity"]))
    if severity is None:
        raise RuleFileError(f"rule {rule_id}: unknown severity {raw['severity']!r}")
    if not raw.get("basis"):
        raise RuleFileError(f"rule {rule_id}: every rule must cite its basis")
    kind = FindingKind.parse(str(raw["kind"]))
    if kind is None:
        raise RuleFileError(
            f"rule {rule_id}: unknown kind {raw['kind']!r} (docs/format.md lists the kinds)"
        )
    return {
        "id": rule_id,
        "title": raw["title"],
        "kind": kind,
        "severity": severity,
        "basis": tuple(raw["basis"]),
        "scope": frozenset(raw["scope"]),
        "check": check,
        "params": condition,
    }


def examples(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(rule id, example) for every example case of a pack."""
    data = tomllib.loads(text)
    return [(rid, ex) for rid, raw in data["rules"].items() for ex in raw.get("examples", [])]


def pack_text(name: str) -> str:
    return resources.files("jianguan.rules").joinpath(name).read_text("utf-8")
