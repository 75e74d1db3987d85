"""In a real browser (Debian's chromium, headless, driven by Playwright), issue 15:

* a lead pushed by a supervision model arrives in the inbox, is screened and registered as a
  matter, the handler records a step and decides a 检察建议 (reply within two months, 解释 第21条);
  on a later pinned day the reply is overdue and the ledger (台账) shows it;
* a case with a panel opinion (线上会诊) cannot close until the handler answers it.

Screenshots go to var/test-artefacts/browser/ (sv-*.png)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from jianguan.domain.model import CaseCategory, DecisionType, Role
from jianguan.domain.periods import add_months_civil
from jianguan.services import casework, consultation
from jianguan.services.accounts import set_password
from jianguan.services.monitoring import monitor_and_record
from jianguan.web.app import create_app
from tests.e2e.test_browser import CHROMIUM, browser, log_in, new_page, no_csp_refusal, server, shot
from tests.integration.web_support import PASSWORD, WebData, app, web_data
from tests.support import app_for

__all__ = ["app", "browser", "server", "web_data"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)
FORM = {"facts": "犯罪事实清楚", "evidence": "证据确实、充分", "charge": "罪名认定准确",
        "sentencing": "建议有期徒刑一年", "procedure": "已依法告知诉讼权利",
        "conditions": "符合逮捕条件", "necessity": "有羁押必要"}  # fmt: skip
DECIDE = {  # decisions the default powers list leaves to the handler in a case that is not major
    CaseCategory.ARREST_REVIEW: DecisionType.APPROVE_ARREST,
    CaseCategory.PROSECUTION_REVIEW: DecisionType.PROSECUTE,
}
OPINION = {"opinion": "事实基本清楚，建议补强证据", "focus": "关注证据链完整性"}


def _account(web_data: WebData, person_id: str) -> None:
    with web_data.application() as a:
        set_password(a.uow(), a.hasher, person_id, person_id, PASSWORD, a.now(), "test")


def _logged_in(browser: Browser, base: str, person_id: str) -> Page:
    page = new_page(browser)
    log_in(page, base, person_id)
    expect(page.locator("header nav a[href='/supervision']")).to_be_visible()
    return page


@pytest.fixture(scope="module")
def later(web_data: WebData) -> Iterator[str]:
    """The same store served with its clock pinned two months and ten days later."""
    day = add_months_civil(web_data.as_of, 2) + dt.timedelta(days=10)
    site = create_app(app_for(web_data.url, as_of=day), web_data.config())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    srv = uvicorn.Server(uvicorn.Config(site, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not srv.started:  # the server's own flag, not a fixed sleep
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_a_lead_becomes_a_recommendation_whose_overdue_reply_the_ledger_shows(
    server: str, later: str, browser: Browser, web_data: WebData, tmp_path: Path
) -> None:
    officer = web_data.users["officer_a"]
    lead = {
        "lead_id": "E2E-0001", "model": "非羁押人员脱管监督模型", "rule": "取保候审期满未依法解除",
        "unit": officer.unit, "line": "criminal", "target": "某区公安分局",
        "received_on": web_data.as_of.isoformat(), "summary": "取保候审期满未依法解除",
        "facts": {"犯罪嫌疑人": "甲某", "期满日": "2025-03-01"},
    }  # fmt: skip
    file = tmp_path / "leads.jsonl"
    file.write_text(json.dumps(lead, ensure_ascii=False) + "\n", encoding="utf-8")
    page = _logged_in(browser, server, officer.id)
    page.click("header nav a[href='/supervision']")
    page.set_input_files("#lead-file", str(file))
    page.click("#lead-import-button")
    expect(page.locator("#lead-report")).to_contain_text("新受理 1 条")
    row = page.locator("#lead-E2E-0001")
    expect(row).to_contain_text("受理")
    row.locator("input[name=note]").fill("初查属实，期满未解除")
    row.locator("button.screen").click()
    page.locator("#lead-E2E-0001 button.register").click()
    expect(page.locator("#matter-title")).to_be_visible()
    matter_id = page.url.rsplit("/", 1)[1]
    shot(page, "sv-01-matter-registered")
    with web_data.application() as a, a.uow() as uow:
        matter = uow.supervision.matter(matter_id)
    assert matter is not None
    assert matter.handler
    no_csp_refusal(page)

    # The handler works the matter: a review step, then a 检察建议.
    _account(web_data, matter.handler)
    h = _logged_in(browser, server, matter.handler)
    h.goto(f"{server}/supervision/matters/{matter_id}")
    h.fill("#step-note", "调取取保候审决定书，确认期满未解除")
    h.click("#step-button")
    h.select_option("#decide-decision", "recommendation")
    h.click("#decide-button")
    due = add_months_civil(web_data.as_of, 2)
    expect(h.locator("#matter-decision")).to_contain_text("检察建议")
    expect(h.locator("#matter-reply-due")).to_contain_text(due.isoformat())
    shot(h, "sv-02-recommendation")

    # Ten days after the reply was due, the daily monitoring puts it into the ledger.
    day = due + dt.timedelta(days=10)
    with app_for(web_data.url, as_of=day) as a:
        monitor_and_record(a.uow(), a.rules, day)
    o = _logged_in(browser, later, officer.id)
    o.goto(f"{later}/ledger?case_id={matter_id}")
    entry = o.locator(f"#row-{matter_id}-supervision_reply_overdue")
    expect(entry).to_contain_text("监督文书回复期满未回复")
    shot(o, "sv-03-ledger-overdue")
    o.goto(f"{later}/supervision/matters/{matter_id}")
    expect(o.locator("#matter-reply-due")).to_contain_text("已逾期")
    expect(o.locator("#matter-findings [data-rule=supervision_follow_up_missing]")).to_be_visible()
    no_csp_refusal(o)


def _panel_case(web_data: WebData) -> tuple[str, str, str, list[str]]:
    """An open, undecided review case of unit A with a junior handler, sent to the panel at a
    (designated) assignment: (case, handler, head, panel members)."""
    unit = web_data.users["officer_a"].unit
    with web_data.application() as a:
        with a.uow() as uow:
            people = {p.id: p for p in uow.cases.people()}
            cases = [uow.cases.load_case(c) for c in web_data.cases_by_unit[unit]]
        for case in cases:
            if (
                case is None or case.closed_on or case.decision or case.major_complex
                or case.category not in DECIDE
                or people[case.handler].senior
            ):  # fmt: skip
                continue
            verifiers = sorted(  # the department's head first, else the unit's chiefs
                (p for p in people.values() if p.unit == unit and p.id != case.handler
                 and (p.role in (Role.CHIEF, Role.DEPUTY_CHIEF)
                      or (p.role is Role.DEPARTMENT_HEAD and p.department == case.department))),
                key=lambda p: (p.role is not Role.DEPARTMENT_HEAD, p.id),
            )  # fmt: skip
            if not verifiers:
                continue
            head = verifiers[0].id
            now = a.now()
            casework.assign(
                a.uow(), a.rules, case.case_id, head, now, case.handler, "承办人熟悉案情"
            )
            file = consultation.file_of(a.uow(), case.case_id)
            if file is not None and file.panel is not None and len(file.panel.active) >= 2:
                return case.case_id, case.handler, head, [m.person for m in file.panel.active]
    raise AssertionError("no open review case with a junior handler in unit A")


def test_a_case_with_a_panel_opinion_closes_only_once_it_is_answered(
    server: str, browser: Browser, web_data: WebData
) -> None:
    case_id, handler, head, members = _panel_case(web_data)
    first, others = members[0], members[1:]
    for pid in (first, handler):
        _account(web_data, pid)
    # 入口 → 中间: the first member gives the opinion in the browser, from their queue.
    page = _logged_in(browser, server, first)
    page.click("header nav a[href='/supervision']")
    page.click("#sv-nav a[href='/supervision/panel']")
    item = page.locator(f"#panel-{case_id}")
    expect(item).to_be_visible()
    item.locator("textarea[name=f_opinion]").fill(OPINION["opinion"])
    item.locator("textarea[name=f_focus]").fill(OPINION["focus"])
    shot(page, "sv-04-panel-queue")
    item.locator("button.opinion-button").click()
    expect(page.locator(f"#panel-{case_id}")).to_have_count(0)
    # The rest of the case's work, as the handler and the head do it on their own pages.
    with web_data.application() as a:
        now, rules = a.now(), a.rules
        for pid in others:
            consultation.give_opinion(a.uow(), rules, case_id, pid, now, OPINION)
        with a.uow() as uow:
            case = uow.cases.load_case(case_id)
        assert case is not None
        spec = consultation.form_spec(rules, case.category)
        assert spec is not None
        answers = {f.key: FORM[f.key] for f in spec.fields if f.required}
        consultation.fill_review_form(a.uow(), rules, case_id, handler, now, answers)
        day = max(case.received_on, a.today())
        casework.record_decision(a.uow(), rules, case_id, DECIDE[case.category], day, None)
        for _ in others:  # every opinion answered but one
            casework.answer_consultation(a.uow(), case_id, handler, now, None)
        found = casework.record_self_check(a.uow(), rules, case_id, handler, now).findings
        casework.record_self_check(a.uow(), rules, case_id, handler, now,
                                   {f.rule: "情况属实，已核对" for f in found})  # fmt: skip
        casework.verify(a.uow(), case_id, head, now)
    # 出口: the handler cannot close while one opinion is unanswered.
    h = _logged_in(browser, server, handler)
    h.goto(f"{server}/cases/{case_id}")
    expect(h.locator("#case-panel-link")).to_contain_text("初评小组")
    h.click("#close-button")
    expect(h.locator("#refused")).to_contain_text("会诊意见尚未采纳或不采纳")
    shot(h, "sv-05-close-refused")
    h.goto(f"{server}/cases/{case_id}")
    h.check("#answer-form input[value=no]")
    h.fill("#answer-form input[name=reason]", "证据已经补强，无需再补")
    h.click("#answer-form button[type=submit]")
    h.goto(f"{server}/cases/{case_id}")
    h.click("#close-button")
    expect(h.locator("#gate")).not_to_contain_text("会诊意见")
    with web_data.application() as a, a.uow() as uow:
        closed = uow.cases.load_case(case_id)
    assert closed is not None
    assert closed.closed_on is not None
    shot(h, "sv-06-closed")
    no_csp_refusal(h)
