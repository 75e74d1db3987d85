"""A drill-down lists its cases by their heads (``CaseRepository.case_heads``): the same fields
as the whole cases, read from the cases table alone, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tests.support import generate, imported


def test_the_heads_are_the_whole_cases_fields(store_url: str, tmp_path: Path) -> None:
    generate(tmp_path / "d", cases=300, seed=3)
    app = imported(tmp_path / "d", store_url)
    with app.uow() as uow:
        ids = sorted(c.case_id for c in uow.cases.iter_cases())
        whole = uow.cases.load_cases([*ids, "no-such-case"])
        heads = uow.cases.case_heads([*ids, "no-such-case"])
    assert ids
    assert set(heads) == set(ids)
    for case_id, h in heads.items():
        c = whole[case_id]
        decided = c.decision.on if c.decision is not None else None
        assert (h.case_id, h.unified_no, h.unit, h.handler, h.received_on, h.decided_on,
                h.closed_on) == (c.case_id, c.unified_no, c.unit, c.handler, c.received_on,
                                 decided, c.closed_on)  # fmt: skip
    assert any(h.decided_on is not None for h in heads.values())
    assert any(h.closed_on is None for h in heads.values())
