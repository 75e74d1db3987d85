"""The rest of a day's work in the browser, through the same use cases as the CLI: decisions
with the approval the powers list (职权清单) requires, assignment (random, or designated with a
reason) and recusal, the year's review plan and its reviewers, lists by hand with 容错免责,
evaluation and assessment, calendar notices (size-limited upload), and accounts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.model import Decision, DecisionType, Role, decisions_allowed
from jianguan.domain.responsibility import ListKind, Source
from jianguan.services import responsibility as responsibility_service
from jianguan.web.app import create_app
from tests.integration.web_support import PASSWORD, REVIEW_YEAR, WebData, build, login
from tests.support import app_for


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("admin"), cases=900)


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def client_of(app: FastAPI, data: WebData, label: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, login(client, data.users[label].id)


def open_cases(data: WebData, handler: str) -> list[str]:
    with data.application() as application, application.uow() as uow:
        return sorted(c.case_id for c in uow.cases.iter_cases() if c.handler == handler
                      and c.decision is None and c.closed_on is None)  # fmt: skip


def test_a_reserved_decision_needs_its_approver_who_records_it(app: FastAPI, data: WebData) -> None:
    me = data.users["prosecutor_a"]
    prosecutor, p_csrf = client_of(app, data, "prosecutor_a")
    with data.application() as application, application.uow() as uow:
        cases = [uow.cases.load_case(c) for c in open_cases(data, me.id)]
        powers = application.rules.powers
    # an open case of the prosecutor with a decision the powers list reserves
    case, kind = next(
        (c, k) for c in cases if c is not None
        for k in sorted(decisions_allowed(c.category), key=lambda k: k.value)
        if powers.for_unit(c.unit).required(Decision(k, c.received_on, c.handler, None, None),
                                             c.major_complex) is not None
    )  # fmt: skip
    page = prosecutor.get(f"/cases/{case.case_id}").text
    assert 'id="decide-form"' in page
    assert "须经" in page  # each decision says whose approval it needs, in words
    on = data.as_of.isoformat()
    ground = {"ground": "discretionary"} if kind is DecisionType.NOT_PROSECUTE else {}
    refused = prosecutor.post(f"/cases/{case.case_id}/decide",
                              data={"csrf": p_csrf, "type": kind.value, "on": on, **ground})  # fmt: skip
    assert refused.status_code == 409
    assert "批准" in refused.text
    assert prosecutor.get(f"/api/cases/{case.case_id}").json()["case"]["decision_type"] is None
    head, h_csrf = client_of(app, data, "head_a")
    head_page = head.get(f"/cases/{case.case_id}").text
    assert "批准并记录审查结论" in head_page
    r = head.post(f"/api/cases/{case.case_id}/decide", json={"type": kind.value, "on": on, **ground},
                  headers={"X-CSRF-Token": h_csrf})  # fmt: skip
    if r.status_code == 409:  # the list reserves it to the chief: the head may not approve it
        assert "批准" in r.json()["missing"][0]["zh"]
        chief = next(p for p in _people(data) if p.unit == case.unit and p.role is Role.CHIEF)
        _password(data, chief.id)
        c = TestClient(app)
        c_csrf = login(c, chief.id)
        r = c.post(f"/api/cases/{case.case_id}/decide", json={"type": kind.value, "on": on, **ground},
                   headers={"X-CSRF-Token": c_csrf})  # fmt: skip
        approver = chief.id
    else:
        approver = data.users["head_a"].id
    assert r.status_code == 200, r.text
    after = prosecutor.get(f"/api/cases/{case.case_id}").json()
    assert after["case"]["decision_type"] == kind.value
    assert any(e["type"] == "approval" and e["by"] == approver for e in after["events"])
    # decided: the form is gone; another unit's prosecutor cannot even see the case
    assert 'id="decide-form"' not in prosecutor.get(f"/cases/{case.case_id}").text
    other, o_csrf = client_of(app, data, "prosecutor_b")
    assert other.post(f"/cases/{case.case_id}/decide",
                      data={"csrf": o_csrf, "type": kind.value, "on": on}).status_code == 404  # fmt: skip


def _people(data: WebData) -> list:  # type: ignore[type-arg]
    with data.application() as application, application.uow() as uow:
        return uow.cases.people()


def _password(data: WebData, person_id: str) -> None:
    from jianguan.services.accounts import set_password

    with data.application() as application:
        set_password(application.uow(), application.hasher, person_id, person_id, PASSWORD,
                     application.now(), "test")  # fmt: skip


def test_assignment_random_then_designated_and_recusal(app: FastAPI, data: WebData) -> None:
    officer, csrf = client_of(app, data, "officer_a")
    unit = data.users["officer_a"].unit
    with data.application() as application, application.uow() as uow:
        still_open = sorted(c.case_id for c in uow.cases.iter_cases()
                            if c.unit == unit and c.closed_on is None)  # fmt: skip
    for case_id in still_open:  # a case whose department has three prosecutors or more
        page = officer.get(f"/cases/{case_id}").text
        assert 'id="assign-form"' in page
        options = re.findall(r'<option value="([^"]+)">指定承办人：', page)
        if len(options) >= 3:
            break
    assert len(options) >= 3, "the department's prosecutors are offered by name"
    drawn = officer.post(f"/api/cases/{case_id}/assign", json={}, headers={"X-CSRF-Token": csrf})
    assert drawn.status_code == 200, drawn.text
    got = drawn.json()
    assert got["mode"] == "random"
    assert got["person"] in options
    assert got["seed"]
    page = officer.get(f"/cases/{case_id}").text
    assert 'id="assignments"' in page
    assert "随机分案" in page
    # designation needs a reason; a recused person cannot be designated
    target = next(o for o in options if o != got["person"])
    blank = officer.post(f"/cases/{case_id}/assign", data={"csrf": csrf, "designate": target})
    assert blank.status_code == 409
    assert "指定分案须说明理由" in blank.text
    rec = officer.post(f"/cases/{case_id}/recuse",
                       data={"csrf": csrf, "person": target, "reason": "系当事人近亲属"})  # fmt: skip
    assert rec.status_code == 200  # back on the case page, which names the recusal
    assert "系当事人近亲属" in rec.text
    refused = officer.post(f"/cases/{case_id}/assign",
                           data={"csrf": csrf, "designate": target, "reason": "熟悉案情"})  # fmt: skip
    assert refused.status_code == 409
    assert "已回避本案" in refused.text
    other = next(o for o in options if o not in (target,))
    ok = officer.post(f"/cases/{case_id}/assign",
                      data={"csrf": csrf, "designate": other, "reason": "熟悉案情"},
                      follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    assert officer.get(f"/api/cases/{case_id}").json()["case"]["handler"] == other
    # a prosecutor may not assign; a case of another unit is not there
    prosecutor, p_csrf = client_of(app, data, "prosecutor_a")
    assert prosecutor.post(f"/cases/{case_id}/assign", data={"csrf": p_csrf}).status_code == 403
    far = data.cases_by_unit[data.users["prosecutor_b"].unit][0]
    assert officer.post(f"/cases/{far}/assign", data={"csrf": csrf}).status_code == 404


def test_the_provincial_office_draws_the_plan_and_assigns_reviewers(
    app: FastAPI, data: WebData
) -> None:
    year = REVIEW_YEAR - 1
    local, l_csrf = client_of(app, data, "officer_a")
    assert 'id="plan-form"' not in local.get("/review", params={"year": year}).text
    assert local.post(f"/review/{year}/plan", data={"csrf": l_csrf}).status_code == 403
    office, csrf = client_of(app, data, "officer_province")
    page = office.get("/review", params={"year": year}).text
    assert "本年度尚无评查计划" in page
    assert 'id="plan-form"' in page
    made = office.post(f"/review/{year}/plan", data={"csrf": csrf, "seed": "web-test"})
    assert made.status_code == 200
    summary = re.search(r'id="plan-summary" data-cases="(\d+)" data-forms="(\d+)"', made.text)
    assert summary is not None
    assert int(summary.group(1)) > 0
    assert int(summary.group(2)) == 0
    assert "常规抽查" in made.text
    again = office.post(f"/api/reviews/{year}/plan", json={}, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409  # a second plan is refused, in words
    done = office.post(f"/review/{year}/reviewers", data={"csrf": csrf, "mode": "cross"})
    assert done.status_code == 200
    assert "已分配评查人" in done.text
    plan = office.get(f"/api/reviews/{year}/plan").json()
    assert plan["forms"] > 0
    assert plan["seed"] == "web-test"


def test_lists_by_hand_tolerance_and_evaluation(app: FastAPI, data: WebData) -> None:
    office, o_csrf = client_of(app, data, "officer_province")
    built = office.post("/responsibility/lists/build", data={"csrf": o_csrf},
                        follow_redirects=False)  # fmt: skip
    assert built.status_code == 303
    local, l_csrf = client_of(app, data, "officer_a")
    assert local.post("/responsibility/lists/build", data={"csrf": l_csrf}).status_code == 403
    with data.application() as application:
        manual = [r for r in application.rules.responsibility.lists if r.source is Source.MANUAL]
    assert manual
    rule = next((r for r in manual if r.list is ListKind.NEGATIVE), manual[0])
    me = data.users["prosecutor_a"]
    page = local.get("/responsibility").text
    assert 'id="add-entry"' in page
    assert f'<option value="{me.id}">{me.name}</option>' in page  # a person by name, not an id
    added = local.post("/responsibility/lists", data={
        "csrf": l_csrf, "rule": rule.id, "unit": me.unit, "person": me.id,
        "evidence": "检察长办公会纪要〔2025〕3号", "note": "网页录入"}, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303, added.text
    entries = local.get("/api/responsibility/lists").json()
    mine = [e for e in entries if e["rule"] == rule.id and e["person"] == me.id]
    assert mine
    assert mine[0]["evidence"]["ref"] == "检察长办公会纪要〔2025〕3号"
    far = data.users["prosecutor_b"]
    assert local.post("/responsibility/lists", data={
        "csrf": l_csrf, "rule": rule.id, "unit": far.unit, "evidence": "x"}).status_code == 404  # fmt: skip
    negative = next(e for e in entries if e["list_kind"] == "negative" and not e["tolerance"])
    chief, c_csrf = client_of(app, data, "chief_city_a")
    assert 'class="inline tolerate"' in chief.get("/responsibility").text
    assert local.post(f"/responsibility/lists/{negative['key']}/tolerate",
                      data={"csrf": l_csrf, "cause": "x"}).status_code == 403  # fmt: skip
    tol = chief.post(f"/api/responsibility/lists/{negative['key']}/tolerate",
                     json={"cause": "法律适用存在争议"}, headers={"X-CSRF-Token": c_csrf})  # fmt: skip
    assert tol.status_code == 200, tol.text
    assert tol.json()[0]["tolerance"] == "法律适用存在争议"
    year = data.as_of.year
    ev = chief.get("/responsibility/evaluation", params={"year": year})
    assert ev.status_code == 200
    body = chief.get("/api/responsibility/evaluation", params={"year": year}).json()
    assert body["units"], "the chief sees the evaluation of the units below"
    assert all(data.parent(u["unit"]) == me.unit or u["unit"] in
               {x.code for x in data.units} for u in body["units"])  # fmt: skip
    scope_units = {u["unit"] for u in body["units"]}
    assert data.users["prosecutor_b"].unit not in scope_units
    assert 'id="unit-evaluation"' in ev.text
    prosecutor = TestClient(app)
    login(prosecutor, me.id)
    own = prosecutor.get("/api/responsibility/evaluation", params={"year": year}).json()
    assert own["units"] == []
    assert all(a["person"] == me.id for a in own["people"])


def test_the_years_evaluation_is_computed_once_and_a_change_shows_at_once(
    app: FastAPI, data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evaluation is the whole province's year (its rates are each unit's baseline): it is
    computed once for every user and narrowed to each one's scope, and any change made through
    the web (a list entry changes it) computes it again."""
    runs: list[int] = []
    real = responsibility_service.evaluate

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(responsibility_service, "evaluate", counted)
    app.state.web.yearly.clear()
    year = data.as_of.year
    chief, c_csrf = client_of(app, data, "chief_city_a")
    office, _ = client_of(app, data, "officer_province")
    first = chief.get("/api/responsibility/evaluation", params={"year": year}).json()
    wide = office.get("/api/responsibility/evaluation", params={"year": year}).json()
    assert chief.get("/api/responsibility/evaluation", params={"year": year}).json() == first
    assert len(runs) == 1  # once for both users, narrowed to each one's units
    figures = app.state.web.figures  # many indicator figures kept do not push it out
    for i in range(300):
        figures.put(("indicators", i), [], figures.generation())
    chief.get("/api/responsibility/evaluation", params={"year": year})
    assert len(runs) == 1
    assert {u["unit"] for u in first["units"]} < {u["unit"] for u in wide["units"]}
    refused = chief.post("/api/responsibility/lists/nothing/tolerate", json={"cause": "x"},
                         headers={"X-CSRF-Token": c_csrf})  # fmt: skip
    assert refused.status_code == 404
    chief.get("/api/responsibility/evaluation", params={"year": year})
    assert len(runs) == 1  # a refused request changed nothing: the evaluation stays
    officer, o_csrf = client_of(app, data, "officer_a")
    case_id = data.cases_by_unit[data.users["officer_a"].unit][0]
    done = officer.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": o_csrf})
    assert done.status_code == 200, done.text
    chief.get("/api/responsibility/evaluation", params={"year": year})
    assert len(runs) == 2  # a change through the web computes it again


NOTICE = """[years.2031]
notice = "国务院办公厅关于2031年部分节假日安排的通知"
notice_date = "2030-11-10"
workdays = ["2031-01-19"]
holidays = [
  { name = "元旦", from = "2031-01-01", to = "2031-01-01" },
  { name = "春节", from = "2031-01-22", to = "2031-01-28" },
]
"""


def test_calendar_notices_shown_and_added_with_a_size_limit(
    data: WebData, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("calendar")
    site = create_app(app_for(data.url, as_of=data.as_of, data_dir=folder), data.config())
    office = TestClient(site)
    csrf = login(office, data.users["officer_province"].id)
    page = office.get("/calendar").text
    assert "国务院办公厅关于2025年部分节假日安排的通知" in page
    assert 'id="notice-form"' in page
    big = office.post("/calendar", data={"csrf": csrf},
                      files={"notice": ("2031.toml", b"#" * (200 * 1024), "text/plain")})  # fmt: skip
    assert big.status_code == 413
    assert "上传文件过大" in big.text
    bad = office.post("/calendar", data={"csrf": csrf},
                      files={"notice": ("x.toml", b"[years.2031]\n", "text/plain")})  # fmt: skip
    assert bad.status_code == 422
    ok = office.post("/calendar", data={"csrf": csrf},
                     files={"notice": ("2031.toml", NOTICE.encode(), "text/plain")})  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert "已添加 2031 年" in ok.text
    assert (folder / "calendar.d" / "2031.toml").read_text("utf-8") == NOTICE
    local = TestClient(site)
    l_csrf = login(local, data.users["officer_a"].id)
    assert 'id="notice-form"' not in local.get("/calendar").text
    refused = local.post("/calendar", data={"csrf": l_csrf},
                         files={"notice": ("2032.toml", NOTICE.encode(), "text/plain")})  # fmt: skip
    assert refused.status_code == 403
    years = [y["year"] for y in local.get("/api/calendar").json()]
    assert 2025 in years


def test_accounts_set_and_reset_within_the_units(app: FastAPI, data: WebData) -> None:
    officer, csrf = client_of(app, data, "officer_a")
    people = [p for p in _people(data) if p.unit == data.users["officer_a"].unit]
    target = next(p for p in people if p.id not in {u.id for u in data.users.values()})
    page = officer.get("/accounts", params={"unit": target.unit}).text
    assert f'id="person-{target.id}"' in page
    assert target.name in page
    assert "检察官" in page or "书记员" in page  # roles by name
    short = officer.post(f"/accounts/{target.id}/password", data={"csrf": csrf, "password": "x"})
    assert short.status_code == 422
    done = officer.post(f"/accounts/{target.id}/password",
                        data={"csrf": csrf, "password": "new-password-1"})  # fmt: skip
    assert done.status_code == 200
    assert "账号已设置" in done.text
    them = TestClient(app)
    r = them.post("/api/login", json={"username": target.id, "password": "new-password-1"})
    assert r.status_code == 200
    assert them.get("/api/me").status_code == 200
    # a reset ends the sessions of the old password
    officer.post(f"/api/accounts/{target.id}/password", json={"password": "newer-password-2"},
                 headers={"X-CSRF-Token": csrf})  # fmt: skip
    from jianguan.web import auth

    auth._resolved.clear()  # the five-second cache of resolved cookies
    assert them.get("/api/me").status_code == 401
    far = next(p for p in _people(data) if p.unit == data.users["officer_b"].unit)
    assert officer.post(f"/accounts/{far.id}/password",
                        data={"csrf": csrf, "password": "new-password-1"}).status_code == 404  # fmt: skip
    prosecutor, _ = client_of(app, data, "prosecutor_a")
    assert prosecutor.get("/accounts").status_code == 403
    assert 'href="/accounts"' not in prosecutor.get("/").text
