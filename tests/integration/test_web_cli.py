"""`jianguan serve`: demo accounts, and a clear refusal when there is nothing to serve."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from jianguan.entrypoints.cli import cli
from jianguan.entrypoints.serve_cli import make_demo_accounts
from jianguan.web.app import create_app
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


def test_serve_demo_on_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--demo", "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == 1
    assert "jianguan demo" in result.output
