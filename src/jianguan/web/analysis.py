"""Indicators dashboard: figures of the user's units, trends, funnel plots, and a click on any
number → the cases behind it (下钻). Scope comes from services.access_analysis."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace as dc_replace
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from jianguan.domain.indicators import Indicator, IndicatorError, month_end, parse_month
from jianguan.services import access_analysis as analysis
from jianguan.services.access import NotInScope
from jianguan.services.comparison import funnel_json
from jianguan.web.auth import User, api_user, lang_of, page_user
from jianguan.web.render import render
from jianguan.web.state import Web, web_of
from jianguan.web.xlsx import drill_xlsx, figures_xlsx

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


class DrillCase(BaseModel):
    """One case behind a number, as the drill-down lists it."""

    case_id: str
    unified_no: str
    unit: str  # names, not codes
    handler: str
    received_on: dt.date
    decided_on: dt.date | None
    closed_on: dt.date | None


class DrillOut(BaseModel):
    indicator: str
    part: str
    rows: int  # as many as the number clicked
    cases: list[str]  # distinct case ids, first 500


Unit = Annotated[str | None, Query(max_length=16, pattern=r"^[0-9A-Za-z]+$")]


def scoped(user: User, unit: str | None) -> User:
    """The user narrowed to ``unit`` and the units below it (a unit of their own scope; any
    other answers 404, as a case out of scope does). The services count from the principal's
    unit, so the narrowed user goes through the same scoped use cases."""
    if not unit or unit == user.principal.person.unit:
        return user
    if not user.principal.may_read(unit):
        raise NotInScope(unit)
    p = user.principal
    person = dc_replace(p.person, unit=unit)
    return User(dc_replace(p, person=person, whole_store=False), user.csrf)


def span_words(first: str | None, last: str | None, lang: str) -> str:
    """Which months the numbers cover, in words (all months when no bound is given)."""
    if not first and not last:
        return "全部期间" if lang != "en" else "all months"
    a, b = first or "…", last or "…"
    return f"{a} 至 {b}" if lang != "en" else f"{a} to {b}"


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
    key = ("indicators", user.principal.person.unit, by, date_from, date_to,
           tuple(ids) if ids is not None else None)  # fmt: skip
    rows = web.figures.get(key, lambda: analysis.indicators(
        web.app.indicators(), cat, user.principal, by, date_from, date_to, ids))  # fmt: skip
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

    def count() -> DrillOut:
        rows = analysis.indicator_cases(
            web.app.indicators(), web.rules.indicators, user.principal, indicator, part,
            date_from, date_to,
        )  # fmt: skip
        cases = list(dict.fromkeys(case_id for case_id, _ in rows))
        return DrillOut(indicator=indicator, part=part, rows=len(rows), cases=cases[:DRILL_SHOWN])

    # kept with the figures it explains (a province's drill-down reads 10⁵–10⁶ cases' rows)
    key = ("drill", user.principal.person.unit, indicator, part, date_from, date_to)
    found: DrillOut = web.figures.get(key, count)
    return found


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

    def plot() -> dict[str, object]:
        source = web.app.indicators()
        try:
            f = analysis.funnel_of(
                source, web.rules.indicators, user.principal, indicator, date_from, date_to
            )
        except ValueError as exc:  # a unit whose numerator exceeds its denominator: no plot
            return {**empty, "unavailable": str(exc)}
        names = {u.code: u.name for u in source.units()}
        return funnel_json(f, indicator, "unit", names)

    key = ("funnel", user.principal.person.unit, indicator, date_from, date_to)
    found: dict[str, object] = web.figures.get(key, plot)
    return found


# -- API ------------------------------------------------------------------------------------------

api = APIRouter(prefix="/api/indicators", tags=["indicators"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录 / not logged in"},
    404: {"description": "无此指标 / no such indicator"},
}


@api.get("", responses=ERRORS)
def api_figures(
    request: Request, user: ApiUser, first: Month = None, last: Month = None, unit: Unit = None
) -> list[IndicatorOut]:
    """Every indicator over the user's units, or ``unit`` and below (months ``first``..``last``
    when given)."""
    return figures(web_of(request), scoped(user, unit), (), first, last)


@api.get("/{indicator}/trend", responses=ERRORS)
def api_trend(
    request: Request, user: ApiUser, indicator: str, first: Month = None, last: Month = None,
    unit: Unit = None,
) -> list[IndicatorOut]:  # fmt: skip
    web = web_of(request)
    known(web, indicator)
    return figures(web, scoped(user, unit), ("month",), first, last, [indicator])


@api.get("/{indicator}/cases", responses=ERRORS)
def api_drill(
    request: Request,
    user: ApiUser,
    indicator: str,
    part: Part = "numerator",
    first: Month = None,
    last: Month = None,
    unit: Unit = None,
) -> DrillOut:
    """下钻: the cases behind one side of the indicator."""
    return drill_cases(web_of(request), scoped(user, unit), indicator, part, first, last)


@api.get("/{indicator}/funnel", responses=ERRORS)
def api_funnel(
    request: Request, user: ApiUser, indicator: str, first: Month = None, last: Month = None,
    unit: Unit = None,
) -> dict[str, object]:  # fmt: skip
    """Units under the user's own on a funnel plot (control limits; never a ranking)."""
    return funnel(web_of(request), scoped(user, unit), indicator, first, last)


# -- pages ----------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _page_context(request: Request, user: User, first: str | None, last: str | None,
                  unit: str | None) -> dict[str, object]:  # fmt: skip
    """What every indicator page says: whose numbers (unit, with the units below), which
    months, as of which day; the units the user may choose among."""
    web = web_of(request)
    chosen = scoped(user, unit).principal.person.unit
    names = web.names()
    units = sorted(user.principal.units, key=lambda c: (len(c), c))
    return {
        "user": user, "first": first, "last": last, "unit": chosen if unit else "",
        "unit_name": names.unit(chosen), "units": units, "as_of": web.today(),
        "span_words": span_words(first, last, lang_of(request)),
        "qs": urlencode({k: v for k, v in (("first", first), ("last", last), ("unit", unit))
                         if v}),
    }  # fmt: skip


@pages.get("/indicators", response_class=HTMLResponse)
def page_figures(
    request: Request, user: PageUser, first: Month = None, last: Month = None, unit: Unit = None
) -> Response:
    rows = figures(web_of(request), scoped(user, unit), (), first, last)
    context = {**_page_context(request, user, first, last, unit), "rows": rows}
    return render(request, "indicators.html", context)


@pages.get("/indicators/export.xlsx")
def page_figures_xlsx(
    request: Request, user: PageUser, first: Month = None, last: Month = None, unit: Unit = None
) -> Response:
    """The table of figures as the page shows it (unit, months), formula-safe."""
    web = web_of(request)
    narrowed = scoped(user, unit)
    rows = figures(web, narrowed, (), first, last)
    where = web.names().unit(narrowed.principal.person.unit)
    return figures_xlsx(rows, where, span_words(first, last, "zh"), web.today())


@pages.get("/indicators/{indicator}", response_class=HTMLResponse)
def page_indicator(
    request: Request, user: PageUser, indicator: str, first: Month = None, last: Month = None,
    unit: Unit = None,
) -> Response:  # fmt: skip
    web = web_of(request)
    ind = known(web, indicator)
    narrowed = scoped(user, unit)
    context = {
        **_page_context(request, user, first, last, unit), "ind": ind,
        "trend": figures(web, narrowed, ("month",), first, last, [indicator]),
        "funnel": funnel(web, narrowed, indicator, first, last),
    }  # fmt: skip
    return render(request, "indicator.html", context)


def _drill(request: Request, user: User, indicator: str, part: str, first: str | None,
           last: str | None, unit: str | None) -> tuple[Indicator, DrillOut, list[DrillCase]]:  # fmt: skip
    web = web_of(request)
    ind = known(web, indicator)
    result = drill_cases(web, scoped(user, unit), indicator, part, first, last)
    with web.uow() as uow:  # heads only: whole cases (events, documents) cost 100–300 ms
        found = uow.cases.case_heads(result.cases)
    names = web.names()
    cases = [
        DrillCase(case_id=c.case_id, unified_no=c.unified_no, unit=names.unit(c.unit),
                  handler=names.person(c.handler), received_on=c.received_on,
                  decided_on=c.decided_on, closed_on=c.closed_on)
        for cid in result.cases for c in (found.get(cid),) if c is not None
    ]  # fmt: skip
    return ind, result, cases


@pages.get("/indicators/{indicator}/cases", response_class=HTMLResponse)
def page_drill(
    request: Request,
    user: PageUser,
    indicator: str,
    part: Part = "numerator",
    first: Month = None,
    last: Month = None,
    unit: Unit = None,
) -> Response:
    ind, result, cases = _drill(request, user, indicator, part, first, last, unit)
    context = {**_page_context(request, user, first, last, unit), "ind": ind, "r": result,
               "cases": cases}  # fmt: skip
    return render(request, "drill.html", context)


@pages.get("/indicators/{indicator}/cases.xlsx")
def page_drill_xlsx(
    request: Request,
    user: PageUser,
    indicator: str,
    part: Part = "numerator",
    first: Month = None,
    last: Month = None,
    unit: Unit = None,
) -> Response:
    """The drill-down's cases (number, handler, dates) as a workbook, formula-safe."""
    ind, result, cases = _drill(request, user, indicator, part, first, last, unit)
    return drill_xlsx(ind.zh, "分子" if part == "numerator" else "分母", result.rows, cases)
