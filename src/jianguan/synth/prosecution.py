"""Prosecution review (审查起诉): one month, +15 days extended, 10/15 days fast track, returns.

刑诉法 第172条 (periods), 第175条 (returns: at most twice, one month each, the period restarts on
retransfer), 第34、46条 (3-day notices), 第174条 (plea statement).
"""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.synth.arrest import criminal_draft, question_minor, year_end_rush
from jianguan.synth.card_defects import plant, record_kinds
from jianguan.synth.common import (
    Ctx,
    Draft,
    Json,
    Slot,
    approver,
    archive_lag,
    assign,
    close_file,
    consult_and_decide,
    needs_approval,
    within_three_days,
)
from jianguan.synth.defects import choose
from jianguan.synth.fastcal import cn_small
from jianguan.synth.matter import Matter, make_matter, matter_rng, suspect_row
from jianguan.synth.prosecution_docs import (
    Facts,
    documents,
    outcome,
    outline_doc,
    plea_statements,
    plea_variants,
)

P_PLEA = 0.92
P_NOT_PROSECUTE = (0.29, 0.07)  # by custody (no, yes); fast-track cases are prosecuted
FRESH_CUSTODY = 0.2  # scales a charge's custody share for cases without an arrest review
GROUNDS = (("discretionary", 0.84), ("insufficient_evidence", 0.12), ("statutory", 0.04))
P_RETURNS = (0.895, 0.985)  # cumulative: none, one, two
P_TRANSFER = 0.01
P_OBJECTION = 0.15  # a pleading minor's legal representative or defender objects (第174条第2款)


@dataclass(slots=True)
class Plan:
    rounds: list[tuple[int, int]]  # (returned, retransferred)
    ext_day: int  # -1 without an extension
    decision: int
    base: int  # start of the last review round

    def raw1(self, ctx: Ctx) -> int:
        return ctx.fc.months(self.base, 1)


def _decision(ctx: Ctx, m: Matter, custody: bool) -> tuple[str, str | None]:
    rng = ctx.rng
    if rng.random() < P_TRANSFER:
        return "transfer", None
    if rng.random() >= P_NOT_PROSECUTE[custody]:
        return "prosecute", None
    r = rng.random()
    for ground, share in GROUNDS:
        r -= share
        if r < 0:
            return "not_prosecute", ground
    return "not_prosecute", "discretionary"


def _facts(ctx: Ctx, m: Matter, slot: Slot) -> Facts:
    rng = ctx.rng
    if slot.link >= 0:
        custody = [slot.arrested == 1] * len(m.suspects)
        counsel = [
            p.counsel or (p.needs_aid and rng.random() < 0.8) or rng.random() < 0.15
            for p in m.suspects
        ]
    else:
        # Detained but not arrested: only while the short detention lasts (刑诉法 第91条).
        custody = [rng.random() < FRESH_CUSTODY * m.charge.custody for _ in m.suspects]
        counsel = [p.counsel for p in m.suspects]
    dtype, ground = _decision(ctx, m, any(custody))
    pleads = dtype != "transfer" and ground not in ("insufficient_evidence", "statutory")
    plea = [pleads and rng.random() < P_PLEA for _ in m.suspects]
    fast = (
        dtype == "prosecute"
        and all(plea)
        and not m.major
        and len(m.suspects) <= 2
        and max(p.likely for p in m.suspects) <= 36
        and rng.random() < m.charge.ft
    )
    r = rng.random()
    n_ret = 0 if fast else (0 if r < P_RETURNS[0] else 1 if r < P_RETURNS[1] else 2)
    if ground == "insufficient_evidence":
        n_ret = 2  # 刑诉法 第175条 第4款: after two returns
    # 第172条: only a major or complex case may be extended (by 15 days), and a fast-track case
    # likely to be sentenced over one year (from 10 to 15 days); each with a recorded approval.
    long = fast and max(p.likely for p in m.suspects) > 12
    ext = (m.major and not fast and rng.random() < 0.4) or (long and rng.random() < 0.5)
    # 刑诉法 第174条第2款: no statement is needed from a blind, deaf, mute or mentally ill suspect,
    # nor from a minor whose legal representative or defender objects to the plea
    objected = [
        pl and p.minor and rng.random() < P_OBJECTION
        for p, pl in zip(m.suspects, plea, strict=True)
    ]
    needs = [
        pl and p.disability is None and not o
        for p, pl, o in zip(m.suspects, plea, objected, strict=True)
    ]
    return Facts(custody, counsel, plea, fast, dtype, ground, n_ret, ext, objected, needs)


def _rounds(ctx: Ctx, received: int, n: int, late: bool = False) -> list[tuple[int, int]]:
    """Returns and re-transfers, each back within its month (刑诉法 第175条第3款); when ``late``
    the first comes back 2–5 days after the month's end moved to a working day."""
    fc, rng, base, out = ctx.fc, ctx.rng, received, []
    for i in range(n):
        ret = fc.pick(rng, base + 10, fc.months(base, 1) - 2)
        if late and i == 0:
            back = fc.next_working(fc.months(ret, 1)) + 2 + int(rng.random() * 4)
        else:
            back = fc.pick(rng, ret + 12, fc.months(ret, 1))
        out.append((ret, back))
        base = back
    return out


def _long(m: Matter) -> bool:
    """Fast track with a likely sentence over one year: 10 days, extendable to 15."""
    return max(p.likely for p in m.suspects) > 12


def _extendable(m: Matter, f: Facts) -> bool:
    return _long(m) if f.fast else m.major


def _raw_legal(ctx: Ctx, m: Matter, f: Facts, plan: Plan, extended: bool) -> int:
    """The unmoved end of the review period, with the extension when ``extended``."""
    if f.fast:
        return plan.base + (15 if extended and _long(m) else 10)
    return plan.raw1(ctx) + (15 if extended and m.major else 0)


def _plan(ctx: Ctx, m: Matter, f: Facts, received: int, n_ret: int, late: bool = False) -> Plan:
    fc, rng = ctx.fc, ctx.rng
    rounds = _rounds(ctx, received, n_ret, late)
    base = rounds[-1][1] if rounds else received
    if f.fast:
        if f.ext:  # asked for before the 10 days end, then decided within the 15
            ext_day = fc.pick(rng, base + 3, base + 9)
            return Plan(rounds, ext_day, fc.pick(rng, ext_day, base + 15, late=True), base)
        decision = fc.pick(rng, base + 3, base + 10, late=True)
        return Plan(rounds, -1, year_end_rush(ctx, base + 3, decision), base)
    raw1 = fc.months(base, 1)
    if f.ext:
        ext_day = fc.pick(rng, raw1 - 7, raw1 - 1)
        return Plan(rounds, ext_day, fc.pick(rng, raw1 + 1, raw1 + 15), base)
    decision = fc.pick(rng, base + 7, raw1, late=True)
    return Plan(rounds, -1, year_end_rush(ctx, base + 7, decision), base)


def _due(ctx: Ctx, m: Matter, f: Facts, plan: Plan) -> int:
    """The moved end of the extension window (the legal due date when the case cannot be
    extended or was): a decision after it is review_overdue and nothing else."""
    window = _raw_legal(ctx, m, f, plan, extended=_extendable(m, f))
    return ctx.fc.next_working(window)


def _eligible(ctx: Ctx, m: Matter, f: Facts, plan: Plan, received: int, lag: int) -> list[str]:
    fc, end = ctx.fc, ctx.end
    kinds = []
    if _due(ctx, m, f, plan) + 2 <= end:
        kinds.append("review_overdue")
    if _extendable(m, f):
        raw = _raw_legal(ctx, m, f, plan, extended=False)
        if fc.next_working(raw) + 2 <= min(_raw_legal(ctx, m, f, plan, extended=True), end):
            kinds.append("extension_unapproved")
    if not f.fast:
        if received + 160 <= end:
            kinds.append("return_limit_exceeded")
        if received + 80 <= end:
            kinds.append("return_overdue")
        if (plan.rounds and plan.rounds[0][0] <= end) or received + 31 <= end:
            kinds.append("return_outline_missing")
    if fc.next_working(received + 3) + 1 <= end:
        kinds.append("counsel_notice_late")
        if m.victims:
            kinds.append("victim_notice_late")
        if _needs_aid(m, f):
            kinds.append("legal_aid_missing")
    if plan.decision <= end:
        kinds += _decided_kinds(m, f, plan.decision + lag <= end)
    first_stop = plan.rounds[0][0] if plan.rounds else plan.decision
    if first_stop <= end and any(p.minor for p in m.suspects):
        kinds.append("minor_guardian_absent")
    if any(f.custody) and received + 45 <= end:
        kinds.append("custody_necessity_late")
    return kinds


def _decided_kinds(m: Matter, f: Facts, archived: bool) -> list[str]:
    kinds = ["consultation_unanswered", "opinions_unheard"]
    if f.dtype != "transfer":
        kinds += ["date_mismatch", "document_missing"]
    if needs_approval(f.dtype, m.major):
        kinds.append("approval_missing")
    if any(f.needs_statement):
        kinds.append("plea_statement_missing")
    if f.dtype == "prosecute":
        kinds.append("charge_mismatch")
    if archived:
        kinds.append("archived_unchecked")
    kinds += record_kinds(f.dtype != "transfer", prosecuted=f.dtype == "prosecute")
    return kinds


def _needs_aid(m: Matter, f: Facts) -> list[str]:
    return [
        p.id
        for p, c in zip(m.suspects, f.counsel, strict=True)
        if (p.minor or p.disability or p.band) and not c
    ]


def _replan(ctx: Ctx, m: Matter, f: Facts, plan: Plan, received: int, kind: str) -> Plan:
    fc, rng = ctx.fc, ctx.rng
    if kind == "review_overdue":
        plan.decision = _due(ctx, m, f, plan) + 2 + int(rng.random() * 4)
    elif kind == "extension_unapproved":
        plan.ext_day = -1
        raw, window = (_raw_legal(ctx, m, f, plan, extended=e) for e in (False, True))
        plan.decision = fc.pick(rng, fc.next_working(raw) + 2, min(window, ctx.end))
    elif kind == "return_limit_exceeded":
        plan = _plan(ctx, m, f, received, 3)
    elif kind == "return_outline_missing" and not plan.rounds:
        plan = _plan(ctx, m, f, received, 1)
    elif kind == "return_overdue":
        if rng.random() < 0.3:  # never re-transferred: still with the investigators at as_of
            ret = fc.pick(rng, received + 10, fc.months(received, 1) - 2)
            back = ctx.end + 1 + int(rng.random() * 20)
            plan = Plan([(ret, back)], -1, back + 20, back)
        else:
            plan = _plan(ctx, m, f, received, max(1, len(plan.rounds)), late=True)
    return plan


def prosecution_review(ctx: Ctx, slot: Slot) -> tuple[Json, str]:
    rng, received = ctx.rng, slot.day
    if slot.link >= 0:
        m = make_matter(ctx, matter_rng(ctx.seed, slot.link), slot, slot.link_day, arrest=True)
    else:
        m = make_matter(ctx, rng, slot, received, arrest=False)
    f = _facts(ctx, m, slot)
    plan = _plan(ctx, m, f, received, f.n_ret)
    lag = archive_lag(rng)
    kind = choose(ctx, _eligible(ctx, m, f, plan, received, lag))
    plan = _replan(ctx, m, f, plan, received, kind)
    d = criminal_draft(ctx, slot, m)
    d.suspects = [
        suspect_row(p, custody=c, counsel=h, plea=pl, fast=f.fast)
        for p, c, h, pl in zip(m.suspects, f.custody, f.counsel, f.plea, strict=True)
    ]
    d.victims = [{"id": i, "name": n} for i, n in m.victims]
    _history(ctx, slot, d, m, f, plan, kind, lag)
    rec = d.render(ctx.fc, ctx.end)
    plant(rng, rec, kind)
    return rec, kind


def _history(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, f: Facts, plan: Plan, kind: str, lag: int
) -> None:
    rng, fc, end = ctx.rng, ctx.fc, ctx.end
    unit = ctx.org.units[slot.unit]
    first_stop = plan.rounds[0][0] if plan.rounds else plan.decision
    assign(d, rng, fc, unit, min(first_stop - 1, end, d.received + 3))
    notified = _notices(ctx, d, m, f, kind)
    bare = kind == "minor_guardian_absent"
    for p in m.suspects:
        day = fc.pick(rng, d.assigned, first_stop)
        d.ev(day, "questioned", m.handler, p.id)
        bare = question_minor(d, p, day, bare)
    _necessity(ctx, d, m, f, kind == "custody_necessity_late")
    _opinions(ctx, d, m, f, plan, kind == "opinions_unheard")
    _returns(ctx, slot, d, m, plan, kind == "return_outline_missing")
    if plan.ext_day >= 0:
        note = "延长审查起诉期限至十五日" if f.fast else "延长审查起诉期限十五日"
        d.ev(plan.ext_day, "extension_approved", approver(rng, unit, m.handler), None, note)
    # the decision document's day (a date_mismatch dates it 1–3 days early): every statement is
    # signed on or before it (刑诉法 第174条, 第176条第2款)
    issued = plan.decision - (1 + int(rng.random() * 3) if kind == "date_mismatch" else 0)
    variant = ""
    if kind == "plea_statement_missing":
        variants = plea_variants(m, f)
        # only a case with two suspects who must sign can lose one of theirs: it goes first
        few = "one_of_several" in variants and rng.random() < 0.5
        variant = "one_of_several" if few else variants[int(rng.random() * len(variants))]
    hi = min(plan.decision, issued)
    signed_from = min(max(plan.base, d.assigned, *notified), hi)
    plea_statements(ctx, slot, d, m, f, signed_from, hi, variant)
    lo = max(d.assigned, plan.base)
    consult_and_decide(ctx, d, unit, lo, plan.decision, f.dtype, kind, 0.05, f.ground)
    if f.dtype == "prosecute" and plan.decision <= end:
        d.outcome = outcome(ctx, m, f, plan.decision)
    documents(ctx, slot, d, m, f, plan.decision, kind, notified, issued)
    close_file(ctx, d, unit, lag, kind)


def _opinions(ctx: Ctx, d: Draft, m: Matter, f: Facts, plan: Plan, planted: bool) -> None:
    """刑诉法 第173条: the defender (or the duty lawyer) of each suspect and each victim heard
    before the decision; when ``planted`` the first suspect's hearing is left out."""
    rng, fc = ctx.rng, ctx.fc
    lo = max(d.assigned, plan.base)
    heard = [
        (p.id, "defender" if c else "duty_lawyer")
        for p, c in zip(m.suspects, f.counsel, strict=True)
    ]
    heard += [(v[0], "victim") for v in m.victims]
    for party, note in heard[1:] if planted else heard:
        d.ev(fc.pick(rng, lo, plan.decision), "opinion_heard", m.handler, party, note)


P_NECESSITY = 0.1  # an arrested suspect (or the defender) applies for a custody-necessity review


def _necessity(ctx: Ctx, d: Draft, m: Matter, f: Facts, planted: bool) -> None:
    """刑诉法 第95条: an application answered within ten days (a custody period: the end never
    moves); when ``planted`` the answer is missing or 2–4 days after the end moved anyway."""
    rng, fc = ctx.rng, ctx.fc
    held = [p.id for p, c in zip(m.suspects, f.custody, strict=True) if c]
    if not held or not (planted or rng.random() < P_NECESSITY):
        return
    asked = fc.pick(rng, d.received + 5, d.received + 20)
    d.ev(asked, "necessity_applied", None, held[0], "辩护人申请羁押必要性审查")
    if not planted:
        d.ev(fc.pick(rng, asked + 1, asked + 10), "necessity_answered", m.handler, held[0], None)
    elif rng.random() < 0.5:
        late = fc.next_working(asked + 10) + 2 + int(rng.random() * 3)
        d.ev(late, "necessity_answered", m.handler, held[0], None)


def _notices(ctx: Ctx, d: Draft, m: Matter, f: Facts, kind: str) -> list[int]:
    """3-day notices to suspects and victims, legal aid; returns the counsel notice days."""
    notified = within_three_days(
        ctx,
        d,
        "counsel_notified",
        [p.id for p in m.suspects],
        m.handler,
        planted=kind == "counsel_notice_late",
    )
    within_three_days(
        ctx,
        d,
        "victim_notified",
        [v[0] for v in m.victims],
        m.handler,
        planted=kind == "victim_notice_late",
    )
    within_three_days(
        ctx,
        d,
        "legal_aid_requested",
        _needs_aid(m, f),
        m.handler,
        planted=kind == "legal_aid_missing",
    )
    return notified


def _returns(ctx: Ctx, slot: Slot, d: Draft, m: Matter, plan: Plan, drop_one: bool) -> None:
    rng = ctx.rng
    drop = int(rng.random() * len(plan.rounds)) if drop_one else -1
    if drop_one:
        while plan.rounds[drop][0] > ctx.end:
            drop -= 1
    for i, (ret, back) in enumerate(plan.rounds):
        d.ev(
            ret, "returned_for_investigation", m.handler, None, f"第{cn_small(i + 1)}次退回补充侦查"
        )
        if i != drop:
            outline_doc(ctx, slot, d, m, i + 1, ret)
        d.ev(back, "retransferred", None, None, "补充侦查完毕重新移送审查起诉")
