"""The workbench (今日工作) on the home page: for the signed-in person, what waits for them,
each a count that links to its list. Every count is the length of the very list the linked
page shows, from the same use case as that page and the CLI (one truth): the member's
consultation queue (``services.consultation.queue``, ``jianguan consult queue``) and the
review forms the person is to grade or decide (``services.access_review.forms_for``, the page
/review), and the role's lists of ``web.due`` (deadlines, panel opinions to answer, the
每案必检 gate, verifications, ledger entries to escalate), each linking to
/due/{kind}, which shows the same rows. Kept per person for the dashboard's few seconds (``Web.counts``), cleared by any
change made through the web."""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.services import access, access_review, consultation
from jianguan.web import due
from jianguan.web.auth import User
from jianguan.web.state import Web


@dataclass(frozen=True, slots=True)
class WorkItem:
    key: str  # the i18n word of the item
    count: int
    href: str


def opinions_to_give(web: Web, user: User) -> list[consultation.QueueItem]:
    """The open cases in scope on whose panel the person sits without an opinion (the list
    of /supervision/panel)."""
    items = consultation.queue(web.uow(), user.person_id)
    return [q for q in items if user.principal.may_read(q.unit)]


def forms_waiting(web: Web, user: User, year: int) -> tuple[int, int]:
    """Review forms of ``year`` this person is to grade (reviewer), and graded ones they are
    to decide on (the chief or head overseeing), as /review lists them.

    ``access_review.forms_for`` reads every form the person sees (for an overseeing case
    officer, every form of the year); only a form this person reviews and may still grade, or
    (for a head or chief) a graded one of a case in their units, can count, so only those are
    read, each through ``access_review.form_for``, which judges the standing exactly as
    ``forms_for`` does; the others are told apart by their heads alone (reviewer, status, the
    case's unit)."""
    me, p = user.person_id, user.principal
    with web.uow() as uow:  # heads only: a year's forms at 1 M cases are tens of thousands
        heads = uow.review.form_heads(year)
    decides = p.person.role in access_review.DECIDE_ROLES
    maybe = [f.case_id for f in heads
             if (f.reviewer == me and f.status.recordable)
             or (decides and f.status.decidable and f.unit is not None and p.may_read(f.unit))]  # fmt: skip
    views = []
    for case_id in maybe:
        try:
            views.append(access_review.form_for(web.uow(), p, year, case_id))
        except access.NotInScope:  # a graded form of a unit out of reach, or a case gone
            continue
    return sum(v.may_record for v in views), sum(v.may_decide for v in views)


def workbench(web: Web, user: User) -> list[WorkItem]:
    """What waits for this person today, the items with something in them."""

    def compute() -> list[WorkItem]:
        year = web.today().year
        to_grade, to_decide = forms_waiting(web, user, year)
        items = [
            WorkItem("wb_opinions", len(opinions_to_give(web, user)), "/supervision/panel"),
            WorkItem("wb_forms_grade", to_grade, f"/review?year={year}&standing=reviewer"),
            WorkItem("wb_forms_decide", to_decide, f"/review?year={year}&standing=oversight"),
        ]
        for kind in due.kinds_for(user):  # the role's own lists, the same rows as /due/{kind}
            items.append(WorkItem(f"wb_{kind}", len(due.due_list(web, user, kind)), f"/due/{kind}"))
        return [i for i in items if i.count]

    result: list[WorkItem] = web.counts.get(("workbench", user.person_id), compute)
    return result
