"""`jianguan deadline` and `jianguan calendar`: statutory periods on the official calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import click

from jianguan.bootstrap import add_calendar_notice
from jianguan.domain.calendar import YearNotCovered
from jianguan.domain.errors import RulebookError
from jianguan.domain.periods import Derivation, compute_due
from jianguan.entrypoints.context import Context, pass_ctx

CLI_PERIODS = (
    "arrest_review",
    "prosecution_review",
    "supplementary_investigation",
    "counsel_notice",
    "victim_notice",
    "legal_aid_notice",
    "family_notice",
    "investigative_custody",
    "civil_supervision_review",
    "public_interest_reply",
)


@click.command("deadline")
@click.argument("period", type=click.Choice(CLI_PERIODS))
@click.argument("start", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--custody", is_flag=True, help="犯罪嫌疑人在押 / suspect in custody (never moved)")
@click.option("--major", is_flag=True, help="重大、复杂案件 / major or complex case")
@click.option("--fast-track", is_flag=True, help="速裁程序 / fast-track procedure")
@click.option(
    "--over-one-year", is_flag=True, help="可能判处有期徒刑超过一年 / likely sentence over one year"
)
@click.option("--extended", is_flag=True, help="已批准延长 / an approved extension")
@click.option(
    "--chain",
    "chain_steps",
    type=click.IntRange(0, 3),
    default=0,
    help="侦查羁押延长次数 / custody extensions approved",
)
@click.option(
    "--provisional", is_flag=True, help="允许在未收录年份按周末推算 / allow a provisional answer"
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def deadline_cmd(
    c: Context,
    period: str,
    start: dt.datetime,
    custody: bool,
    major: bool,
    fast_track: bool,
    over_one_year: bool,
    extended: bool,
    chain_steps: int,
    provisional: bool,
    as_json: bool,
) -> None:
    """计算法定期限的期满日及推算过程 / a statutory period's due date and its derivation."""
    flags = {
        "custody": custody,
        "major": major,
        "fast_track": fast_track,
        "over_one_year": over_one_year,
    }
    conditions = frozenset(name for name, on in flags.items() if on)
    rules = c.rules()
    try:
        result = compute_due(
            rules.periods[period],
            start.date(),
            rules.calendar,
            conditions=conditions,
            extended=extended,
            chain_steps=chain_steps,
            provisional=provisional,
        )
    except YearNotCovered as exc:
        hint = c.say(
            "如需临时结果，请加 --provisional", "add --provisional for a provisional answer"
        )
        raise click.ClickException(f"{exc}\n{hint}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(derivation_json(result), ensure_ascii=False, indent=2))
        return
    _print_derivation(c, result)


def derivation_json(d: Derivation) -> dict[str, object]:
    out = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in dataclasses.asdict(d).items()
    }
    out["basis"] = list(d.basis)
    return out


def _print_derivation(c: Context, d: Derivation) -> None:
    mark = c.say("（临时结果）", " (provisional)") if d.provisional else ""
    click.echo(f"{d.title}{c.say('期满日', ' due')}: {d.due}{mark}")
    for step in d.steps:
        click.echo(f"  · {step}")
    click.echo(f"  {c.say('依据', 'basis')}: {'；'.join(d.basis)}")


@click.group("calendar")
def calendar_group() -> None:
    """工作日历（国务院节假日安排）/ the official working-day calendar."""


@calendar_group.command("show")
@click.argument("year", type=int)
@pass_ctx
def calendar_show(c: Context, year: int) -> None:
    """显示某年的节假日与调休上班日 / show a year's holidays and make-up working days."""
    try:
        schedule = c.rules().calendar.schedule(year)
    except YearNotCovered as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{year} {c.say('年', '')} — {schedule.notice}（{schedule.notice_date}）")
    for h in schedule.holidays:
        days = (h.last - h.first).days + 1
        click.echo(
            f"  {h.name:<8} {h.first} – {h.last}  {c.say(f'放假 {days} 天', f'{days} days off')}"
        )
    workdays = "、".join(d.isoformat() for d in sorted(schedule.workdays)) or "—"
    click.echo(f"  {c.say('调休上班', 'make-up working days')}: {workdays}")


@calendar_group.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def calendar_add(c: Context, file: Path) -> None:
    """添加新一年的国务院节假日安排（TOML，格式同内置日历）/ add a year's notice."""
    try:
        years = add_calendar_notice(c.settings.data_dir, file.read_text("utf-8"), file.name)
    except (RulebookError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        c.say(
            f"已添加 {'、'.join(map(str, years))} 年的节假日安排。",
            f"added the schedule for {', '.join(map(str, years))}.",
        )
    )
