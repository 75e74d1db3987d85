"""A small generated province in a temporary SQLite store, monitored, with accounts, for the web
tests (scope matrix, API fuzzing, browser)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.passwords import Argon2Hasher
from jianguan.adapters.review_file import load_review_policy
from jianguan.adapters.store.review_sql import ReviewSql
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.adapters.store.web_sql import SqlWeb
from jianguan.domain.model import Person, Role, Unit, UnitLevel
from jianguan.domain.review import ReviewMode
from jianguan.entrypoints.monitor_cli import monitor_and_record
from jianguan.services import review
from jianguan.services.accounts import set_password
from jianguan.services.importing import import_dataset
from jianguan.synth import generate
from jianguan.web.app import WebConfig, create_app

PASSWORD = "correct-horse-42"
REVIEW_YEAR = 2025
HASHER = Argon2Hasher(fast=True)


@dataclass(frozen=True)
class WebData:
    url: str
    as_of: dt.date
    users: dict[str, Person]  # label → person (user name = person id)
    units: list[Unit]
    cases_by_unit: dict[str, list[str]]
    handled_by: dict[str, list[str]]  # person id → their case ids

    def config(self) -> WebConfig:
        return WebConfig(self.url, secure_cookies=False, as_of=self.as_of, hasher=HASHER)

    def parent(self, code: str) -> str | None:
        return next(u.parent for u in self.units if u.code == code)


def build(folder: Path, cases: int = 1500) -> WebData:
    data = folder / "data"
    generate(data, cases=cases, seed=11, defect_rate=0.05, end=dt.date(2025, 6, 30))
    as_of = dt.date.fromisoformat(json.loads((data / "manifest.json").read_text())["as_of"])
    url = f"sqlite:///{folder / 'web.db'}"
    store = SqlStore(url)
    feed = FileFeed(data)
    report = import_dataset(feed, store, actor="test")
    feed.close()
    assert not report.errors
    findings, _ = monitor_and_record(store, as_of)
    with store.session() as s:  # a review plan for the year, with reviewers assigned
        rs, policy = ReviewSql(s), load_review_policy(None)
        review.make_plan(rs, policy, REVIEW_YEAR, sampling=policy.sampling, seed="web")
        review.assign(rs, policy, REVIEW_YEAR, ReviewMode.CROSS)
    with store.session() as s:
        units, people = s.units(), s.people()
        heads = {c.case_id: (c.unit, c.handler) for c in s.iter_cases()}
    by_unit: dict[str, list[str]] = {}
    handled: dict[str, list[str]] = {}
    for case_id, (unit, handler) in sorted(heads.items()):
        by_unit.setdefault(unit, []).append(case_id)
        handled.setdefault(handler, []).append(case_id)
    level = {u.code: u.level for u in units}
    # Two basic units under different municipal units, so that every user has cases out of scope.
    basics = sorted(
        (u for u in units if u.level is UnitLevel.BASIC and len(by_unit.get(u.code, [])) >= 5),
        key=lambda u: (-sum(f.unit == u.code for f in findings), u.code),
    )  # unit A: the one with most findings, so that its users have alerts
    a = basics[0]
    b = next(u for u in basics if u.parent != a.parent)

    def first(role: Role, unit: str, with_cases: bool = False) -> Person:
        return next(
            p
            for p in people
            if p.role is role and p.unit == unit and (not with_cases or handled.get(p.id))
        )

    users = {
        "prosecutor_a": max(
            (p for p in people if p.role is Role.PROSECUTOR and p.unit == a.code),
            key=lambda p: (sum(heads[f.case_id][1] == p.id for f in findings), p.id),
        ),  # the prosecutor of unit A with most findings on their cases: they have alerts
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
    with store.session() as s:
        for person in users.values():
            set_password(SqlWeb(s), HASHER, person.id, person.id, PASSWORD)
    store.close()
    return WebData(url, as_of, users, units, by_unit, handled)


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def app(web_data: WebData) -> FastAPI:
    return create_app(web_data.config())


def login(client: TestClient, person_id: str) -> str:
    """Log in through the API; the client keeps the cookie. Returns the CSRF token."""
    r = client.post("/api/login", json={"username": person_id, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf"])
