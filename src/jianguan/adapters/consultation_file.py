"""Reading the consultation rules (rules/consultation.toml, and a province's
``<data_dir>/consultation.toml``, whose top-level sections replace the shipped ones)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, load_with_local, pack_text
from jianguan.domain.consultation import ConsultationRules, FormField, FormSpec, PanelCriterion
from jianguan.domain.model import CaseCategory, Role
from jianguan.domain.supervision import Line


def _basis(where: str, raw: dict[str, Any]) -> tuple[str, ...]:
    basis = raw.get("basis")
    if not basis or not all(isinstance(b, str) and b.strip() for b in basis):
        raise RuleFileError(f"{where}: basis: every entry must cite its basis")
    return tuple(basis)


def _categories(where: str, raw: dict[str, Any]) -> frozenset[CaseCategory]:
    out = set()
    for code in raw.get("categories", []):
        cat = CaseCategory.parse(str(code))
        if cat is None:
            raise RuleFileError(f"{where}: categories: unknown case category {code!r}")
        out.add(cat)
    if not out:
        raise RuleFileError(f"{where}: categories: name at least one case category")
    return frozenset(out)


def _field(where: str, raw: dict[str, Any]) -> FormField:
    key, zh = str(raw.get("key", "")).strip(), str(raw.get("zh", "")).strip()
    if not key or not zh:
        raise RuleFileError(f"{where}: a form field needs its key and its Chinese label")
    return FormField(key, zh, str(raw.get("en", key)), bool(raw.get("required", True)))


def _fields(where: str, items: list[dict[str, Any]]) -> tuple[FormField, ...]:
    fields = tuple(_field(f"{where}[{i}]", f) for i, f in enumerate(items))
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise RuleFileError(f"{where}: a field key is repeated")
    return fields


def _line(where: str, code: object) -> Line:
    line = Line.parse(str(code))
    if line is None:
        raise RuleFileError(f"{where}: unknown line {code!r}")
    return line


def parse_consultation(
    text: str, source: str = "consultation.toml", base: dict[str, Any] | None = None
) -> ConsultationRules:
    try:
        raw = {**(base or {}), **tomllib.loads(text)}
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    panel = raw.get("panel", {})
    lines = tuple(_line(f"{source}: panel.lines", c) for c in panel.get("lines", []))
    departments = {
        _line(f"{source}: panel.departments", code): tuple(str(d) for d in depts)
        for code, depts in panel.get("departments", {}).items()
    }
    for line in lines:
        if not departments.get(line):
            raise RuleFileError(f"{source}: panel.departments: no department for {line.value}")
    roles = set()
    for code in panel.get("roles", ["prosecutor", "department_head"]):
        role = Role.parse(str(code))
        if role is None:
            raise RuleFileError(f"{source}: panel.roles: unknown role {code!r}")
        roles.add(role)
    criteria = []
    for i, c in enumerate(panel.get("when", [])):
        where = f"{source}: panel.when[{i}]"
        criteria.append(
            PanelCriterion(
                str(c.get("id", f"when{i}")),
                str(c.get("zh", "")),
                _categories(where, c),
                bool(c.get("major_only")),
                bool(c.get("junior_handler_only")),
                _basis(where, c),
            )
        )
    per_line = int(panel.get("per_line", 1))
    if per_line < 1:
        raise RuleFileError(f"{source}: panel.per_line: at least one member per line")
    forms = []
    for form_id, f in raw.get("forms", {}).items():
        where = f"{source}: forms.{form_id}"
        fields = _fields(where, f.get("fields", []))
        if not any(x.required for x in fields):
            raise RuleFileError(f"{where}: fields: a form needs at least one required field")
        forms.append(
            FormSpec(
                form_id,
                str(f["zh"]),
                str(f.get("en", form_id)),
                _categories(where, f),
                fields,
                _basis(where, f),
            )
        )
    claimed = [c for f in forms for c in f.categories]
    if len(set(claimed)) != len(claimed):
        raise RuleFileError(f"{source}: forms: a case category has two review forms")
    opinion = _fields(f"{source}: opinion", raw.get("opinion", []))
    if not opinion:
        raise RuleFileError(f"{source}: opinion: the member's opinion form needs its fields")
    return ConsultationRules(
        criteria=tuple(criteria),
        lines=lines,
        departments=departments,
        per_line=per_line,
        roles=frozenset(roles),
        opinion_fields=opinion,
        forms=tuple(forms),
        basis=_basis(source, raw),
    )


@cache
def default_consultation() -> ConsultationRules:
    return parse_consultation(pack_text("consultation.toml"))


def load_consultation(data_dir: Path | None) -> ConsultationRules:
    """The shipped rules, the province's file's top-level sections replacing them."""
    return load_with_local("consultation.toml", data_dir, parse_consultation, default_consultation)
