"""Issue 18, hardening, in a real browser: suspect names and document texts carrying markup
(<script>, <img onerror>, javascript:) are shown on the case, list, ledger and home pages, and
nothing of them runs — no dialog opens, no script error, the Content-Security-Policy refuses
nothing because nothing tries."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import uvicorn
from playwright.sync_api import Browser, Dialog, sync_playwright

from jianguan.domain.model import Person
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.e2e.test_browser import ARGS, CHROMIUM, shot
from tests.integration.test_web_hardening import MARKUP, store
from tests.integration.web_support import PASSWORD
from tests.support import app_for

__all__ = ["store"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"
)

Store = tuple[str, dt.date, list[str], Person]


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    url, as_of, _, _ = store
    site = create_app(app_for(url, as_of=as_of), WebConfig(secure_cookies=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(site, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not srv.started:
        threading.Event().wait(0.02)
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


def test_markup_in_case_data_never_runs_in_the_browser(
    server: str, browser: Browser, store: Store
) -> None:
    _, _, case_ids, officer = store
    page = browser.new_page(locale="zh-CN")
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(d: Dialog) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # a resource that failed is named by the response below (the console line has no address)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and "Failed to load resource" not in m.text else None)  # fmt: skip
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)  # fmt: skip
    page.goto(f"{server}/")
    page.fill("input[name=username]", officer.id)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")
    paths = [f"/cases/{quote(c, safe='')}" for c in case_ids]
    paths += ["/cases?mine=false", "/ledger?mine=false", "/"]
    shown = 0
    for path in paths:
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        text = page.inner_text("body")
        shown += sum(text.count(m) for m in MARKUP)
        for link in page.locator("a[href^='javascript:']").all():
            errors.append(f"{path}: a javascript: link {link.get_attribute('href')}")
    shot(page, "20-markup-as-text")
    assert shown >= 3, "the markup is on the pages, as text"
    assert dialogs == []
    assert errors == []
