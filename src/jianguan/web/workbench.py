"""The workbench (今日工作) on the home page: for the signed-in person, what waits for them,
each a count that links to its list. Every count is the length of the very list the linked
page shows, from the same use case as that page and the CLI (one truth): the member's
consultation queue (``services.consultation.queue``, ``jianguan consult queue``) and the
review forms the person is to grade or decide (``services.access_review.forms_for``, the page
/review). Kept per person for the dashboard's few seconds (``Web.counts``), cleared by any
change made through the web."""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.services import access_review, consultation
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
    to decide on (the chief or head overseeing), as /review lists them."""
    views = access_review.forms_for(web.uow(), user.principal, year)
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
        return [i for i in items if i.count]

    result: list[WorkItem] = web.counts.get(("workbench", user.person_id), compute)
    return result
