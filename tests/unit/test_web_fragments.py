"""The list rows written in Python (web/fragments.py), rendered through the very templates the
pages use: every branch of a row's marks, escaping of what the data holds, quoting of links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from jianguan.domain.ledger import LedgerAction, LedgerStatus, Level
from jianguan.domain.model import CaseCategory, DecisionType
from jianguan.domain.monitoring import FindingKind, Severity
from jianguan.web.i18n import Words
from jianguan.web.models import CaseOut, CasePage, LedgerOut, LedgerPage, StepOut
from jianguan.web.render import TEMPLATES, severity_class
from jianguan.web.state import Names

DAY = dt.date(2025, 12, 31)
NAMES = Names(people={"P1": "张三"}, units={"440100": "广州市人民检察院"})


@dataclass(frozen=True)
class FakeUser:
    may_escalate: bool
    csrf: str = "tok-1"


def entry(**changes: Any) -> LedgerOut:
    values: dict[str, Any] = {
        "case_id": "440100-2024-XSDB-000060",
        "rule": "review_overdue",
        "title": "审查期限超期",
        "kind": FindingKind.REVIEW_OVERDUE,
        "severity": Severity.SERIOUS,
        "due": dt.date(2025, 12, 29),
        "days_left": -2,
        "basis": ["刑事诉讼法第91条", "规则第282条"],
        "explanation": "超期 2 日",
        "unit": "440100",
        "status": LedgerStatus.OPEN,
        "escalation": Level.REMIND,
        "first_found": dt.date(2025, 12, 30),
        "last_found": DAY,
        "notified_on": None,
        "resolved_on": None,
        "may_escalate": True,
        "may_answer": True,
    }
    return LedgerOut(**(values | changes))


def render(name: str, lang: str = "zh", user: FakeUser | None = None, **context: Any) -> str:
    words = Words(lang)
    base = {"t": words, "lang": words.lang, "sev": severity_class, "names": NAMES,
            "user": user or FakeUser(may_escalate=True)}  # fmt: skip
    return TEMPLATES.env.get_template(name).render(**(base | context))


def ledger_row(e: LedgerOut, **kw: Any) -> str:
    return render("ledger_row.html", e=e, **kw)


def test_a_ledger_row_shows_the_entry_with_its_links_and_words() -> None:
    html = ledger_row(entry())
    assert html.startswith('<tr class="sev-1" id="row-440100-2024-XSDB-000060-review_overdue">')
    assert '<a href="/cases/440100-2024-XSDB-000060">440100-2024-XSDB-000060</a>' in html
    assert '<td title="刑事诉讼法第91条；规则第282条">审查期限超期</td>' in html
    assert '<span class="badge sev-1">情节较重</span>' in html
    assert "<td>广州市人民检察院</td>" in html
    assert '<td>2025-12-29<span class="countdown late">（已超期 2）</span></td>' in html
    assert "<td>待处理</td><td>提醒</td><td>2025-12-30</td>" in html
    path = "/ledger/440100-2024-XSDB-000060/review_overdue"
    assert f'hx-post="{path}/escalate"' in html
    assert ">升级</button>" in html
    assert f'href="{path}/answer" hx-get="{path}/answer"' in html
    assert ">处理…</a>" in html
    assert "undo" not in html  # nothing to undo
    assert html.endswith("</td>\n</tr>\n")


@pytest.mark.parametrize(
    ("changes", "mark"),
    [
        ({"days_left": 2}, '<span class="countdown soon">（剩余天数 2）</span>'),
        ({"days_left": 10}, '<span class="countdown ">（剩余天数 10）</span>'),
        ({"days_left": None, "days_late": 3}, '<span class="countdown late done">（超期 3 日办结）</span>'),
        ({"days_left": None, "days_late": 0}, '<span class="countdown  done">（按期办结）</span>'),
    ],
)  # fmt: skip
def test_the_countdown_beside_the_due_day(changes: dict[str, Any], mark: str) -> None:
    assert f"<td>2025-12-29{mark}</td>" in ledger_row(entry(**changes))


def test_an_undated_entry_shows_a_dash_and_no_countdown() -> None:
    html = ledger_row(entry(due=None, days_left=None))
    assert "<td>—</td>" in html
    assert "countdown" not in html


def test_what_the_data_holds_is_escaped_and_ids_quoted_in_links() -> None:
    html = ledger_row(entry(case_id='A/B?<x>"', title="<b>t</b>", basis=['a"b'], unit="9&9"))
    assert "<b>" not in html
    assert "<x>" not in html
    assert 'id="row-A/B?&lt;x&gt;&#34;-review_overdue"' in html
    assert 'hx-post="/ledger/A/B%3F%3Cx%3E%22/review_overdue/escalate"' in html
    assert '<td title="a&#34;b">&lt;b&gt;t&lt;/b&gt;</td>' in html
    assert "<td>9&amp;9</td>" in html  # an unknown unit: its code, escaped


def test_steps_by_hand_with_their_reasons_and_the_monitors_resolution() -> None:
    steps = [
        StepOut(action=LedgerAction.FEEDBACK, by="P1", on=DAY, reason="已<催>办"),
        StepOut(action=LedgerAction.CLOSE_MANUAL, by="P9", on=DAY, reason=""),
    ]
    html = ledger_row(entry(status=LedgerStatus.CLOSED, steps=steps, resolved_by_monitor=True))
    assert (
        '<td>已关闭<ul class="steps ledger-steps"><li>2025-12-31 反馈 · 张三：'
        '<span class="reason">已&lt;催&gt;办</span></li><li>2025-12-31 人工关闭 · P9</li></ul>'
        '<small class="by-monitor">监控复查确认问题已消除</small></td>'
    ) in html


def test_undo_and_escalate_only_for_a_user_who_keeps_the_ledger() -> None:
    e = entry(may_undo=True)
    keeper = ledger_row(e, user=FakeUser(may_escalate=True, csrf="c<1"))
    assert 'name="csrf" value="c&lt;1"' in keeper
    assert 'name="outcome" value="undo"' in keeper
    assert ">撤销上一步</button></form>" in keeper
    other = ledger_row(e, user=FakeUser(may_escalate=False))
    assert "undo" not in other
    assert "escalate" not in other
    assert "answer-open" in other  # answering is not the keeper's alone


def test_a_ledger_row_in_english() -> None:
    html = ledger_row(entry(days_left=None, days_late=4), lang="en")
    assert '<span class="badge sev-1">serious</span>' in html
    assert "（decided 4 days late）" in html
    assert "<td>open</td><td>reminder</td>" in html
    assert ">Escalate</button>" in html


def test_the_ledger_rows_of_a_page_one_after_another() -> None:
    page = LedgerPage(items=[entry(), entry(rule="other_rule")], next=None)
    html = render("ledger_rows.html", page=page, query_string="")
    assert html.count("<tr ") == 2
    assert html.index("-review_overdue") < html.index("-other_rule")


@pytest.mark.parametrize(
    ("changes", "cls", "shown"),
    [
        ({}, "late", "已超期 2"),
        ({"days_left": 3}, "soon", "3"),
        ({"days_left": 9}, "", "9"),
        ({"days_left": None}, "", "—"),
        ({"days_left": None, "days_late": 5}, "late", "超期 5 日办结"),
        ({"days_left": None, "days_late": 0}, "", "按期办结"),
    ],
)  # fmt: skip
def test_an_alert_row_and_its_countdown(changes: dict[str, Any], cls: str, shown: str) -> None:
    html = render("_alerts.html", alerts=[entry(**changes, explanation="<i>x</i>")])
    assert f'<tr class="alert sev-1">\n  <td class="countdown {cls}">\n    {shown}</td>' in html
    assert '<a href="/cases/440100-2024-XSDB-000060">440100-2024-XSDB-000060</a>' in html
    assert "<td>提醒</td>" in html
    assert "<td>&lt;i&gt;x&lt;/i&gt;</td>" in html


def test_no_alerts_says_so() -> None:
    html = render("_alerts.html", alerts=[])
    assert '<tr><td colspan="7">无</td></tr>' in html
    assert "alert sev" not in html


def test_case_rows_with_names_labels_and_dashes() -> None:
    cases = [
        CaseOut(case_id="C/1?", unified_no="U1", unit="440100", department="D",
                category=CaseCategory.ARREST_REVIEW, received_on=DAY, handler="P1",
                decision_type=None, closed_on=None),
        CaseOut(case_id="C2", unified_no="U2", unit="440100", department="D",
                category=CaseCategory.PUBLIC_INTEREST, received_on=DAY, handler="P7",
                decision_type=DecisionType.APPROVE_ARREST, closed_on=DAY),
    ]  # fmt: skip
    html = render("case_rows.html", page=CasePage(items=cases, next=None), lang="en")
    assert (
        '<tr><td><a href="/cases/C/1%3F">C/1?</a></td><td>arrest review</td>'
        "<td>广州市人民检察院</td><td>张三</td><td>2025-12-31</td><td>—</td><td>—</td></tr>"
    ) in html
    assert "<td>P7</td><td>2025-12-31</td><td>arrest approved</td><td>2025-12-31</td>" in html
