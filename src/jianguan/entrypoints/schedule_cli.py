"""`jianguan schedule run-due | status`: the scheduled work (定时任务) run once from the command
line — what the scheduler inside `jianguan serve` runs each day — and where each job stands."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from jianguan.domain.schedule import JOBS, JobState, JobView, Run
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services import schedule as svc

DATE = click.DateTime(["%Y-%m-%d"])


def run_json(r: Run) -> dict[str, Any]:
    return {"id": r.id, "job": r.job, "due": r.due.isoformat(), "trigger": r.trigger,
            "started_at": r.started_at.isoformat(),
            "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            "outcome": r.outcome.value, "message": r.message}  # fmt: skip


def view_json(v: JobView) -> dict[str, Any]:
    return {"job": v.job.id, "name": v.job.zh, "cadence": v.job.cadence.value,
            "state": v.state.value, "state_zh": v.state.zh,
            "last": run_json(v.last) if v.last else None,
            "last_success": run_json(v.last_success) if v.last_success else None,
            "next_slot": v.next_slot.isoformat()}  # fmt: skip


@click.group("schedule")
def schedule_group() -> None:
    """定时任务：每日监控、提醒、月度通报、季度数据质量核查 / scheduled work."""


@schedule_group.command("run-due")
@click.option("--job", "jobs", multiple=True, type=click.Choice([j.id for j in JOBS]),
              help="只运行这些任务 / only these jobs")  # fmt: skip
@click.option("--force", is_flag=True, help="未到期也运行 / run even when not due")
@click.option("--as-of", "as_of", type=DATE, default=None, help="以此日为今天 / the day")
@click.option("--json", "as_json", is_flag=True)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def run_due_cmd(
    c: Context, jobs: tuple[str, ...], force: bool, as_of: dt.datetime | None, as_json: bool,
    db_url: str | None,
) -> None:  # fmt: skip
    """运行到期的定时任务一次并记录 / run the due jobs once and record each run."""
    with c.app(db_url, as_of.date() if as_of else None) as app:
        runs = svc.run_due(app.schedule_deps(), trigger="cli", only=jobs, force=force)
    if as_json:
        click.echo(json.dumps([run_json(r) for r in runs], ensure_ascii=False, indent=1))
    elif not runs:
        click.echo(c.say("没有到期的定时任务", "no job is due"))
    for r in runs if not as_json else ():
        name = next(j.label(c.lang) for j in JOBS if j.id == r.job)
        click.echo(f"{name} [{r.outcome.label(c.lang)}] {r.message}")
    if any(r.outcome.value == "failed" for r in runs):
        raise SystemExit(1)


@schedule_group.command("status")
@click.option("--as-of", "as_of", type=DATE, default=None, help="以此日为今天 / the day")
@click.option("--json", "as_json", is_flag=True)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def status_cmd(c: Context, as_of: dt.datetime | None, as_json: bool, db_url: str | None) -> None:
    """各定时任务的状态（漏跑、待运行）与最近运行 / each job's state and the latest runs."""
    with c.app(db_url, as_of.date() if as_of else None) as app:
        views, runs = svc.overview(app.schedule_deps(), limit=20)
    if as_json:
        click.echo(json.dumps({"jobs": [view_json(v) for v in views],
                               "runs": [run_json(r) for r in runs]}, ensure_ascii=False, indent=1))  # fmt: skip
        return
    for v in views:
        last = v.last_success.started_at.isoformat(timespec="minutes") if v.last_success else "—"
        click.echo(f"{v.job.label(c.lang)} [{v.state.label(c.lang)}] "
                   f"{c.say('上次成功', 'last success')} {last}")  # fmt: skip
    if any(v.state is JobState.MISSED for v in views):
        raise SystemExit(1)
