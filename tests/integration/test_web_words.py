"""The users' words: every page, as every demo role, in Chinese, shows no internal code where a
word belongs — no vocabulary code (not_prosecute, counsel_notice, cross, review_overdue,
missing_field, case_officer …), no person id (P000657) or unit code (440111) where a name
belongs. The same walk runs under the English switch: there lower-case words are English, and a
code is what is snake_case, dotted or colon-joined, a whole text that is a raw vocabulary code,
a person id or a unit code. The text checked is what a reader sees: text nodes, and the
title/placeholder/aria texts, not markup, scripts or links."""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jianguan.bootstrap import App
from jianguan.domain.monitoring import working_day_after
from jianguan.domain.rectification import RectificationKind, RectificationSource
from jianguan.domain.referral import ReferralSource
from jianguan.domain.vocabulary import Vocabulary
from jianguan.services import casework
from jianguan.services import responsibility as svc
from jianguan.web.app import create_app
from jianguan.web.auth import LANG_COOKIE
from tests.integration.web_support import (
    PASSWORD,
    REVIEW_YEAR,
    WebData,
    build,
    login,
    pages_of,
)
from tests.support import app_for, rules

NOW = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
SHOWN_ATTRS = ("title", "placeholder", "aria-label", "alt")
ALLOWED = {"jianguan", "English", "Excel", "UTC"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self.nodes: list[str] = []  # each text node and shown attribute on its own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for k, v in attrs:
            if k in SHOWN_ATTRS and v:
                self.parts.append(v)
            if tag == "option" and k == "label" and v:
                self.parts.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


def visible_nodes(html: str) -> list[str]:
    """The visible texts one by one (a table cell, a span, a title …), stripped."""
    p = _Text()
    p.feed(html)
    return [t.strip() for t in p.parts if t.strip()]


def _codes() -> set[str]:
    out: set[str] = set()
    stack = list(Vocabulary.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for member in cls:  # type: ignore[var-annotated]
            value = str(member.value)
            if value.isascii() and value != member.zh:
                out.add(value)
    return out


CODES = _codes()


def _en_labels() -> set[str]:
    out: set[str] = set()
    stack = list(Vocabulary.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for member in cls:
            out.add(str(member.en).casefold())
    return out


# A code shown raw on an English page: a text that is a whole vocabulary code while no
# vocabulary's English name reads so ("cross" for "cross review", "assigned" …).
RAW_ON_EN = {c for c in CODES if c.casefold() not in _en_labels()}
PERSON_ID = re.compile(r"(?<![A-Za-z0-9])[PSV]\d+(?![0-9])")  # staff, suspect, victim ids
UNIT_CODE = re.compile(r"(?<![\d\-A-Za-z])\d{6}(?![\d\-])")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.:]*[A-Za-z0-9_]|[A-Za-z]")


# A research document the catalogue cites by its name in some bases (a citation, not a code).
CITED = ("law-and-practice",)


def internal_codes(text: str) -> list[str]:
    for cited in CITED:
        text = text.replace(cited, " ")
    found = PERSON_ID.findall(text) + UNIT_CODE.findall(text)
    for token in TOKEN.findall(text):
        if token in ALLOWED:
            continue
        pieces = re.split(r"[.:]", token)
        lowercase_word = token.isascii() and token.islower() and len(token) >= 3
        if "_" in token or lowercase_word or token in CODES or any(p in CODES for p in pieces):
            found.append(token)  # a zh page has no lower-case English word: it would be a code
    return found


def test_the_detector_sees_what_the_issue_saw() -> None:
    for bad in ("决定 not_prosecute", "counsel_notice", "cross", "review_overdue",
                "missing_field", "prosecutor · case_officer", "P000657", "单位 440111", "告知被害人权利 · V1",
                "procedure.overdue", "monitoring_ledger:x:review_overdue"):  # fmt: skip
        assert internal_codes(bad), bad
    assert internal_codes("441323-2025-XSSC-000002 盗窃罪 2025-06-30 UTC") == []


# On an English page lower-case words are English; a code is snake_case, dotted or colon-joined
# (procedure.overdue, monitoring_ledger:x:review_overdue), or a whole text that is a raw code.
EN_JOINED = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:[_.:][a-z0-9]+)+(?![\w/-])")


def internal_codes_en(nodes: list[str]) -> list[str]:
    found: list[str] = []
    for node in nodes:
        text = node
        for cited in CITED:
            text = text.replace(cited, " ")
        found += PERSON_ID.findall(text) + UNIT_CODE.findall(text)
        found += [t for t in EN_JOINED.findall(text) if t not in ALLOWED]
        for piece in re.split(r"\s*[·,;|]\s*", text):
            if piece in RAW_ON_EN:
                found.append(piece)
    return found


def test_the_english_detector_sees_codes_and_lets_english_be() -> None:
    for bad in (["Decision not_prosecute"], ["counsel_notice"], ["cross"], ["procedure.overdue"],
                ["monitoring_ledger:x:review_overdue"], ["prosecutor · case_officer"],
                ["P000657"], ["Unit 440111"], ["missing_field"]):  # fmt: skip
        assert internal_codes_en(bad), bad
    fine = ["441323-2025-XSSC-000002 theft 2025-06-30 UTC", "Cross review", "done late by 3 days",
            "the form expired; reload the page and try again", "Refused; still missing:",
            "active (open + notified)"]  # fmt: skip
    assert internal_codes_en(fine) == []


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    d = build(tmp_path_factory.mktemp("words"), cases=1200, plant=True)
    a = d.users["prosecutor_a"]
    with d.application() as app:
        cfg = app.rules.responsibility
        svc.build_lists(app.uow(), cfg, d.as_of, "test", NOW)
        svc.open_referral(app.uow(), cfg.referral, ReferralSource.MANUAL, "lead-a", a.id, a.unit,
                          d.handled_by[a.id][0], "线索", d.users["head_a"].id, d.as_of)  # fmt: skip
        svc.open_rectification(app.uow(), RectificationKind.ORDINARY, "文书整改",
                               RectificationSource.MANUAL, "rect-a", a.unit, ["文书不规范"],
                               d.as_of, d.as_of + dt.timedelta(days=30), "test")  # fmt: skip
        _decide_some(app, d)
    return d


def _decide_some(application: App, d: WebData) -> None:
    """A day's work in unit A: the first open case of head_a's department (prosecutor_a's, as
    the data falls), decided with head_a's approval and not closed, so that the handler's gate,
    the head's verifications and the unit's gate have rows to read (the deadlines' words, the
    ledger's rule titles, are on the ledger pages)."""
    head = d.users["head_a"]
    with application.uow() as uow:
        loaded = uow.cases.load_cases(d.cases_by_unit[head.unit])
    for case in (loaded[i] for i in sorted(loaded)):
        if case.closed_on is not None or case.decision is not None:
            continue
        if case.department != head.department:
            continue
        choices = casework.decision_choices(application.uow(), application.rules, case.case_id,
                                            head.id, d.as_of)  # fmt: skip
        ok = next((ch.type for ch in choices if ch.refused is None), None)
        if ok is not None:
            casework.record_decision(application.uow(), application.rules, case.case_id, ok,
                                     d.as_of, head.id)  # fmt: skip
            return


@pytest.fixture(scope="module")
def app(data: WebData) -> FastAPI:
    """The site two working days after the monitoring run, so that ledger entries reach their
    next level by time (the case officer's list of escalations has rows)."""
    later = working_day_after(rules().calendar, data.as_of, 2)
    return create_app(app_for(data.url, as_of=later), data.config())


# The workbench's lists the fixture gives rows (``_decide_some`` and the site's later clock).
WITH_ROWS = {
    "prosecutor_a": ("/due/gate",),
    "head_a": ("/due/verify",),
    "officer_a": ("/due/escalate", "/due/gate_unit"),
}
LABELS = ["prosecutor_a", "officer_a", "head_a", "chief_city_a", "officer_province", "reviewer"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("label", LABELS)
def test_no_internal_code_on_any_page(app: FastAPI, data: WebData, label: str, lang: str) -> None:
    client = TestClient(app)
    if lang == "en":  # the switch in the header sets this cookie (pages.switch_language)
        assert client.get("/lang/en", follow_redirects=False).status_code == 303
        assert client.cookies.get(LANG_COOKIE) == "en"
    if label == "reviewer":  # a reviewer of the year's plan, who sees the forms to fill in
        with data.application() as application:
            with application.uow() as uow:
                who = uow.review.forms(REVIEW_YEAR)[0].reviewer
            from jianguan.services.accounts import set_password

            set_password(application.uow(), application.hasher, who, who, PASSWORD,
                         application.now(), "test")  # fmt: skip
    else:
        who = data.users[label].id
    login(client, who)
    bad: dict[str, list[str]] = {}
    listed: dict[str, int] = {}  # the workbench's lists visited: their rows
    paths = pages_of(client, who)
    for path in paths:
        r = client.get(path)
        for _ in range(600):  # a heavy list computed in the background answers 202 until ready
            if r.status_code != 202:
                break
            time.sleep(0.05)
            r = client.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        if lang == "en":
            found = internal_codes_en(visible_nodes(r.text))
        else:
            found = internal_codes(visible(r.text))
        if found:
            bad[path] = sorted(set(found))[:12]
        if path.startswith("/due/"):
            listed[path] = r.text.count('class="due-row"')
    assert len(paths) > 20
    for path in WITH_ROWS.get(label, ()):  # the walk read rows of these lists, not only headings
        assert listed.get(path), (path, listed)
    if lang == "en":  # the walk did read English pages
        assert '<html lang="en"' in client.get("/cases").text
    issues = client.get("/quality/issues").text  # kept from the walk: computed once
    if label == "officer_province":  # the planted defects and anomalies are on the pages
        assert 'data-count="0"' not in issues
    assert bad == {}, "\n".join(f"{k}: {v}" for k, v in bad.items())
