"""Two sources kept apart: re-importing the national system's export after platform work keeps
every platform record (events, decisions, handlers), reports the original as unchanged, takes a
changed export's facts and lists every conflict — on every configured backend."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jianguan.bootstrap import App
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    Decision,
    DecisionType,
    Event,
    EventType,
    NonProsecutionGround,
)
from jianguan.domain.provenance import CardField, ConflictKind, NotAPlatformChange, PlatformWork
from jianguan.services import casework
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import ImportReport, import_dataset, verify_audit
from tests.factories import write_dataset
from tests.integration.test_casework import CONSULTED, MAJOR, OPEN, _open_case, cid
from tests.integration.test_casework import PEOPLE as CASEWORK_PEOPLE
from tests.support import imported

# test_casework's procuratorate, and a prosecutor of the city procuratorate (a case moves there)
PEOPLE = CASEWORK_PEOPLE + "P0101,孙洋,440300,第一检察部,prosecutor,true,false\n"
NOW = dt.datetime(2025, 9, 20, 10, tzinfo=dt.UTC)
DAY = NOW.date()


def _records() -> list[dict[str, Any]]:
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
    return [_open_case(OPEN), consulted, _open_case(MAJOR, major_complex=True)]


@dataclass
class Store:
    app: App
    records: list[dict[str, Any]]
    folder: Path
    tmp: Path

    def reimport(self, name: str, records: list[dict[str, Any]] | None = None) -> ImportReport:
        folder = self.folder if records is None else self._write(name, records)
        feed = self.app.open_dataset(folder)
        try:
            return import_dataset(feed, self.app.uow(), rules=self.app.rules)
        finally:
            feed.close()

    def _write(self, name: str, records: list[dict[str, Any]]) -> Path:
        return write_dataset(self.tmp / name, records, people=PEOPLE)

    def changed(self, **per_case: dict[str, Any]) -> list[dict[str, Any]]:
        """The original export with top-level fields of some cases replaced (key: c1, c2, c3)."""
        out = copy.deepcopy(self.records)
        for key, changes in per_case.items():
            out[int(key[1:]) - 1].update(changes)
        return out

    def case(self, n: int) -> Case:
        with self.app.uow() as uow:
            case = uow.cases.load_case(cid(n))
        assert case is not None
        return case

    def work(self, n: int) -> PlatformWork:
        with self.app.uow() as uow:
            return uow.cases.platform_work([cid(n)])[cid(n)]

    def table_counts(self) -> dict[str, int]:
        with self.app.uow() as uow:
            return uow.cases.counts()


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[Store]:
    records = _records()
    folder = write_dataset(tmp_path / "export", records, people=PEOPLE)
    with imported(folder, store_url) as app:
        _platform_work(app)
        yield Store(app, records, folder, tmp_path)


def _platform_work(app: App) -> None:
    """Self-check, verification, assignments, a consultation answer, decisions with approval."""
    u, r = app.uow, app.rules
    # OPEN: a random reassignment, the new handler's self-check, a verification; no decision.
    record = casework.assign(u(), r, cid(OPEN), "P0090", NOW, seed="7")
    casework.record_self_check(u(), r, cid(OPEN), record.person, NOW)
    casework.verify(u(), cid(OPEN), "P0014" if record.person != "P0014" else "P0011", NOW)
    # CONSULTED: self-check, the consultation declined with a reason, a non-prosecution with
    # the deputy chief's approval.
    casework.record_self_check(u(), r, cid(CONSULTED), "P0012", NOW)
    casework.verify(u(), cid(CONSULTED), "P0011", NOW)
    casework.answer_consultation(u(), cid(CONSULTED), "P0012", NOW, "监控录像已灭失，无法调取")
    casework.record_decision(
        u(), r, cid(CONSULTED), DecisionType.NOT_PROSECUTE, DAY, "P0002",
        NonProsecutionGround.DISCRETIONARY,
    )  # fmt: skip
    # MAJOR: designated to a senior prosecutor, prosecuted with the chief's approval.
    casework.assign(u(), r, cid(MAJOR), "P0090", NOW, "P0014", "重大案件指定资深检察官")
    casework.record_decision(u(), r, cid(MAJOR), DecisionType.PROSECUTE, DAY, "P0001")


def _platform_types(case: Case) -> list[EventType]:
    base = {EventType.RECEIVED, EventType.COUNSEL_NOTIFIED, EventType.OPINION_HEARD}
    return [e.type for e in case.events if e.type not in base | {EventType.CONSULTATION_OPINION}]


def _assert_platform_records_kept(store: Store, before: dict[int, Case]) -> None:
    for n, case in before.items():
        now = store.case(n)
        assert set(now.events) >= set(case.events) - _export_only(store, n)
        assert _platform_types(now) == _platform_types(case), n
        assert (now.handler, now.assignment, now.decision) == (
            case.handler,
            case.assignment,
            case.decision,
        )


def _export_only(store: Store, n: int) -> set[Event]:
    return {e for e in store.case(n).events if e.type is EventType.RECEIVED}


def _snapshot(store: Store) -> dict[int, Case]:
    return {n: store.case(n) for n in (OPEN, CONSULTED, MAJOR)}


def test_the_platform_work_is_on_the_card_and_kept_apart(store: Store) -> None:
    consulted = store.case(CONSULTED)
    assert consulted.decision is not None
    assert (consulted.decision.type, consulted.decision.approved_by) == (
        DecisionType.NOT_PROSECUTE,
        "P0002",
    )
    work = store.work(CONSULTED)
    assert [e.type for e in work.events] == [
        EventType.SELF_CHECK,
        EventType.VERIFICATION,
        EventType.CONSULTATION_ANSWERED,
        EventType.APPROVAL,
        EventType.DECIDED,
    ]
    assert work.fields[CardField.DECISION].export is None
    assert set(store.work(MAJOR).fields) == {
        CardField.HANDLER,
        CardField.ASSIGNED_ON,
        CardField.ASSIGNMENT,
        CardField.DECISION,
    }


def test_reimporting_the_original_export_is_unchanged_and_keeps_everything(
    store: Store,
) -> None:
    before, counts = _snapshot(store), store.table_counts()
    report = store.reimport("again")
    assert report.errors == []
    assert (report.cases_new, report.cases_changed, report.cases_unchanged) == (0, 0, 3)
    assert not report.changed_anything
    assert report.conflicts == []
    assert _snapshot(store) == before
    assert store.table_counts() == counts
    assert casework.assignments(store.app.uow(), cid(MAJOR))[-1].person == "P0014"
    with store.app.uow() as uow:
        assert uow.casework.last_self_check(cid(CONSULTED)) is not None


def test_a_changed_export_updates_the_facts_and_keeps_the_platform_records(
    store: Store,
) -> None:
    before = _snapshot(store)
    records = store.changed(
        c1={"charges": ["盗窃罪"]}, c2={"charges": ["诈骗罪"]}, c3={"charges": ["抢劫罪"]}
    )
    report = store.reimport("charges", records)
    assert report.errors == []
    assert (report.cases_changed, report.cases_unchanged, report.platform_kept) == (3, 0, 3)
    assert report.conflicts == []
    assert [store.case(n).charges for n in (OPEN, CONSULTED, MAJOR)] == [
        ("盗窃罪",),
        ("诈骗罪",),
        ("抢劫罪",),
    ]
    _assert_platform_records_kept(store, before)
    major = store.case(MAJOR)
    assert (major.handler, major.assignment) == ("P0014", AssignmentMode.DESIGNATED)
    # … and that export again is unchanged: the hash is the export's, not the merged case's.
    again = store.reimport("charges-again", records)
    assert (again.cases_changed, again.cases_unchanged) == (0, 3)
    assert verify_audit(store.app.uow()) == []


def test_conflicts_are_listed_and_nothing_is_dropped(store: Store) -> None:
    before = _snapshot(store)
    exported_decision = {
        "type": "prosecute",
        "on": "2025-09-25",
        "by": "P0012",
        "approved_by": None,
    }
    records = store.changed(
        c1={  # a non-prosecution the powers list reserves to the chief, without approval
            "decision": {**exported_decision, "type": "not_prosecute", "ground": "discretionary"}
        },
        c2={"decision": exported_decision},  # the platform decided otherwise
        c3={"unit": "440300", "handler": "P0101"},  # moved to the municipal procuratorate
    )
    report = store.reimport("conflicting", records)
    assert report.errors == []
    assert report.cases_changed == 3
    kinds = {(c.case_id, c.kind, c.field) for c in report.conflicts}
    assert kinds == {
        (cid(OPEN), ConflictKind.REFUSED_DECISION, "decision"),
        (cid(CONSULTED), ConflictKind.FIELD, "decision"),
        (cid(MAJOR), ConflictKind.UNIT_MOVED, "unit"),
        (cid(MAJOR), ConflictKind.FIELD, "handler"),  # assigned here, another there
    }
    assert all(c.zh and c.en for c in report.conflicts)
    # the platform's decision stays on the card, the export's is kept beside it
    consulted = store.case(CONSULTED)
    assert consulted.decision == before[CONSULTED].decision
    kept = store.work(CONSULTED).fields[CardField.DECISION].export
    assert isinstance(kept, Decision)
    assert kept.type is DecisionType.PROSECUTE
    major = store.case(MAJOR)
    assert (major.unit, major.handler) == ("440300", "P0014")  # the handler assigned here
    assert store.work(MAJOR).fields[CardField.HANDLER].export == "P0101"
    open_ = store.case(OPEN)
    assert open_.decision is not None
    assert open_.decision.type is DecisionType.NOT_PROSECUTE  # as exported, flagged above
    for n in (OPEN, MAJOR):
        assert _platform_types(store.case(n)) == _platform_types(before[n])
    with store.app.store.engine.connect() as conn:
        details = [
            json.loads(r[0])
            for r in conn.exec_driver_sql(
                "select detail from audit_log where action = 'case_changed' order by seq"
            )
        ]
    assert sorted(len(d["conflicts"]) for d in details) == [1, 1, 2]


def test_export_writes_the_merged_case_and_reads_back_without_doubling(
    store: Store, tmp_path: Path
) -> None:
    before = _snapshot(store)
    export_dataset(store.app.uow(), store.app.dataset_writer(tmp_path / "ours"))
    lines = (tmp_path / "ours" / "cases.jsonl").read_text("utf-8").splitlines()
    ours = {rec["case_id"]: rec for rec in map(json.loads, lines)}
    assert ours[cid(CONSULTED)]["decision"]["approved_by"] == "P0002"
    assert len(ours[cid(CONSULTED)]["events"]) == len(before[CONSULTED].events)
    feed = store.app.open_dataset(tmp_path / "ours")
    try:
        report = import_dataset(feed, store.app.uow(), rules=store.app.rules)
    finally:
        feed.close()
    assert report.errors == []
    assert report.conflicts == []
    assert _snapshot(store) == before  # the platform's events are not doubled
    assert len(store.work(CONSULTED).events) == 5  # and still the platform's


def test_a_store_without_platform_work_exports_exactly_what_it_imported(
    store_url: str, tmp_path: Path
) -> None:
    records = _records()
    folder = write_dataset(tmp_path / "plain", records, people=PEOPLE)
    with imported(folder, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "out"))
    lines = (tmp_path / "out" / "cases.jsonl").read_text("utf-8").splitlines()
    exported = {rec["case_id"]: rec for rec in map(json.loads, lines)}
    assert exported == {r["case_id"]: r for r in records}


def test_an_edit_of_the_exports_facts_is_not_taken_as_platform_work(store: Store) -> None:
    case = store.case(OPEN)
    with store.app.uow() as uow, pytest.raises(NotAPlatformChange):
        uow.cases.save_case(dataclasses.replace(case, charges=("盗窃罪",)))


def test_the_cli_prints_the_conflicts(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from jianguan.entrypoints.cli import cli

    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    exported = {"type": "prosecute", "on": "2025-09-25", "by": "P0012", "approved_by": None}
    folder = store._write("cli", store.changed(c2={"decision": exported}))
    result = CliRunner().invoke(cli, ["import", str(folder), "--db", store.app.store.url])
    assert result.exit_code == 0, result.output
    assert "本平台记录：1 件变更案件的本平台记录" in result.output
    assert "冲突：1 处" in result.output
    assert (
        f"{cid(CONSULTED)}: decision: 国家系统导出的审查结论为“提起公诉 2025-09-25”"
        in result.output
    )
