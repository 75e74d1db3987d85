"""Data-quality page (数据质量) and business anomalies (溯源 to their cases), for the user's units.

Both read every case of the scope (seconds at a province's size), so each is computed once per
scope (the user's unit) and kept for ``WebConfig.heavy_seconds``: the page loads at once, each
list is computed in the background and fetched with htmx when ready (the page asks again every
second meanwhile), and the API waits for the one computation in flight instead of starting its
own. No request of another user waits for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from jianguan.domain.anomalies import AnomalyKind, Direction
from jianguan.domain.dataquality import IssueKind
from jianguan.services import access_analysis as analysis
from jianguan.web.auth import User, api_user, page_user
from jianguan.web.render import render
from jianguan.web.state import Web, web_of

SHOWN = 1000


class IssueOut(BaseModel):
    case_id: str
    kind: IssueKind
    check: str
    explanation: str
    explanation_en: str
    unit: str
    related: list[str]


class AnomalyOut(BaseModel):
    kind: AnomalyKind
    unit: str
    series: str
    period: str
    direction: Direction
    explanation: str
    explanation_en: str
    statistic: float
    case_ids: list[str]


@dataclass(frozen=True)
class Computed:
    """A list and when it was computed: a page kept while recomputed says how old it is."""

    at: dt.datetime
    items: list[Any]


def _issues(web: Web, user: User) -> Computed:
    at = web.now()
    found = analysis.data_quality(web.uow(), user.principal, web.today(), web.rules.dataquality)
    return Computed(
        at,
        [
            IssueOut(
                case_id=i.case_id,
                kind=i.kind,
                check=i.check,
                explanation=i.explanation,
                explanation_en=i.explanation_en,
                unit=i.unit,
                related=list(i.related),
            )
            for i in found[:SHOWN]
        ],
    )


def _anomalies(web: Web, user: User) -> Computed:
    at = web.now()
    found = analysis.anomalies(web.uow(), web.rules.calendar, user.principal)
    return Computed(
        at,
        [
            AnomalyOut(
                kind=a.kind,
                unit=a.unit,
                series=a.series,
                period=a.period,
                direction=a.direction,
                explanation=a.explanation,
                explanation_en=a.explanation_en,
                statistic=a.statistic,
                case_ids=list(a.case_ids),
            )
            for a in found
        ],
    )


def _key(what: str, user: User) -> tuple[str, str]:
    return (what, user.principal.person.unit)  # the scope: the user's unit and those below


def issues(request: Request, user: User) -> list[IssueOut]:
    web = web_of(request)
    found = web.heavy.get(_key("dq", user), lambda: _issues(web, user))
    return cast(list[IssueOut], found.items)


def anomalies(request: Request, user: User) -> list[AnomalyOut]:
    web = web_of(request)
    found = web.heavy.get(_key("anomalies", user), lambda: _anomalies(web, user))
    return cast(list[AnomalyOut], found.items)


def _ready(request: Request, user: User, what: str) -> tuple[bool, Any]:
    web = web_of(request)
    compute = _issues if what == "dq" else _anomalies
    return web.heavy.ready(_key(what, user), lambda: compute(web, user))


api = APIRouter(prefix="/api", tags=["quality"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {401: {"description": "未登录 / not logged in"}}


@api.get("/quality/issues", responses=ERRORS)
def api_issues(request: Request, user: ApiUser) -> list[IssueOut]:
    """Data-quality issues in the user's units (first 1,000)."""
    return issues(request, user)


@api.get("/anomalies", responses=ERRORS)
def api_anomalies(request: Request, user: ApiUser) -> list[AnomalyOut]:
    """Level shifts, sudden drops and month-end pile-ups in the user's units, with their cases."""
    return anomalies(request, user)


pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


@pages.get("/quality", response_class=HTMLResponse)
def page_quality(request: Request, user: PageUser) -> Response:
    return render(request, "quality.html", {"user": user})


def _pending(request: Request, user: User, path: str) -> Response:
    return render(request, "quality_pending.html", {"user": user, "again": path}, 202)


@pages.get("/quality/issues", response_class=HTMLResponse)
def page_issues(request: Request, user: PageUser) -> Response:
    done, found = _ready(request, user, "dq")
    if not done:
        return _pending(request, user, "/quality/issues")
    return render(request, "quality_issues.html",
                  {"user": user, "issues": found.items, "computed_at": found.at})  # fmt: skip


@pages.get("/quality/anomalies", response_class=HTMLResponse)
def page_anomalies(request: Request, user: PageUser) -> Response:
    done, found = _ready(request, user, "anomalies")
    if not done:
        return _pending(request, user, "/quality/anomalies")
    return render(request, "quality_anomalies.html",
                  {"user": user, "anomalies": found.items, "computed_at": found.at})  # fmt: skip
