"""`jianguan inspection …`: inspection rectification of the inspected unit (巡视整改,
《中国共产党巡视工作条例》第33–37条): feedback, items, hand-overs and report-backs, progress
reports to the named recipients, leader changes (交接) and 回头看 re-checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from jianguan.bootstrap import App
from jianguan.domain import inspection as dom
from jianguan.domain.inspection import Inspection, InspectionError, Recipient, TransferKind
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services import inspection as svc

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])
_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_by = click.option("--by", default="case_office", metavar="PERSON", help="操作人 / acting staff id")
_on = click.option("--on", "on", type=DATE, default=None, help="日期（默认今天）/ day (today)")
_id = click.argument("iid", metavar="ID")


def _run(c: Context, db_url: str | None, act: Callable[[App], T], on: dt.datetime | None) -> T:
    """One use case, the clock on ``on`` when given; a refusal (nothing written) exits 2."""
    with c.app(db_url, on.date() if on else None) as app:
        try:
            return act(app)
        except InspectionError as exc:
            click.echo(c.say(f"操作被拒绝：{exc.zh}", f"refused: {exc.en}"), err=True)
            sys.exit(2)


def _numbers(text: str) -> list[int]:
    try:
        return [int(x) for x in text.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("应为以逗号分隔的序号 / comma-separated numbers") from None


def _recipients(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        key, sep, name = v.partition("=")
        if not sep or Recipient.parse(key) is None:
            raise click.BadParameter(
                "应为 discipline|organisation|office=名称 / KIND=NAME", param_hint="--recipient"
            )
        out[key] = name
    return out


def inspection_json(i: Inspection, as_of: dt.date) -> dict[str, Any]:
    s = dom.status(i, as_of)
    body = dataclasses.asdict(i)
    body["concentrated_until"] = i.concentrated_until
    body["status"] = {
        "as_of": as_of, "phase": s.phase.value, "phase_zh": s.phase.zh, "days_left": s.days_left,
        "done": s.done, "open": s.open, "overdue": s.overdue, "reopened": s.reopened,
        "transfers_reported": s.transfers_reported, "transfers_pending": s.transfers_pending,
        "transfers_overdue": s.transfers_overdue,
        "reported_to": [r.value for r in s.reported_to],
        "unreported": [r.value for r in s.unreported], "report_overdue": s.report_overdue,
    }  # fmt: skip
    for t, raw in zip(i.transfers, body["transfers"], strict=True):
        raw["due_on"] = t.due_on
    return body


def _echo(c: Context, i: Inspection, as_of: dt.date) -> None:
    s = dom.status(i, as_of)
    click.echo(f"{i.id} {i.title}（{i.inspector}）")
    click.echo(c.say(
        f"  收到反馈意见 {i.feedback_on}；集中整改至 {i.concentrated_until}；{as_of} 处于{s.phase.zh}"
        f"（{dom.BASIS_CONCENTRATED}）",
        f"  feedback {i.feedback_on}; concentrated until {i.concentrated_until}; "
        f"{s.phase.en} on {as_of}",
    ))  # fmt: skip
    click.echo(c.say(
        f"  整改事项 {len(i.items)} 项：完成 {len(s.done)}，未完成 {len(s.open)}，"
        f"逾期 {len(s.overdue)}，回头看重新整改 {len(s.reopened)}",
        f"  items {len(i.items)}: done {len(s.done)}, open {len(s.open)}, overdue "
        f"{len(s.overdue)}, reopened {len(s.reopened)}",
    ))  # fmt: skip
    for x in i.items:
        late = c.say("（逾期）", " (overdue)") if x.overdue(as_of) else ""
        click.echo(f"    {x.n}. [{x.status.label(c.lang)}] {x.problem} — {x.responsible}，"
                   f"{x.measure}，{x.due_on}{late}")  # fmt: skip
    for t in i.transfers:
        state = (c.say(f"已于 {t.reported_on} 反馈", f"reported {t.reported_on}") if t.reported_on
                 else c.say(f"应于 {t.due_on} 前反馈", f"report back by {t.due_on}"))  # fmt: skip
        late = c.say("（逾期）", " (overdue)") if t.overdue(as_of) else ""
        click.echo(f"  {c.say('移交', 'hand-over')} {t.n}. {t.kind.label(c.lang)}：{t.summary} → "
                   f"{t.handed_to}，{state}{late}")  # fmt: skip
    names = "、".join(i.recipient_name(r) for r in s.unreported)
    if s.unreported:
        word = c.say("逾期未报送", "overdue") if s.report_overdue else c.say("尚未报送", "not yet")
        click.echo(c.say(f"  集中整改进展情况报告{word}：{names}",
                         f"  progress report {word}: {names}"))  # fmt: skip


@click.group("inspection")
def inspection_group() -> None:
    """巡视整改（被巡视单位）/ inspection rectification of the inspected unit."""


@inspection_group.command("open")
@click.option("--unit", required=True, metavar="CODE")
@click.option("--title", required=True, help="如：省委第三巡视组巡视反馈意见")
@click.option("--inspector", required=True, help="巡视组 / the inspecting body")
@click.option("--feedback-on", "feedback_on", type=DATE, required=True,
              help="收到巡视反馈意见之日 / day the feedback was received")  # fmt: skip
@click.option("--recipient", "recipients", multiple=True, metavar="KIND=NAME",
              help="报送对象名称：discipline|organisation|office=名称")  # fmt: skip
@_by
@_db
@pass_ctx
def open_cmd(
    c: Context, unit: str, title: str, inspector: str, feedback_on: dt.datetime,
    recipients: tuple[str, ...], by: str, db_url: str | None,
) -> None:  # fmt: skip
    """登记巡视反馈意见（集中整改六个月自此起算）/ record the feedback."""
    names = _recipients(recipients)
    i = _run(c, db_url, lambda app: svc.open_inspection(
        app.uow(), unit, title, inspector, feedback_on.date(), names, by), None)  # fmt: skip
    click.echo(c.say(f"已登记 {i.id}，集中整改至 {i.concentrated_until}",
                     f"recorded {i.id}; concentrated rectification until {i.concentrated_until}"))  # fmt: skip


def _step(
    c: Context, db_url: str | None, iid: str, by: str, action: str, on: dt.datetime | None,
    step: Callable[[Inspection, dt.date], Inspection],
) -> Inspection:  # fmt: skip
    i = _run(c, db_url, lambda app: svc.change(
        app.uow(), iid, by, action, lambda x: step(x, app.today())), on)  # fmt: skip
    click.echo(c.say(f"{iid} 已记录", f"{iid} recorded"))
    return i


@inspection_group.command("item")
@_id
@click.option("--problem", required=True)
@click.option("--responsible", required=True, help="责任人 / responsible person")
@click.option("--measure", required=True, help="整改措施 / measure")
@click.option("--due", type=DATE, required=True, help="整改时限 / deadline")
@_by
@_db
@pass_ctx
def item_cmd(
    c: Context, iid: str, problem: str, responsible: str, measure: str, due: dt.datetime,
    by: str, db_url: str | None,
) -> None:  # fmt: skip
    """列入问题清单、任务清单、责任清单 / add a problem with its task."""
    _step(c, db_url, iid, by, "item", None,
          lambda i, _d: dom.add_item(i, problem, responsible, measure, due.date()))  # fmt: skip


@inspection_group.command("done")
@_id
@click.argument("n", type=int)
@click.option("--note", default="")
@_by
@_on
@_db
@pass_ctx
def done_cmd(
    c: Context, iid: str, n: int, note: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """整改事项完成 / an item is done."""
    _step(c, db_url, iid, by, "done", on, lambda i, d: dom.complete_item(i, n, d, note))


@inspection_group.command("transfer")
@_id
@click.option("--kind", type=click.Choice([k.value for k in TransferKind]), required=True,
              help="lead 问题线索 | problem 移交问题 | proposal 工作建议")  # fmt: skip
@click.option("--summary", required=True)
@click.option("--to", "handed_to", default="", help="承办机关（默认按类别）/ receiving body")
@_by
@_on
@_db
@pass_ctx
def transfer_cmd(
    c: Context, iid: str, kind: str, summary: str, handed_to: str, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """登记巡视移交事项（六个月内反馈）/ record a hand-over (six months to report back)."""
    _step(c, db_url, iid, by, "transfer", on,
          lambda i, d: dom.hand_over(i, TransferKind(kind), summary, handed_to, d))  # fmt: skip


@inspection_group.command("report-back")
@_id
@click.argument("n", type=int)
@click.option("--note", required=True, help="反馈的办理进展 / what was reported")
@_by
@_on
@_db
@pass_ctx
def report_back_cmd(
    c: Context, iid: str, n: int, note: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """移交事项已反馈 / a hand-over was reported back on."""
    _step(c, db_url, iid, by, "report_back", on, lambda i, d: dom.report_back(i, n, d, note))


@inspection_group.command("report")
@_id
@click.option("--to", "to", required=True,
              help="报送对象：discipline,organisation,office（或中文名称）")  # fmt: skip
@click.option("--text", required=True)
@_by
@_on
@_db
@pass_ctx
def report_cmd(
    c: Context, iid: str, to: str, text: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """报送整改进展情况报告 / send a progress report to the named recipients."""
    wanted = [Recipient.parse(x) for x in to.replace("，", ",").split(",") if x.strip()]
    if any(r is None for r in wanted):
        raise click.BadParameter("discipline,organisation,office", param_hint="--to")
    chosen = [r for r in wanted if r is not None]
    _step(c, db_url, iid, by, "report", on, lambda i, d: dom.record_report(i, d, by, chosen, text))


@inspection_group.command("handover")
@_id
@click.option("--role", required=True, help="职务，如 党组书记、检察长 / role")
@click.option("--predecessor", required=True)
@click.option("--successor", required=True)
@click.option("--note", default="")
@_by
@_on
@_db
@pass_ctx
def handover_cmd(
    c: Context, iid: str, role: str, predecessor: str, successor: str, note: str, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """领导班子成员调整时的整改交接 / hand over the rectification when a leader changes."""
    i = _step(c, db_url, iid, by, "handover", on,
              lambda i, d: dom.change_leader(i, d, role, predecessor, successor, note))  # fmt: skip
    moved = i.changes[-1].items
    click.echo(c.say(f"移交给 {successor} 的事项：{list(moved)}", f"items moved: {list(moved)}"))


@inspection_group.command("recheck")
@_id
@click.option("--checked", required=True, help="复查的事项序号，如 1,2,3")
@click.option("--not-fixed", "not_fixed", default="", help="未整改到位的事项序号")
@click.option("--due", type=DATE, default=None, help="重新整改的时限 / new deadline")
@click.option("--note", default="")
@_by
@_on
@_db
@pass_ctx
def recheck_cmd(
    c: Context, iid: str, checked: str, not_fixed: str, due: dt.datetime | None, note: str,
    by: str, on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """回头看：复查已完成事项，未整改到位的重新整改 / re-check; reopen what is not fixed."""
    ok, bad = _numbers(checked), _numbers(not_fixed)
    _step(c, db_url, iid, by, "recheck", on, lambda i, d: dom.recheck(
        i, d, by, ok, bad, due.date() if due else None, note))  # fmt: skip


@inspection_group.command("show")
@_id
@click.option("--as-of", "as_of", type=DATE, default=None)
@click.option("--json", "as_json", is_flag=True)
@_db
@pass_ctx
def show_cmd(
    c: Context, iid: str, as_of: dt.datetime | None, as_json: bool, db_url: str | None
) -> None:
    """巡视整改情况 / where an inspection's rectification stands."""
    i, day = _run(c, db_url, lambda app: (svc.load(app.uow(), iid), app.today()), as_of)
    if as_json:
        click.echo(json.dumps(inspection_json(i, day), ensure_ascii=False, indent=1, default=str))
    else:
        _echo(c, i, day)


@inspection_group.command("list")
@click.option("--unit", default=None, metavar="CODE")
@click.option("--as-of", "as_of", type=DATE, default=None)
@_db
@pass_ctx
def list_cmd(c: Context, unit: str | None, as_of: dt.datetime | None, db_url: str | None) -> None:
    """巡视整改列表 / the inspections recorded."""
    rows, day = _run(c, db_url, lambda app: (svc.inspections(app.uow(), unit), app.today()), as_of)
    for i in rows:
        s = dom.status(i, day)
        click.echo(f"{i.id} {i.unit} {i.feedback_on} {s.phase.label(c.lang)} {i.title} "
                   f"{len(s.done)}/{len(i.items)}")  # fmt: skip
