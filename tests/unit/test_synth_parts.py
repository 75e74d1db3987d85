"""Parts of the generator: the fast calendar agrees with the domain's, the skeleton, the charges."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.adapters.calendar_file import default_calendar
from jianguan.domain.periods import add_months, settle
from jianguan.synth.charges import CHARGE_NAMES, CHARGES, ChargeDraw
from jianguan.synth.fastcal import FastCalendar, cn_date
from jianguan.synth.geo import places
from jianguan.synth.skeleton import AR, PR, build_skeleton

CAL = default_calendar()
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
FC = FastCalendar(CAL, FIRST, LAST)
days = st.dates(min_value=FIRST + dt.timedelta(days=1), max_value=LAST - dt.timedelta(days=40))


@settings(max_examples=300, deadline=None)
@given(days)
def test_fast_calendar_agrees_with_the_official_calendar(day: dt.date) -> None:
    o = day.toordinal()
    assert FC.is_working(o) == CAL.is_working_day(day)
    # 刑事诉讼法 第105条 第4款: the end moves to the first working day after a rest day.
    assert FC.next_working(o) == settle(day, CAL, in_custody=False).due.toordinal()
    assert FC.add_working(o, 3) == CAL.add_working_days(day, 3).toordinal()
    assert FC.months(o, 1) == add_months(day, 1).toordinal()
    assert FC.iso[o - FC.base] == day.isoformat()


def test_chinese_dates_and_known_holidays() -> None:
    assert cn_date(dt.date(2025, 10, 1)) == "二〇二五年十月一日"
    assert cn_date(dt.date(2024, 12, 31)) == "二〇二四年十二月三十一日"
    # 2025 National Day and Mid-Autumn: 10-1..10-8 off, 9-28 and 10-11 make-up working days.
    assert FC.next_working(dt.date(2025, 10, 1).toordinal()) == dt.date(2025, 10, 9).toordinal()
    assert FC.is_working(dt.date(2025, 9, 28).toordinal())


def test_skeleton_has_exactly_n_slots_in_receipt_order() -> None:
    start, end = dt.date(2024, 1, 1).toordinal(), dt.date(2025, 12, 31).toordinal()
    sk = build_skeleton(3, 9000, FC, CAL, places(), start, end)
    assert len(sk) == 9000
    assert list(sk.day) == sorted(sk.day)
    assert start <= sk.day[0]
    assert sk.day[-1] <= end
    keys = Counter((sk.unit[i], sk.cat[i], FC.year(sk.day[i])) for i in range(len(sk)))
    assert keys == Counter(sk.totals)
    paired = [i for i in range(len(sk)) if sk.link[i] >= 0]
    assert len(paired) > 1000
    for i in paired:
        j = sk.link[i]
        assert (sk.cat[i], sk.cat[j]) == (PR, AR)
        assert sk.unit[i] == sk.unit[j]
        assert sk.link_day[i] == sk.day[j]
        assert sk.uni_serial[i] == sk.uni_serial[j]
        assert sk.arrested[i] == sk.arrested[j]
        assert 40 <= sk.day[i] - sk.day[j] <= 200
    assert len({sk.link[i] for i in paired}) == len(paired)  # one prosecution per arrest matter


def test_no_charge_name_hides_another_and_no_facts_name_a_charge() -> None:
    for a in CHARGE_NAMES:
        assert not [b for b in CHARGE_NAMES if a != b and a in b], a
    for c in CHARGES:
        assert not [n for n in CHARGE_NAMES if n in c.facts], c.name
        assert c.article.startswith("第")
        assert c.article.count("条") == 1


def test_fresh_prosecutions_make_up_for_charges_never_arrested() -> None:
    draw, rng = ChargeDraw(), random.Random(1)
    fresh = Counter(draw.principal(rng, arrest=False).name for _ in range(4000))
    arrest = Counter(draw.principal(rng, arrest=True).name for _ in range(4000))
    assert arrest["危险驾驶罪"] == 0  # at most 拘役: never arrested (刑事诉讼法 第81条)
    assert fresh.most_common(1)[0][0] == "危险驾驶罪"
    assert fresh["危险驾驶罪"] > 0.25 * 4000
