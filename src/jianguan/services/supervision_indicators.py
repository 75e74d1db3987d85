"""Indicators of supervision matters (leads received, 成案率, 检察建议采纳率, replies on time), by
unit (rolled up the tree), model and period; every value drills down to its leads or matters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain.model import Unit
from jianguan.domain.supervision import LEAD_SETS, MATTER_DIMS, MatterIndicator, MatterSet
from jianguan.services.ports.supervision import MatterIndicatorSource, MatterScope


@dataclass(frozen=True, slots=True)
class MatterValue:
    indicator: str
    key: tuple[tuple[str, str | int], ...]  # (dimension, value) in the order asked
    numerator: int
    denominator: int | None
    value: float | None


def _ancestors(units: Sequence[Unit]) -> dict[str, list[str]]:
    parent = {u.code: u.parent for u in units}
    out: dict[str, list[str]] = {}
    for code in parent:
        chain: list[str] = []
        here: str | None = code
        seen = 0
        while here is not None and seen < 16:
            chain.append(here)
            here, seen = parent.get(here), seen + 1
        out[code] = chain
    return out


def below(units: Sequence[Unit], code: str) -> frozenset[str]:
    """``code`` and every unit under it."""
    return frozenset(u for u, chain in _ancestors(units).items() if code in chain)


def _counts(
    source: MatterIndicatorSource,
    which: MatterSet,
    by: Sequence[str],
    scope: MatterScope,
    units: Sequence[Unit],
) -> dict[tuple[str | int, ...], int]:
    raw = source.count(which, by, scope)
    if "unit" not in by:
        return raw
    at = list(by).index("unit")
    chains = _ancestors(units)
    out: dict[tuple[str | int, ...], int] = {}
    for key, n in raw.items():
        for up in chains.get(str(key[at]), [str(key[at])]):
            if scope.units is not None and up not in scope.units:
                continue
            rolled = (*key[:at], up, *key[at + 1 :])
            out[rolled] = out.get(rolled, 0) + n
    return out


def compute(
    source: MatterIndicatorSource,
    catalogue: Sequence[MatterIndicator],
    units: Sequence[Unit],
    scope: MatterScope,
    by: Sequence[str] = (),
    only: Sequence[str] | None = None,
) -> list[MatterValue]:
    """Every indicator (or ``only`` these) for every group of ``by`` (unit, model, year, month)."""
    unknown = [d for d in by if d not in MATTER_DIMS]
    if unknown:
        raise ValueError(f"unknown dimensions: {unknown}")
    out: list[MatterValue] = []
    for ind in catalogue:
        if only is not None and ind.id not in only:
            continue
        num = _counts(source, ind.numerator, by, scope, units)
        den = _counts(source, ind.denominator, by, scope, units) if ind.denominator else {}
        for key in sorted(set(num) | set(den), key=lambda k: tuple(str(v) for v in k)):
            n, d = num.get(key, 0), den.get(key, 0) if ind.denominator else None
            out.append(MatterValue(ind.id, tuple(zip(by, key, strict=True)), n, d,
                                   ind.value(n, d or 0)))  # fmt: skip
    return out


def drill(
    source: MatterIndicatorSource,
    indicator: MatterIndicator,
    part: str,
    scope: MatterScope,
) -> tuple[str, list[str]]:
    """("lead" or "matter", the ids behind the numerator or denominator): as many as the number."""
    which = indicator.numerator if part == "numerator" else indicator.denominator
    if which is None:
        raise ValueError(f"{indicator.id} has no {part}")
    return ("lead" if which in LEAD_SETS else "matter"), source.members(which, scope)


def scope_of(
    units: Sequence[Unit],
    as_of: dt.date,
    unit: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    model: str | None = None,
) -> MatterScope:
    return MatterScope(as_of, date_from, date_to, below(units, unit) if unit else None, model)
