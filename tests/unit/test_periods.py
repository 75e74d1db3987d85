"""The period engine (刑事诉讼法 第105条) against the worked examples of law-and-practice.md §1.1."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.period_file import PeriodFileError, default_periods, parse_periods
from jianguan.domain.calendar import YearNotCovered
from jianguan.domain.periods import compute_due

CAL = default_calendar()
PERIODS = default_periods()


def due(period: str, start: str, *conditions: str, **kw: object) -> dt.date:
    return compute_due(
        PERIODS[period], dt.date.fromisoformat(start), CAL, conditions=frozenset(conditions), **kw
    ).due  # type: ignore[arg-type]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_every_period_cites_its_basis() -> None:
    for period in PERIODS.values():
        assert period.variants, period.id
        assert all(v.basis for v in period.variants), period.id


def test_arrest_review_detained_is_7_days_never_moved() -> None:
    # 刑事诉讼法 第91条第3款: 七日以内; 第105条第4款: 在押期间不得因节假日而延长
    assert due("arrest_review", "2026-02-10", "custody") == d(
        "2026-02-17"
    )  # inside Spring Festival


def test_arrest_review_not_detained_is_15_days_moved_past_holiday() -> None:
    # 规则 第282条: 未被拘留的，十五日以内
    assert due("arrest_review", "2026-02-03") == d("2026-02-24")


def test_arrest_review_major_not_detained_is_20_days() -> None:
    # 规则 第282条: 重大、复杂案件，不得超过二十日
    assert due("arrest_review", "2025-03-03", "major") == d("2025-03-24")  # 03-23 is a Sunday


def test_prosecution_review_one_month_moves_past_national_day() -> None:
    # 刑事诉讼法 第172条第1款: 一个月以内作出决定
    assert due("prosecution_review", "2025-09-01") == d("2025-10-09")
    assert due("prosecution_review", "2025-09-01", "custody") == d("2025-10-01")


def test_prosecution_review_extension_adds_15_days_to_the_unmoved_end() -> None:
    # 刑事诉讼法 第172条第1款: 重大、复杂的案件，可以延长十五日 — added to 10-01, not to 10-09
    major = frozenset({"major"})
    result = compute_due(
        PERIODS["prosecution_review"], d("2025-09-01"), CAL, conditions=major, extended=True
    )
    assert result.unmoved_end == d("2025-10-16")
    assert result.due == d("2025-10-16")
    assert result.extensions == ("15日",)


def test_only_a_major_or_complex_case_may_be_extended() -> None:
    # 刑事诉讼法 第172条第1款 allows "重大、复杂的案件，可以延长十五日" only: an extension of any
    # other prosecution review is refused by the engine, not silently applied.
    with pytest.raises(ValueError, match="cannot be extended"):
        compute_due(PERIODS["prosecution_review"], d("2025-09-01"), CAL, extended=True)


def test_fast_track_is_10_days_or_15_over_one_year() -> None:
    # 刑事诉讼法 第172条第1款: 速裁…十日以内；可能判处的有期徒刑超过一年的，可以延长至十五日
    assert due("prosecution_review", "2025-09-26", "fast_track") == d("2025-10-09")
    assert due("prosecution_review", "2025-09-26", "fast_track", "custody") == d("2025-10-06")
    # 可以延长: without a recorded decision the 10 days apply even over one year (03-13, a Thursday)
    assert due("prosecution_review", "2025-03-03", "fast_track", "over_one_year") == d("2025-03-13")
    longer = compute_due(
        PERIODS["prosecution_review"],
        d("2025-03-03"),
        CAL,
        conditions=frozenset({"fast_track", "over_one_year"}),
        extended=True,
    )
    assert (longer.due, longer.extensions) == (d("2025-03-18"), ("5日",))
    with pytest.raises(ValueError, match="cannot be extended"):  # not over one year: never 15
        compute_due(
            PERIODS["prosecution_review"],
            d("2025-03-03"),
            CAL,
            conditions=frozenset({"fast_track"}),
            extended=True,
        )


def test_restart_after_retransfer_counts_a_full_month_from_the_new_start() -> None:
    # 刑事诉讼法 第175条第3款: 补充侦查完毕移送人民检察院后，重新计算审查起诉期限
    assert due("prosecution_review", "2025-04-18") == d("2025-05-19")  # 05-18 is a Sunday
    assert due("prosecution_review", "2025-04-18", "custody") == d("2025-05-18")


def test_three_day_notice_moves_unless_custody() -> None:
    # 刑事诉讼法 第34条第2款: 三日以内，应当告知犯罪嫌疑人有权委托辩护人
    assert due("counsel_notice", "2025-09-30") == d("2025-10-09")
    assert due("counsel_notice", "2025-09-30", "custody") == d("2025-10-03")


def test_family_notice_is_24_hours_never_moved() -> None:
    # 刑事诉讼法 第93条: 逮捕后…二十四小时以内通知家属
    assert due("family_notice", "2025-09-30") == d("2025-10-01")


def test_custody_extension_chain_adds_each_step_to_the_previous_expiry() -> None:
    # 刑事诉讼法 第156、158、159条: 2 months → +1 → +2 → +2, never moved
    expected = ["2025-03-10", "2025-04-10", "2025-06-10", "2025-08-10"]
    for steps, end in enumerate(expected):
        assert due("investigative_custody", "2025-01-10", "custody", chain_steps=steps) == d(end)


def test_investigative_custody_never_moves_whatever_the_flags() -> None:
    # 刑事诉讼法 第105条第4款但书: 在押期间…不得因节假日而延长 — 侦查羁押 is custody by definition,
    # so even without the custody flag a chain ending in the National Day holiday is not moved.
    result = compute_due(PERIODS["investigative_custody"], d("2025-08-01"), CAL)
    assert (result.raw_end, result.due, result.moved_from) == (
        d("2025-10-01"),
        d("2025-10-01"),
        None,
    )
    assert result.in_custody is True


def test_a_custody_chain_never_ends_later_than_its_months_from_the_arrest() -> None:
    # 刑事诉讼法 第156条 (二个月, +一个月), 第158条 (+二个月), 第159条 (+二个月). Arrested 2024-12-29:
    # + 2 months = 2025-02-28, the last day of February, and + 1 month from there would be 03-31
    # (the month-end reading of 法释〔2021〕1号 第202条) — two days more than 3 months from the arrest.
    # The person in custody gets the earlier end; the derivation shows both readings.
    result = compute_due(PERIODS["investigative_custody"], d("2024-12-29"), CAL, chain_steps=1)
    assert result.due == d("2025-03-29")
    assert any("2025-03-31" in step and "取较早者" in step for step in result.steps)
    full = compute_due(PERIODS["investigative_custody"], d("2024-12-29"), CAL, chain_steps=3)
    assert full.due == d("2025-07-29")  # 7 months from the arrest, not 07-31


def test_month_end_start_runs_to_next_month_end() -> None:
    # 法释〔2021〕1号 第202条 (the 2012 interpretation's 第165条 in the same words)
    assert due("supplementary_investigation", "2025-01-31") == d("2025-02-28")
    # from 04-30 (a month end) to 05-31, in the Dragon Boat holiday (05-31–06-02): moved to 06-03
    assert due("supplementary_investigation", "2025-04-30") == d("2025-06-03")
    result = compute_due(PERIODS["supplementary_investigation"], d("2025-04-30"), CAL)
    assert "法释〔2021〕1号第202条" in result.basis
    assert not any("2012" in b for b in result.basis)


def test_civil_periods_count_months_by_the_civil_code() -> None:
    # 民法典 第202条: 按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为
    # 期间的最后一日 — from 04-30 the corresponding date is 05-30 (the criminal rule says 05-31).
    result = compute_due(PERIODS["public_interest_reply"], d("2025-04-30"), CAL)
    assert result.raw_end == d("2025-06-30")
    assert "民法典第202条" in result.basis
    short = compute_due(PERIODS["civil_supervision_review"], d("2025-02-28"), CAL)
    assert short.raw_end == d("2025-05-28")  # criminal reading: 05-31


def test_civil_supervision_is_three_months() -> None:
    # 民事诉讼法 第220条: 三个月内进行审查
    assert due("civil_supervision_review", "2025-07-15") == d("2025-10-15")


def test_uncovered_year_is_refused_unless_provisional() -> None:
    with pytest.raises(YearNotCovered):
        due("counsel_notice", "2026-12-30")
    result = compute_due(PERIODS["counsel_notice"], d("2026-12-30"), CAL, provisional=True)
    assert result.provisional is True
    assert result.due == d("2027-01-04")
    assert any("临时" in step for step in result.steps)


def test_provisional_flag_is_not_set_when_the_year_is_covered() -> None:
    result = compute_due(PERIODS["counsel_notice"], d("2025-09-30"), CAL, provisional=True)
    assert result.provisional is False


def test_custody_periods_never_consult_the_calendar() -> None:
    assert due("arrest_review", "2026-12-30", "custody") == d("2027-01-06")


def test_derivation_names_every_step() -> None:
    result = compute_due(PERIODS["prosecution_review"], d("2025-09-01"), CAL)
    assert result.raw_end == d("2025-10-01")
    assert result.moved_from == d("2025-10-01")
    assert "刑事诉讼法第105条第4款" in result.basis
    assert "法释〔2021〕1号第202条" in result.basis
    assert any("国庆节" in step for step in result.steps)


def test_an_uncited_variant_is_refused() -> None:
    text = '[periods.x]\ntitle = "x"\ntitle_en = "x"\nvariants = [{ when = [], length = "3d", basis = [] }]\n'
    with pytest.raises(PeriodFileError, match="basis"):
        parse_periods(text)
