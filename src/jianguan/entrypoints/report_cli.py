"""`jianguan report KIND --period … --unit … --out DIR [--format docx,pdf,xlsx]`: the office's
reports (报告) as editable docx, PDF for the record and the xlsx annex of cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from jianguan.domain.indicators import IndicatorError
from jianguan.domain.reports import ReportError, ReportKind, parse_period
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.ports.reports import FORMATS, RendererUnavailable
from jianguan.services.reporting import make_report


def parse_formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise click.BadParameter(
            f"格式只能是 {','.join(FORMATS)} / formats: {','.join(FORMATS)}", param_hint="--format"
        )
    return wanted


@click.command("report")
@click.argument("kind", type=click.Choice([k.value for k in ReportKind]))
@click.option("--period", required=True, help="月份 YYYY-MM；季度 YYYYQn；年度 YYYY / period")
@click.option("--unit", metavar="CODE", default=None, help="单位（含下级院；默认最上级）/ unit")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", default=",".join(FORMATS), show_default=True, help="docx,pdf,xlsx")
@click.option(
    "--number", type=click.IntRange(min=1), default=None, help="文号序号 / document number"
)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="成文日期（默认今天）/ date of the report")  # fmt: skip
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def report_cmd(
    c: Context,
    kind: str,
    period: str,
    unit: str | None,
    out_dir: Path,
    fmt: str,
    number: int | None,
    as_of: dt.datetime | None,
    db_url: str | None,
) -> None:
    """生成报告（通报、分析报告、整改报告）/ write a report: docx, PDF and xlsx annex.

    KIND: monthly-bulletin（办案流程监控通报，按月）, quarterly-analysis（业务数据分析报告，按季度）,
    review-commentary（案件质量评查通报，按年度）, rectification-progress（整改进展情况报告，按月）,
    inspection-rectification（巡视整改进展情况报告，按月）."""
    report_kind = ReportKind(kind)
    formats = parse_formats(fmt)
    with c.app(db_url, as_of.date() if as_of else None) as app:
        try:
            span = parse_period(period, report_kind.period_kind)
            report = make_report(
                report_kind, app.uow(), app.indicators(), app.rules, span, app.today(), unit, number
            )
            paths = app.report_writer().write(report, out_dir, formats)
        except (ReportError, IndicatorError, RendererUnavailable) as exc:
            raise click.ClickException(c.say(exc.zh, exc.en)) from None
    click.echo(
        c.say(
            f"已生成{report_kind.zh}（{report.period.zh}，{report.unit_name}，{report.doc_number}）：",
            f"wrote the {report_kind.en} ({report.period.code}, unit {report.unit}):",
        )
    )
    for path in paths:
        click.echo(f"  {path}")
    rows = sum(len(s.rows) for s in report.sheets)
    click.echo(
        c.say(
            f"附件：{len(report.sheets)} 张表，{rows} 行（正文每个数字的案件均在附件中）",
            f"annex: {len(report.sheets)} sheets, {rows} rows (the cases behind every figure)",
        )
    )
