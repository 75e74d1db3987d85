"""`jianguan consult …`: the consultation (线上会诊) from the command line — a case's panel,
opinions, answers and review form; a member's opinion; the handler's review form; a member's
queue. The use cases are ``services.consultation``; the handler's adopt/decline of an opinion
is ``jianguan case answer`` and the exit gate ``jianguan case close`` (docs/supervision.md).

Refusals print every missing item (zh first) and exit with status 2; nothing is written then.
An unknown case or person shown is a click error (status 1).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import click

from jianguan.bootstrap import App
from jianguan.domain.consultation import (
    ConsultationFile,
    FormSpec,
    PanelMember,
    ReviewForm,
    blank_fields,
)
from jianguan.domain.gates import GateRefused, Missing, answer_reason
from jianguan.domain.model import Case, Event, EventType
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.supervision import Line
from jianguan.entrypoints.context import REFUSED, Context, pass_ctx
from jianguan.services import casework, consultation

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])
_db = click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
_as_of = click.option(
    "--as-of", "as_of", type=DATE, default=None, help="以该日为准 / as of this day"
)
_json = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
_fields = click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=VALUE",
    help="表中栏目及填写内容（可多次）/ a question of the form and its answer (repeatable)",
)


def _run(c: Context, db_url: str | None, as_of: dt.datetime | None, act: Callable[[App], T]) -> T:
    """One use case on the application; a refusal (nothing written) exits with status 2."""
    with c.app(db_url, as_of.date() if as_of else None) as app:
        try:
            return act(app)
        except GateRefused as refused:
            click.echo(c.say("操作被拒绝，缺少：", "refused; missing:"), err=True)
            for m in refused.missing:
                click.echo(f"  - {c.say(m.zh, m.en)}", err=True)
            sys.exit(REFUSED)


def _pairs(c: Context, pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                c.say(f"{pair!r}：应为 栏目=内容", f"{pair!r}: expected NAME=VALUE"),
                param_hint="--field",
            )
        out[name.strip()] = value
    return out


# -- consult show -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answered:
    """One opinion of the case (a ``consultation_opinion`` event) and the handler's answer."""

    opinion: Event
    answer: Event | None


@dataclass(frozen=True, slots=True)
class View:
    """What `consult show` prints: read in one unit of work."""

    case: Case
    names: Mapping[str, str]
    file: ConsultationFile | None
    spec: FormSpec | None
    criterion: str | None
    opinions: list[Answered]
    missing: list[Missing]


def _answered(case: Case) -> list[Answered]:
    """Pair each opinion with the answer the gate counts for it (``gates.unanswered_opinions``:
    the earliest valid answer on or after the opinion's day, each answer used once)."""
    answers = sorted(
        (e for e in case.events_of(EventType.CONSULTATION_ANSWERED) if answer_reason(e) is not None),
        key=lambda e: e.on,
    )  # fmt: skip
    out = []
    for op in sorted(case.events_of(EventType.CONSULTATION_OPINION), key=lambda e: e.on):
        match = next((a for a in answers if a.on >= op.on), None)
        if match is not None:
            answers.remove(match)
        out.append(Answered(op, match))
    return out


def _form_of(file: ConsultationFile | None, spec: FormSpec | None) -> ReviewForm | None:
    return file.form(spec.form_id) if file is not None and spec is not None else None


def _missing(
    names: Mapping[str, str],
    file: ConsultationFile | None,
    spec: FormSpec | None,
    opinions: list[Answered],
) -> list[Missing]:
    """What the consultation still lacks: members' opinions (漏评), the handler's answers, the
    review form's required questions (the gate asks for the form once the case is decided)."""
    out: list[Missing] = []
    if file is not None and file.panel is not None:
        for m in file.panel.pending:
            who = names.get(m.person, m.person)
            out.append(Missing(f"opinion:{m.person}", f"{who}（{m.line.zh}）尚未提出初评意见",
                               f"{who} ({m.line.en}) has not given an opinion"))  # fmt: skip
    for a in opinions:
        if a.answer is None:
            day = a.opinion.on.isoformat()
            out.append(Missing(f"answer:{day}", f"{day} 的会诊意见尚未答复（采纳或不采纳）",
                               f"the opinion of {day} is not answered (adopt or decline)"))  # fmt: skip
    if file is not None and file.panel is not None and spec is not None:
        form = _form_of(file, spec)
        blanks = blank_fields(spec.fields, form.values if form else None)
        if form is None:
            out.append(Missing("form", f"未填写{spec.zh}", f"the {spec.en} is not filled"))
        elif blanks:
            out.append(Missing("form", f"{spec.zh}未填写完整：{'、'.join(f.zh for f in blanks)}",
                               f"the {spec.en} has blanks: {', '.join(f.en for f in blanks)}"))  # fmt: skip
    return out


def _view(app: App, case_id: str) -> View | None:
    with app.uow() as uow:
        case = uow.cases.load_case(case_id)
        names = {p.id: p.name for p in uow.cases.people()}
    if case is None:
        return None
    file = consultation.file_of(app.uow(), case_id)
    spec = consultation.form_spec(app.rules, case.category)
    criterion = None
    if file is not None and file.panel is not None:
        crit = next((x for x in app.rules.consultation.criteria if x.id == file.panel.criterion),
                    None)  # fmt: skip
        criterion = crit.zh if crit is not None else file.panel.criterion
    opinions = _answered(case)
    return View(case, names, file, spec, criterion, opinions,
                _missing(names, file, spec, opinions))  # fmt: skip


def _answer_json(e: Event | None, names: Mapping[str, str]) -> dict[str, object] | None:
    if e is None:
        return None
    reason = answer_reason(e)
    return {"on": e.on.isoformat(), "by": e.by, "name": names.get(e.by or "", None),
            "adopted": reason == "", "reason": reason or None}  # fmt: skip


def _member_json(m: PanelMember, names: Mapping[str, str]) -> dict[str, object]:
    return {
        "person": m.person,
        "name": names.get(m.person),
        "line": m.line.value,
        "line_zh": m.line.zh,
        "department": m.department,
        "status": m.status.value,
        "note": m.note,
        "opinion": dict(m.opinion) if m.opinion is not None else None,
        "opinion_at": m.opinion_at.isoformat() if m.opinion_at else None,
    }


def _view_json(v: View) -> dict[str, object]:
    panel = v.file.panel if v.file is not None else None
    form = _form_of(v.file, v.spec)
    return {
        "case_id": v.case.case_id,
        "category": v.case.category.value,
        "handler": {"id": v.case.handler, "name": v.names.get(v.case.handler)},
        "closed_on": v.case.closed_on.isoformat() if v.case.closed_on else None,
        "panel": None if panel is None else {
            "criterion": panel.criterion, "criterion_zh": v.criterion,
            "formed_at": panel.formed_at.isoformat(), "formed_by": panel.formed_by,
            "seed": panel.seed,
            "members": [_member_json(m, v.names) for m in panel.members],
            "unfilled": [x.value for x in panel.unfilled],
        },
        "opinions": [
            {"on": a.opinion.on.isoformat(), "by": a.opinion.by,
             "name": v.names.get(a.opinion.by or ""), "note": a.opinion.note,
             "answer": _answer_json(a.answer, v.names)}
            for a in v.opinions
        ],
        "form": None if v.spec is None else {
            "form_id": v.spec.form_id, "title": v.spec.zh,
            "fields": [{"key": f.key, "zh": f.zh, "en": f.en, "required": f.required,
                        "value": form.values.get(f.key) if form else None}
                       for f in v.spec.fields],
            "filled_by": form.filled_by if form else None,
            "filled_at": form.filled_at.isoformat() if form else None,
        },
        "missing": [{"code": m.code, "zh": m.zh, "en": m.en} for m in v.missing],
    }  # fmt: skip


def _print_view(c: Context, v: View) -> None:
    lang, case = c.lang, v.case
    who = v.names.get(case.handler, case.handler)
    click.echo(f"{case.case_id}  {case.category.label(lang)}  "
               f"{c.say('承办人', 'handler')}: {who}（{case.handler}）")  # fmt: skip
    panel = v.file.panel if v.file is not None else None
    if panel is None:
        click.echo(c.say("本案未提交初评小组", "the case went to no review panel"))
    else:
        formed_by = v.names.get(panel.formed_by, panel.formed_by)
        click.echo(c.say(
            f"初评小组（{v.criterion}；{panel.formed_at:%Y-%m-%d} 由 {formed_by} 组成，seed={panel.seed}）：",
            f"review panel ({v.criterion}; formed {panel.formed_at:%Y-%m-%d} by {formed_by}, seed={panel.seed}):",
        ))  # fmt: skip
        fields = {f.key: f for f in c.rules().consultation.opinion_fields}
        for m in sorted(panel.members, key=lambda x: list(Line).index(x.line)):
            name = v.names.get(m.person, m.person)
            status = m.status.label(lang) + (f"（{m.note}）" if m.note else "")
            click.echo(f"  {m.line.label(lang)}  {name}（{m.person}）  {m.department}  {status}")
            if m.opinion is not None:
                # in the opinion form's order (the store keeps no order), unknown keys last
                order = [k for k in fields if k in m.opinion]
                for key in order + sorted(set(m.opinion) - set(order)):
                    label = fields[key].label(lang) if key in fields else key
                    click.echo(f"      {label}：{m.opinion[key]}")
            elif m.pending:
                click.echo(f"      {c.say('尚未提出初评意见', 'no opinion yet')}")
        if panel.unfilled:
            lines = "、".join(x.label(lang) for x in panel.unfilled)
            click.echo(c.say(f"  无可抽取的资深检察官：{lines}", f"  no senior to draw: {lines}"))
    if v.opinions:
        click.echo(c.say("会诊意见及承办人答复：", "opinions and the handler's answers:"))
    for a in v.opinions:
        by = v.names.get(a.opinion.by or "", a.opinion.by or "—")
        if a.answer is None:
            answer = c.say("未答复", "not answered")
        else:
            reason = answer_reason(a.answer)
            answer = (c.say(f"{a.answer.on} 采纳", f"{a.answer.on} adopted") if not reason
                      else c.say(f"{a.answer.on} 不采纳：{reason}", f"{a.answer.on} declined: {reason}"))  # fmt: skip
        click.echo(f"  {a.opinion.on}  {by}  → {answer}")
    if v.spec is None:
        click.echo(c.say("该类案件没有规定的审查表", "no review form is set for this kind of case"))
    else:
        form = _form_of(v.file, v.spec)
        by = v.names.get(form.filled_by, form.filled_by) if form else ""
        filled = (c.say(f"（{by} 于 {form.filled_at:%Y-%m-%d} 填写）",
                        f" (filled by {by} on {form.filled_at:%Y-%m-%d})")
                  if form else c.say("（未填写）", " (not filled)"))  # fmt: skip
        click.echo(f"{v.spec.label(lang)}{filled}：")
        for f in v.spec.fields:
            value = (form.values.get(f.key) if form else None) or "—"
            mark = "" if f.required else c.say("（选填）", " (optional)")
            click.echo(f"  {f.key}  {f.label(lang)}{mark}：{value}")
    if v.missing:
        click.echo(c.say("尚缺：", "missing:"))
        for gap in v.missing:
            click.echo(f"  - {c.say(gap.zh, gap.en)}")
    elif panel is not None:
        click.echo(c.say("会诊已完成", "the consultation is complete"))


@click.group("consult")
def consult_group() -> None:
    """线上会诊：初评小组、初评意见、审查表 / the consultation: panel, opinions, review forms."""


@consult_group.command("show")
@click.argument("case_id")
@_json
@_as_of
@_db
@pass_ctx
def show_cmd(
    c: Context, case_id: str, as_json: bool, as_of: dt.datetime | None, db_url: str | None
) -> None:
    """本案初评小组、意见、答复、审查表及尚缺事项 / a case's panel, opinions, answers, form."""
    view = _run(c, db_url, as_of, lambda app: _view(app, case_id))
    if view is None:
        raise click.ClickException(c.say(f"案件 {case_id} 不存在", f"no case {case_id}"))
    if as_json:
        click.echo(json.dumps(_view_json(view), ensure_ascii=False, indent=1))
        return
    _print_view(c, view)


# -- consult opinion / form ---------------------------------------------------------------------


@consult_group.command("opinion")
@click.argument("case_id")
@click.option("--member", required=True, metavar="PERSON", help="初评小组成员 / panel member")
@click.option("--text", default=None, help="初评意见（意见表第一栏）/ the opinion (first question)")
@_fields
@_as_of
@_db
@pass_ctx
def opinion_cmd(
    c: Context,
    case_id: str,
    member: str,
    text: str | None,
    fields: tuple[str, ...],
    as_of: dt.datetime | None,
    db_url: str | None,
) -> None:
    """初评小组成员提出初评意见（意见表）/ a panel member's opinion on the opinion form."""
    values = _pairs(c, fields)
    opinion_fields = c.rules().consultation.opinion_fields
    if text is not None and opinion_fields:
        values[opinion_fields[0].key] = text

    def act(app: App) -> None:
        consultation.give_opinion(app.uow(), app.rules, case_id, member, app.now(), values)

    _run(c, db_url, as_of, act)
    click.echo(c.say(f"{case_id}：{member} 的初评意见已记录，待承办人答复（jianguan case answer）",
                     f"{case_id}: opinion of {member} recorded; the handler answers it "
                     "(jianguan case answer)"))  # fmt: skip


def _blanks_after(rules: Rulebook, case: Case, form: ReviewForm) -> list[str]:
    spec = rules.consultation.form_for(case.category)
    return [f.key for f in blank_fields(spec.fields, form.values)] if spec else []


@consult_group.command("form")
@click.argument("case_id")
@click.option("--by", default=None, metavar="PERSON", help="承办人（默认本案承办人）/ the handler")
@_fields
@_as_of
@_db
@pass_ctx
def form_cmd(
    c: Context,
    case_id: str,
    by: str | None,
    fields: tuple[str, ...],
    as_of: dt.datetime | None,
    db_url: str | None,
) -> None:
    """承办人填写本案审查表（可分次填写）/ the handler fills the case's review form."""
    values = _pairs(c, fields)
    if not values:
        raise click.UsageError(c.say("请用 --field 栏目=内容 填写", "give --field NAME=VALUE"))

    def act(app: App) -> tuple[ReviewForm, str, list[str]]:
        actor = by or casework.handler_of(app.uow(), case_id)
        form = consultation.fill_review_form(app.uow(), app.rules, case_id, actor, app.now(),
                                             values)  # fmt: skip
        with app.uow() as uow:
            case = uow.cases.load_case(case_id)
        spec = app.rules.consultation.form_for(case.category) if case else None
        title = spec.label(c.lang) if spec else form.form_id
        return form, title, _blanks_after(app.rules, case, form) if case else []

    form, title, blanks = _run(c, db_url, as_of, act)
    click.echo(c.say(f"{case_id}：{title}已保存（{len(form.values)} 栏）",
                     f"{case_id}: {title} saved ({len(form.values)} answers)"))  # fmt: skip
    if blanks:
        click.echo(c.say(f"尚未填写：{'、'.join(blanks)}", f"still blank: {', '.join(blanks)}"))


# -- consult queue ------------------------------------------------------------------------------


@consult_group.command("queue")
@click.argument("person")
@_json
@_db
@pass_ctx
def queue_cmd(c: Context, person: str, as_json: bool, db_url: str | None) -> None:
    """初评小组成员待提意见的案件 / the open cases waiting for a member's opinion."""

    def act(app: App) -> tuple[list[consultation.QueueItem], dict[str, str]]:
        with app.uow() as uow:
            names = {p.id: p.name for p in uow.cases.people()}
        if person not in names:
            raise click.ClickException(c.say(f"{person} 不在人员名单中",
                                             f"{person} is not in the staff list"))  # fmt: skip
        return consultation.queue(app.uow(), person), names

    items, names = _run(c, db_url, None, act)
    if as_json:
        rows = [{"case_id": q.case_id, "unit": q.unit, "category": q.category.value,
                 "handler": q.handler, "handler_name": names.get(q.handler),
                 "major_complex": q.major_complex, "line": q.line,
                 "formed_at": q.formed_at.isoformat()} for q in items]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    who = names.get(person, person)
    if not items:
        click.echo(c.say(f"{who}（{person}）没有待提初评意见的案件",
                         f"{who} ({person}) has no case waiting for an opinion"))  # fmt: skip
        return
    click.echo(c.say(f"{who}（{person}）待提初评意见 {len(items)} 件：",
                     f"{who} ({person}): {len(items)} case(s) waiting for an opinion:"))  # fmt: skip
    for q in items:
        line = _line_label(q.line, c.lang)
        major = c.say("  重大疑难复杂", "  major/complex") if q.major_complex else ""
        click.echo(f"  {q.case_id}  {q.category.label(c.lang)}  {line}  "
                   f"{c.say('承办人', 'handler')}: {names.get(q.handler, q.handler)}  "
                   f"{q.formed_at:%Y-%m-%d}{major}")  # fmt: skip


def _line_label(value: str, lang: str) -> str:
    line = Line.parse(value)
    return line.label(lang) if line is not None else value
