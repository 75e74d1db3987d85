"""Building blocks shared by the case generators: the draft case, staff choices, numbering, closing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from jianguan.synth.charges import ChargeDraw
from jianguan.synth.fastcal import FastCalendar
from jianguan.synth.org import Org, UnitStaff
from jianguan.synth.skeleton import CATEGORIES, KIND_CODES

Json = dict[str, Any]
_FIRST = itemgetter(0)
DECLINE_REASONS = (
    "现有证据已形成完整证据链",
    "量刑情节已在审查报告中充分评估",
    "该意见所涉事实与本案无关",
    "已经检察官联席会议讨论",
)
OPINIONS = (
    "建议补强主观明知方面的证据",
    "建议核实被害人损失及退赔情况",
    "建议重点审查证据合法性",
    "建议结合同类案件把握量刑幅度",
)


@dataclass(frozen=True, slots=True)
class Slot:
    """One case of the skeleton, as handed to a worker."""

    index: int  # position in the whole data set
    day: int
    unit: int
    cat: int
    serial: int
    uni_year: int
    uni_serial: int
    link: int  # paired prosecution review: the arrest-review slot, else -1
    link_day: int
    arrested: int  # 1 approve / 0 deny (arrest review and paired prosecution review), else -1


class Ctx:
    """What a worker needs to generate the cases of one chunk."""

    def __init__(
        self,
        *,
        fc: FastCalendar,
        org: Org,
        rng: random.Random,
        seed: int,
        end: int,
        rate: float,
        totals: dict[tuple[int, int, int], int],
        draw: ChargeDraw,
    ) -> None:
        self.fc, self.org, self.rng, self.seed, self.end = fc, org, rng, seed, end
        self.rate, self.totals, self.draw = rate, totals, draw
        self.debt = 0  # cases drawn for a defect that had no eligible kind

    def doc_no(self, slot: Slot, code: str, issued: int, sub: int = 0) -> str:
        """Document number; serials follow the case serial, partitioned by issuing year."""
        fc = self.fc
        year = fc.year(issued)
        serial = slot.serial
        for y in range(fc.year(slot.day) + 1, year + 1):
            serial += self.totals.get((slot.unit, slot.cat, y), 0)
        if sub:
            serial = 3 * (serial - 1) + sub
        return f"{self.org.units[slot.unit].place.abbr}检{code}〔{year}〕{serial}号"


class Draft:
    """A case being built; events and documents are kept with ordinals and cut at ``end``."""

    __slots__ = (
        "archived",
        "assigned",
        "assignment",
        "case_id",
        "category",
        "charges",
        "closed",
        "decision",
        "department",
        "docs",
        "events",
        "handler",
        "major",
        "outcome",
        "received",
        "source",
        "suspects",
        "unified_no",
        "unit",
        "victims",
    )

    def __init__(self, ctx: Ctx, slot: Slot, department: str, source: str) -> None:
        code = ctx.org.units[slot.unit].place.code
        year = ctx.fc.year(slot.day)
        self.case_id = f"{code}-{year}-{KIND_CODES[slot.cat]}-{slot.serial:06d}"
        self.unified_no = f"{code}-{slot.uni_year}-{slot.uni_serial:06d}"
        self.unit, self.department, self.category = code, department, CATEGORIES[slot.cat]
        self.source, self.received = source, slot.day
        self.handler, self.assigned, self.assignment, self.major = "", slot.day, "random", False
        self.charges: list[str] = []
        self.suspects: list[Json] = []
        self.victims: list[Json] = []
        self.events: list[tuple[int, str, str | None, str | None, str | None, str | None]] = []
        self.docs: list[tuple[int, str, str | None, str | None]] = []
        self.decision: tuple[str, int, str, str | None, str | None] | None = None
        self.outcome: Json | None = None
        self.closed: int | None = None
        self.archived: int | None = None

    def ev(
        self,
        o: int,
        kind: str,
        by: str | None = None,
        party: str | None = None,
        note: str | None = None,
        at: str | None = None,
    ) -> None:
        """An event on day ``o``; ``at`` (format 1.1) is its time as "HH:MM" in China Standard
        Time, written as ISO 8601 with the +08:00 offset."""
        self.events.append((o, kind, by, party, note, at))

    def doc(self, o: int, kind: str, no: str | None, text: str | None) -> None:
        self.docs.append((o, kind, no, text))

    def _decision(self, fc: FastCalendar, end: int) -> Json | None:
        """The decision as written, if taken by ``end``; ``ground`` only for not_prosecute."""
        if self.decision is None or self.decision[1] > end:
            return None
        dtype, on, by, approved, ground = self.decision
        out: Json = {"type": dtype, "on": fc.iso[on - fc.base], "by": by, "approved_by": approved}
        if dtype == "not_prosecute":
            out["ground"] = ground
        return out

    def render(self, fc: FastCalendar, end: int) -> Json:
        iso, base = fc.iso, fc.base
        self.events.sort(key=_FIRST)
        events = []
        for o, t, b, p, n, a in self.events:
            if o <= end:
                e = {"type": t, "on": iso[o - base], "by": b, "party": p, "note": n}
                if a is not None:
                    e["at"] = f"{iso[o - base]}T{a}:00+08:00"
                events.append(e)
        docs = [
            {"type": t, "no": no, "issued_on": iso[o - base], "text": x}
            for o, t, no, x in sorted(self.docs, key=_FIRST)
            if o <= end
        ]
        decision = self._decision(fc, end)
        closed = decision["on"] if decision is not None else None
        return {
            "case_id": self.case_id,
            "unified_no": self.unified_no,
            "unit": self.unit,
            "department": self.department,
            "category": self.category,
            "source": self.source,
            "received_on": iso[self.received - base],
            "handler": self.handler,
            "assigned_on": iso[self.assigned - base],
            "assignment": self.assignment,
            "major_complex": self.major,
            "charges": self.charges,
            "suspects": self.suspects,
            "victims": self.victims,
            "events": events,
            "decision": decision,
            "outcome": self.outcome,
            "documents": docs,
            "closed_on": closed,
            "archived_on": iso[self.archived - base] if self.archived is not None else None,
        }


def choose_handler(rng: random.Random, unit: UnitStaff, dept: str, major: bool) -> tuple[str, bool]:
    """The handling prosecutor and whether the case was designated (指定分案) rather than random."""
    staff = unit.depts[dept]
    r = rng.random()
    if r < (0.25 if major else 0.02):
        return unit.deputies[int(rng.random() * len(unit.deputies))], True  # 入额院领导办案
    if r < (0.5 if major else 0.08):
        return staff.head, True
    return staff.prosecutors[int(rng.random() * len(staff.prosecutors))], major


def assign(d: Draft, rng: random.Random, fc: FastCalendar, unit: UnitStaff, latest: int) -> None:
    """Handler assigned the day of receipt or the next working day (never after ``latest``)."""
    received = d.received
    day = (
        received
        if fc.is_working(received) and rng.random() < 0.7
        else fc.next_working(received + 1)
    )
    if day > latest:
        day = received
    d.assigned = day
    if d.assignment == "designated" and d.handler != unit.depts[d.department].head:
        by = unit.depts[d.department].head
    else:
        by = unit.case_officers[int(rng.random() * len(unit.case_officers))]
    d.ev(received, "received")
    d.ev(day, "assigned", by)


def approver(rng: random.Random, unit: UnitStaff, handler: str) -> str:
    """Chief or the deputy chief in charge (组织法 第29条); never the handler."""
    if handler in unit.deputies or rng.random() < 0.3:
        return unit.chief
    return unit.deputies[0] if unit.deputies[0] != handler else unit.chief


def _senior_other(rng: random.Random, unit: UnitStaff, dept: str, handler: str) -> str:
    seniors = [p for p in unit.depts[dept].seniors if p != handler]
    if not seniors:
        return unit.depts[dept].head
    return seniors[int(rng.random() * len(seniors))]


def consult(
    d: Draft,
    rng: random.Random,
    fc: FastCalendar,
    unit: UnitStaff,
    lo: int,
    hi: int,
    *,
    answered: bool = True,
) -> None:
    """A senior prosecutor's opinion (线上会诊) in [lo, hi), and the handler's answer by ``hi``."""
    by = _senior_other(rng, unit, d.department, d.handler)
    if by == d.handler:
        by = unit.deputies[-1]
    day = fc.pick(rng, lo, hi - 1)
    d.ev(day, "consultation_opinion", by, None, OPINIONS[int(rng.random() * len(OPINIONS))])
    if answered:
        note = "accepted"
        if rng.random() < 0.25:
            note = "declined: " + DECLINE_REASONS[int(rng.random() * len(DECLINE_REASONS))]
        d.ev(fc.pick(rng, day, hi), "consultation_answered", d.handler, None, note)


def decide(
    d: Draft,
    on: int,
    dtype: str,
    approved_by: str | None,
    ground: str | None = None,
    *,
    record_approval: bool = True,
) -> None:
    """The decision, its approval event (if approved) and the decided and closed events."""
    if approved_by is not None and record_approval:
        d.ev(on, "approval", approved_by, None, dtype)
    d.ev(on, "decided", d.handler, None, dtype)
    d.ev(on, "closed", d.handler)
    d.decision = (dtype, on, d.handler, approved_by, ground)
    d.closed = on


def archive_lag(rng: random.Random) -> int:
    return 3 + int(rng.random() * 28)


def archive(
    d: Draft,
    rng: random.Random,
    fc: FastCalendar,
    unit: UnitStaff,
    end: int,
    lag: int,
    *,
    drop: str = "",
) -> None:
    """Self-check, verification and archiving ``lag`` days after closing (每案必检).

    ``drop`` names the check to leave out ("self_check", "verification" or "both").
    """
    closed = d.closed
    if closed is None or closed > end:
        return
    archived = closed + lag
    check = fc.pick(rng, closed, archived - 1)
    verify = fc.pick(rng, check, archived - 1)
    head = unit.depts[d.department].head
    verifier = head if head != d.handler else _senior_other(rng, unit, d.department, d.handler)
    if drop not in ("self_check", "both"):
        d.ev(check, "self_check", d.handler)
    if drop not in ("verification", "both"):
        d.ev(verify, "verification", verifier)
    d.ev(archived, "archived", d.handler)
    d.archived = archived if archived <= end else None


def within_three_days(
    ctx: Ctx, d: Draft, kind: str, parties: list[str], by: str | None, *, planted: bool
) -> list[int]:
    """One ``kind`` event per party within 3 days of receipt (刑诉法 第34、35、46条).

    When ``planted``, the first party's event is missing or comes at least a day after the 3-day
    end moved to a working day. Returns the days (-1 for a missing one), in party order.
    """
    rng, fc, received = ctx.rng, ctx.fc, d.received
    days = []
    for party in parties:
        if planted:
            planted = False
            if rng.random() < 0.5:
                days.append(-1)
                continue
            day = fc.next_working(received + 3) + 1 + int(rng.random() * 3)
        else:
            day = fc.pick(rng, d.assigned, min(received + 3, ctx.end))
        d.ev(day, kind, by, party)
        days.append(day)
    return days


def consult_and_decide(
    ctx: Ctx,
    d: Draft,
    unit: UnitStaff,
    lo: int,
    decision: int,
    dtype: str,
    kind: str,
    p_consult: float,
    ground: str | None = None,
) -> None:
    """A consultation in some cases (always when one is planted unanswered), then the decision,
    approved by the chief or a deputy when the powers list reserves it (unless planted missing).
    """
    rng = ctx.rng
    unanswered = kind == "consultation_unanswered"
    if unanswered or ((d.major or rng.random() < p_consult) and decision - lo >= 2):
        consult(d, rng, ctx.fc, unit, lo, decision, answered=not unanswered)
    ok = needs_approval(dtype, d.major) and kind != "approval_missing"
    # 组织法 第29条: a major case's decision is the chief's own, not delegated to a deputy.
    by = (unit.chief if d.major else approver(rng, unit, d.handler)) if ok else None
    decide(d, decision, dtype, by, ground)


def close_file(ctx: Ctx, d: Draft, unit: UnitStaff, lag: int, kind: str) -> None:
    """Self-check, verification and archiving; one or both checks left out when planted."""
    drop = ("self_check", "verification", "both")[int(ctx.rng.random() * 3)]
    archive(d, ctx.rng, ctx.fc, unit, ctx.end, lag,
            drop=drop if kind == "archived_unchecked" else "")  # fmt: skip


# Decisions reserved to the chief (default powers list); any decision of a major case too.
NEEDS_APPROVAL = frozenset({"deny_arrest", "not_prosecute", "protest", "file_suit"})


def needs_approval(decision: str, major: bool) -> bool:
    return major or decision in NEEDS_APPROVAL
