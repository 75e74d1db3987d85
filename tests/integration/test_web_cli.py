"""`jianguan serve`: demo accounts (the prosecutor's workbench has rows), and a clear refusal when
there is nothing to serve."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from jianguan.bootstrap import App
from jianguan.domain.model import Role
from jianguan.entrypoints.cli import cli
from jianguan.entrypoints.serve_cli import demo_people, make_demo_accounts
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.integration.web_support import WebData, web_data

__all__ = ["web_data"]


def test_demo_accounts_log_in_and_start_with_a_prosecutor(web_data: WebData) -> None:
    with web_data.application() as app:
        accounts = make_demo_accounts(app)
        assert accounts[0][0].role.value == "prosecutor"
        assert len({p.id for p, _ in accounts}) == len(accounts) >= 3
        # the accounts are hashed with the application's hasher; the server verifies with it
        client = TestClient(create_app(app, web_data.config()))
        person, password = accounts[0]
        r = client.post("/api/login", json={"username": person.id, "password": password})
        assert r.status_code == 200
        assert client.get("/api/alerts").json()  # the demo prosecutor has alerts to show


def demo_prosecutors_deadlines(app: App, config: WebConfig) -> tuple[int | None, list[str]]:
    """The demo prosecutor's home page count of deadlines (今日工作) and the rows of the list it
    links to (/due/deadlines): each a case and its due day."""
    accounts = make_demo_accounts(app)
    person, password = accounts[0]
    assert person.role is Role.PROSECUTOR
    client = TestClient(create_app(app, config))
    r = client.post("/api/login", json={"username": person.id, "password": password})
    assert r.status_code == 200
    home = client.get("/").text
    m = re.search(r'<li id="wb_deadlines"><a href="/due/deadlines"><span class="num">(\d+)<', home)
    rows = re.findall(r'<tr class="due-row">(.*?)</tr>', client.get("/due/deadlines").text)
    return (int(m.group(1)) if m else None), rows


def test_the_demo_prosecutor_has_deadlines_on_their_workbench(web_data: WebData) -> None:
    """Issue 18: the demo prosecutor is one with open cases whose deadlines are near or past,
    not one whose alerts are all on decided or closed cases (an empty 今日工作)."""
    with web_data.application() as app:
        count, rows = demo_prosecutors_deadlines(app, web_data.config())
        person = demo_people(app)[0]
        with app.uow() as uow:
            mine = [c for c in uow.cases.iter_cases() if c.handler == person.id]
    assert count is not None
    assert count >= 1
    assert count == len(rows)
    assert any(c.closed_on is None and c.decision is None for c in mine)


def test_serve_demo_on_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--demo", "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == 1
    assert "jianguan demo" in result.output
