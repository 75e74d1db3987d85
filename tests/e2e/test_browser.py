"""In a real browser (Debian's chromium, headless, driven by Playwright): log in, see an alert,
open the case, run the self-check, use the ledger. Each page's screenshot goes to
var/test-artefacts/browser/ for a person to look at."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.integration.web_support import PASSWORD, REVIEW_YEAR, WebData, app, web_data

__all__ = ["app", "web_data"]

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).parents[2] / "var" / "test-artefacts" / "browser"
# The machines have no outside network: without these, chromium keeps trying to reach Google.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port (the socket is bound before it starts)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not started.wait(0.02):  # wait for the server's own flag, not a fixed sleep
        if srv.started:
            started.set()
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def new_page(browser: Browser) -> Page:
    """A page that records what the Content-Security-Policy refused (there must be nothing)."""
    page = browser.new_page(locale="zh-CN", viewport={"width": 1360, "height": 900})
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
            else None)  # fmt: skip
    page.csp_refused = refused  # type: ignore[attr-defined]
    return page


def no_csp_refusal(page: Page) -> None:
    assert page.csp_refused == [], page.csp_refused  # type: ignore[attr-defined]


def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, person_id: str) -> None:
    page.goto(f"{base}/")
    expect(page.locator("#login-submit")).to_be_visible()
    shot(page, "01-login")
    page.fill("input[name=username]", person_id)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")


def test_log_in_see_an_alert_open_the_case_and_self_check(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["prosecutor_a"].id)
    alert = page.locator("#alerts tr.alert").first
    expect(alert).to_be_visible()
    expect(page.locator("#chart-severity[data-ready='1']")).to_have_count(1)  # ECharts drew
    shot(page, "02-home-alerts")
    case_id = alert.locator("a").first.inner_text()
    alert.locator("a").first.click()
    expect(page.locator("#case-title")).to_contain_text(case_id)
    expect(page.locator("#periods details").first).to_be_visible()
    expect(page.locator("#findings tbody tr").first).to_be_visible()
    shot(page, "03-case")
    page.click("#selfcheck-button")
    result = page.locator("#selfcheck-findings")
    expect(result).to_be_visible()
    assert int(result.get_attribute("data-count") or "0") >= 1  # its alert is among them
    shot(page, "04-selfcheck")
    no_csp_refusal(page)
    page.close()


def test_case_officer_filters_escalates_and_switches_language(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["officer_a"].id)
    expect(page.locator("#open-cases")).to_be_visible()
    page.goto(f"{server}/ledger?status=active")
    rows = page.locator("#ledger tbody tr")
    expect(rows.first).to_be_visible()
    shot(page, "05-ledger")
    button = page.locator("#ledger button.escalate").first
    row_id = button.locator("xpath=ancestor::tr").get_attribute("id")
    button.click()
    expect(page.locator(f"[id='{row_id}']")).to_contain_text("督促")
    # 关闭 with a reason, then 撤销: the row answers in place (htmx), the ledger's own rule
    opener = page.locator("#ledger a.answer-open").first  # the form comes when asked for
    row_id = opener.locator("xpath=ancestor::tr").get_attribute("id")
    opener.click()
    form = page.locator(f"[id='{row_id}'] form.answer")
    expect(form).to_be_visible()
    form.locator("select[name=outcome]").select_option("closed")
    form.locator("input[name=reason]").fill("已当面核实")
    form.locator("button").click()
    row = page.locator(f"[id='{row_id}']")
    expect(row).to_contain_text("已关闭")
    row.locator("form.undo button").click()
    expect(page.locator(f"[id='{row_id}']")).not_to_contain_text("已关闭")
    shot(page, "05b-ledger-closed-undone")
    page.goto(f"{server}/cases?mine=false")
    expect(page.locator("#cases tbody tr").first).to_be_visible()
    total = int(page.locator("#case-pager").get_attribute("data-total") or "0")
    assert total > 0
    assert page.locator("#cases tbody tr").count() == min(total, 50)
    page.fill("#case-q", "2025")
    page.select_option("#case-sort", "received_desc")
    page.click("#case-search button[type=submit]")
    expect(page.locator("#case-pager")).to_contain_text("共")
    assert int(page.locator("#case-pager").get_attribute("data-total") or "0") <= total
    shot(page, "06-cases")
    page.click("header .lang")
    expect(page.locator("h1")).to_have_text("Cases")
    shot(page, "07-cases-en")
    page.click("header .lang")  # back to Chinese for the other tests
    no_csp_refusal(page)
    page.close()


def test_drill_from_an_indicator_to_its_cases(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["chief_city_a"].id)
    expect(page.locator("#open-cases")).to_be_visible()
    page.goto(f"{server}/indicators")
    expect(page.locator("#indicators tbody tr").first).to_be_visible()
    shot(page, "08-indicators")
    page.click("#indicators a[href^='/indicators/on_time_rate?']")
    expect(page.locator("#funnel-chart[data-ready='1']")).to_have_count(1)
    expect(page.locator("#trend-chart[data-ready='1']")).to_have_count(1)
    shot(page, "09-indicator-trend-funnel")
    # Issue 18: a unit name carrying markup ran as script in the funnel tooltip. The chart's own
    # formatter is asked to show such a name: it must come back as text, not as an element.
    markup = "<img src=x onerror=window.__xss=1>"
    shown = page.evaluate(
        """(name) => {
            const chart = echarts.getInstanceByDom(document.getElementById('funnel-chart'));
            return chart.getOption().tooltip[0].formatter({ data: { name } });
        }""",
        markup,
    )
    assert "<img" not in shown
    assert "&lt;img" in shown
    number = page.locator("#trend a.drill").first
    clicked = int(number.inner_text())
    number.click()
    expect(page.locator("#drill-count")).to_have_attribute("data-rows", str(clicked))
    shot(page, "10-drill-cases")
    first_case = page.locator("#drill-cases a").first
    case_id = first_case.inner_text()
    first_case.click()
    expect(page.locator("#case-title")).to_contain_text(case_id)
    page.goto(f"{server}/quality")
    expect(page.locator("#issue-table")).to_be_visible(timeout=60_000)
    expect(page.locator("#anomaly-table")).to_be_visible(timeout=60_000)
    shot(page, "11-data-quality")
    no_csp_refusal(page)
    page.close()


def test_review_workbench_lists_the_forms_of_the_unit(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["head_a"].id)
    expect(page.locator("#open-cases")).to_be_visible()
    page.goto(f"{server}/review?year={REVIEW_YEAR}")
    link = page.locator("#review-forms tbody a").first
    expect(link).to_be_visible()
    shot(page, "12-review-forms")
    case_id = link.inner_text()
    link.click()
    expect(page.locator("#review-title")).to_contain_text(case_id)
    shot(page, "13-review-form")
    no_csp_refusal(page)
    page.close()


def test_the_head_verifies_and_the_gate_says_what_is_missing(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["prosecutor_a"].id)
    expect(page.locator("#open-cases")).to_be_visible()
    page.goto(f"{server}/cases?open_only=true")
    case_id = page.locator("#cases tbody a").first.inner_text()
    page.goto(f"{server}/cases/{case_id}")
    page.click("#selfcheck-button")
    expect(page.locator("#selfcheck-findings")).to_be_visible()
    page.click("header form.inline button")  # 退出
    log_in(page, server, web_data.users["head_a"].id)
    page.goto(f"{server}/cases/{case_id}")
    expect(page.locator("#verify-button")).to_be_visible()
    shot(page, "14-case-before-verification")
    page.click("#verify-button")
    expect(page.locator("#gate li[data-code='verification']")).to_have_count(0)
    page.click("#close-button")  # no decision yet: refused, in words
    expect(page.locator("#refused")).to_contain_text("尚未作出审查结论")
    shot(page, "15-close-refused")
    no_csp_refusal(page)
    page.close()


def test_the_case_officer_assigns_and_the_indicators_say_whose_numbers(
    server: str, browser: Browser, web_data: WebData
) -> None:
    page = new_page(browser)
    log_in(page, server, web_data.users["officer_a"].id)
    expect(page.locator("#open-cases")).to_be_visible()
    page.goto(f"{server}/cases?mine=false&open_only=true")
    case_id = page.locator("#cases tbody a").first.inner_text()
    page.goto(f"{server}/cases/{case_id}")
    expect(page.locator("#assign-form")).to_be_visible()
    shot(page, "16-case-work-forms")
    page.click("#assign-button")  # random among the department's prosecutors
    expect(page.locator("#assignments")).to_contain_text("随机分案")
    shot(page, "17-assigned")
    page.goto(f"{server}/indicators")
    expect(page.locator("#indicator-scope")).to_contain_text("含下级院")
    page.goto(f"{server}/calendar")
    expect(page.locator("details.period").first).to_be_visible()
    no_csp_refusal(page)
    page.close()
