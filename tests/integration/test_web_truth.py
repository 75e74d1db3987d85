"""One truth: what the pages say equals what the CLI and the engine say, on one generated store
— indicators (``jianguan indicators --json``), the ledger (``jianguan ledger``), the case's due
dates (``services.casefile``), the home page's 三日内到期 (no entry on a case already decided or
closed) — and the ledger shows the reasons given by hand, offers no undo of what the monitor
resolved, and is filtered by a rule's Chinese title; the indicators pages say whose numbers,
which months, and export the table and each drill-down."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import replace
from urllib.parse import quote

import openpyxl
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.domain.ledger import LedgerStatus
from jianguan.entrypoints.cli import cli
from jianguan.services.casefile import case_periods
from tests.integration.web_support import WebData, build, login


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("truth"), cases=900)


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    return data.site()


def client_of(app: FastAPI, data: WebData, label: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, login(client, data.users[label].id)


def all_ledger(client: TestClient, **params: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    after = None
    while True:
        q = {"limit": "200", **params, **({"after": after} if after else {})}
        page = client.get("/api/ledger", params=q).json()
        out += page["items"]
        after = page["next"]
        if not after:
            return out


def test_indicators_on_the_page_equal_the_cli(app: FastAPI, data: WebData) -> None:
    chief, _ = client_of(app, data, "chief_city_a")
    unit = data.users["chief_city_a"].unit
    run = CliRunner().invoke(cli, ["indicators", "--by", "", "--unit", unit, "--json",
                                   "--db", data.url])  # fmt: skip
    assert run.exit_code == 0, run.output
    cli_rows = {r["indicator"]: r for r in json.loads(run.output)}
    web_rows = {r["id"]: r for r in chief.get("/api/indicators").json()}
    assert set(web_rows) == set(cli_rows)
    for key, row in web_rows.items():
        want = cli_rows[key]
        assert (row["numerator"], row["denominator"]) == (want["numerator"], want["denominator"])
        assert row["value"] == want["value"], key
    page = chief.get("/indicators").text
    ratio = web_rows["case_proceeding_ratio"]  # 案-件比: the issue saw 1:0.85 against 1:1.13
    assert ratio["value"] is not None
    assert f"1:{ratio['value']:.2f}" in page
    # a unit below the chief's, chosen on the page: the CLI's --unit gives the same numbers
    below = next(u.code for u in data.units if u.parent == unit)
    run = CliRunner().invoke(cli, ["indicators", "--by", "", "--unit", below, "--json",
                                   "--db", data.url])  # fmt: skip
    narrowed = {r["id"]: r for r in chief.get("/api/indicators", params={"unit": below}).json()}
    for r in json.loads(run.output):
        assert narrowed[r["indicator"]]["numerator"] == r["numerator"]
        assert narrowed[r["indicator"]]["denominator"] == r["denominator"]
    shown = chief.get("/indicators", params={"unit": below, "first": "2025-01", "last": "2025-06"})
    assert 'id="indicator-scope"' in shown.text
    assert "（含下级院）" in shown.text
    assert "2025-01 至 2025-06" in shown.text
    # another unit's numbers are not the chief's to see
    far = data.users["prosecutor_b"].unit
    assert chief.get("/indicators", params={"unit": far}).status_code == 404
    assert chief.get("/api/indicators", params={"unit": far}).status_code == 404


def test_indicator_table_and_drill_down_export(app: FastAPI, data: WebData) -> None:
    chief, _ = client_of(app, data, "chief_city_a")
    rows = chief.get("/api/indicators").json()
    book = openpyxl.load_workbook(io.BytesIO(chief.get("/indicators/export.xlsx").content))
    sheet = list(book.active.iter_rows(values_only=True))
    assert "含下级院" in str(sheet[0][0])
    assert len(sheet) == len(rows) + 2
    by_name = {r[0]: r for r in sheet[2:]}
    first = rows[0]
    assert by_name[first["zh"]][2:4] == (first["numerator"], first["denominator"])
    ind = next(r for r in rows if r["denominator"] > 0)
    page = chief.get(f"/indicators/{ind['id']}/cases", params={"part": "denominator"}).text
    n = int(re.search(r'data-rows="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert n == ind["denominator"]
    assert "<th>承办人</th>" in page
    assert re.search(r"<td>\d{4}-\d\d-\d\d</td>", page)  # dates, not a bare id list
    drilled = chief.get(f"/indicators/{ind['id']}/cases.xlsx", params={"part": "denominator"})
    assert drilled.status_code == 200
    cases = list(openpyxl.load_workbook(io.BytesIO(drilled.content)).active.iter_rows(
        values_only=True))[2:]  # fmt: skip
    listed = re.findall(r'<tr><td><a href="/cases/([^"]+)">', page)
    assert [c[0] for c in cases] == listed
    names = {p.name for p in _people(data)}
    assert all(c[3] in names for c in cases)  # the handler by name


def _people(data: WebData) -> list:  # type: ignore[type-arg]
    with data.application() as application, application.uow() as uow:
        return uow.cases.people()


def test_the_ledger_on_the_pages_equals_the_cli(app: FastAPI, data: WebData) -> None:
    office, _ = client_of(app, data, "officer_province")
    run = CliRunner().invoke(cli, ["ledger", "--db", data.url])
    assert run.exit_code == 0, run.output
    cli_counts = {(m.group(1), m.group(2)): int(m.group(3))
                  for m in re.finditer(r"(\S+)·(\S+)\s+(\d+)", run.output)}  # fmt: skip
    assert cli_counts
    rows = all_ledger(office, mine="false")
    by: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (LedgerStatus(r["status"]).zh, _level_zh(str(r["escalation"])))
        by[key] = by.get(key, 0) + 1
    assert by == cli_counts
    board = office.get("/api/dashboard", params={"mine": "false"}).json()
    active = sum(n for (s, _), n in cli_counts.items()
                 if s in {LedgerStatus(x).zh for x in ("open", "notified")})  # fmt: skip
    assert sum(board["alerts_by_escalation"].values()) == active


def _level_zh(code: str) -> str:
    from jianguan.domain.ledger import Level

    return Level(code).zh


def test_due_soon_leaves_out_cases_already_done(app: FastAPI, data: WebData) -> None:
    office, _ = client_of(app, data, "officer_province")
    soon = data.as_of + dt.timedelta(days=3)
    rows = [r for r in all_ledger(office, mine="false", status="active")
            if r["due"] and dt.date.fromisoformat(str(r["due"])) <= soon]  # fmt: skip
    done = [r for r in rows if r["done_on"] is not None]
    assert done, "the province has alerts on cases decided since"
    board = office.get("/api/dashboard", params={"mine": "false"}).json()
    assert board["due_soon"] == len(rows) - len(done)
    home = office.get("/", params={"mine": "false"}).text
    assert f">{board['due_soon']}<" in home


def test_case_due_dates_equal_the_engine(app: FastAPI, data: WebData) -> None:
    office, _ = client_of(app, data, "officer_province")
    with data.application() as application, application.uow() as uow:
        cases = list(uow.cases.iter_cases())[:40:8]
        rules = application.rules
        want = {c.case_id: [(p.derivation.period, p.derivation.due, p.days_late)
                            for p in case_periods(c, rules.periods, rules.calendar, data.as_of)]
                for c in cases}  # fmt: skip
    for case_id, periods in want.items():
        got = office.get(f"/api/cases/{quote(case_id)}").json()["periods"]
        assert [(p["period"], dt.date.fromisoformat(p["due"]), p["days_late"])
                for p in got] == periods  # fmt: skip
        page = office.get(f"/cases/{quote(case_id)}").text
        for _, due, _ in periods:
            assert f"<strong>{due.isoformat()}</strong>" in page


def test_reasons_shown_undo_offered_only_for_a_hand(app: FastAPI, data: WebData) -> None:
    officer, csrf = client_of(app, data, "officer_a")
    first, second = all_ledger(officer, status="active")[:2]
    path = f"/ledger/{first['case_id']}/{first['rule']}/answer"
    row = officer.post(path, data={"csrf": csrf, "outcome": "closed", "reason": "已当面核实无误"})
    assert row.status_code == 200
    assert "已当面核实无误" in row.text
    assert "撤销上一步" in row.text
    page = officer.get("/ledger", params={"case_id": str(first["case_id"])}).text
    assert "已当面核实无误" in page
    assert "已当面核实无误" in officer.get(f"/cases/{first['case_id']}").text
    # the monitor resolves the second (as a later run that no longer finds it writes it)
    with data.application() as application, application.uow() as uow:
        entry = uow.ledger.entry(str(second["case_id"]), str(second["rule"]))
        assert entry is not None
        uow.ledger.save([replace(entry, status=LedgerStatus.CORRECTED,
                                 resolved_on=data.as_of)])  # fmt: skip
        uow.audit.append("monitor", "ledger.correct", entry.case_id,
                         {"rule": entry.rule, "status": "corrected"})  # fmt: skip
        uow.commit()
    got = officer.get("/api/ledger", params={"case_id": str(second["case_id"]),
                                             "rule": str(second["rule"])}).json()["items"][0]  # fmt: skip
    assert got["resolved_by_monitor"] is True
    assert got["may_undo"] is False
    api = f"/api/ledger/{second['case_id']}/{second['rule']}/answer"
    refused = officer.post(api, json={"outcome": "undo"}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409
    assert next(x for x in all_ledger(officer) if x["case_id"] == second["case_id"]
                and x["rule"] == second["rule"])["status"] == "corrected"  # fmt: skip


def test_rule_filter_by_its_chinese_title(app: FastAPI, data: WebData) -> None:
    officer, _ = client_of(app, data, "officer_a")
    entry = all_ledger(officer)[0]
    title = str(entry["title"])
    by_code = officer.get("/api/ledger", params={"rule": str(entry["rule"])}).json()["items"]
    by_title = officer.get("/api/ledger", params={"rule": title}).json()["items"]
    assert by_title == by_code
    assert {r["rule"] for r in by_title} == {entry["rule"]}
    page = officer.get("/ledger", params={"rule": title[:4]})
    assert page.status_code == 200
    assert f'value="{title}"' in page.text or title[:4] in page.text
    shown = officer.get("/ledger", params={"rule": str(entry["rule"])}).text
    assert (
        f'id="ledger-rule" list="rule-titles" value="{title}"' in shown
    )  # the title, not the code
