"""The rows of the long lists — ledger entries, the home page's alerts, cases — written here
rather than in Jinja.

At 1 M cases a page of 50 ledger rows spent half its CPU in Jinja's machinery per expression:
every word, label, class and link went through ``Context.call`` and an escape of its own
(issue 18: one process serves pages one after another, so a page's CPU is the queue's step).
A row written as one string costs a fraction of that. The HTML is the very markup the
templates wrote, byte for byte (tests/unit/test_web_fragments.py renders both and compares):
every value from the data is escaped with markupsafe, as Jinja's autoescape did, and a link's
path part quoted as Jinja's ``urlencode`` filter did.

The templates call these through globals that read the words (``t``), the language, the names
and the user from the template's own context (``render.render`` puts them there).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from jianguan.web.i18n import Words
from jianguan.web.models import CaseOut, LedgerOut
from jianguan.web.state import Names

__all__ = ["GLOBALS", "alert_rows", "case_rows", "countdown", "ledger_rows", "steps"]


def _url(value: str) -> str:
    """A path segment as Jinja's ``urlencode`` filter quotes it (``/`` kept)."""
    return quote_from_bytes(value.encode("utf-8"), b"/")


# A vocabulary member's word, escaped, per language: the same few dozen words on every row.
_LABELS: dict[tuple[Any, str], str] = {}


def _label(member: Any, lang: str) -> str:
    key = (member, lang)
    word = _LABELS.get(key)
    if word is None:
        word = _LABELS[key] = str(escape(member.label(lang)))
    return word


@dataclass(frozen=True, slots=True)
class _Kit:
    """The page's fixed words a row repeats, escaped once per language."""

    escalate: str
    answer: str
    undo: str
    overdue: str
    days_left: str
    in_time: str
    by_monitor: str


_KITS: dict[str, _Kit] = {}


def _word(text: str) -> str:
    return str(escape(text))


def _kit(t: Words) -> _Kit:
    kit = _KITS.get(t.lang)
    if kit is None:
        monitor = t.say("监控复查确认问题已消除", "resolved: the monitor no longer finds it")
        kit = _KITS[t.lang] = _Kit(
            escalate=_word(t("escalate")),
            answer=_word(t("answer_entry")),
            undo=_word(t("undo")),
            overdue=_word(t("overdue")),
            days_left=_word(t("days_left")),
            in_time=_word(t("done_in_time")),
            by_monitor=_word(monitor),
        )
    return kit


def _countdown(e: LedgerOut, t: Words, kit: _Kit) -> str:
    """An entry's countdown beside its due day: days left (soon within three), overdue, or
    once its case is decided, late by N days or in time."""
    if e.days_late is not None:
        if e.days_late:
            inner = escape(t.fmt("days_late_at_close", n=e.days_late))
            return f'<span class="countdown late done">（{inner}）</span>'
        return f'<span class="countdown  done">（{kit.in_time}）</span>'
    if e.days_left is None:
        return ""
    if e.days_left < 0:
        return f'<span class="countdown late">（{kit.overdue} {-e.days_left}）</span>'
    mark = "soon" if e.days_left <= 3 else ""
    return f'<span class="countdown {mark}">（{kit.days_left} {e.days_left}）</span>'


def _steps(e: LedgerOut, lang: str, names: Names, kit: _Kit) -> str:
    """An entry's steps by hand with their reasons, and whether the monitor resolved it."""
    out = ""
    if e.steps:
        items = "".join(
            f"<li>{s.on} {_label(s.action, lang)} · {escape(names.person(s.by))}"
            + (f'：<span class="reason">{escape(s.reason)}</span>' if s.reason else "")
            + "</li>"
            for s in e.steps
        )
        out = f'<ul class="steps ledger-steps">{items}</ul>'
    if e.resolved_by_monitor:
        out += f'<small class="by-monitor">{kit.by_monitor}</small>'
    return out


def _ledger_row(
    e: LedgerOut, t: Words, kit: _Kit, names: Names, user: Any, sev: Any, href: Any
) -> str:
    lang = t.lang
    case_id, rule = escape(e.case_id), escape(e.rule)
    path = f"/ledger/{escape(_url(e.case_id))}/{rule}"
    cls = escape(sev(e.severity))
    keeps = user.may_escalate
    escalate = (
        f'<button class="escalate" hx-post="{path}/escalate" hx-target="closest tr" '
        f'hx-swap="outerHTML">{kit.escalate}</button>'
        if keeps and e.may_escalate
        else ""
    )
    answer = (
        f'<a class="answer-open" href="{path}/answer" hx-get="{path}/answer" hx-target="this" '
        f'hx-swap="outerHTML">{kit.answer}…</a>'
        if e.may_answer
        else ""
    )
    undo = (
        f'<form class="undo inline" method="post" action="{path}/answer" '
        f'hx-post="{path}/answer" hx-target="closest tr" hx-swap="outerHTML">\n'
        f'    <input type="hidden" name="csrf" value="{escape(user.csrf)}">'
        '<input type="hidden" name="outcome" value="undo">'
        '<input type="hidden" name="reason" value="">\n'
        f'    <button type="submit" class="link">{kit.undo}</button></form>'
        if keeps and e.may_undo
        else ""
    )
    return (
        f'<tr class="{cls}" id="row-{case_id}-{rule}">\n'
        f'  <td><a href="{escape(href(e.kind, e.case_id))}">{case_id}</a></td>'
        f'<td title="{escape("；".join(e.basis))}">{escape(e.title)}</td>\n'
        f'  <td><span class="badge {cls}">{_label(e.severity, lang)}</span></td>'
        f"<td>{escape(names.unit(e.unit))}</td>"
        f"<td>{escape(e.due or '—')}{_countdown(e, t, kit)}</td>\n"
        f"  <td>{_label(e.status, lang)}{_steps(e, lang, names, kit)}</td>"
        f"<td>{_label(e.escalation, lang)}</td><td>{e.first_found}</td>\n"
        f'  <td class="ledger-actions">{escalate}\n  {answer}\n  {undo}</td>\n'
        "</tr>\n"
    )


def _alert_row(e: LedgerOut, t: Words, kit: _Kit, sev: Any, href: Any) -> str:
    lang = t.lang
    cls = escape(sev(e.severity))
    left = e.days_left
    if e.days_late or (left is not None and left < 0):
        mark = "late"
    elif left is not None and left <= 3:
        mark = "soon"
    else:
        mark = ""
    shown: str
    if e.days_late is not None:
        shown = escape(t.fmt("days_late_at_close", n=e.days_late)) if e.days_late else kit.in_time
    elif left is None:
        shown = "—"
    elif left < 0:
        shown = f"{kit.overdue} {-left}"
    else:
        shown = str(left)
    return (
        f'\n<tr class="alert {cls}">\n'
        f'  <td class="countdown {mark}">\n    {shown}</td>\n'
        f'  <td><a href="{escape(href(e.kind, e.case_id))}">{escape(e.case_id)}</a></td>\n'
        f'  <td title="{escape("；".join(e.basis))}">{escape(e.title)}</td>\n'
        f'  <td><span class="badge {cls}">{_label(e.severity, lang)}</span></td>\n'
        f"  <td>{_label(e.escalation, lang)}</td>\n"
        f"  <td>{escape(e.due or '—')}</td>\n"
        f"  <td>{escape(e.explanation)}</td>\n"
        "</tr>\n"
    )


def _case_row(c: CaseOut, lang: str, names: Names) -> str:
    decision = _label(c.decision_type, lang) if c.decision_type else "—"
    return (
        f'\n<tr><td><a href="/cases/{escape(_url(c.case_id))}">{escape(c.case_id)}</a></td>'
        f"<td>{_label(c.category, lang)}</td><td>{escape(names.unit(c.unit))}</td>"
        f"<td>{escape(names.person(c.handler))}</td><td>{c.received_on}</td>"
        f"<td>{decision}</td><td>{escape(c.closed_on or '—')}</td></tr>\n"
    )


@pass_context
def ledger_rows(ctx: Context, entries: Iterable[LedgerOut]) -> Markup:
    """``<tr>`` per ledger entry (the ledger page, and one row after an answer)."""
    t, names, user, sev, href = ctx["t"], ctx["names"], ctx["user"], ctx["sev"], ctx["subject_href"]
    kit = _kit(t)
    return Markup("".join(_ledger_row(e, t, kit, names, user, sev, href) for e in entries))


@pass_context
def alert_rows(ctx: Context, entries: Sequence[LedgerOut]) -> Markup:
    """``<tr>`` per alert (the home page's list, soonest due first)."""
    t, sev, href = ctx["t"], ctx["sev"], ctx["subject_href"]
    kit = _kit(t)
    return Markup("".join(_alert_row(e, t, kit, sev, href) for e in entries))


@pass_context
def case_rows(ctx: Context, cases: Iterable[CaseOut]) -> Markup:
    """``<tr>`` per case (the case list, the home page's open cases)."""
    lang, names = ctx["lang"], ctx["names"]
    return Markup("".join(_case_row(c, lang, names) for c in cases))


@pass_context
def countdown(ctx: Context, e: LedgerOut) -> Markup:
    """An entry's countdown (the case page's findings)."""
    return Markup(_countdown(e, ctx["t"], _kit(ctx["t"])))


@pass_context
def steps(ctx: Context, e: LedgerOut) -> Markup:
    """An entry's steps by hand (the case page's findings)."""
    t = ctx["t"]
    return Markup(_steps(e, t.lang, ctx["names"], _kit(t)))


GLOBALS = {
    "ledger_rows": ledger_rows,
    "alert_rows": alert_rows,
    "case_rows": case_rows,
    "ledger_countdown": countdown,
    "ledger_steps": steps,
}
