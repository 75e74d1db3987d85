"""Case work through the web: the recorded self-check (每案必检), the gate, consultation answers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]


def open_case_of(client: TestClient, person_id: str) -> str:
    page = client.get("/api/cases", params={"open_only": "true", "limit": "200"}).json()
    return next(c["case_id"] for c in page["items"] if c["handler"] == person_id)


def test_the_handlers_self_check_is_recorded_and_feeds_the_gate(
    app: FastAPI, web_data: WebData
) -> None:
    me = web_data.users["prosecutor_a"]
    client = TestClient(app)
    csrf = login(client, me.id)
    case_id = open_case_of(client, me.id)
    before = client.get(f"/api/cases/{case_id}").json()
    assert before["gate"] == "close"
    r = client.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["recorded"] is True
    after = client.get(f"/api/cases/{case_id}").json()
    assert after["last_self_check"]["by"] == me.id
    assert after["last_self_check"]["findings"] == len(r.json()["findings"])
    assert any(e["type"] == "self_check" for e in after["events"])
    codes_before = {m["code"] for m in before["gate_missing"]}
    codes_after = {m["code"] for m in after["gate_missing"]}
    assert codes_after != codes_before or before["last_self_check"] is not None


def test_anyone_else_in_scope_only_previews_the_self_check(app: FastAPI, web_data: WebData) -> None:
    officer = TestClient(app)
    csrf = login(officer, web_data.users["officer_a"].id)
    case_id = web_data.handled_by[web_data.users["prosecutor_a"].id][0]
    r = officer.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert r.json()["recorded"] is False


def test_consultation_answers_are_refused_with_the_reason(app: FastAPI, web_data: WebData) -> None:
    me = web_data.users["prosecutor_a"]
    client = TestClient(app)
    csrf = login(client, me.id)
    case_id = open_case_of(client, me.id)
    detail = client.get(f"/api/cases/{case_id}").json()
    r = client.post(
        f"/api/cases/{case_id}/consultation",
        json={"accept": False, "reason": "  "},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 409
    codes = {m["code"] for m in r.json()["missing"]}
    assert codes == ({"reason"} if detail["unanswered_opinions"] else {"consultation"})
    page = client.post(
        f"/cases/{case_id}/answer", data={"csrf": csrf, "accept": "no", "reason": ""}
    )
    assert page.status_code == 409
    assert 'id="refused"' in page.text
