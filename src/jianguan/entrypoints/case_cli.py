"""`jianguan case …`, `jianguan assign`, `jianguan recuse`: case work behind its gates.

Refusals print every missing item (zh first) and exit with status 2; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from jianguan.bootstrap import App
from jianguan.domain.gates import GateRefused, Missing, SelfCheckRecord, blocking
from jianguan.domain.model import Case, DecisionType, NonProsecutionGround
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services import casework
from jianguan.services.ports.casework import AssignmentRecord

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])


def _print_missing(c: Context, missing: tuple[Missing, ...] | list[Missing], title: str) -> None:
    click.echo(title, err=True)
    for m in missing:
        click.echo(f"  - {c.say(m.zh, m.en)}", err=True)


def _run(c: Context, db_url: str | None, as_of: dt.datetime | None, act: Callable[[App], T]) -> T:
    """One use case on the application; a refusal (nothing written) exits with status 2."""
    with c.app(db_url, as_of.date() if as_of else None) as app:
        try:
            return act(app)
        except GateRefused as refused:
            _print_missing(c, refused.missing, c.say("操作被拒绝，缺少：", "refused; missing:"))
            sys.exit(2)


def _actor(app: App, by: str | None, case_id: str) -> str:
    return by or casework.handler_of(app.uow(), case_id)


_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_as_of = click.option(
    "--as-of", "as_of", type=DATE, default=None, help="以该日为准 / as of this day"
)
_by = click.option(
    "--by", default=None, metavar="PERSON", help="操作人（默认承办人）/ acting staff id"
)


@click.group("case")
def case_group() -> None:
    """案件办理：自检、复核、会诊答复、决定、办结、归档 / case work behind its gates."""


def _explanations(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        rule, sep, text = pair.partition("=")
        if not sep or not rule.strip() or not text.strip():
            raise click.BadParameter(f"{pair!r}: RULE=说明", param_hint="--explain")
        out[rule.strip()] = text.strip()
    return out


@case_group.command("self-check")
@click.argument("case_id")
@_by
@click.option(
    "--explain", multiple=True, metavar="RULE=TEXT", help="对问题的情况说明 / explain a finding"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@_as_of
@_db
@pass_ctx
def self_check_cmd(
    c: Context,
    case_id: str,
    by: str | None,
    explain: tuple[str, ...],
    as_json: bool,
    as_of: dt.datetime | None,
    db_url: str | None,
) -> None:
    """承办人自检并留痕 / the handler's self-check, recorded."""
    explained = _explanations(explain)

    def act(app: App) -> SelfCheckRecord:
        actor = _actor(app, by, case_id)
        return casework.record_self_check(
            app.uow(), app.rules, case_id, actor, app.now(), explained
        )

    record = _run(c, db_url, as_of, act)
    left = blocking(record.findings, record.explained)
    if as_json:
        body = {
            "case_id": case_id,
            "findings": [f.as_json() for f in record.findings],
            "explained": dict(record.explained),
            "blocking": [f.rule for f in left],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
        return
    for f in record.findings:
        mark = c.say("已说明", "explained") if f.rule in record.explained else f.severity
        click.echo(f"  [{mark}] {f.rule}: {f.explanation}")
    click.echo(
        c.say(
            f"自检已记录：{len(record.findings)} 项问题，{len(left)} 项须纠正或说明后方可办结。",
            f"self-check recorded: {len(record.findings)} finding(s), {len(left)} blocking.",
        )
    )


@case_group.command("verify")
@click.argument("case_id")
@click.option("--by", required=True, metavar="PERSON", help="复核人 / verifier's staff id")
@_as_of
@_db
@pass_ctx
def verify_cmd(
    c: Context, case_id: str, by: str, as_of: dt.datetime | None, db_url: str | None
) -> None:
    """部门负责人或资深检察官复核 / verification by a department head or senior prosecutor."""
    _run(c, db_url, as_of, lambda app: casework.verify(app.uow(), case_id, by, app.now()))
    click.echo(c.say(f"{case_id} 复核已记录（{by}）", f"{case_id}: verification recorded ({by})"))


@case_group.command("answer")
@click.argument("case_id")
@click.option("--accept", "accept", is_flag=True, help="采纳会诊意见 / accept the opinion")
@click.option(
    "--decline", metavar="REASON", default=None, help="不采纳及理由 / decline, with reason"
)
@_by
@_as_of
@_db
@pass_ctx
def answer_cmd(
    c: Context,
    case_id: str,
    accept: bool,
    decline: str | None,
    by: str | None,
    as_of: dt.datetime | None,
    db_url: str | None,
) -> None:
    """答复最早一条未答复的会诊意见 / answer the oldest open consultation opinion."""
    if accept == (decline is not None):
        raise click.UsageError(
            c.say(
                "请给出 --accept 或 --decline 理由（二者择一）", "give --accept or --decline REASON"
            )
        )

    def act(app: App) -> Case:
        actor = _actor(app, by, case_id)
        return casework.answer_consultation(app.uow(), case_id, actor, app.now(), decline)

    _run(c, db_url, as_of, act)
    click.echo(c.say(f"{case_id} 会诊意见已答复", f"{case_id}: consultation opinion answered"))


@case_group.command("decide")
@click.argument("case_id")
@click.option("--type", "dtype", required=True, type=click.Choice([d.value for d in DecisionType]))
@click.option("--on", "on", type=DATE, required=True, help="决定日期 / decision date")
@click.option("--approved-by", default=None, metavar="PERSON", help="审批人 / approver's staff id")
@click.option("--ground", type=click.Choice([g.value for g in NonProsecutionGround]), default=None)
@_db
@pass_ctx
def decide_cmd(
    c: Context,
    case_id: str,
    dtype: str,
    on: dt.datetime,
    approved_by: str | None,
    ground: str | None,
    db_url: str | None,
) -> None:
    """记录审查结论（按职权清单审批）/ record the decision (approval per the powers list)."""
    _run(c, db_url, None, lambda app: casework.record_decision(
        app.uow(), app.rules, case_id, DecisionType(dtype), on.date(), approved_by,
        NonProsecutionGround(ground) if ground else None))  # fmt: skip
    click.echo(
        c.say(f"{case_id} 审查结论已记录：{dtype}", f"{case_id}: decision recorded: {dtype}")
    )


@case_group.command("gate")
@click.argument("case_id")
@click.option("--archive", "for_archive", is_flag=True, help="归档所需 / what archiving needs")
@_as_of
@_db
@pass_ctx
def gate_cmd(
    c: Context, case_id: str, for_archive: bool, as_of: dt.datetime | None, db_url: str | None
) -> None:
    """办结（或归档）前还缺什么 / what the case still needs to close (or archive)."""
    missing = _run(c, db_url, as_of, lambda app: casework.gate_status(
        app.uow(), app.rules, case_id, app.now(), archive=for_archive))  # fmt: skip
    if not missing:
        click.echo(c.say("可以办结/归档", "nothing missing"))
        return
    _print_missing(c, missing, c.say("尚缺：", "missing:"))
    sys.exit(1)


def _gated(action: str, zh: str) -> click.Command:
    fn = casework.close if action == "close" else casework.archive

    @click.command(action)
    @click.argument("case_id")
    @_by
    @_as_of
    @_db
    @pass_ctx
    def cmd(
        c: Context, case_id: str, by: str | None, as_of: dt.datetime | None, db_url: str | None
    ) -> None:
        def act(app: App) -> Case:
            return fn(app.uow(), app.rules, case_id, _actor(app, by, case_id), app.now())

        case = _run(c, db_url, as_of, act)
        day = case.archived_on if action == "archive" else case.closed_on
        click.echo(c.say(f"{case_id} 已{zh}（{day}）", f"{case_id}: {action}d ({day})"))

    cmd.help = (
        f"{zh}（须通过每案必检与会诊答复）/ {action}, behind the 每案必检 and consultation gates"
    )
    return cmd


case_group.add_command(_gated("close", "办结"))
case_group.add_command(_gated("archive", "归档"))


@click.command("assign")
@click.argument("case_id")
@click.option(
    "--designate", metavar="PERSON", default=None, help="指定承办人 / designate a prosecutor"
)
@click.option("--reason", default=None, help="指定分案理由 / reason for the designation")
@click.option("--seed", default=None, help="随机种子（默认随机生成并记录）/ seed (recorded)")
@click.option("--by", default="case_office", metavar="PERSON", help="分案人 / who assigns")
@click.option(
    "--show", is_flag=True, help="显示分案记录并复核随机结果 / show and re-draw the records"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@_db
@pass_ctx
def assign_cmd(
    c: Context,
    case_id: str,
    designate: str | None,
    reason: str | None,
    seed: str | None,
    by: str,
    show: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    """分案：默认按工作量加权随机，指定须说明理由 / assign a case (random, or designated)."""
    if show:
        records = _run(c, db_url, None, lambda app: casework.assignments(app.uow(), case_id))
    else:
        records = [_run(c, db_url, None, lambda app: casework.assign(
            app.uow(), app.rules, case_id, by, app.now(), designate, reason, seed))]  # fmt: skip
    if as_json:
        rows = [_record_json(r) for r in records]
        click.echo(json.dumps(rows if show else rows[0], ensure_ascii=False, indent=1))
        return
    for r in records:
        click.echo(f"{r.case_id} → {r.person}（{_describe(c, r)}）")


def _describe(c: Context, r: AssignmentRecord) -> str:
    if r.seed is None:
        return c.say(f"指定；理由：{r.reason}", f"designated; reason: {r.reason}")
    n, again = len(r.candidates), casework.redraw(r)
    return c.say(
        f"随机；seed={r.seed}，候选 {n} 人，按记录复核抽取结果：{again}",
        f"random; seed={r.seed}, {n} candidates, re-drawn from the record: {again}",
    )


def _record_json(r: AssignmentRecord) -> dict[str, object]:
    return {
        "case_id": r.case_id,
        "mode": r.mode.value,
        "person": r.person,
        "reason": r.reason,
        "seed": r.seed,
        "candidates": [
            {"person": x.person, "open_cases": x.open_cases, "weight": x.weight}
            for x in r.candidates
        ],
        "by": r.by,
        "at": r.at.isoformat(),
        "redraw": casework.redraw(r),
    }


@click.command("recuse")
@click.argument("case_id")
@click.option("--person", required=True, metavar="PERSON", help="回避人员 / who is recused")
@click.option("--reason", required=True, help="回避理由 / reason")
@click.option("--by", default="case_office", metavar="PERSON", help="记录人 / who records it")
@_db
@pass_ctx
def recuse_cmd(
    c: Context, case_id: str, person: str, reason: str, by: str, db_url: str | None
) -> None:
    """记录回避（分案时排除）/ record a recusal (excluded from assignment)."""
    _run(c, db_url, None, lambda app: casework.recuse(
        app.uow(), case_id, person, reason, by, app.now(), app.rules))  # fmt: skip
    click.echo(c.say(f"{case_id}：{person} 回避已记录", f"{case_id}: recusal of {person} recorded"))
