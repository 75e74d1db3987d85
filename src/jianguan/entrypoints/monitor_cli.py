"""`jianguan monitor`: run the flow-monitoring rules over the store (set-based SQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import click

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.store.ledger_sql import SqlLedger
from jianguan.adapters.store.monitor_sql import SqlMonitor
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.monitoring import DueBook, Finding
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.monitoring import UnknownUnit, monitor, record, units_below


def run_monitor(store: SqlStore, as_of: dt.date, unit: str | None = None) -> list[Finding]:
    book = DueBook(default_periods(), default_calendar())
    with store.session() as s:
        return monitor(s, SqlMonitor(s._conn), default_rules(), book, as_of, unit)


def monitor_and_record(
    store: SqlStore, as_of: dt.date, unit: str | None = None
) -> tuple[list[Finding], Counter[str]]:
    """Monitor and bring the ledger (台账) up to date, in one transaction."""
    book = DueBook(default_periods(), default_calendar())
    with store.session() as s:
        findings = monitor(s, SqlMonitor(s._conn), default_rules(), book, as_of, unit)
        scope = units_below(s.units(), unit) if unit else None
        changes = record(s, SqlLedger(s._conn), findings, book, as_of, scope)
    return findings, changes


def ledger_summary(store: SqlStore) -> dict[tuple[str, str], int]:
    with store.session() as s:
        return SqlLedger(s._conn).summary()


LEVEL_EN = {"提醒": "reminder", "督促": "urging", "通报": "notice (通报)"}
STATUS_ZH = {"open": "待处理", "notified": "已通知", "corrected": "已纠正", "closed": "已关闭"}


def print_ledger(c: Context, summary: dict[tuple[str, str], int]) -> None:
    click.echo(c.say("流程监控台账：", "monitoring ledger:"))
    if not summary:
        click.echo(c.say("  （空）", "  (empty)"))
    for (status, level), n in sorted(summary.items()):
        label = c.say(
            f"{STATUS_ZH.get(status, status)}·{level}", f"{status} / {LEVEL_EN.get(level, level)}"
        )
        click.echo(f"  {label}  {n}")


_CHANGE_ZH = {
    "open": "新增",
    "reopen": "重新打开",
    "escalate": "升级",
    "correct": "已纠正",
    "close": "关闭",
}


def print_changes(c: Context, changes: Counter[str]) -> None:
    names = [(a.removeprefix("ledger."), n) for a, n in sorted(changes.items())]
    zh = "，".join(f"{_CHANGE_ZH.get(a, a)} {n}" for a, n in names) or "无"
    en = ", ".join(f"{a} {n}" for a, n in names) or "none"
    click.echo(c.say(f"台账变动：{zh}", f"ledger changes: {en}"))


def finding_counts(c: Context, findings: list[Finding]) -> str:
    """Findings per rule: the rule's Chinese title for zh, its id for en."""
    counts = sorted(Counter(f.rule for f in findings).items())
    if c.settings.lang == "en":
        return ", ".join(f"{rule} {n}" for rule, n in counts) or "none"
    rules = default_rules()
    return "，".join(f"{rules.by_id(rule).title} {n}" for rule, n in counts) or "无"


def print_findings(c: Context, findings: list[Finding]) -> None:
    for f in findings:
        due = f.due.isoformat() if f.due else "—"
        click.echo(f"{f.case_id}  {f.rule}  {f.severity}  {due}  {f.explanation}")
    summary = finding_counts(c, findings)
    click.echo(
        c.say(f"共 {len(findings)} 条监控结果：{summary}", f"{len(findings)} finding(s): {summary}")
    )


@click.command("monitor")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--unit", default=None, help="单位编码（含下级院）/ unit code (with units below)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@click.option("--no-ledger", is_flag=True, help="不更新台账 / leave the ledger alone")
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def monitor_cmd(
    c: Context,
    as_of: dt.datetime | None,
    unit: str | None,
    as_json: bool,
    no_ledger: bool,
    db_url: str | None,
) -> None:
    """流程监控：按规则检查全部案件并更新台账 / flow monitoring over every case, into the ledger."""
    day = as_of.date() if as_of else dt.date.today()
    store = c.store(db_url)
    changes: Counter[str] | None = None
    try:
        if no_ledger:
            findings = run_monitor(store, day, unit)
        else:
            findings, changes = monitor_and_record(store, day, unit)
    except UnknownUnit:
        raise click.ClickException(c.say(f"未知单位：{unit}", f"unknown unit: {unit}")) from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=1))
        return
    print_findings(c, findings)
    if changes is not None:
        print_changes(c, changes)


@click.command("ledger")
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def ledger_cmd(c: Context, db_url: str | None) -> None:
    """流程监控台账汇总 / the monitoring ledger in summary."""
    store = c.store(db_url)
    try:
        print_ledger(c, ledger_summary(store))
    finally:
        store.close()
