"""Assignment (分案): random by default, designated with a reason; reproducible from its record.

Random assignment is the rule and designation the exception (《关于全面准确落实司法责任制的若干
意见》; law-and-practice.md M14). The draw is among the eligible prosecutors of the case's
department, weighted by open workload so that a busy prosecutor is less likely to be drawn, and
never one who has recused himself or been recused (回避, 刑事诉讼法 第29条). Who is eligible is
configuration (``rules/assignment.toml``). The seed and the candidates with their weights are
kept with the assignment, so anyone can repeat the draw and get the same prosecutor.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from jianguan.domain.model import Case, Person, Role


@dataclass(frozen=True, slots=True)
class AssignmentPolicy:
    roles: frozenset[Role]  # who handles cases: prosecutors, and department heads in the quota
    in_quota_only: bool  # 员额检察官 only (司法责任制: only quota prosecutors handle cases)
    major_needs_senior: bool  # a major or complex case goes to a senior prosecutor when any
    basis: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    person: str
    open_cases: int
    weight: float


def eligible(
    case: Case, people: Sequence[Person], recused: Collection[str], policy: AssignmentPolicy
) -> list[Person]:
    """The prosecutors who may be given the case, sorted by id (the draw's fixed order)."""
    pool = [
        p
        for p in people
        if p.unit == case.unit
        and p.department == case.department
        and p.role in policy.roles
        and (p.in_quota or not policy.in_quota_only)
        and p.id not in recused
    ]
    if case.major_complex and policy.major_needs_senior and any(p.senior for p in pool):
        pool = [p for p in pool if p.senior]
    return sorted(pool, key=lambda p: p.id)


def candidates(pool: Sequence[Person], workload: Mapping[str, int]) -> list[Candidate]:
    """Weights 1 / (1 + open cases): two open cases make a prosecutor a third as likely as none."""
    return [Candidate(p.id, workload.get(p.id, 0), 1.0 / (1 + workload.get(p.id, 0))) for p in pool]


def draw(cands: Sequence[Candidate], seed: str) -> str:
    """The drawn person: the same seed and candidates always give the same one."""
    if not cands:
        raise ValueError("no candidates to draw from")
    total = sum(c.weight for c in cands)
    point = random.Random(seed).random() * total
    for c in cands:
        point -= c.weight
        if point < 0:
            return c.person
    return cands[-1].person  # rounding at the very end of the range
