"""`jianguan consult …` (线上会诊) as a panel member and a handler use it, on every configured
backend: the case assigned to a prosecutor who is not senior goes to the panel (the
``junior_handler`` criterion of rules/consultation.toml, Shenzhen practice, seed 003: "将案件分配给
承办人的同时，提交……初评小组"); a member's opinion; the handler's answer (``jianguan case answer``)
and review form; and the exit gate ("如出现漏评，则无法结案") refusing ``jianguan case close``
until every opinion is given and answered and the form is complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from tests.factories import write_dataset
from tests.integration.test_consultation_store import PEOPLE_CSV
from tests.unit.test_consultation import FORM, OPINION
from tests.unit.test_usecases_on_fakes import CASE, open_prosecution_review


@pytest.fixture
def db(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    data = write_dataset(tmp_path / "d", [open_prosecution_review()], people=PEOPLE_CSV)
    result = CliRunner().invoke(cli, ["import", str(data), "--db", store_url])
    assert result.exit_code == 0, result.output
    return store_url


def jg(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", db])
    return result.exit_code, result.output


def shown(db: str) -> dict[str, object]:
    code, out = jg(db, "consult", "show", CASE, "--json")
    assert code == 0, out
    body: dict[str, object] = json.loads(out)
    return body


def _explain_all(db: str) -> list[str]:
    """Self-check, then explain whatever still blocks (the periods of a case received in 2025
    have run out by the real clock); returns the rules that blocked."""
    code, out = jg(db, "case", "self-check", CASE, "--json")
    assert code == 0, out
    blocking: list[str] = json.loads(out)["blocking"]
    if blocking:
        args = [a for r in blocking for a in ("--explain", f"{r}=已核实，情况说明附卷")]
        code, out = jg(db, "case", "self-check", CASE, *args)
        assert code == 0, out
        assert "0 项须纠正或说明" in out
    return blocking


def test_the_consultation_from_the_command_line(db: str) -> None:
    # 入口: designated to 李华 (P0012, not senior) → the panel is drawn with the assignment.
    code, out = jg(db, "assign", CASE, "--designate", "P0012", "--reason", "熟悉此类案件")
    assert code == 0, out
    view = shown(db)
    panel = view["panel"]
    assert isinstance(panel, dict)
    assert panel["criterion"] == "junior_handler"
    members = panel["members"]
    assert [m["line"] for m in members] == [
        "criminal",
        "civil",
        "administrative",
        "public_interest",
    ]
    assert all(m["name"] for m in members)
    assert "P0012" not in [m["person"] for m in members]
    first, *others = [m["person"] for m in members]
    assert len([g for g in view["missing"] if g["code"].startswith("opinion:")]) == 4  # type: ignore[attr-defined,index]

    code, out = jg(db, "consult", "show", CASE)
    assert code == 0, out
    assert "初评小组（承办人非资深检察官" in out
    assert "刑事检察" in out
    assert "尚未提出初评意见" in out
    assert "审查起诉案件审查表（未填写）" in out

    # The member's queue, then the opinion; a second one is refused (exit 2, nothing written).
    code, out = jg(db, "consult", "queue", first, "--json")
    assert code == 0, out
    assert [q["case_id"] for q in json.loads(out)] == [CASE]
    code, out = jg(db, "consult", "opinion", CASE, "--member", first, "--text", OPINION["opinion"])
    assert code == 2
    assert "须填写“重点关注事项”" in out
    code, out = jg(db, "consult", "opinion", CASE, "--member", first,
                   "--text", OPINION["opinion"], "--field", f"focus={OPINION['focus']}")  # fmt: skip
    assert code == 0, out
    assert "初评意见已记录" in out
    code, out = jg(db, "consult", "opinion", CASE, "--member", first, "--text", "再提一次")
    assert code == 2
    assert "已提出初评意见" in out
    code, out = jg(db, "consult", "opinion", CASE, "--member", "P0012", "--text", "x")
    assert code == 2
    assert "不是本案初评小组成员" in out
    code, out = jg(db, "consult", "queue", first)
    assert code == 0
    assert "没有待提初评意见的案件" in out
    for person in others:
        code, out = jg(db, "consult", "opinion", CASE, "--member", person,
                       *[a for k, v in OPINION.items() for a in ("--field", f"{k}={v}")])  # fmt: skip
        assert code == 0, out

    # 中间: the handler decides and fills the form in part; only the handler may fill it.
    code, out = jg(db, "case", "decide", CASE, "--type", "prosecute", "--on", "2025-09-20")
    assert code == 0, out
    code, out = jg(db, "consult", "form", CASE, "--by", first, "--field", "facts=x")
    assert code == 2
    assert "审查表须由承办人" in out
    code, out = jg(db, "consult", "form", CASE, "--field", f"facts={FORM['facts']}")
    assert code == 0, out
    assert "尚未填写：evidence、charge、sentencing、procedure" in out
    code, out = jg(db, "consult", "form", CASE, "--field", "nonsense=1")
    assert code == 2
    assert "没有这些栏目：nonsense" in out

    # 出口: four opinions unanswered → close refused, the consultation named.
    assert "review_form_incomplete" in _explain_all(db)
    jg(db, "case", "verify", CASE, "--by", "P0011")
    code, out = jg(db, "case", "close", CASE)
    assert code == 2
    assert "操作被拒绝" in out
    assert "会诊" in out
    view = shown(db)
    assert [o["answer"] for o in view["opinions"]] == [None] * 4  # type: ignore[attr-defined,index]

    # The handler answers (one declined with its reason) and completes the form.
    assert jg(db, "case", "answer", CASE, "--decline", "证据链已补强，无需再查")[0] == 0
    for _ in others:
        assert jg(db, "case", "answer", CASE, "--accept")[0] == 0
    args = [a for k, v in FORM.items() for a in ("--field", f"{k}={v}")]
    code, out = jg(db, "consult", "form", CASE, "--by", "P0012", *args)
    assert code == 0, out
    assert "尚未填写" not in out
    view = shown(db)
    assert view["missing"] == []
    answers = [o["answer"] for o in view["opinions"]]  # type: ignore[attr-defined]
    assert [a["adopted"] for a in answers] == [False, True, True, True]
    assert answers[0]["reason"] == "证据链已补强，无需再查"
    form = view["form"]
    assert isinstance(form, dict)
    assert {f["key"]: f["value"] for f in form["fields"] if f["value"]} == FORM
    code, out = jg(db, "consult", "show", CASE)
    assert "会诊已完成" in out
    assert "不采纳：证据链已补强，无需再查" in out

    # The self-check sees the consultation done; the case closes.
    blocking = _explain_all(db)
    assert "review_form_incomplete" not in blocking
    assert "panel_opinion_missing" not in blocking
    assert jg(db, "case", "verify", CASE, "--by", "P0011")[0] == 0
    code, out = jg(db, "case", "close", CASE)
    assert code == 0, out
    assert "已办结" in out


def test_unknown_case_and_person_are_click_errors(db: str) -> None:
    code, out = jg(db, "consult", "show", "440304-2025-XSSC-999999")
    assert code == 1
    assert "不存在" in out
    code, out = jg(db, "consult", "queue", "P9999")
    assert code == 1
    assert "不在人员名单中" in out
    code, out = jg(db, "consult", "show", CASE)
    assert code == 0
    assert "本案未提交初评小组" in out
    code, out = jg(db, "consult", "form", CASE, "--field", "facts")
    assert code == 2
    assert "栏目=内容" in out


def test_english_on_request(db: str) -> None:
    assert jg(db, "assign", CASE, "--designate", "P0012", "--reason", "熟悉此类案件")[0] == 0
    result = CliRunner().invoke(cli, ["--lang", "en", "consult", "show", CASE, "--db", db])
    assert result.exit_code == 0, result.output
    assert "review panel" in result.output
    assert "criminal" in result.output
    assert "prosecution review form (not filled)" in result.output
