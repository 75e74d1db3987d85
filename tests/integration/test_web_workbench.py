"""The workbench on the home page (今日工作): each count is the length of the list its link
opens, from the same use case as that list and the CLI (one truth), for the person signed in."""

from __future__ import annotations

import re
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.gates import GateRefused
from jianguan.services import access_review, casework, consultation
from jianguan.services.access import principal_for
from jianguan.services.accounts import set_password
from tests.integration.web_support import PASSWORD, REVIEW_YEAR, WebData, build, login


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("workbench"), cases=900)


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def _count(page: str, key: str) -> int | None:
    m = re.search(rf'<li id="{key}"><a href="[^"]*"><span class="num">(\d+)</span>', page)
    return int(m.group(1)) if m else None


def test_the_reviewers_count_is_the_services_and_the_lists(app: FastAPI, data: WebData) -> None:
    assert data.as_of.year == REVIEW_YEAR  # the workbench counts the year of today
    with data.application() as application:
        with application.uow() as uow:
            forms = uow.review.forms(REVIEW_YEAR)
            people = {p.id: p for p in uow.cases.people()}
            units = uow.cases.units()
        reviewer = sorted({f.reviewer for f in forms if f.reviewer})[0]
        expected = sum(
            v.may_record
            for v in access_review.forms_for(application.uow(),
                                             principal_for(reviewer, people[reviewer], units),
                                             REVIEW_YEAR)
        )  # fmt: skip
        set_password(application.uow(), application.hasher, reviewer, reviewer, PASSWORD,
                     application.now(), "test")  # fmt: skip
    assert expected > 0
    client = TestClient(app)
    login(client, reviewer)
    started = time.perf_counter()
    home = client.get("/").text
    took = time.perf_counter() - started
    assert _count(home, "wb_forms_grade") == expected
    assert f'href="/review?year={REVIEW_YEAR}&amp;standing=reviewer"' in home
    listed = client.get(f"/review?year={REVIEW_YEAR}&standing=reviewer").text
    assert listed.count('href="/review/') >= min(expected, 1)
    assert took < 1.0, f"the home page took {took:.2f} s"


def test_a_panel_members_count_is_their_queue(app: FastAPI, data: WebData) -> None:
    with data.application() as application:
        with application.uow() as uow:
            people = [p.id for p in uow.cases.people()]
            still_open = sorted(c.case_id for c in uow.cases.iter_cases() if c.closed_on is None)
        for case_id in still_open[:40]:  # assignment forms the panels the rules call for
            try:
                casework.assign(application.uow(), application.rules, case_id, "test",
                                application.now(), None, None)  # fmt: skip
            except GateRefused:
                continue
        queues = {pid: consultation.queue(application.uow(), pid) for pid in people}
        member = next(pid for pid, q in sorted(queues.items()) if q)
        set_password(application.uow(), application.hasher, member, member, PASSWORD,
                     application.now(), "test")  # fmt: skip
    client = TestClient(app)
    login(client, member)
    home = client.get("/").text
    expected = len(queues[member])  # all in the member's scope: panels are of their unit or below
    assert _count(home, "wb_opinions") == expected
    assert expected > 0
    panel = client.get("/supervision/panel").text  # the list the count links to
    assert len(set(re.findall(r'action="/supervision/panel/([^"]+)"', panel))) == expected


def test_nothing_waiting_says_so(app: FastAPI, data: WebData) -> None:
    client = TestClient(app)
    login(client, data.users["officer_b"].id)
    home = client.get("/").text
    assert 'id="workbench"' in home
    assert "今日工作" in home
