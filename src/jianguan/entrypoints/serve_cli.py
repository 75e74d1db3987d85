"""`jianguan serve`: the web application (uvicorn), and the demo accounts for `make demo`."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import click

from jianguan.bootstrap import App
from jianguan.domain.model import Person, Role, UnitLevel
from jianguan.entrypoints import serve_factory
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.accounts import UnknownPerson, set_password
from jianguan.services.ports.schedule import Scheduler

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing easily misread


def demo_people(app: App) -> list[Person]:
    """The demo accounts: a prosecutor with live work, then a case officer and the department
    head of their unit, and a provincial case officer.

    The prosecutor is the one with most ledger entries the workbench's deadline list (今日工作,
    ``/due/deadlines``) shows: dated, on open cases not yet decided, so that their home page has
    rows. A prosecutor whose alerts are all on decided or closed cases has a workbench with
    nothing in it. Only when no prosecutor has such an entry (a very small demo) is the one with
    most active entries of any kind taken."""
    with app.uow() as uow:
        people = {p.id: p for p in uow.cases.people()}
        levels = {u.code: u.level for u in uow.cases.units()}
        live = [people[h] for h, _ in uow.access.handlers_by_alerts(50, live=True) if h in people]
        busiest = [people[h] for h, _ in uow.access.handlers_by_alerts(50) if h in people]
    prosecutor = next((p for p in (*live, *busiest) if p.role is Role.PROSECUTOR), None)
    if prosecutor is None:
        return []
    chosen = [prosecutor]
    for role, same_unit in ((Role.CASE_OFFICER, True), (Role.DEPARTMENT_HEAD, True)):
        chosen += [
            p
            for p in people.values()
            if p.role is role
            and p.unit == prosecutor.unit
            and (
                not same_unit
                or role is not Role.DEPARTMENT_HEAD
                or p.department == prosecutor.department
            )
        ][:1]
    chosen += [
        p
        for p in people.values()
        if p.role is Role.CASE_OFFICER and levels.get(p.unit) is UnitLevel.PROVINCIAL
    ][:1]
    return chosen


def make_demo_accounts(app: App) -> list[tuple[Person, str]]:
    """Accounts (user name = staff id) with fresh random passwords, printed once by the caller;
    hashed with the application's hasher."""
    out = []
    for person in demo_people(app):
        password = "".join(secrets.choice(ALPHABET) for _ in range(12))
        set_password(app.uow(), app.hasher, person.id, person.id, password, app.now(), "demo")
        out.append((person, password))
    return out


def demo_as_of(data_dir: Path) -> dt.date | None:
    manifest = data_dir / "demo-data" / "manifest.json"
    if not manifest.is_file():
        return None
    return dt.date.fromisoformat(json.loads(manifest.read_text("utf-8"))["as_of"])


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="倒计时的基准日（默认今天）/ the day countdowns count from (default today)")  # fmt: skip
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Cookie 仅经 HTTPS 发送（默认：非本机地址时开启）/ Secure cookies (default: on unless loopback)")  # fmt: skip
@click.option("--demo", is_flag=True,
              help="为演示人员创建账号并打印密码；以演示数据日期为基准日 / demo accounts and the demo data's date")  # fmt: skip
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="网页服务进程数 / web server processes")  # fmt: skip
@pass_ctx
def serve_cmd(
    c: Context,
    host: str,
    port: int,
    db_url: str | None,
    as_of: dt.datetime | None,
    secure_cookies: bool | None,
    demo: bool,
    workers: int,
) -> None:
    """启动网页服务 / serve the web application."""
    import uvicorn  # the web stack loads only when it is served

    from jianguan.web.app import create_app
    from jianguan.web.state import WebConfig

    day = as_of.date() if as_of else (demo_as_of(c.settings.data_dir) if demo else None)
    with c.app(db_url, day) as app:
        if demo:
            show_demo_accounts(c, app)
        secure = host not in LOOPBACK if secure_cookies is None else secure_cookies
        site = create_app(app, WebConfig(secure_cookies=secure))
        shown = f"[{host}]" if ":" in host else host
        click.echo(
            c.say(
                f"网页服务：http://{shown}:{port}/  （Ctrl+C 停止）",
                f"serving at http://{shown}:{port}/  (Ctrl+C stops)",
            )
        )
        scheduler = start_scheduler(c, app)
        try:
            if workers == 1:
                uvicorn.run(site, host=host, port=port, log_level="warning")
            else:  # each worker process builds its own application from the same settings
                os.environ.update(
                    serve_factory.environment(app.store.url, day, secure, c.settings.lang)
                )
                if serve_factory.balanced():  # a socket per process: connections spread evenly
                    serve_factory.serve_processes(host, port, workers)
                    return
                uvicorn.run(
                    "jianguan.entrypoints.serve_factory:create_site",
                    factory=True,
                    workers=workers,
                    host=host,
                    port=port,
                    log_level="warning",
                )
        finally:
            if scheduler is not None:
                scheduler.shutdown()


def start_scheduler(c: Context, app: App) -> Scheduler | None:
    """The scheduled work inside the server (docs/schedule.md), unless the settings switch it
    off (JIANGUAN_SCHEDULE_ENABLED=false)."""
    from jianguan.services.schedule import run_due

    if not app.settings.schedule_enabled:
        click.echo(
            c.say("定时任务已关闭（JIANGUAN_SCHEDULE_ENABLED=false）", "scheduled work is off")
        )
        return None
    scheduler = app.scheduler(lambda: run_due(app.schedule_deps(), trigger="scheduler"))
    scheduler.start()
    click.echo(c.say(
        f"定时任务：每日 {app.settings.schedule_time}（北京时间）运行到期任务；/schedule 查看运行记录",
        f"scheduled work: due jobs run daily at {app.settings.schedule_time} CST; see /schedule",
    ))  # fmt: skip
    return scheduler


def show_demo_accounts(c: Context, app: App) -> None:
    """Make the demo accounts and print them (refused when the store holds no demo data)."""
    try:
        accounts = make_demo_accounts(app)
    except UnknownPerson as exc:  # pragma: no cover - the people were just read
        raise click.ClickException(str(exc)) from None
    if not accounts:
        raise click.ClickException(
            c.say(
                "库中没有演示数据，请先运行 jianguan demo",
                "no demo data: run `jianguan demo` first",
            )
        )
    click.echo(c.say("演示账号（用户名 / 密码）：", "demo accounts (user name / password):"))
    for person, password in accounts:
        click.echo(
            f"  {person.id:<12} {password:<14} {person.name} · {person.role.value} · {person.unit}"
        )
