"""`jianguan indicators`, `jianguan drill`, `jianguan snapshot`: business-management figures.

The figures come from the store (SQLite / PostgreSQL, ``--db``) or from a Parquet snapshot
(``--snapshot``, counted by DuckDB). Text output is for case officers (Chinese first); ``--json``
is for programs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from jianguan.bootstrap import lake_dataset, snapshot_dataset, snapshot_indicators, spark_indicators
from jianguan.domain.indicators import (
    Catalogue,
    Indicator,
    IndicatorError,
    IndicatorRow,
    month_end,
    parse_month,
)
from jianguan.domain.model import UnitLevel
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.entrypoints.messages import display_width, pad
from jianguan.entrypoints.progress import step
from jianguan.services.indicators import compute, drill
from jianguan.services.ports.indicators import IndicatorSource, SnapshotUnavailable

F = TypeVar("F", bound=Callable[..., Any])

DIM_ZH = {
    "unit": "单位",
    "department": "部门",
    "handler": "承办人",
    "category": "案件类别",
    "charge": "罪名",
    "month": "月份",
    "quarter": "季度",
    "year": "年度",
}


def source_options(f: F) -> F:
    f = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")(f)
    f = click.option(
        "--snapshot",
        "snapshot_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Parquet 快照或数据湖目录（DuckDB 计算）/ a Parquet snapshot or lake folder (counted by DuckDB)",
    )(f)
    f = click.option(
        "--spark",
        "spark",
        metavar="URL",
        help="用 Spark 计算 --snapshot 所指数据湖（local[*]、spark://主机:7077、yarn）/ "
        "count on Apache Spark at this master over the --snapshot folder",
    )(f)
    return f


def period_options(f: F) -> F:
    f = click.option("--to", "to_month", metavar="YYYY-MM", help="截止月份（含）/ last month")(f)
    f = click.option("--from", "from_month", metavar="YYYY-MM", help="起始月份 / first month")(f)
    f = click.option("--unit", metavar="CODE", help="单位（含下级院）/ unit and units below")(f)
    return f


def friendly_errors(f: F) -> F:
    """Bad input becomes a clear zh/en message and exit code 1, never a traceback."""

    @wraps(f)
    def run(c: Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return f(c, *args, **kwargs)
        except IndicatorError as exc:
            raise click.ClickException(c.say(exc.zh, exc.en)) from None
        except SnapshotUnavailable as exc:
            raise click.ClickException(str(exc)) from None

    return run  # type: ignore[return-value]


@contextmanager
def open_source(
    c: Context, db_url: str | None, snapshot_dir: Path | None, spark: str | None = None
) -> Iterator[IndicatorSource]:
    if snapshot_dir is not None and db_url is not None:
        raise IndicatorError("--db 与 --snapshot 只能选一个", "use either --db or --snapshot")
    if spark is not None and snapshot_dir is None:
        raise IndicatorError(
            "--spark 须与 --snapshot（数据湖目录）同用",
            "--spark needs --snapshot (the lake folder)",
        )
    if snapshot_dir is not None:
        snap = (
            snapshot_indicators(snapshot_dir)
            if spark is None
            else spark_indicators(snapshot_dir, spark, c.rules())
        )
        try:
            yield snap
        finally:
            snap.close()
        return
    with c.app(db_url) as app:
        yield app.indicators()


def months(from_month: str | None, to_month: str | None) -> tuple[dt.date | None, dt.date | None]:
    start = parse_month(from_month) if from_month else None
    end = month_end(parse_month(to_month)) if to_month else None
    return start, end


def format_value(ind: Indicator, value: float | None) -> str:
    if value is None:
        return "—"
    return f"1:{value:.2f}" if ind.kind == "ratio" else f"{value * 100:.1f}%"


def row_json(row: IndicatorRow) -> dict[str, object]:
    return {
        "indicator": row.indicator,
        **row.dims,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "value": row.value,
    }


@click.command("indicators")
@click.option(
    "--by",
    default="unit,year",
    show_default=True,
    help="维度，逗号分隔 / dimensions: unit,department,handler,category,charge,month,quarter,year",
)
@click.option(
    "--indicator", "ids", multiple=True, metavar="ID", help="指标（可多次）/ indicator id"
)
@click.option("--catalogue", is_flag=True, help="列出指标目录 / list the indicator catalogue")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@period_options
@source_options
@pass_ctx
@friendly_errors
def indicators_cmd(
    c: Context,
    by: str,
    ids: tuple[str, ...],
    catalogue: bool,
    as_json: bool,
    unit: str | None,
    from_month: str | None,
    to_month: str | None,
    db_url: str | None,
    snapshot_dir: Path | None,
    spark: str | None,
) -> None:
    """业务指标（不排名）/ indicators by dimension (no ranking)."""
    cat = c.rules().indicators
    if catalogue:
        print_catalogue(c, cat, as_json)
        return
    dims = tuple(d.strip() for d in by.split(",") if d.strip())
    start, end = months(from_month, to_month)
    cat.select(ids)  # unknown ids are refused before any work
    with open_source(c, db_url, snapshot_dir, spark) as source:
        rows = compute(source, cat, ids or None, dims, start, end, unit)
    if as_json:
        click.echo(json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=1))
        return
    print_rows(c, cat, rows, dims)


def print_rows(
    c: Context, cat: Catalogue, rows: Sequence[IndicatorRow], dims: Sequence[str]
) -> None:
    if not rows:
        click.echo(c.say("没有符合条件的数据。", "no data in that scope."))
        return
    heads = [c.say("指标", "indicator"), *(c.say(DIM_ZH[d], d) for d in dims)]
    heads += [c.say("分子", "numerator"), c.say("分母", "denominator"), c.say("值", "value")]
    table = []
    for r in rows:
        ind = cat.get(r.indicator)
        name = ind.zh if c.settings.lang == "zh" else ind.en
        cells = [name, *(str(r.dims[d]) for d in dims)]
        table.append([*cells, str(r.numerator), str(r.denominator), format_value(ind, r.value)])
    widths = [max(display_width(x) for x in col) for col in zip(heads, *table, strict=False)]
    numeric = len(heads) - 3
    for line in (heads, *table):
        parts = [
            pad(cell, w) if i < numeric else " " * (w - display_width(cell)) + cell
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        click.echo("  ".join(parts).rstrip())
    click.echo(
        c.say(
            "注：指标用于分析研判，不作排名（最高检2024年“一取消三不再”）。",
            "Note: for analysis, not for ranking (SPP, October 2024).",
        )
    )


def print_catalogue(c: Context, cat: Catalogue, as_json: bool) -> None:
    if as_json:
        out = [
            {
                "id": i.id,
                "zh": i.zh,
                "en": i.en,
                "definition": i.definition,
                "count": i.count,
                "kind": i.kind,
                "family": i.family,
                "basis": list(i.basis),
            }
            for i in cat.indicators
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for i in cat.indicators:
        click.echo(f"{i.id}  {i.zh} / {i.en}")
        click.echo(f"    {i.definition}")
        for b in i.basis:
            click.echo(f"    {c.say('依据', 'basis')}: {b}")


@click.command("drill")
@click.argument("indicator")
@click.option(
    "--part",
    type=click.Choice(["numerator", "denominator"]),
    required=True,
    help="分子或分母 / numerator or denominator",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@period_options
@source_options
@pass_ctx
@friendly_errors
def drill_cmd(
    c: Context,
    indicator: str,
    part: str,
    as_json: bool,
    unit: str | None,
    from_month: str | None,
    to_month: str | None,
    db_url: str | None,
    snapshot_dir: Path | None,
    spark: str | None,
) -> None:
    """下钻：指标背后的案件 / drill down to the cases behind a number."""
    cat = c.rules().indicators
    ind = cat.get(indicator)
    start, end = months(from_month, to_month)
    with open_source(c, db_url, snapshot_dir, spark) as source:
        rows = drill(source, cat, indicator, part, start, end, unit)
    if as_json:
        out = {
            "indicator": indicator,
            "part": part,
            "count": len(rows),
            "rows": [{"case_id": case, "suspect_id": who} for case, who in rows],
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    side = c.say("分子" if part == "numerator" else "分母", part)
    cases = len({case for case, _ in rows})
    unit_zh = "人" if ind.count == "persons" else "项" if ind.kind == "ratio" else "件"
    click.echo(
        c.say(
            f"{ind.zh} {side}：{len(rows)} {unit_zh}，涉及案件 {cases} 件",
            f"{ind.en}, {side}: {len(rows)} counted, in {cases} cases",
        )
    )
    for case, who in rows:
        click.echo(f"  {case}" + (f"  {who}" if who else ""))


@click.command("snapshot")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lake",
    "lake_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="写入按省份、年度分区的数据湖，只重写有变化的分区 / "
    "bring the lake partitioned by province and year up to date (changed partitions only)",
)
@click.option(
    "--from-dataset",
    "dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="直接由生成的数据集目录写快照（不经导入）/ straight from a generated data set folder",
)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
@friendly_errors
def snapshot_cmd(
    c: Context,
    out_dir: Path | None,
    lake_dir: Path | None,
    dataset: Path | None,
    db_url: str | None,
) -> None:
    """写 Parquet 快照或数据湖供 DuckDB / Spark 计算指标 / write a Parquet snapshot or the lake."""
    if (out_dir is None) == (lake_dir is None):
        raise click.UsageError(c.say("须指定 --out 或 --lake 之一", "give one of --out or --lake"))
    if lake_dir is not None:
        with step(c.say("写数据湖", "writing the lake")):
            if dataset is not None:
                done = lake_dataset(dataset, lake_dir)
            else:
                with c.app(db_url) as app:
                    done = app.write_lake(lake_dir)
        rewritten = done["rewritten"]
        assert isinstance(rewritten, list)
        click.echo(
            c.say(
                f"数据湖 {lake_dir}：共 {done['cases']} 件；重写分区 {len(rewritten)} 个，"
                f"未变 {done['unchanged']} 个，删除 {len(done['removed'])} 个",  # type: ignore[arg-type]
                f"lake {lake_dir}: {done['cases']} cases; {len(rewritten)} partitions rewritten, "
                f"{done['unchanged']} unchanged, {len(done['removed'])} removed",  # type: ignore[arg-type]
            )
        )
        for key in rewritten:
            click.echo(f"  {key}")
        return
    assert out_dir is not None
    with step(c.say("写快照", "writing the snapshot")):
        if dataset is not None:
            counts = snapshot_dataset(dataset, out_dir)
        else:
            with c.app(db_url) as app:
                counts = app.write_snapshot(out_dir)
    click.echo(
        c.say(
            f"快照已写入 {out_dir}：案件 {counts.get('cases', 0)} 件，犯罪嫌疑人 {counts.get('suspects', 0)} 人，"
            f"事件 {counts.get('events', 0)} 条",
            f"snapshot written to {out_dir}: {counts.get('cases', 0)} cases, "
            f"{counts.get('suspects', 0)} suspects, {counts.get('events', 0)} events",
        )
    )


HEADLINE = (
    "non_arrest_rate",
    "non_prosecution_rate",
    "plea_leniency_rate",
    "non_prosecution_after_arrest_rate",
    "case_proceeding_ratio",
    "line_structure",
)


def print_headline(c: Context, source: IndicatorSource, cat: Catalogue) -> None:
    """A few headline indicators of each provincial unit, by year (for `jianguan demo`)."""
    provinces = [u.code for u in source.units() if u.level is UnitLevel.PROVINCIAL]
    for code in provinces:
        rows = compute(source, cat, HEADLINE, ("unit", "year"), unit=code)
        rows = [r for r in rows if r.dims["unit"] == code]
        click.echo(
            c.say(
                f"\n主要业务指标（{code}，含下级院）：",
                f"\nheadline indicators ({code} and below):",
            )
        )
        print_rows(c, cat, rows, ("year",))
