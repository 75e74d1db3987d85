"""One-click self-check (一键自检) of one case: its self-check findings and its monitoring ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from jianguan.domain.model import Case, Unit
from jianguan.domain.monitoring import DueBook, Finding, RuleSet
from jianguan.domain.selfcheck import CheckEnv, CheckRuleSet, evaluate_selfcheck
from jianguan.services.monitoring import check_case


def self_check(
    case: Case,
    units: Sequence[Unit],
    checks: CheckRuleSet,
    monitoring: RuleSet,
    book: DueBook,
    as_of: dt.date,
    env: CheckEnv | None = None,
) -> list[Finding]:
    """Every finding of the self-check rules and of the monitoring rules, by rule id."""
    found = evaluate_selfcheck(case, checks, env) + check_case(case, units, monitoring, book, as_of)
    return sorted(found, key=lambda f: f.key)
