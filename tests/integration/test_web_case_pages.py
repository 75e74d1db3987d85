"""A scope of several units lists its cases as one list in case order (the case list page, the
home page's open cases, the API's keyset pages), on each backend: the units' pages are merged
by their ids and only the page's rows are read whole (adapters/store/web_sql.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jianguan.services.ports.access import CaseQuery, CaseSearch
from tests.support import generate, imported


def test_several_units_list_as_one_list_in_case_order(tmp_path: Path, store_url: str) -> None:
    generate(tmp_path / "data", cases=400, seed=5, workers=1)
    app = imported(tmp_path / "data", store_url)
    with app.uow() as uow:
        every: list[tuple[str, str, dt.date | None]] = [
            (c.case_id, c.unit, c.closed_on) for c in uow.cases.iter_cases()
        ]
    by_unit: dict[str, int] = {}
    for _, unit, _ in every:
        by_unit[unit] = by_unit.get(unit, 0) + 1
    units = sorted(u for u, n in by_unit.items() if n >= 5)[:4]
    assert len(units) == 4  # a scope of several units, each with cases of its own
    ids = sorted(cid for cid, unit, _ in every if unit in units)
    open_ids = sorted(cid for cid, unit, closed in every if unit in units and closed is None)
    assert 0 < len(open_ids) < len(ids)

    with app.uow() as uow:
        first = uow.access.case_page(units, None, CaseQuery(limit=7))
        after = uow.access.case_page(units, None, CaseQuery(limit=7, after=first[-1].case_id))
        opened = uow.access.case_page(units, None, CaseQuery(open_only=True, limit=7))
        total, third = uow.access.search_cases(units, None, CaseSearch(page=3, per_page=6))
        past = uow.access.search_cases(units, None, CaseSearch(page=10_000, per_page=6))
    assert [r.case_id for r in first] == ids[:7]
    assert [r.case_id for r in after] == ids[7:14]
    assert [r.case_id for r in opened] == open_ids[:7]
    assert all(r.closed_on is None for r in opened)
    assert (total, [r.case_id for r in third]) == (len(ids), ids[12:18])
    assert past == (len(ids), [])
    row = first[0]  # whole rows, typed: the list shows their dates and words
    assert row.unit in units
    assert isinstance(row.received_on, dt.date)
