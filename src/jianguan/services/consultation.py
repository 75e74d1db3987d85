"""The consultation, whole (线上会诊): the panel formed at assignment, the members' opinions, the
handler's review forms. The handler's adopt/decline of each opinion is
``casework.answer_consultation``; the exit gate is ``domain.gates`` (an opinion is a
``consultation_opinion`` event of the case) with the self-check rules ``review_form_incomplete``
and ``panel_opinion_missing`` (漏评).

The ``*_in`` functions run inside a use case's open unit of work (``casework.assign`` and
``casework.recuse`` call them); the others are use cases of their own. This module uses no
other service module, so case work can call it without an import cycle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from jianguan.domain.consultation import (
    ConsultationFile,
    FormSpec,
    Panel,
    ReviewForm,
    draw_members,
    opinion_problems,
    opinion_summary,
    replace_member,
    unknown_fields,
)
from jianguan.domain.gates import GateRefused, Missing
from jianguan.domain.model import Case, CaseCategory, Event, EventType
from jianguan.domain.rulebook import Rulebook
from jianguan.services.ports import UnitOfWork


def _refuse(code: str, zh: str, en: str) -> GateRefused:
    return GateRefused([Missing(code, zh, en)])


def _case(uow: UnitOfWork, case_id: str) -> Case:
    case = uow.cases.load_case(case_id)
    if case is None:
        raise _refuse("case", f"案件 {case_id} 不存在", f"no case {case_id}")
    return case


def _with_event(case: Case, event: Event) -> Case:
    merged = tuple(sorted((*case.events, event), key=lambda e: e.on))
    return dataclasses.replace(case, events=merged)


# -- at assignment: 入口 ---------------------------------------------------------------------------


def form_panel_in(
    uow: UnitOfWork, rules: Rulebook, case: Case, by: str, now: dt.datetime, seed: str | None
) -> Panel | None:
    """At assignment (inside its unit of work): when the province's rules send the case to the
    panel and it has none yet, draw one senior prosecutor per line (the handler and anyone
    recused excluded), store it and audit it. A re-assignment keeps the panel, but a member
    who became the handler is replaced. None when the case does not go to the panel."""
    people = uow.cases.people()
    recused = set(uow.casework.recused(case.case_id))
    existing = uow.consultation.panel(case.case_id)
    if existing is not None:
        if existing.member(case.handler) is None:
            return existing
        panel = replace_member(existing, case.handler, "成为承办人", case, people, recused,
                               rules.consultation)  # fmt: skip
        uow.consultation.save_panel(panel)
        uow.audit.append(by, "consultation.replace", case.case_id,
                         {"person": case.handler, "reason": "handler"})  # fmt: skip
        return panel
    handler = next((p for p in people if p.id == case.handler), None)
    criterion = rules.consultation.criterion(case, handler)
    if criterion is None:
        return None
    seed = seed or secrets.token_hex(8)
    members, unfilled = draw_members(case, people, recused, rules.consultation, seed)
    panel = Panel(case.case_id, now, by, seed, criterion.id, tuple(members), tuple(unfilled))
    uow.consultation.save_panel(panel)
    uow.audit.append(by, "consultation.panel", case.case_id, {
        "criterion": criterion.id, "seed": seed, "members": [m.person for m in members],
        "unfilled": [x.value for x in unfilled],
    })  # fmt: skip
    return panel


def recuse_in(
    uow: UnitOfWork, rules: Rulebook, case: Case, person: str, reason: str, by: str
) -> Panel | None:
    """回避 of a panel member who has not yet given an opinion (inside ``casework.recuse``):
    another senior prosecutor of the same line takes the place. None when nothing changed."""
    panel = uow.consultation.panel(case.case_id)
    member = panel.member(person) if panel is not None else None
    if panel is None or member is None:
        return None
    if member.opinion is not None:
        return None  # an opinion given stays on record; the recusal is recorded beside it
    recused = set(uow.casework.recused(case.case_id))
    updated = replace_member(panel, person, reason, case, uow.cases.people(), recused,
                             rules.consultation)  # fmt: skip
    uow.consultation.save_panel(updated)
    uow.audit.append(by, "consultation.replace", case.case_id, {
        "person": person, "reason": reason,
        "by": [m.person for m in updated.members[len(panel.members):]],
    })  # fmt: skip
    return updated


# -- the members' opinions ---------------------------------------------------------------------


def give_opinion(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    member: str,
    now: dt.datetime,
    values: Mapping[str, str],
) -> Panel:
    """A panel member's opinion on the opinion form (初评意见). It becomes a consultation opinion
    of the case, which the handler must adopt or decline (with a reason) before closing."""
    answers = {k: v.strip() for k, v in values.items()}
    with uow:
        case = _case(uow, case_id)
        panel = uow.consultation.panel(case_id)
        if panel is None:
            raise _refuse("panel", "本案未提交初评小组", "the case has no review panel")
        seat = panel.member(member)
        if seat is None:
            raise _refuse("member", f"{member} 不是本案初评小组成员",
                          f"{member} does not sit on the case's panel")  # fmt: skip
        if seat.opinion is not None:
            raise _refuse("given", "已提出初评意见", "the opinion is already given")
        if case.closed_on is not None:
            raise _refuse("closed", "案件已办结", "the case is closed")
        problems = opinion_problems(rules.consultation, answers)
        if problems:
            raise GateRefused(problems)
        kept = {k: v for k, v in answers.items() if v}
        members = tuple(
            dataclasses.replace(m, opinion=kept, opinion_at=now) if m is seat else m
            for m in panel.members
        )
        updated = dataclasses.replace(panel, members=members)
        uow.consultation.save_panel(updated)
        note = opinion_summary(rules.consultation.opinion_fields, kept)
        day = max(now.date(), case.received_on)
        uow.cases.save_case(
            _with_event(case, Event(EventType.CONSULTATION_OPINION, day, member, None, note))
        )
        uow.audit.append(member, "consultation.opinion", case_id, {"opinion": kept})
        uow.commit()
    return updated


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One case waiting for a member's opinion (the member's queue)."""

    case_id: str
    unit: str
    category: CaseCategory
    handler: str
    major_complex: bool
    line: str
    formed_at: dt.datetime


def queue(uow: UnitOfWork, person: str) -> list[QueueItem]:
    """The open cases on whose panel ``person`` sits without having given an opinion."""
    with uow:
        panels = uow.consultation.queue(person)
        cases = uow.cases.load_cases([p.case_id for p in panels]) if panels else {}
        out = []
        for p in panels:
            case, seat = cases.get(p.case_id), p.member(person)
            if case is None or case.closed_on is not None or seat is None:
                continue
            out.append(QueueItem(case.case_id, case.unit, case.category, case.handler,
                                 case.major_complex, seat.line.value, p.formed_at))  # fmt: skip
        return out


# -- the review forms (审查表) ----------------------------------------------------------------------


def form_spec(rules: Rulebook, category: CaseCategory) -> FormSpec | None:
    return rules.consultation.form_for(category)


def fill_review_form(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    by: str,
    now: dt.datetime,
    values: Mapping[str, str],
) -> ReviewForm:
    """The handler fills (or goes on filling) the review form of the case type; it may be saved
    incomplete — the self-check says what is still blank."""
    answers = {k: v.strip() for k, v in values.items()}
    with uow:
        case = _case(uow, case_id)
        if by != case.handler:
            raise _refuse("handler", f"审查表须由承办人 {case.handler} 填写",
                          "only the handler fills the review form")  # fmt: skip
        if case.closed_on is not None:
            raise _refuse("closed", "案件已办结", "the case is closed")
        spec = rules.consultation.form_for(case.category)
        if spec is None:
            raise _refuse("form", f"{case.category.zh}案件没有规定的审查表",
                          f"no review form is set for {case.category.en}")  # fmt: skip
        unknown = unknown_fields(spec.fields, answers)
        if unknown:
            raise _refuse("fields", f"{spec.zh}没有这些栏目：{'、'.join(unknown)}",
                          f"the form has no such fields: {', '.join(unknown)}")  # fmt: skip
        old = uow.consultation.file(case_id)
        before = old.form(spec.form_id) if old is not None else None
        merged = {**(before.values if before else {}), **answers}
        form = ReviewForm(case_id, spec.form_id, {k: v for k, v in merged.items() if v}, by, now)
        uow.consultation.save_form(form)
        uow.audit.append(by, "consultation.form", case_id,
                         {"form": spec.form_id, "answers": dict(form.values)})  # fmt: skip
        uow.commit()
    return form


def file_of(uow: UnitOfWork, case_id: str) -> ConsultationFile | None:
    with uow:
        return uow.consultation.file(case_id)
