"""The application factory: one store, the rule packs, the pages and the JSON API."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jianguan.bootstrap import App
from jianguan.domain.gates import GateRefused
from jianguan.domain.indicators import IndicatorError
from jianguan.services.access import NotAllowed, NotInScope
from jianguan.services.responsibility import ResponsibilityError
from jianguan.services.review import ReviewError
from jianguan.web import admin, analysis, api, pages, quality, responsibility, review, work
from jianguan.web import management as management_pages
from jianguan.web import reports as report_pages
from jianguan.web import schedule as schedule_pages
from jianguan.web import supervision as supervision_pages
from jianguan.web.auth import NeedLogin, User, page_user
from jianguan.web.render import render, render_error
from jianguan.web.state import Web, WebConfig

STATIC = Path(__file__).parent / "static"

# Every response: no script but the site's own files (no inline script, no eval), no framing,
# no MIME sniffing, no referrer beyond the site. Styles may be inline: ECharts' SVG sets them.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` to every HTTP response (pages, API, files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class ForgetCounts:
    """ASGI middleware: a request that may change something (not GET or HEAD) and was not
    refused clears the dashboard counts kept for a few seconds, the figures and the year's
    evaluation, so the user's own change shows at once; a change made elsewhere (another
    process, the CLI) shows within ``WebConfig.counts_seconds``.

    A refused request (an answer in the 400s: not found, invalid, CSRF, a gate) changed
    nothing, since every service writes all or nothing, so it keeps them: each such request
    cost a province's figures (1–2 s each at 1 M cases) and the evaluation (8 s)."""

    def __init__(self, app: ASGIApp, web: Web) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope.get("method") in ("GET", "HEAD")
                or scope.get("path") in SIGNING):  # fmt: skip
            await self.app(scope, receive, send)
            return
        answered: list[int] = []

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            if not answered or not 400 <= answered[0] < 500:  # a crash may have written
                self.web.counts.clear()
                self.web.figures.clear()
                self.web.yearly.clear()


# Requests that change no case, list or figure: signing in and out (every user's first request
# of the day would otherwise throw away a province's figures, 13–18 s each at 1 M cases).
SIGNING = frozenset({"/login", "/logout", "/api/login", "/api/logout"})


class BodyLimit:
    """ASGI middleware refusing a request body larger than ``limit`` bytes with 413, whether it
    says its length (Content-Length) or streams (counted as it comes): no upload or form can
    make the server read more. The limit is ``JIANGUAN_UPLOAD_LIMIT_KB`` (default 1 MB)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        kb = self.limit // 1024
        words = f"请求内容过大（上限 {kb} KB）/ request body too large (at most {kb} KB)"
        response = JSONResponse({"detail": words}, status_code=413)
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


VENDOR = STATIC / "vendor"


def create_app(app: App, config: WebConfig | None = None) -> FastAPI:
    """The web application on ``app`` (which the caller bootstrapped and closes)."""
    web = Web(app, config or WebConfig())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The pages run in the thread pool; at most ``web.threads`` at once (settings.web_threads).
        to_thread.current_default_thread_limiter().total_tokens = web.threads
        # What the process holds once started (modules, the rulebook, the app) lives as long
        # as the process: kept out of the cyclic collector's full passes, each of which walked
        # it all — 50–120 ms with every request in flight waiting on it (issue 18: one such
        # pause in a second of requests was the p95 at 16 in flight). No collection first: it
        # would run other code's finalisers inside the start-up (in the tests, a connection an
        # earlier test left open warned inside the next app's start); what start-up left as
        # garbage stays frozen, a few objects once per process.
        gc.freeze()
        yield

    site = FastAPI(
        title="检管 jianguan",
        version="0.1.0",
        description="检察业务管理平台 JSON API；登录后按本院及下级院范围返回 / "
        "the JSON API; every answer is limited to the user's units.",
        openapi_url="/openapi.json",
        docs_url=None,  # /api/docs is our own page: behind login, no CDN (see api_docs)
        redoc_url=None,
        lifespan=lifespan,
    )
    site.state.web = web
    site.add_middleware(ForgetCounts, web=web)
    site.add_middleware(BodyLimit, limit=web.body_limit)
    site.add_middleware(SecurityHeaders)  # outermost: the 413 carries the headers too
    if not VENDOR.is_dir():
        # The pages work without charts or htmx, but say how to get them.
        print(
            "注意：缺少前端库，请运行 make install / note: run `make install` for htmx and ECharts"
        )
    site.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    site.include_router(api.router)
    site.include_router(analysis.api)
    site.include_router(quality.api)
    site.include_router(review.api)
    site.include_router(responsibility.api)
    site.include_router(work.api)
    site.include_router(admin.api)
    site.include_router(pages.router)
    site.include_router(analysis.pages)
    site.include_router(quality.pages)
    site.include_router(review.pages)
    site.include_router(responsibility.pages)
    site.include_router(work.pages)
    site.include_router(admin.pages)

    @site.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request, user: Annotated[User, Depends(page_user)]) -> Response:
        """The API's endpoints from its OpenAPI document, rendered here: behind login, offline."""
        endpoints = [
            {"path": path, "method": method.upper(), "summary": op.get("summary", ""),
             "description": (op.get("description") or "").strip(),
             "parameters": [x.get("name", "") for x in op.get("parameters", [])],
             "body": "requestBody" in op}
            for path, item in site.openapi().get("paths", {}).items()
            for method, op in item.items()
        ]  # fmt: skip
        return render(request, "api_docs.html", {"user": user, "endpoints": endpoints})

    site.include_router(report_pages.pages)
    site.include_router(schedule_pages.pages)
    site.include_router(management_pages.pages)  # issue 16: analysis meetings, notices
    site.include_router(supervision_pages.pages)  # issue 15: matters, consultation, meetings

    @site.exception_handler(NeedLogin)
    async def need_login(request: Request, exc: NeedLogin) -> Response:
        return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)

    @site.exception_handler(NotInScope)
    async def not_in_scope(request: Request, exc: NotInScope) -> Response:
        return _error(request, 404, "not_found")

    @site.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return _error(request, 403, "forbidden")

    @site.exception_handler(GateRefused)
    async def refused(request: Request, exc: GateRefused) -> Response:
        missing = [{"code": m.code, "zh": m.zh, "en": m.en} for m in exc.missing]
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "操作被拒绝 / refused", "missing": missing}, 409)
        path = request.url.path
        back = path.rsplit("/", 1)[0] if path.startswith("/cases/") else None
        context = {"missing": exc.missing, "user": None, "back": back}
        return render(request, "refused.html", context, 409)

    @site.exception_handler(ResponsibilityError)
    @site.exception_handler(ReviewError)
    async def review_refused(request: Request, exc: ReviewError | ResponsibilityError) -> Response:
        message = f"{exc.zh} / {exc.en}"
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": message, "zh": exc.zh, "en": exc.en}, status_code=409)
        return render(request, "error.html", {"status": 409, "key": message, "user": None}, 409)

    @site.exception_handler(IndicatorError)
    async def bad_indicator(request: Request, exc: IndicatorError) -> Response:
        message = f"{exc.zh} / {exc.en}"
        if request.url.path.startswith("/api"):  # the shape FastAPI documents for 422
            detail = [{"loc": ["query"], "msg": message, "type": "value_error"}]
            return JSONResponse({"detail": detail}, status_code=422)
        return render(request, "error.html", {"status": 422, "key": message, "user": None}, 422)

    @site.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # A page answers with a page (in the user's words), the API with FastAPI's JSON.
        if request.url.path.startswith(("/api", "/static")):
            return await http_exception_handler(request, exc)
        generic = exc.detail in (None, "", "Not Found")  # starlette's own words for a bad path
        key = "page_not_found" if generic else str(exc.detail)
        return render_error(request, exc.status_code, key)

    @site.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith("/api"):  # a page: say which value, in words
            fields = "、".join(str(e.get("loc", ("",))[-1]) for e in exc.errors())
            return render_error(request, 400, f"请求参数有误：{fields} / invalid value: {fields}")
        # FastAPI's documented shape (a list under "detail"), with a zh/en summary beside it
        detail = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "value_error")),
            }
            for e in exc.errors()
        ]
        return JSONResponse(
            {"detail": detail, "message": "请求参数有误 / invalid request parameters"},
            status_code=422,
        )

    return site


def _error(request: Request, status: int, key: str) -> Response:
    if request.url.path.startswith("/api"):
        from jianguan.web.i18n import WORDS

        zh, en = WORDS[key]
        return JSONResponse({"detail": f"{zh} / {en}"}, status_code=status)
    return render_error(request, status, key)
