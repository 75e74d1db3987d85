"""The office's words in reports: dates in Chinese numerals (GB/T 9704 7.3.5.3), 文号, periods,
机关代字; and the annex workbook writes formula-like texts as text (OWASP formula injection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jianguan.adapters.reports.xlsx import write_xlsx
from jianguan.domain.reports import (
    Period,
    Report,
    ReportError,
    ReportKind,
    Sheet,
    chinese_date,
    doc_number,
    parse_period,
    points_change,
    unit_abbreviation,
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2025, 10, 31), "二〇二五年十月三十一日"),
        (dt.date(2024, 1, 1), "二〇二四年一月一日"),
        (dt.date(2030, 12, 20), "二〇三〇年十二月二十日"),
        (dt.date(2025, 11, 10), "二〇二五年十一月十日"),
    ],
)
def test_dates_are_written_in_chinese_numerals(day: dt.date, text: str) -> None:
    assert chinese_date(day) == text


def test_doc_number_and_abbreviations() -> None:
    assert doc_number(2025, "粤", "通", 10) == "〔2025〕粤检案管通字第10号"
    assert unit_abbreviation("广东省人民检察院", provincial=True) == "粤"
    assert unit_abbreviation("广州市人民检察院", provincial=False) == "广州"  # 州 is not a suffix
    assert unit_abbreviation("广州市荔湾区人民检察院", provincial=False) == "荔湾"


def test_periods() -> None:
    assert parse_period("2025-10", "month") == Period("month", 2025, 10)
    assert parse_period("2025Q3", "quarter").months()[-1] == (
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 30),
    )
    assert parse_period("2025-11", "quarter") == Period("quarter", 2025, 4)  # the month's quarter
    assert Period("quarter", 2025, 1).shifted(-1) == Period("quarter", 2024, 4)
    assert Period("month", 2025, 1).shifted(-4).zh == "2024年9月"
    assert Period("quarter", 2025, 3).zh == "2025年第三季度"
    with pytest.raises(ReportError):
        parse_period("2025Q3", "month")
    assert points_change(0.40, 0.35) == "上升5.0个百分点"
    assert points_change(None, 0.35) == "—"


def test_annex_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    sheet = Sheet(
        "本月发现问题", ("案件编号", "说明"), [('=HYPERLINK("x")', "+1"), ("A1", "@SUM(1)")]
    )
    report = Report(
        ReportKind.MONTHLY_BULLETIN, Period("month", 2025, 10), "440000", "广东省人民检察院",
        "广东省人民检察院案件管理办公室", "〔2025〕粤检案管通字第10号", "t", "本院各部门：", (),
        "s", dt.date(2025, 10, 31), "附件", (sheet,),
    )  # fmt: skip
    wb = load_workbook(write_xlsx(report, tmp_path / "a.xlsx"))
    rows = list(wb["本月发现问题"].iter_rows(min_row=2))
    assert [c.data_type for r in rows for c in r] == ["s"] * 4  # no formula cell
    assert rows[0][0].value == '\'=HYPERLINK("x")'
    assert rows[1][1].value == "'@SUM(1)"
