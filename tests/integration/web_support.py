"""A small generated province in a temporary SQLite store, monitored, with accounts, for the web
tests (scope matrix, API fuzzing, browser).

The store is built through the same application object the server uses (``tests.support.app_for``):
import, a monitoring run recorded in the ledger, a review plan with reviewers, and logins.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.bootstrap import App
from jianguan.domain.model import Person, Role, Unit, UnitLevel
from jianguan.domain.review import ReviewMode
from jianguan.services import review
from jianguan.services.accounts import set_password
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor_and_record
from jianguan.synth import generate
from jianguan.web import due
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.support import app_for, rules

PASSWORD = "correct-horse-42"
REVIEW_YEAR = 2025


@dataclass(frozen=True)
class WebData:
    url: str
    as_of: dt.date
    users: dict[str, Person]  # label → person (user name = person id)
    units: list[Unit]
    cases_by_unit: dict[str, list[str]]
    handled_by: dict[str, list[str]]  # person id → their case ids

    def config(self) -> WebConfig:
        return WebConfig(secure_cookies=False)  # the test client speaks plain http

    def application(self) -> App:
        """The application on this store, its clock pinned to the data's as-of day."""
        return app_for(self.url, as_of=self.as_of)

    def site(self) -> FastAPI:
        """The web application on this store (as ``jianguan serve`` builds it)."""
        return create_app(self.application(), self.config())

    def parent(self, code: str) -> str | None:
        return next(u.parent for u in self.units if u.code == code)


def build(folder: Path, cases: int = 1500, plant: bool = False) -> WebData:
    """``plant``: with the generator's planted anomalies (level shifts, padding, duplicates,
    split cases), so that the data-quality and anomaly pages have content."""
    data = folder / "data"
    generate(
        data, calendar=rules().calendar, cases=cases, seed=11, defect_rate=0.05,
        end=dt.date(2025, 6, 30), plant=plant,
    )  # fmt: skip
    as_of = dt.date.fromisoformat(json.loads((data / "manifest.json").read_text())["as_of"])
    url = f"sqlite:///{folder / 'web.db'}"
    with app_for(url, as_of=as_of) as app:
        feed = app.open_dataset(data)
        try:
            report = import_dataset(feed, app.uow(), actor="test")
        finally:
            feed.close()
        assert not report.errors
        findings, _ = monitor_and_record(app.uow(), app.rules, as_of)
        policy = app.rules.review  # a review plan for the year, with reviewers assigned
        review.make_plan(app.uow(), policy, REVIEW_YEAR, sampling=policy.sampling, seed="web",
                         now=app.now())  # fmt: skip
        review.assign(app.uow(), policy, REVIEW_YEAR, ReviewMode.CROSS, now=app.now())
        with app.uow() as uow:  # what the tests need to know of the province
            units, people = uow.cases.units(), uow.cases.people()
            cases = list(uow.cases.iter_cases())
            heads = {c.case_id: (c.unit, c.handler) for c in cases}
            with_open = {c.handler for c in cases if c.closed_on is None and c.decision is None}
        by_unit: dict[str, list[str]] = {}
        handled: dict[str, list[str]] = {}
        for case_id, (unit, handler) in sorted(heads.items()):
            by_unit.setdefault(unit, []).append(case_id)
            handled.setdefault(handler, []).append(case_id)
        level = {u.code: u.level for u in units}
        # Two basic units under different municipal units, so that every user has cases out of
        # scope.
        alerted = Counter(heads[f.case_id][1] for f in findings)
        busy = {  # units with a prosecutor who has an open case and alerts on their cases
            p.unit
            for p in people
            if p.role is Role.PROSECUTOR and p.id in with_open and alerted[p.id]
        }
        basics = sorted(
            (u for u in units if u.level is UnitLevel.BASIC and len(by_unit.get(u.code, [])) >= 5),
            key=lambda u: (-sum(f.unit == u.code for f in findings), u.code),
        )  # unit A: the one with most findings, so that its users have alerts
        a = next(u for u in basics if u.code in busy)  # a prosecutor there has an open case
        b = next(u for u in basics if u.parent != a.parent)

        def first(role: Role, unit: str, with_cases: bool = False) -> Person:
            return next(
                p
                for p in people
                if p.role is role and p.unit == unit and (not with_cases or handled.get(p.id))
            )

        users = {
            "prosecutor_a": max(
                (
                    p
                    for p in people
                    if p.role is Role.PROSECUTOR and p.unit == a.code and p.id in with_open
                ),
                key=lambda p: (alerted[p.id], p.id),
            ),  # of unit A's prosecutors with an open case, the one with most findings: alerts
            "officer_a": first(Role.CASE_OFFICER, a.code),
            "head_a": first(Role.DEPARTMENT_HEAD, a.code),
            "prosecutor_b": first(Role.PROSECUTOR, b.code, with_cases=True),
            "officer_b": first(Role.CASE_OFFICER, b.code),
            "chief_city_a": first(Role.CHIEF, a.parent or ""),
            "officer_province": next(
                p
                for p in people
                if p.role is Role.CASE_OFFICER and level[p.unit] is UnitLevel.PROVINCIAL
            ),
        }
        for person in users.values():
            set_password(app.uow(), app.hasher, person.id, person.id, PASSWORD, app.now(), "test")
    return WebData(url, as_of, users, units, by_unit, handled)


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def app(web_data: WebData) -> FastAPI:
    return web_data.site()


def login(client: TestClient, person_id: str) -> str:
    """Log in through the API; the client keeps the cookie. Returns the CSRF token."""
    r = client.post("/api/login", json={"username": person_id, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf"])


DUE_LINK = re.compile(r'href="(/due/[a-z_]+)"')


def due_pages(client: TestClient) -> list[str]:
    """The workbench's lists (``/due/{kind}``) of the person signed in: every one their home
    page links to, and every one their role's workbench has (a list with nothing in it shows
    no link)."""
    linked = set(DUE_LINK.findall(client.get("/").text))
    role = Role(client.get("/api/me").json()["role"])
    return sorted(linked | {f"/due/{kind}" for kind in due.BY_ROLE.get(role, ())})


def links(client: TestClient, page: str, pattern: str, n: int) -> list[str]:
    """The first ``n`` distinct links of ``page`` that ``pattern`` matches whole."""
    found = re.findall(rf'href="({pattern})"', client.get(page).text)
    return list(dict.fromkeys(found))[:n]


def pages_of(client: TestClient, me: str, year: int = REVIEW_YEAR) -> list[str]:
    """The pages the person signed in reaches from the navigation (the word walk's and the page
    bench's): lists, a few cases, indicators and their cases, review forms, the workbench's
    lists; supervision (the lead inbox, matters and a few of them, the panel member's queue and
    the cases' panels, the meeting record), analysis meetings and notices, reports, the
    scheduled work."""
    paths = ["/", "/?mine=false", "/cases", "/cases?mine=false", "/ledger", "/ledger?mine=false",
             "/indicators", "/review", f"/review?year={year}", "/quality",
             "/quality/issues", "/quality/anomalies", "/responsibility", "/nope", "/calendar",
             "/responsibility/evaluation", f"/responsibility/evaluation?year={year}",
             "/supervision", "/supervision/matters", "/supervision/matters?mine=true&open_only=true",
             "/supervision/panel", "/supervision/meetings/new", "/management", "/reports",
             "/schedule"]  # fmt: skip
    if client.get("/api/me").json()["role"] == "case_officer":
        paths.append("/accounts")
    paths += due_pages(client)
    matters = links(client, "/supervision/matters", r"/supervision/matters/[^\"?#]+", 4)
    paths += matters + [f"/supervision/meetings/new?subject={m.rsplit('/', 1)[1]}"
                        for m in matters[:1]]  # fmt: skip
    panel = re.findall(
        r'action="/supervision/panel/([^"]+)"', client.get("/supervision/panel").text
    )
    paths += [f"/supervision/consult/{case_id}" for case_id in dict.fromkeys(panel)][:2]
    paths += links(client, "/management", r"/management/(?:meetings|notices)/[^\"?#]+", 4)
    cases = client.get("/api/cases", params={"mine": "false", "limit": "200"}).json()["items"]
    picked = [c for c in cases if c["closed_on"]][:3] + [c for c in cases if not c["closed_on"]][:3]
    picked += [c for c in cases if c["handler"] == me][:2]
    paths += [f"/cases/{c['case_id']}" for c in picked]
    for ind in client.get("/api/indicators").json()[:6]:
        paths += [f"/indicators/{ind['id']}", f"/indicators/{ind['id']}/cases?part=denominator"]
    forms = client.get("/api/reviews", params={"year": str(year)}).json()[:3]
    paths += [f"/review/{f['year']}/{f['case_id']}" for f in forms]
    return paths
