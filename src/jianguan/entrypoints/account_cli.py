"""`jianguan account set PERSON_ID`: create a staff member's login, or reset its password.

The account's role and unit come from people.csv (the person record); the password is read
from the terminal (twice) or, for scripts, from standard input with ``--password-stdin``.
Only the argon2 hash is stored.
"""

from __future__ import annotations

import sys

import click

from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.accounts import UnknownPerson, set_password


@click.group("account")
def account_group() -> None:
    """登录账号管理 / login accounts."""


@account_group.command("set")
@click.argument("person_id")
@click.option(
    "--username", default=None, help="用户名（默认人员编号）/ user name (default: the id)"
)
@click.option(
    "--password-stdin", is_flag=True, help="从标准输入读取密码 / read the password from stdin"
)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def account_set(
    c: Context, person_id: str, username: str | None, password_stdin: bool, db_url: str | None
) -> None:
    """为人员创建账号或重置密码（角色取自人员名单）/ create an account or reset its password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(
            c.say("密码", "password"), hide_input=True, confirmation_prompt=True
        )
    name = username or person_id
    with c.app(db_url) as app:
        try:
            set_password(app.uow(), app.hasher, name, person_id, password, app.now(), "cli")
        except UnknownPerson:
            raise click.ClickException(
                c.say(
                    f"人员 {person_id} 不在人员名单中", f"no person {person_id} in the staff list"
                )
            ) from None
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(c.say(f"账号 {name} 已设置", f"account {name} set"))
