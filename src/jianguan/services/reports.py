"""The office's reports (报告) assembled from the same services the pages and the CLI use.

* The monthly flow-monitoring bulletin (办案流程监控通报) reads the monitoring ledger (台账,
  ``uow.ledger``: the entries of the unit and the units below it) and the process indicators of
  the month (``services.indicators.compute``), with their 12-month trend.
* The quarterly business-data analysis report (业务数据分析报告) reads the indicator catalogue for
  the quarter, the same quarter a year before and the quarter before (``compute``), the monthly
  trend, the three structure ratios and the funnel plots of the units (``services.comparison``).

Every number in a table has its cases in an annex sheet: the ledger entries, or the drill-down
rows (``services.indicators.drill``) of each indicator's numerator and denominator, so that the
annex has as many rows as the number says. The functions here only assemble a
``domain.reports.Report``; drawing it (docx, PDF, xlsx, charts) is the adapters' work.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain.comparison import Funnel
from jianguan.domain.indicators import Catalogue, Indicator, IndicatorRow
from jianguan.domain.ledger import Entry, LedgerStatus, Level
from jianguan.domain.model import Unit, UnitLevel
from jianguan.domain.monitoring import Severity
from jianguan.domain.reports import (
    BarChart,
    Block,
    Cell,
    Figure,
    FunnelChart,
    FunnelDot,
    Heading,
    Paragraph,
    Period,
    Report,
    ReportError,
    ReportKind,
    Series,
    ShareChart,
    Sheet,
    Table,
    TrendChart,
    doc_number,
    percent,
    points_change,
    ratio,
    section,
    sheet_name,
    subsection,
    unit_abbreviation,
)
from jianguan.domain.rulebook import Rulebook
from jianguan.services.comparison import compare
from jianguan.services.indicators import compute, drill
from jianguan.services.monitoring import UnknownUnit, units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource, Scope

# The process indicators a flow-monitoring bulletin shows beside the ledger.
FLOW_INDICATORS = ("on_time_rate", "extension_rate", "return_rate")
# The quarterly report's headline indicators, in the order the office reads them.
KEY_INDICATORS = (
    "non_arrest_rate",
    "pretrial_detention_rate",
    "non_prosecution_rate",
    "non_prosecution_after_arrest_rate",
    "plea_leniency_rate",
    "fixed_sentence_recommendation_rate",
    "recommendation_acceptance_rate",
    "withdrawal_rate",
    "acquittal_rate",
    "appeal_rate",
    "return_rate",
    "extension_rate",
    "on_time_rate",
    "case_proceeding_ratio",
)
TREND_INDICATORS = ("non_arrest_rate", "non_prosecution_rate", "plea_leniency_rate")
STRUCTURES = ("line_structure", "initiative_structure", "source_structure")
STRUCTURE_ZH = {
    "line_structure": "“四大检察”履职结构比",
    "initiative_structure": "依程序办案与依职权监督结构比",
    "source_structure": "案源结构比",
}
FUNNEL_INDICATORS = ("non_arrest_rate", "non_prosecution_rate", "plea_leniency_rate")
TREND_MONTHS = 12
NOTABLE_POINTS = 5.0  # a change of this many percentage points is named in the text


@dataclass(frozen=True, slots=True)
class Scoped:
    """The unit a report is for, the units below it, and the tree's names."""

    unit: Unit
    below: frozenset[str]
    units: Sequence[Unit]

    @property
    def names(self) -> dict[str, str]:
        return {u.code: u.name for u in self.units}

    def children(self) -> list[Unit]:
        return sorted((u for u in self.units if u.parent == self.unit.code), key=lambda u: u.code)


def scoped(units: Sequence[Unit], code: str | None) -> Scoped:
    """``code`` (the root of the tree when None) and the units below it; ``ReportError`` else."""
    if code is None:
        roots = [u for u in units if u.parent is None]
        if not roots:
            raise ReportError(
                "库中没有单位，请先导入数据", "the store holds no units; import first"
            )
        code = sorted(roots, key=lambda u: u.code)[0].code
    try:
        below = units_below(list(units), code)
    except UnknownUnit:
        raise ReportError(f"未知单位 {code!r}", f"unknown unit {code!r}") from None
    unit = next(u for u in units if u.code == code)
    return Scoped(unit, frozenset(below), units)


def office_report(
    kind: ReportKind,
    period: Period,
    scope: Scoped,
    number: int | None,
    today: dt.date,
    *,
    title: str,
    blocks: Sequence[Block],
    annex: str,
    sheets: tuple[Sheet, ...],
) -> Report:
    """A report issued by the scope's case-management office (its heading, number, addressees
    and signature); the content is the caller's."""
    return Report(
        kind=kind,
        period=period,
        unit=scope.unit.code,
        unit_name=scope.unit.name,
        issuer=_issuer(scope.unit),
        doc_number=_number(scope.unit, kind, period, number),
        title=title,
        addressees=_addressees(scope.unit),
        blocks=tuple(blocks),
        signature=_issuer(scope.unit),
        date=today,
        annex_title=annex,
        sheets=sheets,
    )


def _issuer(unit: Unit) -> str:
    return f"{unit.name}案件管理办公室"


def _addressees(unit: Unit) -> str:
    if unit.level in (UnitLevel.SUPREME, UnitLevel.PROVINCIAL):
        return "各市级人民检察院，本院各部门："
    if unit.level is UnitLevel.MUNICIPAL:
        return "各基层人民检察院，本院各部门："
    return "本院各部门："


def _number(unit: Unit, kind: ReportKind, period: Period, number: int | None) -> str:
    abbr = unit_abbreviation(unit.name, unit.level is UnitLevel.PROVINCIAL)
    return doc_number(period.year, abbr, kind.series, number or period.number)


def _fmt(ind: Indicator, value: float | None) -> str:
    return ratio(value) if ind.kind == "ratio" else percent(value)


def _drill_sheet(
    source: IndicatorSource,
    catalogue: Catalogue,
    ind: Indicator,
    scope: Scoped,
    first: dt.date,
    last: dt.date,
    name: str,
) -> Sheet:
    """The rows behind an indicator's numerator and denominator: as many as each number."""
    rows: list[tuple[Cell, ...]] = []
    for part, zh in (("numerator", "分子"), ("denominator", "分母")):
        for case_id, suspect in drill(
            source, catalogue, ind.id, part, first, last, scope.unit.code
        ):
            rows.append((zh, case_id, suspect or ""))
    note = f"{ind.zh}：{ind.definition}（{first.isoformat()} 至 {last.isoformat()}）"
    return Sheet(sheet_name(name), ("部分", "案件编号", "犯罪嫌疑人编号"), rows, note)


def _one(rows: Sequence[IndicatorRow], indicator: str) -> IndicatorRow | None:
    return next((r for r in rows if r.indicator == indicator), None)


def _figures(
    source: IndicatorSource,
    catalogue: Catalogue,
    ids: Sequence[str],
    scope: Scoped,
    first: dt.date,
    last: dt.date,
) -> dict[str, tuple[int, int, float | None]]:
    """indicator → (numerator, denominator, value) over the scope (0, 0, None when nothing)."""
    rows = compute(source, catalogue, ids, (), first, last, scope.unit.code)
    out = {}
    for i in ids:
        r = _one(rows, i)
        out[i] = (r.numerator, r.denominator, r.value) if r else (0, 0, None)
    return out


def _trend(
    source: IndicatorSource,
    catalogue: Catalogue,
    ids: Sequence[str],
    scope: Scoped,
    period: Period,
) -> tuple[tuple[str, ...], dict[str, dict[str, IndicatorRow]], dt.date]:
    """The 12 months ending with ``period``: month labels, indicator → month → row, first day."""
    months = [
        Period("month", period.last.year, period.last.month).shifted(-k)
        for k in range(TREND_MONTHS)
    ]
    months.reverse()
    first = months[0].first
    rows = compute(source, catalogue, ids, ("month",), first, period.last, scope.unit.code)
    by: dict[str, dict[str, IndicatorRow]] = {i: {} for i in ids}
    for r in rows:
        by[r.indicator][str(r.dims["month"])] = r
    return tuple(m.code for m in months), by, first


def _trend_sheets(
    source: IndicatorSource,
    catalogue: Catalogue,
    scope: Scoped,
    months: Sequence[str],
    by: dict[str, dict[str, IndicatorRow]],
    name: str,
) -> tuple[Sheet, Sheet]:
    """The monthly figures of a trend chart, and the cases behind each month's numbers."""
    rows: list[tuple[Cell, ...]] = []
    detail: list[tuple[Cell, ...]] = []
    for i, per_month in by.items():
        ind = catalogue.get(i)
        for m in months:
            r = per_month.get(m)
            rows.append((ind.zh, m, r.numerator if r else 0, r.denominator if r else 0,
                         r.value if r else None))  # fmt: skip
            if r is None:
                continue
            month = Period("month", int(m[:4]), int(m[5:]))
            for part, zh in (("numerator", "分子"), ("denominator", "分母")):
                for case_id, suspect in drill(source, catalogue, i, part, month.first, month.last,
                                              scope.unit.code):  # fmt: skip
                    detail.append((ind.zh, m, zh, case_id, suspect or ""))
    figures = Sheet(sheet_name(name), ("指标", "月份", "分子", "分母", "值"), rows,
                    f"各月案件见表“{sheet_name(name + '明细')}”")  # fmt: skip
    cases = Sheet(sheet_name(name + "明细"), ("指标", "月份", "部分", "案件编号", "犯罪嫌疑人编号"),
                  detail, f"表“{sheet_name(name)}”各月分子、分母的案件")  # fmt: skip
    return figures, cases


def _trend_chart(
    catalogue: Catalogue, title: str, months: Sequence[str], by: dict[str, dict[str, IndicatorRow]]
) -> TrendChart:
    series = tuple(
        Series(catalogue.get(i).zh, tuple(by[i][m].value if m in by[i] else None for m in months))
        for i in by
    )
    return TrendChart(title, tuple(months), series)


# -- the monthly flow-monitoring bulletin (办案流程监控通报) ----------------------------------------

ENTRY_HEADER = (
    "案件编号", "规则", "问题", "严重程度", "单位编码", "单位", "期满日", "状态", "处置级别",
    "首次发现", "最近发现", "处理日期", "说明", "法律依据",
)  # fmt: skip


def _entry_rows(
    entries: Sequence[Entry], rules: Rulebook, names: dict[str, str]
) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for e in sorted(entries, key=lambda e: (e.unit, e.case_id, e.rule)):
        info = rules.rule(e.rule)
        rows.append((
            e.case_id, e.rule, info.title, e.severity, e.unit, names.get(e.unit, ""), e.due,
            e.status.zh, e.escalation.zh, e.first_found, e.last_found, e.resolved_on,
            e.explanation, "；".join(info.basis),
        ))  # fmt: skip
    return rows


SHEET_FOUND = "本月发现问题"
SHEET_RESOLVED = "本月纠正关闭"
SHEET_LEDGER = "台账情况"
SHEET_FLOW_TREND = "流程指标趋势"


def monthly_bulletin(
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """办案流程监控通报 for the month ``period`` of ``unit`` and the units below it."""
    if period.kind != "month":
        raise ReportError("流程监控通报按月编制", "the bulletin is made for a month")
    scope = scoped(source.units(), unit)
    names = scope.names
    with uow:
        entries = [e for e in uow.ledger.entries().values() if e.unit in scope.below]
    found = [e for e in entries if period.first <= e.first_found <= period.last]
    resolved = [
        e
        for e in entries
        if e.resolved_on is not None and period.first <= e.resolved_on <= period.last
    ]
    standing = [e for e in entries if e.first_found <= period.last]
    blocks: list[Block] = []

    # 一、总体情况
    blocks.append(Heading(section(1) + "总体情况"))
    cases = len({e.case_id for e in found})
    by_level = Counter(e.escalation for e in found)
    by_severity = Counter(e.severity for e in found)
    by_status = Counter(e.status for e in found)
    if found:
        sev = "，".join(
            f"“{s.zh}”{by_severity[s.value]}个" for s in Severity if by_severity[s.value]
        )
        lvl = "、".join(f"{lv.zh}{by_level[lv]}个" for lv in Level if by_level[lv])
        active = by_status[LedgerStatus.OPEN] + by_status[LedgerStatus.NOTIFIED]
        done = by_status[LedgerStatus.CORRECTED] + by_status[LedgerStatus.CLOSED]
        blocks.append(Paragraph(
            f"{period.zh}，流程监控共发现问题{len(found)}个，涉及案件{cases}件（附件表“{SHEET_FOUND}”）。"
            f"按严重程度，{sev}；按处置级别，{lvl}。截至{today.month}月{today.day}日，"
            f"其中已纠正或关闭{done}个，尚待处理{active}个。"
        ))  # fmt: skip
    else:
        blocks.append(Paragraph(f"{period.zh}，流程监控未发现问题。"))
    blocks.append(Paragraph(
        f"本月纠正或关闭问题{len(resolved)}个（附件表“{SHEET_RESOLVED}”），"
        f"其中以前月份发现的{sum(e.first_found < period.first for e in resolved)}个。"
    ))  # fmt: skip
    ledger = Counter((e.status, e.escalation) for e in standing)
    blocks.append(Table(
        f"表1 流程监控台账情况（截至{today.year}年{today.month}月{today.day}日，含{period.zh}及以前发现的问题）",
        ("状态", "提醒", "督促", "通报", "合计"),
        (
            *((s.zh, *(str(ledger[s, lv]) for lv in Level), str(sum(ledger[s, lv] for lv in Level)))
              for s in LedgerStatus),
            ("合计", *(str(sum(ledger[s, lv] for s in LedgerStatus)) for lv in Level), str(len(standing))),
        ),
        SHEET_LEDGER,
    ))  # fmt: skip

    # 二、主要问题
    blocks.append(Heading(section(2) + "发现的主要问题"))
    by_rule = Counter(e.rule for e in found)
    rule_rows = []
    for rule_id, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        info = rules.rule(rule_id)
        mine = [e for e in found if e.rule == rule_id]
        rule_rows.append((info.title, mine[0].severity, str(n), str(len({e.case_id for e in mine})),
                          "；".join(info.basis[:1])))  # fmt: skip
    if rule_rows:
        top = "；".join(f"{r[0]}{r[2]}个" for r in rule_rows[:3])
        blocks.append(Paragraph(f"从问题类型看，较为集中的是：{top}。各类问题及其法律依据见表2。"))
        blocks.append(Table("表2 本月发现问题分类情况", ("问题", "严重程度", "问题数", "案件数", "依据"),
                            tuple(rule_rows), SHEET_FOUND))  # fmt: skip
        blocks.append(Figure(
            "图1 本月发现问题分类",
            BarChart("本月发现问题分类", tuple(r[0] for r in rule_rows), tuple(int(r[2]) for r in rule_rows)),
            SHEET_FOUND,
        ))  # fmt: skip
    else:
        blocks.append(Paragraph("本月未发现流程问题。"))

    # 三、各单位情况 (sorted by code: a bulletin compares, it does not rank)
    blocks.append(Heading(section(3) + "各单位情况"))
    children = scope.children()
    groups: list[tuple[str, set[str]]] = [(f"{scope.unit.name}（本院）", {scope.unit.code})]
    for child in children:
        groups.append((child.name, units_below(list(scope.units), child.code)))
    unit_rows = []
    for label, codes in groups:
        mine = [e for e in found if e.unit in codes]
        active_now = [e for e in standing if e.unit in codes and e.status.active]
        unit_rows.append((label, str(len(mine)), str(len({e.case_id for e in mine})),
                          str(sum(e.escalation is Level.REPORT for e in mine)), str(len(active_now))))  # fmt: skip
    blocks.append(
        Paragraph(
            "各单位本月发现问题及尚待处理问题如表3（按单位编码排列，不作排名；下级院含其所辖院）。"
        )
    )
    blocks.append(Table("表3 各单位流程监控情况",
                        ("单位", "本月发现问题", "涉及案件", "其中通报级", "尚待处理"),
                        tuple(unit_rows), SHEET_FOUND))  # fmt: skip

    # 四、流程指标
    blocks.append(Heading(section(4) + "办案期限与流程指标"))
    cat = rules.indicators
    flow = _figures(source, cat, FLOW_INDICATORS, scope, period.first, period.last)
    flow_rows = []
    sheets_flow = []
    for k, i in enumerate(FLOW_INDICATORS, start=1):
        ind = cat.get(i)
        num, den, value = flow[i]
        sheet = sheet_name(f"附表{k}-{ind.zh}")
        flow_rows.append((ind.zh, str(num), str(den), _fmt(ind, value), sheet))
        sheets_flow.append(_drill_sheet(source, cat, ind, scope, period.first, period.last, sheet))
    sentence = "；".join(f"{r[0]}{r[3]}（{r[1]}/{r[2]}）" for r in flow_rows)
    blocks.append(Paragraph(f"{period.zh}，{sentence}。近12个月走势见图2。"))
    blocks.append(
        Table("表4 本月办案流程指标", ("指标", "分子", "分母", "值", "附件表"), tuple(flow_rows))
    )
    months, trend, _first = _trend(source, cat, FLOW_INDICATORS, scope, period)
    blocks.append(Figure("图2 近12个月办案流程指标走势",
                         _trend_chart(cat, "近12个月办案流程指标", months, trend), SHEET_FLOW_TREND))  # fmt: skip

    # 五、工作要求
    blocks.append(Heading(section(5) + "工作要求"))
    blocks.append(
        Paragraph(
            subsection(1)
            + "对尚待处理的问题，承办部门应当逐案核查，于收到本通报之日起五个工作日内纠正，"
            "并将纠正情况反馈本院案件管理部门；不能纠正的，书面说明理由。"
        )
    )
    blocks.append(
        Paragraph(
            subsection(2) + "对达到督促、通报级别的问题，所在部门负责人应当督促承办检察官及时整改，"
            "案件管理部门将跟踪至问题纠正。"
        )
    )
    blocks.append(
        Paragraph(
            subsection(3) + "各单位要针对问题较为集中的类型，查找办案流程中的薄弱环节，"
            "完善提醒和自查措施，防止同类问题反复发生。"
        )
    )

    sheets = (
        Sheet(SHEET_FOUND, ENTRY_HEADER, _entry_rows(found, rules, names),
              f"{period.zh}首次发现的流程监控问题（台账），共{len(found)}个"),
        Sheet(SHEET_RESOLVED, ENTRY_HEADER, _entry_rows(resolved, rules, names),
              f"{period.zh}纠正或关闭的问题，共{len(resolved)}个"),
        Sheet(SHEET_LEDGER, ENTRY_HEADER, _entry_rows(standing, rules, names),
              f"{period.zh}及以前发现的全部台账问题（表1），共{len(standing)}个"),
        *_trend_sheets(source, cat, scope, months, trend, SHEET_FLOW_TREND),
        *sheets_flow,
    )  # fmt: skip
    return office_report(
        ReportKind.MONTHLY_BULLETIN,
        period,
        scope,
        number,
        today,
        title=f"关于{period.zh}办案流程监控情况的通报",
        blocks=blocks,
        annex="附件：流程监控问题及指标明细表（电子表格，各表名称见正文）",
        sheets=sheets,
    )


# -- the quarterly business-data analysis report (业务数据分析报告) ---------------------------------


def _funnel_chart(title: str, f: Funnel, names: dict[str, str]) -> FunnelChart | None:
    dots = tuple(
        FunnelDot(names.get(p.key, p.key), p.denominator, p.value, p.flag.outside)
        for p in f.points
        if p.value is not None and p.denominator > 0
    )
    if f.overall is None or not dots:
        return None
    return FunnelChart(title, f.overall, dots, f.curve)


def quarterly_analysis(
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """业务数据分析报告 for the quarter ``period`` of ``unit`` and the units below it."""
    del uow  # the figures all come from the indicator engine; kept for one signature per kind
    if period.kind != "quarter":
        raise ReportError("业务数据分析报告按季度编制", "the analysis report is made for a quarter")
    scope = scoped(source.units(), unit)
    names = scope.names
    cat = rules.indicators
    now = _figures(source, cat, KEY_INDICATORS, scope, period.first, period.last)
    year_ago, before = period.shifted(-4), period.shifted(-1)
    then = _figures(source, cat, KEY_INDICATORS, scope, year_ago.first, year_ago.last)
    prev = _figures(source, cat, KEY_INDICATORS, scope, before.first, before.last)
    blocks: list[Block] = []
    sheets: list[Sheet] = []

    # 一、主要业务指标
    blocks.append(Heading(section(1) + "主要业务数据及变化"))
    blocks.append(Paragraph(
        f"{period.zh}，{scope.unit.name}及所辖院主要业务数据如表1。"
        f"同比为与{year_ago.zh}相比，环比为与{before.zh}相比；每项指标的分子、分母案件见附件同名表。"
    ))  # fmt: skip
    key_rows = []
    notes = []
    for k, i in enumerate(KEY_INDICATORS, start=1):
        ind = cat.get(i)
        num, den, value = now[i]
        sheet = sheet_name(f"表1-{k}-{ind.zh}")
        sheets.append(_drill_sheet(source, cat, ind, scope, period.first, period.last, sheet))
        if ind.kind == "ratio":
            yoy = _ratio_change(value, then[i][2])
            qoq = _ratio_change(value, prev[i][2])
        else:
            yoy, qoq = points_change(value, then[i][2]), points_change(value, prev[i][2])
            before_value = then[i][2]
            if (
                value is not None
                and before_value is not None
                and abs(value - before_value) * 100 >= NOTABLE_POINTS
            ):
                notes.append(f"{ind.zh}{percent(value)}，同比{yoy}")
        key_rows.append((ind.zh, str(num), str(den), _fmt(ind, value), yoy, qoq, sheet))
    blocks.append(
        Table(
            "表1 主要业务指标",
            ("指标", "分子", "分母", "本期", "同比", "环比", "附件表"),
            tuple(key_rows),
        )
    )
    if notes:
        blocks.append(
            Paragraph("变化较大的指标：" + "；".join(notes) + "。建议结合案件情况分析变化原因。")
        )
    else:
        blocks.append(
            Paragraph(
                f"与{year_ago.zh}相比，主要指标变化均在{NOTABLE_POINTS:.0f}个百分点以内，总体平稳。"
            )
        )

    # 二、走势
    blocks.append(Heading(section(2) + "近12个月走势"))
    months, trend, _first = _trend(source, cat, TREND_INDICATORS, scope, period)
    trend_sheet = sheet_name("趋势-主要指标")
    sheets.extend(_trend_sheets(source, cat, scope, months, trend, trend_sheet))
    blocks.append(
        Paragraph(
            "不捕率、不诉率和认罪认罚从宽制度适用率近12个月的走势见图1，各月分子、分母见附件表“趋势-主要指标”。"
        )
    )
    blocks.append(
        Figure(
            "图1 主要指标近12个月走势",
            _trend_chart(cat, "主要指标近12个月走势", months, trend),
            trend_sheet,
        )
    )

    # 三、结构比
    blocks.append(Heading(section(3) + "业务结构"))
    for n, family in enumerate(STRUCTURES, start=1):
        members = cat.select([family])
        figs = _figures(source, cat, [m.id for m in members], scope, period.first, period.last)
        label = STRUCTURE_ZH[family]
        sheet = sheet_name(f"结构-{label}")
        rows_sheet: list[tuple[Cell, ...]] = []
        for m in members:
            for case_id, _suspect in drill(
                source, cat, m.id, "numerator", period.first, period.last, scope.unit.code
            ):
                rows_sheet.append((m.zh.split("·")[-1], case_id))
        sheets.append(
            Sheet(sheet, ("类别", "案件编号"), rows_sheet, f"{label}各部分的案件（{period.zh}）")
        )
        parts = [(m.zh.split("·")[-1], figs[m.id]) for m in members]
        table_rows = tuple((name, str(num), str(den), percent(v)) for name, (num, den, v) in parts)
        text = "，".join(f"{name}占{percent(v)}" for name, (_n, _d, v) in parts)
        blocks.append(Heading(subsection(n) + label, level=2))
        blocks.append(Paragraph(f"{period.zh}，{text}。"))
        blocks.append(
            Table(f"表{n + 1} {label}", ("类别", "件数", "合计", "占比"), table_rows, sheet)
        )
        if sum(num for _name, (num, _d, _v) in parts):
            blocks.append(Figure(
                f"图{n + 1} {label}",
                ShareChart(label, tuple(p[0] for p in parts), tuple(p[1][2] or 0.0 for p in parts)),
                sheet,
            ))  # fmt: skip

    # 四、单位比较 (funnel plots; flagged units sorted by code, never ranked)
    blocks.append(Heading(section(4) + "各单位比较（漏斗图）"))
    blocks.append(
        Paragraph(
            "各单位按本院自办案件比较，以漏斗图显示总体水平及95%、99.8%控制限；只标出位于控制限之外的单位，"
            "样本过少的单位不作判断，不作排名。"
        )
    )
    flagged_text = []
    fig_no = len(STRUCTURES) + 2
    for i in FUNNEL_INDICATORS:
        ind = cat.get(i)
        f = compare(source, cat, i, by="unit", date_from=period.first, date_to=period.last,
                    unit=scope.unit.code)  # fmt: skip
        sheet = sheet_name(f"漏斗图-{ind.zh}")
        rows_sheet = []
        outside = [p for p in f.points if p.flag.outside]
        for p in f.points:
            rows_sheet.append((p.key, names.get(p.key, ""), p.numerator, p.denominator, p.value,
                               p.limit95_low, p.limit95_high, p.limit998_low, p.limit998_high, p.flag.zh))  # fmt: skip
        sheets.append(Sheet(sheet, ("单位编码", "单位", "分子", "分母", "值", "95%下限", "95%上限",
                                    "99.8%下限", "99.8%上限", "判断"), rows_sheet,
                            f"{ind.zh}：各单位本院自办案件（不含下级院）；总体 {percent(f.overall)}"))  # fmt: skip
        for p in outside:  # the cases behind each flagged point: that unit's own rows
            own = sheet_name(f"{ind.zh}-{p.key}")
            scope_one = Scope(period.first, period.last, frozenset({p.key}))
            rows_own: list[tuple[Cell, ...]] = []
            for part, zh in (("numerator", "分子"), ("denominator", "分母")):
                for case_id, suspect in source.drill(ind.part(part).terms, scope_one):
                    rows_own.append((zh, case_id, suspect or ""))
            sheets.append(Sheet(own, ("部分", "案件编号", "犯罪嫌疑人编号"), rows_own,
                                f"{names.get(p.key, p.key)}{ind.zh}（本院自办）"))  # fmt: skip
            flagged_text.append(
                f"{names.get(p.key, p.key)}{ind.zh}{percent(p.value)}（{p.numerator}/{p.denominator}），{p.flag.zh}"
            )
        blocks.append(Table(
            f"表{fig_no} {ind.zh}位于控制限之外的单位（总体{percent(f.overall)}）",
            ("单位", "分子", "分母", "值", "判断"),
            tuple((names.get(p.key, p.key), str(p.numerator), str(p.denominator), percent(p.value), p.flag.zh)
                  for p in outside) or (("（无）", "", "", "", ""),),
            sheet,
        ))  # fmt: skip
        chart = _funnel_chart(f"{ind.zh}漏斗图", f, names)
        if chart is not None:
            blocks.append(Figure(f"图{fig_no} {ind.zh}漏斗图", chart, sheet))
        fig_no += 1

    # 五、分析意见
    blocks.append(Heading(section(5) + "分析意见和建议"))
    if flagged_text:
        blocks.append(Paragraph(
            subsection(1) + "以下单位的指标位于控制限之外，建议所在单位结合具体案件分析原因，"
            "属于正常办案规律的予以说明，属于办案质量问题的及时整改：" + "；".join(flagged_text) + "。"
        ))  # fmt: skip
    else:
        blocks.append(Paragraph(subsection(1) + "各单位主要指标均在控制限之内。"))
    blocks.append(
        Paragraph(
            subsection(2) + "数据分析只提示需要关注之处，不作为考核排名依据；"
            "各部门应当结合附件所列案件核实数据，发现数据质量问题的及时更正。"
        )
    )
    blocks.append(
        Paragraph(
            subsection(3)
            + "建议将变化较大的指标和位于控制限之外的单位列入下一次业务数据分析研判会商议题。"
        )
    )
    return office_report(
        ReportKind.QUARTERLY_ANALYSIS, period, scope, number, today,
        title=f"{scope.unit.name}{period.zh}检察业务数据分析报告",
        blocks=blocks,
        annex="附件：业务数据明细表（电子表格，各表名称见正文）",
        sheets=tuple(sheets),
    )  # fmt: skip


def _ratio_change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    diff = now - before
    if abs(diff) < 0.005:
        return "持平"
    return f"{'上升' if diff > 0 else '下降'}{abs(diff):.2f}"
