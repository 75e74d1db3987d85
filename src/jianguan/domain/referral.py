"""Accountability referral (问题线索移送): a lead through 检务督察 to a decision, stage by stage.

人民检察院司法责任追究条例 and the 2022 检察官惩戒工作程序规定: a lead (from review, monitoring,
an acquittal, state compensation …) is received by the procuratorial inspection department
(检务督察), investigated; for a prosecutor's judicial duties the disciplinary committee gives a
professional finding — deliberate violation (故意违反法律法规), gross negligence (重大过失),
supervision and management responsibility (监督管理责任) or none — and the procuratorate
decides. Each stage has a deadline (configuration); every step is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jianguan.domain.vocabulary import Vocabulary


class ReferralSource(Vocabulary):
    """Where an accountability lead comes from."""

    REVIEW = "review", "案件质量评查", "case quality review"
    MONITORING = "monitoring", "流程监控", "flow monitoring"
    ACQUITTAL = "acquittal", "无罪判决", "acquittal"
    COMPENSATION = "compensation", "国家赔偿", "state compensation"
    COMPLAINT = "complaint", "控告申诉", "complaint"
    MANUAL = "manual", "手工移送", "referred by hand"


@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    title: str
    days: int


@dataclass(frozen=True, slots=True)
class ReferralPolicy:
    stages: tuple[Stage, ...]
    findings: tuple[str, ...]
    basis: tuple[str, ...]

    def index(self, stage: str) -> int:
        return next(i for i, s in enumerate(self.stages) if s.id == stage)

    def stage(self, stage: str) -> Stage:
        return self.stages[self.index(stage)]


@dataclass(frozen=True, slots=True)
class Step:
    stage: str
    on: dt.date
    by: str
    note: str


@dataclass(frozen=True, slots=True)
class Referral:
    id: str
    source: ReferralSource
    source_ref: str
    person: str
    unit: str
    case_id: str | None
    stage: str
    stage_since: dt.date
    steps: tuple[Step, ...]
    finding: str | None = None
    decision: str | None = None
    closed_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReferralError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def open_referral(
    policy: ReferralPolicy,
    rid: str,
    source: ReferralSource,
    source_ref: str,
    person: str,
    unit: str,
    case_id: str | None,
    on: dt.date,
    by: str,
    note: str,
) -> Referral:
    first = policy.stages[0].id
    return Referral(
        rid, source, source_ref, person, unit, case_id, first, on, (Step(first, on, by, note),)
    )


def advance(
    policy: ReferralPolicy,
    r: Referral,
    on: dt.date,
    by: str,
    note: str,
    finding: str | None = None,
    decision: str | None = None,
) -> Referral:
    """Move to the next stage; the committee stage records a finding, the last the decision."""
    if not r.is_open:
        raise ReferralError("线索已办结", "the referral is closed")
    if on < r.stage_since:
        raise ReferralError("日期早于上一环节", "date before the previous step")
    nxt = policy.index(r.stage) + 1
    if nxt >= len(policy.stages):
        raise ReferralError("已是最后环节", "already at the last stage")
    stage = policy.stages[nxt].id
    if stage == "committee":
        if finding not in policy.findings:
            allowed = "、".join(policy.findings)
            raise ReferralError(
                f"惩戒委员会意见须为：{allowed}", f"finding must be one of {allowed}"
            )
    elif finding is not None:
        raise ReferralError(
            "只有惩戒委员会审查环节记录责任认定", "a finding belongs to the committee stage"
        )
    last = nxt == len(policy.stages) - 1
    if last and not (decision and decision.strip()):
        raise ReferralError("作出处理决定须写明决定内容", "the decision stage needs the decision")
    steps = (*r.steps, Step(stage, on, by, note))
    return replace(
        r,
        stage=stage,
        stage_since=on,
        steps=steps,
        finding=finding if finding is not None else r.finding,
        decision=decision.strip() if last and decision else r.decision,
        closed_on=on if last else None,
    )


def due(policy: ReferralPolicy, r: Referral) -> dt.date | None:
    """When the current stage must be done: its start plus its days (None once closed)."""
    if not r.is_open:
        return None
    return r.stage_since + dt.timedelta(days=policy.stage(r.stage).days)


def overdue(
    policy: ReferralPolicy, referrals: Sequence[Referral], as_of: dt.date
) -> list[Referral]:
    return [r for r in referrals if (d := due(policy, r)) is not None and d < as_of]
