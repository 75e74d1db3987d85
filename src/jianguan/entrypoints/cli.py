"""`jianguan`: the command line. Thin: parse, call a service, report (zh first, English on request)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import click

from jianguan.domain.provenance import ExportScope
from jianguan.entrypoints.account_cli import account_group
from jianguan.entrypoints.analysis_cli import anomalies_cmd, compare_cmd, dq_cmd
from jianguan.entrypoints.case_cli import assign_cmd, case_group, recuse_cmd
from jianguan.entrypoints.check_cli import check_cmd
from jianguan.entrypoints.consult_cli import consult_group
from jianguan.entrypoints.context import REFUSED, Context, pass_ctx, print_import_report
from jianguan.entrypoints.demo import demo_cmd
from jianguan.entrypoints.followup_cli import COMMANDS as FOLLOW_UP_COMMANDS
from jianguan.entrypoints.indicators_cli import drill_cmd, indicators_cmd, snapshot_cmd
from jianguan.entrypoints.inspection_cli import inspection_group
from jianguan.entrypoints.monitor_cli import ledger_cmd, monitor_cmd
from jianguan.entrypoints.periods_cli import calendar_group, deadline_cmd
from jianguan.entrypoints.progress import stage
from jianguan.entrypoints.report_cli import report_cmd
from jianguan.entrypoints.responsibility_cli import (
    assess_cmd,
    evaluate_cmd,
    lists_group,
    rectify_group,
    referral_group,
)
from jianguan.entrypoints.review_cli import review_group
from jianguan.entrypoints.schedule_cli import schedule_group
from jianguan.entrypoints.serve_cli import serve_cmd
from jianguan.entrypoints.supervision_cli import COMMANDS as SUPERVISION_COMMANDS
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import import_dataset, report_document, verify_audit

LARGE_INPUT_BYTES = 8 * 1024 * 1024  # show a progress bar above this
DB_OPTION = click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="数据库 / database URL (默认 JIANGUAN_DATABASE_URL 或内置 SQLite)",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="消息语言 / message language"
)
@click.version_option(package_name="jianguan")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """检管 jianguan — 检察院“三个管理”平台 / the procuratorate's three-managements platform."""
    ctx.obj = Context(lang)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int, int], None]]:
    """The progress of reading ``total`` bytes (a bar on a terminal, lines otherwise); nothing
    for small inputs."""
    with stage(label, total, "MiB", quiet_below=LARGE_INPUT_BYTES, scale=2**20) as tick:
        yield lambda done, _total: tick(done)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--mapping",
    default=None,
    help="案件工作簿的列映射：内置名称（national_card、ledger_sheet）或映射文件 / "
    "a column mapping for a case officer's workbook: a shipped name or a mapping file",
)
@click.option(
    "--strict",
    is_flag=True,
    help="拒绝格式未定义的字段（默认保留并在导出时写回）/ refuse keys the format does not define",
)
@click.option(
    "--scope",
    type=click.Choice(["full", "delta"]),
    default=None,
    help="全量或增量导出（默认按 format.json，无则为全量）/ full or delta export",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="增量导出的起始日期 / the day a delta export starts",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="另存导入报告（.json 或 .xlsx）/ also write the import report (.json or .xlsx)",
)
@DB_OPTION
@pass_ctx
def import_cmd(
    c: Context,
    path: Path,
    mapping: str | None,
    strict: bool,
    scope: str | None,
    since: dt.datetime | None,
    report_path: Path | None,
    db_url: str | None,
) -> None:
    """导入数据集（文件夹或 .zip；CSV+JSONL 或 .xlsx）/ import a data set."""
    if report_path is not None and report_path.suffix not in (".json", ".xlsx"):
        raise click.BadParameter(
            c.say("导入报告应为 .json 或 .xlsx", "the report is .json or .xlsx"),
            param_hint="--report",
        )
    if scope == "delta" and since is None:
        raise click.BadParameter(
            c.say("增量导出须给出 --since", "a delta export needs --since"), param_hint="--since"
        )
    with c.app(db_url) as app:
        try:
            feed = app.open_dataset(path, mapping=mapping, strict=strict)
        except (FileNotFoundError, ValueError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(REFUSED)
        with closing(feed), progress_bar(feed.total_bytes, c.say("导入", "importing")) as tick:
            report = import_dataset(
                feed,
                app.uow(),
                progress=tick,
                rules=app.rules,
                scope=None if scope is None else ExportScope(scope),
                since=None if since is None else since.date(),
            )
        if report_path is not None:
            app.write_import_report(report_document(report), report_path)
    print_import_report(c, report, report_path)


@cli.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "xlsx"]), default="jsonl", show_default=True
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="只导出此日起有变化的案件（增量导出）/ only the cases changed since this day (a delta)",
)
@DB_OPTION
@pass_ctx
def export_cmd(
    c: Context, out_dir: Path, fmt: str, since: dt.datetime | None, db_url: str | None
) -> None:
    """导出为数据集（全量，或 --since 起的增量）/ export the store as a data set (or a delta)."""
    day = None if since is None else since.date()
    with c.app(db_url) as app:
        report = export_dataset(app.uow(), app.dataset_writer(out_dir, fmt, day), since=day)
    click.echo(
        c.say(
            f"已导出到 {out_dir}：单位 {report.units}，人员 {report.people}，案件 {report.cases}",
            f"exported to {out_dir}: {report.units} units, {report.people} people, {report.cases} cases",
        )
    )


@cli.command("synth")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--cases", "n_cases", required=True, type=click.IntRange(min=1))
@click.option("--seed", required=True, type=int)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2024-01-01", show_default=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default="2025-12-31", show_default=True)
@click.option("--defect-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option(
    "--plant-anomalies",
    is_flag=True,
    help="植入业务异常与数据质量问题（真值写入 anomalies.jsonl）/ plant anomalies and data-quality problems",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="进程数 / worker processes"
)
@click.option(
    "--open-share",
    type=click.FloatRange(0, 1),
    default=None,
    help="约此比例的案件在结束日期仍未办结（集中于最后 7 天受理）/ about this share of the "
    "cases still open at --end (received in its last 7 days), e.g. 0.9 for a load test",
)
@pass_ctx
def synth_cmd(
    c: Context,
    out_dir: Path,
    n_cases: int,
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
    defect_rate: float,
    workers: int | None,
    plant_anomalies: bool,
    open_share: float | None,
) -> None:
    """生成仿真数据集 / generate a realistic synthetic data set."""
    from jianguan.synth import generate

    if end.date() <= start.date():
        raise click.BadParameter(c.say("结束日期须晚于开始日期", "--end must be after --start"))
    with stage(
        c.say("生成", "generating"), n_cases, c.say("件", "cases"), quiet_below=5000
    ) as tick:
        summary = generate(
            out_dir,
            calendar=c.rules().calendar,
            cases=n_cases,
            seed=seed,
            start=start.date(),
            end=end.date(),
            defect_rate=defect_rate,
            workers=workers,
            progress=tick,
            plant=plant_anomalies,
            open_share=open_share,
        )
    click.echo(
        c.say(
            f"已生成 {summary.cases} 件案件（{summary.units} 个单位，{summary.people} 名人员，"
            f"{summary.defects} 处植入缺陷）到 {out_dir}，用时 {summary.elapsed_seconds:.1f} 秒",
            f"generated {summary.cases} cases ({summary.units} units, {summary.people} people, "
            f"{summary.defects} planted defects) in {out_dir} in {summary.elapsed_seconds:.1f} s",
        )
    )


@cli.group("db")
def db_group() -> None:
    """数据库维护 / store maintenance."""


@db_group.command("upgrade")
@DB_OPTION
@pass_ctx
def db_upgrade(c: Context, db_url: str | None) -> None:
    """升级数据库结构到最新 / migrate the store to the latest schema."""
    c.app(db_url).close()  # opening the store upgrades it
    click.echo(c.say("数据库结构已是最新。", "the store's schema is up to date."))


@db_group.command("verify")
@DB_OPTION
@pass_ctx
def db_verify(c: Context, db_url: str | None) -> None:
    """校验留痕日志的哈希链 / verify the audit log's hash chain."""
    with c.app(db_url) as app:
        problems = verify_audit(app.uow())
    for p in problems:
        click.echo(p, err=True)
    if problems:
        sys.exit(1)
    click.echo(c.say("留痕日志完整。", "the audit log is intact."))


cli.add_command(demo_cmd)
cli.add_command(deadline_cmd)
cli.add_command(calendar_group)
cli.add_command(monitor_cmd)
cli.add_command(ledger_cmd)
cli.add_command(check_cmd)
cli.add_command(indicators_cmd)
cli.add_command(drill_cmd)
cli.add_command(snapshot_cmd)
cli.add_command(case_group)
cli.add_command(assign_cmd)
cli.add_command(recuse_cmd)
for _cmd in (lists_group, assess_cmd, evaluate_cmd, referral_group, rectify_group):
    cli.add_command(_cmd)
cli.add_command(serve_cmd)
cli.add_command(account_group)
cli.add_command(compare_cmd)
cli.add_command(anomalies_cmd)
cli.add_command(dq_cmd)
cli.add_command(review_group)
cli.add_command(report_cmd)
cli.add_command(inspection_group)
cli.add_command(schedule_group)
for _cmd in FOLLOW_UP_COMMANDS:  # analysis meetings, upper-unit notices
    cli.add_command(_cmd)
for _cmd in SUPERVISION_COMMANDS:  # matter, meeting (docs/supervision.md)
    cli.add_command(_cmd)
cli.add_command(consult_group)  # 线上会诊 (docs/supervision.md)


def main() -> None:
    cli(prog_name="jianguan")
