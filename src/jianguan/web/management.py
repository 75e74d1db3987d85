"""Pages of the management cycle's follow-up (督办): analysis meetings (业务数据分析研判会商) and
notices from the upper procuratorate (上级院通报).

The same use cases as `jianguan meeting-analysis …` and `jianguan notice …`, on the user's units
(a meeting or notice of another unit answers 404, as a case outside the scope does). Case
officers, heads and chiefs (those who keep the ledger) open meetings, set and assign topics, set
and verify tasks, take notices in and report back; anyone in scope answers a topic or reports a
task done. A refusal re-draws the page with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from jianguan.bootstrap import read_notice
from jianguan.domain import analysis_meeting as mdom
from jianguan.domain import notice as ndom
from jianguan.domain.errors import DataSetError, RecordError
from jianguan.domain.followup import FollowUpError
from jianguan.services import analysis_meeting as msvc
from jianguan.services import notice as nsvc
from jianguan.services.access import NotAllowed, NotInScope
from jianguan.services.ports.reports import RendererUnavailable
from jianguan.web.auth import User, check_csrf, page_user
from jianguan.web.render import render
from jianguan.web.state import Web, web_of

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]
FILE = re.compile(r"^notice-report-back-TB\d{6}-\d{4}-\d{2}-\d{2}\.(docx|xlsx|pdf)$")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _folder(web: Web, user: User) -> Path:
    return web.app.settings.data_dir / "reports" / user.principal.person.id / "notices"


def _keeper(user: User) -> None:
    if not user.principal.keeps_the_ledger:
        raise NotAllowed()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FollowUpError(f"日期应为 YYYY-MM-DD：{text}", f"not a date: {text!r}") from None


def _index(request: Request, user: User, status: int = 200, **extra: object) -> Response:
    web = web_of(request)
    units = set(user.principal.units)
    today = web.today()
    meetings = msvc.meetings(web.uow(), units)
    notices = nsvc.notices(web.uow(), units)
    context = {
        "user": user,
        "today": today,
        "meetings": [(m, mdom.status(m, today)) for m in reversed(meetings)],
        "notices": [(n, ndom.status(n, today)) for n in reversed(notices)],
        "own_unit": user.principal.person.unit,
        "keeper": user.principal.keeps_the_ledger,
        "error": None,
        "errors": [],
        **extra,
    }
    return render(request, "mg_index.html", context, status)


@pages.get("/management", response_class=HTMLResponse)
def index(request: Request, user: PageUser) -> Response:
    return _index(request, user)


@pages.post("/management/meetings", response_class=HTMLResponse)
def open_meeting(
    request: Request, user: PageUser, title: Annotated[str, Form()],
    unit: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    _keeper(user)
    web = web_of(request)
    code = unit.strip() or user.principal.person.unit
    if not user.principal.may_read(code):
        raise NotInScope(code)
    try:
        m = msvc.open_meeting(web.uow(), code, title, web.today(), user.principal.person.id)
    except FollowUpError as exc:
        return _index(request, user, 409, error=f"{exc.zh}")
    return RedirectResponse(f"/management/meetings/{m.id}", status_code=303)


def _meeting(request: Request, user: User, mid: str) -> mdom.Meeting:
    try:
        m = msvc.load(web_of(request).uow(), mid)
    except FollowUpError:
        raise NotInScope(mid) from None
    if not user.principal.may_read(m.unit):
        raise NotInScope(mid)
    return m


def _meeting_page(
    request: Request, user: User, m: mdom.Meeting, status: int = 200, **extra: object
) -> Response:
    web = web_of(request)
    today = web.today()
    context = {
        "user": user,
        "m": m,
        "s": mdom.status(m, today),
        "today": today,
        "carried": msvc.carried_now(web.uow(), m),
        "keeper": user.principal.keeps_the_ledger,
        "proposals": None,
        "error": None,
        **extra,
    }
    return render(request, "mg_meeting.html", context, status)


@pages.get("/management/meetings/{mid}", response_class=HTMLResponse)
def meeting_page(request: Request, user: PageUser, mid: str, propose: int = 0) -> Response:
    m = _meeting(request, user, mid)
    if not propose:
        return _meeting_page(request, user, m)
    web = web_of(request)
    found = msvc.proposals(web.uow(), web.rules, web.app.indicators(), m.unit, as_of=web.today())
    return _meeting_page(request, user, m, proposals=list(enumerate(found, 1)))


@pages.post("/management/meetings/{mid}/{action}", response_class=HTMLResponse)
async def meeting_action(request: Request, user: PageUser, mid: str, action: str) -> Response:
    form = await request.form()
    f = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    check_csrf(user, f.get("csrf"))
    m = _meeting(request, user, mid)
    web = web_of(request)
    by, today = user.principal.person.id, web.today()
    n = int(f.get("n") or 0) if (f.get("n") or "0").isdigit() else 0
    if action not in ("answer", "done"):
        _keeper(user)
    try:
        if action == "pick":
            found = msvc.proposals(
                web.uow(), web.rules, web.app.indicators(), m.unit, as_of=web.today()
            )
            keys = set(form.getlist("key"))
            chosen = [p for p in found if p.key in keys]
            if f.get("topic", "").strip():
                chosen.append(mdom.Proposal(mdom.TopicSource.MANUAL, "manual", f["topic"],
                                            f.get("detail", ""), m.unit))  # fmt: skip
            msvc.add_topics(web.uow(), mid, chosen, by, today)
        else:
            step = _meeting_step(action, f, n, by, today)
            msvc.change(web.uow(), mid, by, action, step)
    except FollowUpError as exc:
        return _meeting_page(request, user, _meeting(request, user, mid), 409, error=exc.zh)
    return RedirectResponse(f"/management/meetings/{mid}", status_code=303)


def _meeting_step(
    action: str, f: dict[str, str], n: int, by: str, today: dt.date
) -> Callable[[mdom.Meeting], mdom.Meeting]:
    due = _date(f["due"]) if f.get("due", "").strip() else None
    if action == "assign":
        if due is None:
            raise FollowUpError("请填写解题时限", "the due date is missing")
        return lambda m: mdom.assign_topic(m, n, f.get("department", ""), due, today)
    if action == "answer":
        return lambda m: mdom.answer_topic(m, n, f.get("text", ""), by, today)
    if action == "minutes":
        people = [x for x in re.split(r"[,，、\s]+", f.get("attendees", "")) if x]
        return lambda m: mdom.record_minutes(m, f.get("text", ""), people, by, today)
    if action == "task":
        if due is None:
            raise FollowUpError("请填写办结时限", "the due date is missing")
        topic = int(f["topic"]) if f.get("topic", "").isdigit() else None
        return lambda m: mdom.add_task(m, topic, f.get("text", ""), f.get("owner", ""), due, today)
    if action == "done":
        return lambda m: mdom.complete_task(m, n, today, by, f.get("note", ""))
    if action == "verify":
        ok = f.get("outcome", "ok") == "ok"
        return lambda m: mdom.verify_task(m, n, today, by, ok, f.get("note", ""), due)
    raise HTTPException(404)


# -- notices ---------------------------------------------------------------------------------------


@pages.post("/management/notices", response_class=HTMLResponse)
async def take_notice(request: Request, user: PageUser) -> Response:
    """登记通报 from an uploaded .json or .xlsx file (docs/notices.md)."""
    form = await request.form()
    check_csrf(user, str(form.get("csrf") or ""))
    _keeper(user)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _index(request, user, 400, error="请选择通报文件（.json 或 .xlsx）")
    name = Path(upload.filename).name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(await upload.read())
        await upload.close()
        draft, errors = read_notice(path)
    if draft is not None and not user.principal.may_read(draft.unit):
        errors = [RecordError(name, 0, "unit", "受文单位不在您的范围内", "unit outside your scope")]
    if errors or draft is None:
        return _index(request, user, 422, errors=errors)
    web = web_of(request)
    try:
        n = nsvc.take(web.uow(), draft, user.principal.person.id, name)
    except DataSetError as exc:
        return _index(request, user, 422, errors=exc.errors)
    return RedirectResponse(f"/management/notices/{n.id}", status_code=303)


def _notice(request: Request, user: User, nid: str) -> ndom.Notice:
    try:
        n = nsvc.load(web_of(request).uow(), nid)
    except FollowUpError:
        raise NotInScope(nid) from None
    if not user.principal.may_read(n.unit):
        raise NotInScope(nid)
    return n


def _notice_page(
    request: Request, user: User, n: ndom.Notice, status: int = 200, **extra: object
) -> Response:
    web = web_of(request)
    today = web.today()
    folder = _folder(web, user)
    files = (
        sorted(p.name for p in folder.glob(f"notice-report-back-{n.id}-*"))
        if folder.is_dir()
        else []
    )
    context = {
        "user": user, "n": n, "s": ndom.status(n, today), "today": today,
        "keeper": user.principal.keeps_the_ledger, "files": files, "error": None, **extra,
    }  # fmt: skip
    return render(request, "mg_notice.html", context, status)


@pages.get("/management/notices/{nid}", response_class=HTMLResponse)
def notice_page(request: Request, user: PageUser, nid: str) -> Response:
    return _notice_page(request, user, _notice(request, user, nid))


@pages.post("/management/notices/{nid}/{action}", response_class=HTMLResponse)
async def notice_action(request: Request, user: PageUser, nid: str, action: str) -> Response:
    form = await request.form()
    f = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    check_csrf(user, f.get("csrf"))
    n0 = _notice(request, user, nid)
    web = web_of(request)
    by, today = user.principal.person.id, web.today()
    n = int(f["n"]) if f.get("n", "").isdigit() else 0
    if action != "done":
        _keeper(user)
    try:
        due = _date(f["due"]) if f.get("due", "").strip() else None
        if action == "report-back":
            nsvc.report_back(web.uow(), web.app.report_writer(), nid, by, today,
                             _folder(web, user), ("docx", "xlsx"), f.get("note", ""))  # fmt: skip
        elif action == "split":
            p = int(f["problem"]) if f.get("problem", "").isdigit() else 0
            owner, what = f.get("owner", ""), f.get("text", "")

            def step(x: ndom.Notice) -> ndom.Notice:
                if p:
                    return ndom.split(x, p, what, owner, due, today)
                return ndom.split_each(x, owner, today)

            nsvc.change(web.uow(), nid, by, "split", step)
        elif action == "done":
            nsvc.change(web.uow(), nid, by, "done",
                        lambda x: ndom.complete_task(x, n, today, by, f.get("note", "")))  # fmt: skip
        elif action == "verify":
            ok = f.get("outcome", "ok") == "ok"
            nsvc.change(web.uow(), nid, by, "verify",
                        lambda x: ndom.verify_task(x, n, today, by, ok, f.get("note", ""), due))  # fmt: skip
        else:
            raise HTTPException(404)
    except FollowUpError as exc:
        return _notice_page(request, user, n0, 409, error=exc.zh)
    except RendererUnavailable as exc:
        return _notice_page(request, user, n0, 409, error=exc.zh)
    return RedirectResponse(f"/management/notices/{nid}", status_code=303)


@pages.get("/management/files/{name}")
def download(request: Request, user: PageUser, name: str) -> Response:
    path = _folder(web_of(request), user) / name
    if not FILE.match(name) or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=MEDIA[name.rsplit(".", 1)[1]], filename=name)
