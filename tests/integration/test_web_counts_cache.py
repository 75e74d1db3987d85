"""Issue 17, item 4: the dashboard's counts are computed once per scope for a few seconds (the
home page under load), and a change made through the web shows at once."""

from __future__ import annotations

import re
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


def test_the_case_lists_total_is_kept_per_scope_and_search(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The numbered case list counts its whole list once per scope and search for a few seconds
    (a city's count reads every case of its units); its pages are read every time."""
    totals: list[int | None] = []
    real = access.search_cases

    def watched(uow: Any, p: access.Principal, search: Any, total: Any = None) -> Any:
        totals.append(total)
        return real(uow, p, search, total)

    monkeypatch.setattr(views.access, "search_cases", watched)
    site = web_data.site()
    officer = TestClient(site)
    csrf = login(officer, web_data.users["officer_a"].id)
    first = officer.get("/cases", params={"mine": "false"}).text
    second = officer.get("/cases", params={"mine": "false", "page": "2"}).text
    assert totals[0] is None  # counted
    assert totals[1] is not None  # the kept count, handed to the page's read
    shown = re.findall(r'data-total="(\d+)"', first)
    assert shown
    assert shown == re.findall(r'data-total="(\d+)"', second)
    assert int(shown[0]) == totals[1]
    officer.get("/cases", params={"mine": "false", "q": "罪"})
    assert totals[2] is None  # another search: counted on its own
    case_id = web_data.cases_by_unit[web_data.users["officer_a"].unit][0]
    changed = officer.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
    assert changed.status_code == 200, changed.text
    officer.get("/cases", params={"mine": "false"})
    assert totals[3] is None  # a change through the web: counted again
