"""The pages of analysis meetings and upper-unit notices (会商督办) over HTTP: a case officer opens
a meeting, sets a topic, assigns it, sets a task that is done and then verified by someone else;
takes a notice in from a JSON file (a bad file is refused with its located errors), splits it and
reports back (the docx downloads). Other units answer 404; a prosecutor may not open a meeting."""

from __future__ import annotations

import datetime as dt
import json
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]


def test_a_meeting_on_the_pages(app: FastAPI, web_data: WebData) -> None:
    officer, head = web_data.users["officer_a"], web_data.users["head_a"]
    due = (web_data.as_of + dt.timedelta(days=40)).isoformat()
    with TestClient(app) as client:
        csrf = login(client, officer.id)
        page = client.get("/management")
        assert page.status_code == 200
        assert 'href="/management"' in page.text
        made = client.post("/management/meetings", data={"title": "第三季度会商", "csrf": csrf},
                           follow_redirects=False)  # fmt: skip
        assert made.status_code == 303
        base = made.headers["location"]
        assert re.fullmatch(r"/management/meetings/YP\d{6}", base)
        suggested = client.get(f"{base}?propose=1")
        assert suggested.status_code == 200
        assert 'id="mg-pick"' in suggested.text
        keys = re.findall(r'name="key" value="([^"]+)"', suggested.text)
        data = {"csrf": csrf, "topic": "结案率下降原因", "key": keys[:1]}
        assert client.post(f"{base}/pick", data=data).status_code == 200
        shown = client.get(base).text
        assert "人工点题" in shown
        assert "结案率下降原因" in shown
        assert ">manual<" not in shown
        n = 2 if keys else 1  # the hand-set topic follows the picked one
        client.post(f"{base}/assign", data={"csrf": csrf, "n": n, "department": "第一检察部",
                                            "due": due})  # fmt: skip
        client.post(f"{base}/task", data={"csrf": csrf, "topic": n, "text": "逐案核查",
                                          "owner": "第一检察部", "due": due})  # fmt: skip
        client.post(f"{base}/done", data={"csrf": csrf, "n": 1, "note": "已核查"})
        same = client.post(f"{base}/verify", data={"csrf": csrf, "n": 1, "outcome": "ok"})
        assert same.status_code == 409
        assert "办结人不能核验自己办结的任务" in same.text
    with TestClient(app) as client:
        csrf = login(client, head.id)
        ok = client.post(f"{base}/verify", data={"csrf": csrf, "n": 1, "outcome": "ok"})
        assert ok.status_code == 200
        assert 'data-status="verified"' in ok.text
        assert "已核验" in ok.text
    with TestClient(app) as client:  # another unit's officer: as if it did not exist
        login(client, web_data.users["officer_b"].id)
        assert client.get(base).status_code == 404
    with TestClient(app) as client:  # a prosecutor may read but not open a meeting
        csrf = login(client, web_data.users["prosecutor_a"].id)
        assert client.get("/management").status_code == 200
        no = client.post("/management/meetings", data={"title": "x", "csrf": csrf})
        assert no.status_code == 403


def test_a_notice_on_the_pages(app: FastAPI, web_data: WebData) -> None:
    officer = web_data.users["officer_a"]
    case = web_data.cases_by_unit[officer.unit][0]
    day = web_data.as_of.isoformat()
    notice = {
        "unit": officer.unit, "issuer": "省人民检察院案件管理部", "doc_no": "案管通〔2025〕3号",
        "title": "关于审查起诉期限管理问题的通报", "received_on": day, "reply_due": "2026-12-31",
        "problems": [{"text": "超期未结", "cases": [case]}],
    }  # fmt: skip
    bad = json.dumps({**notice, "received_on": "昨天"}, ensure_ascii=False, indent=1)
    with TestClient(app) as client:
        csrf = login(client, officer.id)
        refused = client.post("/management/notices", data={"csrf": csrf},
                              files={"file": ("bad.json", bad.encode(), "application/json")})  # fmt: skip
        assert refused.status_code == 422
        assert "bad.json:" in refused.text
        assert "收文日期应为日期" in refused.text
        good = json.dumps(notice, ensure_ascii=False).encode()
        taken = client.post("/management/notices", data={"csrf": csrf},
                            files={"file": ("n.json", good, "application/json")},
                            follow_redirects=False)  # fmt: skip
        assert taken.status_code == 303
        base = taken.headers["location"]
        assert "待分解" in client.get(base).text
        client.post(f"{base}/split", data={"csrf": csrf, "problem": 1, "owner": "第二检察部"})
        page = client.post(f"{base}/report-back", data={"csrf": csrf})
        assert page.status_code == 200, page.text
        assert "阶段性反馈" in page.text
        names = re.findall(r'href="/management/files/([^"]+\.docx)"', page.text)
        assert names, page.text
        got = client.get(f"/management/files/{names[0]}")
        assert got.status_code == 200
        assert got.content.startswith(b"PK")
        assert client.get("/management/files/..%2Fx.docx").status_code == 404
