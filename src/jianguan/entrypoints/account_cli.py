"""`jianguan account set PERSON_ID`: create a staff member's login, or reset its password;
`jianguan account roles PERSON_ID [--grant R] [--withdraw R] --reason TEXT`: change the role.

The account's role and unit come from people.csv (the person record), unless a role was given
on the platform (``account roles``), which a re-import of the staff list leaves standing. The
password is read from the terminal (twice) or, for scripts, from standard input with
``--password-stdin``. Only the argon2 hash is stored.
"""

from __future__ import annotations

import sys

import click

from jianguan.domain.model import Role
from jianguan.entrypoints.context import Context, pass_ctx
from jianguan.services.accounts import (
    RoleRefused,
    UnknownPerson,
    change_roles,
    set_password,
    staff_roles,
)
from jianguan.services.ports import UnitOfWork


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


def _role(c: Context, value: str | None) -> Role | None:
    """A role by its code (``chief``) or its Chinese name (``检察长``)."""
    if value is None:
        return None
    for role in Role:
        if value.strip() in (role.value, role.zh, role.en):
            return role
    known = "、".join(f"{r.zh}（{r.value}）" for r in Role)
    raise click.BadParameter(
        c.say(f"没有“{value}”这一角色；可选：{known}", f"no role {value!r}; one of: {known}")
    )


@account_group.command("roles")
@click.argument("person_id")
@click.option("--grant", default=None, help="授予的角色（代码或中文名）/ the role to grant")
@click.option("--withdraw", default=None, help="撤销的角色 / the role to withdraw")
@click.option("--reason", default="", help="理由（变更时必填）/ why (needed for a change)")
@click.option(
    "--by", "by", default=None, help="变更人（本院或上级院案管人员）/ who changes it (staff id)"
)
@click.option("--db", "db_url", metavar="URL", help="数据库 / database URL")
@pass_ctx
def account_roles(
    c: Context, person_id: str, grant: str | None, withdraw: str | None, reason: str,
    by: str | None, db_url: str | None,
) -> None:  # fmt: skip
    """查看或变更人员角色（平台记录，重新导入人员名单后仍然有效）/ show or change a role."""
    granted, withdrawn = _role(c, grant), _role(c, withdraw)
    with c.app(db_url) as app:
        if granted is None and withdrawn is None:
            _show(c, app.uow(), person_id)
            return
        try:
            change = change_roles(app.uow(), person_id, granted, withdrawn, reason, by or "cli",
                                  app.now())  # fmt: skip
        except UnknownPerson:
            raise click.ClickException(
                c.say(
                    f"人员 {person_id} 不在人员名单中", f"no person {person_id} in the staff list"
                )
            ) from None
        except RoleRefused as exc:
            raise click.ClickException(c.say(exc.zh, exc.en)) from None
    p = change.person
    click.echo(
        c.say(
            f"{p.name}（{p.id}）的角色：{change.before.zh} → {change.after.zh}"
            f"{'（平台授予）' if change.granted else '（人员名单）'}；其登录已全部结束",
            f"{p.id}: {change.before.en} -> {change.after.en}"
            f" ({'granted on the platform' if change.granted else 'the staff list'});"
            " their sessions ended",
        )
    )


def _show(c: Context, uow: UnitOfWork, person_id: str) -> None:
    with uow:
        person = uow.cases.person(person_id)
    if person is None:
        raise click.ClickException(
            c.say(f"人员 {person_id} 不在人员名单中", f"no person {person_id} in the staff list")
        )
    held = staff_roles(uow, [person])[person.id]
    if held.grant is None:
        click.echo(c.say(f"{person.name}（{person.id}）：{held.role.zh}（人员名单）",
                         f"{person.id}: {held.role.en} (the staff list)"))  # fmt: skip
        return
    g = held.grant
    click.echo(
        c.say(
            f"{person.name}（{person.id}）：{held.role.zh}（平台授予，人员名单为{held.listed.zh}；"
            f"{g.by} 于 {g.at:%Y-%m-%d %H:%M} 授予，理由：{g.reason}）",
            f"{person.id}: {held.role.en} (granted on the platform over the staff list's "
            f"{held.listed.en}; by {g.by} at {g.at:%Y-%m-%d %H:%M}: {g.reason})",
        )
    )
