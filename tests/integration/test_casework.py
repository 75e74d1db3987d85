"""Case work through the service layer: the powers list, the 每案必检 and consultation gates,
assignment and recusal — on every configured backend. A refusal must change nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jianguan.bootstrap import App
from jianguan.domain.gates import GateRefused
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    DecisionType,
    Document,
    EventType,
    NonProsecutionGround,
)
from jianguan.services import casework
from jianguan.services.importing import verify_audit
from tests.factories import numbered_case, write_dataset
from tests.support import imported

PEOPLE = """id,name,unit,department,role,in_quota,senior
P0001,王建国,440304,院领导,chief,true,true
P0002,刘副,440304,院领导,deputy_chief,true,true
P0011,陈敏,440304,第一检察部,department_head,true,true
P0012,李华,440304,第一检察部,prosecutor,true,false
P0013,张伟,440304,第一检察部,prosecutor,true,false
P0014,周强,440304,第一检察部,prosecutor,true,true
P0015,吴静,440304,第一检察部,assistant,false,false
P0021,郑新,440304,第二检察部,prosecutor,true,false
P0090,赵丽,440304,案件管理部,case_officer,false,false
"""
NOW = dt.datetime(2025, 9, 20, 10, tzinfo=dt.UTC)
OPEN = 1  # an open prosecution review, received 2025-09-05, counsel notified, nothing decided
CONSULTED = 2  # the same, with a consultation opinion on 2025-09-10
MAJOR = 3  # the same, a major or complex case
INDICTMENT = "深福检刑诉〔2025〕{n}号"


def _open_case(n: int, **changes: Any) -> dict[str, Any]:
    events = [
        {"type": "received", "on": "2025-09-05", "by": None, "party": None, "note": None},
        {
            "type": "counsel_notified",
            "on": "2025-09-06",
            "by": "P0012",
            "party": "S1",
            "note": None,
        },
        {  # 刑诉法 第173条第1款: the defender's opinion heard and recorded before the decision
            "type": "opinion_heard",
            "on": "2025-09-08",
            "by": "P0012",
            "party": "S1",
            "note": "辩护人",
        },
    ]
    rec = numbered_case(
        n,
        decision=None,
        outcome=None,
        closed_on=None,
        archived_on=None,
        events=events,
        documents=[],
    )
    rec["suspects"][0]["plea_leniency"] = False
    rec["suspects"][0]["fast_track"] = False
    rec.update(changes)
    return rec


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[App]:
    consulted = _open_case(CONSULTED)
    consulted["events"].append(
        {
            "type": "consultation_opinion",
            "on": "2025-09-10",
            "by": "P0014",
            "party": None,
            "note": "建议补充调取监控录像",
        }
    )
    cases = [_open_case(OPEN), consulted, _open_case(MAJOR, major_complex=True)]
    folder = write_dataset(tmp_path / "set", cases, people=PEOPLE)
    with imported(folder, store_url) as app:
        yield app


def cid(n: int) -> str:
    return f"440304-2025-XSSC-{n:06d}"


def run(app: App, act: Any) -> Any:
    """A use case against the application (each opens and commits its own unit of work)."""
    return act(app)


def read(app: App, look: Any) -> Any:
    with app.uow() as uow:
        return look(uow)


def write(app: App, change: Any) -> None:
    with app.uow() as uow:
        change(uow)
        uow.commit()


def refused(app: App, act: Any) -> list[str]:
    """The refusal's missing codes; asserts that nothing at all was written."""
    before = read(app, lambda u: u.cases.counts())
    with pytest.raises(GateRefused) as info:
        run(app, act)
    assert read(app, lambda u: u.cases.counts()) == before
    return [m.code for m in info.value.missing]


def load(app: App, n: int) -> Case:
    return read(app, lambda u: u.cases.load_case(cid(n)))


def decide_prosecute(store: App, n: int, approved_by: str | None = None) -> None:
    day = NOW.date()
    run(
        store,
        lambda a: casework.record_decision(
            a.uow(), a.rules, cid(n), DecisionType.PROSECUTE, day, approved_by
        ),
    )


def add_indictment(store: App, n: int) -> None:
    """The decision document, as an import of the national system would bring it."""
    case = load(store, n)
    text = f"深圳市福田区人民检察院\n起诉书\n{INDICTMENT.format(n=n)}\n被告人李某，男。被告人李某涉嫌危险驾驶罪。"
    doc = Document("indictment", INDICTMENT.format(n=n), NOW.date(), text)
    write(store, lambda u: u.cases.save_case(dataclasses.replace(case, documents=(doc,))))


# --- the powers list ---------------------------------------------------------------------------


def test_a_reserved_decision_cannot_be_recorded_without_its_approval(store: App) -> None:
    # 规则 第4条 and the default powers list: a non-prosecution is decided by the chief (or a
    # deputy chief on delegation), not by the prosecutor alone nor by the department head.
    def decide(by: str | None) -> Any:
        return lambda a: casework.record_decision(
            a.uow(),
            a.rules,
            cid(OPEN),
            DecisionType.NOT_PROSECUTE,
            NOW.date(),
            by,
            NonProsecutionGround.DISCRETIONARY,
        )

    assert refused(store, decide(None)) == ["approval"]
    assert refused(store, decide("P0011")) == ["approval"]
    run(store, decide("P0002"))
    case = load(store, OPEN)
    assert case.decision is not None
    assert case.decision.approved_by == "P0002"
    assert [e.by for e in case.events_of(EventType.APPROVAL)] == ["P0002"]


def test_a_major_case_decision_is_the_chiefs_own(store: App) -> None:
    # 组织法 第29条: 重大办案事项由检察长决定 — not delegable to a deputy chief.
    assert refused(
        store,
        lambda a: casework.record_decision(
            a.uow(), a.rules, cid(MAJOR), DecisionType.PROSECUTE, NOW.date(), "P0002"
        ),
    ) == ["approval"]
    decide_prosecute(store, MAJOR, approved_by="P0001")
    assert load(store, MAJOR).decision is not None


# --- the 每案必检 gate ----------------------------------------------------------------------------


def test_closing_names_everything_missing_and_writes_nothing(store: App) -> None:
    codes = refused(store, lambda a: casework.close(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    assert codes == ["decision", "self_check", "verification"]


def test_the_whole_gate_self_check_verification_close_archive(store: App) -> None:
    # 案件质量检查与评查工作规定 (每案必检): the handler's self-check with nothing serious left,
    # then a verification by a department head or senior prosecutor, then close and archive.
    decide_prosecute(store, OPEN)
    record = run(
        store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(OPEN), "P0012", NOW)
    )
    assert {f.kind for f in record.findings} == {"document_missing"}  # no indictment yet
    codes = refused(store, lambda a: casework.close(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    assert codes == ["finding:document_missing", "verification"]

    add_indictment(store, OPEN)  # corrected …
    run(store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    # … and verified: not by the handler, not by a prosecutor who is not senior.
    for who in ("P0012", "P0013"):
        assert refused(store, lambda a, who=who: casework.verify(a.uow(), cid(OPEN), who, NOW)) == [
            "verifier"
        ]
    run(store, lambda a: casework.verify(a.uow(), cid(OPEN), "P0014", NOW))
    run(store, lambda a: casework.close(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    run(store, lambda a: casework.archive(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    case = load(store, OPEN)
    assert case.closed_on == case.archived_on == NOW.date()
    with store.store.engine.connect() as conn:
        actions = [r[0] for r in conn.exec_driver_sql("select action from audit_log order by seq")]
    assert actions[-6:] == ["decide", "self_check", "self_check", "verify", "close", "archive"]
    assert verify_audit(store.uow()) == []


def test_an_explained_finding_no_longer_blocks(store: App) -> None:
    decide_prosecute(store, OPEN)
    run(
        store,
        lambda a: casework.record_self_check(
            a.uow(),
            a.rules,
            cid(OPEN),
            "P0012",
            NOW,
            {"document_missing": "起诉书已线下送达，待补录"},
        ),
    )
    run(store, lambda a: casework.verify(a.uow(), cid(OPEN), "P0011", NOW))
    run(store, lambda a: casework.close(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    check = read(store, lambda u: u.casework.last_self_check(cid(OPEN)))
    assert check.explained == {"document_missing": "起诉书已线下送达，待补录"}


def test_a_verification_before_the_last_self_check_does_not_count(store: App) -> None:
    decide_prosecute(store, OPEN)
    add_indictment(store, OPEN)
    run(store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    run(store, lambda a: casework.verify(a.uow(), cid(OPEN), "P0011", NOW))
    run(store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    codes = refused(store, lambda a: casework.close(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    assert codes == ["verification"]


def test_only_the_handler_self_checks(store: App) -> None:
    assert refused(
        store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(OPEN), "P0013", NOW)
    ) == ["handler"]


def test_an_imported_closed_case_that_skipped_the_gate_cannot_be_archived(
    store: App,
) -> None:
    decide_prosecute(store, OPEN)
    case = load(store, OPEN)
    write(store, lambda u: u.cases.save_case(dataclasses.replace(case, closed_on=NOW.date())))
    codes = refused(store, lambda a: casework.archive(a.uow(), a.rules, cid(OPEN), "P0012", NOW))
    assert codes == ["self_check", "verification"]


# --- the consultation gate --------------------------------------------------------------------


def test_each_consultation_opinion_is_accepted_or_declined_with_a_reason(store: App) -> None:
    # 线上会诊 (Shenzhen): the handler answers each opinion before the case closes.
    decide_prosecute(store, CONSULTED)
    add_indictment(store, CONSULTED)
    run(store, lambda a: casework.record_self_check(a.uow(), a.rules, cid(CONSULTED), "P0012", NOW))
    run(store, lambda a: casework.verify(a.uow(), cid(CONSULTED), "P0011", NOW))
    codes = refused(store, lambda a: casework.close(a.uow(), a.rules, cid(CONSULTED), "P0012", NOW))
    assert codes == ["consultation:2025-09-10"]
    assert refused(
        store, lambda a: casework.answer_consultation(a.uow(), cid(CONSULTED), "P0012", NOW, "  ")
    ) == ["reason"]
    run(
        store,
        lambda a: casework.answer_consultation(
            a.uow(), cid(CONSULTED), "P0012", NOW, "监控录像已灭失，无法调取"
        ),
    )
    answers = load(store, CONSULTED).events_of(EventType.CONSULTATION_ANSWERED)
    assert [e.note for e in answers] == ["declined: 监控录像已灭失，无法调取"]
    run(store, lambda a: casework.close(a.uow(), a.rules, cid(CONSULTED), "P0012", NOW))


# --- assignment and recusal -------------------------------------------------------------------


def test_random_assignment_is_among_the_departments_prosecutors_and_can_be_redrawn(
    store: App,
) -> None:
    seen = set()
    for seed in map(str, range(40)):
        record = run(
            store,
            lambda a, seed=seed: casework.assign(
                a.uow(), a.rules, cid(OPEN), "P0090", NOW, seed=seed
            ),
        )
        assert record.mode is AssignmentMode.RANDOM
        assert {c.person for c in record.candidates} == {"P0011", "P0012", "P0013", "P0014"}
        assert casework.redraw(record) == record.person
        seen.add(record.person)
    assert len(seen) >= 3  # the draw really varies with the seed
    stored = casework.assignments(store.uow(), cid(OPEN))
    assert len(stored) == 40
    assert all(casework.redraw(r) == r.person for r in stored)
    assert load(store, OPEN).handler == stored[-1].person


def test_recused_prosecutors_are_never_drawn_or_designated(store: App) -> None:
    # 刑事诉讼法 第29条: a prosecutor with a conflict withdraws (回避).
    run(
        store,
        lambda a: casework.recuse(a.uow(), cid(OPEN), "P0013", "与被害人系近亲属", "P0090", NOW),
    )
    for seed in map(str, range(20)):
        record = run(
            store,
            lambda a, seed=seed: casework.assign(
                a.uow(), a.rules, cid(OPEN), "P0090", NOW, seed=seed
            ),
        )
        assert record.person != "P0013"
        assert "P0013" not in {c.person for c in record.candidates}
    assert refused(
        store,
        lambda a: casework.assign(
            a.uow(), a.rules, cid(OPEN), "P0090", NOW, "P0013", "熟悉此类案件"
        ),
    ) == ["recused"]


def test_a_designation_needs_a_reason_and_is_recorded(store: App) -> None:
    assert refused(
        store, lambda a: casework.assign(a.uow(), a.rules, cid(OPEN), "P0090", NOW, "P0014", "")
    ) == ["reason"]
    record = run(
        store,
        lambda a: casework.assign(
            a.uow(), a.rules, cid(OPEN), "P0090", NOW, "P0014", "系列案件并案办理"
        ),
    )
    assert (record.mode, record.seed, record.reason) == (
        AssignmentMode.DESIGNATED,
        None,
        "系列案件并案办理",
    )
    case = load(store, OPEN)
    assert (case.handler, case.assignment) == ("P0014", AssignmentMode.DESIGNATED)
    assert case.events_of(EventType.ASSIGNED)[-1].note == "系列案件并案办理"


def test_a_major_case_goes_to_a_senior_prosecutor(store: App) -> None:
    record = run(
        store, lambda a: casework.assign(a.uow(), a.rules, cid(MAJOR), "P0090", NOW, seed="1")
    )
    assert {c.person for c in record.candidates} == {"P0011", "P0014"}
