"""What every command shares: settings, the message language, opening the store, reports."""

from __future__ import annotations

import sys

import click

from jianguan.adapters.store.engine import StoreError
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.entrypoints.messages import Messages
from jianguan.services.importing import ImportReport
from jianguan.settings import Settings


class Context:
    def __init__(self, lang: str | None) -> None:
        self.settings = Settings() if lang is None else Settings(lang=lang)  # type: ignore[arg-type]
        self.say = Messages(self.settings.lang)

    def store(self, db_url: str | None) -> SqlStore:
        try:
            return SqlStore(self.settings.store_url(db_url))
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # connection refused, bad URL, …
            msg = self.say("无法打开数据库", "cannot open the database")
            raise click.ClickException(f"{msg}: {exc}") from None


pass_ctx = click.make_pass_decorator(Context)


def print_import_report(c: Context, report: ImportReport) -> None:
    if report.errors:
        for err in report.errors:
            click.echo(
                str(err)
                if c.settings.lang == "zh"
                else f"{err.file}:{err.line}: {err.field}: {err.en}",
                err=True,
            )
        click.echo(
            c.say(
                f"导入被拒绝：{len(report.errors)} 处错误，数据库未作任何改动。",
                f"import refused: {len(report.errors)} error(s); the store was not changed.",
            ),
            err=True,
        )
        sys.exit(1)
    click.echo(
        c.say(
            f"案件：新增 {report.cases_new}，变更 {report.cases_changed}，未变 {report.cases_unchanged}；"
            f"单位：新增 {report.units_new}，变更 {report.units_changed}；"
            f"人员：新增 {report.people_new}，变更 {report.people_changed}",
            f"cases: {report.cases_new} new, {report.cases_changed} changed, {report.cases_unchanged} unchanged; "
            f"units: {report.units_new} new, {report.units_changed} changed; "
            f"people: {report.people_new} new, {report.people_changed} changed",
        )
    )
    if not report.changed_anything:
        click.echo(
            c.say(
                "数据与库中一致，未作改动。", "nothing changed: the store already holds this data."
            )
        )
