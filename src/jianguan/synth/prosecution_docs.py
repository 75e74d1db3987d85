"""Documents and court outcomes of a prosecution review."""

from __future__ import annotations

from dataclasses import dataclass

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
_ACQUITTED, _WITHDRAWN, _RETURNED, _EXEMPTED = 0.0005, 0.0025, 0.0045, 0.0145


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


def plea_statements(
    ctx: Ctx, slot: Slot, d: Draft, m: Matter, f: Facts, base: int, decision: int
) -> None:
    """One signed statement per pleading suspect, with counsel or the duty lawyer (第174条)."""
    fc, rng = ctx.fc, ctx.rng
    unit = ctx.org.units[slot.unit].place.name
    charges = "、".join(m.charges)
    jail = m.charge.hi <= 6
    for p, plea, counsel in zip(m.suspects, f.plea, f.counsel, strict=True):
        if not plea:
            continue
        if f.dtype == "not_prosecute":
            proposal = "同意检察机关作出不起诉处理"
        else:
            procedure = "速裁程序" if f.fast else "简易程序" if p.likely <= 36 else "普通程序"
            proposal = (
                f"同意检察机关提出的{texts.months_text(p.likely, jail)}的量刑建议，"
                f"同意适用{procedure}审理"
            )
        day = fc.pick(rng, base, decision)
        role = "辩护人" if counsel else "值班律师"
        d.doc(
            day,
            "plea_statement",
            None,
            texts.plea_statement(
                p.name, p.born(), unit, charges, proposal, role, lawyer(rng), fc.cn(day)
            ),
        )


def outline_doc(ctx: Ctx, slot: Slot, d: Draft, m: Matter, nth: int, day: int) -> None:
    """The supplementary-investigation outline that goes with each return (规则 第257条)."""
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


def documents(
    ctx: Ctx,
    slot: Slot,
    d: Draft,
    m: Matter,
    f: Facts,
    decision: int,
    kind: str,
    notified: list[int],
) -> None:
    """Counsel notices, the review report and the decision document."""
    fc, rng = ctx.fc, ctx.rng
    place = ctx.org.units[slot.unit].place
    names = "、".join(p.name for p in m.suspects)
    charges = "、".join(m.charges)
    police = organ(ctx, slot, m)
    received = fc.ymd(d.received)
    for p, day in zip(m.suspects, notified, strict=True):
        if day >= 0:
            d.doc(
                day,
                "counsel_notice",
                None,
                texts.counsel_notice(place.name, p.name, charges, police, received, fc.cn(day)),
            )
    opinion = {
        "prosecute": "建议提起公诉",
        "not_prosecute": "建议不起诉",
        "transfer": "建议移送有管辖权的人民检察院审查起诉",
    }[f.dtype]
    d.doc(
        decision,
        "review_report",
        None,
        texts.review_report(
            "审查起诉案件",
            ctx.org.names[m.handler],
            names,
            charges,
            police,
            opinion,
            fc.ymd(decision),
        ),
    )
    if kind == "document_missing" or f.dtype == "transfer":
        return
    issued = decision - 1 - int(rng.random() * 3) if kind == "date_mismatch" else decision
    intro_role = "被告人" if f.dtype == "prosecute" else "被不起诉人"
    intro = texts.people_intro(
        intro_role,
        [
            (p.name, "男" if p.male else "女", p.born(), c)
            for p, c in zip(m.suspects, f.custody, strict=True)
        ],
    )
    if f.dtype == "prosecute":
        _indictment(ctx, slot, d, m, f, issued, intro, kind == "charge_mismatch")
    else:
        no = ctx.doc_no(slot, "刑不诉", issued)
        upper = ctx.org.units[ctx.org.unit_index(place.parent)].place.name if place.parent else ""
        d.doc(
            issued,
            "non_prosecution_decision",
            no,
            texts.non_prosecution(
                place.name,
                no,
                intro,
                names,
                charges,
                police,
                received,
                f.ground or "discretionary",
                bool(m.victims),
                upper,
                fc.cn(issued),
            ),
        )


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
    lag = (
        12 + int(rng.random() * 25)
        if f.fast
        else (60 + int(rng.random() * 120) if m.major else 25 + int(rng.random() * 65))
    )
    on = fc.next_working(decision + lag)
    if on > ctx.end:
        return None
    likely = m.suspects[0].likely
    rec = likely if f.plea[0] or rng.random() < 0.6 else None
    r = rng.random()
    kind = (
        "acquitted"
        if r < _ACQUITTED
        else "withdrawn"
        if r < _WITHDRAWN
        else "returned_by_court"
        if r < _RETURNED
        else "exempted"
        if r < _EXEMPTED
        else "convicted"
    )
    sentence: int | None = None
    accepted: bool | None = None
    if kind == "convicted":
        accepted = rec is not None and rng.random() < 0.95
        base = rec if rec is not None else likely
        sentence = (
            base
            if accepted
            else max(1, base + (1 + int(rng.random() * 4)) * (1 if rng.random() < 0.5 else -1))
        )
        if rec is None:
            accepted = None
    elif kind == "exempted" and rec is not None:
        accepted = False
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
