"""Arrest review (审查逮捕): a police request decided within 7 / 15 / 20 days (刑诉法 第91条; 规则 第282条)."""

from __future__ import annotations

import datetime as dt

from jianguan.synth import texts
from jianguan.synth.card_defects import plant, record_kinds
from jianguan.synth.common import (
    Ctx,
    Draft,
    Json,
    Slot,
    archive_lag,
    assign,
    close_file,
    consult_and_decide,
    needs_approval,
    within_three_days,
)
from jianguan.synth.defects import choose
from jianguan.synth.matter import Matter, Person, make_matter, matter_rng, suspect_row

P_CUSTODY = 0.9  # detained (刑事拘留) when the request comes in


def year_end_rush(ctx: Ctx, lo: int, day: int) -> int:
    """Pull a decision due in January back into the last days of December (年底结案)."""
    fc = ctx.fc
    year = fc.year(lo)
    if fc.year(day) > year and ctx.rng.random() < 0.6:
        dec31 = dt.date(year, 12, 31).toordinal()
        if dec31 - 8 >= lo:
            return fc.pick(ctx.rng, dec31 - 8, dec31)
    return day


def _eligible(
    ctx: Ctx, m: Matter, received: int, due: int, decision: int, approve: bool, lag: int
) -> list[str]:
    end, fc = ctx.end, ctx.fc
    kinds = []
    if due + 2 <= end:
        kinds.append("review_overdue")
    if any(p.needs_aid for p in m.suspects) and fc.next_working(received + 3) + 1 <= end:
        kinds.append("legal_aid_missing")
    if decision <= end:
        kinds += ["date_mismatch", "document_missing", "consultation_unanswered"]
        if needs_approval("approve_arrest" if approve else "deny_arrest", m.major):
            kinds.append("approval_missing")
        if approve and decision + 2 <= end:
            kinds.append("family_notice_late")
        if any(p.minor for p in m.suspects):
            kinds.append("minor_guardian_absent")
        if decision + lag <= end:
            kinds.append("archived_unchecked")
        kinds += record_kinds(decided_with_document=True, prosecuted=False)
    return kinds


def arrest_review(ctx: Ctx, slot: Slot) -> tuple[Json, str]:
    m = make_matter(ctx, matter_rng(ctx.seed, slot.index), slot, slot.day, arrest=True)
    rng, fc, end, received = ctx.rng, ctx.fc, ctx.end, slot.day
    custody = rng.random() < P_CUSTODY
    raw = received + (7 if custody else 20 if m.major else 15)
    decision = fc.pick(rng, received + (3 if custody else 5), raw, late=True)
    decision = year_end_rush(ctx, received + 3, decision)
    approve = slot.arrested == 1
    lag = archive_lag(rng)
    kind = choose(ctx, _eligible(ctx, m, received, fc.next_working(raw), decision, approve, lag))
    if kind == "review_overdue":
        decision = fc.next_working(raw) + 2 + int(rng.random() * 4)
    d = criminal_draft(ctx, slot, m)
    d.suspects = [
        suspect_row(p, custody=custody, counsel=p.counsel, plea=False, fast=False)
        for p in m.suspects
    ]
    unit = ctx.org.units[slot.unit]
    assign(d, rng, fc, unit, min(decision - 1, end, received + 3))
    within_three_days(
        ctx,
        d,
        "legal_aid_requested",
        [p.id for p in m.suspects if p.needs_aid],
        m.handler,
        planted=kind == "legal_aid_missing",
    )
    bare = kind == "minor_guardian_absent"  # the first minor questioned with no one present
    for p in m.suspects:
        if rng.random() < 0.85 or (bare and p.minor):
            day = fc.pick(rng, d.assigned, decision)
            d.ev(day, "questioned", m.handler, p.id)
            bare = question_minor(d, p, day, bare)
    dtype = "approve_arrest" if approve else "deny_arrest"
    consult_and_decide(ctx, d, unit, d.assigned, decision, dtype, kind, 0.04)
    if approve:
        for p in m.suspects:  # executed by the police on the day of the approval (format 1.1)
            at = f"{17 + int(rng.random() * 6):02d}:{int(rng.random() * 60):02d}"
            d.ev(decision, "arrest_executed", None, p.id, None, at)
        _family(ctx, d, m, decision, kind == "family_notice_late")
    _documents(ctx, slot, d, m, decision, approve, kind)
    close_file(ctx, d, unit, lag, kind)
    rec = d.render(fc, end)
    plant(rng, rec, kind)
    return rec, kind


def question_minor(d: Draft, p: Person, day: int, bare: bool) -> bool:
    """A minor is questioned with a legal representative or an appropriate adult present
    (刑诉法 第281条), except the first minor of a planted ``minor_guardian_absent`` case; returns
    whether that minor is still to come."""
    if not p.minor:
        return bare
    if bare:
        return False
    d.ev(day, "guardian_present", None, p.id, "法定代理人到场")
    return bare


def criminal_draft(ctx: Ctx, slot: Slot, m: Matter) -> Draft:
    """The card of one stage of a criminal matter, before its history."""
    d = Draft(ctx, slot, m.dept, "transferred")
    d.handler, d.major, d.charges = m.handler, m.major, m.charges
    d.assignment = "designated" if m.designated else "random"
    return d


def _family(ctx: Ctx, d: Draft, m: Matter, decision: int, late: bool) -> None:
    """Family told of the arrest the same or the next day (刑诉法 第93条)."""
    rng = ctx.rng
    for p in m.suspects:
        if late:
            late = False
            if rng.random() < 0.5:
                continue  # missing
            day = decision + 2 + int(rng.random() * 3)
        else:
            day = decision + (rng.random() < 0.4 and decision + 1 <= ctx.end)
        d.ev(day, "family_notified", None, p.id)


def _documents(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, decision: int, approve: bool, kind: str
) -> None:
    fc, unit = ctx.fc, ctx.org.units[slot.unit]
    names = "、".join(p.name for p in m.suspects)
    charges = "、".join(m.charges)
    police = unit.place.police
    opinion = "建议批准逮捕" if approve else "建议不批准逮捕"
    d.doc(
        decision,
        "review_report",
        None,
        texts.review_report(
            "审查逮捕案件",
            ctx.org.names[m.handler],
            names,
            charges,
            police,
            opinion,
            fc.ymd(decision),
        ),
    )
    if kind == "document_missing":
        return
    issued = decision
    if kind == "date_mismatch":
        issued = decision - 1 - int(ctx.rng.random() * 3)
    code = "刑批捕" if approve else "刑不捕"
    no = ctx.doc_no(slot, code, issued)
    text = texts.arrest_decision(
        unit.place.name, no, approve, police, names, charges, fc.ymd(d.received), fc.cn(issued)
    )
    d.doc(issued, "arrest_approval" if approve else "arrest_denial", no, text)
