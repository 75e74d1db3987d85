"""Issue 18, hardening: role × every endpoint that names a case × a case of another unit → 0
reads. The endpoints are taken from the application's own route table (pages, API, exports,
consultations, reviews), so a route added later is in the matrix without anyone listing it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from jianguan.domain.model import Case
from tests.integration.test_web_scope import USERS, outside_case, reads_of
from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]  # fixtures used by the tests below

CASE_PARAM = re.compile(r"\{case_id(:path)?\}")
OTHER_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")
VALUES = {"year": "2025"}  # the other path parameters of case routes


def case_routes(site: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route whose path names a case, HEAD and OPTIONS left out."""
    out = set()
    for method, path in _walk(site.routes, ""):
        if CASE_PARAM.search(path) and method not in ("HEAD", "OPTIONS"):
            out.add((method, path))
    return sorted(out)


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, str]]:
    """Every (method, path) of the route table, through included routers (FastAPI keeps an
    included router as one entry that holds the original router and its prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, APIRoute):
            yield from ((m, prefix + route.path) for m in route.methods)


def _path(template: str, case_id: str) -> str:
    with_case = CASE_PARAM.sub(case_id, template)
    return OTHER_PARAM.sub(lambda m: VALUES.get(m.group(1), "x"), with_case)


def _case(data: WebData, case_id: str) -> Case:
    with data.application() as app_, app_.uow() as uow:
        case = uow.cases.load_case(case_id)
    assert case is not None
    return case


def test_no_endpoint_reads_a_case_of_another_unit_for_any_role(
    app: FastAPI, web_data: WebData
) -> None:
    routes = case_routes(app)
    assert len(routes) >= 15, routes  # pages, API, exports, review forms, consultations …
    tries, leaks = 0, []
    for label in USERS:
        client = TestClient(app)
        csrf = login(client, web_data.users[label].id)
        case_id = outside_case(web_data, label)
        case = _case(web_data, case_id)
        # its unified number is the case's alone (names like 李某 recur across cases)
        secrets = {case.unified_no}
        before = reads_of(web_data, case_id)
        for method, template in routes:
            path = _path(template, case_id)
            form = {"csrf": csrf} if method == "POST" and not path.startswith("/api") else None
            r = client.request(method, path, headers={"X-CSRF-Token": csrf}, data=form)
            tries += 1
            shown = [s for s in secrets if s and s in r.text]
            if r.status_code >= 500 or shown:
                leaks.append(f"{label} {method} {path}: {r.status_code} {shown}")
        if reads_of(web_data, case_id) != before:
            leaks.append(f"{label}: the case's read log grew")
    print(f"\naccess matrix: {len(USERS)} roles × {len(routes)} endpoints = {tries} tries, "
          f"{len(leaks)} reads")  # fmt: skip
    assert tries == len(USERS) * len(routes)
    assert leaks == []


def test_the_matrix_would_see_a_read(app: FastAPI, web_data: WebData) -> None:
    """The control: the same check on a case of the user's own unit finds it shown and logged."""
    client = TestClient(app)
    login(client, web_data.users["officer_a"].id)
    own = web_data.cases_by_unit[web_data.users["officer_a"].unit][0]
    before = reads_of(web_data, own)
    r = client.get(_path("/cases/{case_id:path}", own))
    assert r.status_code == 200
    assert _case(web_data, own).unified_no in r.text
    assert reads_of(web_data, own) == before + 1
