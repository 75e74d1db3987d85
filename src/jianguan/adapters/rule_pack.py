"""What every rule pack (rules/*.toml) shares: the common fields of a rule, its examples, its file."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jianguan.domain.errors import RulebookError
from jianguan.domain.monitoring import FindingKind, Severity


class RuleFileError(RulebookError):
    pass


_T = TypeVar("_T")


def finding_fields(rule_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    """What a rule's finding says, checked: its title, a known kind and severity, a cited basis."""
    severity = Severity.parse(str(raw.get("severity")))
    if severity is None:
        raise RuleFileError(f"rule {rule_id}: unknown severity {raw.get('severity')!r}")
    basis = raw.get("basis")
    if not basis or not all(isinstance(b, str) and b.strip() for b in basis):
        raise RuleFileError(f"rule {rule_id}: every rule must cite its basis")
    kind = FindingKind.parse(str(raw.get("kind")))
    if kind is None:
        raise RuleFileError(
            f"rule {rule_id}: unknown kind {raw.get('kind')!r} (docs/format.md lists the kinds)"
        )
    if not str(raw.get("title", "")).strip():
        raise RuleFileError(f"rule {rule_id}: title: every rule needs a Chinese title")
    return {
        "id": rule_id,
        "title": str(raw["title"]),
        "kind": kind,
        "severity": severity,
        "basis": tuple(basis),
    }


def common_fields(rule_id: str, raw: dict[str, Any], checks: Collection[str]) -> dict[str, Any]:
    """The fields every case rule has, checked: a known check and severity, and a cited basis."""
    condition = dict(raw["condition"])
    check = condition.pop("check")
    if check not in checks:
        raise RuleFileError(f"rule {rule_id}: unknown check {check!r}")
    return {
        **finding_fields(rule_id, raw),
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


Parse = Callable[[str, str, dict[str, Any] | None], _T]


def load_with_local(
    name: str, data_dir: Path | None, parse: Parse[_T], shipped: Callable[[], _T]
) -> _T:
    """A pack as shipped (``shipped()``), or, when ``data_dir`` holds a file of that ``name``,
    that file parsed over the shipped one: its top-level sections replace the shipped ones."""
    local = data_dir / name if data_dir is not None else None
    if local is None or not local.is_file():
        return shipped()
    return parse(local.read_text("utf-8"), str(local), tomllib.loads(pack_text(name)))
