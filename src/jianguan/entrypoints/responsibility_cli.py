"""`jianguan lists | assess | evaluate | referral | rectify`: the judicial-responsibility loop."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

import click

from jianguan.bootstrap import App
from jianguan.domain import rectification as rect
from jianguan.domain.assessment import UNIT_VERDICT_ZH, VERDICT_ZH
from jianguan.domain.rectification import (
    RectificationKind,
    RectificationSource,
    TaskStatus,
)
from jianguan.domain.referral import ReferralSource, overdue
from jianguan.domain.referral import due as referral_due
from jianguan.domain.responsibility import ListEntry, ListKind, ResponsibilityConfig, Tolerance
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services import responsibility as svc

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])
_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_json_opt = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
_by = click.option("--by", default="case_office", metavar="PERSON", help="操作人 / acting staff id")
_on = click.option("--on", "on", type=DATE, default=None, help="日期（默认今天）/ day (today)")


def _run(
    c: Context, db_url: str | None, act: Callable[[App], T], on: dt.datetime | None = None
) -> T:
    """One use case on the application, its clock on ``on`` when given (``app.today()`` is then
    the day of the step); a refusal (nothing written) exits with status 2."""
    with c.app(db_url, on.date() if on else None) as app:
        try:
            return act(app)
        except svc.ResponsibilityError as exc:
            click.echo(c.say(f"操作被拒绝：{exc.zh}", f"refused: {exc.en}"), err=True)
            sys.exit(2)


def _cfg(c: Context) -> ResponsibilityConfig:
    return c.rules().responsibility


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=1, default=str))


# --- lists ----------------------------------------------------------------------------------------


@click.group("lists")
def lists_group() -> None:
    """正负面清单：生成、查看、录入、容错免责 / positive and negative lists."""


def _entry_json(e: ListEntry, tolerances: dict[str, Tolerance]) -> dict[str, Any]:
    t = tolerances.get(e.key)
    return {
        "key": e.key, "rule": e.rule, "list": e.list.value, "title": e.title, "unit": e.unit,
        "person": e.person, "case_id": e.case_id, "on": e.on.isoformat(),
        "evidence": {"source": e.evidence.source, "ref": e.evidence.ref,
                     "detail": dict(e.evidence.detail)},
        "basis": list(e.basis),
        "tolerance": None if t is None else {"cause": t.cause, "by": t.decided_by,
                                             "on": t.on.isoformat()},
    }  # fmt: skip


@lists_group.command("build")
@click.option("--as-of", "as_of", type=DATE, default=None)
@_by
@_db
@pass_ctx
def lists_build(c: Context, as_of: dt.datetime | None, by: str, db_url: str | None) -> None:
    """依据评查结论、监控与自检结果、长期未结和问责决定生成清单 / build the lists from records."""
    entries = _run(c, db_url, lambda app: svc.build_lists(
        app.uow(), app.rules.responsibility, app.today(), by, app.now()), as_of)  # fmt: skip
    pos = sum(1 for e in entries if e.list is ListKind.POSITIVE)
    click.echo(c.say(f"清单已生成：正面 {pos} 条，负面 {len(entries) - pos} 条（手工录入条目保留）",
                     f"lists built: {pos} positive, {len(entries) - pos} negative (manual kept)"))  # fmt: skip


@lists_group.command("show")
@click.option("--unit", default=None)
@click.option("--person", default=None)
@_json_opt
@_db
@pass_ctx
def lists_show(
    c: Context, unit: str | None, person: str | None, as_json: bool, db_url: str | None
) -> None:
    """查看清单条目及其证据 / list entries with their evidence."""
    entries, tolerances = _run(c, db_url, lambda app: svc.list_entries(app.uow(), unit, person))
    if as_json:
        _echo_json([_entry_json(e, tolerances) for e in entries])
        return
    for e in entries:
        mark = c.say(e.list.zh, "+" if e.list is ListKind.POSITIVE else "-")
        t = tolerances.get(e.key)
        excuse = c.say(f"（容错免责：{t.cause}）", f" (tolerated: {t.cause})") if t else ""
        who = e.person or e.unit
        click.echo(
            f"[{mark}] {e.on} {who} {e.case_id or ''} {e.title} ← {e.evidence.source}:{e.evidence.ref}{excuse}"
        )
    click.echo(c.say(f"共 {len(entries)} 条", f"{len(entries)} entries"))


@lists_group.command("add")
@click.argument("rule")
@click.option("--unit", required=True)
@click.option("--person", default=None)
@click.option("--case", "case_id", default=None)
@click.option("--evidence", required=True, help="证据（文号、链接或案号）/ evidence reference")
@click.option("--note", default="")
@_on
@_by
@_db
@pass_ctx
def lists_add(
    c: Context, rule: str, unit: str, person: str | None, case_id: str | None, evidence: str,
    note: str, on: dt.datetime | None, by: str, db_url: str | None,
) -> None:  # fmt: skip
    """手工录入清单条目（须附证据）/ record an entry by hand, with its evidence."""
    try:
        list_rule = _cfg(c).list_rule(rule)
    except StopIteration:
        raise click.BadParameter(
            c.say(f"未知清单规则 {rule}", f"unknown list rule {rule}")
        ) from None
    entry = _run(c, db_url, lambda app: svc.add_manual_entry(
        app.uow(), list_rule, unit, person, case_id, app.today(), evidence, note, by, app.now()),
        on)  # fmt: skip
    click.echo(c.say(f"已录入：{entry.key}", f"recorded: {entry.key}"))


@lists_group.command("tolerate")
@click.argument("key")
@click.option("--cause", required=True, help="客观原因 / objective cause")
@_by
@_on
@_db
@pass_ctx
def lists_tolerate(
    c: Context, key: str, cause: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """容错免责：记录负面条目的客观原因 / excuse a negative entry for an objective cause."""
    _run(c, db_url, lambda app: svc.tolerate(app.uow(), key, cause, by, app.today()), on)
    click.echo(c.say("容错免责已记录", "tolerance recorded"))


# --- assessment and evaluation ----------------------------------------------------------------


@click.command("assess")
@click.option("--year", type=int, required=True)
@click.option("--unit", default=None)
@_json_opt
@_db
@pass_ctx
def assess_cmd(c: Context, year: int, unit: str | None, as_json: bool, db_url: str | None) -> None:
    """对人考核：质量、效率、效果，按案件构成调整并给出区间（不排名）/ person assessment."""
    rows = _run(c, db_url, lambda app: svc.assess(app.uow(), app.rules.responsibility, year))
    rows = [r for r in rows if unit is None or r.unit == unit]
    if as_json:
        _echo_json([asdict(r) for r in rows])
        return
    names = {"quality": c.say("质量", "quality"), "efficiency": c.say("效率", "efficiency"),
             "effect": c.say("效果", "effect")}  # fmt: skip
    for r in rows:
        parts = []
        for s in r.scores:
            verdict = c.say(VERDICT_ZH[s.verdict], s.verdict)
            if s.ratio is None:
                parts.append(f"{names[s.dimension]}：{verdict}（{s.cases}）")
            else:
                parts.append(
                    f"{names[s.dimension]} {s.ratio:.2f} [{s.low:.2f}, {s.high:.2f}] {verdict}"
                )
        click.echo(f"{r.person} {r.unit} n={r.cases}  " + "；".join(parts))


@click.command("evaluate")
@click.option("--year", type=int, required=True)
@_json_opt
@_db
@pass_ctx
def evaluate_cmd(c: Context, year: int, as_json: bool, db_url: str | None) -> None:
    """对院评价：依据正负面清单，与全省水平比较（不排名）/ unit evaluation, never a ranking."""
    rows = _run(c, db_url, lambda app: svc.evaluate(app.uow(), app.rules.responsibility, year))
    if as_json:
        _echo_json([asdict(r) for r in rows])
        return
    for r in rows:
        rate = (
            "—"
            if r.negative_per_100 is None
            else f"{r.negative_per_100:.1f} [{r.low:.1f}, {r.high:.1f}]"
        )
        click.echo(f"{r.unit} {c.say('办结', 'closed')} {r.closed_cases} "
                   f"{c.say('正面', 'positive')} {sum(r.positive.values())} "
                   f"{c.say('负面/百案', 'negative per 100')} {rate} "
                   f"{c.say(UNIT_VERDICT_ZH[r.verdict], r.verdict)}")  # fmt: skip


# --- referral ----------------------------------------------------------------------------------


@click.group("referral")
def referral_group() -> None:
    """问题线索移送：线索 → 检务督察 → 调查 → 惩戒委员会 → 决定 / accountability referral."""


def _referral_json(c: Context, r: Any) -> dict[str, Any]:
    body = asdict(r)
    body["due"] = referral_due(_cfg(c).referral, r)
    return body


@referral_group.command("leads")
@_by
@_on
@_db
@pass_ctx
def referral_leads(c: Context, by: str, on: dt.datetime | None, db_url: str | None) -> None:
    """将评查不合格、无罪判决移送为线索，基本合格开启整改 / take up leads from reviews and acquittals."""
    refs, rects = _run(c, db_url, lambda app: svc.take_up_leads(
        app.uow(), app.rules.responsibility, by, app.today()), on)  # fmt: skip
    click.echo(c.say(f"新移送线索 {len(refs)} 条，新开整改 {len(rects)} 项",
                     f"{len(refs)} referral(s) opened, {len(rects)} rectification(s) opened"))  # fmt: skip


@referral_group.command("open")
@click.option("--person", required=True)
@click.option("--unit", required=True)
@click.option("--case", "case_id", default=None)
@click.option(
    "--source",
    type=click.Choice(
        [
            s.value
            for s in (
                ReferralSource.MONITORING,
                ReferralSource.COMPENSATION,
                ReferralSource.COMPLAINT,
                ReferralSource.MANUAL,
            )
        ]
    ),
    default=ReferralSource.MANUAL.value,
)
@click.option("--ref", "source_ref", required=True, help="线索来源编号 / reference of the lead")
@click.option("--note", required=True)
@_by
@_on
@_db
@pass_ctx
def referral_open(
    c: Context, person: str, unit: str, case_id: str | None, source: str, source_ref: str,
    note: str, by: str, on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """移送一条问题线索 / refer a lead."""
    r = _run(c, db_url, lambda app: svc.open_referral(
        app.uow(), app.rules.responsibility.referral, ReferralSource(source), source_ref, person,
        unit, case_id, note, by, app.today()), on)  # fmt: skip
    click.echo(c.say(f"线索 {r.id} 已移送", f"referral {r.id} opened"))


@referral_group.command("step")
@click.argument("rid")
@click.option("--note", required=True)
@click.option("--finding", default=None, help="惩戒委员会意见 / committee finding")
@click.option("--decision", default=None, help="处理决定 / decision")
@_by
@_on
@_db
@pass_ctx
def referral_step(
    c: Context, rid: str, note: str, finding: str | None, decision: str | None, by: str,
    on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """推进到下一环节 / move the referral to its next stage."""
    r = _run(c, db_url, lambda app: svc.advance_referral(
        app.uow(), app.rules.responsibility.referral, rid, by, app.today(), note, finding,
        decision), on)  # fmt: skip
    stage = _cfg(c).referral.stage(r.stage).title
    click.echo(c.say(f"线索 {rid} 进入“{stage}”", f"referral {rid} now at {r.stage}"))


@referral_group.command("list")
@click.option("--overdue", "only_overdue", is_flag=True, help="只看超期环节 / overdue only")
@click.option("--as-of", "as_of", type=DATE, default=None)
@_json_opt
@_db
@pass_ctx
def referral_list(
    c: Context, only_overdue: bool, as_of: dt.datetime | None, as_json: bool, db_url: str | None
) -> None:
    """线索及其环节、期限 / referrals with their stage and deadline."""
    policy = _cfg(c).referral
    rows, day = _run(c, db_url, lambda app: (svc.referrals(app.uow()), app.today()), as_of)
    if only_overdue:
        rows = overdue(policy, rows, day)
    if as_json:
        _echo_json([_referral_json(c, r) for r in rows])
        return
    for r in rows:
        d = referral_due(policy, r)
        state = c.say(f"{policy.stage(r.stage).title}，期限 {d}", f"{r.stage}, due {d}") if d else c.say(
            f"已办结：{r.finding}；{r.decision}", f"closed: {r.finding}; {r.decision}")  # fmt: skip
        click.echo(f"{r.id} {r.person} {r.case_id or ''} [{r.source.label(c.lang)}] {state}")


# --- rectification ---------------------------------------------------------------------------


@click.group("rectify")
def rectify_group() -> None:
    """整改：问题清单、任务清单、责任清单，提醒、验收、销号 / rectification."""


@rectify_group.command("open")
@click.option("--unit", required=True)
@click.option("--title", required=True)
@click.option("--problem", "problems", multiple=True, required=True)
@click.option(
    "--ref", "source_ref", required=True, help="来源（问题、评查或巡视编号）/ source reference"
)
@click.option(
    "--source",
    type=click.Choice(
        [
            s.value
            for s in (
                RectificationSource.FINDING,
                RectificationSource.REVIEW,
                RectificationSource.MANUAL,
            )
        ]
    ),
    default=RectificationSource.FINDING.value,
)
@click.option("--due", type=DATE, default=None)
@click.option(
    "--inspection", is_flag=True, help="巡视整改（六个月，按月报告进展）/ inspection-style"
)
@_by
@_on
@_db
@pass_ctx
def rectify_open(
    c: Context, unit: str, title: str, problems: tuple[str, ...], source_ref: str, source: str,
    due: dt.datetime | None, inspection: bool, by: str, on: dt.datetime | None, db_url: str | None,
) -> None:  # fmt: skip
    """开启整改 / open a rectification."""
    cfg = _cfg(c)

    def act(app: App) -> rect.Rectification:
        day = app.today()
        if inspection:
            return svc.open_inspection(
                app.uow(), title, unit, problems, day, cfg.inspection_months, by
            )
        end = due.date() if due else day + dt.timedelta(days=cfg.default_days)
        return svc.open_rectification(
            app.uow(), RectificationKind.ORDINARY, title, RectificationSource(source), source_ref,
            unit, problems, day, end, by,
        )  # fmt: skip

    r = _run(c, db_url, act, on)
    click.echo(
        c.say(
            f"整改 {r.id} 已开启，期限 {r.due_on}", f"rectification {r.id} opened, due {r.due_on}"
        )
    )


def _change(c: Context, db_url: str | None, rid: str, by: str, action: str,
            change: Callable[[rect.Rectification, dt.date], rect.Rectification],
            on: dt.datetime | None = None) -> rect.Rectification:  # fmt: skip
    """One change of a rectification, made on the step's day (``--on``, or today)."""
    return _run(c, db_url, lambda app: svc.change_rectification(
        app.uow(), rid, by, action, lambda r: change(r, app.today())), on)  # fmt: skip


@rectify_group.command("task")
@click.argument("rid")
@click.option("--problem", type=int, required=True, help="问题序号（从 1 起）/ problem number")
@click.option("--responsible", required=True)
@click.option("--measure", required=True)
@click.option("--due", type=DATE, required=True)
@_by
@_db
@pass_ctx
def rectify_task(
    c: Context, rid: str, problem: int, responsible: str, measure: str, due: dt.datetime,
    by: str, db_url: str | None,
) -> None:  # fmt: skip
    """增加整改任务（责任人、措施、期限）/ add a task."""
    r = _change(c, db_url, rid, by, "task",
                lambda r, _: rect.add_task(r, problem - 1, responsible, measure, due.date()))  # fmt: skip
    click.echo(
        c.say(f"任务 {len(r.tasks)} 已加入整改 {rid}", f"task {len(r.tasks)} added to {rid}")
    )


@rectify_group.command("done")
@click.argument("rid")
@click.option("--task", "n", type=int, required=True)
@click.option("--note", required=True)
@_by
@_on
@_db
@pass_ctx
def rectify_done(c: Context, rid: str, n: int, note: str, by: str, on: dt.datetime | None,
                 db_url: str | None) -> None:  # fmt: skip
    """任务完成 / a task is done."""
    _change(c, db_url, rid, by, "done", lambda r, day: rect.complete_task(r, n, day, note), on)
    click.echo(c.say(f"整改 {rid} 任务 {n} 已完成，待验收", f"{rid} task {n} done"))


@rectify_group.command("verify")
@click.argument("rid")
@click.option("--task", "n", type=int, required=True)
@click.option("--by", required=True, metavar="PERSON")
@_on
@_db
@pass_ctx
def rectify_verify(c: Context, rid: str, n: int, by: str, on: dt.datetime | None,
                   db_url: str | None) -> None:  # fmt: skip
    """验收任务（责任人以外的人）/ verify a task (not by its responsible person)."""
    _change(c, db_url, rid, by, "verify", lambda r, day: rect.verify_task(r, n, by, day), on)
    click.echo(c.say(f"整改 {rid} 任务 {n} 已验收", f"{rid} task {n} verified"))


@rectify_group.command("report")
@click.argument("rid")
@click.option("--text", required=True)
@_by
@_on
@_db
@pass_ctx
def rectify_report(c: Context, rid: str, text: str, by: str, on: dt.datetime | None,
                   db_url: str | None) -> None:  # fmt: skip
    """报告整改进展 / report progress."""
    _change(c, db_url, rid, by, "report", lambda r, day: rect.report(r, day, by, text), on)
    click.echo(c.say(f"整改 {rid} 进展已报告", f"{rid}: progress reported"))


@rectify_group.command("close")
@click.argument("rid")
@_by
@_on
@_db
@pass_ctx
def rectify_close(
    c: Context, rid: str, by: str, on: dt.datetime | None, db_url: str | None
) -> None:
    """销号（全部任务验收后）/ close once every task is verified."""
    _change(c, db_url, rid, by, "close", lambda r, day: rect.close(r, by, day), on)
    click.echo(c.say(f"整改 {rid} 已销号", f"{rid} closed"))


@rectify_group.command("list")
@_json_opt
@_db
@pass_ctx
def rectify_list(c: Context, as_json: bool, db_url: str | None) -> None:
    """整改及任务 / rectifications and their tasks."""
    rows = _run(c, db_url, lambda app: svc.rectifications(app.uow()))
    if as_json:
        _echo_json([asdict(r) for r in rows])
        return
    for r in rows:
        state = c.say(f"已销号 {r.closed_on}", f"closed {r.closed_on}") if r.closed_on else c.say(
            f"期限 {r.due_on}", f"due {r.due_on}")  # fmt: skip
        done = sum(1 for t in r.tasks if t.status is TaskStatus.VERIFIED)
        click.echo(
            f"{r.id} {r.unit} {r.title} [{r.kind.label(c.lang)}] {state} {done}/{len(r.tasks)}"
        )


@rectify_group.command("remind")
@click.option("--as-of", "as_of", type=DATE, default=None)
@_json_opt
@_db
@pass_ctx
def rectify_remind(
    c: Context, as_of: dt.datetime | None, as_json: bool, db_url: str | None
) -> None:
    """临期与超期的整改任务，及缺少的巡视整改进展报告 / tasks due soon or overdue."""
    rows, day = _run(c, db_url, lambda app: (svc.rectifications(app.uow()), app.today()), as_of)
    due = rect.reminders(rows, day, _cfg(c).remind_days)
    late_reports = [
        (r.id, d) for r in rows if r.closed_on is None for d in rect.missing_reports(r, day)
    ]
    if as_json:
        _echo_json({"tasks": [asdict(x) for x in due],
                    "missing_reports": [{"rectification": i, "due": d} for i, d in late_reports]})  # fmt: skip
        return
    for x in due:
        when = c.say(f"已超期 {-x.days_left} 天", f"{-x.days_left} days overdue") if x.overdue else c.say(
            f"还剩 {x.days_left} 天", f"{x.days_left} days left")  # fmt: skip
        click.echo(
            f"{x.rectification} {c.say('任务', 'task')} {x.task} {x.responsible} {x.due_on} {when}"
        )
    for rid, d in late_reports:
        click.echo(c.say(f"{rid} 缺少 {d} 的进展报告", f"{rid}: progress report of {d} missing"))
