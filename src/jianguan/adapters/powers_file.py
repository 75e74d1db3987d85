"""Reading the lists of prosecutors' powers (rules/powers.toml) into domain lists.

Lists added by a procuratorate go in ``<data_dir>/powers.d/*.toml`` (same layout); a list there
with the id of a shipped one replaces it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, pack_text
from jianguan.domain.model import DecisionType, Role
from jianguan.domain.powers import Power, PowersBook, PowersList

_DECISIONS = {"*", *(d.value for d in DecisionType)}
_APPROVERS = {Role.CHIEF.value, Role.DEPUTY_CHIEF.value, Role.DEPARTMENT_HEAD.value}


def _power(where: str, raw: dict[str, Any]) -> Power:
    decision = raw.get("decision")
    if decision not in _DECISIONS:
        raise RuleFileError(f"{where}: decision: unknown decision type {decision!r}")
    if raw.get("approver") not in _APPROVERS:
        raise RuleFileError(f"{where}: approver: must be one of {sorted(_APPROVERS)}")
    if not raw.get("basis"):
        raise RuleFileError(f"{where}: basis: every entry must cite its basis")
    return Power(
        decision=decision,
        major_only=bool(raw.get("major_only", False)),
        approver=Role(raw["approver"]),
        delegable=bool(raw.get("delegable", False)),
        basis=tuple(raw["basis"]),
    )


def _entries(
    lists: dict[str, Any], list_id: str, source: str, seen: tuple[str, ...] = ()
) -> list[Power]:
    if list_id in seen:
        raise RuleFileError(f"{source}: lists.{list_id}: extends itself through {' → '.join(seen)}")
    raw = lists.get(list_id)
    if raw is None:
        raise RuleFileError(f"{source}: lists.{seen[-1]}: extends unknown list {list_id!r}")
    own = [
        _power(f"{source}: lists.{list_id}.entries[{i}]", e)
        for i, e in enumerate(raw.get("entries", []))
    ]
    parent = raw.get("extends")
    if parent is None:
        return own
    keys = {(p.decision, p.major_only) for p in own}
    inherited = _entries(lists, parent, source, (*seen, list_id))
    return [p for p in inherited if (p.decision, p.major_only) not in keys] + own


def _book(lists: dict[str, Any], source: str) -> PowersBook:
    out = []
    for list_id, raw in lists.items():
        if "title" not in raw:
            raise RuleFileError(f"{source}: lists.{list_id}: title: missing")
        out.append(
            PowersList(
                id=list_id,
                title=raw["title"],
                provinces=frozenset(raw.get("provinces", ())),
                powers=tuple(_entries(lists, list_id, source)),
            )
        )
    if sum(1 for lst in out if not lst.provinces) != 1:
        raise RuleFileError(f"{source}: exactly one list must have no provinces (the default)")
    return PowersBook(tuple(out))


def _lists(text: str, source: str) -> dict[str, Any]:
    try:
        return dict(tomllib.loads(text).get("lists", {}))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{source}: {exc}") from None


def parse_powers(text: str, source: str = "powers.toml") -> PowersBook:
    return _book(_lists(text, source), source)


@cache
def default_powers() -> PowersBook:
    return parse_powers(pack_text("powers.toml"))


def load_powers(data_dir: Path | None = None) -> PowersBook:
    """The shipped lists, with those under ``<data_dir>/powers.d`` merged in (same id replaces)."""
    extra = sorted((data_dir / "powers.d").glob("*.toml")) if data_dir is not None else []
    if not extra:
        return default_powers()
    lists = _lists(pack_text("powers.toml"), "powers.toml")
    for path in extra:
        lists.update(_lists(path.read_text("utf-8"), str(path)))
    return _book(lists, "powers.toml + powers.d")
