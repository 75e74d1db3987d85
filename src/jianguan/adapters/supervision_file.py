"""Reading the supervision-matter rules (rules/supervision.toml, and a province's
``<data_dir>/supervision.toml``, whose sections replace the shipped ones)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, load_with_local, pack_text
from jianguan.domain.monitoring import FindingKind, Severity
from jianguan.domain.supervision import (
    MATTER_CHECKS,
    Line,
    MatterDecision,
    MatterRule,
    MeetingKind,
    ReplyPeriod,
    Reservation,
    SupervisionRules,
)


def _basis(where: str, raw: dict[str, Any]) -> tuple[str, ...]:
    basis = raw.get("basis")
    if not basis or not all(isinstance(b, str) and b.strip() for b in basis):
        raise RuleFileError(f"{where}: basis: every entry must cite its basis")
    return tuple(basis)


def _rule(source: str, rule_id: str, raw: dict[str, Any]) -> MatterRule:
    where = f"{source}: rules.{rule_id}"
    kind = FindingKind.parse(str(raw.get("kind", "")))
    severity = Severity.parse(str(raw.get("severity", "")))
    if kind is None:
        raise RuleFileError(f"{where}: kind: unknown kind {raw.get('kind')!r}")
    if severity is None:
        raise RuleFileError(f"{where}: severity: unknown severity {raw.get('severity')!r}")
    if raw.get("check") not in MATTER_CHECKS:
        raise RuleFileError(f"{where}: check: must be one of {sorted(MATTER_CHECKS)}")
    return MatterRule(
        rule_id, str(raw["title"]), kind, severity, _basis(where, raw), str(raw["check"]),
        str(raw["explain"]),
    )  # fmt: skip


def _reply(source: str, code: str, raw: dict[str, Any]) -> ReplyPeriod:
    where = f"{source}: reply.{code}"
    decision = MatterDecision.parse(code)
    if decision is None:
        raise RuleFileError(f"{where}: unknown decision {code!r}")
    months, days = int(raw.get("months", 0)), int(raw.get("days", 0))
    if months < 0 or days < 0 or months + days == 0:
        raise RuleFileError(f"{where}: months/days: a period needs a positive length")
    return ReplyPeriod(decision, months, days, _basis(where, raw), str(raw.get("note", "")))


def _reservation(source: str, i: int, raw: dict[str, Any]) -> Reservation:
    where = f"{source}: meetings[{i}]"
    subject = raw.get("subject")
    if subject not in ("matter", "case"):
        raise RuleFileError(f"{where}: subject: must be matter or case")
    kind = MeetingKind.parse(str(raw.get("kind", "")))
    if kind is None:
        raise RuleFileError(f"{where}: kind: must be joint or committee")
    decision = str(raw.get("decision", ""))
    if subject == "matter" and decision != "*" and MatterDecision.parse(decision) is None:
        raise RuleFileError(f"{where}: decision: unknown matter decision {decision!r}")
    return Reservation(subject, decision, kind, bool(raw.get("major_only")), _basis(where, raw))


def parse_rules(
    text: str, source: str = "supervision.toml", base: dict[str, Any] | None = None
) -> SupervisionRules:
    try:
        raw = {**(base or {}), **tomllib.loads(text)}
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    handling = raw.get("handling", {})
    departments = {}
    for code, name in raw.get("departments", {}).items():
        line = Line.parse(code)
        if line is None:
            raise RuleFileError(f"{source}: departments.{code}: unknown line")
        departments[line] = str(name)
    reply = {}
    for code, entry in raw.get("reply", {}).items():
        period = _reply(source, code, entry)
        reply[period.decision] = period
    return SupervisionRules(
        reply=reply,
        handling_months=int(handling.get("months", 3)),
        handling_basis=_basis(f"{source}: handling", handling),
        warn_days=int(raw.get("warning", {}).get("days", 5)),
        departments=departments,
        rules=tuple(_rule(source, k, v) for k, v in raw.get("rules", {}).items()),
        reservations=tuple(
            _reservation(source, i, m) for i, m in enumerate(raw.get("meetings", []))
        ),
    )


@cache
def default_supervision_rules() -> SupervisionRules:
    return parse_rules(pack_text("supervision.toml"))


def load_supervision_rules(data_dir: Path | None) -> SupervisionRules:
    """The shipped rules, the province's file's top-level sections replacing them."""
    return load_with_local("supervision.toml", data_dir, parse_rules, default_supervision_rules)
