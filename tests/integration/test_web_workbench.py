"""The workbench on the home page (今日工作): each count is the length of the list its link
opens, from the same use case as that list and the CLI (one truth), for the person signed in."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from jianguan.adapters.store.engine import normalise_url
from jianguan.domain.gates import GateRefused, unanswered_opinions
from jianguan.domain.ledger import Level, level_for
from jianguan.domain.model import Case, DecisionType, Person, Role
from jianguan.domain.monitoring import working_day_after, working_days_between
from jianguan.services import access_review, casework, consultation
from jianguan.services.access import principal_for
from jianguan.services.accounts import set_password
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor_and_record
from jianguan.synth import generate
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.conftest import BACKENDS, pg_url
from tests.integration.test_web_words import (
    internal_codes,
    internal_codes_en,
    visible,
    visible_nodes,
)
from tests.integration.web_support import PASSWORD, REVIEW_YEAR, WebData, build, login
from tests.support import app_for, rules

# The goal is a home page within 1 s at the demo size (issue 18; measured by hand on 20 k cases:
# 0.06–0.26 s cold). Under the test suite's two workers on two cores a page took 1.07 s once, so
# the test guards against the order-of-magnitude regression it was written for (0.5–1.5 s before
# the form count was narrowed), not the goal itself: timing goals live in bench/.
HOME_BOUND = 2.5


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
    assert took < HOME_BOUND, f"the home page took {took:.2f} s"


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


# --- the role lists (web.due): prosecutor, department head, case officer ------------------------
# A province of its own, on each configured backend, staged through the services as a day's work
# leaves it: one or two of a prosecutor's cases decided (with the head's approval) and not closed, a panel
# opinion on a case waiting for its handler; the site's clock two
# days after the monitoring run, so that ledger entries reach their next level by time.


@dataclass(frozen=True)
class Staged:
    url: str
    run_on: dt.date  # the monitoring run
    today: dt.date  # the site's clock
    prosecutor: Person  # the one with most open cases carrying a dated alert
    decider: Person  # a prosecutor one or two of whose open cases are decided
    head: Person  # the department head of those cases
    officer: Person  # a case officer of the decider's unit
    keeper: Person  # a case officer of the unit with most active ledger entries
    answerer: Person  # the handler of a case with a panel opinion waiting
    decided: list[str]


def _pg_schema_url() -> tuple[str, Callable[[], None]]:
    base = normalise_url(pg_url() or "")
    schema = f"jg_wb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture(scope="module", params=BACKENDS)
def staged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Staged]:
    folder = tmp_path_factory.mktemp("due")
    drop: Callable[[], None] = lambda: None  # noqa: E731
    url = f"sqlite:///{folder / 'due.db'}"
    if request.param == "postgresql":
        url, drop = _pg_schema_url()
    try:
        yield _stage(folder, url)
    finally:
        drop()


def _stage(folder: Path, url: str) -> Staged:
    generate(folder / "data", calendar=rules().calendar, cases=900, seed=11, defect_rate=0.05,
             end=dt.date(2025, 6, 30))  # fmt: skip
    run_on = dt.date.fromisoformat(
        json.loads((folder / "data" / "manifest.json").read_text())["as_of"]
    )
    with app_for(url, as_of=run_on) as app:
        feed = app.open_dataset(folder / "data")
        try:
            assert not import_dataset(feed, app.uow(), actor="test").errors
        finally:
            feed.close()
        monitor_and_record(app.uow(), app.rules, run_on)
        with app.uow() as uow:
            people = {p.id: p for p in uow.cases.people()}
            open_ = [
                c for c in uow.cases.iter_cases() if c.closed_on is None and c.decision is None
            ]
        by_handler: dict[str, list[Case]] = {}
        for c in open_:
            if people[c.handler].role is Role.PROSECUTOR:
                by_handler.setdefault(c.handler, []).append(c)
        with app.uow() as uow:  # the busiest: most open cases with an alert carrying a due date
            dated = {e.case_id for e in uow.ledger.entries().values()
                     if e.status.active and e.due is not None}  # fmt: skip
        pid = max(by_handler, key=lambda h: (sum(c.case_id in dated for c in by_handler[h]),
                                             len(by_handler[h]), h))  # fmt: skip
        prosecutor = people[pid]
        undated = {h: [c for c in cs if c.case_id not in dated] for h, cs in by_handler.items()}
        did = max(undated, key=lambda h: (len(undated[h]), h))  # the other one decides cases
        decider = people[did]
        mine = sorted(undated[did], key=lambda c: c.case_id)
        dept = mine[0].department
        head = next(p for p in sorted(people.values(), key=lambda p: p.id)
                    if p.role is Role.DEPARTMENT_HEAD and p.unit == decider.unit
                    and p.department == dept)  # fmt: skip
        decided = []
        for c in mine:
            if c.department != dept or len(decided) == 2:
                continue
            choices = casework.decision_choices(app.uow(), app.rules, c.case_id, head.id, run_on)
            ok = next((ch.type for ch in choices if ch.refused is None), None)
            if ok is None or ok is DecisionType.NOT_PROSECUTE:
                continue
            casework.record_decision(app.uow(), app.rules, c.case_id, ok, run_on, head.id)
            decided.append(c.case_id)
        assert decided, "a decision the powers list lets the head approve"
        # 线上会诊: assignment forms panels; one member gives an opinion for the handler to answer.
        for c in open_[:60]:
            if c.handler in (pid, did):  # assignment draws a new handler: not of those two
                continue
            try:
                casework.assign(app.uow(), app.rules, c.case_id, "test", app.now(), None, None)
            except GateRefused:
                continue
        queues = {p: consultation.queue(app.uow(), p) for p in sorted(people)}
        member, items = next((p, q) for p, q in queues.items() if q)
        consultation.give_opinion(app.uow(), app.rules, items[0].case_id, member, app.now(),
                                  {"opinion": "事实基本清楚，建议补强证据", "focus": "证据链"})  # fmt: skip
        answerer = people[items[0].handler]
        with app.uow() as uow:  # the unit with most active ledger entries: its officer escalates
            busy = Counter(e.unit for e in uow.ledger.entries().values() if e.status.active)
        keeper = next(p for p in sorted(people.values(), key=lambda p: p.id)
                      if p.role is Role.CASE_OFFICER
                      and p.unit == max(busy, key=lambda u: (busy[u], u)))  # fmt: skip
        officer = next(p for p in sorted(people.values(), key=lambda p: p.id)
                       if p.role is Role.CASE_OFFICER and p.unit == decider.unit)  # fmt: skip
        for person in (prosecutor, decider, head, officer, keeper, answerer):
            set_password(app.uow(), app.hasher, person.id, person.id, PASSWORD, app.now(), "test")
    today = working_day_after(rules().calendar, run_on, 2)
    return Staged(url, run_on, today, prosecutor, decider, head, officer, keeper, answerer, decided)


@pytest.fixture(scope="module")
def due_site(staged: Staged) -> FastAPI:
    """The site two working days after the run (the monitor has not run since)."""
    return create_app(app_for(staged.url, as_of=staged.today), WebConfig(secure_cookies=False))


def _home_and_list(site: FastAPI, person: Person, key: str) -> tuple[int | None, float, str]:
    client = TestClient(site)
    login(client, person.id)
    started = time.perf_counter()
    home = client.get("/").text
    took = time.perf_counter() - started
    count = _count(home, key)
    kind = key.removeprefix("wb_")
    if count is not None:
        assert f'href="/due/{kind}"' in home
    listed = client.get(f"/due/{kind}")
    assert listed.status_code == 200
    assert not internal_codes(visible(listed.text)), internal_codes(visible(listed.text))
    return count, took, listed.text


def _rows(page: str) -> set[str]:
    return set(re.findall(r'<tr class="due-row"><td><a href="/cases/([^"]+)"', page))


def _gate_of(staged: Staged, case_id: str) -> list[str]:
    """What the close gate misses, asked of case work itself (``jianguan case gate``)."""
    with app_for(staged.url, as_of=staged.today) as app:
        return [m.code for m in casework.gate_status(app.uow(), app.rules, case_id, app.now())]


def test_the_prosecutors_deadlines_are_the_ledgers(due_site: FastAPI, staged: Staged) -> None:
    with app_for(staged.url, as_of=staged.today) as app, app.uow() as uow:
        entries = [e for e in uow.ledger.entries().values()
                   if e.status.active and e.due is not None]  # fmt: skip
        cases = uow.cases.load_cases(sorted({e.case_id for e in entries}))
    expected = {
        e.case_id
        for e in entries
        if cases[e.case_id].handler == staged.prosecutor.id
        and cases[e.case_id].decision is None
        and cases[e.case_id].closed_on is None
    }
    count, took, page = _home_and_list(due_site, staged.prosecutor, "wb_deadlines")
    assert expected, "the busiest prosecutor has alerts with a due date"
    assert count == len(expected)
    assert _rows(page) == expected
    assert took < HOME_BOUND, f"the prosecutor's home page took {took:.2f} s"


def test_the_prosecutors_gate_is_case_works(due_site: FastAPI, staged: Staged) -> None:
    count, took, page = _home_and_list(due_site, staged.decider, "wb_gate")
    for case_id in staged.decided:
        assert "self_check" in _gate_of(staged, case_id)  # decided, not yet self-checked
    assert count == len(staged.decided)
    assert _rows(page) == set(staged.decided)
    assert "承办人尚未自检" in page
    assert took < HOME_BOUND, f"the deciding prosecutor's home page took {took:.2f} s"


def test_the_handlers_opinions_to_answer(due_site: FastAPI, staged: Staged) -> None:
    with app_for(staged.url, as_of=staged.today) as app, app.uow() as uow:
        own = [c for c in uow.cases.iter_cases()
               if c.handler == staged.answerer.id and c.closed_on is None]  # fmt: skip
    expected = {c.case_id for c in own if unanswered_opinions(c)}
    assert expected
    count, _, page = _home_and_list(due_site, staged.answerer, "wb_answers")
    assert count == len(expected)
    assert _rows(page) == expected


def test_the_heads_verifications(due_site: FastAPI, staged: Staged) -> None:
    count, took, page = _home_and_list(due_site, staged.head, "wb_verify")
    for case_id in staged.decided:
        assert "verification" in _gate_of(staged, case_id)
    assert count == len(staged.decided)  # the department's only decided, open cases
    assert _rows(page) == set(staged.decided)
    assert took < HOME_BOUND, f"the head's home page took {took:.2f} s"


def test_the_case_officers_escalations(due_site: FastAPI, staged: Staged) -> None:
    client = TestClient(due_site)
    login(client, staged.keeper.id)
    started = time.perf_counter()
    home = client.get("/").text
    took = time.perf_counter() - started
    cal = rules().calendar
    by = working_day_after(cal, staged.today, 1)
    with app_for(staged.url, as_of=staged.today) as app, app.uow() as uow:
        entries = [e for e in uow.ledger.entries().values()
                   if e.status.active and e.unit == staged.keeper.unit]  # fmt: skip
    moving = {
        (e.case_id, e.rule)
        for e in entries
        if e.escalation is not Level.REPORT
        and level_for(working_days_between(cal, e.first_found, by)).rank > e.escalation.rank
    }
    assert moving, "two working days after the run, entries reach 督促 by tomorrow"
    assert _count(home, "wb_escalate") == len(moving)
    listed = client.get("/due/escalate").text
    assert len(re.findall(r'class="due-row"', listed)) == len(moving)
    assert _rows(listed) == {case_id for case_id, _ in moving}
    assert "提醒 → 督促" in listed
    assert not internal_codes(visible(listed))
    assert took < HOME_BOUND, f"the case officer's home page took {took:.2f} s"


def test_the_case_officers_gate_failures(due_site: FastAPI, staged: Staged) -> None:
    with app_for(staged.url, as_of=staged.today) as app, app.uow() as uow:
        cases = [c for c in uow.cases.iter_cases()
                 if c.unit == staged.officer.unit and c.closed_on is None]  # fmt: skip
    held = {c.case_id for c in cases if c.decision is not None and _gate_of(staged, c.case_id)}
    assert held >= set(staged.decided)
    count, took, page = _home_and_list(due_site, staged.officer, "wb_gate_unit")
    assert count == len(held)
    assert _rows(page) == held
    assert took < HOME_BOUND, f"the case officer's home page took {took:.2f} s"


def test_the_lists_in_english(due_site: FastAPI, staged: Staged) -> None:
    client = TestClient(due_site)
    client.get("/lang/en", follow_redirects=False)
    login(client, staged.keeper.id)
    for kind in ("escalate", "gate_unit"):
        page = client.get(f"/due/{kind}").text
        assert not internal_codes_en(visible_nodes(page)), (
            kind,
            internal_codes_en(visible_nodes(page)),
        )
    assert "reminder → urging" in client.get("/due/escalate").text


def test_a_list_of_another_role_is_empty_not_someone_elses(
    due_site: FastAPI, staged: Staged
) -> None:
    """The lists are the signed-in person's: a prosecutor asking for the head's list sees only
    what they themselves may verify (nothing: they handle the cases)."""
    client = TestClient(due_site)
    login(client, staged.decider.id)
    page = client.get("/due/verify").text
    assert not _rows(page) & set(staged.decided)
    nope = client.get("/due/nope")  # an unknown list: the error page, not raw JSON
    assert nope.status_code in (400, 404, 422)
    assert nope.headers["content-type"].startswith("text/html")


def test_the_ledger_rule_filter_knows_supervision_and_follow_up_rules(
    due_site: FastAPI, staged: Staged
) -> None:
    book = rules()
    client = TestClient(due_site)
    login(client, staged.officer.id)
    page = client.get("/ledger").text
    for r in (*book.supervision.rules, *book.followup.rules):
        assert f'<option value="{r.title}">' in page, r.id
    one = book.followup.rules[0]
    filtered = client.get("/ledger", params={"rule": one.id}).text
    assert f'value="{one.title}"' in filtered  # a code in the address shows as its title
