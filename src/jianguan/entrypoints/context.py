"""What every command shares: settings, the message language, the application, reports."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from jianguan.bootstrap import App, bootstrap, rulebook
from jianguan.domain.errors import RulebookError
from jianguan.domain.rulebook import Rulebook
from jianguan.entrypoints.messages import Messages
from jianguan.services.importing import ImportReport
from jianguan.services.ports import StoreUnavailable
from jianguan.settings import Settings


class Context:
    def __init__(self, lang: str | None) -> None:
        self.settings = Settings() if lang is None else Settings(lang=lang)  # type: ignore[arg-type]
        self.say = Messages(self.settings.lang)
        self._rules: Rulebook | None = None

    @property
    def lang(self) -> str:
        return self.settings.lang

    def rules(self) -> Rulebook:
        """The rulebook alone (commands that need no store)."""
        if self._rules is None:
            try:
                self._rules = rulebook(self.settings.data_dir)
            except RulebookError as exc:
                msg = self.say("规则文件有误", "a rule file is invalid")
                raise click.ClickException(f"{msg}: {exc}") from None
        return self._rules

    def app(self, db_url: str | None, as_of: dt.date | None = None) -> App:
        """The application on the store at ``db_url`` (or the configured one); ``as_of`` pins
        the clock. Close it when done (``with c.app(...) as app`` does)."""
        try:
            return bootstrap(self.settings, db_url=db_url, as_of=as_of, rules=self.rules())
        except StoreUnavailable as exc:
            raise click.ClickException(str(exc)) from None


pass_ctx = click.make_pass_decorator(Context)


REFUSED = 2  # the exit status of a refused import (bad input): nothing was written


MISSING_SHOWN = 10  # the rest is in the report file


def print_import_report(c: Context, report: ImportReport, saved: Path | None = None) -> None:
    if saved is not None:  # said first: a refusal ends the program below
        click.echo(c.say(f"导入报告已写入 {saved}", f"import report written to {saved}"))
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
        sys.exit(REFUSED)
    scope = report.scope.zh if c.settings.lang == "zh" else report.scope.en
    if report.since is not None:
        scope += c.say(f"（{report.since} 起）", f" (since {report.since})")
    click.echo(
        c.say(
            f"{scope}：收到案件记录 {report.received}", f"{scope}: {report.received} case records"
        )
    )
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
    if report.roles_granted:
        click.echo(
            c.say(
                f"人员角色：{report.roles_granted} 人的角色由本平台授予，与人员名单不同，授予继续有效"
                "（jianguan account roles 查看或撤回）",
                f"roles: {report.roles_granted} person(s) hold a role granted on the platform "
                "that differs from the staff list; the grant stands (see or withdraw it with "
                "jianguan account roles)",
            )
        )
    if report.platform_kept:
        click.echo(
            c.say(
                f"本平台记录：{report.platform_kept} 件变更案件的本平台记录（事件、决定、分案）均已保留",
                f"platform records: kept on all {report.platform_kept} changed case(s) "
                "(events, decisions, assignments)",
            )
        )
    if report.conflicts:
        click.echo(
            c.say(
                f"冲突：{len(report.conflicts)} 处，导出与本平台记录不一致（均已保留，请核对）：",
                f"conflicts: {len(report.conflicts)} where the export and the platform's "
                "records disagree (both kept; check them):",
            )
        )
        for conflict in report.conflicts:
            text = conflict.zh if c.settings.lang == "zh" else conflict.en
            click.echo(f"  {conflict.case_id}: {conflict.field}: {text}")
    if report.missing:
        shown = "、".join(report.missing[:MISSING_SHOWN])
        more = len(report.missing) > MISSING_SHOWN
        click.echo(
            c.say(
                f"全量导出中缺少 {len(report.missing)} 件库中本单位案件（未删除，请核对）：{shown}"
                + ("……" if more else ""),
                f"{len(report.missing)} stored case(s) of these units are missing from the full "
                f"export (kept; check them): {shown}" + (" …" if more else ""),
            )
        )
    if not report.changed_anything:
        click.echo(
            c.say(
                "数据与库中一致，未作改动。", "nothing changed: the store already holds this data."
            )
        )
