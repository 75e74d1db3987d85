"""`jianguan demo`: generate a demo province, import it into the embedded store, show what is there."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import closing
from pathlib import Path

import click

from jianguan.bootstrap import App
from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.gates import GateRefused
from jianguan.domain.model import CaseCategory
from jianguan.domain.review import ReviewMode
from jianguan.entrypoints.context import Context, pass_ctx, print_import_report
from jianguan.entrypoints.indicators_cli import print_headline
from jianguan.entrypoints.messages import pad
from jianguan.entrypoints.monitor_cli import finding_counts, print_changes, print_ledger
from jianguan.entrypoints.serve_cli import demo_people
from jianguan.entrypoints.supervision_cli import seed_demo_matters
from jianguan.services import casework, responsibility, review
from jianguan.services.importing import import_dataset, store_summary
from jianguan.services.monitoring import ledger_summary, monitor_and_record


def _demo_data(out_dir: Path, cases: int, seed: int, calendar: WorkCalendar) -> None:
    """Generate unless the folder already holds this exact demo set (the generator is deterministic)."""
    manifest = out_dir / "manifest.json"
    if manifest.is_file():
        meta = json.loads(manifest.read_text("utf-8"))
        if meta.get("cases") == cases and meta.get("seed") == seed:
            return
    from jianguan.synth import generate

    # planted anomalies and data-quality issues, so that the quality page has something to show
    generate(out_dir, calendar=calendar, cases=cases, seed=seed, defect_rate=0.03, plant=True)


@click.command("demo")
@click.option("--cases", "n_cases", type=click.IntRange(min=100), default=20_000, show_default=True)
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def demo_cmd(c: Context, n_cases: int, seed: int, db_url: str | None) -> None:
    """演示：生成演示数据、导入内置数据库并汇总 / demo: generate, import, summarise."""
    data_dir = c.settings.data_dir / "demo-data"
    click.echo(c.say(f"生成演示数据（{n_cases} 件）…", f"generating demo data ({n_cases} cases)…"))
    _demo_data(data_dir, n_cases, seed, c.rules().calendar)
    as_of = dt.date.fromisoformat(json.loads((data_dir / "manifest.json").read_text())["as_of"])
    with c.app(db_url, as_of) as app:
        click.echo(c.say(f"导入到 {app.url} …", f"importing into {app.url} …"))
        feed = app.open_dataset(data_dir)
        with closing(feed):
            print_import_report(c, import_dataset(feed, app.uow(), actor="demo"))
        counts, by_category = store_summary(app.uow())
        _print_summary(c, counts, by_category)
        print_headline(c, app.indicators(), app.rules.indicators)
        seed_demo_matters(c, app)  # issue 15: leads, matters, meetings (before monitoring)
        _monitor(c, app)
        _form_panels(c, app)  # issue 15: the consultation's panels (after the alerts it reads)
        _review_and_lists(c, app)


def _monitor(c: Context, app: App) -> None:
    """Flow monitoring as of the demo data's end, into the ledger (台账), and its summary."""
    as_of = app.today()
    click.echo(c.say(f"\n流程监控（截至 {as_of}）…", f"\nflow monitoring (as of {as_of})…"))
    findings, changes = monitor_and_record(app.uow(), app.rules, as_of)
    summary = finding_counts(c, app.rules, findings)
    click.echo(
        c.say(f"监控结果 {len(findings)} 条：{summary}", f"{len(findings)} findings: {summary}")
    )
    print_changes(c, changes)
    print_ledger(c, ledger_summary(app.uow()))


def _review_and_lists(c: Context, app: App) -> None:
    """A case-quality review plan for the demo's year with reviewers assigned, and the
    positive/negative lists, so that the review and responsibility pages have something to show
    (a re-run keeps the plan that is there)."""
    year, policy, now = app.today().year, app.rules.review, app.now()
    try:
        plan = review.make_plan(
            app.uow(), policy, year, sampling=policy.sampling, now=now, seed="demo", by="demo"
        )
        review.assign(app.uow(), policy, year, ReviewMode.CROSS, now=now, by="demo")
        graded = _grade_some(app, year)
        click.echo(
            c.say(
                f"\n{year} 年度案件质量评查计划：{len(plan.entries)} 件，已交叉分配评查人，"
                f"{graded} 件已登记评查等次。",
                f"\n{year} case-quality review plan: {len(plan.entries)} cases, reviewers "
                f"assigned across units, {graded} graded.",
            )
        )
    except review.ReviewError as exc:  # the plan of an earlier run
        click.echo(c.say(f"\n评查计划：{exc.zh}", f"\nreview plan: {exc.en}"))
    entries = responsibility.build_lists(
        app.uow(), app.rules.responsibility, app.today(), "demo", now
    )
    click.echo(
        c.say(
            f"正面/负面清单：{len(entries)} 条。",
            f"positive/negative lists: {len(entries)} entries.",
        )
    )


DEMO_PANELS = 8  # open cases the demo assigns, so that panels form (线上会诊)


def _form_panels(c: Context, app: App) -> None:
    """Assign a few open cases that the consultation rules may send to the review panel,
    through ``casework.assign``, so the panel is drawn as on the platform and the member's
    queue and the case's consultation page have content. Cases of the demo prosecutor's unit
    first (the ``jianguan serve --demo`` accounts), major ones first, then by case id; seeded
    from the case id. A case the demo assigned once is not assigned again (a re-run changes
    nothing), whether or not its new handler sent it to the panel. A case with a dated alert
    is left with its handler: the demo prosecutor is chosen by those alerts (``demo_people``),
    and a new draw would move them, and the choice with them, to someone else."""
    criteria = app.rules.consultation.criteria
    demo = demo_people(app)
    home = demo[0].unit if demo else None
    with app.uow() as uow:
        dated = {k[0] for k, e in uow.ledger.entries().items()
                 if e.status.active and e.due is not None}  # fmt: skip
        fitting = sorted(
            (case.unit != home, not case.major_complex, case.case_id)
            for case in uow.cases.iter_cases()
            if case.closed_on is None
            and case.case_id not in dated
            and any(x.applies(case, None) for x in criteria)
        )
        chosen = [case_id for *_, case_id in fitting[:DEMO_PANELS]]
        done = {
            case_id
            for case_id in chosen
            if any(r.by == "demo" for r in uow.casework.assignments(case_id))
        }
    for case_id in chosen:
        if case_id in done:
            continue
        try:
            casework.assign(app.uow(), app.rules, case_id, "demo", app.now(),
                            seed=f"demo-{case_id}")  # fmt: skip
        except GateRefused:  # no eligible prosecutor in the department: left as it was
            continue
    with app.uow() as uow:
        panels = sum(uow.consultation.panel(case_id) is not None for case_id in chosen)
    if chosen and len(done) == len(chosen):
        click.echo(c.say(f"线上会诊：演示分案已完成，{panels} 件在初评小组，未重复分案",
                         f"consultation: the demo's assignments are done, {panels} on a panel"))  # fmt: skip
        return
    click.echo(c.say(f"线上会诊：{len(chosen) - len(done)} 件在办案件分案，{panels} 件提交初评小组",
                     f"consultation: {len(chosen) - len(done)} open case(s) assigned, "
                     f"{panels} sent to the review panel"))  # fmt: skip


DEMO_GRADED = 20  # forms the demo grades, so the review page shows recorded forms too


def _grade_some(app: App, year: int) -> int:
    """Record the pre-filled grade on the first forms, as their reviewers would."""
    policy, now, graded = app.rules.review, app.now(), 0
    with app.uow() as uow:
        forms = uow.review.forms(year)[:DEMO_GRADED]
    for form in forms:
        try:
            review.record(
                app.uow(), policy, form.case_id, form.suggested or "合格", now=now,
                year=year, by=form.reviewer,
            )  # fmt: skip
            graded += 1
        except review.ReviewError:  # a grade the form's findings do not allow: left to a person
            continue
    return graded


def _print_summary(
    c: Context, counts: dict[str, int], by_category: dict[str, tuple[int, int]]
) -> None:
    click.echo(
        c.say(
            f"\n库中现有：单位 {counts['units']} 个，人员 {counts['people']} 名，案件 {counts['cases']} 件，"
            f"犯罪嫌疑人 {counts['suspects']} 人，事件 {counts['events']} 条，文书 {counts['documents']} 份。",
            f"\nIn the store: {counts['units']} units, {counts['people']} people, {counts['cases']} cases, "
            f"{counts['suspects']} suspects, {counts['events']} events, {counts['documents']} documents.",
        )
    )
    click.echo(
        pad(c.say("案件类别", "category"), 22) + c.say("    总数    在办", "     all    open")
    )
    for category in CaseCategory:
        total, still_open = by_category.get(category.value, (0, 0))
        label = category.label(c.lang)
        click.echo(f"  {pad(label, 20)}{total:>8}{still_open:>8}")
