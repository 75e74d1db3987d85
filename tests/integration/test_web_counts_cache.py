"""Issue 17, item 4: the dashboard's counts are computed once per scope for a few seconds (the
home page under load), and a change made through the web shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from jianguan.services import access
from jianguan.web import views
from tests.integration.web_support import WebData, login, web_data

__all__ = ["web_data"]


def test_dashboard_counts_are_kept_per_scope_and_forgotten_on_a_change(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[frozenset[str]] = []
    real = access.dashboard

    def counted(uow: Any, p: access.Principal, mine: bool, today: Any) -> Any:
        calls.append(p.units)
        return real(uow, p, mine, today)

    monkeypatch.setattr(views.access, "dashboard", counted)
    site = web_data.site()  # a fresh application: its own cache
    officer, other = TestClient(site), TestClient(site)
    csrf = login(officer, web_data.users["officer_a"].id)
    login(other, web_data.users["officer_b"].id)
    first = officer.get("/api/dashboard?mine=false").json()
    assert officer.get("/api/dashboard?mine=false").json() == first
    assert len(calls) == 1  # the second answer came from the kept counts
    other.get("/api/dashboard?mine=false")
    assert len(calls) == 2  # another unit: another scope, counted on its own
    case_id = web_data.cases_by_unit[web_data.users["officer_a"].unit][0]
    changed = officer.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
    assert changed.status_code == 200, changed.text
    officer.get("/api/dashboard?mine=false")
    assert len(calls) == 3  # a change through the web: counted again
