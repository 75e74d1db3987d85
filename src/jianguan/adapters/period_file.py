"""Reads the statutory-period rule pack (src/jianguan/rules/periods.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from jianguan.domain.errors import RulebookError
from jianguan.domain.periods import (
    CONDITIONS,
    ChainStep,
    Length,
    MonthRule,
    PeriodDefinition,
    Variant,
)


class PeriodFileError(RulebookError):
    pass


def _variant(period_id: str, raw: dict[str, Any]) -> Variant:
    when = frozenset(raw.get("when", ()))
    if not when <= CONDITIONS:
        raise PeriodFileError(f"periods.{period_id}: unknown condition {sorted(when - CONDITIONS)}")
    if not raw.get("basis"):
        raise PeriodFileError(f"periods.{period_id}: every variant must cite its basis")
    extension = raw.get("extension")
    return Variant(
        when,
        Length.parse(raw["length"]),
        tuple(raw["basis"]),
        Length.parse(extension) if extension else None,
    )


def _month_rule(period_id: str, value: object) -> MonthRule:
    try:
        return MonthRule(str(value))
    except ValueError:
        raise PeriodFileError(
            f"periods.{period_id}: months must be 'criminal' or 'civil', not {value!r}"
        ) from None


def _flag(period_id: str, name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise PeriodFileError(f"periods.{period_id}: {name} must be true or false, not {value!r}")
    return value


def parse_periods(text: str) -> dict[str, PeriodDefinition]:
    doc = tomllib.loads(text)
    out = {}
    for period_id, raw in doc.get("periods", {}).items():
        out[period_id] = PeriodDefinition(
            id=period_id,
            title=raw["title"],
            title_en=raw["title_en"],
            variants=tuple(_variant(period_id, v) for v in raw["variants"]),
            chain=tuple(
                ChainStep(Length.parse(c["length"]), tuple(c["basis"]), c["approver"])
                for c in raw.get("chain", ())
            ),
            restart=raw.get("restart"),
            max_count=raw.get("max_count"),
            months=_month_rule(period_id, raw.get("months", "criminal")),
            custody=_flag(period_id, "custody", raw.get("custody", False)),
        )
    return out


@cache
def default_periods() -> dict[str, PeriodDefinition]:
    text = resources.files("jianguan.rules").joinpath("periods.toml").read_text("utf-8")
    return parse_periods(text)
