"""The consultation (线上会诊) on the SQL store (every configured backend): the panel formed at
assignment, opinions, the member's queue, the review form, recusal, and the gate, through the
migrated tables (0018) and the audit chain; a case's meetings for its page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jianguan.domain.consultation import MemberStatus
from jianguan.domain.supervision import MeetingKind
from jianguan.services import casework, consultation
from jianguan.services import supervision as sv
from jianguan.services.casefile import case_meetings
from jianguan.services.importing import verify_audit
from tests.factories import PEOPLE_CSV as PEOPLE_BASE
from tests.factories import write_dataset
from tests.support import imported
from tests.unit.test_consultation import FORM, OPINION, PEOPLE
from tests.unit.test_usecases_on_fakes import CASE, open_prosecution_review

NOW = dt.datetime(2025, 9, 10, 9, tzinfo=dt.UTC)
PEOPLE_CSV = PEOPLE_BASE + "".join(
    f"{p.id},{p.name},{p.unit},{p.department},{p.role.value},{str(p.in_quota).lower()},"
    f"{str(p.senior).lower()}\n"
    for p in PEOPLE
    if p.id not in ("P0001", "P0011", "P0012")
)


def test_the_consultation_on_the_store(tmp_path: Path, store_url: str) -> None:
    folder = write_dataset(tmp_path / "set", [open_prosecution_review()], people=PEOPLE_CSV)
    with imported(folder, store_url) as app:
        rules = app.rules
        # 入口: assigned to a prosecutor who is not senior → the panel is drawn at the same time.
        casework.assign(app.uow(), rules, CASE, "P0011", NOW, "P0012", "熟悉此类案件", "seed-1")
        file = consultation.file_of(app.uow(), CASE)
        assert file is not None
        assert file.panel is not None
        members = [m.person for m in file.panel.members]
        assert len(members) == 4
        assert "P0012" not in members
        assert file.panel.seed == "seed-1"
        # A member recused before giving an opinion is replaced from the same line.
        casework.recuse(app.uow(), CASE, members[3], "近亲属关系", "P0011", NOW, rules)
        panel = consultation.file_of(app.uow(), CASE).panel  # type: ignore[union-attr]
        assert panel is not None
        assert [m.status for m in panel.members][3] is MemberStatus.RECUSED
        active = [m.person for m in panel.active]
        assert len(active) == 4
        assert members[3] not in active
        # 中间: opinions on the form, the member's queue, the handler's review form.
        assert [q.case_id for q in consultation.queue(app.uow(), active[0])] == [CASE]
        for pid in active:
            consultation.give_opinion(app.uow(), rules, CASE, pid, NOW, OPINION)
        assert consultation.queue(app.uow(), active[0]) == []
        consultation.fill_review_form(app.uow(), rules, CASE, "P0012", NOW, FORM)
        file = consultation.file_of(app.uow(), CASE)
        assert file is not None
        assert dict(file.forms[0].values) == FORM
        assert all(m.opinion == OPINION for m in file.panel.active)  # type: ignore[union-attr]
        # 出口: four opinions wait for the handler's answer.
        gate = [m.code for m in casework.gate_status(app.uow(), rules, CASE, NOW)]
        assert gate.count("consultation:2025-09-10") == 4
        for _ in active:
            casework.answer_consultation(app.uow(), CASE, "P0012", NOW, None)
        gate = [m.code for m in casework.gate_status(app.uow(), rules, CASE, NOW)]
        assert not [c for c in gate if c.startswith("consultation")]
        # A committee discussion of the case is on record and on its page.
        sv.record_meeting(app.uow(), CASE, MeetingKind.COMMITTEE, "P0011", "是否起诉",
                          dt.date(2025, 9, 11), ["P0011", "P0014"], {"P0011": "起诉", "P0014": "起诉"},
                          "依法提起公诉", "P0011", NOW, "prosecute")  # fmt: skip
        (shown,) = case_meetings(app.uow(), CASE)
        assert shown.meeting.conclusion == "依法提起公诉"
        assert shown.decision is not None
        wanted = {"consultation.panel", "consultation.replace", "consultation.opinion",
                  "consultation.form", "meeting.record"}  # fmt: skip
        with app.uow() as uow:
            actions = {e.action for e in uow.audit.of_subjects([CASE], wanted)}
        assert actions == wanted
        assert verify_audit(app.uow()) == []
