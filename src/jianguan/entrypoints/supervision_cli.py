"""`jianguan matter …` and `jianguan meeting …`: supervision matters handled as cases
(docs/supervision.md), and meetings on record.

Refusals print every missing item (zh first) and exit with status 2; nothing is written then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from jianguan.bootstrap import App, matter_catalogue, matter_indicators, read_leads
from jianguan.domain.gates import GateRefused
from jianguan.domain.supervision import (
    LeadStatus,
    Matter,
    MatterDecision,
    MeetingKind,
    ReplyOutcome,
    StepKind,
)
from jianguan.entrypoints.context import REFUSED, Context, pass_ctx
from jianguan.services import supervision as sv
from jianguan.services import supervision_indicators as si
from jianguan.services.ports.supervision import LeadQuery, MatterQuery
from jianguan.synth.matters import generate_matters

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])
_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_as_of = click.option(
    "--as-of", "as_of", type=DATE, default=None, help="以该日为准 / as of this day"
)


def _run(c: Context, db_url: str | None, as_of: dt.datetime | None, act: Callable[[App], T]) -> T:
    with c.app(db_url, as_of.date() if as_of else None) as app:
        try:
            return act(app)
        except GateRefused as refused:
            click.echo(c.say("操作被拒绝，缺少：", "refused; missing:"), err=True)
            for m in refused.missing:
                click.echo(f"  - {c.say(m.zh, m.en)}", err=True)
            sys.exit(REFUSED)


def _choice(
    vocab: type[StepKind] | type[MatterDecision] | type[ReplyOutcome] | type[MeetingKind],
) -> click.Choice[str]:
    return click.Choice([m.value for m in vocab])


def _show(c: Context, m: Matter) -> None:
    lang = c.lang
    click.echo(f"{m.matter_id}  {m.title}")
    click.echo(f"  {c.say('阶段', 'stage')}: {m.stage.label(lang)}  "
               f"{c.say('承办人', 'handler')}: {m.handler}  {c.say('部门', 'department')}: {m.department}")  # fmt: skip
    click.echo(
        f"  {c.say('模型', 'model')}: {m.model} / {m.rule}  {c.say('被监督单位', 'body')}: {m.target}"
    )
    if m.decision is not None:
        due = f"  {c.say('回复期限', 'reply due')}: {m.reply_due}" if m.reply_due else ""
        click.echo(f"  {c.say('决定', 'decision')}: {m.decision.label(lang)} {m.decided_on}{due}")
    if m.case_id:
        click.echo(f"  {c.say('关联案件', 'linked case')}: {m.case_id}")
    for e in m.events:
        kind = ""
        if e.kind:
            for vocab in (StepKind, MatterDecision, ReplyOutcome, MeetingKind):
                found = vocab.parse(e.kind)
                if found is not None:
                    kind = f"（{found.label(lang)}）"
                    break
        click.echo(f"    {e.on}  {e.type.label(lang)}{kind}  {e.by or ''}  {e.note or ''}".rstrip())


@click.group("matter")
def matter_group() -> None:
    """重大监督事项案件化办理：线索受理、初查、立案、办理、决定、跟进监督、办结 / supervision matters."""


@matter_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", required=True, metavar="PERSON", help="受理人 / receiving staff id")
@_db
@pass_ctx
def import_cmd(c: Context, path: Path, by: str, db_url: str | None) -> None:
    """受理监督线索（JSONL 或 xlsx，见 docs/supervision.md）/ receive leads; all or nothing."""

    def act(app: App) -> None:
        with app.uow() as uow:
            units = {u.code for u in uow.cases.units()}
        leads, errors = read_leads(path, units)
        if errors:
            for e in errors[:20]:
                click.echo(c.say(f"{e.file}:{e.line}: {e.field}: {e.zh}", str(e)), err=True)
            click.echo(c.say(f"共 {len(errors)} 处错误，未导入任何线索。",
                             f"{len(errors)} error(s); no lead was imported."), err=True)  # fmt: skip
            sys.exit(REFUSED)
        r = sv.import_leads(app.uow(), leads, by, app.now())
        click.echo(c.say(f"收到 {r.received} 条，新受理 {r.new} 条，重复线索 {len(r.duplicates)} 条，已在库 {len(r.already)} 条。",
                         f"{r.received} received, {r.new} new, {len(r.duplicates)} duplicates, {len(r.already)} already stored."))  # fmt: skip

    _run(c, db_url, None, act)


@matter_group.command("leads")
@click.option(
    "--status", type=click.Choice(["received", "screening", "registered", "dropped", "duplicate"])
)
@click.option("--limit", type=int, default=50)
@click.option("--json", "as_json", is_flag=True)
@_db
@pass_ctx
def leads_cmd(
    c: Context, status: str | None, limit: int, as_json: bool, db_url: str | None
) -> None:
    """线索收件箱 / the lead inbox."""

    def act(app: App) -> None:
        rows = sv.leads(
            app.uow(), LeadQuery(status=LeadStatus(status) if status else None, limit=limit)
        )
        if as_json:
            click.echo(json.dumps([{"lead_id": x.lead_id, "model": x.model, "rule": x.rule,
                                    "unit": x.unit, "status": x.status.value, "matter_id": x.matter_id}
                                   for x in rows], ensure_ascii=False, indent=1))  # fmt: skip
            return
        for x in rows:
            click.echo(
                f"{x.lead_id}  {x.received_on}  {x.status.label(c.lang)}  {x.model}：{x.rule}  {x.target}"
            )

    _run(c, db_url, None, act)


@matter_group.command("screen")
@click.argument("lead_id")
@click.option("--by", required=True)
@click.option("--note", required=True, help="初查情况 / what screening found")
@_db
@_as_of
@pass_ctx
def screen_cmd(
    c: Context, lead_id: str, by: str, note: str, db_url: str | None, as_of: dt.datetime | None
) -> None:
    """初查 / screen a lead."""
    _run(c, db_url, as_of, lambda app: sv.screen(app.uow(), lead_id, by, app.now(), note))
    click.echo(c.say("已初查。", "screened."))


@matter_group.command("drop")
@click.argument("lead_id")
@click.option("--by", required=True)
@click.option("--reason", required=True)
@_db
@_as_of
@pass_ctx
def drop_cmd(
    c: Context, lead_id: str, by: str, reason: str, db_url: str | None, as_of: dt.datetime | None
) -> None:
    """初查后不予立案 / drop a lead, with the reason."""
    _run(c, db_url, as_of, lambda app: sv.drop(app.uow(), lead_id, by, app.now(), reason))
    click.echo(c.say("已不予立案。", "dropped."))


@matter_group.command("register")
@click.argument("lead_id")
@click.option("--by", required=True)
@click.option("--major", is_flag=True, help="重大事项 / a major matter")
@click.option("--designate", default=None, metavar="PERSON")
@click.option("--reason", default=None)
@click.option("--seed", default=None)
@_db
@_as_of
@pass_ctx
def register_cmd(c: Context, lead_id: str, by: str, major: bool, designate: str | None,
                 reason: str | None, seed: str | None, db_url: str | None,
                 as_of: dt.datetime | None) -> None:  # fmt: skip
    """立案并分案 / register a screened lead as a matter, with a handler."""
    m = _run(c, db_url, as_of, lambda app: sv.register(
        app.uow(), app.rules, lead_id, by, app.now(), major=major, designate=designate,
        reason=reason, seed=seed))  # fmt: skip
    click.echo(
        c.say(
            f"已立案 {m.matter_id}，承办人 {m.handler}。",
            f"registered {m.matter_id}, handler {m.handler}.",
        )
    )


@matter_group.command("step")
@click.argument("matter_id")
@click.option("--kind", type=_choice(StepKind), required=True)
@click.option("--by", required=True)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--note", required=True)
@_db
@pass_ctx
def step_cmd(
    c: Context, matter_id: str, kind: str, by: str, on: dt.datetime, note: str, db_url: str | None
) -> None:
    """记录审查、调查、询问步骤（三查融合）/ record a step."""
    _run(
        c,
        db_url,
        None,
        lambda app: sv.record_step(app.uow(), matter_id, StepKind(kind), by, on.date(), note),
    )
    click.echo(c.say("已记录。", "recorded."))


@matter_group.command("decide")
@click.argument("matter_id")
@click.option("--decision", type=_choice(MatterDecision), required=True)
@click.option("--by", required=True)
@click.option("--on", "on", type=DATE, required=True)
@click.option(
    "--reason", default=None, help="不予监督的理由 / the reason of a no-supervision decision"
)
@click.option("--document-no", default=None)
@_db
@pass_ctx
def decide_cmd(c: Context, matter_id: str, decision: str, by: str, on: dt.datetime,
               reason: str | None, document_no: str | None, db_url: str | None) -> None:  # fmt: skip
    """作出监督决定 / decide the matter."""
    m = _run(c, db_url, None, lambda app: sv.decide(
        app.uow(), app.rules, matter_id, MatterDecision(decision), by, on.date(), reason=reason,
        document_no=document_no))  # fmt: skip
    due = c.say(f"，回复期限 {m.reply_due}", f", reply due {m.reply_due}") if m.reply_due else ""
    click.echo(
        c.say(
            f"已决定：{m.decision.zh if m.decision else ''}",
            f"decided: {m.decision.en if m.decision else ''}",
        )
        + due
    )


@matter_group.command("served")
@click.argument("matter_id")
@click.option("--on", "on", type=DATE, required=True, help="被监督单位收到文书之日 / day received")
@click.option("--note", default="")
@click.option("--by", required=True)
@_db
@pass_ctx
def served_cmd(
    c: Context, matter_id: str, on: dt.datetime, note: str, by: str, db_url: str | None
) -> None:
    """记录文书送达（回复期限自收到之日起计算） / record the day the body received the document."""
    m = _run(
        c,
        db_url,
        None,
        lambda app: sv.record_service(app.uow(), app.rules, matter_id, on.date(), by, note),
    )
    click.echo(
        c.say(f"已记录送达，回复期限 {m.reply_due}", f"service recorded, reply due {m.reply_due}")
    )


@matter_group.command("reply")
@click.argument("matter_id")
@click.option("--on", "on", type=DATE, required=True)
@click.option("--outcome", type=_choice(ReplyOutcome), required=True)
@click.option("--note", default="")
@click.option("--by", required=True)
@_db
@pass_ctx
def reply_cmd(
    c: Context,
    matter_id: str,
    on: dt.datetime,
    outcome: str,
    note: str,
    by: str,
    db_url: str | None,
) -> None:
    """记录被监督单位的回复 / record the body's reply."""
    _run(
        c,
        db_url,
        None,
        lambda app: sv.record_reply(
            app.uow(), matter_id, on.date(), ReplyOutcome(outcome), note, by
        ),
    )
    click.echo(c.say("已记录回复。", "reply recorded."))


@matter_group.command("follow-up")
@click.argument("matter_id")
@click.option("--by", required=True)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--open", "reason", default=None, help="启动跟进监督的原因 / open, with the reason")
@click.option("--close", "result", default=None, help="跟进结果 / close, with the result")
@_db
@pass_ctx
def follow_up_cmd(c: Context, matter_id: str, by: str, on: dt.datetime, reason: str | None,
                  result: str | None, db_url: str | None) -> None:  # fmt: skip
    """跟进监督 / open or close a follow-up."""
    if (reason is None) == (result is None):
        raise click.UsageError(c.say("须给出 --open 或 --close 之一", "give --open or --close"))
    if reason is not None:
        _run(
            c,
            db_url,
            None,
            lambda app: sv.open_follow_up(app.uow(), matter_id, by, on.date(), reason),
        )
    else:
        _run(
            c,
            db_url,
            None,
            lambda app: sv.close_follow_up(app.uow(), matter_id, by, on.date(), result or ""),
        )
    click.echo(c.say("已记录。", "recorded."))


@matter_group.command("link")
@click.argument("matter_id")
@click.argument("case_id")
@click.option("--by", required=True)
@_db
@pass_ctx
def link_cmd(c: Context, matter_id: str, case_id: str, by: str, db_url: str | None) -> None:
    """关联监督事项产生的案件 / link the case the matter produced."""
    _run(c, db_url, None, lambda app: sv.link_case(app.uow(), matter_id, case_id, by, app.now()))
    click.echo(c.say("已关联。", "linked."))


@matter_group.command("self-check")
@click.argument("matter_id")
@click.option("--by", required=True)
@_db
@_as_of
@pass_ctx
def self_check_cmd(
    c: Context, matter_id: str, by: str, db_url: str | None, as_of: dt.datetime | None
) -> None:
    """承办人自检 / the handler's self-check."""
    found = _run(
        c, db_url, as_of, lambda app: sv.self_check(app.uow(), app.rules, matter_id, by, app.now())
    )
    for f in found:
        click.echo(f"  - {f.kind.label(c.lang)}：{f.explanation}（{'、'.join(f.basis)}）")
    click.echo(
        c.say(f"自检完成，发现 {len(found)} 项问题。", f"self-check done, {len(found)} finding(s).")
    )


@matter_group.command("verify")
@click.argument("matter_id")
@click.option("--by", required=True)
@_db
@_as_of
@pass_ctx
def verify_cmd(
    c: Context, matter_id: str, by: str, db_url: str | None, as_of: dt.datetime | None
) -> None:
    """复核 / verification by a department head or a senior prosecutor."""
    _run(c, db_url, as_of, lambda app: sv.verify(app.uow(), app.rules, matter_id, by, app.now()))
    click.echo(c.say("已复核。", "verified."))


@matter_group.command("close")
@click.argument("matter_id")
@click.option("--by", required=True)
@_db
@_as_of
@pass_ctx
def close_cmd(
    c: Context, matter_id: str, by: str, db_url: str | None, as_of: dt.datetime | None
) -> None:
    """办结（每案必检）/ close behind the gate."""
    _run(c, db_url, as_of, lambda app: sv.close(app.uow(), app.rules, matter_id, by, app.now()))
    click.echo(c.say("已办结。", "closed."))


@matter_group.command("show")
@click.argument("matter_id")
@_db
@pass_ctx
def show_cmd(c: Context, matter_id: str, db_url: str | None) -> None:
    """监督事项与时间线 / a matter and its timeline."""

    def act(app: App) -> None:
        _show(c, sv.matter(app.uow(), matter_id))
        for m in sv.gate_status(app.uow(), app.rules, matter_id):
            click.echo(f"  ! {c.say(m.zh, m.en)}")

    _run(c, db_url, None, act)


@matter_group.command("list")
@click.option("--handler", default=None)
@click.option("--open", "open_only", is_flag=True)
@click.option("--limit", type=int, default=50)
@_db
@pass_ctx
def list_cmd(
    c: Context, handler: str | None, open_only: bool, limit: int, db_url: str | None
) -> None:
    """监督事项列表 / the matters."""

    def act(app: App) -> None:
        for m in sv.matters(
            app.uow(), MatterQuery(handler=handler, open_only=open_only, limit=limit)
        ):
            click.echo(f"{m.matter_id}  {m.stage.label(c.lang)}  {m.handler}  {m.title}")

    _run(c, db_url, None, act)


@matter_group.command("indicators")
@click.option("--by", "by", default="", help="unit,model,year,month")
@click.option("--unit", default=None)
@click.option("--json", "as_json", is_flag=True)
@_db
@_as_of
@pass_ctx
def indicators_cmd(
    c: Context,
    by: str,
    unit: str | None,
    as_json: bool,
    db_url: str | None,
    as_of: dt.datetime | None,
) -> None:
    """监督事项指标：受理线索数、成案率、检察建议采纳率、按期回复率 / matter indicators."""
    dims = [d for d in by.split(",") if d]

    def act(app: App) -> None:
        with app.uow() as uow:
            units = uow.cases.units()
        cat = matter_catalogue()
        scope = si.scope_of(units, app.today(), unit)
        rows = si.compute(matter_indicators(app), cat, units, scope, by=dims)
        names = {i.id: (i.zh if c.lang != "en" else i.en) for i in cat}
        if as_json:
            click.echo(json.dumps([{"indicator": v.indicator, "key": dict(v.key), "numerator": v.numerator,
                                    "denominator": v.denominator, "value": v.value} for v in rows],
                                  ensure_ascii=False, indent=1))  # fmt: skip
            return
        for v in rows:
            key = " ".join(f"{k}={x}" for k, x in v.key)
            shown = (
                "—"
                if v.value is None
                else (f"{v.value:.1%}" if v.denominator is not None else f"{v.numerator}")
            )
            frac = f" ({v.numerator}/{v.denominator})" if v.denominator is not None else ""
            click.echo(f"{names[v.indicator]}  {key}  {shown}{frac}")

    _run(c, db_url, as_of, act)


@matter_group.command("drill")
@click.argument("indicator")
@click.option("--part", type=click.Choice(["numerator", "denominator"]), default="numerator")
@click.option("--unit", default=None)
@click.option("--model", default=None)
@_db
@_as_of
@pass_ctx
def drill_cmd(c: Context, indicator: str, part: str, unit: str | None, model: str | None,
              db_url: str | None, as_of: dt.datetime | None) -> None:  # fmt: skip
    """下钻到线索或监督事项 / the leads or matters behind a number."""

    def act(app: App) -> None:
        ind = next((i for i in matter_catalogue() if i.id == indicator), None)
        if ind is None:
            raise click.UsageError(c.say(f"没有指标 {indicator}", f"no indicator {indicator}"))
        with app.uow() as uow:
            units = uow.cases.units()
        kind, ids = si.drill(
            matter_indicators(app), ind, part, si.scope_of(units, app.today(), unit, model=model)
        )
        for i in ids:
            click.echo(i)
        click.echo(
            c.say(
                f"共 {len(ids)} 个{'线索' if kind == 'lead' else '监督事项'}",
                f"{len(ids)} {kind}(s)",
            ),
            err=True,
        )

    _run(c, db_url, as_of, act)


@matter_group.command("synth")
@click.option("--matters", "count", type=int, default=2000)
@click.option("--seed", type=int, default=1)
@click.option("--defect-rate", type=float, default=0.05)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="写出植入缺陷真值 JSONL / write the planted defects' truth",
)
@_db
@_as_of
@pass_ctx
def synth_cmd(c: Context, count: int, seed: int, defect_rate: float, truth: Path | None,
              db_url: str | None, as_of: dt.datetime | None) -> None:  # fmt: skip
    """为库中省份生成监督线索与事项（含植入缺陷）/ generate leads and matters for the stored province."""

    def act(app: App) -> None:
        with app.uow() as uow:
            units, people = uow.cases.units(), uow.cases.people()
        gen = generate_matters(units, people, rules=app.rules.supervision, calendar=app.rules.calendar,
                               matters=count, seed=seed, as_of=app.today(), defect_rate=defect_rate)  # fmt: skip
        sv.load_generated(app.uow(), gen.leads, gen.matters, gen.meetings, "synth")
        if truth is not None:
            truth.write_text("".join(json.dumps({"matter_id": t.matter_id, "kind": t.kind}, ensure_ascii=False) + "\n"
                                     for t in gen.truth), encoding="utf-8")  # fmt: skip
        click.echo(c.say(f"已生成 {len(gen.leads)} 条线索、{len(gen.matters)} 件监督事项、{len(gen.truth)} 处植入缺陷。",
                         f"{len(gen.leads)} leads, {len(gen.matters)} matters, {len(gen.truth)} planted defects."))  # fmt: skip

    _run(c, db_url, as_of, act)


@click.group("meeting")
def meeting_group() -> None:
    """检察官联席会议、检察委员会讨论记录 / meetings on record."""


@meeting_group.command("record")
@click.argument("subject")
@click.option("--kind", type=_choice(MeetingKind), required=True)
@click.option("--asked-by", required=True)
@click.option("--question", required=True)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--member", "members", multiple=True, required=True, help="出席人员（可多次）")
@click.option("--opinion", "opinions", multiple=True, help="PERSON=意见（可多次）")
@click.option("--conclusion", required=True)
@click.option("--decision", default=None, help="结论针对的决定 / the decision concluded on")
@click.option("--by", required=True, help="记录人 / who records it")
@_db
@pass_ctx
def meeting_record_cmd(c: Context, subject: str, kind: str, asked_by: str, question: str,
                       on: dt.datetime, members: tuple[str, ...], opinions: tuple[str, ...],
                       conclusion: str, decision: str | None, by: str, db_url: str | None) -> None:  # fmt: skip
    """记录一次会议讨论（监督事项或案件）/ put a meeting on record for a matter or a case."""
    parsed = dict(o.split("=", 1) for o in opinions if "=" in o)
    mt = _run(c, db_url, None, lambda app: sv.record_meeting(
        app.uow(), subject, MeetingKind(kind), asked_by, question, on.date(), list(members),
        parsed, conclusion, by, app.now(), decision))  # fmt: skip
    click.echo(c.say(f"已记录 {mt.meeting_id}。", f"recorded {mt.meeting_id}."))


@meeting_group.command("show")
@click.argument("subject")
@_db
@pass_ctx
def meeting_show_cmd(c: Context, subject: str, db_url: str | None) -> None:
    """一件事项或案件的会议记录 / the meetings of a matter or case."""

    def act(app: App) -> None:
        for mt in sv.meetings_of(app.uow(), subject):
            click.echo(
                f"{mt.meeting_id}  {mt.held_on}  {mt.kind.label(c.lang)}  {c.say('提请', 'asked by')} {mt.asked_by}"
            )
            click.echo(f"  {c.say('议题', 'question')}: {mt.question}")
            click.echo(f"  {c.say('出席', 'present')}: {'、'.join(mt.members)}")
            for o in mt.opinions:
                click.echo(f"  {o.member}: {o.text}")
            click.echo(f"  {c.say('结论', 'conclusion')}: {mt.conclusion}")

    _run(c, db_url, None, act)


COMMANDS = (matter_group, meeting_group)


def seed_demo_matters(c: Context, app: App, count: int = 600, seed: int = 1) -> None:
    """The demo's supervision matters (``jianguan demo``): generated leads, matters and
    meetings for the stored province, and a dozen leads just pushed (受理, not yet screened) so
    the lead inbox has work in it."""
    with app.uow() as uow:
        units, people = uow.cases.units(), uow.cases.people()
    gen = generate_matters(units, people, rules=app.rules.supervision, calendar=app.rules.calendar,
                           matters=count, seed=seed, as_of=app.today())  # fmt: skip
    pushed = [x for x in gen.leads if x.status is LeadStatus.REGISTERED][:12]
    batch = f"{app.today():%Y%m%d}"
    fresh = [
        dataclasses.replace(
            x, lead_id=f"{x.lead_id}N", status=LeadStatus.RECEIVED, note=None, matter_id=None,
            received_on=app.today(), facts={**x.facts, "推送批次": batch},
        )
        for x in pushed
    ]  # fmt: skip
    with app.uow() as uow:
        already = uow.supervision.lead_ids([x.lead_id for x in fresh])
    if already:  # `jianguan demo` run again on the same store: the matters are there
        click.echo(c.say("监督事项：演示数据已在库中，未重复载入",
                         "supervision: the demo's matters are already stored"))  # fmt: skip
        return
    sv.load_generated(app.uow(), [*gen.leads, *fresh], gen.matters, gen.meetings, "demo")
    click.echo(c.say(
        f"监督事项：{len(gen.leads) + len(fresh)} 条线索（{len(fresh)} 条待初查）、"
        f"{len(gen.matters)} 件监督事项、{len(gen.meetings)} 次会议记录",
        f"supervision: {len(gen.leads) + len(fresh)} leads ({len(fresh)} to screen), "
        f"{len(gen.matters)} matters, {len(gen.meetings)} meetings",
    ))  # fmt: skip
