"""The responsibility records round-trip through the store on every configured backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.responsibility_file import default_config
from jianguan.adapters.store.responsibility_sql import ResponsibilitySql
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.rectification import add_task
from jianguan.services import responsibility as svc
from jianguan.services.importing import import_dataset
from tests.factories import write_dataset

D = dt.date(2025, 10, 1)
NOW = dt.datetime(2025, 10, 1, 9, tzinfo=dt.UTC)


def test_referral_rectification_lists_and_tolerance(store_url: str, tmp_path: Path) -> None:
    cfg = default_config()
    store = SqlStore(store_url)
    feed = FileFeed(write_dataset(tmp_path / "d"))
    assert import_dataset(feed, store).errors == []
    feed.close()
    with store.session() as s:
        rs = ResponsibilitySql(s)
        r = svc.open_referral(rs, cfg.referral, "manual", "lead-1", "P0012", "440304",
                              "440304-2025-XSSC-000001", "线索", "P0090", D)  # fmt: skip
        for stage_note, finding, decision in (("受理", None, None), ("调查", None, None),
                                              ("审查", "重大过失", None), ("决定", None, "诫勉谈话")):  # fmt: skip
            svc.advance_referral(rs, cfg.referral, r.id, "P0090", D, stage_note, finding, decision)
        rect = svc.open_rectification(rs, "ordinary", "整改", "manual", "rect-1", "440304",
                                      ["文书不规范"], D, D + dt.timedelta(days=30), "P0090")  # fmt: skip
        svc.change_rectification(rs, rect.id, "P0090", "task",
                                 lambda x: add_task(x, 0, "P0012", "补正", D + dt.timedelta(days=5)))  # fmt: skip
        entries = svc.build_lists(rs, cfg.lists, D, "P0090", NOW)
    with store.session() as s:
        rs = ResponsibilitySql(s)
        (stored,) = rs.referrals()
        assert (stored.finding, stored.decision, stored.closed_on) == ("重大过失", "诫勉谈话", D)
        assert [st.stage for st in stored.steps] == [st.id for st in cfg.referral.stages]
        loaded = rs.load_rectification(rect.id)
        assert loaded is not None
        assert [(t.responsible, t.measure) for t in loaded.tasks] == [("P0012", "补正")]
        assert [e.key for e in rs.entries()] == [e.key for e in entries]
        (accountability,) = [e for e in entries if e.rule == "accountability"]
        svc.tolerate(rs, accountability.key, "客观原因", "P0001", D)
    with store.session() as s:
        assert ResponsibilitySql(s).tolerances()[accountability.key].cause == "客观原因"
    assert list(store.verify_audit_chain()) == []
    store.close()
