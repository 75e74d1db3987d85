"""Reading the review policy (rules/review.toml) into ``domain.review.ReviewPolicy``.

A trigger, special review or standard item without a cited basis is refused, as is a trigger with
an unknown check or a grade with an unknown outcome: a policy that cannot be applied as written
must not be applied at all.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jianguan.adapters.rule_pack import RuleFileError, pack_text
from jianguan.domain.model import Role
from jianguan.domain.review import (
    OUTCOMES,
    TRIGGER_CHECKS,
    GradeDef,
    GradeScale,
    ReviewPolicy,
    Sampling,
    SpecialCriteria,
    Standard,
    StandardItem,
    Standards,
    Trigger,
)


def _basis(what: str, raw: dict[str, Any]) -> tuple[str, ...]:
    if not raw.get("basis"):
        raise RuleFileError(f"{what}: every entry must cite its basis")
    return tuple(raw["basis"])


def _trigger(tid: str, raw: dict[str, Any]) -> Trigger:
    condition = dict(raw["condition"])
    check = condition.pop("check")
    if check not in TRIGGER_CHECKS:
        raise RuleFileError(f"trigger {tid}: unknown check {check!r}")
    return Trigger(
        tid, raw["title"], _basis(f"trigger {tid}", raw), check, condition, raw.get("enabled", True)
    )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _special(sid: str, raw: dict[str, Any]) -> SpecialCriteria:
    return SpecialCriteria(
        sid,
        raw["title"],
        _basis(f"special review {sid}", raw),
        frozenset(raw.get("categories", ())),
        frozenset(raw.get("charges", ())),
        frozenset(raw.get("decisions", ())),
        frozenset(raw.get("units", ())),
        _date(raw.get("closed_from")),
        _date(raw.get("closed_to")),
        frozenset(raw.get("finding_kinds", ())),
    )


def _grade(raw: dict[str, Any]) -> GradeDef:
    outcome = raw.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise RuleFileError(f"grade {raw['code']}: unknown outcome {outcome!r}")
    if outcome == "rectification" and not raw.get("deadline_days"):
        raise RuleFileError(f"grade {raw['code']}: a rectification needs deadline_days")
    return GradeDef(
        raw["code"],
        raw["zh"],
        raw["en"],
        float(raw["min_score"]),
        tuple(raw.get("aliases", ())),
        outcome,
        raw.get("deadline_days"),
        raw.get("suggested", True),
    )


def _standard(sid: str, raw: dict[str, Any], codes: set[str]) -> Standard:
    items = []
    for iid, item in raw["items"].items():
        full = f"{sid}.{iid}"
        caps = item.get("caps")
        if caps is not None and caps not in codes:
            raise RuleFileError(f"item {full}: caps names unknown grade {caps!r}")
        items.append(
            StandardItem(
                full,
                sid,
                item["title"],
                float(item["deduct"]),
                _basis(f"item {full}", item),
                caps,
                frozenset(item.get("kinds", ())),
            )
        )
    return Standard(sid, raw["title"], tuple(items))


def parse_review_policy(text: str) -> ReviewPolicy:
    data = tomllib.loads(text)
    try:
        grades = tuple(_grade(g) for g in data["grades"])
        codes = {g.code for g in grades}
        routine = data["routine"]
        return ReviewPolicy(
            Sampling(float(routine.get("share", 0.05)), routine.get("count"), routine["minimum"]),
            tuple(_trigger(k, v) for k, v in data["triggers"].items()),
            tuple(_special(k, v) for k, v in data.get("specials", {}).items()),
            Standards(
                tuple(_standard(k, v, codes) for k, v in data["standards"].items()),
                GradeScale(grades),
            ),
            frozenset(Role(r) for r in data["reviewers"]["roles"]),
            frozenset(data["reverse"]["outcomes"]),
            frozenset(data["reverse"]["categories"]),
            int(data["reviewers"].get("objection_days", 5)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RuleFileError):
            raise
        raise RuleFileError(f"review policy: missing or invalid field {exc}") from None


def review_text() -> str:
    return pack_text("review.toml")


@cache
def default_review_policy() -> ReviewPolicy:
    return parse_review_policy(review_text())


def load_review_policy(data_dir: Path | None) -> ReviewPolicy:
    """``<data_dir>/review.toml`` when a deployment has its own policy, else the packaged one."""
    if data_dir is not None:
        local = data_dir / "review.toml"
        if local.is_file():
            return parse_review_policy(local.read_text("utf-8"))
    return default_review_policy()
