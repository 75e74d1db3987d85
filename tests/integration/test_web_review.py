"""The review workbench through the web: reviewer records, handler objects, a head decides; the
form is out of reach for everyone else."""

from __future__ import annotations

import re
from urllib.parse import unquote

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.review import FormStatus, conflicted
from jianguan.services.access_review import DECIDE_ROLES
from jianguan.services.accounts import set_password
from jianguan.web.review import PER_PAGE
from tests.integration.web_support import (
    PASSWORD,
    REVIEW_YEAR,
    WebData,
    app,
    login,
    web_data,
)

__all__ = ["app", "web_data"]


def test_record_object_decide_and_nobody_else(app: FastAPI, web_data: WebData) -> None:
    with web_data.application() as application:
        with application.uow() as uow:
            case_id, reviewer = next(
                (f.case_id, f.reviewer)
                for f in uow.review.forms(REVIEW_YEAR)  # in case_id order
                if f.status is FormStatus.ASSIGNED
            )
            case = uow.cases.load_case(case_id)
            people = uow.cases.people()
        assert case is not None
        head = next(
            p for p in people
            if p.unit == case.unit and p.role in DECIDE_ROLES and p.id not in conflicted(case)
            and p.id != reviewer
        )  # fmt: skip
        for pid in {case.handler, reviewer, head.id}:
            set_password(application.uow(), application.hasher, pid, pid, PASSWORD,
                         application.now(), "test")  # fmt: skip
    base = f"/api/reviews/{REVIEW_YEAR}/{case_id}"

    rev = TestClient(app)
    rev_csrf = login(rev, reviewer)
    listed = rev.get("/api/reviews", params={"year": REVIEW_YEAR}).json()
    assert case_id in {f["case_id"] for f in listed}
    assert rev.get(base).json()["standing"] == "reviewer"
    r = rev.post(
        f"{base}/record", json={"grade": "no-such-grade"}, headers={"X-CSRF-Token": rev_csrf}
    )
    assert r.status_code == 409
    assert "未知的评查等次" in r.json()["zh"]
    suggested = rev.get(base).json()["form"]["suggested"]
    r = rev.post(f"{base}/record", json={"grade": suggested}, headers={"X-CSRF-Token": rev_csrf})
    assert r.status_code == 200, r.text
    assert r.json()["form"]["status"] == "recorded"

    handler = TestClient(app)
    h_csrf = login(handler, case.handler)
    assert handler.get(base).json()["standing"] == "handler"
    r = handler.post(
        f"{base}/object", json={"reason": "证据已补强"}, headers={"X-CSRF-Token": h_csrf}
    )
    assert r.status_code == 200, r.text
    assert r.json()["form"]["status"] == "objected"
    # the handler may not decide their own case's grade
    r = handler.post(f"{base}/decide", json={}, headers={"X-CSRF-Token": h_csrf})
    assert r.status_code == 403

    boss = TestClient(app)
    b_csrf = login(boss, head.id)
    page = boss.get(f"/review/{REVIEW_YEAR}/{case_id}")
    assert 'id="decide-form"' in page.text
    r = boss.post(f"{base}/decide", json={"note": "维持"}, headers={"X-CSRF-Token": b_csrf})
    assert r.status_code == 200, r.text
    assert r.json()["form"]["final_grade"] == suggested

    label = next(k for k in ("officer_a", "officer_b") if web_data.users[k].unit != case.unit)
    outsider = TestClient(app)
    login(outsider, web_data.users[label].id)
    assert outsider.get(base).status_code == 404
    listed = outsider.get("/api/reviews", params={"year": REVIEW_YEAR}).json()
    assert case_id not in {f["case_id"] for f in listed}


def _page_rows(client: TestClient, **params: str | int) -> tuple[int, list[str]]:
    html = client.get("/review", params={"year": REVIEW_YEAR, **params}).text
    total = re.search(r'id="review-forms" data-total="(\d+)"', html)
    assert total is not None, html[:500]
    rows = re.findall(rf'<td><a href="/review/{REVIEW_YEAR}/([^"]+)">', html)
    return int(total.group(1)), [unquote(r) for r in rows]


def test_the_forms_page_pages_what_the_api_lists(app: FastAPI, web_data: WebData) -> None:
    """/review reads only the page's forms (``access_review.forms_page``): page after page it
    shows every form ``forms_for`` gives, in case-number order, with the count; the standing
    and the search filter the same forms; a page past the end shows the last one."""
    for label in ("officer_province", "head_a", "prosecutor_a"):
        client = TestClient(app)
        login(client, web_data.users[label].id)
        listed = client.get("/api/reviews", params={"year": REVIEW_YEAR}).json()
        ids = [f["case_id"] for f in listed]
        assert ids == sorted(ids)
        shown: list[str] = []
        pages = -(-len(ids) // PER_PAGE)
        assert pages > 1 or label != "officer_province"  # the whole store's forms: pages
        for page in range(1, pages + 1):
            total, rows = _page_rows(client, page=page)
            assert total == len(ids)
            assert len(rows) == (PER_PAGE if page < pages else len(ids) - PER_PAGE * (pages - 1))
            shown += rows
        assert shown == ids, label
        if pages:
            assert _page_rows(client, page=pages + 5)[1] == shown[(pages - 1) * PER_PAGE :]
        for standing in ("reviewer", "handler", "oversight"):
            mine = [f["case_id"] for f in listed if f["standing"] == standing]
            total, rows = _page_rows(client, standing=standing)
            assert (total, rows) == (len(mine), mine[:PER_PAGE]), (label, standing)
        if ids:
            needle = ids[len(ids) // 2][-4:]  # the end of a case number
            matching = [i for i in ids if needle in i.lower()]
            total, rows = _page_rows(client, q=needle)
            assert (total, rows) == (len(matching), matching[:PER_PAGE]), label
