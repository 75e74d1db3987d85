"""When a scheduled job is due and when it is missed (domain.schedule)."""

from __future__ import annotations

import datetime as dt

from jianguan.domain.schedule import (
    Cadence,
    JobState,
    Outcome,
    Run,
    is_due,
    is_missed,
    job,
    job_views,
    next_slot,
    previous_slot,
    slot,
)

D = dt.date


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def run(job_id: str, due: dt.date, started: dt.datetime) -> Run:
    return Run(1, job_id, due, started, started + dt.timedelta(seconds=5), Outcome.SUCCESS, "",
               "scheduler")  # fmt: skip


def test_slots() -> None:
    assert slot(Cadence.MONTHLY, D(2025, 10, 31)) == D(2025, 10, 1)
    assert slot(Cadence.QUARTERLY, D(2025, 12, 31)) == D(2025, 10, 1)
    assert previous_slot(Cadence.MONTHLY, D(2025, 1, 15)) == D(2024, 12, 1)
    assert previous_slot(Cadence.QUARTERLY, D(2025, 2, 1)) == D(2024, 10, 1)
    for month in range(1, 13):  # the slot after each one is the next month / quarter
        day = D(2025, month, 1)
        assert next_slot(Cadence.MONTHLY, day) == D(2025 + month // 12, month % 12 + 1, 1)
    assert next_slot(Cadence.QUARTERLY, D(2025, 11, 20)) == D(2026, 1, 1)


def test_due_until_the_slot_succeeded() -> None:
    daily, monthly = job("daily-monitoring"), job("monthly-bulletin")
    assert is_due(daily, None, D(2025, 10, 2))
    done = run(daily.id, D(2025, 10, 2), at(D(2025, 10, 2)))
    assert not is_due(daily, done, D(2025, 10, 2))
    assert is_due(daily, done, D(2025, 10, 3))
    month = run(monthly.id, D(2025, 10, 1), at(D(2025, 10, 1)))
    assert not is_due(monthly, month, D(2025, 10, 31))
    assert is_due(monthly, month, D(2025, 11, 1))


def test_missed_when_the_last_success_is_older_than_the_interval() -> None:
    daily, quarterly = job("reminders"), job("quarterly-data-quality")
    last = run(daily.id, D(2025, 10, 2), at(D(2025, 10, 2)))
    assert not is_missed(daily, last, at(D(2025, 10, 3), 7))  # a day and five hours: grace
    assert is_missed(daily, last, at(D(2025, 10, 3), 9))  # a day and seven hours
    assert not is_missed(daily, None, at(D(2030, 1, 1)))  # never run is not "missed"
    q = run(quarterly.id, D(2025, 7, 1), at(D(2025, 7, 1)))
    assert not is_missed(quarterly, q, at(D(2025, 9, 30)))
    assert is_missed(quarterly, q, at(D(2025, 10, 5)))
    views = job_views([daily, quarterly], {daily.id: (last, last)}, at(D(2025, 10, 5)),
                      D(2025, 10, 5))  # fmt: skip
    assert [v.state for v in views] == [JobState.MISSED, JobState.NEVER]
