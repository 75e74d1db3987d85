"""Bodies of supervision documents: who they are addressed to and what they say.

A basic unit recommends retrial (再审检察建议) to the court beside it; a municipal or provincial unit
protests (抗诉) an effective judgment of a court one level down, to the court beside it; a criminal
protest against a first-instance judgment goes to the court one level up (刑诉法 第228条).
"""

from __future__ import annotations

import random

from jianguan.synth.geo import Place
from jianguan.synth.names import full_name
from jianguan.synth.org import Org
from jianguan.synth.skeleton import ADM, CIV, CP, CS, PI

DISPUTES = ("民间借贷", "买卖合同", "房屋租赁合同", "劳动争议", "机动车交通事故责任",
            "建设工程施工合同", "物业服务合同")  # fmt: skip
AGENCIES = (("人力资源和社会保障局", "工伤认定"), ("市场监督管理局", "行政处罚"),
            ("住房和城乡建设局", "房屋征收补偿"), ("自然资源局", "行政许可"),
            ("公安局", "行政处罚"))  # fmt: skip
PI_FIELDS = (
    ("生态环境和资源保护", "自然资源局", "非法占用林地未依法查处"),
    ("食品药品安全", "市场监督管理局", "校园周边无证经营食品未依法监管"),
    ("国有财产保护", "财政局", "应收未收国有土地出让金"),
    ("安全生产", "应急管理局", "燃气经营场所安全隐患未依法整治"),
    ("个人信息保护", "市场监督管理局", "经营者违规收集消费者个人信息未依法查处"),
    ("城市公共安全", "城市管理和综合执法局", "窨井盖缺失破损未及时修复"),
)
CIVIL_FLAWS = ("认定的基本事实缺乏证据证明", "适用法律确有错误", "违反法律规定，剥夺当事人辩论权利")
CRIMINAL_FLAWS = ("适用法律错误，导致量刑明显不当", "认定事实错误，导致量刑畸轻")
POLICE_ISSUES = ("未在法定期限内通知犯罪嫌疑人家属", "扣押财物未依法开具清单",
                 "未依法对讯问过程全程录音录像", "取保候审期限届满未依法解除")  # fmt: skip


def _pick(rng: random.Random, items: tuple[str, ...]) -> str:
    return items[int(rng.random() * len(items))]


def _judgment(
    rng: random.Random, org: Org, place: Place, year: int, kind: str
) -> tuple[Place, str]:
    """(place of the court, "（2024）粤0304民初1234号") of a judgment this unit may supervise."""
    court_place = place
    if place.level != "basic":
        court_place = _pick_place(rng, org.children.get(place.code, [place]))
    code = court_place.code
    short = code[2:6] if court_place.level == "basic" else code[2:4]
    stage = "初" if court_place.level == "basic" else "终"
    n = 100 + int(rng.random() * 9000)
    return court_place, f"（{year - 1}）粤{short}{kind}{stage}{n}号"


def _pick_place(rng: random.Random, places: list[Place]) -> Place:
    return places[int(rng.random() * len(places))]


def public_interest(rng: random.Random, dtype: str, place: Place) -> tuple[str, str]:
    field, agency, issue = PI_FIELDS[int(rng.random() * len(PI_FIELDS))]
    target = f"{place.place}{agency}"
    if dtype == "file_suit":
        return place.court, (
            f"公益诉讼起诉人{place.name}诉被告{target}不依法履行职责一案。本院在履行{field}领域公益"
            f"诉讼职责中发现{issue}，经诉前检察建议后被告仍未依法履职，社会公共利益持续处于受侵害状态。"
            "依照《中华人民共和国行政诉讼法》第二十五条第四款的规定，提起行政公益诉讼，请求判令被告"
            "依法履行职责。"
        )
    if dtype == "no_supervision":
        return target, (
            f"本院对{field}领域{issue}线索立案审查。经审查，相关行政机关已依法全面履职，社会公共利益"
            "已得到有效保护，决定终结案件。"
        )
    return target, (
        f"本院在履行{field}领域公益诉讼职责中发现，你单位对{issue}，致使社会公共利益受到侵害。"
        "建议你单位依法履行监督管理职责，并在收到本检察建议书之日起两个月内书面回复本院。"
    )


def civil_or_admin(
    rng: random.Random, org: Org, cat: int, dtype: str, place: Place, year: int
) -> tuple[str, str]:
    a = full_name(rng, rng.random() < 0.6)
    judged, ref = _judgment(rng, org, place, year, "民" if cat == CIV else "行")
    court = judged.court
    if cat == CIV:
        matter = (
            f"申请人{a}与被申请人{full_name(rng, rng.random() < 0.6)}{_pick(rng, DISPUTES)}纠纷一案"
        )
    else:
        agency, act = AGENCIES[int(rng.random() * len(AGENCIES))]
        matter = f"申请人{a}诉{judged.place}{agency}{act}一案"
    flaw = _pick(rng, CIVIL_FLAWS)
    if dtype == "no_supervision":
        return a, (
            f"{matter}，不服{court}{ref}判决，向本院申请监督。本院经审查认为，原判决认定事实清楚，"
            "适用法律正确，审判程序合法，申请人的监督申请不符合监督条件，决定不支持其监督申请。"
        )
    if dtype == "protest":
        return place.court, (
            f"{matter}，{court}作出的{ref}判决已经发生法律效力。本院经审查认为，原判决{flaw}，"
            "依照法律的有关规定，特提出抗诉，请依法再审。"
        )
    return place.court, (
        f"本院在办理{matter}的监督案件中发现，{court}作出的{ref}判决{flaw}。依照法律的有关规定，"
        "建议你院依法再审，并将处理结果书面回复本院。"
    )


def criminal(
    rng: random.Random, org: Org, cat: int, dtype: str, place: Place, year: int
) -> tuple[str, str]:
    a = full_name(rng, rng.random() < 0.8)
    if dtype == "protest":
        n = 100 + int(rng.random() * 9000)
        short = place.code[2:6] if place.level == "basic" else place.code[2:4]
        ref = f"（{year}）粤{short}刑初{n}号"
        checked = "经复查" if cat == CP else "经审查"
        return org.parent(place).court if place.parent else place.court, (
            f"{place.court}以{ref}刑事判决书对被告人{a}作出判决。本院{checked}认为，该判决"
            f"{_pick(rng, CRIMINAL_FLAWS)}。依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，"
            "特提出抗诉，请依法判处。"
        )
    if dtype == "no_supervision":
        if cat == CP:
            judged, ref = _judgment(rng, org, place, year, "刑")
            return a, (
                f"申诉人{a}不服{judged.court}{ref}刑事判决，向本院提出申诉。本院经复查认为，原判决认定事实"
                "清楚，证据确实、充分，适用法律正确，申诉理由不能成立，决定不支持其申诉。"
            )
        return a, (
            f"申请人{a}不服{place.police}对其控告事项不予立案，向本院申请立案监督。本院经审查认为，"
            f"{place.police}不立案理由成立，决定不支持其监督申请。"
        )
    return place.police, (
        f"本院在履行法律监督职责中发现，你单位在办理{a}等人涉嫌刑事案件中存在"
        f"{_pick(rng, POLICE_ISSUES)}的问题。依照《人民检察院检察建议工作规定》，建议你单位依法纠正，"
        "加强执法规范化建设，并将整改情况书面回复本院。"
    )


def body(
    rng: random.Random, org: Org, cat: int, dtype: str, place: Place, year: int
) -> tuple[str, str]:
    """(addressee, body) of a supervision case's decision document."""
    if cat == PI:
        return public_interest(rng, dtype, place)
    if cat in (CIV, ADM):
        return civil_or_admin(rng, org, cat, dtype, place, year)
    assert cat in (CS, CP)
    return criminal(rng, org, cat, dtype, place, year)
