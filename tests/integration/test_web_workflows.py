"""A day's work in the browser, through the same use cases as the CLI: the department head's
复核, closing and archiving behind 每案必检 (refused with its reasons in words), the ledger's
反馈 / 纠正 / 关闭 with a reason and undo, review forms with their items, and the steps of
referrals and rectifications."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.gates import GateRefused
from jianguan.domain.model import DecisionType, Role, decisions_allowed
from jianguan.domain.rectification import RectificationKind, RectificationSource
from jianguan.domain.referral import ReferralSource
from jianguan.services import casework
from jianguan.services import responsibility as svc
from jianguan.services.accounts import set_password
from jianguan.services.monitoring import units_below
from tests.integration.web_support import PASSWORD, REVIEW_YEAR, WebData, build, login


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    d = build(tmp_path_factory.mktemp("work"), cases=900)
    a = d.users["prosecutor_a"]
    with d.application() as app:
        cfg = app.rules.responsibility
        svc.open_referral(app.uow(), cfg.referral, ReferralSource.MANUAL, "lead-a", a.id, a.unit,
                          None, "线索", "test", d.as_of)  # fmt: skip
        svc.open_rectification(app.uow(), RectificationKind.ORDINARY, "文书整改",
                               RectificationSource.MANUAL, "rect-a", a.unit, ["文书不规范"],
                               d.as_of, d.as_of + dt.timedelta(days=30), "test")  # fmt: skip
    return d


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def client_of(app: FastAPI, data: WebData, label: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, login(client, data.users[label].id)


def open_case(client: TestClient, handler: str) -> str:
    page = client.get("/api/cases", params={"open_only": "true", "limit": "200"}).json()
    return next(c["case_id"] for c in page["items"] if c["handler"] == handler)


def test_head_verifies_after_the_self_check_and_closing_is_refused_in_words(
    app: FastAPI, data: WebData
) -> None:
    me = data.users["prosecutor_a"]
    prosecutor, p_csrf = client_of(app, data, "prosecutor_a")
    case_id = open_case(prosecutor, me.id)
    r = prosecutor.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": p_csrf})
    assert r.status_code == 200
    assert r.json()["recorded"]
    head, h_csrf = client_of(app, data, "head_a")
    page = head.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert 'id="verify-button"' in page.text  # the gate lists 复核 missing: the head may do it
    assert 'id="verify-button"' not in prosecutor.get(f"/cases/{case_id}").text
    done = head.post(f"/cases/{case_id}/verify", data={"csrf": h_csrf}, follow_redirects=False)
    assert done.status_code == 303
    after = head.get(f"/api/cases/{case_id}").json()
    assert "verification" not in {m["code"] for m in after["gate_missing"]}
    assert any(e["type"] == "verification" and e["by"] == data.users["head_a"].id
               for e in after["events"])  # fmt: skip
    # The case has no decision: closing is refused, the page says why in words, nothing changes.
    refused = prosecutor.post(f"/cases/{case_id}/close", data={"csrf": p_csrf})
    assert refused.status_code == 409
    assert 'id="refused"' in refused.text
    assert "尚未作出审查结论" in refused.text
    assert f'href="/cases/{case_id}"' in refused.text  # back to the case, not a script link
    assert prosecutor.get(f"/api/cases/{case_id}").json()["case"]["closed_on"] is None
    api = prosecutor.post(f"/api/cases/{case_id}/close", headers={"X-CSRF-Token": p_csrf})
    assert api.status_code == 409
    assert "decision" in {m["code"] for m in api.json()["missing"]}
    # A prosecutor of another unit cannot even see the case; a prosecutor may not verify.
    other, o_csrf = client_of(app, data, "prosecutor_b")
    assert other.post(f"/cases/{case_id}/verify", data={"csrf": o_csrf}).status_code == 404
    assert prosecutor.post(f"/cases/{case_id}/verify", data={"csrf": p_csrf}).status_code == 403


def decided_case(data: WebData, unit: str, not_of: str) -> tuple[str, str]:
    """An open case of ``unit`` (not handled by ``not_of``) with its decision recorded as
    ``jianguan case decide`` does (approvers tried in turn: the powers list says who may
    approve), and its handler, who gets a login."""
    with data.application() as application:
        with application.uow() as uow:
            cases = [c for c in uow.cases.iter_cases() if c.unit == unit and c.handler != not_of
                     and c.decision is None and c.closed_on is None]  # fmt: skip
            people = [p for p in uow.cases.people() if p.unit == unit]
        approvers = [None, *(p.id for p in people if p.role in (Role.DEPARTMENT_HEAD, Role.CHIEF))]
        for case in cases:
            for kind in sorted(decisions_allowed(case.category)):
                if kind is DecisionType.NOT_PROSECUTE:
                    continue
                for approver in approvers:
                    try:
                        casework.record_decision(application.uow(), application.rules,
                                                 case.case_id, kind, data.as_of, approver)  # fmt: skip
                    except GateRefused:
                        continue
                    set_password(application.uow(), application.hasher, case.handler,
                                 case.handler, PASSWORD, application.now(), "test")  # fmt: skip
                    return case.case_id, case.handler
    raise AssertionError("no case could be decided")


def test_close_then_archive_through_the_gate(app: FastAPI, data: WebData) -> None:
    me = data.users["prosecutor_a"]
    case_id, handler = decided_case(data, me.unit, me.id)
    prosecutor = TestClient(app)
    p_csrf = login(prosecutor, handler)
    first = prosecutor.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": p_csrf})
    rules = [f["rule"] for f in first.json()["findings"]]
    # every finding explained (the handler says why it is right as it stands): the gate counts it
    r = prosecutor.post(f"/cases/{case_id}/selfcheck", data={
        "csrf": p_csrf, "rule": rules, "explanation": ["经核实无误"] * len(rules)})  # fmt: skip
    assert r.status_code == 200
    assert 'id="selfcheck-findings"' in r.text
    head, h_csrf = client_of(app, data, "head_a")
    assert head.post(f"/cases/{case_id}/verify", data={"csrf": h_csrf}).status_code == 200
    for m in head.get(f"/api/cases/{case_id}").json()["gate_missing"]:  # answer any opinion
        assert m["code"].startswith("consultation:"), m
        prosecutor.post(f"/cases/{case_id}/answer", data={"csrf": p_csrf, "accept": "yes"})
    page = prosecutor.get(f"/cases/{case_id}").text
    assert 'id="close-button"' in page
    assert "已满足" in page
    closed = prosecutor.post(f"/cases/{case_id}/close", data={"csrf": p_csrf})
    assert closed.status_code == 200
    after = prosecutor.get(f"/api/cases/{case_id}").json()
    assert after["case"]["closed_on"] is not None
    assert after["gate"] == "archive"
    officer, o_csrf = client_of(app, data, "officer_a")
    assert 'id="archive-button"' in officer.get(f"/cases/{case_id}").text
    archived = officer.post(f"/api/cases/{case_id}/archive", headers={"X-CSRF-Token": o_csrf})
    assert archived.status_code == 200, archived.text
    assert archived.json()["gate"] == "done"
    again = officer.post(f"/cases/{case_id}/archive", data={"csrf": o_csrf})
    assert again.status_code == 409
    assert "案件已归档" in again.text


def first_entry(client: TestClient, **params: str) -> dict[str, object]:
    items = client.get("/api/ledger", params={"status": "active", **params}).json()["items"]
    assert items, "the province has active ledger entries"
    entry: dict[str, object] = items[0]
    return entry


def test_ledger_feedback_close_with_reason_and_undo(app: FastAPI, data: WebData) -> None:
    officer, csrf = client_of(app, data, "officer_a")
    e = first_entry(officer)
    path = f"/ledger/{e['case_id']}/{e['rule']}/answer"
    form = officer.get(path, headers={"HX-Request": "true"})  # the row's link fetches its form
    assert form.status_code == 200
    assert '<form class="answer inline"' in form.text
    assert '<option value="closed">关闭' in form.text  # a case officer may close
    assert "<html" not in form.text  # a fragment for the row
    alone = officer.get(path)  # without htmx: a page of its own, with the navigation
    assert alone.status_code == 200
    assert '<form class="answer inline"' in alone.text
    assert "<nav" in alone.text
    other, _ = client_of(app, data, "officer_b")
    assert other.get(path, headers={"HX-Request": "true"}).status_code == 404  # not its unit's
    blank = officer.post(path, data={"csrf": csrf, "outcome": "closed", "reason": " "})
    assert blank.status_code == 409
    assert "须说明理由" in blank.text
    row = officer.post(path, data={"csrf": csrf, "outcome": "closed", "reason": "已当面核实"})
    assert row.status_code == 200
    assert "已关闭" in row.text
    assert "撤销上一步" in row.text
    api = f"/api/ledger/{e['case_id']}/{e['rule']}/answer"
    undone = officer.post(api, json={"outcome": "undo"}, headers={"X-CSRF-Token": csrf})
    assert undone.status_code == 200
    assert undone.json()["status"] == e["status"]
    again = officer.post(api, json={"outcome": "undo"}, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409  # nothing left to undo: levels are never lowered
    fixed = officer.post(api, json={"outcome": "corrected", "reason": "已补正"},
                         headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert fixed.status_code == 200
    assert fixed.json()["status"] == "corrected"


def test_the_handler_gives_feedback_and_may_not_close(app: FastAPI, data: WebData) -> None:
    me = data.users["prosecutor_a"]
    prosecutor, csrf = client_of(app, data, "prosecutor_a")
    e = first_entry(prosecutor, mine="true")
    api = f"/api/ledger/{e['case_id']}/{e['rule']}/answer"
    h = {"X-CSRF-Token": csrf}
    fed = prosecutor.post(api, json={"outcome": "feedback", "reason": "已补送告知书"}, headers=h)
    assert fed.status_code == 200
    assert fed.json()["status"] == e["status"]
    assert (
        prosecutor.post(api, json={"outcome": "closed", "reason": "x"}, headers=h).status_code
        == 403
    )
    page = prosecutor.get("/ledger", params={"mine": "true", "status": "active"}).text
    assert f'href="/ledger/{e["case_id"]}/{e["rule"]}/answer"' in page  # each row: a link
    form = prosecutor.get(
        f"/ledger/{e['case_id']}/{e['rule']}/answer", headers={"HX-Request": "true"}
    ).text
    assert '<option value="feedback">反馈' in form  # offered to the handler: feedback only
    assert '<option value="closed">关闭' not in form
    assert all(x["case_id"] in data.handled_by[me.id] for x in
               prosecutor.get("/api/ledger", params={"mine": "true"}).json()["items"])  # fmt: skip


def test_review_form_records_the_items_ticked(app: FastAPI, data: WebData) -> None:
    with data.application() as application:
        with application.uow() as uow:
            form = uow.review.forms(REVIEW_YEAR)[0]
        set_password(application.uow(), application.hasher, form.reviewer, form.reviewer,
                     PASSWORD, application.now(), "test")  # fmt: skip
        items = application.rules.review.standards.items()
    reviewer = TestClient(app)
    csrf = login(reviewer, form.reviewer)
    page = reviewer.get(f"/review/{REVIEW_YEAR}/{form.case_id}")
    assert page.status_code == 200
    first, second = sorted(items)[:2]
    assert f'value="{first}"' in page.text
    assert items[first].title in page.text
    r = reviewer.post(
        f"/review/{REVIEW_YEAR}/{form.case_id}/record",
        data={"csrf": csrf, "grade": "unqualified", "item": [first, second],
              "noted": [first, second], "item_note": ["证据未审查", ""]},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    got = reviewer.get(f"/api/reviews/{REVIEW_YEAR}/{form.case_id}").json()["form"]
    assert {m["item"] for m in got["marks"]} == {first, second}
    assert got["score"] == 100 - items[first].deduct - items[second].deduct
    assert next(m["note"] for m in got["marks"] if m["item"] == first) == "证据未审查"


def test_referral_advances_and_rectification_goes_step_by_step(app: FastAPI, data: WebData) -> None:
    head, h_csrf = client_of(app, data, "head_a")
    me = data.users["prosecutor_a"]
    prosecutor, p_csrf = client_of(app, data, "prosecutor_a")
    [ref] = head.get("/api/responsibility/referrals").json()
    page = head.get("/responsibility").text
    assert f'action="/responsibility/referrals/{ref["id"]}/advance"' in page
    moved = head.post(f"/responsibility/referrals/{ref['id']}/advance",
                      data={"csrf": h_csrf, "note": "受理"}, follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303
    now = next(r for r in head.get("/api/responsibility/referrals").json() if r["id"] == ref["id"])
    assert len(now["steps"]) == len(ref["steps"]) + 1
    assert now["stage"] != ref["stage"]
    # the person concerned cannot move their own referral
    assert prosecutor.post(f"/api/responsibility/referrals/{ref['id']}/advance",
                           json={"note": "x"}, headers={"X-CSRF-Token": p_csrf}
                           ).status_code == 403  # fmt: skip
    [rect] = head.get("/api/responsibility/rectifications").json()
    base = f"/responsibility/rectifications/{rect['id']}"
    due = (data.as_of + dt.timedelta(days=10)).isoformat()
    assert head.post(f"{base}/task", data={"csrf": h_csrf, "problem": "1", "responsible": me.id,
                                           "measure": "补正文书", "due_on": due}).status_code == 200  # fmt: skip
    assert head.post(f"{base}/close", data={"csrf": h_csrf}).status_code == 409  # task open
    done = prosecutor.post(f"{base}/done", data={"csrf": p_csrf, "task": "1", "text": "已补正"})
    assert done.status_code == 200
    assert head.post(f"{base}/verify", data={"csrf": h_csrf, "task": "1"}).status_code == 200
    closed = head.post(f"{base}/close", data={"csrf": h_csrf})
    assert closed.status_code == 200
    final = head.get("/api/responsibility/rectifications").json()[0]
    assert final["closed_on"] is not None
    assert final["tasks"][0]["status"] == "verified"


def test_case_list_searches_sorts_pages_and_exports(app: FastAPI, data: WebData) -> None:
    officer, _ = client_of(app, data, "officer_province")
    with data.application() as application, application.uow() as uow:
        case = next(c for c in uow.cases.iter_cases() if c.suspects and c.charges)
        everyone = sum(1 for _ in uow.cases.iter_cases())
    first = officer.get("/cases", params={"mine": "false"})
    assert f'data-total="{everyone}"' in first.text
    assert "第 1 / " in first.text
    assert first.text.count('<tr><td><a href="/cases/') == 50
    second = officer.get("/cases", params={"mine": "false", "page": "2"}).text
    assert 'rel="prev"' in second
    assert second.count('<tr><td><a href="/cases/') == 50
    by_name = officer.get("/cases", params={"mine": "false", "q": case.suspects[0].name}).text
    assert f'href="/cases/{case.case_id}"' in by_name
    by_charge = officer.get("/cases", params={"mine": "false", "q": case.charges[0]}).text
    assert f'href="/cases/{case.case_id}"' in by_charge
    newest = officer.get("/cases", params={"mine": "false", "sort": "received_desc"}).text
    days = re.findall(r"<td>(\d{4}-\d\d-\d\d)</td><td>", newest)
    assert days
    assert days == sorted(days, reverse=True)
    r = officer.get("/cases/export.xlsx", params={"mine": "false", "q": case.charges[0]})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    total = int(re.search(r'data-total="(\d+)"', by_charge).group(1))  # type: ignore[union-attr]
    assert len(rows) == total + 1
    assert case.case_id in {row[0] for row in rows}
    assert officer.get("/cases", params={"sort": "nope"}).status_code == 400  # a page, in words


def test_review_list_is_paged_with_its_count(app: FastAPI, data: WebData) -> None:
    officer, _ = client_of(app, data, "officer_province")
    page = officer.get("/review", params={"year": str(REVIEW_YEAR)}).text
    total = int(re.search(r'id="review-forms" data-total="(\d+)"', page).group(1))  # type: ignore[union-attr]
    shown = page.count(f'<tr><td><a href="/review/{REVIEW_YEAR}/')
    assert total > 0
    assert shown == min(total, 50)
    if total > 50:
        assert 'rel="next"' in page


def test_a_citys_numbered_pages_are_its_cases_in_order(app: FastAPI, data: WebData) -> None:
    """A city chief's scope is several units: its numbered pages are merged from each unit's
    own first rows (web_sql._merged_pages with an offset), and must be exactly the slices of
    the scope's cases in case-id order, open only or not."""
    chief, _ = client_of(app, data, "chief_city_a")
    with data.application() as application, application.uow() as uow:
        person = uow.cases.person(data.users["chief_city_a"].id)
        assert person is not None
        scope = units_below(uow.cases.units(), person.unit)
        cases = sorted((c.case_id, c.closed_on) for c in uow.cases.iter_cases() if c.unit in scope)
    assert len(scope) > 1, "the city must have units below it for this test to mean anything"
    everything = [case_id for case_id, _ in cases]
    still_open = [case_id for case_id, closed in cases if closed is None]
    for open_only, wanted in ((False, everything), (True, still_open)):
        shown: list[str] = []
        for page in (1, 2, 3):
            params = {"mine": "false", "page": str(page), "open_only": str(open_only).lower()}
            text = chief.get("/cases", params=params).text
            shown += re.findall(r'<tr><td><a href="/cases/([^"]+)"', text)
        assert shown == wanted[:150]
