"""In a real browser (Debian's chromium, headless, driven by Playwright): a case officer opens
the reports page, generates the monthly flow-monitoring bulletin of their unit and downloads
its PDF and docx. Screenshots and the downloaded files go to var/test-artefacts/reports/."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.test_browser import CHROMIUM, browser, log_in, server
from tests.integration.web_support import WebData, app, web_data

__all__ = ["app", "browser", "server", "web_data"]

ARTEFACTS = Path(__file__).parents[2] / "var" / "test-artefacts" / "reports"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium "
    "(apt-get install chromium fonts-wqy-zenhei)",
)


def test_a_case_officer_generates_and_downloads_the_monthly_bulletin(
    server: str, browser: Browser, web_data: WebData
) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    officer = web_data.users["officer_a"]
    page = browser.new_page(locale="zh-CN", viewport={"width": 1360, "height": 900})
    log_in(page, server, officer.id)
    page.click("header nav a[href='/reports']")
    expect(page.locator("#report-form")).to_be_visible()
    month = f"{web_data.as_of.year:04d}-{web_data.as_of.month:02d}"
    page.select_option("#report-kind", "monthly-bulletin")
    page.fill("#report-period", month)
    page.click("#report-generate")
    written = page.locator("#report-written")
    expect(written).to_contain_text("办案流程监控情况的通报", timeout=60_000)
    page.screenshot(path=str(ARTEFACTS / "browser-reports-page.png"), full_page=True)
    stem = f"monthly-bulletin-{officer.unit}-{month}"
    for ext in ("pdf", "docx"):
        with page.expect_download() as info:
            page.click(f"#report-written a[href='/reports/files/{stem}.{ext}']")
        target = ARTEFACTS / f"browser-{stem}.{ext}"
        info.value.save_as(target)
        assert info.value.suggested_filename == f"{stem}.{ext}"
    text = "".join(
        p.extract_text() for p in PdfReader(str(ARTEFACTS / f"browser-{stem}.pdf")).pages
    )
    assert "办案流程监控情况的通报" in text.replace("\n", "")
    doc = Document(str(ARTEFACTS / f"browser-{stem}.docx"))
    assert any("案管通字第" in p.text for p in doc.paragraphs)
    page.close()
