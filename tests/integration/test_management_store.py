"""The management-cycle repositories on each backend: an inspection with every part survives a
save and a load unchanged; scheduled runs are recorded, finished and found again."""

from __future__ import annotations

import datetime as dt

from jianguan.domain import inspection as dom
from jianguan.domain.inspection import Recipient, TransferKind
from jianguan.domain.schedule import Outcome
from tests.support import app_for

D = dt.date


def test_an_inspection_round_trips(store_url: str) -> None:
    i = dom.open_inspection("XZ000001", "440000", "反馈意见", "省委第三巡视组", D(2025, 4, 15),
                            {"organisation": "省委组织部"})  # fmt: skip
    i = dom.add_item(i, "问题", "P1", "措施", D(2025, 6, 30))
    i = dom.complete_item(i, 1, D(2025, 6, 1), "完成")
    i = dom.hand_over(i, TransferKind.LEAD, "线索", "", D(2025, 4, 20))
    i = dom.report_back(i, 1, D(2025, 9, 1), "已反馈")
    i = dom.record_report(i, D(2025, 10, 1), "P9", [Recipient.ORGANISATION], "进展")
    i = dom.change_leader(i, D(2025, 7, 1), "检察长", "P1", "P2")
    i = dom.recheck(i, D(2025, 8, 1), "P9", [1], [1], D(2025, 12, 31), "未到位")
    with app_for(store_url) as app:
        with app.uow() as uow:
            assert uow.inspection.next_id() == "XZ000001"
            uow.inspection.save(i)
            uow.inspection.save(i)  # saving again replaces it
            uow.commit()
        with app.uow() as uow:
            assert uow.inspection.load("XZ000001") == i
            assert uow.inspection.all() == [i]
            assert uow.inspection.next_id() == "XZ000002"
            assert uow.inspection.load("nope") is None


def test_runs_are_recorded_and_the_last_success_found(store_url: str) -> None:
    t0 = dt.datetime(2025, 10, 1, 2, 0, tzinfo=dt.UTC)
    with app_for(store_url) as app:
        with app.uow() as uow:
            a = uow.schedule.start("daily-monitoring", D(2025, 10, 1), t0, "scheduler")
            uow.schedule.finish(a, t0 + dt.timedelta(seconds=3), "success", "ok")
            b = uow.schedule.start("daily-monitoring", D(2025, 10, 2), t0 + dt.timedelta(days=1),
                                   "cli")  # fmt: skip
            uow.schedule.finish(b, t0 + dt.timedelta(days=1, seconds=1), "failed", "boom")
            uow.commit()
        with app.uow() as uow:
            runs = uow.schedule.runs()
            last = uow.schedule.last_runs(["daily-monitoring", "reminders"])
    assert [r.id for r in runs] == [b, a]  # newest first
    assert runs[0].outcome is Outcome.FAILED
    assert runs[0].message == "boom"
    assert runs[1].seconds == 3.0
    assert runs[1].started_at == t0  # an aware UTC moment on both backends
    latest, success = last["daily-monitoring"]
    assert latest is not None
    assert latest.id == b
    assert success is not None
    assert success.id == a
    assert last["reminders"] == (None, None)
