"""`jianguan serve`: demo accounts, and a clear refusal when there is nothing to serve."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from jianguan.adapters.store.sql_store import SqlStore
from jianguan.entrypoints.cli import cli
from jianguan.web.app import WebConfig, create_app
from jianguan.web.serve_cli import make_demo_accounts
from tests.integration.web_support import WebData, web_data

__all__ = ["web_data"]


def test_demo_accounts_log_in_and_start_with_a_prosecutor(web_data: WebData) -> None:
    store = SqlStore(web_data.url)
    accounts = make_demo_accounts(store)
    store.close()
    assert accounts[0][0].role.value == "prosecutor"
    assert len({p.id for p, _ in accounts}) == len(accounts) >= 3
    # make_demo_accounts hashes with the server's argon2 settings; verify with the same scheme
    app = create_app(WebConfig(web_data.url, secure_cookies=False, as_of=web_data.as_of))
    client = TestClient(app)
    person, password = accounts[0]
    r = client.post("/api/login", json={"username": person.id, "password": password})
    assert r.status_code == 200
    assert client.get("/api/alerts").json()  # the demo prosecutor has alerts to show


def test_serve_demo_on_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--demo", "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == 1
    assert "jianguan demo" in result.output
