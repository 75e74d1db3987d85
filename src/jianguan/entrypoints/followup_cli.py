"""`jianguan meeting-analysis …` (业务数据分析研判会商: 点题, 交办, 解题, 纪要, tasks) and
`jianguan notice …` (上级院通报、督办: take in, split, follow, verify, report back)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from jianguan.bootstrap import App, read_notice
from jianguan.domain import analysis_meeting as mdom
from jianguan.domain import notice as ndom
from jianguan.domain.analysis_meeting import Meeting, Proposal, TopicSource
from jianguan.domain.errors import DataSetError, RecordError
from jianguan.domain.followup import FollowUpError, Task
from jianguan.domain.notice import Notice
from jianguan.entrypoints.context import REFUSED, Context, pass_ctx
from jianguan.services import analysis_meeting as msvc
from jianguan.services import notice as nsvc
from jianguan.services.monitoring import UnknownUnit
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.reports import RendererUnavailable

T = TypeVar("T")
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
DATE = click.DateTime(["%Y-%m-%d"])
_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_by = click.option("--by", default="case_office", metavar="PERSON", help="操作人 / acting staff id")
_on = click.option("--on", "on", type=DATE, default=None, help="日期（默认今天）/ day (today)")
_id = click.argument("oid", metavar="ID")
_n = click.argument("n", type=int)
_not_done = click.option("--not-done", "not_done", is_flag=True,
                         help="核验未通过，重新办理 / not verified: reopen")  # fmt: skip
_new_due = click.option("--due", type=DATE, default=None, help="重新办理的时限 / new due date")
_verify_note = click.option("--note", default="", help="核验意见 / verification note")
_unit_filter = click.option("--unit", default=None, metavar="CODE")
_as_of = click.option("--as-of", "as_of", type=DATE, default=None)
_json = click.option("--json", "as_json", is_flag=True)


def _stacked(*decorators: Decorator) -> Decorator:
    """Several click decorators as one, in the order they would be stacked above a function
    (so the options keep their order in --help)."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for d in reversed(decorators):
            f = d(f)
        return f

    return apply


# The option stacks the commands share: a change by someone on a day; a task's verification;
# a record shown or listed as of a day.
_acting = _stacked(_by, _on, _db, pass_ctx)
_verifying = _stacked(_id, _n, _not_done, _new_due, _verify_note, _acting)
_showing = _stacked(_id, _as_of, _json, _db, pass_ctx)
_listing = _stacked(_unit_filter, _as_of, _db, pass_ctx)


def _run(c: Context, db_url: str | None, act: Callable[[App], T], on: dt.datetime | None) -> T:
    """One use case, the clock on ``on`` when given; a refusal (nothing written) exits 2."""
    with c.app(db_url, on.date() if on else None) as app:
        try:
            return act(app)
        except FollowUpError as exc:
            click.echo(c.say(f"操作被拒绝：{exc.zh}", f"refused: {exc.en}"), err=True)
            sys.exit(REFUSED)
        except UnknownUnit as exc:
            click.echo(c.say(f"未知单位：{exc}", f"unknown unit: {exc}"), err=True)
            sys.exit(REFUSED)


Agg = TypeVar("Agg", Meeting, Notice)
Step = Callable[
    [Context, str | None, str, str, str, dt.datetime | None, Callable[[Agg, dt.date], Agg]], Agg
]


Change = Callable[[UnitOfWork, str, str, str, Callable[[Agg], Agg]], Agg]


def _stepper(change: Change[Agg]) -> Step[Agg]:
    """One recorded transition of a meeting or a notice (its service's ``change``), the day
    being the clock's; says it was recorded."""

    def step_of(
        c: Context, db_url: str | None, oid: str, by: str, action: str, on: dt.datetime | None,
        step: Callable[[Agg, dt.date], Agg],
    ) -> Agg:  # fmt: skip
        out = _run(c, db_url, lambda app: change(
            app.uow(), oid, by, action, lambda x: step(x, app.today())), on)  # fmt: skip
        click.echo(c.say(f"{oid} 已记录", f"{oid} recorded"))
        return out

    return step_of


@dataclass(frozen=True, slots=True)
class TaskWords:
    """What the task commands of one group say: done's --note, done's and verify's help."""

    done_note: str
    done_help: str
    verify_help: str


def _task_commands(
    group: click.Group,
    step: Step[Agg],
    complete: Callable[[Agg, int, dt.date, str, str], Agg],
    verify: Callable[[Agg, int, dt.date, str, bool, str, dt.date | None], Agg],
    words: TaskWords,
) -> None:
    """``done`` and ``verify`` of a group's tasks: a meeting's and a notice's follow the same
    task (domain.followup), so their commands are one pair, registered on each group."""

    @group.command("done", help=words.done_help)
    @_id
    @_n
    @click.option("--note", default="", help=words.done_note)
    @_acting
    def done(
        c: Context, oid: str, n: int, note: str, by: str, on: dt.datetime | None,
        db_url: str | None,
    ) -> None:  # fmt: skip
        step(c, db_url, oid, by, "done", on, lambda x, d: complete(x, n, d, by, note))

    @group.command("verify", help=words.verify_help)
    @_verifying
    def verify_cmd(
        c: Context, oid: str, n: int, not_done: bool, due: dt.datetime | None, note: str,
        by: str, on: dt.datetime | None, db_url: str | None,
    ) -> None:  # fmt: skip
        step(c, db_url, oid, by, "verify", on, lambda x, d: verify(
            x, n, d, by, not not_done, note, due.date() if due else None))  # fmt: skip


def _refuse_records(c: Context, errors: list[RecordError]) -> NoReturn:
    for e in errors[:20]:
        click.echo(c.say(f"{e.file}:{e.line}: {e.field}: {e.zh}", str(e)), err=True)
    click.echo(c.say(f"共 {len(errors)} 处错误，未登记通报。",
                     f"{len(errors)} error(s); the notice was not recorded."), err=True)  # fmt: skip
    sys.exit(REFUSED)


def _picks(text: str, count: int) -> list[int]:
    if text.strip().lower() in ("all", "全部"):
        return list(range(1, count + 1))
    try:
        out = [int(x) for x in text.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("应为以逗号分隔的序号或 all / numbers or all") from None
    if any(not 1 <= x <= count for x in out):
        raise click.BadParameter(f"序号应在 1–{count} 之间 / numbers 1–{count}")
    return out


def _task_line(c: Context, t: Task, as_of: dt.date) -> str:
    late = c.say("（逾期）", " (overdue)") if t.overdue(as_of) else ""
    done = ""
    if t.done_on:
        done = c.say(f"，{t.done_on} 办结", f", done {t.done_on}")
    if t.verified_on:
        done += c.say(f"，{t.verified_on} 经 {t.verified_by} 核验",
                      f", verified {t.verified_on} by {t.verified_by}")  # fmt: skip
    return (f"    {c.say('任务', 'task')} {t.n}. [{t.status.label(c.lang)}] {t.text} — {t.owner}，"
            f"{c.say('时限', 'due')} {t.due_on}{late}{done}")  # fmt: skip


def _task_json(t: Task, as_of: dt.date) -> dict[str, Any]:
    body = dataclasses.asdict(t)
    body.update(status=t.status.value, status_zh=t.status.zh, overdue=t.overdue(as_of))
    return body


# == analysis meetings =============================================================================


@click.group("meeting-analysis")
def meeting_group() -> None:
    """业务数据分析研判会商：点题、交办、解题、纪要、任务 / business-data analysis meetings."""


@meeting_group.command("open")
@click.option("--unit", required=True, metavar="CODE")
@click.option("--title", required=True, help="如：2025年第三季度业务数据分析研判会商")
@_acting
def m_open(
    c: Context, unit: str, title: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """召开会商（带入此前会商未办结的事项）/ open a meeting, carrying what is still open."""
    m = _run(c, db_url, lambda app: msvc.open_meeting(app.uow(), unit, title, app.today(), by), on)
    click.echo(c.say(f"已登记 {m.id}，带入遗留事项 {len(m.carried)} 项",
                     f"recorded {m.id}; {len(m.carried)} item(s) carried over"))  # fmt: skip
    for x in m.carried:
        click.echo(f"  {x.meeting} {x.kind.label(c.lang)} {x.n}. {x.summary}"
                   f"{' — ' + x.owner if x.owner else ''}")  # fmt: skip


@meeting_group.command("propose")
@_id
@click.option("--from", "date_from", type=DATE, default=None, help="数据起始日 / from day")
@click.option("--to", "date_to", type=DATE, default=None, help="数据截止日 / to day")
@click.option("--indicator", "indicators", multiple=True, help="比较的指标（默认主要指标）")
@click.option("--pick", default="", help="点题：所选建议的序号（如 1,3）或 all / pick proposals")
@click.option("--topic", default="", help="人工点题的议题 / a topic set by hand")
@click.option("--detail", default="", help="人工点题的说明 / its detail")
@_acting
def m_propose(
    c: Context, oid: str, date_from: dt.datetime | None, date_to: dt.datetime | None,
    indicators: tuple[str, ...], pick: str, topic: str, detail: str, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """数据建议的议题（异常、对比偏离、数据质量）；--pick 点题 / topics the data suggests."""

    def act(app: App) -> tuple[list[Proposal], Meeting | None]:
        m = msvc.load(app.uow(), oid)
        if topic:
            p = Proposal(TopicSource.MANUAL, "manual", topic, detail, m.unit)
            return [p], msvc.add_topics(app.uow(), oid, [p], by, app.today())
        found = msvc.proposals(
            app.uow(), app.rules, app.indicators(), m.unit,
            date_from.date() if date_from else None, date_to.date() if date_to else None,
            indicators or msvc.TOPIC_INDICATORS, as_of=app.today(),
        )  # fmt: skip
        if not pick:
            return found, None
        chosen = [found[i - 1] for i in _picks(pick, len(found))]
        return chosen, msvc.add_topics(app.uow(), oid, chosen, by, app.today())

    found, meeting = _run(c, db_url, act, on)
    if meeting is None:
        for i, p in enumerate(found, 1):
            click.echo(f"{i}. [{p.source.label(c.lang)}] {p.title}"
                       f"（{c.say('案件', 'cases')} {len(p.cases)}）")  # fmt: skip
            click.echo(f"   {p.detail}")
        if not found:
            click.echo(c.say("数据未提示需研判的议题", "the data suggests no topic"))
        return
    click.echo(c.say(f"{oid} 已点题 {len(found)} 项，共 {len(meeting.topics)} 项议题",
                     f"{oid}: {len(found)} topic(s) set, {len(meeting.topics)} in all"))  # fmt: skip


_m_step = _stepper(msvc.change)


@meeting_group.command("assign")
@_id
@_n
@click.option("--department", required=True, help="承办部门 / department")
@click.option("--due", type=DATE, required=True, help="解题时限 / due date")
@_acting
def m_assign(
    c: Context, oid: str, n: int, department: str, due: dt.datetime, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """交办议题给部门并定出解题时限 / assign a topic to a department."""
    _m_step(c, db_url, oid, by, "assign", on,
            lambda m, d: mdom.assign_topic(m, n, department, due.date(), d))  # fmt: skip


@meeting_group.command("answer")
@_id
@_n
@click.option("--text", required=True, help="解题意见：原因分析与措施 / the answer")
@_acting
def m_answer(
    c: Context, oid: str, n: int, text: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """解题 / a department answers a topic."""
    _m_step(c, db_url, oid, by, "answer", on, lambda m, d: mdom.answer_topic(m, n, text, by, d))


@meeting_group.command("minutes")
@_id
@click.option("--text", required=True, help="会议纪要 / the minutes")
@click.option("--attendee", "attendees", multiple=True, help="参会人员 / attendee")
@_acting
def m_minutes(
    c: Context, oid: str, text: str, attendees: tuple[str, ...], by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """记录会议纪要 / record the minutes."""
    _m_step(c, db_url, oid, by, "minutes", on,
            lambda m, d: mdom.record_minutes(m, text, attendees, by, d))  # fmt: skip


@meeting_group.command("task")
@_id
@click.option("--topic", type=int, default=None, help="所答议题的序号 / the topic it answers")
@click.option("--text", required=True, help="任务内容 / what is to be done")
@click.option("--owner", required=True, help="责任部门或责任人 / owner")
@click.option("--due", type=DATE, required=True, help="办结时限 / due date")
@_acting
def m_task(
    c: Context, oid: str, topic: int | None, text: str, owner: str, due: dt.datetime, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """会商确定的任务（逾期未办结进入监控台账）/ a task the meeting set."""
    m = _m_step(c, db_url, oid, by, "task", on,
                lambda m, d: mdom.add_task(m, topic, text, owner, due.date(), d))  # fmt: skip
    click.echo(c.say(f"任务 {m.tasks[-1].n}", f"task {m.tasks[-1].n}"))


_task_commands(
    meeting_group, _m_step, mdom.complete_task, mdom.verify_task,
    TaskWords("办结情况 / what was done", "任务办结 / a task is done.",
              "核验任务（不得由办结人本人核验）/ verify a task (not by the one who did it)."),
)  # fmt: skip


def meeting_json(m: Meeting, as_of: dt.date, carried: list[msvc.CarriedNow]) -> dict[str, Any]:
    s = mdom.status(m, as_of)
    body = dataclasses.asdict(m)
    body["tasks"] = [_task_json(t, as_of) for t in m.tasks]
    for t, raw in zip(m.topics, body["topics"], strict=True):
        raw.update(status=t.status.value, status_zh=t.status.zh, overdue=t.overdue(as_of))
    body["carried"] = [
        {**dataclasses.asdict(x.item), "still_open": x.still_open,
         "status_zh": (x.task.status.zh if x.task else x.topic.status.zh if x.topic else "")}
        for x in carried
    ]  # fmt: skip
    body["status"] = {**dataclasses.asdict(s), "settled": s.settled}
    return body


def _echo_meeting(c: Context, m: Meeting, as_of: dt.date, carried: list[msvc.CarriedNow]) -> None:
    s = mdom.status(m, as_of)
    click.echo(f"{m.id} {m.title}（{m.unit}，{m.held_on}，{c.say('召集', 'convened by')} "
               f"{m.convened_by}）")  # fmt: skip
    if carried:
        click.echo(c.say("  遗留事项（此前会商未办结）：", "  carried over (still open before):"))
        for x in carried:
            now = x.task.status.label(c.lang) if x.task else (
                x.topic.status.label(c.lang) if x.topic else "—")  # fmt: skip
            click.echo(f"    {x.item.meeting} {x.item.kind.label(c.lang)} {x.item.n}. "
                       f"{x.item.summary} — {now}")  # fmt: skip
    click.echo(c.say(
        f"  议题 {len(m.topics)} 项：待交办 {len(s.topics_proposed)}，待解题 "
        f"{len(s.topics_assigned)}，已解题 {len(s.topics_answered)}，逾期 {len(s.topics_overdue)}",
        f"  topics {len(m.topics)}: to assign {len(s.topics_proposed)}, to answer "
        f"{len(s.topics_assigned)}, answered {len(s.topics_answered)}, overdue "
        f"{len(s.topics_overdue)}",
    ))  # fmt: skip
    for t in m.topics:
        late = c.say("（逾期）", " (overdue)") if t.overdue(as_of) else ""
        where = f" → {t.department}，{t.due_on}" if t.assigned_on else ""
        click.echo(f"    {t.n}. [{t.status.label(c.lang)}] [{t.source.label(c.lang)}] "
                   f"{t.title}{where}{late}")  # fmt: skip
        if t.answer:
            click.echo(f"       {c.say('解题', 'answer')}：{t.answer}")
    if m.minutes:
        click.echo(c.say(f"  纪要（{m.minutes.recorded_on}）：{m.minutes.text}",
                         f"  minutes ({m.minutes.recorded_on}): {m.minutes.text}"))  # fmt: skip
    click.echo(c.say(
        f"  任务 {len(m.tasks)} 项：办理中 {len(s.tasks_open)}，待核验 {len(s.tasks_done)}，"
        f"已核验 {len(s.tasks_verified)}，逾期 {len(s.tasks_overdue)}",
        f"  tasks {len(m.tasks)}: open {len(s.tasks_open)}, to verify {len(s.tasks_done)}, "
        f"verified {len(s.tasks_verified)}, overdue {len(s.tasks_overdue)}",
    ))  # fmt: skip
    for k in m.tasks:
        click.echo(_task_line(c, k, as_of))


@meeting_group.command("show")
@_showing
def m_show(
    c: Context, oid: str, as_of: dt.datetime | None, as_json: bool, db_url: str | None
) -> None:
    """会商情况 / where a meeting stands."""

    def act(app: App) -> tuple[Meeting, list[msvc.CarriedNow], dt.date]:
        m = msvc.load(app.uow(), oid)
        return m, msvc.carried_now(app.uow(), m), app.today()

    m, carried, day = _run(c, db_url, act, as_of)
    if as_json:
        doc = meeting_json(m, day, carried)
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1, default=str))
    else:
        _echo_meeting(c, m, day, carried)


@meeting_group.command("list")
@_listing
def m_list(c: Context, unit: str | None, as_of: dt.datetime | None, db_url: str | None) -> None:
    """会商列表 / the meetings recorded."""
    rows, day = _run(c, db_url, lambda app: (
        msvc.meetings(app.uow(), {unit} if unit else None), app.today()), as_of)  # fmt: skip
    for m in rows:
        s = mdom.status(m, day)
        click.echo(f"{m.id} {m.unit} {m.held_on} {m.title} "
                   f"{c.say('议题', 'topics')} {len(m.topics)} {c.say('任务', 'tasks')} "
                   f"{len(s.tasks_verified)}/{len(m.tasks)}")  # fmt: skip


# == upper-unit notices ============================================================================


@click.group("notice")
def notice_group() -> None:
    """上级院通报、督办：登记、分解、跟踪、核验、反馈 / notices from the upper procuratorate."""


def _form_draft(
    unit: str, issuer: str, doc_no: str, title: str, received: dt.datetime | None,
    reply: dt.datetime | None, problems: tuple[str, ...],
) -> tuple[ndom.NoticeDraft | None, list[RecordError]]:  # fmt: skip
    """The form's fields read as a file's would be (each --problem is ``问题|案件,…|期限``)."""
    meta: dict[str, tuple[int, object]] = {
        "unit": (0, unit), "issuer": (0, issuer), "doc_no": (0, doc_no), "title": (0, title),
        "received_on": (0, received.date() if received else None),
        "reply_due": (0, reply.date() if reply else None),
    }  # fmt: skip
    rows = []
    for i, raw in enumerate(problems, 1):
        parts = [*raw.split("|"), "", ""][:3]
        rows.append((i, {"text": parts[0], "cases": parts[1], "due_on": parts[2]}))
    return ndom.draft_from_fields("--problem", meta, rows)


@notice_group.command("take")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--unit", default="", metavar="CODE", help="受文单位 / receiving unit")
@click.option("--issuer", default="", help="通报单位 / issuing upper unit")
@click.option("--doc-no", "doc_no", default="", help="文号")
@click.option("--title", default="")
@click.option("--received-on", "received", type=DATE, default=None, help="收文日期")
@click.option("--reply-due", "reply", type=DATE, default=None, help="反馈时限")
@click.option("--problem", "problems", multiple=True, metavar="问题|案件,…|期限",
              help="通报的问题（可多次）/ a problem: text|case ids|due date")  # fmt: skip
@_by
@_db
@pass_ctx
def n_take(
    c: Context, path: Path | None, unit: str, issuer: str, doc_no: str, title: str,
    received: dt.datetime | None, reply: dt.datetime | None, problems: tuple[str, ...], by: str,
    db_url: str | None,
) -> None:  # fmt: skip
    """登记上级院通报（文件 .json/.xlsx，或表单选项）/ take a notice in (file or form)."""
    if path is not None:
        try:
            draft, errors = read_notice(path)
        except FileNotFoundError:
            raise click.BadParameter(
                c.say(f"文件不存在：{path}", f"no such file: {path}")
            ) from None
        source = path.name
    else:
        draft, errors = _form_draft(unit, issuer, doc_no, title, received, reply, problems)
        source = "form"
    if errors or draft is None:
        _refuse_records(c, errors)
    taken = draft

    def act(app: App) -> Notice:
        try:
            return nsvc.take(app.uow(), taken, by, source)
        except DataSetError as exc:
            _refuse_records(c, exc.errors)

    n = _run(c, db_url, act, None)
    click.echo(c.say(f"已登记 {n.id}：{n.title}（{n.doc_no}），问题 {len(n.problems)} 个，"
                     f"反馈时限 {n.reply_due}",
                     f"recorded {n.id}: {len(n.problems)} problem(s), reply due {n.reply_due}"))  # fmt: skip


_n_step = _stepper(nsvc.change)


@notice_group.command("split")
@_id
@click.option("--problem", type=int, default=None, help="问题序号 / the problem")
@click.option("--each", is_flag=True, help="每个尚未分解的问题各一项任务 / one task per problem")
@click.option("--text", default="", help="任务内容（默认为问题本身）/ the task")
@click.option("--owner", required=True, help="责任部门或责任人 / owner")
@click.option("--due", type=DATE, default=None, help="时限（默认为通报的整改期限）/ due date")
@_acting
def n_split(
    c: Context, oid: str, problem: int | None, each: bool, text: str, owner: str,
    due: dt.datetime | None, by: str, on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """把通报的问题分解为整改任务 / split the notice's problems into tasks."""
    if each == (problem is not None):
        raise click.UsageError(c.say("请给出 --problem N 或 --each（二选一）",
                                     "give either --problem N or --each"))  # fmt: skip
    if each:
        n = _n_step(c, db_url, oid, by, "split", on, lambda x, d: ndom.split_each(x, owner, d))
    else:
        assert problem is not None
        n = _n_step(c, db_url, oid, by, "split", on, lambda x, d: ndom.split(
            x, problem, text, owner, due.date() if due else None, d))  # fmt: skip
    click.echo(c.say(f"共 {len(n.tasks)} 项任务", f"{len(n.tasks)} task(s) in all"))


_task_commands(
    notice_group, _n_step, ndom.complete_task, ndom.verify_task,
    TaskWords("整改情况 / what was done", "整改任务办结 / a task is done.",
              "核验整改任务（不得由办结人本人核验）/ verify a task."),
)  # fmt: skip


@notice_group.command("report-back")
@_id
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True)
@click.option("--format", "formats", default="docx,xlsx", help="docx,xlsx,pdf")
@click.option("--note", default="")
@click.option("--signer", default="", help="落款 / signed by (default: the unit)")
@_acting
def n_report_back(
    c: Context, oid: str, out_dir: Path, formats: str, note: str, signer: str, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """向上级院反馈整改情况（写出整改情况报告）/ report back, writing the document."""
    fmts = [f.strip() for f in formats.split(",") if f.strip()]
    if any(f not in ("docx", "xlsx", "pdf") for f in fmts) or not fmts:
        raise click.BadParameter("docx,xlsx,pdf", param_hint="--format")

    def act(app: App) -> tuple[Notice, list[Path]]:
        try:
            return nsvc.report_back(app.uow(), app.report_writer(), oid, by, app.today(), out_dir,
                                    fmts, note, signer)  # fmt: skip
        except RendererUnavailable as exc:
            raise FollowUpError(exc.zh, exc.en) from None

    n, paths = _run(c, db_url, act, on)
    last = n.reports[-1]
    word = c.say("整改完成", "complete") if last.complete else c.say("阶段性", "interim")
    click.echo(c.say(f"{oid} 已反馈（{word}）", f"{oid} reported back ({word})"))
    for p in paths:
        click.echo(str(p))


def notice_json(n: Notice, as_of: dt.date) -> dict[str, Any]:
    s = ndom.status(n, as_of)
    body = dataclasses.asdict(n)
    body["tasks"] = [_task_json(t, as_of) for t in n.tasks]
    body["status"] = {**dataclasses.asdict(s), "state_zh": s.state.zh}
    return body


def _echo_notice(c: Context, n: Notice, as_of: dt.date) -> None:
    s = ndom.status(n, as_of)
    click.echo(f"{n.id} {n.issuer}《{n.title}》（{n.doc_no}）→ {n.unit}")
    late = c.say("（逾期未反馈）", " (reply overdue)") if s.reply_overdue else ""
    click.echo(c.say(f"  收文 {n.received_on}，反馈时限 {n.reply_due}{late}；{s.state.zh}",
                     f"  received {n.received_on}, reply due {n.reply_due}{late}; "
                     f"{s.state.en}"))  # fmt: skip
    for p in n.problems:
        due = f"，{c.say('整改期限', 'due')} {p.due_on}" if p.due_on else ""
        cases = f"（{'、'.join(p.cases)}）" if p.cases else ""
        click.echo(f"  {c.say('问题', 'problem')} {p.n}. {p.text}{cases}{due}")
        for t in n.tasks_of(p.n):
            click.echo(_task_line(c, t, as_of))
    for r in n.reports:
        word = c.say("整改完成", "complete") if r.complete else c.say("阶段性", "interim")
        click.echo(c.say(f"  {r.on} 已反馈（{word}）", f"  reported back {r.on} ({word})"))


@notice_group.command("show")
@_showing
def n_show(
    c: Context, oid: str, as_of: dt.datetime | None, as_json: bool, db_url: str | None
) -> None:
    """通报整改情况 / where a notice stands."""
    n, day = _run(c, db_url, lambda app: (nsvc.load(app.uow(), oid), app.today()), as_of)
    if as_json:
        click.echo(json.dumps(notice_json(n, day), ensure_ascii=False, indent=1, default=str))
    else:
        _echo_notice(c, n, day)


@notice_group.command("list")
@_listing
def n_list(c: Context, unit: str | None, as_of: dt.datetime | None, db_url: str | None) -> None:
    """通报列表 / the notices recorded."""
    rows, day = _run(c, db_url, lambda app: (
        nsvc.notices(app.uow(), {unit} if unit else None), app.today()), as_of)  # fmt: skip
    for n in rows:
        s = ndom.status(n, day)
        click.echo(f"{n.id} {n.unit} {n.received_on} {s.state.label(c.lang)} {n.title} "
                   f"{len(s.tasks_verified)}/{len(n.tasks)}")  # fmt: skip


COMMANDS = (meeting_group, notice_group)
