"""`jianguan check`: the one-click self-check (一键自检) of one case or of every case."""

from __future__ import annotations

import datetime as dt
import json

import click

from jianguan.domain.monitoring import Finding
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.selfcheck import UnknownCase, check_cases


@click.command("check")
@click.argument("case_id", required=False)
@click.option("--all", "every", is_flag=True, help="检查全部案件 / check every case")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def check_cmd(
    c: Context,
    case_id: str | None,
    every: bool,
    as_of: dt.datetime | None,
    as_json: bool,
    db_url: str | None,
) -> None:
    """一键自检：案卡与文书一致性、必备文书及流程监控 / one-click self-check of a case."""
    if (case_id is None) == (not every):
        raise click.UsageError(
            c.say("请给出一个案件编号或 --all（二者择一）", "give one CASE_ID or --all, not both")
        )
    findings: list[Finding] = []
    with c.app(db_url, as_of.date() if as_of else None) as app:
        try:
            if as_json:
                click.echo("[", nl=False)
            for n, f in enumerate(check_cases(app.uow(), app.rules, case_id, app.today())):
                if as_json:
                    text = json.dumps(f.as_json(), ensure_ascii=False, indent=1)
                    click.echo(("," if n else "") + "\n" + text, nl=False)
                else:
                    findings.append(f)
                    due = f.due.isoformat() if f.due else "—"
                    sev = f.severity.label(c.lang)
                    click.echo(f"{f.case_id}  {f.rule}  {sev}  {due}  {f.explanation}")
        except UnknownCase:
            raise click.ClickException(
                c.say(f"未找到案件：{case_id}", f"no such case: {case_id}")
            ) from None
        titles = app.rules
    if as_json:
        click.echo("\n]")
        return
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    if c.settings.lang == "en":
        summary = ", ".join(f"{r} {n}" for r, n in sorted(counts.items())) or "none"
    else:
        summary = (
            "，".join(f"{titles.rule(r).title} {n}" for r, n in sorted(counts.items())) or "无"
        )
    click.echo(
        c.say(f"共 {len(findings)} 条自检结果：{summary}", f"{len(findings)} finding(s): {summary}")
    )
