"""Reading legal-document text: dates, 文号, charges and defendants — hand-written and synthetic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from jianguan.domain.doctext import (
    DocumentNo,
    document_date,
    find_charges,
    find_dates,
    find_defendant_names,
    find_document_nos,
    parse_chinese_date,
    parse_document_no,
)
from tests.support import generate

INDICTMENT = """深圳市福田区人民检察院
起诉书
深福检刑诉〔2025〕123号
被告人郭海东，男，1985年3月2日出生，汉族，现羁押于深圳市福田区看守所。
被告人陈宏兰，女，一九九〇年十月一日出生，现取保候审。
本案由深圳市公安局福田分局侦查终结，以被告人郭海东、陈宏兰涉嫌掩饰、隐瞒犯罪所得、犯罪所得收益罪，于2025年6月30日向本院移送审查起诉。
经依法审查查明：2025年4月，被告人郭海东伙同陈宏兰明知是他人犯罪所得，仍帮助转移资金。
本院认为，被告人郭海东、陈宏兰的行为已构成掩饰、隐瞒犯罪所得、犯罪所得收益罪，应当以掩饰、隐瞒犯罪所得、犯罪所得收益罪追究其刑事责任。
此致
深圳市福田区人民法院
深圳市福田区人民检察院
二〇二五年九月十二日"""

CATALOGUE = {
    "危险驾驶罪",
    "盗窃罪",
    "诈骗罪",
    "掩饰、隐瞒犯罪所得、犯罪所得收益罪",
    "走私、贩卖、运输、制造毒品罪",
    "运输毒品罪",
    "帮助信息网络犯罪活动罪",
}


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二五年九月十二日", dt.date(2025, 9, 12)),
        ("二零二五年九月十二日", dt.date(2025, 9, 12)),
        ("二○二五年一月一日", dt.date(2025, 1, 1)),
        ("2025年9月12日", dt.date(2025, 9, 12)),
        ("2025 年 09 月 02 日", dt.date(2025, 9, 2)),
        ("二〇二五年十月三十一日", dt.date(2025, 10, 31)),
        ("二〇二五年十二月十日", dt.date(2025, 12, 10)),
        ("二〇二四年二月二十九日", dt.date(2024, 2, 29)),
        ("二〇二五年十一月二十日", dt.date(2025, 11, 20)),
        ("二〇二〇年五月十五日", dt.date(2020, 5, 15)),
        ("  二〇二五年三月三日\n", dt.date(2025, 3, 3)),
    ],
)
def test_parse_chinese_date_reads_both_numeral_styles(text: str, expected: dt.date) -> None:
    assert parse_chinese_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "起诉书",
        "二〇二五年九月",  # no day
        "2025年9月",
        "二〇二五年二月三十日",  # no such day
        "二〇二三年二月二十九日",  # not a leap year
        "2025年13月1日",
        "二〇二五年十三月一日",
        "二〇二五年九月四十日",
        "二〇二五年九月十十日",
        "二〇二五年〇月一日",
        "于2025年9月12日",  # more than a date
    ],
)
def test_parse_chinese_date_rejects_what_is_not_a_date(text: str) -> None:
    assert parse_chinese_date(text) is None


def test_find_dates_in_order_of_both_styles_and_skips_impossible_ones() -> None:
    text = "2025年6月30日移送，二零二五年二月三十日（误），一九九〇年十月一日出生，二〇二五年九月十二日"
    assert find_dates(text) == [
        dt.date(2025, 6, 30),
        dt.date(1990, 10, 1),
        dt.date(2025, 9, 12),
    ]


def test_find_dates_does_not_read_a_date_out_of_a_longer_number() -> None:
    assert find_dates("编号120251年9月1日") == []


def test_document_date_is_the_last_date() -> None:
    assert document_date(INDICTMENT) == dt.date(2025, 9, 12)
    assert document_date("审查报告\n承办检察官：张三\n2025年1月9日") == dt.date(2025, 1, 9)


def test_document_date_is_none_without_a_date() -> None:
    assert document_date("起诉书\n被告人郭海东，男。\n深圳市福田区人民检察院") is None
    assert document_date("") is None


# --- document numbers --------------------------------------------------------------------------


def test_document_no_fields_and_canonical_form() -> None:
    no = parse_document_no(INDICTMENT)
    assert no == DocumentNo(prefix="深福", kind="刑诉", year=2025, serial=123)
    assert str(no) == "深福检刑诉〔2025〕123号"


def test_document_no_is_frozen() -> None:
    no = DocumentNo(prefix="粤", kind="刑建", year=2024, serial=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        no.serial = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("深福检刑诉〔2025〕123号", DocumentNo("深福", "刑诉", 2025, 123)),
        ("深福检刑诉[2025]123号", DocumentNo("深福", "刑诉", 2025, 123)),
        ("深福检刑诉(2025)123号", DocumentNo("深福", "刑诉", 2025, 123)),
        ("深福检刑诉（2025）123号", DocumentNo("深福", "刑诉", 2025, 123)),
        ("深福检刑诉 [ 2025 ] 7 号", DocumentNo("深福", "刑诉", 2025, 7)),
        ("粤检刑建〔2024〕1号", DocumentNo("粤", "刑建", 2024, 1)),
        ("穗番检刑申抗〔2023〕45号", DocumentNo("穗番", "刑申抗", 2023, 45)),
        ("根据本院深龙检刑不诉〔2024〕9号决定", DocumentNo("深龙", "刑不诉", 2024, 9)),
    ],
)
def test_parse_document_no_variants(text: str, expected: DocumentNo) -> None:
    assert parse_document_no(text) == expected
    assert (
        str(parse_document_no(text))
        == f"{expected.prefix}检{expected.kind}〔{expected.year}〕{expected.serial}号"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "起诉书",
        "深福检刑诉〔2025〕号",  # no serial
        "深福检刑诉〔2025)123号",  # brackets that do not pair
        "深福刑诉〔2025〕123号",  # no 检
        "深福检刑诉〔25〕123号",  # two-digit year
    ],
)
def test_parse_document_no_rejects(text: str) -> None:
    assert parse_document_no(text) is None


def test_find_document_nos_in_order() -> None:
    text = "依据深福检刑批捕〔2025〕3号批准逮捕决定书，现以深福检刑诉[2025]123号提起公诉。"
    assert find_document_nos(text) == [
        DocumentNo("深福", "刑批捕", 2025, 3),
        DocumentNo("深福", "刑诉", 2025, 123),
    ]
    assert find_document_nos("没有文号") == []


# --- charges -----------------------------------------------------------------------------------


def test_find_charges_from_the_catalogue_keeps_a_name_with_commas_whole() -> None:
    assert find_charges(INDICTMENT, CATALOGUE) == ["掩饰、隐瞒犯罪所得、犯罪所得收益罪"]


def test_find_charges_from_the_catalogue_prefers_the_longest_name() -> None:
    text = "犯罪嫌疑人胡文锋涉嫌走私、贩卖、运输、制造毒品罪，另涉嫌盗窃罪。"
    assert find_charges(text, CATALOGUE) == ["走私、贩卖、运输、制造毒品罪", "盗窃罪"]
    assert find_charges("被告人某某涉嫌运输毒品罪", CATALOGUE) == ["运输毒品罪"]


def test_find_charges_from_the_catalogue_unique_in_order() -> None:
    text = "涉嫌诈骗罪、帮助信息网络犯罪活动罪，其行为构成诈骗罪"
    assert find_charges(text, CATALOGUE) == ["诈骗罪", "帮助信息网络犯罪活动罪"]
    assert find_charges(text, []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (INDICTMENT, ["掩饰、隐瞒犯罪所得、犯罪所得收益罪"]),
        ("被告人张三涉嫌危险驾驶罪，于2025年1月5日移送", ["危险驾驶罪"]),
        ("其行为已构成盗窃罪。", ["盗窃罪"]),
        ("应当以诈骗罪追究其刑事责任", ["诈骗罪"]),
        ("被告人李四犯故意伤害罪，判处有期徒刑一年", ["故意伤害罪"]),
        (
            "犯罪嫌疑人胡文锋涉嫌走私、贩卖、运输、制造毒品罪，有证据证明",
            ["走私、贩卖、运输、制造毒品罪"],
        ),
        ("涉嫌罪名：盗窃罪、诈骗罪。", ["盗窃罪", "诈骗罪"]),
        ("涉嫌帮助信息网络犯罪活动罪，于", ["帮助信息网络犯罪活动罪"]),
        ("以被不起诉人戴泽永涉嫌危险驾驶罪，于", ["危险驾驶罪"]),
        ("其行为不构成犯罪，且犯罪所得已退赔。", []),
        ("可能判处徒刑以上刑罚", []),
    ],
)
def test_find_charges_by_cue_words(text: str, expected: list[str]) -> None:
    assert find_charges(text) == expected


# --- defendants --------------------------------------------------------------------------------


def test_find_defendant_names_in_an_indictment() -> None:
    assert find_defendant_names(INDICTMENT) == ["郭海东", "陈宏兰"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被告人郭海东，男，1985年出生", ["郭海东"]),
        ("被告人郭海东、陈宏兰涉嫌盗窃罪", ["郭海东", "陈宏兰"]),
        ("犯罪嫌疑人：莫凯俊、何锋。涉嫌罪名：开设赌场罪", ["莫凯俊", "何锋"]),
        ("提请批准逮捕犯罪嫌疑人莫凯俊、何锋一案，经本院审查", ["莫凯俊", "何锋"]),
        ("被告人王五饮酒后驾驶小型轿车，被告人王五负事故主要责任", ["王五"]),
        ("被不起诉人戴泽永，男，1962年4月23日出生", ["戴泽永"]),
        ("被告人买买提·艾力，男，维吾尔族", ["买买提·艾力"]),
        ("被告人欧阳明月、李明涉嫌诈骗罪", ["欧阳明月", "李明"]),
        ("依法告知了被告人有权委托辩护人，依法讯问了被告人，被告人自愿认罪认罚", []),
        ("犯罪嫌疑人诉讼权利义务告知书", []),
        ("被不起诉人如不服本决定，可以申诉", []),
    ],
)
def test_find_defendant_names(text: str, expected: list[str]) -> None:
    assert find_defendant_names(text) == expected


# --- synthetic documents -----------------------------------------------------------------------

CHECKED_TYPES = ("indictment", "non_prosecution_decision", "arrest_approval", "arrest_denial")


@pytest.fixture(scope="module")
def synthetic_cases(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out: Path = tmp_path_factory.mktemp("doctext")
    generate(out, cases=300, seed=2, workers=1)
    lines = (out / "cases.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


def _documents(cases: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [
        (case, doc) for case in cases for doc in case["documents"] if doc["type"] in CHECKED_TYPES
    ]


def test_synthetic_set_has_every_checked_document_type(
    synthetic_cases: list[dict[str, Any]],
) -> None:
    counts = {
        t: sum(1 for _, d in _documents(synthetic_cases) if d["type"] == t) for t in CHECKED_TYPES
    }
    assert all(n >= 10 for n in counts.values()), counts


def test_synthetic_document_numbers_and_dates(synthetic_cases: list[dict[str, Any]]) -> None:
    wrong: list[tuple[str, object]] = []
    for _, doc in _documents(synthetic_cases):
        text = doc["text"]
        if doc["no"] is not None and str(parse_document_no(text)) != doc["no"]:
            wrong.append((doc["no"], parse_document_no(text)))
        if document_date(text) != dt.date.fromisoformat(doc["issued_on"]):
            wrong.append((doc["issued_on"], document_date(text)))
    assert wrong == []


def test_synthetic_dates_of_every_document_type(synthetic_cases: list[dict[str, Any]]) -> None:
    docs = [doc for case in synthetic_cases for doc in case["documents"]]
    assert len({d["type"] for d in docs}) > len(CHECKED_TYPES)
    wrong = [
        d["type"] for d in docs if document_date(d["text"]) != dt.date.fromisoformat(d["issued_on"])
    ]
    assert wrong == []
    wrong_no = [
        d["no"]
        for d in docs
        if d["no"] is not None and str(parse_document_no(d["text"])) != d["no"]
    ]
    assert wrong_no == []


def test_synthetic_indictment_charges(synthetic_cases: list[dict[str, Any]]) -> None:
    known = {charge for case in synthetic_cases for charge in case["charges"]}
    assert any("、" in charge for charge in known)
    missing = []
    for case, doc in _documents(synthetic_cases):
        if doc["type"] != "indictment":
            continue
        with_catalogue = find_charges(doc["text"], known)
        by_cue = find_charges(doc["text"])
        charges = set(case["charges"])
        if not (charges <= set(with_catalogue) and charges <= set(by_cue)):
            missing.append((case["charges"], with_catalogue, by_cue))
    assert missing == []


def test_synthetic_suspect_names(synthetic_cases: list[dict[str, Any]]) -> None:
    wrong = []
    for case, doc in _documents(synthetic_cases):
        expected = [s["name"] for s in case["suspects"]]
        found = find_defendant_names(doc["text"])
        if set(found) != set(expected):
            wrong.append((doc["type"], expected, found))
    assert wrong == []
