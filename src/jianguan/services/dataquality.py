"""Data-quality checks over the store (数据质量检查): every stored case, case ids out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from jianguan.domain.dataquality import DataQualityRules, Issue, check_all
from jianguan.domain.model import Case
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork

_BATCH = 2000


def check_store(
    uow: UnitOfWork, unit: str | None = None, *, as_of: dt.date, rules: DataQualityRules
) -> list[Issue]:
    """Issues of every stored case as of ``as_of`` (the application's today); with ``unit``,
    those of that unit and the units below it. ``rules``: the rulebook's ``dataquality``.

    Only the cases the store names as able to fail a check are read (``cases_to_check``).
    The scope is taken before the duplicates and splits are looked for: both are cases of one
    unit and stage (``domain.dataquality.CrossCase`` keys them by unit), so a case's partners
    are always in its own unit's scope. Raises ``UnknownUnit`` for a unit not in the store.
    """
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        ids = uow.cases.cases_to_check(scope)
        return check_all(_loaded(uow, ids), as_of, rules)


def _loaded(uow: UnitOfWork, ids: Sequence[str]) -> Iterator[Case]:
    for start in range(0, len(ids), _BATCH):
        yield from uow.cases.load_cases(ids[start : start + _BATCH]).values()
