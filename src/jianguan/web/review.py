"""Review workbench (案件质量评查): my forms, the form, record a grade, object, decide."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from jianguan.domain.model import Role
from jianguan.domain.review import Mark, ReviewMode, ReviewPolicy, ReviewReason
from jianguan.services import access_review as reviews
from jianguan.services import review as review_svc
from jianguan.services.access import NotAllowed
from jianguan.services.access_review import FormView
from jianguan.services.ports.review import FormHead
from jianguan.services.review import ReviewError
from jianguan.web.auth import User, api_csrf, api_user, check_csrf, lang_of, page_user
from jianguan.web.i18n import Words
from jianguan.web.render import render
from jianguan.web.state import web_of

Year = Annotated[int | None, Query(ge=1949, le=2999)]
PlanYear = Annotated[int, Path(ge=1949, le=2999)]  # bounded: the store's integers are 64-bit


def policy(request: Request) -> ReviewPolicy:
    return web_of(request).rules.review


class FormOut(BaseModel):
    year: int
    case_id: str
    unit: str
    handler: str
    standing: str  # reviewer | handler | oversight: why this user sees the form
    form: dict[str, Any]


class MarkIn(BaseModel):
    item: str  # a standard's item id, e.g. procedure.overdue
    note: str = ""


class GradeIn(BaseModel):
    grade: str
    items: list[MarkIn] | None = None  # the items found; None keeps the pre-filled ones


class ObjectionIn(BaseModel):
    reason: str


class DecisionIn(BaseModel):
    grade: str | None = None  # default: the recorded grade
    note: str = ""


def _out(v: FormView) -> FormOut:
    return FormOut(
        year=v.form.year,
        case_id=v.form.case_id,
        unit=v.unit,
        handler=v.handler,
        standing=v.standing,
        form=v.form.as_json(),
    )


def _year(request: Request, year: int | None) -> int:
    return year or web_of(request).today().year


def list_forms(request: Request, user: User, year: int) -> list[FormView]:
    return reviews.forms_for(web_of(request).uow(), user.principal, year)


def one_form(request: Request, user: User, year: int, case_id: str) -> FormView:
    return reviews.form_for(web_of(request).uow(), user.principal, year, case_id)


def act(
    request: Request, user: User, year: int, case_id: str, action: str,
    marks: list[Mark] | None = None, **kw: str,
) -> None:  # fmt: skip
    web, p = web_of(request), user.principal
    if action == "record":
        reviews.record(web.uow(), web.rules.review, p, year, case_id, kw["grade"], web.now(),
                       marks)  # fmt: skip
    elif action == "object":
        reviews.object_to(web.uow(), web.rules.review, p, year, case_id, kw["reason"], web.now())
    else:
        reviews.decide(web.uow(), web.rules.review, p, year, case_id, kw.get("grade"),
                       kw.get("note", ""), web.now())  # fmt: skip


# -- the year's plan (``jianguan review plan`` / ``review assign``) --------------------------------


class PlanOut(BaseModel):
    year: int
    seed: str
    by: str
    at: str
    cases: int
    by_reason: dict[str, int]  # reason code → cases (the page names them)
    forms: int  # cases with a reviewer assigned


def may_plan(user: User) -> bool:
    """The year's plan covers every unit stored: the provincial case office draws it."""
    p = user.principal
    return p.person.role is Role.CASE_OFFICER and p.whole_store


def plan_of(request: Request, year: int) -> PlanOut | None:
    with web_of(request).uow() as uow:  # counted in the store, not read case by case
        head = uow.review.plan_head(year)
    if head is None:
        return None
    counts = {r.value: head.by_reason.get(r, 0) for r in ReviewReason}
    return PlanOut(year=year, seed=head.seed, by=head.by, at=head.at.isoformat(timespec="minutes"),
                   cases=sum(counts.values()), by_reason=counts, forms=head.forms)  # fmt: skip


def draw_plan(request: Request, user: User, year: int, seed: str | None) -> None:
    if not may_plan(user):
        raise NotAllowed(user.principal.person.role.value)
    web, pol = web_of(request), policy(request)
    review_svc.make_plan(web.uow(), pol, year, sampling=pol.sampling, now=web.now(),
                         seed=seed or None, by=user.person_id)  # fmt: skip


def assign_reviewers(request: Request, user: User, year: int, mode: ReviewMode) -> int:
    """Reviewers for every planned case without one; how many were given one."""
    if not may_plan(user):
        raise NotAllowed(user.principal.person.role.value)
    web = web_of(request)
    choices = review_svc.assign(web.uow(), policy(request), year, mode, now=web.now(),
                                prefill=review_svc.self_check_prefill(web.rules, web.today()),
                                by=user.person_id)  # fmt: skip
    return sum(1 for c in choices if c.reviewer is not None)


# -- API ------------------------------------------------------------------------------------------

api = APIRouter(prefix="/api/reviews", tags=["review"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录 / not logged in"},
    404: {"description": "无此评查表或不在范围内 / no such form in your reach"},
}
CHANGE: dict[int | str, dict[str, object]] = {
    **ERRORS,
    403: {"description": "CSRF or role"},
    409: {"description": "评查流程拒绝 / refused by the review"},
}


@api.get("", responses=ERRORS)
def api_forms(request: Request, user: ApiUser, year: Year = None) -> list[FormOut]:
    """The year's review forms this user reviews, handles or oversees."""
    return [_out(v) for v in list_forms(request, user, _year(request, year))]


class PlanIn(BaseModel):
    seed: str | None = Field(None, max_length=64)  # default: a fresh one, recorded


class ReviewersIn(BaseModel):
    mode: ReviewMode


@api.get("/{year}/plan", responses=ERRORS)
def api_plan(request: Request, user: ApiUser, year: PlanYear) -> PlanOut | None:
    """The year's plan: its seed, cases by reason, forms opened (null: no plan yet)."""
    return plan_of(request, year)


@api.post("/{year}/plan", responses=CHANGE)
def api_make_plan(request: Request, user: ApiUser, year: PlanYear, body: PlanIn) -> PlanOut | None:
    """Draw and store the year's plan (the provincial case office)."""
    api_csrf(request, user)
    draw_plan(request, user, year, body.seed)
    return plan_of(request, year)


@api.post("/{year}/reviewers", responses=CHANGE)
def api_assign_reviewers(
    request: Request, user: ApiUser, year: PlanYear, body: ReviewersIn
) -> PlanOut | None:
    """Give every planned case without a form a reviewer and open its pre-filled form."""
    api_csrf(request, user)
    assign_reviewers(request, user, year, body.mode)
    return plan_of(request, year)


@api.get("/{year}/{case_id:path}", responses=ERRORS)
def api_form(request: Request, user: ApiUser, year: PlanYear, case_id: str) -> FormOut:
    return _out(one_form(request, user, year, case_id))


@api.post("/{year}/{case_id:path}/record", responses=CHANGE)
def api_record(
    request: Request, user: ApiUser, year: PlanYear, case_id: str, body: GradeIn
) -> FormOut:
    api_csrf(request, user)
    marks = None
    if body.items is not None:
        known = policy(request).standards.items()
        unknown = sorted({m.item for m in body.items} - set(known))
        if unknown:
            raise ReviewError(
                f"未知的评查项目：{'、'.join(unknown)}",
                f"unknown review items: {', '.join(unknown)}",
            )
        marks = [Mark(m.item, m.note.strip(), "reviewer") for m in body.items]
    act(request, user, year, case_id, "record", marks, grade=body.grade)
    return _out(one_form(request, user, year, case_id))


@api.post("/{year}/{case_id:path}/object", responses=CHANGE)
def api_object(
    request: Request, user: ApiUser, year: PlanYear, case_id: str, body: ObjectionIn
) -> FormOut:
    api_csrf(request, user)
    act(request, user, year, case_id, "object", reason=body.reason)
    return _out(one_form(request, user, year, case_id))


@api.post("/{year}/{case_id:path}/decide", responses=CHANGE)
def api_decide(
    request: Request, user: ApiUser, year: PlanYear, case_id: str, body: DecisionIn
) -> FormOut:
    api_csrf(request, user)
    act(request, user, year, case_id, "decide", grade=body.grade or "", note=body.note)
    return _out(one_form(request, user, year, case_id))


# -- pages ----------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


PER_PAGE = 50


@pages.get("/review", response_class=HTMLResponse)
def page_forms(
    request: Request,
    user: PageUser,
    year: Year = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    q: Annotated[str, Query(max_length=64)] = "",
    standing: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The year's forms, 50 a page with the count, searchable by case number, reviewer or
    handler; only the page's forms are read (``access_review.forms_page``)."""
    return forms_page(request, user, _year(request, year), page, q, standing)


def forms_page(
    request: Request, user: User, y: int, page: int = 1, q: str = "", standing: str = "",
    message: str = "", status: int = 200,
) -> Response:  # fmt: skip
    needle, names = q.strip().lower(), web_of(request).names()

    def matches(h: FormHead) -> bool:  # by case number, reviewer or handler
        return (needle in h.case_id.lower() or needle in names.person(h.reviewer).lower()
                or needle in names.person(h.handler).lower())  # fmt: skip

    found = reviews.forms_page(web_of(request).uow(), user.principal, y, standing=standing,
                               keep=matches if needle else None, page=page,
                               per_page=PER_PAGE)  # fmt: skip
    grades = {g.code: g for g in policy(request).standards.scale.grades}
    context = {
        "user": user, "year": y, "views": found.views, "total": found.total, "page": found.page,
        "pages": found.pages, "q": q, "standing": standing, "counts": found.counts,
        "grades": grades,
        "plan": plan_of(request, y), "may_plan": may_plan(user), "modes": list(ReviewMode),
        "reasons": list(ReviewReason), "message": message,
    }  # fmt: skip
    return render(request, "review.html", context, status)


@pages.post("/review/{year}/plan", response_class=HTMLResponse)
def page_make_plan(
    request: Request, user: PageUser, year: PlanYear, csrf: Annotated[str, Form()] = "",
    seed: Annotated[str, Form(max_length=64)] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    draw_plan(request, user, year, seed.strip() or None)
    return RedirectResponse(f"/review?year={year}#plan", status_code=303)


@pages.post("/review/{year}/reviewers", response_class=HTMLResponse)
def page_assign_reviewers(
    request: Request, user: PageUser, year: PlanYear, mode: Annotated[ReviewMode, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    n = assign_reviewers(request, user, year, mode)
    said = Words(lang_of(request)).say(f"已分配评查人 {n} 件", f"reviewers assigned to {n} cases")
    return forms_page(request, user, year, message=said)  # in the page's language


@pages.get("/review/{year}/{case_id:path}", response_class=HTMLResponse)
def page_form(request: Request, user: PageUser, year: PlanYear, case_id: str) -> Response:
    v = one_form(request, user, year, case_id)
    standards = policy(request).standards
    grades = standards.scale.grades
    marked = {m.item: m for m in v.form.marks}
    context = {
        "user": user, "v": v, "may_decide": v.may_decide, "grades": grades,
        "grade_names": {g.code: g for g in grades}, "standards": standards.standards,
        "marked": marked, "items": standards.items(),
    }  # fmt: skip
    return render(request, "review_form.html", context)


@pages.post("/review/{year}/{case_id:path}/{action}")
def page_act(
    request: Request,
    user: PageUser,
    year: PlanYear,
    case_id: str,
    action: str,
    csrf: Annotated[str, Form()] = "",
    grade: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    item: Annotated[list[str] | None, Form(max_length=64)] = None,
    noted: Annotated[list[str] | None, Form(max_length=64)] = None,
    item_note: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> Response:
    """Record (with the items ticked, each with its note), object, or decide."""
    check_csrf(user, csrf)
    if action not in ("record", "object", "decide"):
        return RedirectResponse(f"/review/{year}/{quote(case_id, safe='/')}", status_code=303)
    marks = None
    if action == "record":
        notes = dict(zip(noted or [], item_note or [], strict=False))
        before = {m.item: m for m in one_form(request, user, year, case_id).form.marks}
        known = policy(request).standards.items()
        marks = [
            Mark(i, (notes.get(i) or "").strip() or (before[i].note if i in before else ""),
                 before[i].source if i in before else "reviewer")
            for i in dict.fromkeys(item or []) if i in known
        ]  # fmt: skip
    act(request, user, year, case_id, action, marks, grade=grade, reason=reason, note=note)
    return RedirectResponse(f"/review/{year}/{quote(case_id, safe='/')}", status_code=303)
