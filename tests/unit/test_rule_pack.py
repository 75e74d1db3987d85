"""Every rule pack refuses a rule that does not cite its basis (the law is data with a citation)."""

from __future__ import annotations

import pytest

from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.rule_pack import RuleFileError, common_fields
from jianguan.adapters.selfcheck_file import default_selfcheck_rules


def test_uncited_rule_is_refused() -> None:
    raw = {
        "condition": {"check": "c"},
        "severity": "情节轻微",
        "basis": [],
        "title": "t",
        "kind": "k",
        "scope": [],
    }
    with pytest.raises(RuleFileError, match="basis"):
        common_fields("r", raw, {"c"})


def test_shipped_packs_cite_every_rule() -> None:
    rules = [*default_rules().rules, *default_selfcheck_rules().rules]
    assert len(rules) >= 15
    assert all(rule.basis for rule in rules)
