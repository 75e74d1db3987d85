"""Reports (报告、通报) as data: what a document says, never how it is drawn.

A ``Report`` is a sequence of blocks (headings, paragraphs, tables, figures) with its official
heading (issuer, 文号, title, addressees), its signature and date, and the annex sheets that list
the cases behind every number. The adapters (``adapters/reports``) turn one ``Report`` into an
editable docx, a PDF for the record and an xlsx annex; so the three always say the same thing.

The words follow the office's own documents: 文号 ``〔2025〕粤检案管通字第10号``, dates written in
Chinese numerals (二〇二五年十月三十一日, as GB/T 9704 asks of the date of issue), section
numbers 一、（一）, and every table naming the annex sheet that holds its cases.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from jianguan.domain.vocabulary import Vocabulary


class ReportKind(Vocabulary):
    """The documents the platform writes. The code is what the CLI and the page take."""

    MONTHLY_BULLETIN = "monthly-bulletin", "办案流程监控通报", "flow-monitoring bulletin"
    QUARTERLY_ANALYSIS = "quarterly-analysis", "业务数据分析报告", "business-data analysis report"
    REVIEW_COMMENTARY = "review-commentary", "案件质量评查通报", "case-quality review commentary"
    RECTIFICATION_PROGRESS = (
        "rectification-progress",
        "整改进展情况报告",
        "rectification progress report",
    )
    INSPECTION_RECTIFICATION = (
        "inspection-rectification",
        "巡视整改进展情况报告",
        "inspection rectification report",
    )

    @property
    def period_kind(self) -> str:
        """month, quarter or year: what ``--period`` names for this document."""
        return {
            "monthly-bulletin": "month",
            "quarterly-analysis": "quarter",
            "review-commentary": "year",
        }.get(self.value, "month")

    @property
    def series(self) -> str:
        """The 文号 series word: 通 for a 通报, 析 for an analysis report, 评 for the review
        commentary, 改 for a rectification report, 巡 for an inspection rectification report."""
        return {
            "monthly-bulletin": "通",
            "quarterly-analysis": "析",
            "review-commentary": "评",
            "rectification-progress": "改",
        }.get(self.value, "巡")


# The file formats a report is written in, by their extension, as a reader names them.
FORMAT_NAMES: dict[str, tuple[str, str]] = {
    "docx": ("Word 文档", "Word document"),
    "pdf": ("PDF 文件", "PDF"),
    "xlsx": ("Excel 工作簿", "Excel workbook"),
}


def format_name(extension: str, lang: str = "zh") -> str:
    """``docx`` → Word 文档 (an unknown extension as it is)."""
    names = FORMAT_NAMES.get(extension.lower().lstrip("."))
    if names is None:
        return extension
    return names[1] if lang == "en" else names[0]


class ReportError(ValueError):
    """A report that cannot be made as asked; carries a zh and an en message."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


# -- periods ---------------------------------------------------------------------------------

QUARTER_ZH = ("一", "二", "三", "四")


@dataclass(frozen=True, slots=True)
class Period:
    """A month or a quarter: ``number`` is the month (1–12) or the quarter (1–4)."""

    kind: str  # month | quarter | year
    year: int
    number: int  # the month, the quarter; 1 for a year

    @property
    def first(self) -> dt.date:
        if self.kind == "year":
            return dt.date(self.year, 1, 1)
        month = self.number if self.kind == "month" else 3 * self.number - 2
        return dt.date(self.year, month, 1)

    @property
    def last(self) -> dt.date:
        if self.kind == "year":
            return dt.date(self.year, 12, 31)
        month = self.number if self.kind == "month" else 3 * self.number
        nxt = dt.date(self.year + 1, 1, 1) if month == 12 else dt.date(self.year, month + 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        if self.kind == "year":
            return f"{self.year:04d}"
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}Q{self.number}"

    @property
    def zh(self) -> str:
        if self.kind == "year":
            return f"{self.year}年度"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{QUARTER_ZH[self.number - 1]}季度"

    @property
    def en(self) -> str:
        return self.code

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier when negative)."""
        if self.kind == "year":
            return Period("year", self.year + steps, 1)
        size = 12 if self.kind == "month" else 4
        index = self.year * size + (self.number - 1) + steps
        return Period(self.kind, index // size, index % size + 1)

    def months(self) -> list[tuple[dt.date, dt.date]]:
        """(first, last) day of each month in the period."""
        out = []
        day = self.first
        while day <= self.last:
            m = Period("month", day.year, day.month)
            out.append((m.first, m.last))
            day = m.last + dt.timedelta(days=1)
        return out


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str, kind: str) -> Period:
    """``2025-10`` for a month; ``2025Q3`` (or ``2025-Q3``) for a quarter, where a month names
    the quarter it falls in; ``2025`` for a year, where a month or a quarter names its year."""
    text = text.strip()
    month, quarter = _MONTH.match(text), _QUARTER.match(text)
    if kind == "year":
        found = _YEAR.match(text) or month or quarter
        if found:
            return Period("year", int(found.group(1)), 1)
        raise ReportError(f"期间 {text!r} 无效，应为 YYYY", f"bad year {text!r}; use YYYY")
    if kind == "month":
        if month:
            return Period("month", int(month.group(1)), int(month.group(2)))
        raise ReportError(f"期间 {text!r} 无效，应为 YYYY-MM", f"bad month {text!r}; use YYYY-MM")
    if quarter:
        return Period("quarter", int(quarter.group(1)), int(quarter.group(2)))
    if month:
        return Period("quarter", int(month.group(1)), (int(month.group(2)) - 1) // 3 + 1)
    raise ReportError(
        f"期间 {text!r} 无效，应为 YYYYQn 或 YYYY-MM",
        f"bad quarter {text!r}; use YYYYQn or YYYY-MM",
    )


# -- the office's words ----------------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals as dates write them: 一, 十, 十一, 二十, 三十一."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """二〇二五年十月三十一日: the year digit by digit, month and day as numbers (GB/T 9704)."""
    year = "".join(_DIGITS[int(d)] for d in f"{day.year:04d}")
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


# The one-character names of the provincial-level divisions, as procuratorates' 机关代字 use them.
PROVINCE_ABBREVIATIONS = {
    "北京": "京", "天津": "津", "河北": "冀", "山西": "晋", "内蒙古": "内蒙", "辽宁": "辽",
    "吉林": "吉", "黑龙江": "黑", "上海": "沪", "江苏": "苏", "浙江": "浙", "安徽": "皖",
    "福建": "闽", "江西": "赣", "山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘",
    "广东": "粤", "广西": "桂", "海南": "琼", "重庆": "渝", "四川": "川", "贵州": "黔",
    "云南": "云", "西藏": "藏", "陕西": "陕", "甘肃": "甘", "青海": "青", "宁夏": "宁",
    "新疆": "新",
}  # fmt: skip
# One administrative division after another: 广州市 / 荔湾区; 州 alone is not a suffix (广州).
_PLACES = re.compile(r"(.+?)(?:自治区|自治州|自治县|特别行政区|省|市|区|县|盟|旗)")


def unit_abbreviation(name: str, provincial: bool) -> str:
    """A unit's 机关代字 stem: 粤 for 广东省人民检察院, 荔湾 for 广州市荔湾区人民检察院."""
    place = name.replace("人民检察院", "").replace("检察院", "").strip()
    if provincial:
        for full, short in PROVINCE_ABBREVIATIONS.items():
            if place.startswith(full):
                return short
    parts = _PLACES.findall(place)
    return parts[-1] if parts else place


def doc_number(year: int, abbreviation: str, series: str, number: int) -> str:
    """〔2025〕粤检案管通字第10号 (the hexagonal brackets of GB/T 9704)."""
    return f"〔{year}〕{abbreviation}检案管{series}字第{number}号"


SECTION_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def section(n: int) -> str:
    """一、 二、 … for the n-th (1-based) first-level heading."""
    return f"{SECTION_NUMBERS[n - 1]}、"


def subsection(n: int) -> str:
    return f"（{SECTION_NUMBERS[n - 1]}）"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"1:{value:.2f}"


def points_change(now: float | None, before: float | None) -> str:
    """上升 3.2 个百分点 / 下降 … / 持平 / — (no comparison)."""
    if now is None or before is None:
        return "—"
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return "持平"
    return f"{'上升' if diff > 0 else '下降'}{abs(diff):.1f}个百分点"


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return _SHEET_BAD.sub("_", text)[:31]


# -- blocks ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1: 一、 (黑体); 2: （一） (楷体)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    annex: str | None = None  # the annex sheet that lists the cases behind the numbers


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class TrendChart:
    """Monthly values of one or more indicators (shares 0–1 drawn as %)."""

    title: str
    months: tuple[str, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    axis: str = "问题数（个）"  # what is counted, with its measure word


@dataclass(frozen=True, slots=True)
class ShareChart:
    """The parts of a structure ratio (their shares sum to 1)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class FunnelDot:
    label: str
    denominator: int
    value: float
    outside: bool


@dataclass(frozen=True, slots=True)
class FunnelChart:
    """Units on a funnel plot: the overall rate and its 95 % and 99.8 % limit curves."""

    title: str
    overall: float
    points: tuple[FunnelDot, ...]
    curve: tuple[tuple[int, float, float, float, float], ...]  # n, lo95, hi95, lo998, hi998


Chart = TrendChart | BarChart | ShareChart | FunnelChart


@dataclass(frozen=True, slots=True)
class Figure:
    caption: str
    chart: Chart
    annex: str | None = None


Block = Heading | Paragraph | Table | Figure

Cell = str | int | float | dt.date | None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One annex worksheet: the rows (cases, entries, counts) behind a figure of the report."""

    name: str
    header: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    period: Period
    unit: str  # unit code
    unit_name: str
    issuer: str  # 广东省人民检察院案件管理办公室
    doc_number: str
    title: str
    addressees: str  # 主送
    blocks: tuple[Block, ...]
    signature: str
    date: dt.date
    annex_title: str
    sheets: tuple[Sheet, ...] = field(default=())

    @property
    def date_zh(self) -> str:
        return chinese_date(self.date)

    @property
    def stem(self) -> str:
        """The file name stem: kind, unit and period (ASCII, safe on every file system)."""
        return f"{self.kind.value}-{self.unit}-{self.period.code}"

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)
