"""Reading the indicator catalogue (rules/indicators.toml) into domain definitions.

Every problem is refused with the file, the indicator and the field named: an indicator
without a basis, an unknown field or cohort date, a value of the wrong type.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

from jianguan.adapters.rule_pack import pack_text
from jianguan.domain.errors import RulebookError
from jianguan.domain.indicators import (
    COHORTS,
    COUNT_UNITS,
    FIELDS,
    MAX_INDICATORS,
    VALUE_KINDS,
    Catalogue,
    Condition,
    Indicator,
    Part,
    Scalar,
    Term,
)

DEFAULT_FILE = "rules/indicators.toml"
DEFAULT_COHORT = "decision_on"


class IndicatorFileError(RulebookError):
    def __init__(self, file: str, entry: str, field: str, reason: str) -> None:
        super().__init__(f"{file}: indicator {entry}: {field}: {reason}")


class _Reader:
    """Reads one entry, so every error can name the file and the entry."""

    def __init__(self, file: str, entry: str, raw: Mapping[str, Any]) -> None:
        self.file, self.entry, self.raw = file, entry, raw

    def fail(self, field: str, reason: str) -> IndicatorFileError:
        return IndicatorFileError(self.file, self.entry, field, reason)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "required, a non-empty string")
        return value

    def choice(self, key: str, value: object, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def condition(self, where: str, count: str, name: str, value: object) -> Condition:
        field = f"{where}.{name}"
        kinds = FIELDS[count]
        if name not in kinds:
            raise self.fail(field, f"unknown field for {count}; known: {', '.join(kinds)}")
        if isinstance(value, dict):
            if set(value) != {"present"} or not isinstance(value["present"], bool):
                raise self.fail(field, "a table must be { present = true | false }")
            return Condition(name, present=value["present"])
        values = tuple(value) if isinstance(value, list) else (value,)
        if not values:
            raise self.fail(field, "an empty list matches nothing")
        for v in values:
            if type(v) is not kinds[name]:
                raise self.fail(field, f"{v!r} is not a {kinds[name].__name__}")
        return Condition(name, values=tuple(self._scalar(v) for v in values))

    @staticmethod
    def _scalar(v: object) -> Scalar:
        assert isinstance(v, str | int | bool)
        return v

    def where(self, where: str, count: str, raw: object) -> tuple[Condition, ...]:
        if not isinstance(raw, dict):
            raise self.fail(where, "must be a table of field = value")
        return tuple(self.condition(where, count, k, v) for k, v in raw.items())

    def term(self, where: str, raw: object) -> Term:
        if not isinstance(raw, dict) or set(raw) - {"count", "cohort", "where"}:
            raise self.fail(where, "a term is { count, cohort, where }")
        count = self.choice(f"{where}.count", raw.get("count"), COUNT_UNITS)
        cohort = self.choice(f"{where}.cohort", raw.get("cohort", DEFAULT_COHORT), COHORTS[count])
        return Term(count, cohort, self.where(f"{where}.where", count, raw.get("where", {})))

    def parts(self, count: str, cohort: str) -> tuple[Part, Part]:
        if "numerator_terms" in self.raw or "denominator_terms" in self.raw:
            return self._listed("numerator_terms"), self._listed("denominator_terms")
        for key in ("numerator", "denominator"):
            if key not in self.raw:
                raise self.fail(key, "required (or numerator_terms and denominator_terms)")
        den = self.where("denominator", count, self.raw["denominator"])
        num = self.where("numerator", count, self.raw["numerator"])
        within = self.raw.get("numerator_within_denominator", True)
        if not isinstance(within, bool):
            raise self.fail("numerator_within_denominator", "must be true or false")
        # Inside the denominator: the numerator is the denominator's rows that also pass its own.
        num_where = _conjoin(den, num) if within else num
        return Part((Term(count, cohort, num_where),)), Part((Term(count, cohort, den),))

    def _listed(self, key: str) -> Part:
        raw = self.raw.get(key)
        if not isinstance(raw, list) or not raw:
            raise self.fail(key, "required, a non-empty list of terms")
        return Part(tuple(self.term(f"{key}[{i}]", t) for i, t in enumerate(raw)))

    def indicator(self) -> Indicator:
        basis = self.raw.get("basis")
        if (
            not isinstance(basis, list)
            or not basis
            or not all(isinstance(b, str) and b for b in basis)
        ):
            raise self.fail("basis", "every indicator must cite its basis (a list of sources)")
        count = self.choice("count", self.raw.get("count"), ("persons", "cases"))
        kind = self.choice("kind", self.raw.get("kind", "share"), VALUE_KINDS)
        cohort = self.choice("cohort", self.raw.get("cohort", DEFAULT_COHORT), COHORTS[count])
        numerator, denominator = self.parts(count, cohort)
        family = self.raw.get("family")
        if family is not None and not (
            isinstance(family, str) and self.entry.startswith(family + ".")
        ):
            raise self.fail("family", "a family member's id is <family>.<member>")
        return Indicator(
            id=self.entry,
            zh=self.text("zh"),
            en=self.text("en"),
            definition=self.text("definition"),
            count=count,
            kind=kind,
            numerator=numerator,
            denominator=denominator,
            basis=tuple(basis),
            family=family,
        )


def _conjoin(a: tuple[Condition, ...], b: tuple[Condition, ...]) -> tuple[Condition, ...]:
    """Both filters; value lists on the same field are intersected (``decision_type`` in
    {approve, deny} and = deny is = deny), which keeps the SQL short."""
    out = list(a)
    for cond in b:
        i = next((k for k, c in enumerate(out) if c.field == cond.field and c.values), None)
        if i is None or not cond.values:
            out.append(cond)
            continue
        both = tuple(v for v in out[i].values if v in cond.values)
        if both:
            out[i] = Condition(cond.field, values=both)
        else:  # nothing can match both: keep both, so the filter is plainly false
            out.append(cond)
    return tuple(out)


def parse_catalogue(text: str, file: str = DEFAULT_FILE) -> Catalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise IndicatorFileError(file, "-", "-", f"not valid TOML: {exc}") from None
    entries = data.get("indicators")
    if not isinstance(entries, dict) or not entries:
        raise IndicatorFileError(file, "-", "indicators", "no [indicators.<id>] tables")
    if len(entries) > MAX_INDICATORS:
        raise IndicatorFileError(
            file,
            "-",
            "indicators",
            f"{len(entries)} indicators; the catalogue holds at most {MAX_INDICATORS} "
            "(目录至多50项：2024年起不再搞指标体系考核)",
        )
    return Catalogue(tuple(_Reader(file, k, v).indicator() for k, v in entries.items()))


def catalogue_text() -> str:
    return pack_text("indicators.toml")


@cache
def default_catalogue() -> Catalogue:
    return parse_catalogue(catalogue_text())
