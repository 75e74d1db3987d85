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
        if approve and decision + 3 <= end:  # the arrest may be executed the next day
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
    approve = slot.arrested == 1
    # A matter a supervisory commission transferred: the suspect, held in 留置, is detained first
    # and the procuratorate decides the arrest itself (决定逮捕, 刑诉法 第170条第2款; format 1.2).
    decided = approve and m.charge.organ == "supervisory"
    custody = rng.random() < P_CUSTODY or decided
    raw = received + (7 if custody else 20 if m.major else 15)
    decision = fc.pick(rng, received + (3 if custody else 5), raw, late=True)
    decision = year_end_rush(ctx, received + 3, decision)
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
    dtype = "arrest_decided" if decided else "approve_arrest" if approve else "deny_arrest"
    consult_and_decide(ctx, d, unit, d.assigned, decision, dtype, kind, 0.04)
    if approve:
        _arrest_and_family(ctx, d, m, decision, kind == "family_notice_late")
    _documents(ctx, slot, d, m, decision, dtype, kind)
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


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


P_NEXT_DAY = 0.2  # the arrest executed the day after the approval
P_UNABLE = 0.02  # the family could not be told (刑诉法 第93条 "除无法通知的以外")
P_TIMED = 0.6  # the notice recorded with its time


def _arrest_and_family(ctx: Ctx, d: Draft, m: Matter, decision: int, late: bool) -> None:
    """Each suspect's arrest executed by the police (format 1.1 ``arrest_executed``, with its
    time) on the day of the approval or the next, and the family told within 24 hours of it
    (刑诉法 第93条) — on that day after the arrest, or the next day no later than its hour —
    unless they could not be told (a notice whose note begins 无法通知). When ``late`` the
    first suspect's family is not told, told 2–4 days after the arrest, or told the next day
    1–60 minutes after the 24 hours."""
    rng, end = ctx.rng, ctx.end
    executed = decision + (rng.random() < P_NEXT_DAY and decision + 3 <= end)
    for p in m.suspects:
        arrested = 17 * 60 + int(rng.random() * 360)  # minute of the day, 17:00–22:59
        d.ev(executed, "arrest_executed", None, p.id, None, _hhmm(arrested))
        if late:
            late = False
            r = rng.random()
            if r < 0.3:
                continue  # missing
            if r < 0.6:
                d.ev(executed + 2 + int(rng.random() * 3), "family_notified", None, p.id)
            else:
                minute = arrested + 1 + int(rng.random() * min(60, 1439 - arrested))
                d.ev(executed + 1, "family_notified", None, p.id, None, _hhmm(minute))
            continue
        if rng.random() < P_UNABLE:
            note = "无法通知：家属身份不明"
            d.ev(min(executed + int(rng.random() * 4), end), "family_notified", None, p.id, note)
            continue
        next_day = rng.random() < 0.4 and executed + 1 <= end
        day = executed + next_day
        if rng.random() < P_TIMED:
            lo, hi = (0, arrested) if next_day else (arrested + 1, 1439)
            minute = lo + int(rng.random() * (hi - lo + 1))
            d.ev(day, "family_notified", None, p.id, None, _hhmm(minute))
        else:
            d.ev(day, "family_notified", None, p.id)


def _documents(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, decision: int, dtype: str, kind: str
) -> None:
    fc, unit = ctx.fc, ctx.org.units[slot.unit]
    names = "、".join(p.name for p in m.suspects)
    charges = "、".join(m.charges)
    police = unit.place.police
    approve = dtype != "deny_arrest"
    opinion = (
        "建议逮捕" if dtype == "arrest_decided" else "建议批准逮捕" if approve else "建议不批准逮捕"
    )
    source = unit.place.supervisory if dtype == "arrest_decided" else police
    d.doc(
        decision,
        "review_report",
        None,
        texts.review_report(
            "审查逮捕案件",
            ctx.org.names[m.handler],
            names,
            charges,
            source,
            opinion,
            fc.ymd(decision),
        ),
    )
    if kind == "document_missing":
        return
    issued = decision
    if kind == "date_mismatch":
        issued = decision - 1 - int(ctx.rng.random() * 3)
    code, doc_type = DOCUMENTS[dtype]
    no = ctx.doc_no(slot, code, issued)
    if dtype == "arrest_decided":
        text = texts.arrest_decided(
            unit.place.name, no, police, source, names, charges, fc.ymd(d.received), fc.cn(issued)
        )
    else:
        text = texts.arrest_decision(
            unit.place.name, no, approve, police, names, charges, fc.ymd(d.received), fc.cn(issued)
        )
    d.doc(issued, doc_type, no, text)


# decision → (文号代字, document type)
DOCUMENTS = {
    "approve_arrest": ("刑批捕", "arrest_approval"),
    "deny_arrest": ("刑不捕", "arrest_denial"),
    "arrest_decided": ("刑捕", "arrest_decision"),
}
