"""`jianguan review`: case quality review (案件质量评查) — plan, assign, record, object, decide,
outcomes, the reverse-review queue and the commentary data."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from jianguan.bootstrap import App
from jianguan.domain.review import OutcomeKind, ReviewMode, ReviewPolicy, Sampling
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services import review as svc

T = TypeVar("T")

YEAR = click.option("--year", type=click.IntRange(1949, 2999), required=True, help="年度 / year")
OPT_YEAR = click.option(
    "--year", type=click.IntRange(1949, 2999), default=None, help="计划年度 / plan year"
)
JSON = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
DB = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
BY = click.option("--by", "by", metavar="PERSON", default=None, help="操作人 / acting person")


def _run(c: Context, db_url: str | None, act: Callable[[App], T]) -> T:
    """One review step on the application; a refused step (nothing written) is reported
    without a traceback."""
    with c.app(db_url) as app:
        try:
            return act(app)
        except svc.ReviewError as exc:
            raise click.ClickException(c.say(exc.zh, exc.en)) from None


def _prefill(app: App) -> svc.Prefill:
    """The one-click self-check (一键自检) of a case, to pre-fill its form with evidence."""
    return svc.self_check_prefill(app.rules, app.today())


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=1))


@click.group("review")
def review_group() -> None:
    """案件质量评查：计划、分配、评查表、异议、决定、结果 / case quality review."""


@review_group.command("plan")
@YEAR
@click.option("--routine-share", type=click.FloatRange(0, 1, min_open=True), default=None)
@click.option("--routine-count", type=click.IntRange(1), default=None)
@click.option("--seed", default=None, help="随机种子 / seed (默认随机生成并记录)")
@click.option("--special", "specials", multiple=True, help="专项评查编号 / special review id")
@click.option("--replace", is_flag=True, help="重新制定（尚未分配时）/ redo the plan")
@JSON
@DB
@BY
@pass_ctx
def plan_cmd(
    c: Context,
    year: int,
    routine_share: float | None,
    routine_count: int | None,
    seed: str | None,
    specials: tuple[str, ...],
    replace: bool,
    as_json: bool,
    db_url: str | None,
    by: str | None,
) -> None:
    """制定年度评查计划：常规抽查、重点评查、专项评查 / draw the year's review plan."""
    if routine_share is not None and routine_count is not None:
        raise click.UsageError(
            c.say(
                "--routine-share 与 --routine-count 只能选一个",
                "give --routine-share or --routine-count, not both",
            )
        )
    policy = c.rules().review
    base = policy.sampling
    sampling = Sampling(
        routine_share if routine_share is not None else base.share, routine_count, base.minimum
    )
    needs_findings = any(
        (sp := policy.special(s)) is not None and sp.needs_findings for s in specials
    )
    plan = _run(
        c,
        db_url,
        lambda app: svc.make_plan(
            app.uow(),
            policy,
            year,
            sampling=sampling,
            now=app.now(),
            seed=seed,
            specials=specials,
            prefill=_prefill(app) if needs_findings else None,
            by=by or "system",
            replace_existing=replace,
        ),
    )
    if as_json:
        _echo_json([e.as_json() for e in plan.entries])
        return
    for e in plan.entries:
        click.echo(
            f"{e.case_id}  {e.reason.label(c.settings.lang)}  {e.trigger or '—'}  {e.handler}"
        )
    counts = Counter(e.reason for e in plan.entries)
    zh = "，".join(f"{r.zh} {n}" for r, n in sorted(counts.items()))
    en = ", ".join(f"{r.value} {n}" for r, n in sorted(counts.items()))
    click.echo(
        c.say(
            f"{year} 年度评查计划：共 {len(plan.entries)} 件（{zh}）；随机种子 {plan.seed}，"
            f"候选 {len(plan.candidates)} 名检察官的结案清单已记录，可用 jianguan review verify 复核",
            f"review plan {year}: {len(plan.entries)} case(s) ({en}); seed {plan.seed}; the "
            f"candidate lists of {len(plan.candidates)} prosecutor(s) are recorded "
            "(jianguan review verify redraws them)",
        )
    )


@review_group.command("verify")
@YEAR
@DB
@pass_ctx
def verify_cmd(c: Context, year: int, db_url: str | None) -> None:
    """用记录的种子与候选清单重新抽取，核对常规抽查 / redraw the routine sample and compare."""
    problems = _run(c, db_url, lambda app: svc.verify_plan(app.uow(), year))
    for p in problems:
        click.echo(p, err=True)
    if problems:
        raise click.ClickException(
            c.say(
                f"重新抽取与计划不一致：{len(problems)} 处",
                f"redraw differs in {len(problems)} place(s)",
            )
        )
    click.echo(
        c.say(
            f"{year} 年度常规抽查重新抽取结果与计划一致",
            f"the redraw reproduces the {year} plan exactly",
        )
    )


@review_group.command("assign")
@YEAR
@click.option("--mode", type=click.Choice([m.value for m in ReviewMode]), required=True)
@JSON
@DB
@BY
@pass_ctx
def assign_cmd(
    c: Context, year: int, mode: str, as_json: bool, db_url: str | None, by: str | None
) -> None:
    """分配评查人（交叉 / 提级 / 异地），执行回避，均衡工作量 / assign reviewers with recusal."""
    chosen = ReviewMode(mode)
    choices = _run(
        c,
        db_url,
        lambda app: svc.assign(
            app.uow(),
            app.rules.review,
            year,
            chosen,
            now=app.now(),
            prefill=_prefill(app),
            by=by or "system",
        ),
    )
    if as_json:
        _echo_json(
            [
                {
                    "case_id": ch.case_id,
                    "reviewer": ch.reviewer,
                    "mode": ch.mode.value,
                    "candidates": ch.pool_size,
                }
                for ch in choices
            ]
        )
        return
    missing = [ch.case_id for ch in choices if ch.reviewer is None]
    for ch in choices:
        click.echo(f"{ch.case_id}  {ch.reviewer or '—'}  {ch.mode.label(c.settings.lang)}")
    load = Counter(ch.reviewer for ch in choices if ch.reviewer)
    spread = f"{min(load.values())}–{max(load.values())}" if load else "0"
    click.echo(
        c.say(
            f"已分配 {len(choices) - len(missing)} 件，评查人 {len(load)} 名（每人 {spread} 件）；"
            f"无可回避合规的评查人 {len(missing)} 件",
            f"assigned {len(choices) - len(missing)} case(s) to {len(load)} reviewer(s) "
            f"({spread} each); {len(missing)} case(s) without an eligible reviewer",
        )
    )


@review_group.command("form")
@click.argument("case_id")
@OPT_YEAR
@JSON
@DB
@pass_ctx
def form_cmd(c: Context, case_id: str, year: int | None, as_json: bool, db_url: str | None) -> None:
    """查看评查表（含自动发现的问题与全部步骤）/ show a case's review form and its steps."""
    form, events = _run(c, db_url, lambda app: svc.form_and_steps(app.uow(), case_id, year))
    body = {**form.as_json(), "events": events}
    if as_json:
        _echo_json(body)
        return
    click.echo(
        f"{case_id}  {form.year}  {form.reviewer}  {form.status.label(c.lang)}  "
        f"{form.grade or '—'}  {form.final_grade or '—'}"
    )
    for f in form.findings:
        click.echo(f"  {c.say('自动发现', 'finding')}: {f['rule']}  {f['explanation']}")
    for m in form.marks:
        click.echo(f"  {c.say('评查项目', 'item')}: {m.item}  {m.note}")
    for e in events:
        click.echo(f"  {e['at']}  {e['step']}  {e['by']}")


def _read_items(c: Context, path: Path, policy: ReviewPolicy) -> list[Any]:
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(
            c.say(
                f"无法读取评查项目文件 {path}：{exc}", f"cannot read the items file {path}: {exc}"
            )
        ) from None
    try:
        return svc.parse_marks(raw, policy)
    except svc.ReviewError as exc:
        raise click.ClickException(c.say(exc.zh, exc.en)) from None


@review_group.command("record")
@click.argument("case_id")
@click.option("--grade", required=True, help="优质 / 合格 / 基本合格（瑕疵）/ 不合格")
@click.option("--items", "items_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OPT_YEAR
@DB
@BY
@pass_ctx
def record_cmd(
    c: Context,
    case_id: str,
    grade: str,
    items_file: Path | None,
    year: int | None,
    db_url: str | None,
    by: str | None,
) -> None:
    """登记评查结果（等次与评查项目）/ record a review's items and grade."""
    policy = c.rules().review
    marks = _read_items(c, items_file, policy) if items_file is not None else None
    form = _run(c, db_url, lambda app: svc.record(
        app.uow(), policy, case_id, grade, marks=marks, year=year, by=by, now=app.now()))  # fmt: skip
    g = policy.standards.scale.by_code(form.grade or "")
    click.echo(
        c.say(
            f"{case_id}：已登记等次“{g.zh}”，得分 {form.score:g}，评查项目 {len(form.marks)} 项",
            f"{case_id}: recorded {g.en}, score {form.score:g}, {len(form.marks)} item(s)",
        )
    )


@review_group.command("object")
@click.argument("case_id")
@click.option("--reason", required=True, help="异议理由 / the reason")
@OPT_YEAR
@DB
@BY
@pass_ctx
def object_cmd(
    c: Context, case_id: str, reason: str, year: int | None, db_url: str | None, by: str | None
) -> None:
    """承办检察官对评查等次提出异议 / the handler objects to the recorded grade."""
    _run(c, db_url, lambda app: svc.object_to(
        app.uow(), app.rules.review, case_id, reason, year=year, by=by, now=app.now()))  # fmt: skip
    click.echo(
        c.say(
            f"{case_id}：异议已登记，待作出最终决定",
            f"{case_id}: objection recorded, awaiting the decision",
        )
    )


@review_group.command("decide")
@click.argument("case_id")
@click.option("--grade", default=None, help="最终等次（默认维持登记的等次）/ final grade")
@click.option("--note", default="", help="决定理由 / note")
@OPT_YEAR
@DB
@BY
@pass_ctx
def decide_cmd(
    c: Context,
    case_id: str,
    grade: str | None,
    note: str,
    year: int | None,
    db_url: str | None,
    by: str | None,
) -> None:
    """作出最终评查等次，并按等次启动问责线索、整改或正面清单 / decide the final grade."""
    policy = c.rules().review
    form, opened = _run(c, db_url, lambda app: svc.decide(
        app.uow(), policy, case_id, grade_text=grade, year=year, by=by, note=note,
        now=app.now(), today=app.today()))  # fmt: skip
    g = policy.standards.scale.by_code(form.final_grade or "")
    click.echo(c.say(f"{case_id}：最终等次“{g.zh}”", f"{case_id}: final grade {g.en}"))
    for o in opened:
        due = o.due_on.isoformat() if o.due_on else "—"
        kind = OutcomeKind(o.kind)
        click.echo(c.say(f"  已启动：{kind.zh}（期限 {due}）", f"  opened: {kind.en} (due {due})"))


@review_group.command("outcomes")
@OPT_YEAR
@click.option("--kind", type=click.Choice(sorted(k.value for k in OutcomeKind)), default=None)
@JSON
@DB
@pass_ctx
def outcomes_cmd(
    c: Context, year: int | None, kind: str | None, as_json: bool, db_url: str | None
) -> None:
    """评查结果运用：问责线索、整改任务、正面清单候选 / review outcomes."""
    wanted = OutcomeKind(kind) if kind is not None else None
    found = _run(c, db_url, lambda app: svc.outcomes(app.uow(), year, wanted))
    if as_json:
        _echo_json([o.as_json() for o in found])
        return
    for o in found:
        due = o.due_on.isoformat() if o.due_on else "—"
        click.echo(
            f"{o.case_id}  {OutcomeKind(o.kind).label(c.lang)}  {o.person}  {o.grade}  {due}  "
            f"{o.status}"
        )
    click.echo(c.say(f"共 {len(found)} 项", f"{len(found)} outcome(s)"))


@review_group.command("reverse")
@YEAR
@JSON
@DB
@pass_ctx
def reverse_cmd(c: Context, year: int, as_json: bool, db_url: str | None) -> None:
    """反向审视队列：无罪、撤回起诉、控告申诉 / the reverse-review queue."""
    queue = _run(c, db_url, lambda app: svc.reverse_queue(app.uow(), app.rules.review, year))
    if as_json:
        _echo_json([q.as_json() for q in queue])
        return
    for q in queue:
        click.echo(f"{q.case_id}  {q.reason}  {q.handler}  {q.unit}")
    counts = Counter(q.reason for q in queue)
    summary = ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "—"
    click.echo(
        c.say(
            f"反向审视 {len(queue)} 件：{summary}",
            f"reverse review: {len(queue)} case(s): {summary}",
        )
    )


@review_group.command("commentary")
@YEAR
@JSON
@DB
@pass_ctx
def commentary_cmd(c: Context, year: int, as_json: bool, db_url: str | None) -> None:
    """评查讲评数据：等次分布、常见问题（按标准与项目）、异议 / data for the review commentary."""
    data = _run(c, db_url, lambda app: svc.commentary(app.uow(), app.rules.review, year))
    if as_json:
        _echo_json(data)
        return
    names = data["grade_names"]
    grades = "，".join(f"{names.get(g, g)} {n}" for g, n in data["grades"].items()) or "—"
    click.echo(
        c.say(
            f"{year} 年度评查：计划 {data['planned']} 件，已分配 {data['assigned']} 件，已决定 "
            f"{data['decided']} 件（{grades}）；异议 {data['objections']} 件，"
            f"因异议改变等次 {data['changed_on_objection']} 件",
            f"review {year}: {data['planned']} planned, {data['assigned']} assigned, "
            f"{data['decided']} decided ({grades}); {data['objections']} objection(s), "
            f"{data['changed_on_objection']} changed on objection",
        )
    )
    click.echo(c.say("常见问题：", "common problems:"))
    for p in data["common_problems"][:10]:
        click.echo(f"  {p['item']}  {p['title']}  {p['cases']}")
