"""The assignment draw (分案): weighted by open workload, reproducible from its seed."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from jianguan.domain.assignment import Candidate, candidates, draw
from jianguan.domain.model import Person, Role


def people(*ids: str) -> list[Person]:
    return [Person(i, i, "440304", "第一检察部", Role.PROSECUTOR, True, False) for i in ids]


def test_weights_fall_with_open_workload() -> None:
    cands = candidates(people("A", "B"), {"B": 3})
    assert [(c.person, c.open_cases, c.weight) for c in cands] == [("A", 0, 1.0), ("B", 3, 0.25)]


def test_a_busier_prosecutor_is_drawn_less_often_in_proportion() -> None:
    # weights 1 and 1/4: A should be drawn about 4 times as often as B.
    cands = candidates(people("A", "B"), {"B": 3})
    drawn = Counter(draw(cands, f"seed-{i}") for i in range(4000))
    assert 3.3 < drawn["A"] / drawn["B"] < 4.8


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=12),
    st.text(min_size=1, max_size=20),
)
def test_the_same_seed_and_candidates_give_the_same_person(loads: list[int], seed: str) -> None:
    pool = people(*(f"P{i:03d}" for i in range(len(loads))))
    cands = candidates(pool, {p.id: n for p, n in zip(pool, loads, strict=True)})
    first = draw(cands, seed)
    assert first in {c.person for c in cands}
    assert draw(list(cands), seed) == first
    assert draw([Candidate(c.person, c.open_cases, c.weight) for c in cands], seed) == first
