"""Data-quality checks over the store (数据质量检查): every stored case, case ids out."""

from __future__ import annotations

from jianguan.domain.dataquality import Issue, check_all
from jianguan.services.monitoring import units_below
from jianguan.services.ports import StoreSession


def check_store(session: StoreSession, unit: str | None = None) -> list[Issue]:
    """Issues of every stored case; with ``unit``, those of that unit and the units below it.

    Duplicates and splits are looked for among all cases, then narrowed, so a copy entered in
    another unit is still seen. Raises ``UnknownUnit`` for a unit not in the store.
    """
    scope = units_below(session.units(), unit) if unit else None
    issues = check_all(session.iter_cases())
    return issues if scope is None else [i for i in issues if i.unit in scope]
