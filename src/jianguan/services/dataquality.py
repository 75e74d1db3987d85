"""Data-quality checks over the store (数据质量检查): every stored case, case ids out."""

from __future__ import annotations

import datetime as dt

from jianguan.domain.dataquality import DataQualityRules, Issue, check_all
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork


def check_store(
    uow: UnitOfWork, unit: str | None = None, *, as_of: dt.date, rules: DataQualityRules
) -> list[Issue]:
    """Issues of every stored case as of ``as_of`` (the application's today); with ``unit``,
    those of that unit and the units below it. ``rules``: the rulebook's ``dataquality``.

    Duplicates and splits are looked for among all cases, then narrowed, so a copy entered in
    another unit is still seen. Raises ``UnknownUnit`` for a unit not in the store.
    """
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        issues = check_all(uow.cases.iter_cases(), as_of, rules)
    return issues if scope is None else [i for i in issues if i.unit in scope]
