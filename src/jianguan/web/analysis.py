"""Indicators dashboard: figures of the user's units, trends, funnel plots, and a click on any
number → the cases behind it (下钻). Scope comes from services.access_analysis."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from jianguan.domain.indicators import Indicator, IndicatorError, month_end, parse_month
from jianguan.services import access_analysis as analysis
from jianguan.services.comparison import funnel_json
from jianguan.web.auth import User, api_user, page_user
from jianguan.web.render import render
from jianguan.web.state import Web, web_of

Month = Annotated[str | None, Query(pattern=r"^(19[4-9]\d|2\d{3})-(0[1-9]|1[0-2])$")]
Part = Literal["numerator", "denominator"]
DRILL_SHOWN = 500


class IndicatorOut(BaseModel):
    id: str
    zh: str
    en: str
    kind: str
    count: str
    basis: list[str]
    numerator: int
    denominator: int
    value: float | None
    month: str | None = None


class DrillOut(BaseModel):
    indicator: str
    part: str
    rows: int  # as many as the number clicked
    cases: list[str]  # distinct case ids, first 500


def _span(first: str | None, last: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """The dates of months ``first``..``last``; None when the range is empty (last < first)."""
    date_from = parse_month(first) if first else None
    date_to = month_end(parse_month(last)) if last else None
    if date_from and date_to and date_to < date_from:
        return None
    return date_from, date_to


def known(web: Web, indicator: str) -> Indicator:
    """The indicator; 404 for one the catalogue does not have (a path names a thing that is not)."""
    try:
        return web.rules.indicators.get(indicator)
    except IndicatorError as exc:
        raise HTTPException(404, f"{exc.zh} / {exc.en}") from None


def figures(
    web: Web, user: User, by: tuple[str, ...], first: str | None, last: str | None,
    ids: list[str] | None = None,
) -> list[IndicatorOut]:  # fmt: skip
    cat = web.rules.indicators
    span = _span(first, last)
    if span is None:
        return []
    date_from, date_to = span
    rows = analysis.indicators(
        web.app.indicators(), cat, user.principal, by, date_from, date_to, ids
    )
    out = []
    for r in rows:
        ind = cat.get(r.indicator)
        out.append(
            IndicatorOut(
                id=ind.id,
                zh=ind.zh,
                en=ind.en,
                kind=ind.kind,
                count=ind.count,
                basis=list(ind.basis),
                numerator=r.numerator,
                denominator=r.denominator,
                value=r.value,
                month=str(r.dims["month"]) if "month" in r.dims else None,
            )
        )
    return out


def drill_cases(
    web: Web, user: User, indicator: str, part: str, first: str | None, last: str | None
) -> DrillOut:
    known(web, indicator)
    span = _span(first, last)
    if span is None:
        return DrillOut(indicator=indicator, part=part, rows=0, cases=[])
    date_from, date_to = span
    rows = analysis.indicator_cases(
        web.app.indicators(), web.rules.indicators, user.principal, indicator, part,
        date_from, date_to,
    )  # fmt: skip
    cases = list(dict.fromkeys(case_id for case_id, _ in rows))
    return DrillOut(indicator=indicator, part=part, rows=len(rows), cases=cases[:DRILL_SHOWN])


def funnel(
    web: Web, user: User, indicator: str, first: str | None, last: str | None
) -> dict[str, object]:
    ind = known(web, indicator)
    span = _span(first, last)
    # A funnel plot compares proportions (numerator within denominator); a ratio such as
    # 案-件比 is not one, so it has no plot (the table of figures still shows it).
    empty: dict[str, object] = {
        "indicator": indicator,
        "by": "unit",
        "overall": None,
        "phi": 1.0,
        "points": [],
        "curve": [],
    }
    if span is None or ind.kind == "ratio":  # nothing to compare
        return empty
    date_from, date_to = span
    source = web.app.indicators()
    try:
        f = analysis.funnel_of(
            source, web.rules.indicators, user.principal, indicator, date_from, date_to
        )
    except ValueError as exc:  # a unit whose numerator exceeds its denominator: no plot
        return {**empty, "unavailable": str(exc)}
    names = {u.code: u.name for u in source.units()}
    return funnel_json(f, indicator, "unit", names)


# -- API ------------------------------------------------------------------------------------------

api = APIRouter(prefix="/api/indicators", tags=["indicators"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录 / not logged in"},
    404: {"description": "无此指标 / no such indicator"},
}


@api.get("", responses=ERRORS)
def api_figures(
    request: Request, user: ApiUser, first: Month = None, last: Month = None
) -> list[IndicatorOut]:
    """Every indicator over the user's units (months ``first``..``last`` when given)."""
    return figures(web_of(request), user, (), first, last)


@api.get("/{indicator}/trend", responses=ERRORS)
def api_trend(
    request: Request, user: ApiUser, indicator: str, first: Month = None, last: Month = None
) -> list[IndicatorOut]:
    web = web_of(request)
    known(web, indicator)
    return figures(web, user, ("month",), first, last, [indicator])


@api.get("/{indicator}/cases", responses=ERRORS)
def api_drill(
    request: Request,
    user: ApiUser,
    indicator: str,
    part: Part = "numerator",
    first: Month = None,
    last: Month = None,
) -> DrillOut:
    """下钻: the cases behind one side of the indicator."""
    return drill_cases(web_of(request), user, indicator, part, first, last)


@api.get("/{indicator}/funnel", responses=ERRORS)
def api_funnel(
    request: Request, user: ApiUser, indicator: str, first: Month = None, last: Month = None
) -> dict[str, object]:
    """Units under the user's own on a funnel plot (control limits; never a ranking)."""
    return funnel(web_of(request), user, indicator, first, last)


# -- pages ----------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


@pages.get("/indicators", response_class=HTMLResponse)
def page_figures(
    request: Request, user: PageUser, first: Month = None, last: Month = None
) -> Response:
    rows = figures(web_of(request), user, (), first, last)
    return render(
        request, "indicators.html", {"user": user, "rows": rows, "first": first, "last": last}
    )


@pages.get("/indicators/{indicator}", response_class=HTMLResponse)
def page_indicator(
    request: Request, user: PageUser, indicator: str, first: Month = None, last: Month = None
) -> Response:
    web = web_of(request)
    ind = known(web, indicator)
    context = {
        "user": user, "ind": ind, "first": first, "last": last,
        "trend": figures(web, user, ("month",), first, last, [indicator]),
        "funnel": funnel(web, user, indicator, first, last),
    }  # fmt: skip
    return render(request, "indicator.html", context)


@pages.get("/indicators/{indicator}/cases", response_class=HTMLResponse)
def page_drill(
    request: Request,
    user: PageUser,
    indicator: str,
    part: Part = "numerator",
    first: Month = None,
    last: Month = None,
) -> Response:
    web = web_of(request)
    ind = known(web, indicator)
    result = drill_cases(web, user, indicator, part, first, last)
    context = {"user": user, "ind": ind, "r": result, "first": first, "last": last}
    return render(request, "drill.html", context)
