"""Scheduled work page (定时任务): each job's state — on schedule, due, never run, or **missed**
(its last successful run is older than its interval) — and the latest runs with their start,
end, outcome and message. The same ``services.schedule.overview`` as `jianguan schedule status`;
the clock is the application's (``--as-of`` pins it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from jianguan.domain.model import Role
from jianguan.services.schedule import overview
from jianguan.web.auth import User, page_user
from jianguan.web.render import render
from jianguan.web.reports import FILE_NAME, MEDIA
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
        "files": _files(request, user),
        "technical": administers(user),
    }
    return render(request, "schedule.html", context)


def administers(user: User) -> bool:
    """Whether the page shows its technical line (the command, the setting, the rule file):
    for the case officer whose scope is the whole store, the province's case-management office
    that keeps the platform (as it keeps the calendar, ``web.admin``); others read words."""
    p = user.principal
    return p.whole_store and p.person.role is Role.CASE_OFFICER


def _files(request: Request, user: User) -> list[str]:
    """The reports the scheduler wrote (the whole store's): only for a user whose scope is the
    whole store, as the province's own reports page would give them."""
    folder = web_of(request).app.schedule_deps().out_dir
    if not user.principal.whole_store or not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if FILE_NAME.match(p.name)), reverse=True)


@pages.get("/schedule/files/{name}")
def schedule_download(request: Request, user: PageUser, name: str) -> Response:
    if name not in _files(request, user):
        raise HTTPException(404)
    path = web_of(request).app.schedule_deps().out_dir / name
    return FileResponse(path, media_type=MEDIA[name.rsplit(".", 1)[1]], filename=name)
