"""Supervision cases: civil, administrative, public interest, criminal litigation supervision,
complaints. No charges, suspects or victims on the card; decided within three months
(民事诉讼法 第220条 for civil applications; the same limit is kept for the others).
"""

from __future__ import annotations

import random

from jianguan.synth import texts
from jianguan.synth.arrest import year_end_rush
from jianguan.synth.common import (
    Ctx,
    Draft,
    Json,
    Slot,
    approver,
    archive,
    archive_lag,
    assign,
    choose_handler,
    consult,
    decide,
)
from jianguan.synth.defects import choose, needs_approval
from jianguan.synth.names import full_name
from jianguan.synth.org import DEPT2, DEPT3, DEPT4, DEPT5
from jianguan.synth.skeleton import ADM, CIV, CP, CS, PI

Weighted = tuple[tuple[str, float], ...]
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
    (CP, "no_supervision"): ("no_supervision_decision", "刑申", "不支持监督申请决定书"),
    (CIV, "protest"): ("protest_document", "民抗", "民事抗诉书"),
    (CIV, "recommendation"): ("recommendation_document", "民建", "再审检察建议书"),
    (CIV, "no_supervision"): ("no_supervision_decision", "民监", "不支持监督申请决定书"),
    (ADM, "protest"): ("protest_document", "行抗", "行政抗诉书"),
    (ADM, "recommendation"): ("recommendation_document", "行建", "检察建议书"),
    (ADM, "no_supervision"): ("no_supervision_decision", "行监", "不支持监督申请决定书"),
    (PI, "recommendation"): ("recommendation_document", "公建", "检察建议书"),
    (PI, "file_suit"): ("public_interest_complaint", "民公诉", "公益诉讼起诉书"),
    (PI, "no_supervision"): ("no_supervision_decision", "公终", "终结案件决定书"),
}
DISPUTES = (
    "民间借贷",
    "买卖合同",
    "房屋租赁合同",
    "劳动争议",
    "机动车交通事故责任",
    "建设工程施工合同",
    "物业服务合同",
)
ADMIN_ACTS = ("行政处罚", "工伤认定", "房屋征收补偿", "行政许可", "政府信息公开")
PI_FIELDS = (
    ("生态环境和资源保护", "自然资源局", "非法占用林地未依法查处"),
    ("食品药品安全", "市场监督管理局", "校园周边无证经营食品未依法监管"),
    ("国有财产保护", "财政局", "应收未收国有土地出让金"),
    ("安全生产", "应急管理局", "燃气经营场所安全隐患未依法整治"),
    ("个人信息保护", "市场监督管理局", "经营者违规收集消费者个人信息未依法查处"),
    ("城市公共安全", "城市管理和综合执法局", "窨井盖缺失破损未及时修复"),
)
FLAWS = ("认定的基本事实缺乏证据证明", "适用法律确有错误", "违反法律规定，剥夺当事人辩论权利")


def _weighted(rng: random.Random, options: Weighted) -> str:
    r = rng.random()
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
    dtype = _weighted(rng, _DECISIONS[slot.cat])
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
    kind = choose(ctx, kinds)
    d = Draft(ctx, slot, dept, _weighted(rng, _SOURCES[slot.cat]))
    d.major = major
    d.handler, designated = choose_handler(rng, unit, dept, major)
    d.assignment = "designated" if designated else "random"
    assign(d, rng, fc, unit, min(decision - 1, end))
    if kind == "consultation_unanswered" or (rng.random() < 0.03 and decision - d.assigned >= 2):
        consult(d, rng, fc, unit, d.assigned, decision, answered=kind != "consultation_unanswered")
    ok = needs_approval(dtype, major) and kind != "approval_missing"
    decide(d, decision, dtype, approver(rng, unit, d.handler) if ok else None)
    _documents(ctx, slot, d, dtype, decision)
    drop = ("self_check", "verification", "both")[int(rng.random() * 3)]
    archive(d, rng, fc, unit, end, lag, drop=drop if kind == "archived_unchecked" else "")
    return d.render(fc, end), kind


def _documents(ctx: Ctx, slot: Slot, d: Draft, dtype: str, decision: int) -> None:
    rng, fc = ctx.rng, ctx.fc
    place = ctx.org.units[slot.unit].place
    doc_type, code, title = _DOCS[(slot.cat, dtype)]
    no = ctx.doc_no(slot, code, decision)
    addressee, body = _body(
        rng, slot.cat, dtype, place.court, place.place, place.code, fc.year(decision)
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
            title.removesuffix("书"),
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


def _body(
    rng: random.Random, cat: int, dtype: str, court: str, place: str, code: str, year: int
) -> tuple[str, str]:
    a, b = full_name(rng, rng.random() < 0.6), full_name(rng, rng.random() < 0.6)
    ref = f"（{year - 1}）粤{code[2:6] if code[4:] != '00' else code[2:4]}"
    n = 100 + int(rng.random() * 9000)
    flaw = FLAWS[int(rng.random() * len(FLAWS))]
    if cat == PI:
        field, agency, issue = PI_FIELDS[int(rng.random() * len(PI_FIELDS))]
        target = f"{place}{agency}"
        if dtype == "file_suit":
            return court, (
                f"公益诉讼起诉人{place}人民检察院诉被告{target}不依法履行职责一案，"
                f"本院在履行{field}领域公益诉讼职责中发现{issue}，经诉前检察建议后被告仍未依法"
                "履职，社会公共利益持续处于受侵害状态，依法提起诉讼，请求判令被告依法履行职责。"
            )
        if dtype == "no_supervision":
            return (
                target,
                f"本院对{field}领域{issue}线索立案审查，经审查，相关行政机关已依法全面履职，社会公共利益已得到有效保护，决定终结案件。",
            )
        return target, (
            f"本院在履行{field}领域公益诉讼职责中发现，你单位对{issue}，致使社会公共利益"
            "受到侵害。建议你单位依法履行监督管理职责，并在收到本检察建议书之日起两个月内书面回复本院。"
        )
    matter = {
        CIV: f"{DISPUTES[int(rng.random() * len(DISPUTES))]}纠纷一案",
        ADM: f"{ADMIN_ACTS[int(rng.random() * len(ADMIN_ACTS))]}行政诉讼一案",
        CS: "刑事一案",
        CP: "刑事申诉一案",
    }[cat]
    judged = f"{court}作出的{ref}{'民' if cat == CIV else '行' if cat == ADM else '刑'}终{n}号判决"
    if dtype == "no_supervision":
        return a, (
            f"申请人{a}与{b}{matter}，不服{judged}，向本院申请监督。本院经审查认为，原判决认定事实"
            "清楚，适用法律正确，审判程序合法，申请人的监督申请不符合监督条件，决定不支持其监督申请。"
        )
    if dtype == "protest":
        return court, (
            f"申请人{a}与{b}{matter}，{judged}已经发生法律效力。本院经审查认为，原判决{flaw}，"
            "依照法律的有关规定，特提出抗诉，请依法再审（判处）。"
        )
    return court, (
        f"本院在办理{a}与{b}{matter}的监督案件中发现，{judged}{flaw}。依照法律的有关规定，"
        "建议你院依法再审或者纠正，并将处理结果书面回复本院。"
    )
