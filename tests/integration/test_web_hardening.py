"""Hardening: case ids holding ``/`` open on every route; names and document texts carrying
markup are shown as text on every page that shows them; sessions end when idle and at their
absolute limit; request bodies past the limit are refused before they are read."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from jianguan.domain.model import Person, Role
from jianguan.services.accounts import set_password
from jianguan.services.monitoring import monitor_and_record
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.integration.web_support import PASSWORD, login
from tests.support import app_for, generate, imported

MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "javascript:alert(3)")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dt.date, list[str], Person]:
    """A small province whose first cases have ids with ``/`` and whose names and documents
    carry markup; monitored; a provincial case officer with a login."""
    folder = tmp_path_factory.mktemp("hard")
    data = folder / "data"
    generate(data, cases=60, seed=5, end=dt.date(2025, 6, 30))
    lines = (data / "cases.jsonl").read_text("utf-8").splitlines()
    renamed = []
    out = []
    for i, line in enumerate(lines):
        record = json.loads(line)
        if i < 3:
            record["case_id"] = f"{record['case_id']}/分{i}"
            renamed.append(record["case_id"])
            for s in record["suspects"]:
                s["name"] = f"{MARKUP[i % 3]}{s['name']}"
            for d in record.get("documents", []):
                d["text"] = f"{MARKUP[(i + 1) % 3]} {d.get('text') or ''}"
        out.append(json.dumps(record, ensure_ascii=False))
    (data / "cases.jsonl").write_text("\n".join(out) + "\n", "utf-8")
    as_of = dt.date.fromisoformat(json.loads((data / "manifest.json").read_text())["as_of"])
    url = f"sqlite:///{folder / 'hard.db'}"
    with imported(data, url, as_of=as_of) as app:
        monitor_and_record(app.uow(), app.rules, as_of)
        with app.uow() as uow:
            units = {u.code: u for u in uow.cases.units()}
            officer = next(p for p in uow.cases.people() if p.role is Role.CASE_OFFICER
                           and units[p.unit].parent is None)  # fmt: skip
        set_password(app.uow(), app.hasher, officer.id, officer.id, PASSWORD, app.now(), "test")
    return url, as_of, renamed, officer


def site(store: tuple[str, dt.date, list[str], Person], **config: object) -> TestClient:
    url, as_of, _, _ = store
    cfg = WebConfig(secure_cookies=False, **config)  # type: ignore[arg-type]
    return TestClient(create_app(app_for(url, as_of=as_of), cfg))


def test_case_ids_with_a_slash_open_everywhere(
    store: tuple[str, dt.date, list[str], Person],
) -> None:
    client = site(store)
    csrf = login(client, store[3].id)
    for case_id in store[2]:
        assert "/" in case_id
        for path in (f"/cases/{case_id}", f"/cases/{quote(case_id, safe='')}"):
            page = client.get(path)
            assert page.status_code == 200, (path, page.status_code)
            assert case_id in page.text
        api = client.get(f"/api/cases/{quote(case_id, safe='/')}")
        assert api.status_code == 200
        assert api.json()["case"]["case_id"] == case_id
        assert client.get(f"/api/cases/{case_id}/reads").status_code == 200
        checked = client.post(f"/api/cases/{case_id}/selfcheck", headers={"X-CSRF-Token": csrf})
        assert checked.status_code == 200
        assert checked.json()["case_id"] == case_id
        listed = client.get("/cases", params={"mine": "false", "q": case_id}).text
        assert f'href="/cases/{quote(case_id, safe="/")}"' in listed


def test_markup_in_names_and_documents_is_only_text(
    store: tuple[str, dt.date, list[str], Person],
) -> None:
    client = site(store)
    login(client, store[3].id)
    pages = [f"/cases/{c}" for c in store[2]]
    pages += ["/cases?mine=false", "/ledger?mine=false", "/"]
    pages += [f"/cases?mine=false&q={quote(m[:8])}" for m in MARKUP]
    seen_escaped = 0
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert "script-src 'self'" in r.headers["content-security-policy"]
        for m in MARKUP[:2]:
            assert m not in r.text, (path, m)
        assert 'href="javascript:' not in r.text
        seen_escaped += r.text.count("&lt;script&gt;") + r.text.count("&lt;img src=x")
    assert seen_escaped >= 3  # the names and texts are there, as text


def test_sessions_end_when_idle_and_at_the_absolute_limit(
    store: tuple[str, dt.date, list[str], Person],
) -> None:
    idle = site(store, idle_minutes=0.002)  # 120 ms
    login(idle, store[3].id)
    assert idle.get("/api/me").status_code == 200
    assert idle.get("/api/me").status_code == 200  # used again within the limit: still on
    time.sleep(0.3)
    assert idle.get("/api/me").status_code == 401
    assert idle.get("/", follow_redirects=False).status_code == 303  # back to the login
    short = site(store, session_hours=1e-9)  # the absolute limit, whatever the activity
    short.post("/api/login", json={"username": store[3].id, "password": PASSWORD})
    assert short.get("/api/me").status_code == 401
    normal = site(store)
    login(normal, store[3].id)
    assert normal.get("/api/me").status_code == 200


def test_a_body_past_the_limit_is_refused(store: tuple[str, dt.date, list[str], Person]) -> None:
    client = site(store, upload_limit_kb=4)
    csrf = login(client, store[3].id)
    big = client.post("/api/login", content=b"{" + b" " * 8000 + b"}",
                      headers={"content-type": "application/json"})  # fmt: skip
    assert big.status_code == 413
    assert "请求内容过大" in big.json()["detail"]
    assert big.headers["x-content-type-options"] == "nosniff"
    form = client.post("/calendar", data={"csrf": csrf},
                       files={"notice": ("x.toml", b"#" * 9000, "text/plain")})  # fmt: skip
    assert form.status_code == 413
    assert client.get("/api/me").status_code == 200  # the server reads on


def test_the_readme_and_docs_links_resolve_in_the_repository() -> None:
    import re

    root = Path(__file__).parents[2]
    files = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    checked, broken = 0, []
    for f in files:
        for target in re.findall(r"\]\(([^)\s]+)\)", f.read_text("utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # another site, or an anchor on the same page
            path = (f.parent / target.split("#", 1)[0]).resolve()
            checked += 1
            if not path.exists():
                broken.append(f"{f.relative_to(root)} → {target}")
    assert checked > 10
    assert broken == [], broken
