"""Data-quality page (数据质量) and business anomalies (溯源 to their cases), for the user's units.

Both read every case of the scope, so the page loads at once and fetches each list with htmx."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from jianguan.domain.anomalies import AnomalyKind, Direction
from jianguan.domain.dataquality import IssueKind
from jianguan.services import access_analysis as analysis
from jianguan.web.auth import User, api_user, page_user
from jianguan.web.render import render
from jianguan.web.state import web_of

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


def issues(request: Request, user: User) -> list[IssueOut]:
    found = analysis.data_quality(web_of(request).uow(), user.principal)
    return [
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
    ]


def anomalies(request: Request, user: User) -> list[AnomalyOut]:
    web = web_of(request)
    found = analysis.anomalies(web.uow(), web.rules.calendar, user.principal)
    return [
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
    ]


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


@pages.get("/quality/issues", response_class=HTMLResponse)
def page_issues(request: Request, user: PageUser) -> Response:
    return render(request, "quality_issues.html", {"user": user, "issues": issues(request, user)})


@pages.get("/quality/anomalies", response_class=HTMLResponse)
def page_anomalies(request: Request, user: PageUser) -> Response:
    found = anomalies(request, user)
    return render(request, "quality_anomalies.html", {"user": user, "anomalies": found})
