"""Synthetic supervision leads and matters (重大监督事项) with planted defects and their truth.

Given a province's units and staff (a generated or imported data set), it draws leads as big-data
supervision models push them — a few models per line, each with its rule, the facts and records it
rests on, the body concerned — and from them matters handled the way the rules want: screened,
registered with a prosecutor of the line's department, verified by review, investigation and
inquiry, decided, answered on time, followed up, closed behind the gate. A share of the matters
carries exactly one planted defect (its truth row says which):

- ``supervision_reply_overdue``: the body answered after the period, or has not answered (a
  follow-up already opened, so nothing else is wrong);
- ``supervision_decision_without_steps``: a recommendation decided with no step on record;
- ``supervision_closed_open_follow_up``: closed while the follow-up of a rejected reply is open;
- ``meeting_record_missing``: a decision reserved to the procuratorial committee decided without
  its record: a protest with no meeting at all, or — on a model that leads to a retrial
  recommendation — a 再审检察建议 discussed only by a joint meeting (民事诉讼监督规则 2021
  第87条: "人民检察院提出再审检察建议，应当经本院检察委员会决定").

A clean matter whose decision the rules reserve to a meeting (``[[meetings]]`` of
rules/supervision.toml: a protest, a retrial recommendation) has that meeting the day before.

A clean matter has no finding at all as of ``as_of``, so recall and precision can be scored over
every finding. Pure: the calendar and the rules are passed in; same seed, same matters.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.model import Person, Role, Unit
from jianguan.domain.monitoring import FindingKind
from jianguan.domain.supervision import (
    AWAITS_REPLY,
    Lead,
    LeadStatus,
    Line,
    Matter,
    MatterDecision,
    MatterEvent,
    MatterEventType,
    Meeting,
    MeetingKind,
    Opinion,
    ReplyOutcome,
    StepKind,
    SupervisionRules,
    with_event,
)

MODELS: Mapping[Line, tuple[tuple[str, str, str, str], ...]] = {
    # (model, rule, the body concerned (pattern), the decision it usually leads to)
    Line.CRIMINAL: (
        (
            "非羁押人员脱管监督模型",
            "取保候审期满未依法解除",
            "{place}公安分局",
            "correction_notice",
        ),
        (
            "刑事立案监督模型",
            "报警记录未立案且涉案金额达立案标准",
            "{place}公安分局",
            "filing_supervision",
        ),
        ("社区矫正监督模型", "矫正期满未按时解除", "{place}司法局", "recommendation"),
        ("刑事审判监督模型", "量刑明显不当", "{place}人民法院", "protest"),
    ),
    Line.CIVIL: (
        (
            "虚假诉讼监督模型",
            "同一原告短期内多次以相同事由起诉",
            "{place}人民法院",
            "retrial_recommendation",
        ),
        ("民事执行监督模型", "终结本次执行后财产线索未处置", "{place}人民法院", "recommendation"),
    ),
    Line.ADMINISTRATIVE: (
        ("行政非诉执行监督模型", "裁定准予执行后逾期未执行", "{place}人民法院", "recommendation"),
        (
            "行政违法行为监督模型",
            "行政处罚决定未依法送达",
            "{place}市场监督管理局",
            "recommendation",
        ),
    ),
    Line.PUBLIC_INTEREST: (
        ("国有财产保护监督模型", "土地出让金逾期欠缴", "{place}自然资源局", "recommendation"),
        ("生态环境保护监督模型", "违法占用林地未恢复", "{place}林业局", "recommendation"),
    ),
}
LINE_SHARE = ((Line.CRIMINAL, 0.45), (Line.CIVIL, 0.2), (Line.ADMINISTRATIVE, 0.15),
              (Line.PUBLIC_INTEREST, 0.2))  # fmt: skip
PLANTED = (
    FindingKind.SUPERVISION_REPLY_OVERDUE,
    FindingKind.SUPERVISION_DECISION_WITHOUT_STEPS,
    FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP,
    FindingKind.MEETING_RECORD_MISSING,
)
P_DROPPED = 0.12  # leads that do not hold after screening
P_DUPLICATE = 0.05  # the same facts pushed again
P_REJECTED = 0.12  # replies that reject the decision (then followed up)
P_NO_SUPERVISION = 0.08


@dataclass(frozen=True, slots=True)
class Truth:
    matter_id: str
    kind: str
    note: str


@dataclass(frozen=True, slots=True)
class Generated:
    leads: tuple[Lead, ...]
    matters: tuple[Matter, ...]
    meetings: tuple[Meeting, ...]
    truth: tuple[Truth, ...]


def _place(unit: Unit) -> str:
    name = unit.name.replace("人民检察院", "")
    return name[-3:] if len(name) > 3 else name


def _workday(cal: WorkCalendar, day: dt.date) -> dt.date:
    while not cal.is_working_day(day, provisional=True):
        day += dt.timedelta(days=1)
    return day


def generate_matters(
    units: Sequence[Unit],
    people: Sequence[Person],
    *,
    rules: SupervisionRules,
    calendar: WorkCalendar,
    matters: int,
    seed: int,
    as_of: dt.date,
    defect_rate: float = 0.1,
) -> Generated:
    """``matters`` matters (and the leads they came from, plus dropped and duplicate ones),
    registered in the 360 days before ``as_of``."""
    rnd = random.Random(f"matters:{seed}")
    by_unit = {u.code: u for u in units}
    staff: dict[tuple[str, str], list[Person]] = {}
    for p in people:
        if p.in_quota and p.role in (Role.PROSECUTOR, Role.DEPARTMENT_HEAD):
            staff.setdefault((p.unit, p.department), []).append(p)
    chiefs: dict[str, list[Person]] = {}
    for p in people:
        if p.role in (Role.CHIEF, Role.DEPUTY_CHIEF, Role.DEPARTMENT_HEAD) or p.senior:
            chiefs.setdefault(p.unit, []).append(p)
    homes: dict[Line, list[tuple[str, list[Person]]]] = {}
    for line in Line:
        dept = rules.departments.get(line, "")
        homes[line] = [(u, ps) for (u, d), ps in sorted(staff.items())
                       if d == dept and len(chiefs.get(u, [])) >= 2 and len(ps) >= 2]  # fmt: skip
    lines = [ln for ln, _ in LINE_SHARE if homes[ln]]
    weights = [w for ln, w in LINE_SHARE if homes[ln]]
    if not lines:
        raise ValueError("no unit has prosecutors in the departments of the supervision lines")
    leads: list[Lead] = []
    out: list[Matter] = []
    meetings: list[Meeting] = []
    truth: list[Truth] = []
    counters: dict[tuple[str, int], int] = {}
    n_lead = 0
    while len(out) < matters:
        line = rnd.choices(lines, weights)[0]
        unit_code, pool = rnd.choice(homes[line])
        model, rule, target_pat, usual = rnd.choice(MODELS[line])
        n_lead += 1
        defect = rnd.choice(PLANTED) if rnd.random() < defect_rate else None
        # a reply that must be late (or a follow-up of a reply) needs its period to have run
        early = defect in (FindingKind.SUPERVISION_REPLY_OVERDUE,
                           FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP)  # fmt: skip
        back = rnd.randint(150, 360) if early else rnd.randint(20, 360)
        registered = _workday(calendar, as_of - dt.timedelta(days=back))
        received = registered - dt.timedelta(days=rnd.randint(1, 10))
        facts = {"对象": f"对象{seed % 97:02d}{n_lead:07d}", "发现日期": received.isoformat(),
                 "金额（元）": str(rnd.randint(1, 900) * 1000)}  # fmt: skip
        records = (f"{unit_code}-{received.year}-REC-{n_lead:07d}",)
        target = target_pat.format(place=_place(by_unit[unit_code]))
        lead = Lead(f"XS{seed % 1000:03d}{n_lead:08d}", model, rule, unit_code, line, target,
                    received, f"{target}{rule}", facts, records)  # fmt: skip
        if rnd.random() < P_DUPLICATE and leads:
            first = leads[-1]
            if first.status is not LeadStatus.DUPLICATE:
                leads.append(replace(first, lead_id=f"{lead.lead_id}D", status=LeadStatus.DUPLICATE,
                                     duplicate_of=first.lead_id))  # fmt: skip
        if rnd.random() < P_DROPPED:
            leads.append(replace(lead, status=LeadStatus.DROPPED, note="初查未发现违法情形"))
            continue
        year = registered.year
        counters[(unit_code, year)] = counters.get((unit_code, year), 0) + 1
        mid = f"{unit_code}-{year}-JDSX-{counters[(unit_code, year)]:06d}"
        leads.append(replace(lead, status=LeadStatus.REGISTERED, note="初查属实", matter_id=mid))
        handler = rnd.choice(pool)
        verifier = next(p for p in chiefs[unit_code] if p.id != handler.id)
        dept = rules.departments[line]
        decision = MatterDecision(usual)
        if rnd.random() < P_NO_SUPERVISION:
            decision = MatterDecision.NO_SUPERVISION
        if defect is FindingKind.MEETING_RECORD_MISSING:
            decision = (
                MatterDecision.RETRIAL_RECOMMENDATION
                if usual == MatterDecision.RETRIAL_RECOMMENDATION.value
                else MatterDecision.PROTEST
            )
        elif defect is not None:
            decision = MatterDecision.RECOMMENDATION
        m = Matter(mid, lead.lead_id, unit_code, dept, model, rule, line, target,
                   lead.summary, registered, handler.id)  # fmt: skip
        for ev in (
            MatterEvent(MatterEventType.RECEIVED, received, None, None, model),
            MatterEvent(MatterEventType.SCREENED, registered, verifier.id, None, "初查属实"),
            MatterEvent(MatterEventType.REGISTERED, registered, verifier.id, None, None),
            MatterEvent(
                MatterEventType.ASSIGNED, registered, verifier.id, "random", f"seed={n_lead}"
            ),
        ):
            m = with_event(m, ev)
        day = registered
        steps_wanted = defect is not FindingKind.SUPERVISION_DECISION_WITHOUT_STEPS
        if steps_wanted:
            for kind in rnd.sample(list(StepKind), rnd.randint(1, 3)):
                day = day + dt.timedelta(days=rnd.randint(1, 6))
                m = with_event(m, MatterEvent(MatterEventType.STEP, day, handler.id, kind.value,
                                              f"{kind.zh}：{rule}属实"))  # fmt: skip
        decided = day + dt.timedelta(days=rnd.randint(2, 20))
        if decided > as_of - dt.timedelta(days=1):
            decided = as_of - dt.timedelta(days=1)
        res = rules.reserved("matter", decision.value, m.major)
        if res is not None:
            # the meeting the rules reserve the decision to (today a protest and a retrial
            # recommendation: the committee), the day before; planted, a retrial recommendation
            # has a meeting of the other kind only (the joint meeting), a protest none
            planted = defect is FindingKind.MEETING_RECORD_MISSING
            if not planted or decision is MatterDecision.RETRIAL_RECOMMENDATION:
                held = res.kind
                if planted:
                    held = next(k for k in MeetingKind if k is not res.kind)
                m = _meeting(meetings, m, held, decision, rule, decided - dt.timedelta(days=1),
                             handler.id, verifier.id)  # fmt: skip
        reason = "经审查，违法情形不成立" if decision is MatterDecision.NO_SUPERVISION else None
        due = rules.reply_due(decision, decided) if decision in AWAITS_REPLY else None
        m = with_event(m, MatterEvent(MatterEventType.DECIDED, decided, handler.id, decision.value,
                                      reason), decision=decision, decided_on=decided,
                       decision_reason=reason, reply_due=due,
                       document_no=f"{_place(by_unit[unit_code])}检建〔{decided.year}〕{counters[(unit_code, year)]}号")  # fmt: skip
        closable = True
        if due is not None:
            if defect is FindingKind.SUPERVISION_REPLY_OVERDUE:
                if due < as_of - dt.timedelta(days=2) and rnd.random() < 0.5:
                    late = min(as_of, due + dt.timedelta(days=rnd.randint(1, 20)))
                    m = _reply(m, late, ReplyOutcome.ADOPTED)
                else:  # no answer by the end of the period; a follow-up already opened
                    m = _follow(m, handler.id, due + dt.timedelta(days=1), open_=True)
                    closable = False
            elif due >= as_of - dt.timedelta(days=1):
                # the period still runs: a clean one is either answered or not due for a while
                if due > as_of + dt.timedelta(days=30) and rnd.random() < 0.5:
                    closable = False
                else:
                    on = min(as_of - dt.timedelta(days=1), due)
                    on = max(on, decided)
                    m = _reply(m, on, ReplyOutcome.ADOPTED)
            else:
                on = decided + dt.timedelta(days=rnd.randint(1, max(1, (due - decided).days)))
                rejected = (
                    rnd.random() < P_REJECTED
                    or defect is FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP
                )
                m = _reply(m, on, ReplyOutcome.REJECTED if rejected else ReplyOutcome.ADOPTED)
                if rejected:
                    open_ = defect is FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP
                    m = _follow(m, handler.id, on + dt.timedelta(days=2), open_=open_)
        if defect is FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP and not m.follow_up_open:
            # the reply came too late in the window: open the follow-up on the rejection anyway
            if m.reply_on is None:
                m = _reply(m, max(decided, min(as_of - dt.timedelta(days=1), due or decided)),
                           ReplyOutcome.REJECTED)  # fmt: skip
            elif m.reply_outcome is not ReplyOutcome.REJECTED:
                m = replace(m, reply_outcome=ReplyOutcome.REJECTED)
            m = _follow(m, handler.id, m.reply_on or decided, open_=True)
        closing = defect is FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP or (
            closable and not m.follow_up_open and rnd.random() < 0.7
        )
        if closing:
            last = max(e.on for e in m.events)
            close_day = min(as_of, last + dt.timedelta(days=rnd.randint(0, 5)))
            m = with_event(
                m,
                MatterEvent(MatterEventType.SELF_CHECK, close_day, handler.id, None, "未发现问题"),
            )
            m = with_event(
                m, MatterEvent(MatterEventType.VERIFICATION, close_day, verifier.id, None, None)
            )
            m = with_event(m, MatterEvent(MatterEventType.CLOSED, close_day, handler.id, None, None),
                           closed_on=close_day)  # fmt: skip
        out.append(m)
        if defect is not None:
            note = defect.zh
            if defect is FindingKind.MEETING_RECORD_MISSING:
                note = ("再审检察建议仅经检察官联席会议讨论，未经检察委员会决定"
                        if decision is MatterDecision.RETRIAL_RECOMMENDATION
                        else "抗诉未经检察委员会讨论")  # fmt: skip
            truth.append(Truth(mid, defect.value, note))
    return Generated(tuple(leads), tuple(out), tuple(meetings), tuple(truth))


def _meeting(
    meetings: list[Meeting],
    m: Matter,
    kind: MeetingKind,
    decision: MatterDecision,
    rule: str,
    day: dt.date,
    handler: str,
    verifier: str,
) -> Matter:
    """A concluded meeting of ``kind`` on ``decision`` (appended to ``meetings``) and its event."""
    conclusion = f"同意提出{decision.zh}"
    members = (verifier, handler)
    meetings.append(Meeting(
        f"MT-{m.matter_id}", m.matter_id, "matter", kind, handler, f"{rule}，是否提出{decision.zh}",
        day, members, tuple(Opinion(p, conclusion) for p in members), conclusion, decision.value,
        verifier,
    ))  # fmt: skip
    return with_event(m, MatterEvent(MatterEventType.MEETING, day, handler, kind.value, conclusion))


def _reply(m: Matter, on: dt.date, outcome: ReplyOutcome) -> Matter:
    note = "已整改并书面回复" if outcome is ReplyOutcome.ADOPTED else "书面回复不予整改"
    return with_event(m, MatterEvent(MatterEventType.REPLY, on, None, outcome.value, note),
                      reply_on=on, reply_outcome=outcome)  # fmt: skip


def _follow(m: Matter, by: str, on: dt.date, *, open_: bool) -> Matter:
    m = with_event(m, MatterEvent(MatterEventType.FOLLOW_UP_OPENED, on, by, None, "跟进监督"))
    if not open_:
        m = with_event(m, MatterEvent(MatterEventType.FOLLOW_UP_CLOSED, on + dt.timedelta(days=5),
                                      by, None, "已落实"))  # fmt: skip
    return m
