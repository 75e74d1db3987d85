"""`jianguan monitor`: run the flow-monitoring rules over the store (set-based SQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import click

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.store.monitor_sql import SqlMonitor
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.monitoring import DueBook, Finding
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.monitoring import UnknownUnit, monitor


def run_monitor(store: SqlStore, as_of: dt.date, unit: str | None = None) -> list[Finding]:
    book = DueBook(default_periods(), default_calendar())
    with store.session() as s:
        return monitor(s, SqlMonitor(s._conn), default_rules(), book, as_of, unit)


def print_findings(c: Context, findings: list[Finding]) -> None:
    for f in findings:
        due = f.due.isoformat() if f.due else "—"
        click.echo(f"{f.case_id}  {f.rule}  {f.severity}  {due}  {f.explanation}")
    counts = Counter(f.rule for f in findings)
    summary = "，".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "无"
    click.echo(
        c.say(
            f"共 {len(findings)} 条监控结果：{summary}",
            f"{len(findings)} finding(s): {summary}",
        )
    )


@click.command("monitor")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--unit", default=None, help="单位编码（含下级院）/ unit code (with units below)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def monitor_cmd(
    c: Context, as_of: dt.datetime | None, unit: str | None, as_json: bool, db_url: str | None
) -> None:
    """流程监控：按规则检查全部案件 / flow monitoring over every case."""
    day = as_of.date() if as_of else dt.date.today()
    store = c.store(db_url)
    try:
        findings = run_monitor(store, day, unit)
    except UnknownUnit:
        raise click.ClickException(c.say(f"未知单位：{unit}", f"unknown unit: {unit}")) from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=1))
    else:
        print_findings(c, findings)
