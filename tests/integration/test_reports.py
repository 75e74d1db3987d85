"""Reports (issue 16, item 1) on a generated province: every report in docx, PDF and xlsx, with
the figures found again in each file and computed independently through the CLI
(`jianguan indicators --json`, `jianguan ledger`, `jianguan compare --json`) and the ledger.

Page images of every PDF go to var/test-artefacts/reports/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from jianguan.domain.ledger import Entry
from jianguan.entrypoints.cli import cli
from jianguan.services.reports import FLOW_INDICATORS, KEY_INDICATORS
from tests.support import app_for, generate, imported, manifest_day

ARTEFACTS = Path(__file__).parents[2] / "var" / "test-artefacts" / "reports"
MONITOR_DAYS = (
    dt.date(2025, 9, 30),
    dt.date(2025, 10, 9),
    dt.date(2025, 10, 20),
    dt.date(2025, 10, 31),
)
REPORT_DAY = dt.date(2025, 10, 31)
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Province:
    url: str
    root: str
    entries: list[Entry]


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    """A demo-style province, imported, monitored on four days (so the ledger has a history)."""
    folder = tmp_path_factory.mktemp("reports")
    generate(folder / "data", cases=3000, seed=7, defect_rate=0.05)
    url = f"sqlite:///{folder / 'store.db'}"
    with (
        imported(folder / "data", url, as_of=manifest_day(folder / "data")) as app,
        app.uow() as uow,
    ):
        root = next(u.code for u in uow.cases.units() if u.parent is None)
    for day in MONITOR_DAYS:
        run("monitor", "--as-of", day.isoformat(), "--db", url)
    with app_for(url) as app, app.uow() as uow:
        entries = list(uow.ledger.entries().values())
    return Province(url, root, entries)


def flat(text: str) -> str:
    """Text without the line breaks a PDF or a table cell puts in."""
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> tuple[str, list[list[list[str]]]]:
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(path: Path) -> set[str]:
    """Base names of the fonts whose program is embedded in the PDF."""
    names = set()
    for page in PdfReader(str(path)).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            desc = font.get("/DescendantFonts")
            descriptor = (desc[0].get_object() if desc else font).get("/FontDescriptor")
            if descriptor and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                names.add(str(font["/BaseFont"]))
    return names


def page_images(path: Path) -> list[Path]:
    import pypdfium2 as pdfium

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(str(path))
    out = []
    for i in range(len(pdf)):
        target = ARTEFACTS / f"{path.stem}-p{i + 1}.png"
        pdf[i].render(scale=1.5).to_pil().save(target)
        out.append(target)
    pdf.close()
    return out


def indicator_json(
    url: str, unit: str, first: str, last: str, ids: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    args = [
        "indicators",
        "--from",
        first,
        "--to",
        last,
        "--unit",
        unit,
        "--by",
        "unit",
        "--json",
        "--db",
        url,
    ]
    for i in ids:
        args += ["--indicator", i]
    rows = json.loads(run(*args))
    return {r["indicator"]: r for r in rows if r["unit"] == unit}


def ledger_cli(url: str) -> dict[tuple[str, str], int]:
    """`jianguan ledger`: (status word, level word) → entries."""
    out = {}
    for line in run("ledger", "--db", url).splitlines():
        m = re.match(r"^\s+(\S+)·(\S+)\s+(\d+)$", line)
        if m:
            out[(m.group(1), m.group(2))] = int(m.group(3))
    return out


def check_pdf(path: Path, must: list[str]) -> str:
    text = pdf_text(path)
    assert len(CJK.findall(text)) > 300, "the PDF's text is not Chinese"
    assert "\ufffd" not in text  # no glyph lost on the way
    assert any("WenQuanYi" in f or "CJK" in f or "Han" in f for f in embedded_fonts(path))
    flat_text = flat(text)
    for piece in must:
        assert flat(piece) in flat_text, piece
    images = page_images(path)
    assert images
    assert all(p.stat().st_size > 10_000 for p in images)
    return flat_text


def test_monthly_bulletin_in_three_formats_shows_the_ledger_and_the_indicators(
    province: Province, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    said = run("report", "monthly-bulletin", "--period", "2025-10", "--unit", province.root,
               "--out", str(out), "--as-of", REPORT_DAY.isoformat(), "--db", province.url)  # fmt: skip
    assert "已生成办案流程监控通报" in said
    stem = f"monthly-bulletin-{province.root}-2025-10"
    docx, pdf, xlsx = (out / f"{stem}.{ext}" for ext in ("docx", "pdf", "xlsx"))

    # independently: the ledger as `jianguan ledger` says it, and this month's entries
    in_month = [e for e in province.entries if dt.date(2025, 10, 1) <= e.first_found <= REPORT_DAY]
    assert in_month, "the fixture should find problems in October"
    summary = ledger_cli(province.url)
    flow = indicator_json(province.url, province.root, "2025-10", "2025-10", FLOW_INDICATORS)

    text, tables = docx_text(docx)
    assert "〔2025〕粤检案管通字第10号" in text
    assert "关于2025年10月办案流程监控情况的通报" in text
    assert "二〇二五年十月三十一日" in text
    assert (
        f"流程监控共发现问题{len(in_month)}个，涉及案件{len({e.case_id for e in in_month})}件"
        in text
    )
    ledger_table = tables[0]
    assert ledger_table[0] == ["状态", "提醒", "督促", "通报", "合计"]
    for row in ledger_table[1:-1]:
        for level, cell in zip(ledger_table[0][1:4], row[1:4], strict=True):
            assert int(cell) == summary.get((row[0], level), 0), (row[0], level)
    assert int(ledger_table[-1][-1]) == sum(
        summary.values()
    )  # the whole ledger: all found by 10-31
    by_rule = Counter(e.rule for e in in_month)
    assert sorted(int(r[2]) for r in tables[1][1:]) == sorted(by_rule.values())
    flow_table = next(t for t in tables if t[0][:4] == ["指标", "分子", "分母", "值"])
    for ind, row in zip(FLOW_INDICATORS, flow_table[1:], strict=True):  # in the catalogue's order
        assert (int(row[1]), int(row[2])) == (flow[ind]["numerator"], flow[ind]["denominator"])

    # PDF: the same words and figures, in embedded CJK glyphs
    on_time = flow["on_time_rate"]
    check_pdf(pdf, [
        "〔2025〕粤检案管通字第10号", "二〇二五年十月三十一日",
        f"流程监控共发现问题{len(in_month)}个",
        f"审限内办结率{on_time['numerator'] / on_time['denominator'] * 100:.1f}%"
        f"（{on_time['numerator']}/{on_time['denominator']}）",
    ])  # fmt: skip

    # xlsx: the cases behind every number
    wb = load_workbook(xlsx)
    found = list(wb["本月发现问题"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[1]) for r in found) == sorted(e.key for e in in_month)
    assert len(list(wb["台账情况"].iter_rows(min_row=2))) == sum(summary.values())
    drill = Counter(r[0] for r in wb["附表1-审限内办结率"].iter_rows(min_row=2, values_only=True))
    assert (drill["分子"], drill["分母"]) == (on_time["numerator"], on_time["denominator"])
    toc = [r[0] for r in wb["目录"].iter_rows(values_only=True) if r]
    assert "本月发现问题" in toc
    assert "流程指标趋势明细" in toc


def test_quarterly_analysis_in_three_formats_shows_the_indicators_and_the_funnel(
    province: Province, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run("report", "quarterly-analysis", "--period", "2025Q3", "--unit", province.root,
        "--out", str(out), "--as-of", REPORT_DAY.isoformat(), "--db", province.url)  # fmt: skip
    stem = f"quarterly-analysis-{province.root}-2025Q3"
    docx, pdf, xlsx = (out / f"{stem}.{ext}" for ext in ("docx", "pdf", "xlsx"))
    figures = indicator_json(province.url, province.root, "2025-07", "2025-09", KEY_INDICATORS)
    year_ago = indicator_json(
        province.url, province.root, "2024-07", "2024-09", ("non_arrest_rate",)
    )

    text, tables = docx_text(docx)
    assert "〔2025〕粤检案管析字第3号" in text
    assert "二〇二五年十月三十一日" in text
    key = {row[0]: row for row in tables[0][1:]}
    wb = load_workbook(xlsx)
    pdf_flat = check_pdf(pdf, ["2025年第三季度检察业务数据分析报告", "〔2025〕粤检案管析字第3号"])
    for n, ind in enumerate(KEY_INDICATORS, start=1):
        r = figures[ind]
        row = next(row for row in key.values() if row[6].startswith(f"表1-{n}-"))
        assert (int(row[1]), int(row[2])) == (r["numerator"], r["denominator"]), ind
        assert flat("".join(row[:4])) in pdf_flat, ind  # the row reads the same in the PDF
        parts = Counter(x[0] for x in wb[row[6]].iter_rows(min_row=2, values_only=True))
        assert (parts["分子"], parts["分母"]) == (r["numerator"], r["denominator"]), ind
    non_arrest = next(row for row in key.values() if row[0] == "不捕率")
    change = (figures["non_arrest_rate"]["value"] - year_ago["non_arrest_rate"]["value"]) * 100
    assert non_arrest[4] == (f"{'上升' if change > 0 else '下降'}{abs(change):.1f}个百分点")

    # the funnel: the units `jianguan compare` flags, and only those, in the table
    compare = json.loads(run("compare", "non_arrest_rate", "--from", "2025-07", "--to", "2025-09",
                             "--unit", province.root, "--json", "--db", province.url))  # fmt: skip
    flagged = sorted(p["name"] for p in compare["points"] if p["outside"])
    funnel_table = next(t for t in tables if "不捕率位于控制限之外" in "".join(t[0]) or
                        t[0] == ["单位", "分子", "分母", "值", "判断"])  # fmt: skip
    shown = sorted(r[0] for r in funnel_table[1:] if r[0] != "（无）")
    assert shown == flagged
    points = list(wb["漏斗图-不捕率"].iter_rows(min_row=2, values_only=True))
    assert len(points) == len(compare["points"])


def test_a_bulletin_for_a_quarter_or_an_unknown_unit_is_refused_in_words(
    province: Province, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["report", "monthly-bulletin", "--period", "2025Q3", "--out",
                                      str(tmp_path), "--db", province.url])  # fmt: skip
    assert result.exit_code == 1
    assert "应为 YYYY-MM" in result.output
    result = CliRunner().invoke(cli, ["report", "quarterly-analysis", "--period", "2025Q3", "--unit",
                                      "999999", "--out", str(tmp_path), "--db", province.url])  # fmt: skip
    assert result.exit_code == 1
    assert "未知单位" in result.output
    result = CliRunner().invoke(cli, ["report", "quarterly-analysis", "--period", "2025Q3", "--out",
                                      str(tmp_path), "--format", "doc", "--db", province.url])  # fmt: skip
    assert result.exit_code == 2
    assert "docx,pdf,xlsx" in result.output
    assert list(tmp_path.iterdir()) == []  # nothing half-written
