"""The case page's periods: the monitor's own due dates, and a done duty judged when it was done."""

from __future__ import annotations

import datetime as dt

from jianguan.services.casefile import case_periods
from tests.support import rules
from tests.unit.test_monitoring_rules import build_case


def periods_of(over: dict[str, object], today: str) -> dict[str, object]:
    book = rules()
    found = case_periods(
        build_case(over), book.periods, book.calendar, dt.date.fromisoformat(today)
    )
    return {p.derivation.period: p for p in found}


def test_a_decision_after_the_due_date_shows_days_late_at_the_decision() -> None:
    # 刑诉法 第172条: one month from 09-01 → 10-01, moved to 10-09 (第105条第4款); decided 10-13.
    # Seen a year later the case is "超期 4 日办结", not overdue by a year.
    p = periods_of({"decision": {"type": "not_prosecute", "on": "2025-10-13"}}, "2026-10-13")
    review = p["prosecution_review"]
    assert review.derivation.due == dt.date(2025, 10, 9)
    assert (review.done_on, review.days_late, review.days_left(dt.date(2026, 10, 13))) == (
        dt.date(2025, 10, 13),
        4,
        None,
    )


def test_a_notice_given_on_its_due_day_is_in_time() -> None:
    # 刑诉法 第34条第2款: 三日以内 — received 09-01, due 09-04, told 09-04.
    p = periods_of({"events": [["counsel_notified", "2025-09-04", "S1"]]}, "2026-09-01")
    notice = p["counsel_notice"]
    assert notice.derivation.due == dt.date(2025, 9, 4)
    assert (notice.done_on, notice.days_late) == (dt.date(2025, 9, 4), 0)


def test_an_open_duty_counts_down_to_its_due_date() -> None:
    p = periods_of({"events": []}, "2025-09-03")
    notice = p["counsel_notice"]
    assert notice.done_on is None
    assert notice.days_left(dt.date(2025, 9, 3)) == 1


def test_an_extension_the_law_does_not_allow_is_not_shown_as_one() -> None:
    # 刑诉法 第172条第1款: only a major or complex case "可以延长十五日".
    events = [["counsel_notified", "2025-09-02", "S1"], ["extension_approved", "2025-09-28", ""]]
    plain = periods_of({"events": events}, "2025-09-30")["prosecution_review"]
    major = periods_of({"events": events, "major_complex": True}, "2025-09-30")
    assert plain.derivation.extensions == ()
    assert major["prosecution_review"].derivation.due == dt.date(2025, 10, 16)


def test_the_family_notice_runs_from_the_arrests_execution() -> None:
    # 刑诉法 第93条: "逮捕后二十四小时以内，通知被逮捕人的家属" — approved 09-10, executed 09-11:
    # the 24 hours end on 09-12, as the monitor counts them.
    over = {
        "category": "arrest_review",
        "decision": {"type": "approve_arrest", "on": "2025-09-10"},
        "events": [
            ["arrest_executed", "2025-09-11", "S1"],
            ["family_notified", "2025-09-12", "S1"],
        ],
    }
    family = periods_of(over, "2025-10-01")["family_notice"]
    assert family.derivation.start == dt.date(2025, 9, 11)
    assert family.days_late == 0
