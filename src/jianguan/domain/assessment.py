"""Person assessment (对人考核) and unit evaluation (对院评价), with case mix and uncertainty.

Nobody is judged on a handful of cases and nobody is ranked (the SPP's 一取消三不再, 2024).
Each prosecutor's problems are compared with what the same mix of cases would give at the
average rate of each stratum (category × charge × major or complex) — indirect
standardisation: observed O, expected E = Σ over their cases of the stratum's rate, and the
ratio O/E with a 95 % interval from Byar's approximation to the Poisson interval of O. Only a
ratio whose interval lies wholly above (or below) 1 is called worse (or better); fewer cases
than ``min_cases`` are marked "样本过少，不作判断". Three dimensions, each counted as a bad event:

* quality (质量): the case carries a negative-list entry (weighted: a tolerated entry counts
  less or not at all — 容错免责);
* efficiency (效率): a decided review that was late (a ``review_overdue`` finding);
* effect (效果): a prosecuted case ending in acquittal or withdrawal.

Unit evaluation counts a unit's list entries per 100 closed cases with a Wilson interval and
sets it against the whole province's rate; output is ordered by unit code, never by score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

Stratum = tuple[str, ...]
DIMENSIONS = ("quality", "efficiency", "effect")


@dataclass(frozen=True, slots=True)
class CaseFact:
    """One closed case of a person, with its stratum and its bad events (None: not counted)."""

    case_id: str
    person: str
    unit: str
    stratum: Stratum
    quality: float | None  # weight of negative entries on the case, capped at 1
    efficiency: float | None  # 1 if late
    effect: float | None  # 1 if acquitted or withdrawn


@dataclass(frozen=True, slots=True)
class Score:
    dimension: str
    cases: int
    observed: float
    expected: float
    ratio: float | None
    low: float | None
    high: float | None
    verdict: str  # too_few | within | better | worse


@dataclass(frozen=True, slots=True)
class PersonAssessment:
    person: str
    unit: str
    cases: int
    scores: tuple[Score, ...]


VERDICT_ZH = {
    "too_few": "样本过少，不作判断",
    "within": "与同类案件预期相当",
    "better": "明显优于同类案件预期",
    "worse": "明显差于同类案件预期",
}
UNIT_VERDICT_ZH = {
    "too_few": "样本过少，不作判断",
    "within": "与全省水平相当",
    "better": "明显好于全省水平",
    "worse": "明显差于全省水平",
}


def poisson_interval(observed: float, confidence: float) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval (good from O = 1 up).

    Below one event (weights of tolerated entries make counts fractional) the lower limit is
    taken as 0, which is conservative: it never calls anyone better on a fraction of a case.
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    low = 0.0
    if observed >= 1:
        low = observed * (1 - 1 / (9 * observed) - z / (3 * math.sqrt(observed))) ** 3
    o1 = observed + 1
    high = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return max(low, 0.0), high


def _stratum_rates(facts: Sequence[CaseFact], dim: str) -> dict[Stratum, float]:
    events: dict[Stratum, float] = defaultdict(float)
    counts: dict[Stratum, int] = defaultdict(int)
    for f in facts:
        value = getattr(f, dim)
        if value is not None:
            events[f.stratum] += value
            counts[f.stratum] += 1
    return {s: events[s] / counts[s] for s in counts}


def _score(
    dim: str,
    mine: Sequence[CaseFact],
    rates: Mapping[Stratum, float],
    min_cases: int,
    confidence: float,
) -> Score:
    counted = [f for f in mine if getattr(f, dim) is not None]
    observed = sum(getattr(f, dim) for f in counted)
    expected = sum(rates[f.stratum] for f in counted)
    if len(counted) < min_cases or expected <= 0:
        return Score(dim, len(counted), observed, expected, None, None, None, "too_few")
    low, high = poisson_interval(observed, confidence)
    ratio, lo, hi = observed / expected, low / expected, high / expected
    verdict = "worse" if lo > 1 else "better" if hi < 1 else "within"
    return Score(dim, len(counted), observed, expected, ratio, lo, hi, verdict)


def assess_people(
    facts: Sequence[CaseFact], min_cases: int, confidence: float = 0.95
) -> list[PersonAssessment]:
    """Every person's scores, in person-id order (never ranked)."""
    rates = {dim: _stratum_rates(facts, dim) for dim in DIMENSIONS}
    by_person: dict[str, list[CaseFact]] = defaultdict(list)
    for f in facts:
        by_person[f.person].append(f)
    out = []
    for person in sorted(by_person):
        mine = by_person[person]
        scores = tuple(_score(d, mine, rates[d], min_cases, confidence) for d in DIMENSIONS)
        out.append(PersonAssessment(person, mine[0].unit, len(mine), scores))
    return out


# --- unit evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitEvaluation:
    unit: str
    closed_cases: int
    positive: Mapping[str, int]  # list rule → entries
    negative: Mapping[str, float]  # list rule → weighted entries
    negative_per_100: float | None
    low: float | None
    high: float | None
    province_per_100: float | None
    verdict: str  # too_few | within | better | worse


def wilson(events: float, n: int, confidence: float) -> tuple[float, float]:
    """Wilson's score interval of ``events`` in ``n``. At the edges the bound is exact: with no
    event the lower limit is 0 (rounding left 6.9e-18, which once called a unit with no negative
    entry "明显差于" a province with none), with every case an event the upper limit is 1."""
    if n <= 0:
        raise ValueError("a rate needs at least one case")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = min(max(events, 0.0) / n, 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if p == 0 else max(centre - half, 0.0)
    high = 1.0 if p == 1 else min(centre + half, 1.0)
    return low, high


def evaluate_units(
    closed: Mapping[str, int],
    positive: Iterable[tuple[str, str]],
    negative: Iterable[tuple[str, str, float]],
    min_cases: int,
    confidence: float = 0.95,
) -> list[UnitEvaluation]:
    """Per unit: its lists and its negative entries per 100 closed cases against the province's.

    ``positive``: (unit, rule); ``negative``: (unit, rule, weight).
    """
    pos: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    neg: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for unit, rule in positive:
        pos[unit][rule] += 1
    for unit, rule, w in negative:
        neg[unit][rule] += w
    total_cases = sum(closed.values())
    total_neg = sum(sum(v.values()) for v in neg.values())
    overall = total_neg / total_cases if total_cases else None
    out = []
    for unit in sorted(set(closed) | set(pos) | set(neg)):
        n, bad = closed.get(unit, 0), sum(neg[unit].values())
        rate = low = high = None
        verdict = "too_few"
        if n >= max(min_cases, 1) and overall is not None:
            low, high = wilson(bad, n, confidence)
            rate = bad / n
            verdict = "worse" if low > overall else "better" if high < overall else "within"
        out.append(
            UnitEvaluation(
                unit,
                n,
                dict(pos[unit]),
                dict(neg[unit]),
                None if rate is None else 100 * rate,
                None if low is None else 100 * low,
                None if high is None else 100 * high,
                None if overall is None else 100 * overall,
                verdict,
            )
        )
    return out
