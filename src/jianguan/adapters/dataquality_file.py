"""Reading the data-quality settings (rules/dataquality.toml, and a province's
``<data_dir>/dataquality.toml``, whose top-level sections replace the shipped ones)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, load_with_local, pack_text
from jianguan.domain.dataquality import DataQualityRules

__all__ = ["default_dataquality", "load_dataquality", "parse_dataquality"]


def parse_dataquality(
    text: str, source: str = "dataquality.toml", base: dict[str, Any] | None = None
) -> DataQualityRules:
    """The settings of ``text`` (``base``'s sections where ``text`` has none), or
    ``RuleFileError`` naming what is wrong."""
    try:
        raw = {**(base or {}), **tomllib.loads(text)}
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    closing = raw.get("closing", {})
    days = closing.get("grace_days")
    if type(days) is not int or days < 0:
        raise RuleFileError(
            f"{source}: closing.grace_days: a whole number of days, 0 or more, not {days!r}"
        )
    return DataQualityRules(closing_grace_days=days, note=str(closing.get("note", "")))


@cache
def default_dataquality() -> DataQualityRules:
    return parse_dataquality(pack_text("dataquality.toml"))


def load_dataquality(data_dir: Path | None) -> DataQualityRules:
    """The shipped settings, the province's file's top-level sections replacing them."""
    return load_with_local("dataquality.toml", data_dir, parse_dataquality, default_dataquality)
