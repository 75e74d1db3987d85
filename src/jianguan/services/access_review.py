"""The review workbench within the user's reach (issue 7 on issue 5).

Who sees a review form: its assigned reviewer (异地/提级评查 reviewers work on cases of other
units: the assignment is what grants them the form — not the case file, which stays behind the
unit scope of services.access); the handler of the case (to see the grade and object); and heads,
chiefs and case officers of the case's units (oversight). The review service itself checks who
may record (the reviewer), object (the handler) and decide (anyone not conflicted); here deciding
is also limited to chiefs and department heads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jianguan.domain.model import Role
from jianguan.domain.review import FormStatus, Mark, ReviewPolicy
from jianguan.services import review as svc
from jianguan.services.access import OWN_CASE_ROLES, NotAllowed, NotInScope, Principal
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.review import FormHead

DECIDE_ROLES = frozenset({Role.CHIEF, Role.DEPUTY_CHIEF, Role.DEPARTMENT_HEAD})


@dataclass(frozen=True, slots=True)
class FormView:
    form: svc.Form
    unit: str
    handler: str
    standing: str  # reviewer | handler | oversight
    role: Role  # the viewer's

    @property
    def may_record(self) -> bool:
        return self.standing == "reviewer" and self.form.status.recordable

    @property
    def may_object(self) -> bool:
        return self.standing == "handler" and self.form.status is FormStatus.RECORDED

    @property
    def may_decide(self) -> bool:
        """An overseeing chief or department head, once a grade is recorded (回避 is checked by
        the review itself)."""
        return (
            self.standing == "oversight"
            and self.form.status.decidable
            and self.role in DECIDE_ROLES
        )


def _standing(p: Principal, reviewer: str, unit: str, handler: str) -> str | None:
    me = p.person.id
    if reviewer == me:
        return "reviewer"
    if handler == me:
        return "handler"
    if p.may_read(unit) and p.person.role not in OWN_CASE_ROLES:
        return "oversight"
    return None


STANDINGS = ("reviewer", "handler", "oversight")


def _heads_for(uow: UnitOfWork, p: Principal, year: int) -> list[tuple[FormHead, str]]:
    """The year's forms this person has a standing on, with it, by case id (read light: no
    form or case is loaded; a form whose case is not stored is left out)."""
    out = []
    for h in uow.review.form_heads(year):
        if h.unit is None or h.handler is None:
            continue
        standing = _standing(p, h.reviewer, h.unit, h.handler)
        if standing is not None:
            out.append((h, standing))
    return out


def forms_for(uow: UnitOfWork, p: Principal, year: int) -> list[FormView]:
    with uow:
        mine = _heads_for(uow, p, year)
        forms = {f.case_id: f for f in uow.review.forms(year, [h.case_id for h, _ in mine])}
    return [FormView(forms[h.case_id], h.unit or "", h.handler or "", standing, p.person.role)
            for h, standing in mine if h.case_id in forms]  # fmt: skip


@dataclass(frozen=True, slots=True)
class FormsPage:
    """One page of the forms a person sees (``forms_for``, filtered), with the counts."""

    views: list[FormView]  # the page's forms, by case id
    total: int  # the forms the filters keep
    counts: dict[str, int]  # the person's forms by standing, before the filters
    page: int  # the page shown (the one asked for, at most the last)
    pages: int


def forms_page(
    uow: UnitOfWork,
    p: Principal,
    year: int,
    *,
    standing: str = "",
    keep: Callable[[FormHead], bool] | None = None,
    page: int = 1,
    per_page: int = 50,
) -> FormsPage:
    """The forms of ``forms_for`` of one standing (any when ``standing`` names none) that
    ``keep`` keeps, ``per_page`` a page: only the page's forms are read."""
    with uow:
        mine = _heads_for(uow, p, year)
        counts = {s: sum(x == s for _, x in mine) for s in STANDINGS}
        kept = [(h, x) for h, x in mine
                if (standing not in STANDINGS or x == standing) and (keep is None or keep(h))]  # fmt: skip
        pages = max(1, -(-len(kept) // per_page))
        page = min(max(page, 1), pages)
        shown = kept[(page - 1) * per_page : page * per_page]
        forms = {f.case_id: f for f in uow.review.forms(year, [h.case_id for h, _ in shown])}
    views = [FormView(forms[h.case_id], h.unit or "", h.handler or "", x, p.person.role)
             for h, x in shown if h.case_id in forms]  # fmt: skip
    return FormsPage(views, len(kept), counts, page, pages)


def form_for(uow: UnitOfWork, p: Principal, year: int, case_id: str) -> FormView:
    with uow:
        form = uow.review.form(year, case_id)
        case = uow.cases.load_case(case_id) if form is not None else None
    if form is None or case is None:
        raise NotInScope(case_id)
    standing = _standing(p, form.reviewer, case.unit, case.handler)
    if standing is None:
        raise NotInScope(case_id)
    return FormView(form, case.unit, case.handler, standing, p.person.role)


def record(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    p: Principal,
    year: int,
    case_id: str,
    grade: str,
    now: dt.datetime,
    marks: Sequence[Mark] | None = None,
) -> svc.Form:
    form_for(uow, p, year, case_id)
    return svc.record(uow, policy, case_id, grade, marks=marks, year=year, by=p.person.id, now=now)


def object_to(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    p: Principal,
    year: int,
    case_id: str,
    reason: str,
    now: dt.datetime,
) -> svc.Form:
    """An objection after its period (``policy.objection_days``) is refused."""
    form_for(uow, p, year, case_id)
    return svc.object_to(uow, policy, case_id, reason, year=year, by=p.person.id, now=now)


def decide(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    p: Principal,
    year: int,
    case_id: str,
    grade: str | None,
    note: str,
    now: dt.datetime,
) -> svc.Form:
    view = form_for(uow, p, year, case_id)
    if view.standing != "oversight" or p.person.role not in DECIDE_ROLES:
        raise NotAllowed(p.person.role.value)
    form, _ = svc.decide(
        uow, policy, case_id, grade_text=grade or None, year=year, by=p.person.id, note=note,
        now=now,
    )  # fmt: skip
    return form
