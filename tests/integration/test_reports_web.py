"""The reports page over HTTP: generate within the user's own unit, download only one's own
files, refuse a bad period in words."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]


def test_generate_download_and_refuse(app: FastAPI, web_data: WebData) -> None:
    officer, other = web_data.users["officer_a"], web_data.users["officer_b"]
    month = f"{web_data.as_of.year:04d}-{web_data.as_of.month:02d}"
    with TestClient(app) as client:
        csrf = login(client, officer.id)
        page = client.get("/reports")
        assert page.status_code == 200
        assert 'href="/reports"' in page.text  # the nav link
        no_csrf = client.post("/reports", data={"kind": "monthly-bulletin", "period": month})
        assert no_csrf.status_code in (400, 403)
        bad = client.post(
            "/reports", data={"kind": "monthly-bulletin", "period": "2025Q1", "csrf": csrf}
        )
        assert bad.status_code == 422
        assert "应为 YYYY-MM" in bad.text
        made = client.post(
            "/reports", data={"kind": "monthly-bulletin", "period": month, "csrf": csrf}
        )
        assert made.status_code == 200, made.text
        names = re.findall(r'href="/reports/files/([^"]+)"', made.text)
        stem = f"monthly-bulletin-{officer.unit}-{month}"
        assert {f"{stem}.docx", f"{stem}.pdf", f"{stem}.xlsx"} <= set(names)
        pdf = client.get(f"/reports/files/{stem}.pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
        assert client.get("/reports/files/..%2Fsecret.pdf").status_code == 404
    with TestClient(app) as client:  # another user does not see the officer's files
        login(client, other.id)
        assert client.get(f"/reports/files/{stem}.pdf").status_code == 404


def test_the_cycle_reports_are_offered_and_refused_in_words(
    app: FastAPI, web_data: WebData
) -> None:
    officer = web_data.users["officer_a"]
    month = f"{web_data.as_of.year:04d}-{web_data.as_of.month:02d}"
    with TestClient(app) as client:
        csrf = login(client, officer.id)
        page = client.get("/reports")
        for kind in ("review-commentary", "rectification-progress", "inspection-rectification"):
            assert f'value="{kind}"' in page.text
        assert "按年度" in page.text
        made = client.post(
            "/reports", data={"kind": "rectification-progress", "period": month, "csrf": csrf}
        )
        assert made.status_code == 200, made.text
        stem = f"rectification-progress-{officer.unit}-{month}"
        assert f'href="/reports/files/{stem}.docx"' in made.text
        assert client.get(f"/reports/files/{stem}.xlsx").status_code == 200
        none = client.post(
            "/reports", data={"kind": "inspection-rectification", "period": month, "csrf": csrf}
        )
        assert none.status_code == 422
        assert "没有登记巡视反馈意见" in none.text
        year = client.post(
            "/reports",
            data={"kind": "review-commentary", "period": str(web_data.as_of.year), "csrf": csrf},
        )
        if year.status_code == 200:  # the store holds that year's review plan
            assert f"review-commentary-{officer.unit}-{web_data.as_of.year}.docx" in year.text
        else:
            assert year.status_code == 422
            assert "没有" in year.text
            assert "评查计划" in year.text
