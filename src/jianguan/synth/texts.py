"""Texts of legal documents, written the way the real ones read, and agreeing with the case card.

Each function takes the facts already on the card (names, charges, dates as written) and returns
the document's text: a few hundred characters, enough to read like the real thing and to be
checked (the indictment names every charge on the card; a document ends with the unit's name and
the date in Chinese numerals).
"""

from __future__ import annotations

from jianguan.synth.fastcal import cn_small

SPOTS = (
    "某小区",
    "某商场",
    "某餐厅门口",
    "某出租屋",
    "某KTV包房",
    "某工业园",
    "某城中村",
    "某菜市场",
    "某网吧",
    "某酒店房间",
    "某停车场",
)
ROADS = (
    "建设路",
    "人民路",
    "解放路",
    "中山路",
    "东风路",
    "新华路",
    "环城路",
    "滨海大道",
    "工业大道",
    "迎宾路",
    "广场路",
)
COMPANIES = (
    "某投资管理有限公司",
    "某科技有限公司",
    "某贸易有限公司",
    "某电子商务有限公司",
    "某实业有限公司",
)
OUTLINE_ITEMS = (
    "调取被害人陈述并组织辨认",
    "补充调取涉案银行账户交易明细",
    "对涉案财物价值重新委托鉴定",
    "查明犯罪嫌疑人有无前科劣迹",
    "补充调取案发现场及周边监控视频",
    "核实资金流向及违法所得数额",
    "补充收集在场证人证言",
    "核实犯罪嫌疑人到案经过及是否构成自首",
    "补充调取电子数据并作出勘验报告",
    "查明同案人员的身份及下落",
)
GROUND_ARTICLE = {
    "statutory": "第一百七十七条第一款",
    "discretionary": "第一百七十七条第二款",
    "insufficient_evidence": "第一百七十五条第四款",
}
_GROUND_REASON = {
    "statutory": "被不起诉人{n}的行为情节显著轻微、危害不大，不认为是犯罪",
    "discretionary": "被不起诉人{n}实施了涉嫌{c}的行为，但犯罪情节轻微，归案后如实供述，"
    "认罪悔罪，积极退赔并取得谅解，依照刑法规定不需要判处刑罚",
    "insufficient_evidence": "经本院退回补充侦查，仍然认为{police}认定的犯罪事实不清、"
    "证据不足，不符合起诉条件",
}


def months_text(months: int, jail_only: bool) -> str:
    """A sentence as written: 拘役三个月, 有期徒刑一年六个月."""
    if jail_only or months < 6:
        return f"拘役{cn_small(max(1, min(months, 6)))}个月"
    years, rest = divmod(months, 12)
    out = "有期徒刑"
    if years:
        out += f"{cn_small(years)}年"
    if rest:
        out += f"{cn_small(rest)}个月"
    return out


def people_intro(role: str, people: list[tuple[str, str, str, bool]]) -> str:
    """被告人张伟，男，1990年3月2日出生，现羁押于…。 for each (name, sex, born, in_custody)."""
    out = []
    for name, sex, born, custody in people:
        held = "现羁押于看守所" if custody else "现取保候审"
        out.append(f"{role}{name}，{sex}，{born}出生，{held}。")
    return "".join(out)


def indictment(
    unit: str,
    no: str,
    intro: str,
    names: str,
    charges: str,
    organ: str,
    received: str,
    facts: str,
    articles: str,
    plea: bool,
    court: str,
    date: str,
) -> str:
    lenient = "被告人自愿认罪认罚，可以依法从宽处理。" if plea else ""
    return (
        f"{unit}\n起诉书\n{no}\n{intro}\n本案由{organ}调查（侦查）终结，以被告人{names}涉嫌"
        f"{charges}，于{received}向本院移送审查起诉。本院受理后，依法告知了被告人有权委托辩护人，"
        f"依法讯问了被告人，审查了全部案件材料。\n经依法审查查明：{facts}。\n本院认为，被告人{names}"
        f"的行为触犯了《中华人民共和国刑法》{articles}，犯罪事实清楚，证据确实、充分，应当以{charges}"
        f"追究其刑事责任。{lenient}根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，"
        f"请依法判处。\n此致\n{court}\n{unit}\n{date}"
    )


def non_prosecution(
    unit: str,
    no: str,
    intro: str,
    names: str,
    charges: str,
    organ: str,
    received: str,
    ground: str,
    victims: bool,
    upper: str,
    date: str,
) -> str:
    reason = _GROUND_REASON[ground].format(n=names, c=charges, police=organ)
    appeal = (
        f"被害人如不服本决定，可以自收到本决定书后七日以内向{upper}申诉，请求提起公诉；也可以不经申诉，"
        "直接向人民法院起诉。"
        if victims
        else ""
    )
    own = (
        "被不起诉人如不服本决定，可以自收到本决定书后七日以内向本院申诉。"
        if ground == "discretionary"
        else ""
    )
    return (
        f"{unit}\n不起诉决定书\n{no}\n{intro}\n本案由{organ}调查（侦查）终结，以被不起诉人{names}"
        f"涉嫌{charges}，于{received}向本院移送审查起诉。\n本院认为，{reason}。根据《中华人民共和国"
        f"刑事诉讼法》{GROUND_ARTICLE[ground]}的规定，决定对{names}不起诉。\n{appeal}{own}\n"
        f"{unit}\n{date}"
    )


def arrest_decision(
    unit: str,
    no: str,
    approve: bool,
    organ: str,
    names: str,
    charges: str,
    received: str,
    date: str,
) -> str:
    if approve:
        title = "批准逮捕决定书"
        body = (
            f"经本院审查认为，犯罪嫌疑人{names}涉嫌{charges}，有证据证明有犯罪事实，可能判处徒刑"
            "以上刑罚，采取取保候审尚不足以防止发生社会危险性，符合《中华人民共和国刑事诉讼法》"
            f"第八十一条规定的逮捕条件，决定批准逮捕犯罪嫌疑人{names}。"
        )
    else:
        title = "不批准逮捕决定书"
        body = (
            f"经本院审查认为，犯罪嫌疑人{names}涉嫌{charges}，现有证据不足以证明其具有社会危险性，"
            "采取取保候审足以防止发生社会危险性，不符合《中华人民共和国刑事诉讼法》第八十一条规定的"
            f"逮捕条件。根据《中华人民共和国刑事诉讼法》第九十条的规定，决定不批准逮捕犯罪嫌疑人{names}。"
        )
    return (
        f"{unit}\n{title}\n{no}\n{organ}：\n你单位于{received}提请批准逮捕犯罪嫌疑人{names}一案，{body}"
        f"请依法立即执行，并将执行情况在三日以内通知本院。\n{unit}\n{date}"
    )


def arrest_decided(
    unit: str, no: str, police: str, source: str, names: str, charges: str, received: str, date: str
) -> str:
    """逮捕决定书: the procuratorate's own arrest decision in a case a supervisory commission
    transferred (刑诉法 第170条第2款), sent to the police to execute."""
    return (
        f"{unit}\n逮捕决定书\n{no}\n{police}：\n{source}于{received}移送审查起诉的犯罪嫌疑人{names}"
        f"涉嫌{charges}一案，经本院审查认为，犯罪嫌疑人{names}涉嫌{charges}，有证据证明有犯罪事实，"
        "可能判处徒刑以上刑罚，采取取保候审尚不足以防止发生社会危险性，符合《中华人民共和国刑事"
        "诉讼法》第八十一条规定的逮捕条件。根据《中华人民共和国刑事诉讼法》第一百七十条第二款的"
        f"规定，决定逮捕犯罪嫌疑人{names}。请依法立即执行，并将执行情况在三日以内通知本院。"
        f"\n{unit}\n{date}"
    )


def counsel_notice(unit: str, name: str, charges: str, organ: str, received: str, date: str) -> str:
    return (
        f"{unit}\n犯罪嫌疑人诉讼权利义务告知书\n{name}：\n本院已于{received}收到{organ}移送审查起诉的"
        f"你涉嫌{charges}一案。根据《中华人民共和国刑事诉讼法》第三十四条的规定，你有权委托辩护人；"
        "经济困难或者有其他原因没有委托辩护人的，可以申请法律援助。认罪认罚的，可以依法从宽处理。"
        f"\n{unit}\n{date}"
    )


def plea_statement(
    name: str,
    born: str,
    unit: str,
    charges: str,
    proposal: str,
    lawyer_role: str,
    lawyer: str,
    date: str,
    witnessed: bool = True,
) -> str:
    """A signed 认罪认罚具结书 (刑诉法 第174条第1款: signed with the defender or the duty lawyer
    present, who signs it too); ``witnessed`` false leaves the lawyer's part blank."""
    signed = f"在{lawyer_role}{lawyer}在场见证下自愿签署" if witnessed else "自愿签署"
    return (
        f"认罪认罚具结书\n犯罪嫌疑人{name}，{born}出生。本人已阅读《认罪认罚从宽制度告知书》，知悉"
        f"认罪认罚的法律后果。本人对{unit}指控的{charges}的犯罪事实没有异议，自愿认罪，{proposal}。"
        f"\n本具结书系本人{signed}。\n犯罪嫌疑人：{name}\n"
        f"{lawyer_role}：{lawyer if witnessed else ''}\n{date}"
    )


def outline(
    unit: str, no: str, names: str, charges: str, organ: str, nth: int, items: str, date: str
) -> str:
    return (
        f"{unit}\n补充侦查提纲\n{no}\n{organ}：\n你单位移送审查起诉的{names}涉嫌{charges}一案，经本院审查"
        f"认为部分事实不清、证据不足，根据《中华人民共和国刑事诉讼法》第一百七十五条第二款的规定，"
        f"第{cn_small(nth)}次退回你单位补充侦查。请围绕以下问题开展补充侦查：{items}。请于一个月以内"
        f"补充侦查完毕后移送本院审查起诉。\n{unit}\n{date}"
    )


def review_report(
    kind: str, handler: str, names: str, charges: str, organ: str, opinion: str, date: str
) -> str:
    who = f"犯罪嫌疑人：{names}。涉嫌罪名：{charges}。" if names else ""
    return f"{kind}审查报告\n承办检察官：{handler}\n案件来源：{organ}。{who}\n审查意见：{opinion}。\n{date}"


def supervision(unit: str, no: str, title: str, addressee: str, body: str, date: str) -> str:
    return f"{unit}\n{title}\n{no}\n{addressee}：\n{body}\n{unit}\n{date}"
