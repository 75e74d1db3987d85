"""The review workbench within the user's reach (issue 7 on issue 5).

Who sees a review form: its assigned reviewer (异地/提级评查 reviewers work on cases of other
units: the assignment is what grants them the form — not the case file, which stays behind the
unit scope of services.access); the handler of the case (to see the grade and object); and heads,
chiefs and case officers of the case's units (oversight). The review service itself checks who
may record (the reviewer), object (the handler) and decide (anyone not conflicted); here deciding
is also limited to chiefs and department heads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain.model import Role
from jianguan.domain.review import Mark, ReviewPolicy
from jianguan.services import review as svc
from jianguan.services.access import OWN_CASE_ROLES, NotAllowed, NotInScope, Principal

DECIDE_ROLES = frozenset({Role.CHIEF, Role.DEPUTY_CHIEF, Role.DEPARTMENT_HEAD})


@dataclass(frozen=True, slots=True)
class FormView:
    form: svc.Form
    unit: str
    handler: str
    standing: str  # reviewer | handler | oversight

    @property
    def may_record(self) -> bool:
        return self.standing == "reviewer" and self.form.status in ("assigned", "recorded")

    @property
    def may_object(self) -> bool:
        return self.standing == "handler" and self.form.status == "recorded"


def _standing(p: Principal, form: svc.Form, unit: str, handler: str) -> str | None:
    me = p.person.id
    if form.reviewer == me:
        return "reviewer"
    if handler == me:
        return "handler"
    if p.may_read(unit) and p.person.role not in OWN_CASE_ROLES:
        return "oversight"
    return None


def forms_for(rs: svc.ReviewSession, p: Principal, year: int) -> list[FormView]:
    forms = rs.forms(year)
    cases = rs.load_cases([f.case_id for f in forms])
    out = []
    for f in forms:
        case = cases.get(f.case_id)
        if case is None:
            continue
        standing = _standing(p, f, case.unit, case.handler)
        if standing is not None:
            out.append(FormView(f, case.unit, case.handler, standing))
    return out


def form_for(rs: svc.ReviewSession, p: Principal, year: int, case_id: str) -> FormView:
    form = rs.form(year, case_id)
    case = rs.load_cases([case_id]).get(case_id) if form is not None else None
    if form is None or case is None:
        raise NotInScope(case_id)
    standing = _standing(p, form, case.unit, case.handler)
    if standing is None:
        raise NotInScope(case_id)
    return FormView(form, case.unit, case.handler, standing)


def record(
    rs: svc.ReviewSession,
    policy: ReviewPolicy,
    p: Principal,
    year: int,
    case_id: str,
    grade: str,
    marks: Sequence[Mark] | None = None,
) -> svc.Form:
    form_for(rs, p, year, case_id)
    return svc.record(rs, policy, case_id, grade, marks=marks, year=year, by=p.person.id)


def object_to(
    rs: svc.ReviewSession,
    p: Principal,
    year: int,
    case_id: str,
    reason: str,
    policy: ReviewPolicy | None = None,
) -> svc.Form:
    """With ``policy``, an objection after its period (``objection_days``) is refused."""
    form_for(rs, p, year, case_id)
    return svc.object_to(rs, case_id, reason, year=year, by=p.person.id, policy=policy)


def decide(
    rs: svc.ReviewSession,
    policy: ReviewPolicy,
    p: Principal,
    year: int,
    case_id: str,
    grade: str | None,
    note: str,
) -> svc.Form:
    view = form_for(rs, p, year, case_id)
    if view.standing != "oversight" or p.person.role not in DECIDE_ROLES:
        raise NotAllowed(p.person.role.value)
    form, _ = svc.decide(
        rs, policy, case_id, grade_text=grade or None, year=year, by=p.person.id, note=note
    )
    return form
