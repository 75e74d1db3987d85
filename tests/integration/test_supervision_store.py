"""Supervision matters on the SQL store (every configured backend): the same use cases as the
unit tests, through the migrated tables, the one ledger and the audit chain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.domain.gates import GateRefused
from jianguan.domain.ledger import LedgerStatus
from jianguan.domain.supervision import MatterDecision, MeetingKind, ReplyOutcome, StepKind
from jianguan.services import supervision as sv
from jianguan.services.importing import verify_audit
from jianguan.services.monitoring import monitor_and_record
from jianguan.services.ports.supervision import LeadQuery, MatterQuery
from tests.factories import PEOPLE_CSV as PEOPLE_BASE
from tests.factories import write_dataset
from tests.support import imported
from tests.unit.test_supervision import PEOPLE, lead

NOW = dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC)
PEOPLE_CSV = PEOPLE_BASE + "".join(
    f"{p.id},{p.name},{p.unit},{p.department},{p.role.value},{str(p.in_quota).lower()},"
    f"{str(p.senior).lower()}\n"
    for p in PEOPLE
    if p.id != "P0001"
)


def test_a_lead_to_a_closed_matter_on_the_store(tmp_path: Path, store_url: str) -> None:
    with imported(write_dataset(tmp_path / "set", people=PEOPLE_CSV), store_url) as app:
        rules = app.rules
        report = sv.import_leads(
            app.uow(), [lead(1), lead(2), lead(3, facts=lead(1).facts)], "P0021", NOW
        )
        assert (report.new, dict(report.duplicates)) == (2, {"L0003": "L0001"})
        assert sv.import_leads(app.uow(), [lead(1)], "P0021", NOW).new == 0
        sv.screen(app.uow(), "L0001", "P0021", NOW, "初查属实")
        m = sv.register(app.uow(), rules, "L0001", "P0021", NOW, seed="s1", major=False)
        h = m.handler
        sv.record_step(app.uow(), m.matter_id, StepKind.REVIEW, h, dt.date(2025, 9, 2), "审查")
        sv.record_meeting(app.uow(), m.matter_id, MeetingKind.JOINT, h, "是否制发检察建议",
                          dt.date(2025, 9, 3), ["P0021", "P0024"],
                          {"P0021": "同意", "P0024": "同意，建议明确整改期限"}, "制发检察建议",
                          "P0021", NOW)  # fmt: skip
        sv.decide(
            app.uow(), rules, m.matter_id, MatterDecision.RECOMMENDATION, h, dt.date(2025, 9, 5)
        )
        findings, _ = monitor_and_record(app.uow(), rules, dt.date(2025, 11, 10))
        mine = {f.rule for f in findings if f.case_id == m.matter_id}
        assert mine == {"supervision_reply_overdue", "supervision_follow_up_missing"}
        with app.uow() as uow:
            entry = uow.ledger.entry(m.matter_id, "supervision_reply_overdue")
        assert entry is not None
        assert entry.status is LedgerStatus.OPEN
        with pytest.raises(GateRefused):
            sv.close(app.uow(), rules, m.matter_id, h, NOW)
        sv.record_reply(
            app.uow(), m.matter_id, dt.date(2025, 11, 12), ReplyOutcome.ADOPTED, "已整改", "P0021"
        )
        sv.self_check(app.uow(), rules, m.matter_id, h, NOW)
        verifier = "P0024" if h != "P0024" else "P0021"
        sv.verify(app.uow(), rules, m.matter_id, verifier, NOW)
        closed = sv.close(app.uow(), rules, m.matter_id, h, NOW)
        stored = sv.matter(app.uow(), m.matter_id)
        assert stored == closed
        assert stored.closed_on is not None
        assert [e.type.value for e in stored.events][:4] == [
            "received",
            "screened",
            "registered",
            "assigned",
        ]
        assert len(sv.meetings_of(app.uow(), m.matter_id)) == 1
        assert [x.lead_id for x in sv.leads(app.uow(), LeadQuery(status=None))] == [
            "L0001",
            "L0002",
            "L0003",
        ]
        assert [x.matter_id for x in sv.matters(app.uow(), MatterQuery(open_only=True))] == []
        assert verify_audit(app.uow()) == []
        with app.uow() as uow:  # every step of the matter is an entry of the hash chain
            assert {m.matter_id, "L0001"} <= uow.audit.subjects_since(NOW - dt.timedelta(days=3650))
