"""Heavy pages (data quality, anomalies) are computed once per scope and kept for a while, in
the background for the pages: nobody waits on another user's computation, and a second user of
the same scope gets the kept result at once."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.dataquality import DataQualityRules, Issue
from jianguan.services import access, access_analysis
from jianguan.services.access import Principal
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.access import CaseSearch
from jianguan.web.cache import Cache
from tests.integration.web_support import WebData, build, login


def change(client: TestClient, csrf: str, data: WebData) -> None:
    """A request that changes something: a self-check of a case of officer A's unit."""
    case_id = data.cases_by_unit[data.users["officer_a"].unit][0]
    done = client.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200, done.text


def test_the_cache_computes_once_for_callers_at_the_same_moment() -> None:
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    cache = Cache(60)
    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42] * 8
    assert len(calls) == 1
    assert cache.ready("k", slow) == (True, 42)
    expired = Cache(0)
    assert expired.ready("k", slow) == (False, None)  # nothing kept: started, not waited for


def test_pages_answer_at_once_and_compute_once_per_scope(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    data: WebData = build(tmp_path_factory.mktemp("heavy"), cases=600)
    runs: list[str] = []
    real = access_analysis.data_quality

    def counted(
        uow: UnitOfWork, p: Principal, as_of: dt.date, rules: DataQualityRules
    ) -> list[Issue]:
        runs.append(p.person.unit)
        time.sleep(0.5)  # as slow as a province's scan, so that a page would notice waiting
        return real(uow, p, as_of, rules)

    monkeypatch.setattr(access_analysis, "data_quality", counted)
    site: FastAPI = data.site()
    first, second = TestClient(site), TestClient(site)
    login(first, data.users["officer_a"].id)
    login(second, data.users["head_a"].id)  # the same unit: the same scope
    started = time.monotonic()
    r = first.get("/quality/issues")
    assert r.status_code == 202
    assert 'hx-get="/quality/issues"' in r.text
    assert time.monotonic() - started < 0.4  # not waiting for the scan
    assert second.get("/quality/issues").status_code == 202  # the one computation in flight
    api = second.get("/api/quality/issues")  # the API waits for that same computation
    assert api.status_code == 200
    page = first.get("/quality/issues")
    assert page.status_code == 200
    assert 'id="issue-table"' in page.text
    # kept and recomputed in the background, the list says when it was computed: the app's
    # clock, pinned to the data's as-of day
    assert f'data-at="{data.as_of.isoformat()}T' in page.text
    assert "计算于 " + data.as_of.isoformat() in page.text
    assert runs == [data.users["officer_a"].unit]  # once for the scope, whoever asked
    other = TestClient(site)
    login(other, data.users["officer_b"].id)
    assert other.get("/api/quality/issues").status_code == 200
    assert runs == [data.users["officer_a"].unit, data.users["officer_b"].unit]


def test_indicator_figures_are_counted_once_per_unit_until_a_change(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's catalogue took 18 s at 1 M cases: the figures of a unit are counted once
    for every user of that unit, and again after any change made through the web."""
    data: WebData = build(tmp_path_factory.mktemp("figures"), cases=400)
    units: list[str] = []
    real = access_analysis.indicators

    def counted(*args: object, **kwargs: object) -> object:
        units.append(args[2].person.unit)  # type: ignore[attr-defined]  (the principal)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(access_analysis, "indicators", counted)
    site: FastAPI = data.site()
    officer, head, other = TestClient(site), TestClient(site), TestClient(site)
    csrf = login(officer, data.users["officer_a"].id)
    login(head, data.users["head_a"].id)  # the same unit
    login(other, data.users["officer_b"].id)
    first = officer.get("/api/indicators").json()
    assert head.get("/api/indicators").json() == first
    assert units == [data.users["officer_a"].unit]
    login(TestClient(site), data.users["prosecutor_a"].id)  # signing in changes no figure
    head.get("/api/indicators")
    assert units == [data.users["officer_a"].unit]
    other.get("/api/indicators")
    assert units == [data.users["officer_a"].unit, data.users["officer_b"].unit]
    refused = officer.post("/api/cases/none/selfcheck", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 404  # refused: nothing changed, the figures stay
    assert officer.post("/api/cases/none/selfcheck").status_code == 403  # no CSRF token
    head.get("/api/indicators")
    assert len(units) == 2
    change(officer, csrf, data)
    head.get("/api/indicators")
    assert len(units) == 3


def test_a_drill_down_and_a_funnel_are_kept_with_the_figures(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's drill-down list and funnel plot took 1.3–2.8 s at 1 M cases at every
    visit: they are kept per unit like its figures, and counted again after a change."""
    data: WebData = build(tmp_path_factory.mktemp("drill"), cases=400)
    calls: list[str] = []
    real_drill, real_funnel = access_analysis.indicator_cases, access_analysis.funnel_of

    def drill(*args: object, **kwargs: object) -> object:
        calls.append("drill")
        return real_drill(*args, **kwargs)  # type: ignore[arg-type]

    def funnel(*args: object, **kwargs: object) -> object:
        calls.append("funnel")
        return real_funnel(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(access_analysis, "indicator_cases", drill)
    monkeypatch.setattr(access_analysis, "funnel_of", funnel)
    site: FastAPI = data.site()
    officer, head = TestClient(site), TestClient(site)
    csrf = login(officer, data.users["officer_a"].id)
    login(head, data.users["head_a"].id)  # the same unit
    indicator = "non_prosecution_rate"
    first = officer.get(f"/api/indicators/{indicator}/cases").json()
    assert head.get(f"/api/indicators/{indicator}/cases").json() == first
    plot = officer.get(f"/api/indicators/{indicator}/funnel").json()
    assert head.get(f"/api/indicators/{indicator}/funnel").json() == plot
    assert calls == ["drill", "funnel"]
    assert head.get(f"/api/indicators/{indicator}/cases?part=denominator").status_code == 200
    assert calls == ["drill", "funnel", "drill"]  # another side is another list
    change(officer, csrf, data)
    assert head.get(f"/api/indicators/{indicator}/cases").json() == first
    assert calls == ["drill", "funnel", "drill", "drill"]


def test_a_searched_words_count_is_kept_for_the_next_pages(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a searched word took 1.0–1.3 s over a province at 1 M cases: the next pages
    of the same search reuse the count after the dashboard counts' few seconds (dropped here
    as they expire), until a change through the web."""
    data: WebData = build(tmp_path_factory.mktemp("search"), cases=400)
    counted: list[str] = []
    real = access.search_cases

    def search(uow: UnitOfWork, p: Principal, q: CaseSearch, total: int | None = None) -> object:
        if total is None:
            counted.append(q.text)
        return real(uow, p, q, total)

    monkeypatch.setattr(access, "search_cases", search)
    site: FastAPI = data.site()
    officer = TestClient(site)
    csrf = login(officer, data.users["officer_a"].id)
    web = site.state.web
    assert officer.get("/cases?mine=false&q=盗窃").status_code == 200
    web.counts.clear()  # the few seconds of the plain counts are over
    assert officer.get("/cases?mine=false&q=盗窃&page=2").status_code == 200
    assert counted == ["盗窃"]
    assert officer.get("/cases?mine=false").status_code == 200
    web.counts.clear()
    assert officer.get("/cases?mine=false&page=2").status_code == 200
    assert counted == ["盗窃", "", ""]  # a plain list is counted again after its seconds
    change(officer, csrf, data)
    assert officer.get("/cases?mine=false&q=盗窃&page=2").status_code == 200
    assert counted == ["盗窃", "", "", "盗窃"]
