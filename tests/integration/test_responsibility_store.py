"""The responsibility records round-trip through the store on every configured backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jianguan.domain.rectification import RectificationKind, RectificationSource, add_task
from jianguan.domain.referral import ReferralSource
from jianguan.services import responsibility as svc
from jianguan.services.importing import import_dataset, verify_audit
from tests.factories import write_dataset
from tests.support import app_for

D = dt.date(2025, 10, 1)
NOW = dt.datetime(2025, 10, 1, 9, tzinfo=dt.UTC)


def test_referral_rectification_lists_and_tolerance(store_url: str, tmp_path: Path) -> None:
    with app_for(store_url, as_of=D) as app:
        cfg = app.rules.responsibility
        feed = app.open_dataset(write_dataset(tmp_path / "d"))
        assert import_dataset(feed, app.uow()).errors == []
        feed.close()
        r = svc.open_referral(app.uow(), cfg.referral, ReferralSource.MANUAL, "lead-1", "P0012",
                              "440304", "440304-2025-XSSC-000001", "线索", "P0090", D)  # fmt: skip
        for stage_note, finding, decision in (("受理", None, None), ("调查", None, None),
                                              ("审查", "重大过失", None), ("决定", None, "诫勉谈话")):  # fmt: skip
            svc.advance_referral(app.uow(), cfg.referral, r.id, "P0090", D, stage_note, finding,
                                 decision)  # fmt: skip
        rect = svc.open_rectification(app.uow(), RectificationKind.ORDINARY, "整改",
                                      RectificationSource.MANUAL, "rect-1", "440304",
                                      ["文书不规范"], D, D + dt.timedelta(days=30), "P0090")  # fmt: skip
        svc.change_rectification(app.uow(), rect.id, "P0090", "task",
                                 lambda x: add_task(x, 0, "P0012", "补正", D + dt.timedelta(days=5)))  # fmt: skip
        entries = svc.build_lists(app.uow(), cfg, D, "P0090", NOW)
        (stored,) = svc.referrals(app.uow())
        assert (stored.finding, stored.decision, stored.closed_on) == ("重大过失", "诫勉谈话", D)
        assert [st.stage for st in stored.steps] == [st.id for st in cfg.referral.stages]
        assert stored.source is ReferralSource.MANUAL
        (loaded,) = svc.rectifications(app.uow())
        assert loaded.id == rect.id
        assert (loaded.kind, loaded.source) == (RectificationKind.ORDINARY,
                                                RectificationSource.MANUAL)  # fmt: skip
        assert [(t.responsible, t.measure) for t in loaded.tasks] == [("P0012", "补正")]
        listed, _ = svc.list_entries(app.uow())
        assert [e.key for e in listed] == [e.key for e in entries]
        (accountability,) = [e for e in entries if e.rule == "accountability"]
        svc.tolerate(app.uow(), accountability.key, "客观原因", "P0001", D)
        _, tolerances = svc.list_entries(app.uow())
        assert tolerances[accountability.key].cause == "客观原因"
        assert list(verify_audit(app.uow())) == []


def test_the_closed_cases_counted_per_unit_in_the_store(store_url: str, tmp_path: Path) -> None:
    # 对院评价 needs only how many cases each unit closed (counted in SQL, not read case by case)
    with app_for(store_url, as_of=D) as app:
        feed = app.open_dataset(write_dataset(tmp_path / "d"))
        assert import_dataset(feed, app.uow()).errors == []
        feed.close()
        with app.uow() as uow:
            years = {c.closed_on.year for c in uow.cases.iter_cases() if c.closed_on}
            for year in [*sorted(years), 1999]:
                counted: dict[str, int] = {}
                for c in uow.responsibility.closed_cases(year):
                    counted[c.unit] = counted.get(c.unit, 0) + 1
                assert uow.responsibility.closed_per_unit(year) == counted, year
            assert any(sum(uow.responsibility.closed_per_unit(y).values()) for y in years)
