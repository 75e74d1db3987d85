"""The decision form offers each role exactly what ``casework.record_decision`` accepts from it
(issue 18): a department head is not offered what the powers list (rules/powers.toml) reserves
to the chief (检察长), and a decision reserved to the procuratorial committee is said to need
its meeting record. Offered and accepted come from one check (``casework.decision_choices``);
this test compares the page with the API's answers, role by role, case by case."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.adapters.store.uow import SqlUnitOfWork
from jianguan.domain.model import Case, DecisionType, Person, Role, decisions_allowed
from jianguan.services.accounts import set_password
from tests.integration.web_support import PASSWORD, WebData, build, login


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("offer"), cases=700)


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def _sample(data: WebData) -> list[tuple[Case, list[Person]]]:
    """Open cases of the province, one per category and major/not, each with one person of
    every role of its unit and its handler, all with a login."""
    with data.application() as application, application.uow() as uow:
        cases = [c for c in uow.cases.iter_cases() if c.decision is None and c.closed_on is None]
        people = uow.cases.people()
    picked: dict[tuple[object, bool], Case] = {}
    for c in sorted(cases, key=lambda c: c.case_id):
        picked.setdefault((c.category, c.major_complex), c)
    out: list[tuple[Case, list[Person]]] = []
    for case in picked.values():
        staff: dict[Role, Person] = {}
        for p in sorted(people, key=lambda p: p.id):
            if p.unit == case.unit and p.id != case.handler:
                staff.setdefault(p.role, p)
        handler = next(p for p in people if p.id == case.handler)
        out.append((case, [handler, *staff.values()]))
    with data.application() as application:
        for pid in {p.id for _, group in out for p in group}:
            set_password(application.uow(), application.hasher, pid, pid, PASSWORD,
                         application.now(), "test")  # fmt: skip
    return out


def _offered(page: str) -> set[str]:
    form = re.search(r'<select name="type" id="decision-type".*?</select>', page, re.S)
    return set(re.findall(r'<option value="([a-z_]+)"', form.group(0))) if form else set()


def test_the_form_offers_each_role_exactly_what_the_service_accepts(
    app: FastAPI, data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _sample(data)
    assert len(sample) >= 3
    roles = {p.role for _, group in sample for p in group}
    assert {Role.PROSECUTOR, Role.DEPARTMENT_HEAD, Role.CHIEF, Role.CASE_OFFICER} <= roles
    on = data.as_of.isoformat()
    clients: dict[str, tuple[TestClient, str]] = {}
    compared = 0
    head_kept: set[str] = set()
    for case, group in sample:
        for person in group:
            if person.id not in clients:
                client = TestClient(app)
                clients[person.id] = client, login(client, person.id)
            client, csrf = clients[person.id]
            offered = _offered(client.get(f"/cases/{case.case_id}").text)
            accepted = set()
            with monkeypatch.context() as m:  # nothing decided is kept: each kind is tried
                m.setattr(SqlUnitOfWork, "commit", lambda self: None)
                for kind in decisions_allowed(case.category):
                    body: dict[str, str] = {"type": kind.value, "on": on}
                    if kind is DecisionType.NOT_PROSECUTE:
                        body["ground"] = "discretionary"
                    r = client.post(f"/api/cases/{case.case_id}/decide", json=body,
                                    headers={"X-CSRF-Token": csrf})  # fmt: skip
                    assert r.status_code in (200, 403, 409), r.text
                    if r.status_code == 200:
                        accepted.add(kind.value)
                    compared += 1
            assert offered == accepted, (person.role, case.case_id, case.category)
            if person.role is Role.DEPARTMENT_HEAD:
                head_kept |= {k.value for k in decisions_allowed(case.category)} - offered
    assert compared >= 3 * len(sample)
    # the head is kept from some decision (the chief's)
    assert head_kept, "the powers list reserves decisions to the chief: the head lacks some"


def test_the_head_is_told_which_decisions_are_the_chiefs(app: FastAPI, data: WebData) -> None:
    with data.application() as application, application.uow() as uow:
        people = uow.cases.people()
        arrest, head = next(
            (c, h) for c in uow.cases.iter_cases()
            if c.decision is None and c.closed_on is None and not c.major_complex
            and DecisionType.DENY_ARREST in decisions_allowed(c.category)
            for h in people
            if h.unit == c.unit and h.role is Role.DEPARTMENT_HEAD and h.id != c.handler
        )  # fmt: skip
        set_password(application.uow(), application.hasher, head.id, head.id, PASSWORD,
                     application.now(), "test")  # fmt: skip
    client = TestClient(app)
    login(client, head.id)
    page = client.get(f"/cases/{arrest.case_id}").text
    assert "deny_arrest" not in _offered(page)  # 不批准逮捕 is the chief's (刑事诉讼法第87条)
    kept = re.search(r'<div id="decisions-reserved">.*?</div>', page, re.S)
    assert kept is not None
    item = re.search(r'<li data-decision="deny_arrest">(.*?)</li>', kept.group(0))
    assert item is not None
    assert "不批准逮捕" in item.group(1)
    assert "须经检察长或副检察长批准" in item.group(1)
    client.cookies.set("jg_lang", "en")
    english = client.get(f"/cases/{arrest.case_id}").text
    assert "needs the approval of the chief prosecutor" in english
