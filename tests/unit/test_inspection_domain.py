"""Inspection rectification (domain.inspection) against 《中国共产党巡视工作条例》.

第34条: "被巡视党组织应当自收到巡视反馈意见之日起,组织开展为期6个月的集中整改" … "(六)向开展巡视
工作的党组织的同级纪检监察机关、组织部门、巡视工作领导小组办公室报送集中整改进展情况报告。集中整改
结束后,被巡视党组织应当建立常态化、长效化整改工作机制".
第33条第3款: "党组织主要负责人和领导班子其他成员有调整的,应当做好巡视整改交接工作,持续落实整改责任。"
第35条第1款第4项: "自收到移交问题线索之日起6个月内,向巡视工作领导小组办公室反馈处置进展情况";
第37条: "自通报和移交之日起6个月内,向巡视工作领导小组办公室反馈办理进展情况"."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.domain import inspection as dom
from jianguan.domain.inspection import InspectionError, ItemStatus, Phase, Recipient, TransferKind

D = dt.date


def opened() -> dom.Inspection:
    i = dom.open_inspection("XZ1", "440000", "巡视反馈意见", "省委第三巡视组", D(2025, 8, 31),
                            {"discipline": "省纪委监委", "office": "省委巡视办"})  # fmt: skip
    i = dom.add_item(i, "问题一", "P1", "措施一", D(2025, 10, 31))
    return dom.add_item(i, "问题二", "P1", "措施二", D(2025, 12, 31))


def test_six_months_from_the_feedback_then_ongoing() -> None:
    i = opened()
    # 08-31 + 6 months = 02-28 (no 02-31); the concentrated period is the day before it
    assert i.concentrated_until == D(2026, 2, 27)
    assert i.phase(D(2026, 2, 27)) is Phase.CONCENTRATED
    assert i.phase(D(2026, 2, 28)) is Phase.ONGOING


def test_the_progress_report_is_owed_to_the_three_named_recipients() -> None:
    i = dom.record_report(opened(), D(2026, 1, 5), "P9", [Recipient.OFFICE, Recipient.DISCIPLINE],
                          "进展")  # fmt: skip
    assert i.reports[0].recipients == (Recipient.DISCIPLINE, Recipient.OFFICE)  # in the law's order
    during = dom.status(i, D(2026, 2, 1))
    assert during.unreported == (Recipient.ORGANISATION,)
    assert not during.report_overdue  # still within the six months
    assert dom.status(i, D(2026, 3, 1)).report_overdue
    assert i.recipient_name(Recipient.ORGANISATION) == "组织部门"  # unnamed: the law's word
    assert i.recipient_name(Recipient.DISCIPLINE) == "省纪委监委"
    with pytest.raises(InspectionError, match="recipients"):
        dom.record_report(i, D(2026, 1, 6), "P9", [], "x")


@pytest.mark.parametrize("kind", list(TransferKind))
def test_each_hand_over_is_reported_back_within_six_months(kind: TransferKind) -> None:
    i = dom.hand_over(opened(), kind, "线索", "", D(2025, 9, 10))
    t = i.transfers[0]
    assert t.due_on == D(2026, 3, 10)
    assert t.handed_to  # named by kind: the discipline organ, the organisation department …
    assert not t.overdue(D(2026, 3, 10))
    assert t.overdue(D(2026, 3, 11))
    done = dom.report_back(i, 1, D(2026, 3, 1), "已反馈")
    assert not done.transfers[0].overdue(D(2026, 4, 1))


def test_a_leader_change_hands_the_open_items_to_the_successor() -> None:
    i = dom.complete_item(opened(), 1, D(2025, 10, 1), "done")
    i = dom.change_leader(i, D(2025, 11, 1), "副检察长", "P1", "P2")
    assert [x.responsible for x in i.items] == ["P1", "P2"]  # the done item stays with P1
    assert i.changes[0].items == (2,)


def test_recheck_reopens_items_found_not_fixed() -> None:
    i = dom.complete_item(opened(), 1, D(2025, 10, 1), "done")
    with pytest.raises(InspectionError, match="not reported done"):
        dom.recheck(i, D(2025, 11, 1), "P9", [2], [2], D(2025, 12, 31))
    with pytest.raises(InspectionError, match="later deadline"):
        dom.recheck(i, D(2025, 11, 1), "P9", [1], [1], None)
    i = dom.recheck(i, D(2025, 11, 1), "P9", [1], [1], D(2025, 12, 15))
    assert i.items[0].status is ItemStatus.REOPENED
    assert i.items[0].due_on == D(2025, 12, 15)
    assert dom.status(i, D(2025, 11, 2)).reopened == (1,)
    assert dom.status(i, D(2025, 12, 16)).overdue == (1,)
    i = dom.complete_item(i, 1, D(2025, 12, 1), "fixed")
    assert i.items[0].status is ItemStatus.DONE
