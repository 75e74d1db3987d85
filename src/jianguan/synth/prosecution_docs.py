"""Documents and court outcomes of a prosecution review."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jianguan.synth import texts
from jianguan.synth.charges import BY_NAME, CHARGE_NAMES
from jianguan.synth.common import Ctx, Draft, Json, Slot
from jianguan.synth.matter import Matter
from jianguan.synth.names import lawyer

_COUNT = {
    "容留他人吸毒罪": (2, 8),
    "非法狩猎罪": (3, 40),
    "污染环境罪": (3, 30),
    "非法拘禁罪": (10, 72),
    "走私、贩卖、运输、制造毒品罪": (1, 60),
    "非法持有毒品罪": (10, 150),
    "引诱、容留、介绍卖淫罪": (5, 60),
    "组织、领导传销活动罪": (30, 900),
    "妨害信用卡管理罪": (5, 60),
    "侵犯公民个人信息罪": (5000, 90000),
    "非法采矿罪": (300, 9000),
    "非法利用信息网络罪": (200, 5000),
    "虚开增值税专用发票、用于骗取出口退税、抵扣税款发票罪": (10, 300),
}
# Cumulative shares of court outcomes after prosecution (conviction rate 99.97 % in 2024).
_OUTCOMES = (
    ("acquitted", 0.0005),
    ("withdrawn", 0.0025),
    ("returned_by_court", 0.0045),
    ("exempted", 0.0145),
)


@dataclass(slots=True)
class Facts:
    """What the prosecution review of a matter comes to, per suspect and as a whole."""

    custody: list[bool]
    counsel: list[bool]
    plea: list[bool]
    fast: bool
    dtype: str
    ground: str | None
    n_ret: int
    ext: bool
    # 刑诉法 第174条第2款第2项: a pleading minor's legal representative or defender objected
    objected: list[bool] = field(default_factory=list)
    needs_statement: list[bool] = field(default_factory=list)  # 第174条: must sign one

    @property
    def in_custody(self) -> bool:
        return any(self.custody)


def organ(ctx: Ctx, slot: Slot, m: Matter) -> str:
    place = ctx.org.units[slot.unit].place
    return place.supervisory if m.charge.organ == "supervisory" else place.police


def facts_text(ctx: Ctx, slot: Slot, m: Matter, names: str) -> str:
    rng, place = ctx.rng, ctx.org.units[slot.unit].place.place
    big = m.major or m.charge.lo >= 12
    out = []
    for charge in m.charges:
        lo, hi = _COUNT.get(charge, (81, 250))
        out.append(
            BY_NAME[charge].facts.format(
                d=ctx.fc.ymd(m.offence),
                h=20 + int(rng.random() * 4),
                n=names,
                p=place,
                s=texts.SPOTS[int(rng.random() * len(texts.SPOTS))],
                r=texts.ROADS[int(rng.random() * len(texts.ROADS))],
                v=m.victims[0][1] if m.victims else "某某",
                a=(2000 + int(rng.random() ** 2 * 98000)) * (60 if big else 1),
                c=lo + int(rng.random() * (hi - lo)),
                co=texts.COMPANIES[int(rng.random() * len(texts.COMPANIES))],
            )
        )
    return "；".join(out)


# How a planted plea_statement_missing looks (刑诉法 第174条第1款, per suspect who must sign):
# every statement left out; one of two (or more) suspects' left out; one dated after the
# indictment; one signed with no defender or duty lawyer present.
PLEA_VARIANTS = ("none", "one_of_several", "after_indictment", "no_lawyer")
P_EXEMPT_UNSIGNED = 0.5  # a blind, deaf, mute or mentally ill suspect who pleads signs nothing


def plea_variants(m: Matter, f: Facts) -> list[str]:
    """The variants of a planted plea_statement_missing this case can carry."""
    needed = [p for p, n in zip(m.suspects, f.needs_statement, strict=True) if n]
    if not needed:
        return []
    out = ["none", "no_lawyer"]
    names = [p.name for p in m.suspects]
    if len(needed) >= 2 and any(names.count(p.name) == 1 for p in needed):
        out.append("one_of_several")
    if f.dtype == "prosecute":
        out.append("after_indictment")
    return out


def plea_statements(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, f: Facts, base: int, hi: int, variant: str
) -> None:
    """One signed statement per pleading suspect, with counsel or the duty lawyer (第174条第1款),
    dated from ``base`` to ``hi`` (no later than the indictment). A suspect 第174条第2款 exempts
    may sign none: the blind, deaf, mute or mentally ill (half of them here), and a minor whose
    legal representative or defender objected (``plea_objection`` recorded, no statement).
    ``variant`` (PLEA_VARIANTS, or "" for a clean case) plants plea_statement_missing."""
    fc, rng = ctx.fc, ctx.rng
    unit = ctx.org.units[slot.unit].place.name
    charges = "、".join(m.charges)
    jail = m.charge.hi <= 6
    needed = [i for i, n in enumerate(f.needs_statement) if n]
    names = [p.name for p in m.suspects]
    target = -1  # the one suspect a variant concerns
    if variant == "one_of_several":
        target = next(i for i in needed if names.count(names[i]) == 1)
    elif variant in ("after_indictment", "no_lawyer"):
        target = needed[int(rng.random() * len(needed))]
    for i, (p, plea, counsel) in enumerate(zip(m.suspects, f.plea, f.counsel, strict=True)):
        if not plea:
            continue
        if f.objected[i]:
            who = "辩护人" if counsel and rng.random() < 0.3 else "法定代理人"
            d.ev(fc.pick(rng, base, hi), "plea_objection", None, p.id, f"{who}对认罪认罚有异议")
            continue
        if not f.needs_statement[i] and rng.random() < P_EXEMPT_UNSIGNED:
            continue
        if variant == "none" and f.needs_statement[i]:
            continue
        if i == target and variant == "one_of_several":
            continue
        if f.dtype == "not_prosecute":
            proposal = "同意检察机关作出不起诉处理"
        else:
            procedure = "速裁程序" if f.fast else "简易程序" if p.likely <= 36 else "普通程序"
            proposal = (
                f"同意检察机关提出的{texts.months_text(p.likely, jail)}的量刑建议，"
                f"同意适用{procedure}审理"
            )
        day = fc.pick(rng, base, hi)
        if i == target and variant == "after_indictment":
            day = hi + 1 + int(rng.random() * 3)
        role = "辩护人" if counsel else "值班律师"
        witnessed = not (i == target and variant == "no_lawyer")
        d.doc(
            day,
            "plea_statement",
            None,
            texts.plea_statement(
                p.name, p.born(), unit, charges, proposal, role, lawyer(rng), fc.cn(day), witnessed
            ),
        )


def outline_doc(ctx: Ctx, slot: Slot, d: Draft, m: Matter, nth: int, day: int) -> None:
    """The supplementary-investigation outline that goes with each return (规则 第342条)."""
    rng = ctx.rng
    unit = ctx.org.units[slot.unit].place
    first = int(rng.random() * len(texts.OUTLINE_ITEMS))
    second = (first + 1 + int(rng.random() * (len(texts.OUTLINE_ITEMS) - 1))) % len(
        texts.OUTLINE_ITEMS
    )
    items = f"一、{texts.OUTLINE_ITEMS[first]}；二、{texts.OUTLINE_ITEMS[second]}"
    no = ctx.doc_no(slot, "刑退查", day, nth)
    names = "、".join(p.name for p in m.suspects)
    d.doc(
        day,
        "investigation_outline",
        no,
        texts.outline(
            unit.name,
            no,
            names,
            "、".join(m.charges),
            organ(ctx, slot, m),
            nth,
            items,
            ctx.fc.cn(day),
        ),
    )


_OPINION = {
    "prosecute": "建议提起公诉",
    "not_prosecute": "建议不起诉",
    "transfer": "建议移送有管辖权的人民检察院审查起诉",
}


def documents(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, f: Facts, decision: int, kind: str,
    notified: list[int], issued: int,
) -> None:  # fmt: skip
    """Counsel notices, the review report and the decision document."""
    fc, place = ctx.fc, ctx.org.units[slot.unit].place
    names, charges = "、".join(p.name for p in m.suspects), "、".join(m.charges)
    police, received = organ(ctx, slot, m), fc.ymd(d.received)
    for p, day in zip(m.suspects, notified, strict=True):
        if day >= 0:
            text = texts.counsel_notice(place.name, p.name, charges, police, received, fc.cn(day))
            d.doc(day, "counsel_notice", None, text)
    report = texts.review_report("审查起诉案件", ctx.org.names[m.handler], names, charges, police,
                                 _OPINION[f.dtype], fc.ymd(decision))  # fmt: skip
    d.doc(decision, "review_report", None, report)
    if kind == "document_missing" or f.dtype == "transfer":
        return
    role = "被告人" if f.dtype == "prosecute" else "被不起诉人"
    intro = texts.people_intro(role, [(p.name, "男" if p.male else "女", p.born(), c)
                                      for p, c in zip(m.suspects, f.custody, strict=True)])  # fmt: skip
    if f.dtype == "prosecute":
        _indictment(ctx, slot, d, m, f, issued, intro, kind == "charge_mismatch")
        return
    no = ctx.doc_no(slot, "刑不诉", issued)
    upper = ctx.org.parent(place).name
    text = texts.non_prosecution(place.name, no, intro, names, charges, police, received,
                                 f.ground or "discretionary", bool(m.victims), upper,
                                 fc.cn(issued))  # fmt: skip
    d.doc(issued, "non_prosecution_decision", no, text)


def _indictment(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, f: Facts, issued: int, intro: str, mismatch: bool
) -> None:
    rng, place = ctx.rng, ctx.org.units[slot.unit].place
    named = list(m.charges)
    if mismatch:  # the indictment names another offence in place of one on the card
        others = [c for c in CHARGE_NAMES if c not in named]
        named[int(rng.random() * len(named))] = others[int(rng.random() * len(others))]
    names = "、".join(p.name for p in m.suspects)
    no = ctx.doc_no(slot, "刑诉", issued)
    articles = "、".join(BY_NAME[c].article for c in m.charges)
    d.doc(
        issued,
        "indictment",
        no,
        texts.indictment(
            place.name,
            no,
            intro,
            names,
            "、".join(named),
            organ(ctx, slot, m),
            ctx.fc.ymd(d.received),
            facts_text(ctx, slot, m, names),
            articles,
            any(f.plea),
            place.court,
            ctx.fc.cn(issued),
        ),
    )


def outcome(ctx: Ctx, m: Matter, f: Facts, decision: int) -> Json | None:
    """The court's judgment 2 weeks to 6 months after prosecution; None if not yet by ``end``."""
    rng, fc = ctx.rng, ctx.fc
    if f.fast:
        lag = 12 + int(rng.random() * 25)
    else:
        lag = 60 + int(rng.random() * 120) if m.major else 25 + int(rng.random() * 65)
    on = fc.next_working(decision + lag)
    if on > ctx.end:
        return None
    likely = m.suspects[0].likely
    rec = likely if f.plea[0] or rng.random() < 0.6 else None
    kind = _outcome_kind(rng.random())
    sentence, accepted = _sentence(rng, kind, rec, likely)
    p_appeal = 0.03 if f.plea[0] else 0.18
    return {
        "type": kind,
        "on": fc.iso[on - fc.base],
        "sentence_months": sentence,
        "recommendation_months": rec,
        "recommendation_accepted": accepted,
        "appealed": kind == "convicted" and rng.random() < p_appeal,
        "charge_changed": kind == "convicted" and rng.random() < 0.01,
    }


def _outcome_kind(r: float) -> str:
    for kind, upto in _OUTCOMES:
        if r < upto:
            return kind
    return "convicted"


def _sentence(
    rng: random.Random, kind: str, rec: int | None, likely: int
) -> tuple[int | None, bool | None]:
    """(sentence in months, recommendation accepted): the court follows about 95 % of them."""
    if kind == "exempted":
        return None, False if rec is not None else None
    if kind != "convicted":
        return None, None
    if rec is None:
        return likely, None
    if rng.random() < 0.95:
        return rec, True
    shift = (1 + int(rng.random() * 4)) * (1 if rng.random() < 0.5 else -1)
    return max(1, rec + shift), False
