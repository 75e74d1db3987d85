"""Roles on the accounts page (issue 18): a case officer changes a person's role through the
same use case as `jianguan account roles`; the person's sessions end at once; the page shows
the role as the platform's grant over the staff list's; nobody changes their own role, and
only case officers change roles."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.web_support import WebData, build, login


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("roles"), cases=300)


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def test_a_case_officer_grants_a_role_and_the_persons_login_ends(
    app: FastAPI, data: WebData
) -> None:
    me, whom = data.users["officer_a"], data.users["prosecutor_a"]
    officer, csrf = TestClient(app), ""
    csrf = login(officer, me.id)
    prosecutor = TestClient(app)
    p_csrf = login(prosecutor, whom.id)
    assert prosecutor.get("/api/me").status_code == 200
    page = officer.get("/accounts", params={"q": whom.id}).text
    assert f'action="/accounts/{whom.id}/roles"' in page
    assert '<option value="department_head">部门负责人</option>' in page  # words, not codes
    r = officer.post(f"/accounts/{whom.id}/roles", data={
        "csrf": csrf, "grant": "department_head", "withdraw": "prosecutor",
        "reason": "任命为部门负责人", "q": whom.id})  # fmt: skip
    assert r.status_code == 200, r.text
    assert f"角色已变更：{whom.name} 现为部门负责人" in r.text
    page = officer.get("/accounts", params={"q": whom.id}).text
    assert "平台授予；人员名单为检察官" in page
    assert "撤销平台授予，恢复人员名单角色" in page
    # the prosecutor's login ended with the old role: no request goes on with it
    assert prosecutor.get("/api/me").status_code == 401
    assert prosecutor.post("/api/logout", headers={"X-CSRF-Token": p_csrf}).status_code in (
        401, 403)  # fmt: skip
    # signed in again, the person holds the new role (the scope and powers read it)
    again = TestClient(app)
    login(again, whom.id)
    assert again.get("/api/me").json()["role"] == "department_head"
    # the API withdraws it: back to the staff list's role
    back = officer.post(f"/api/accounts/{whom.id}/roles", json={
        "withdraw": "department_head", "reason": "任命撤回"}, headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert back.status_code == 200, back.text
    assert back.json() == {"id": whom.id, "role": "prosecutor", "listed_role": "prosecutor",
                           "granted": False}  # fmt: skip


def test_no_one_changes_their_own_role_and_only_case_officers_change_roles(
    app: FastAPI, data: WebData
) -> None:
    me = data.users["officer_a"]
    officer = TestClient(app)
    csrf = login(officer, me.id)
    page = officer.get("/accounts", params={"q": me.id}).text
    assert "本人角色不能自行变更" in page
    assert f'action="/accounts/{me.id}/roles"' not in page
    own = officer.post(f"/api/accounts/{me.id}/roles", json={"grant": "chief", "reason": "x"},
                       headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert own.status_code == 409
    assert "不能变更本人的角色" in own.text
    head = TestClient(app)
    h_csrf = login(head, data.users["head_a"].id)
    whom = data.users["prosecutor_a"].id
    refused = head.post(f"/api/accounts/{whom}/roles", json={"grant": "chief", "reason": "x"},
                        headers={"X-CSRF-Token": h_csrf})  # fmt: skip
    assert refused.status_code == 403
    other = TestClient(app)
    o_csrf = login(other, data.users["officer_b"].id)
    outside = other.post(f"/api/accounts/{whom}/roles", json={"grant": "clerk", "reason": "x"},
                         headers={"X-CSRF-Token": o_csrf})  # fmt: skip
    assert outside.status_code == 404  # another unit's person is not there for them
    blank = officer.post(f"/accounts/{whom}/roles", data={"csrf": csrf, "grant": "clerk",
                         "withdraw": "prosecutor", "reason": " "})  # fmt: skip
    assert blank.status_code == 409
    assert "变更角色须说明理由" in blank.text
