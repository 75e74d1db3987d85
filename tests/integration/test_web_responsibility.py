"""The responsibility pages and API show only what the user may see (scoped in the service)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.rectification import RectificationKind, RectificationSource, add_task
from jianguan.domain.referral import ReferralSource
from jianguan.services import responsibility as svc
from tests.integration.test_web_scope import scope_of
from tests.integration.web_support import WebData, build, login

NOW = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    d = build(tmp_path_factory.mktemp("resp"), cases=1200)
    a, b = d.users["prosecutor_a"], d.users["prosecutor_b"]
    with d.application() as app:
        cfg = app.rules.responsibility
        svc.build_lists(app.uow(), cfg, d.as_of, "test", NOW)
        for who in (a, b):  # a manual positive entry about each prosecutor
            svc.add_manual_entry(app.uow(), cfg.list_rule("guiding_case"), who.unit, who.id, None,
                                 d.as_of, f"典型案例{who.id}", "", "test", NOW)  # fmt: skip
        svc.open_referral(app.uow(), cfg.referral, ReferralSource.MANUAL, "lead-a", a.id, a.unit,
                          None, "线索", "test", d.as_of)  # fmt: skip
        r = svc.open_rectification(app.uow(), RectificationKind.ORDINARY, "整改",
                                   RectificationSource.MANUAL, "rect-b", b.unit, ["文书不规范"],
                                   d.as_of, d.as_of + dt.timedelta(days=30), "test")  # fmt: skip
        due = d.as_of + dt.timedelta(days=5)
        svc.change_rectification(app.uow(), r.id, "test", "task",
                                 lambda x: add_task(x, 0, b.id, "补正", due))  # fmt: skip
    return d


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def get(app: FastAPI, data: WebData, label: str, path: str) -> list[dict[str, object]]:
    client = TestClient(app)
    login(client, data.users[label].id)
    r = client.get(path)
    assert r.status_code == 200, r.text
    body: list[dict[str, object]] = r.json()
    return body


@pytest.mark.parametrize(
    "label", ["prosecutor_a", "officer_a", "head_a", "prosecutor_b", "officer_b", "chief_city_a"]
)
def test_list_entries_stay_in_scope_and_prosecutors_see_their_own(
    app: FastAPI, data: WebData, label: str
) -> None:
    entries = get(app, data, label, "/api/responsibility/lists")
    assert entries, label  # every user here has at least one entry in reach
    assert {e["unit"] for e in entries} <= scope_of(data, label)
    if label.startswith("prosecutor"):
        assert {e["person"] for e in entries} == {data.users[label].id}
    assert all(e["evidence"] and e["basis"] for e in entries)


def test_referrals_only_for_those_who_handle_them_or_are_concerned(
    app: FastAPI, data: WebData
) -> None:
    seen = {label: [r["id"] for r in get(app, data, label, "/api/responsibility/referrals")]
            for label in ("prosecutor_a", "officer_a", "head_a", "prosecutor_b", "chief_city_a")}  # fmt: skip
    assert seen["prosecutor_a"] == seen["head_a"] == seen["chief_city_a"] == ["XS000001"]
    assert seen["officer_a"] == seen["prosecutor_b"] == []


def test_rectifications_in_scope_with_reminders(app: FastAPI, data: WebData) -> None:
    (mine,) = get(app, data, "prosecutor_b", "/api/responsibility/rectifications")
    assert [t["responsible"] for t in mine["tasks"]] == [data.users["prosecutor_b"].id]  # type: ignore[index]
    assert [m["days_left"] for m in mine["reminders"]] == [5]  # type: ignore[index]
    assert get(app, data, "officer_a", "/api/responsibility/rectifications") == []
    assert get(app, data, "prosecutor_a", "/api/responsibility/rectifications") == []


def test_not_logged_in_and_the_page(app: FastAPI, data: WebData) -> None:
    assert TestClient(app).get("/api/responsibility/lists").status_code == 401
    client = TestClient(app)
    login(client, data.users["head_a"].id)
    page = client.get("/responsibility")
    assert page.status_code == 200
    assert "正负面清单" in page.text
    assert "XS000001" in page.text
