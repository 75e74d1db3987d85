"""`jianguan monitor`: run the flow-monitoring rules over the store (set-based SQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import click

from jianguan.domain.ledger import LedgerAction, LedgerStatus, Level
from jianguan.domain.monitoring import Finding
from jianguan.domain.rulebook import Rulebook
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.entrypoints.progress import step
from jianguan.services.monitoring import UnknownUnit, ledger_summary, monitor, monitor_and_record


def print_ledger(c: Context, summary: dict[tuple[LedgerStatus, Level], int]) -> None:
    click.echo(c.say("流程监控台账：", "monitoring ledger:"))
    if not summary:
        click.echo(c.say("  （空）", "  (empty)"))
    for (status, level), n in sorted(
        summary.items(), key=lambda kv: (kv[0][0].value, kv[0][1].rank)
    ):
        label = c.say(f"{status.zh}·{level.zh}", f"{status.en} / {level.en}")
        click.echo(f"  {label}  {n}")


def print_changes(c: Context, changes: Counter[LedgerAction]) -> None:
    names = sorted(changes.items(), key=lambda kv: kv[0].value)
    zh = "，".join(f"{a.zh} {n}" for a, n in names) or "无"
    en = ", ".join(f"{a.en} {n}" for a, n in names) or "none"
    click.echo(c.say(f"台账变动：{zh}", f"ledger changes: {en}"))


def finding_counts(c: Context, rules: Rulebook, findings: list[Finding]) -> str:
    """Findings per rule: the rule's Chinese title for zh, its id for en."""
    counts = sorted(Counter(f.rule for f in findings).items())
    if c.lang == "en":
        return ", ".join(f"{rule} {n}" for rule, n in counts) or "none"
    return "，".join(f"{rules.rule(rule).title} {n}" for rule, n in counts) or "无"


def print_findings(c: Context, rules: Rulebook, findings: list[Finding]) -> None:
    for f in findings:
        due = f.due.isoformat() if f.due else "—"
        click.echo(f"{f.case_id}  {f.rule}  {f.severity.label(c.lang)}  {due}  {f.explanation}")
    summary = finding_counts(c, rules, findings)
    click.echo(
        c.say(f"共 {len(findings)} 条监控结果：{summary}", f"{len(findings)} finding(s): {summary}")
    )


@click.command("monitor")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--unit", default=None, help="单位编码（含下级院）/ unit code (with units below)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@click.option("--no-ledger", is_flag=True, help="不更新台账 / leave the ledger alone")
@click.option(
    "--full",
    is_flag=True,
    help="重新检查全部案件（默认只查未结、有变动或期限未过的案件）/ evaluate every case "
    "(by default only open, changed and not yet settled cases are evaluated again)",
)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def monitor_cmd(
    c: Context,
    as_of: dt.datetime | None,
    unit: str | None,
    as_json: bool,
    no_ledger: bool,
    full: bool,
    db_url: str | None,
) -> None:
    """流程监控：按规则检查全部案件并更新台账 / flow monitoring over every case, into the ledger."""
    changes: Counter[LedgerAction] | None = None
    with c.app(db_url, as_of.date() if as_of else None) as app:
        day = app.today()
        try:
            with step(c.say("流程监控", "monitoring")):
                if no_ledger:
                    findings = monitor(app.uow(), app.rules, day, unit)
                else:
                    findings, changes = monitor_and_record(
                        app.uow(), app.rules, day, unit, full=full
                    )
        except UnknownUnit:
            raise click.ClickException(
                c.say(f"未知单位：{unit}", f"unknown unit: {unit}")
            ) from None
    if as_json:
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=1))
        return
    print_findings(c, app.rules, findings)
    if changes is not None:
        print_changes(c, changes)


@click.command("ledger")
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def ledger_cmd(c: Context, db_url: str | None) -> None:
    """流程监控台账汇总 / the monitoring ledger in summary."""
    with c.app(db_url) as app:
        print_ledger(c, ledger_summary(app.uow()))
