"""`jianguan account set`: a staff member's login, created from the staff list, then usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from jianguan.services.accounts import LoginFailed, log_in
from tests.factories import write_dataset
from tests.support import app_for


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert (
        CliRunner()
        .invoke(cli, ["import", str(write_dataset(tmp_path / "d")), "--db", url])
        .exit_code
        == 0
    )
    return url


def can_log_in(url: str, username: str, password: str) -> bool:
    """argon2 reads its parameters from the hash: the test hasher verifies the CLI's hashes."""
    with app_for(url) as app:
        try:
            log_in(app.uow(), app.hasher, username, password, app.now())
        except LoginFailed:
            return False
        return True


def test_set_then_log_in_and_reset(db: str) -> None:
    run = CliRunner().invoke
    result = run(
        cli, ["account", "set", "P0012", "--password-stdin", "--db", db], input="first-pass-1\n"
    )
    assert result.exit_code == 0, result.output
    assert "账号 P0012 已设置" in result.output
    assert can_log_in(db, "P0012", "first-pass-1")
    run(cli, ["account", "set", "P0012", "--password-stdin", "--db", db], input="second-pass-2\n")
    assert not can_log_in(db, "P0012", "first-pass-1")
    assert can_log_in(db, "P0012", "second-pass-2")


def test_unknown_person_and_short_password_are_refused(db: str) -> None:
    run = CliRunner().invoke
    unknown = run(
        cli, ["account", "set", "P9999", "--password-stdin", "--db", db], input="long-enough-1\n"
    )
    assert unknown.exit_code == 1
    assert "人员 P9999 不在人员名单中" in unknown.output
    short = run(cli, ["account", "set", "P0012", "--password-stdin", "--db", db], input="short\n")
    assert short.exit_code == 1
    assert "至少 8 个字符" in short.output
    assert not can_log_in(db, "P0012", "short")
