"""`jianguan compare`, `jianguan anomalies`, `jianguan dq`: business-management analysis (研判)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import click

from jianguan.domain.comparison import MIN_DENOMINATOR, Funnel, Measure
from jianguan.domain.dataquality import IssueKind
from jianguan.domain.indicators import IndicatorError, month_end, parse_month
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.entrypoints.indicators_cli import open_source
from jianguan.services.anomalies import anomalies_in_store, indicator_shifts
from jianguan.services.comparison import compare, funnel_json
from jianguan.services.dataquality import check_store
from jianguan.services.monitoring import UnknownUnit
from jianguan.services.ports.indicators import SnapshotUnavailable

DB = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
JSON = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
UNIT = click.option(
    "--unit", default=None, help="单位编码（含下级院）/ unit code (with units below)"
)
FROM = click.option(
    "--from", "date_from", default=None, metavar="YYYY-MM", help="起始月份 / first month"
)
TO = click.option("--to", "date_to", default=None, metavar="YYYY-MM", help="截止月份 / last month")


def _months(
    c: Context, date_from: str | None, date_to: str | None
) -> tuple[dt.date | None, dt.date | None]:
    try:
        first = parse_month(date_from) if date_from else None
        last = month_end(parse_month(date_to)) if date_to else None
    except IndicatorError as exc:
        raise click.ClickException(c.say(exc.zh, exc.en)) from None
    if first and last and last < first:
        raise click.ClickException(c.say("截止月份早于起始月份", "--to is before --from"))
    return first, last


def _unknown(c: Context, unit: str | None) -> click.ClickException:
    return click.ClickException(c.say(f"未知单位：{unit}", f"unknown unit: {unit}"))


@click.command("compare")
@click.argument("indicator")
@click.option("--by", type=click.Choice(["unit", "handler"]), default="unit", show_default=True)
@FROM
@TO
@UNIT
@click.option("--min-n", "min_n", type=click.IntRange(min=1), default=MIN_DENOMINATOR, show_default=True,
              help="分母低于此值不作判断 / denominators below this are marked, not judged")  # fmt: skip
@click.option(
    "--no-overdispersion", is_flag=True, help="不做过度离散校正 / no overdispersion adjustment"
)
@JSON
@DB
@click.option("--snapshot", "snapshot_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Parquet 快照或数据湖目录 / a Parquet snapshot or lake folder")  # fmt: skip
@click.option("--spark", metavar="URL", help="用 Spark 计算 --snapshot 所指数据湖 / on Spark")
@pass_ctx
def compare_cmd(
    c: Context,
    indicator: str,
    by: str,
    date_from: str | None,
    date_to: str | None,
    unit: str | None,
    min_n: int,
    no_overdispersion: bool,
    as_json: bool,
    db_url: str | None,
    snapshot_dir: Path | None,
    spark: str | None,
) -> None:
    """漏斗图比较（不排名）/ compare units or prosecutors on a funnel plot, never ranked."""
    first, last = _months(c, date_from, date_to)
    try:
        with open_source(c, db_url, snapshot_dir, spark) as source:
            names = {u.code: u.name for u in source.units()}
            f = compare(source, c.rules().indicators, indicator, by=by, date_from=first,
                        date_to=last, unit=unit, min_denominator=min_n,
                        adjust_overdispersion=not no_overdispersion)  # fmt: skip
    except IndicatorError as exc:
        raise click.ClickException(c.say(exc.zh, exc.en)) from None
    except SnapshotUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(funnel_json(f, indicator, by, names), ensure_ascii=False, indent=1))
        return
    _print_funnel(c, f, indicator, names)


def _pct(x: float | None, measure: Measure = Measure.PROPORTION) -> str:
    """A proportion as a percentage; a rate (案-件比) as 1:x."""
    if x is None:
        return "—"
    return f"{x:.1%}" if measure is Measure.PROPORTION else f"1:{x:.2f}"


def _print_funnel(c: Context, f: Funnel, indicator: str, names: dict[str, str]) -> None:
    m = f.measure
    click.echo(c.say(
        f"{indicator}：总体 {_pct(f.overall, m)}，过度离散系数 φ = {f.phi:.2f}（按编码排列，不排名）",
        f"{indicator}: overall {_pct(f.overall, m)}, overdispersion φ = {f.phi:.2f} (by code, not ranked)",
    ))  # fmt: skip
    click.echo(c.say(f"方法：{m.zh}", f"method: {m.en}"))
    for p in f.points:
        interval = f"[{_pct(p.wilson_low, m)}, {_pct(p.wilson_high, m)}]"
        flag = p.flag.label(c.lang)
        mark = " ◆" if p.flag.outside else ""
        click.echo(f"  {p.key} {names.get(p.key, '')}  {p.numerator}/{p.denominator}  "
                   f"{_pct(p.value, m)} {interval}  {flag}{mark}")  # fmt: skip
    unusual = sum(p.flag.outside for p in f.points)
    click.echo(c.say(f"超出控制限：{unusual} 个", f"outside the limits: {unusual}"))


@click.command("anomalies")
@FROM
@TO
@UNIT
@click.option("--indicator", "indicators", multiple=True, metavar="ID",
              help="另查该指标比率的水平突变（可重复）/ also look for level shifts of this rate (repeatable)")  # fmt: skip
@JSON
@DB
@pass_ctx
def anomalies_cmd(
    c: Context, date_from: str | None, date_to: str | None, unit: str | None,
    indicators: tuple[str, ...], as_json: bool, db_url: str | None,
) -> None:  # fmt: skip
    """异常研判：水平突变、骤降（躺平）、期末集中结案（注水）/ level shifts, sudden drops, padding."""
    first, last = _months(c, date_from, date_to)
    with c.app(db_url) as app:
        try:
            found = anomalies_in_store(
                app.uow(), app.rules.calendar, date_from=first, date_to=last, unit=unit
            )
            if indicators:
                found += indicator_shifts(app.indicators(), app.rules.indicators, indicators,
                                          date_from=first, date_to=last, unit=unit)  # fmt: skip
        except UnknownUnit:
            raise _unknown(c, unit) from None
        except IndicatorError as exc:
            raise click.ClickException(c.say(exc.zh, exc.en)) from None
    if as_json:
        click.echo(json.dumps([a.as_json() for a in found], ensure_ascii=False, indent=1))
        return
    for a in found:
        click.echo(f"[{a.unit}] {c.say(a.explanation, a.explanation_en)}  "
                   + c.say(f"（{len(a.case_ids)} 件案件）", f"({len(a.case_ids)} cases)"))  # fmt: skip
    click.echo(c.say(f"共 {len(found)} 项异常", f"{len(found)} anomalies"))


@click.command("dq")
@UNIT
@JSON
@DB
@pass_ctx
def dq_cmd(c: Context, unit: str | None, as_json: bool, db_url: str | None) -> None:
    """数据质量检查：日期顺序、案卡必填项、重复、拆案 / data-quality checks."""
    with c.app(db_url) as app:
        try:
            issues = check_store(app.uow(), unit, as_of=app.today(), rules=app.rules.dataquality)
        except UnknownUnit:
            raise _unknown(c, unit) from None
    if as_json:
        click.echo(json.dumps([i.as_json() for i in issues], ensure_ascii=False, indent=1))
        return
    for i in issues:
        click.echo(f"{i.case_id}  {i.kind.label(c.lang)}  {c.say(i.explanation, i.explanation_en)}")
    counts: Counter[IssueKind] = Counter(i.kind for i in issues)
    summary = c.say("，".join(f"{k.zh} {n}" for k, n in sorted(counts.items())),
                    ", ".join(f"{k.en} {n}" for k, n in sorted(counts.items())))  # fmt: skip
    click.echo(c.say(f"共 {len(issues)} 个问题：{summary}", f"{len(issues)} issue(s): {summary}"))
