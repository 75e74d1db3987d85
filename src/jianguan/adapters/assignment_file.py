"""Reading the assignment policy (rules/assignment.toml)."""

from __future__ import annotations

import tomllib
from functools import cache

from jianguan.adapters.rule_pack import RuleFileError, pack_text
from jianguan.domain.assignment import AssignmentPolicy
from jianguan.domain.model import Role


def parse_policy(text: str, source: str = "assignment.toml") -> AssignmentPolicy:
    raw = tomllib.loads(text).get("policy")
    if not isinstance(raw, dict):
        raise RuleFileError(f"{source}: [policy] is missing")
    roles = raw.get("roles", [])
    unknown = [r for r in roles if r not in {x.value for x in Role}]
    if not roles or unknown:
        raise RuleFileError(f"{source}: policy.roles: unknown or no roles {unknown}")
    if not raw.get("basis"):
        raise RuleFileError(f"{source}: policy.basis: the policy must cite its basis")
    return AssignmentPolicy(
        roles=frozenset(Role(r) for r in roles),
        in_quota_only=bool(raw.get("in_quota_only", True)),
        major_needs_senior=bool(raw.get("major_needs_senior", False)),
        basis=tuple(raw["basis"]),
    )


@cache
def default_policy() -> AssignmentPolicy:
    return parse_policy(pack_text("assignment.toml"))
