"""Supervision cases: civil, administrative, public interest, criminal litigation supervision,
complaints. No charges, suspects or victims on the card; decided within three months
(民事诉讼法 第220条 for civil applications; the same limit is kept for the others).
"""

from __future__ import annotations

import random

from jianguan.synth import supervision_texts, texts
from jianguan.synth.arrest import year_end_rush
from jianguan.synth.common import (
    Ctx,
    Draft,
    Json,
    Slot,
    archive_lag,
    assign,
    choose_handler,
    close_file,
    consult_and_decide,
    needs_approval,
)
from jianguan.synth.defects import choose
from jianguan.synth.org import DEPT2, DEPT3, DEPT4, DEPT5
from jianguan.synth.skeleton import ADM, CIV, CP, CS, PI

Weighted = tuple[tuple[str, float], ...]
_LABEL = {
    CS: "刑事诉讼监督案件",
    CP: "控告申诉案件",
    CIV: "民事诉讼监督案件",
    ADM: "行政诉讼监督案件",
    PI: "公益诉讼案件",
}
_DEPT = {CS: DEPT2, CP: DEPT5, CIV: DEPT3, ADM: DEPT3, PI: DEPT4}
_SOURCES: dict[int, Weighted] = {
    CS: (("self_discovered", 0.5), ("transferred", 0.3), ("application", 0.2)),
    CP: (("application", 0.92), ("transferred", 0.05), ("self_discovered", 0.03)),
    CIV: (("application", 0.93), ("self_discovered", 0.05), ("transferred", 0.02)),
    ADM: (("application", 0.9), ("self_discovered", 0.08), ("transferred", 0.02)),
    PI: (("self_discovered", 0.88), ("transferred", 0.08), ("application", 0.04)),
}
_DECISIONS: dict[int, Weighted] = {
    CS: (("recommendation", 0.62), ("no_supervision", 0.30), ("protest", 0.08)),
    CP: (("no_supervision", 0.75), ("recommendation", 0.20), ("protest", 0.05)),
    CIV: (("no_supervision", 0.68), ("recommendation", 0.22), ("protest", 0.10)),
    ADM: (("no_supervision", 0.70), ("recommendation", 0.24), ("protest", 0.06)),
    PI: (("recommendation", 0.86), ("file_suit", 0.08), ("no_supervision", 0.06)),
}
# (category, decision) -> document type, number code, title
_DOCS = {
    (CS, "protest"): ("protest_document", "刑抗", "刑事抗诉书"),
    (CS, "recommendation"): ("recommendation_document", "刑建", "检察建议书"),
    (CS, "no_supervision"): ("no_supervision_decision", "刑监", "不支持监督申请决定书"),
    (CP, "protest"): ("protest_document", "刑申抗", "刑事抗诉书"),
    (CP, "recommendation"): ("recommendation_document", "控建", "检察建议书"),
    (CP, "no_supervision"): ("no_supervision_decision", "刑申", "刑事申诉复查决定书"),
    (CIV, "protest"): ("protest_document", "民抗", "民事抗诉书"),
    (CIV, "recommendation"): ("recommendation_document", "民建", "再审检察建议书"),
    (CIV, "no_supervision"): ("no_supervision_decision", "民监", "不支持监督申请决定书"),
    (ADM, "protest"): ("protest_document", "行抗", "行政抗诉书"),
    (ADM, "recommendation"): ("recommendation_document", "行建", "检察建议书"),
    (ADM, "no_supervision"): ("no_supervision_decision", "行监", "不支持监督申请决定书"),
    (PI, "recommendation"): ("recommendation_document", "公建", "检察建议书"),
    (PI, "file_suit"): ("public_interest_complaint", "行公诉", "公益诉讼起诉书"),
    (PI, "no_supervision"): ("no_supervision_decision", "公终", "终结案件决定书"),
}


def _weighted(rng: random.Random, options: Weighted) -> str:
    r = rng.random() * sum(share for _, share in options)
    for value, share in options:
        r -= share
        if r < 0:
            return value
    return options[0][0]


def supervision_case(ctx: Ctx, slot: Slot) -> tuple[Json, str]:
    rng, fc, end, received = ctx.rng, ctx.fc, ctx.end, slot.day
    unit = ctx.org.units[slot.unit]
    dept = _DEPT[slot.cat]
    major = rng.random() < 0.03
    source = _weighted(rng, _SOURCES[slot.cat])
    options = _DECISIONS[slot.cat]
    if source != "application" and slot.cat != PI:  # only an application can be turned down
        options = tuple(o for o in options if o[0] != "no_supervision")
    dtype = _weighted(rng, options)
    if dtype == "protest" and slot.cat in (CIV, ADM) and unit.place.level == "basic":
        dtype = "recommendation"  # a basic unit asks the upper unit to protest; it recommends
    decision = fc.pick(rng, received + 10, fc.months(received, 3))
    decision = year_end_rush(ctx, received + 10, decision)
    lag = archive_lag(rng)
    kinds = []
    if decision <= end:
        kinds.append("consultation_unanswered")
        if needs_approval(dtype, major):
            kinds.append("approval_missing")
        if decision + lag <= end:
            kinds.append("archived_unchecked")
    if slot.cat == PI and dtype == "recommendation" and decision + 75 <= end:
        kinds.append("public_interest_reply_overdue")
    kind = choose(ctx, kinds)
    d = Draft(ctx, slot, dept, source)
    d.major = major
    d.handler, designated = choose_handler(rng, unit, dept, major)
    d.assignment = "designated" if designated else "random"
    assign(d, rng, fc, unit, min(decision - 1, end))
    consult_and_decide(ctx, d, unit, d.assigned, decision, dtype, kind, 0.03)
    _documents(ctx, slot, d, dtype, decision)
    if slot.cat == PI and dtype == "recommendation":
        _reply(ctx, d, decision, kind == "public_interest_reply_overdue")
    close_file(ctx, d, unit, lag, kind)
    return d.render(fc, end), kind


def _reply(ctx: Ctx, d: Draft, issued: int, planted: bool) -> None:
    """The pre-litigation recommendation and the organ's reply within two months (解释 第21条);
    when ``planted`` the reply is missing or comes 2–6 days after the (criminal-rule, moved)
    end, which is never earlier than the civil one."""
    rng, fc = ctx.rng, ctx.fc
    d.ev(issued, "public_interest_notice", d.handler, None, "诉前检察建议")
    if not planted:
        d.ev(fc.pick(rng, issued + 15, issued + 55), "public_interest_reply", None, None, None)
    elif rng.random() < 0.5:
        late = fc.next_working(fc.months(issued, 2)) + 2 + int(rng.random() * 5)
        d.ev(late, "public_interest_reply", None, None, None)


def _documents(ctx: Ctx, slot: Slot, d: Draft, dtype: str, decision: int) -> None:
    rng, fc = ctx.rng, ctx.fc
    place = ctx.org.units[slot.unit].place
    doc_type, code, title = _DOCS[(slot.cat, dtype)]
    no = ctx.doc_no(slot, code, decision)
    addressee, body = supervision_texts.body(
        rng, ctx.org, slot.cat, dtype, place, fc.year(decision)
    )
    source = {
        "application": "当事人申请",
        "transferred": "有关机关移送",
        "self_discovered": "依职权发现",
    }
    d.doc(
        decision,
        "review_report",
        None,
        texts.review_report(
            _LABEL[slot.cat],
            ctx.org.names[d.handler],
            "",
            "",
            source[d.source],
            f"建议作出{title.removesuffix('书')}",
            fc.ymd(decision),
        ),
    )
    d.doc(
        decision,
        doc_type,
        no,
        texts.supervision(place.name, no, title, addressee, body, fc.cn(decision)),
    )
