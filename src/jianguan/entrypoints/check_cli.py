"""`jianguan check`: the one-click self-check (一键自检) of one case or of every case."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import click

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.powers_file import load_powers
from jianguan.adapters.selfcheck_file import default_selfcheck_rules
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.monitoring import DueBook, Finding
from jianguan.domain.powers import PowersBook
from jianguan.domain.selfcheck import CheckEnv
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.selfcheck import self_check


class UnknownCase(LookupError):
    pass


def check_cases(
    store: SqlStore, case_id: str | None, as_of: dt.date, powers: PowersBook
) -> Iterator[Finding]:
    """Findings of one case (``case_id``) or, streamed, of every stored case."""
    book = DueBook(default_periods(), default_calendar())
    checks, monitoring = default_selfcheck_rules(), default_rules()
    with store.session() as s:
        units = s.units()
        env = CheckEnv({p.id: p for p in s.people()}, powers)
        if case_id is not None:
            case = s.load_cases([case_id]).get(case_id)
            if case is None:
                raise UnknownCase(case_id)
            yield from self_check(case, units, checks, monitoring, book, as_of, env)
            return
        for case in s.iter_cases():
            yield from self_check(case, units, checks, monitoring, book, as_of, env)


def title_of(rule_id: str) -> str:
    try:
        return default_selfcheck_rules().by_id(rule_id).title
    except StopIteration:
        return default_rules().by_id(rule_id).title


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
    day = as_of.date() if as_of else dt.date.today()
    store = c.store(db_url)
    findings: list[Finding] = []
    try:
        if as_json:
            click.echo("[", nl=False)
        for n, f in enumerate(check_cases(store, case_id, day, load_powers(c.settings.data_dir))):
            if as_json:
                text = json.dumps(f.as_json(), ensure_ascii=False, indent=1)
                click.echo(("," if n else "") + "\n" + text, nl=False)
            else:
                findings.append(f)
                due = f.due.isoformat() if f.due else "—"
                click.echo(f"{f.case_id}  {f.rule}  {f.severity}  {due}  {f.explanation}")
    except UnknownCase:
        raise click.ClickException(
            c.say(f"未找到案件：{case_id}", f"no such case: {case_id}")
        ) from None
    finally:
        store.close()
    if as_json:
        click.echo("\n]")
        return
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    if c.settings.lang == "en":
        summary = ", ".join(f"{r} {n}" for r, n in sorted(counts.items())) or "none"
    else:
        summary = "，".join(f"{title_of(r)} {n}" for r, n in sorted(counts.items())) or "无"
    click.echo(
        c.say(f"共 {len(findings)} 条自检结果：{summary}", f"{len(findings)} finding(s): {summary}")
    )
