"""Scheduled work page (定时任务): each job's state — on schedule, due, never run, or **missed**
(its last successful run is older than its interval) — and the latest runs with their start,
end, outcome and message. The same ``services.schedule.overview`` as `jianguan schedule status`;
the clock is the application's (``--as-of`` pins it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from jianguan.services.schedule import overview
from jianguan.web.auth import User, page_user
from jianguan.web.render import render
from jianguan.web.state import web_of

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


@pages.get("/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, user: PageUser) -> Response:
    app = web_of(request).app
    views, runs = overview(app.schedule_deps(), limit=100)
    names = {v.job.id: v.job for v in views}
    context = {
        "user": user,
        "views": views,
        "runs": runs,
        "jobs": names,
        "enabled": app.settings.schedule_enabled,
        "at": app.settings.schedule_time,
        "now": app.now(),
        "today": app.today(),
        "missed": [v for v in views if v.state.value == "missed"],
    }
    return render(request, "schedule.html", context)
