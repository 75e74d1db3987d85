"""`jianguan account roles`: a role given on the platform, on each store (SQLite, PostgreSQL):
held at once (the powers list reads it), the person's sessions ended, audited on the hash
chain, and still standing after the staff list is imported again with another role."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.domain.model import Role
from jianguan.entrypoints.cli import cli
from jianguan.services.accounts import log_in, set_password, signed_in, staff_roles
from tests.factories import PEOPLE_CSV, write_dataset
from tests.support import app_for


@pytest.fixture
def db(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    result = CliRunner().invoke(
        cli, ["import", str(write_dataset(tmp_path / "d")), "--db", store_url]
    )
    assert result.exit_code == 0, result.output
    return store_url


def test_grant_by_cli_holds_survives_reimport_and_is_withdrawn(db: str, tmp_path: Path) -> None:
    run = CliRunner().invoke
    with app_for(db) as app:
        set_password(app.uow(), app.hasher, "P0012", "P0012", "first-pass-1", app.now(), "t")
        token, _ = log_in(app.uow(), app.hasher, "P0012", "first-pass-1", app.now())
    granted = run(cli, ["account", "roles", "P0012", "--grant", "部门负责人", "--withdraw",
                        "prosecutor", "--reason", "任命为第一检察部负责人", "--by", "P0090",
                        "--db", db])  # fmt: skip
    assert granted.exit_code == 0, granted.output
    assert "检察官 → 部门负责人（平台授予）" in granted.output
    with app_for(db) as app:
        with app.uow() as uow:
            assert uow.cases.person("P0012").role is Role.DEPARTMENT_HEAD  # type: ignore[union-attr]
            entry = uow.audit.of_subjects(["P0012"], ["role_change"])[-1]
            assert entry.actor == "P0090"
            assert entry.subject == "P0012"
            assert entry.detail["before"] == "prosecutor"
            assert entry.detail["after"] == "department_head"
            assert entry.detail["reason"] == "任命为第一检察部负责人"
            assert uow.audit.problems() == []
        assert signed_in(app.uow(), token, app.now()) is None  # the old login has ended
    # the national system's next staff list makes 李华 an assistant: the platform's grant stands
    people = PEOPLE_CSV.replace("P0012,李华,440304,第一检察部,prosecutor",
                                "P0012,李华,440304,第一检察部,assistant")  # fmt: skip
    again = run(cli, ["import", str(write_dataset(tmp_path / "d2", people=people)), "--db", db])
    assert again.exit_code == 0, again.output
    assert "人员角色：1 人的角色由本平台授予，与人员名单不同，授予继续有效" in again.output
    with app_for(db) as app:
        with app.uow() as uow:
            person = uow.cases.person("P0012")
        assert person is not None
        assert person.role is Role.DEPARTMENT_HEAD
        held = staff_roles(app.uow(), [person])["P0012"]
        assert (held.role, held.listed) == (Role.DEPARTMENT_HEAD, Role.ASSISTANT)
    shown = run(cli, ["account", "roles", "P0012", "--db", db])
    assert "部门负责人（平台授予，人员名单为检察官助理" in shown.output
    back = run(cli, ["account", "roles", "P0012", "--withdraw", "department_head",
                     "--reason", "免职", "--db", db])  # fmt: skip
    assert back.exit_code == 0, back.output
    quiet = run(cli, ["import", str(write_dataset(tmp_path / "d3", people=people)), "--db", db])
    assert quiet.exit_code == 0, quiet.output
    assert "人员角色" not in quiet.output  # no grant left: nothing to say
    with app_for(db) as app, app.uow() as uow:
        assert uow.cases.person("P0012").role is Role.ASSISTANT  # type: ignore[union-attr]


def test_refusals_say_why_and_change_nothing(db: str) -> None:
    run = CliRunner().invoke
    own = run(cli, ["account", "roles", "P0090", "--grant", "chief", "--reason", "x",
                    "--by", "P0090", "--db", db])  # fmt: skip
    assert own.exit_code == 1
    assert "不能变更本人的角色" in own.output
    head = run(cli, ["account", "roles", "P0012", "--grant", "chief", "--reason", "x",
                     "--by", "P0011", "--db", db])  # fmt: skip
    assert "只有本院或上级院的案管人员可以变更人员角色" in head.output
    bad = run(cli, ["account", "roles", "P0012", "--grant", "boss", "--reason", "x", "--db", db])
    assert bad.exit_code == 2
    assert "没有“boss”这一角色" in bad.output
    blank = run(cli, ["account", "roles", "P0012", "--grant", "clerk", "--db", db])
    assert "变更角色须说明理由" in blank.output
    with app_for(db) as app, app.uow() as uow:
        assert uow.cases.person("P0012").role is Role.PROSECUTOR  # type: ignore[union-attr]
        assert not uow.audit.of_subjects(["P0012", "P0090"], ["role_change"])
