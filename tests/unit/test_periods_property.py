"""Every period, every start date of 2024–2026, every flag set: the engine against a reference
written here from the text of the law, with no code shared with ``jianguan.domain.periods``.

刑事诉讼法 第105条: "期间以时、日、月计算。期间开始的时和日不算在期间以内。……期间的最后一日为
节假日的，以节假日后的第一日为期满日期，但犯罪嫌疑人、被告人或者罪犯在押期间，应当至期满之日为
止，不得因节假日而延长。"
法释〔2021〕1号 第202条 (criminal months): "以月计算的期间，自本月某日至下月同日为一个月；期限起算
日为本月最后一日的，至下月最后一日为一个月；下月同日不存在的，自本月某日至下月最后一日为一个月"。
民法典 第202条 (civil months): "按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，
月末日为期间的最后一日。"
刑事诉讼法 第172条第1款: the 15-day extension for a major or complex case; 速裁 10 days, "可以延长至
十五日" when the likely sentence is over one year. 第156、158、159条: the custody chain.
"""

from __future__ import annotations

import datetime as dt
import itertools

from jianguan.domain.calendar import YearNotCovered
from jianguan.domain.periods import PeriodDefinition, compute_due, due_date
from tests.support import rules

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
FLAGS = ("custody", "major", "fast_track", "over_one_year")


def month_end(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def plus_months(start: dt.date, n: int, civil: bool) -> dt.date:
    y, m = divmod(start.month - 1 + n, 12)
    year, month = start.year + y, m + 1
    last = month_end(year, month)
    if not civil and start.day == month_end(start.year, start.month):
        return dt.date(year, month, last)  # from a month's last day to the next month's last day
    return dt.date(year, month, min(start.day, last))


def plus(start: dt.date, text: str, civil: bool) -> dt.date:
    n, unit = int(text[:-1]), text[-1]
    if unit == "m":
        return plus_months(start, n, civil)
    if unit == "h":
        return start + dt.timedelta(days=-(-n // 24))
    return start + dt.timedelta(days=n)


def reference(period_id: str, start: dt.date, flags: frozenset[str], extended: bool) -> dt.date:
    """The due date by the text alone; raises KeyError where the law gives no such period."""
    civil = period_id in ("civil_supervision_review", "public_interest_reply")
    # custody periods by definition: 侦查羁押, and the ten days to answer a detention-necessity
    # application, which runs while the person is held (刑诉法 第95条)
    custody = "custody" in flags or period_id in (
        "investigative_custody",
        "custody_necessity_reply",
    )
    if period_id == "prosecution_review":
        if "fast_track" in flags:
            longer = extended and "over_one_year" in flags
            if extended and not longer:
                raise KeyError("速裁 not over one year cannot be extended")
            length = "15d" if longer else "10d"
            end = plus(start, length, civil)
        else:
            if extended and "major" not in flags:
                raise KeyError("only a major or complex case may be extended")
            end = plus(start, "1m", civil)
            if extended:
                end = plus(end, "15d", civil)
    else:
        if extended:
            raise KeyError("no extension")
        end = plus(start, LENGTHS[period_id](flags), civil)
    if custody or period_id == "family_notice":
        return end  # never moved in custody; a 24-hour duty is counted by the hour
    cal = rules().calendar
    while not cal.is_working_day(end):
        end += dt.timedelta(days=1)
    return end


LENGTHS = {
    "arrest_review": lambda f: "7d" if "custody" in f else ("20d" if "major" in f else "15d"),
    "supplementary_investigation": lambda f: "1m",
    "counsel_notice": lambda f: "3d",
    "victim_notice": lambda f: "3d",
    "legal_aid_notice": lambda f: "3d",
    "family_notice": lambda f: "24h",
    "investigative_custody": lambda f: "2m",
    "custody_necessity_reply": lambda f: "10d",
    "civil_supervision_review": lambda f: "3m",
    "public_interest_reply": lambda f: "2m",
}


def _engine(
    period: PeriodDefinition, day: dt.date, flags: frozenset[str], extended: bool, quick: bool
) -> object:
    """The engine's answer: the whole derivation's date, or the date alone (``due_date``, what
    a monitoring run uses)."""
    cal = rules().calendar
    try:
        if quick:
            return due_date(period, day, cal, conditions=flags, extended=extended)[0]
        return compute_due(period, day, cal, conditions=flags, extended=extended).due
    except ValueError:
        return "refused"
    except YearNotCovered:
        return "uncovered"


def test_the_engine_agrees_with_the_text_on_every_start_and_flag_set() -> None:
    periods = rules().periods
    assert set(periods) == set(LENGTHS) | {"prosecution_review"}
    flag_sets = [frozenset(c) for n in range(5) for c in itertools.combinations(FLAGS, n)]
    disagreements: list[tuple[str, dt.date, frozenset[str], bool, object, object]] = []
    compared = 0
    day = FIRST
    while day <= LAST:
        for period_id, flags, extended in itertools.product(periods, flag_sets, (False, True)):
            if "over_one_year" in flags and "fast_track" not in flags:
                continue
            try:
                expected: object = reference(period_id, day, flags, extended)
            except KeyError:
                expected = "refused"
            except YearNotCovered:
                expected = "uncovered"
            got, quick = (
                _engine(periods[period_id], day, flags, extended, q) for q in (False, True)
            )
            assert got == quick, "the derivation's date and the date alone differ"
            compared += 1
            if got != expected:
                disagreements.append((period_id, day, flags, extended, expected, got))
        day += dt.timedelta(days=1)
    assert compared > 100_000
    assert disagreements[:10] == []
