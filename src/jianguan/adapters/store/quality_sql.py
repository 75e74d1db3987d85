"""Which stored cases the data-quality checks must read (``CaseRepository.cases_to_check``).

The checks themselves stay in ``domain.dataquality``, over whole cases; these statements only
leave out, in the database, the cases that cannot fail any of them, so that a province's check
reads the few thousand cases in question instead of assembling a million. Each statement is a
superset of one family of checks; a check added to the domain needs its clause here, and
``tests/integration/test_dataquality_store.py`` compares the two over cases carrying every defect.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from jianguan.adapters.store import schema
from jianguan.domain.dataquality import CRIMINAL

_c = schema.cases.c


def _in(units: Collection[str] | None) -> ColumnElement[bool]:
    return _c.unit.in_(sorted(units)) if units is not None else _c.case_id.isnot(None)


def _single(units: Collection[str] | None) -> list[Select[tuple[str]]]:
    """Cases one of the per-case checks could flag (``date_order``, ``missing_fields``): one
    statement per table read, so that each is a join (PostgreSQL ran the subqueries of one
    ``OR`` once per case: 12 s at 1 M cases)."""
    ev, su, ch = schema.events.c, schema.suspects.c, schema.case_charges.c
    own = or_(
        _c.closed_on < _c.decision_on,
        _c.outcome_on < _c.decision_on,
        _c.assigned_on > _c.closed_on,
        and_(_c.closed_on.isnot(None), _c.decision_type.is_(None)),
        # decided, not closed: whether past the grace period is the domain's to say
        and_(_c.decision_type.isnot(None), _c.closed_on.is_(None)),
        _c.handler == "",
    )
    criminal = and_(_in(units), _c.category.in_(sorted(c.value for c in CRIMINAL)))
    return [
        select(_c.case_id).where(_in(units), own),
        select(_c.case_id).where(criminal, ~exists().where(ch.case_id == _c.case_id)),
        select(_c.case_id).where(criminal, ~exists().where(su.case_id == _c.case_id)),
        select(_c.case_id).join(schema.events, ev.case_id == _c.case_id)
        .where(_in(units), ev.on_date < _c.received_on).distinct(),
        select(_c.case_id).join(schema.suspects, su.case_id == _c.case_id)
        .where(_in(units), su.birth_date > _c.received_on).distinct(),
    ]  # fmt: skip


def _same_matter(units: Collection[str] | None) -> Select[tuple[str]]:
    """Cases sharing unified number, unit and stage with another (duplicate or split)."""
    key = (_c.unified_no, _c.unit, _c.category)
    shared = select(*key).where(_in(units)).group_by(*key).having(func.count() > 1).subquery()
    on = and_(*(col == shared.c[col.name] for col in key))
    return select(_c.case_id).join(shared, on)


def _same_people(units: Collection[str] | None) -> Select[tuple[str]]:
    """Cases with a suspect (name, birth date) that another case of the same unit and stage
    received the same day also has: every case of an identical set of suspects is among them.

    Over the whole store, the people named in more than one row are found first, from the
    suspects alone, so the five-column grouping sorts those rows only (7 → 5 s at 1 M cases).
    Over some units their cases' rows are few already, and PostgreSQL planned the narrowed
    people's join badly (565 s for one unit): they are grouped as they are (3 s)."""
    su = schema.suspects.c
    rows = (
        select(_c.case_id, _c.unit, _c.category, _c.received_on, su.name, su.birth_date)
        .select_from(schema.suspects)
        .join(schema.cases, _c.case_id == su.case_id)
        .where(_in(units))
    )
    if units is None:
        twice = (
            select(su.name, su.birth_date)
            .group_by(su.name, su.birth_date)
            .having(func.count() > 1)
            .subquery()
        )
        rows = rows.join(twice, and_(su.name == twice.c.name, su.birth_date == twice.c.birth_date))
    named = rows.cte("named")
    n = named.c
    key = (n.unit, n.category, n.received_on, n.name, n.birth_date)
    shared = select(*key).group_by(*key).having(func.count(func.distinct(n.case_id)) > 1).subquery()
    on = and_(*(col == shared.c[col.name] for col in key))
    return select(n.case_id).join(shared, on).distinct()


def quality_candidates(units: Collection[str] | None) -> list[Select[tuple[str]]]:
    """The statements whose union is every case that could have a data-quality issue."""
    return [*_single(units), _same_matter(units), _same_people(units)]
