"""The review workbench through the web: reviewer records, handler objects, a head decides; the
form is out of reach for everyone else."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.review import FormStatus, conflicted
from jianguan.services.access_review import DECIDE_ROLES
from jianguan.services.accounts import set_password
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
