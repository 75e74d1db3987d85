"""Security headers on every response (pages, API, static files, errors, redirects), no inline
script in any template, and the API docs behind login without a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]
TEMPLATES = Path(__file__).parents[2] / "src" / "jianguan" / "web" / "templates"


def _csp(value: str) -> dict[str, str]:
    return {d.split()[0]: d for d in (x.strip() for x in value.split(";")) if d}


@pytest.mark.parametrize(
    "path", ["/login", "/", "/api/me", "/static/app.css", "/nope", "/api/nope", "/openapi.json"]
)
def test_every_response_carries_the_headers(app: FastAPI, path: str) -> None:
    r = TestClient(app).get(path, follow_redirects=False)
    csp = _csp(r.headers["content-security-policy"])
    assert csp["script-src"] == "script-src 'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


def test_no_template_has_inline_script_or_handlers() -> None:
    for f in TEMPLATES.glob("*.html"):
        text = f.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            # a script is a file of the site, or a JSON data block (not run)
            assert "src=" in tag or 'type="application/json"' in tag, (f.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), f.name  # onclick= …
        assert "javascript:" not in text, f.name


def test_api_docs_need_a_login_and_use_no_cdn(app: FastAPI, web_data: WebData) -> None:
    anonymous = TestClient(app).get("/api/docs", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    client = TestClient(app)
    login(client, web_data.users["officer_a"].id)
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/cases/{case_id}" in page.text
    assert "cdn" not in page.text.lower()
    assert "http://" not in page.text
    assert "https://" not in page.text
