"""Planted defects are real and clean cases are clean, by an independent checker.

The checker below re-implements each definition of ``jianguan.synth.defects`` in the simplest way,
on the written files only, with the domain's period helpers. It must find nothing on cases not
named in defects.jsonl (the engines are measured for precision against that file) and must find
exactly the planted kind on each planted case.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from jianguan.adapters.calendar_file import default_calendar
from jianguan.domain.periods import add_days, add_months, add_months_civil, settle
from jianguan.synth.charges import CHARGE_NAMES
from jianguan.synth.defects import KINDS
from tests.support import generate

CAL = default_calendar()
Case = dict[str, Any]
DECISION_DOC = {
    "approve_arrest": "arrest_approval",
    "deny_arrest": "arrest_denial",
    "arrest_decided": "arrest_decision",
    "prosecute": "indictment",
    "not_prosecute": "non_prosecution_decision",
}
# 文号: 院简称 + 检 + 代字 + 〔year of issue〕 + serial + 号.
DOC_NO = re.compile(r"^\w+?检\w+〔(\d{4})〕\d+号$")
DOC_NO_IN_TEXT = re.compile(r"\w{1,4}检\w{1,6}?[〔(（]\d{4}[〕)）]\d+号")
# 组织法 第29条; 规则 第4条: decisions the default powers list reserves to the chief.
RESERVED = {"deny_arrest", "not_prosecute", "protest", "file_suit"}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def after(when: dt.date, raw: dt.date, custody: bool, reading: str) -> bool:
    """Is ``when`` past the period ending on ``raw``?

    ``reading`` "law": 刑事诉讼法 第105条 第4款, a rest-day end moves to the next working day
    except in custody; "never_moved": no end ever moves (strictest); "always_moved": every end
    moves, custody or not (most lenient). The generator must satisfy all three.
    """
    if when <= raw:  # (asks the calendar only when needed: it refuses uncovered years)
        return False
    if reading == "never_moved":
        return True
    moved = custody is False or reading == "always_moved"
    return when > settle(raw, CAL, in_custody=not moved).due


class View:
    """A case with its events grouped by type, and the case-level facts the rules use."""

    def __init__(self, case: Case, as_of: dt.date, reading: str) -> None:
        self.c, self.as_of, self.reading = case, as_of, reading
        self.ev: dict[str, list[tuple[dt.date, str | None]]] = defaultdict(list)
        for e in case["events"]:
            self.ev[e["type"]].append((day(e["on"]), e["party"]))
        self.docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in case["documents"]:
            self.docs[d["type"]].append(d)
        self.received = day(case["received_on"])
        self.custody = any(s["in_custody"] for s in case["suspects"])
        self.decision = case["decision"]
        self.decided = day(self.decision["on"]) if self.decision else None

    def late(self, when: dt.date, raw: dt.date) -> bool:
        return after(when, raw, self.custody, self.reading)

    def days(self, kind: str, party: str | None = None) -> list[dt.date]:
        return [d for d, p in self.ev[kind] if party is None or p == party]

    def unanswered(self, ask: str, answer: str, end: Any, custody: bool | None = None) -> bool:
        """Some ``ask`` event whose first ``answer`` (same party) on or after it is past the
        period ending ``end(asked)``, or that has none while ``as_of`` is past that end."""
        held = self.custody if custody is None else custody
        for asked, party in self.ev[ask]:
            done = [d for d, p in self.ev[answer] if p == party and d >= asked]
            when = min(done) if done else self.as_of
            if after(when, end(asked), held, self.reading):
                return True
        return False


def review_period(v: View) -> set[str]:
    """review_overdue / extension_unapproved (刑诉法 第91、172、175条; 规则 第282条)."""
    c, when = v.c, v.decided or v.as_of
    if c["category"] == "arrest_review":
        period = 7 if v.custody else (20 if c["major_complex"] else 15)
        return {"review_overdue"} if v.late(when, add_days(v.received, period)) else set()
    if c["category"] != "prosecution_review":
        return set()
    returns, back = v.days("returned_for_investigation"), v.days("retransferred")
    if v.decided is None and returns and (not back or max(returns) > max(back)):
        return set()  # with the investigators: the review period is not running
    base = max(back) if back else v.received
    extended = any(d >= base for d in v.days("extension_approved"))
    # 刑诉法 第172条第1款: one month, a major or complex case "可以延长十五日"; 速裁 ten days, over
    # one year "可以延长至十五日" — the longer end only with an approved extension.
    if all(s["fast_track"] for s in c["suspects"]):
        may_extend = any((s["likely_sentence_months"] or 0) > 12 for s in c["suspects"])
        short, window = add_days(base, 10), add_days(base, 15)
    else:
        may_extend = c["major_complex"]
        short = add_months(base, 1)
        window = add_days(short, 15)
    legal = window if may_extend and extended else short
    found = {"review_overdue"} if v.late(when, legal) else set()
    if may_extend and not extended and v.decided and found and not v.late(when, window):
        found.add("extension_unapproved")
    return found


def three_day_duties(v: View) -> set[str]:
    """刑诉法 第34条 (counsel), 第46条 (victims), 第35条 and 法律援助法 第25条 (legal aid)."""
    c, found = v.c, set()
    raw = add_days(v.received, 3)
    if not v.late(v.as_of, raw):
        return found  # not yet due

    def late(kind: str, party: str) -> bool:
        return not any(not v.late(d, raw) for d in v.days(kind, party))

    if c["category"] == "prosecution_review":
        if any(late("counsel_notified", s["id"]) for s in c["suspects"]):
            found.add("counsel_notice_late")
        if any(late("victim_notified", w["id"]) for w in c["victims"]):
            found.add("victim_notice_late")
    if c["category"] in ("arrest_review", "prosecution_review"):
        # 第35条第2、3款 and 法律援助法 第25条: a minor, a blind, deaf or mute suspect, a mentally
        # ill one, or one who may face life imprisonment or death, without counsel
        needy = [
            s
            for s in c["suspects"]
            if (s["minor"] or s["disability"] or s.get("likely_sentence") in ("life", "death"))
            and not s["has_counsel"]
        ]
        if any(late("legal_aid_requested", s["id"]) for s in needy):
            found.add("legal_aid_missing")
    return found


def returns(v: View) -> set[str]:
    """刑诉法 第175条 第3款 (at most twice); 规则 第342条 (an outline with every return)."""
    found = set()
    ret = Counter(v.days("returned_for_investigation"))
    if sum(ret.values()) > 2:
        found.add("return_limit_exceeded")
    outlines = Counter(day(d["issued_on"]) for d in v.docs["investigation_outline"])
    if any(outlines[d] < n for d, n in ret.items()):
        found.add("return_outline_missing")
    return found


def decision_checks(v: View) -> set[str]:
    c, dec, found = v.c, v.decision, set()
    if dec is None:
        return found
    reserved = dec["type"] in RESERVED or c["major_complex"]
    if reserved and (dec["approved_by"] is None or not v.days("approval")):
        found.add("approval_missing")
    # 刑诉法 第174条第1款: each suspect who pleads signs a statement, with the defender or duty
    # lawyer present, before the indictment; 第2款: not the blind, deaf, mute or mentally ill,
    # nor a minor whose legal representative or defender objected.
    if c["category"] == "prosecution_review" and any(
        not plea_signed(v, s) for s in c["suspects"] if must_sign(c, s)
    ):
        found.add("plea_statement_missing")
    doc_type = DECISION_DOC.get(dec["type"])
    if doc_type and c["category"] in ("arrest_review", "prosecution_review"):
        docs = v.docs[doc_type]
        if not docs:
            found.add("document_missing")
        elif any(d["issued_on"] != dec["on"] for d in docs):
            found.add("date_mismatch")
        if dec["type"] == "prosecute" and docs and not indictment_agrees(c, docs[0]["text"]):
            found.add("charge_mismatch")
    return found


def must_sign(c: Case, s: dict[str, Any]) -> bool:
    objected = any(e["type"] == "plea_objection" and e["party"] == s["id"] for e in c["events"])
    return s["plea_leniency"] and s["disability"] is None and not (s["minor"] and objected)


def plea_signed(v: View, s: dict[str, Any]) -> bool:
    indicted = [d["issued_on"] for d in v.docs["indictment"]]
    by = min(indicted) if indicted else v.decision["on"]
    return any(
        f"犯罪嫌疑人：{s['name']}\n" in d["text"]
        and d["issued_on"] <= by
        and re.search(r"^(辩护人|值班律师)：\S+$", d["text"], re.MULTILINE)
        for d in v.docs["plea_statement"]
    )


def record_checks(v: View) -> set[str]:
    """The kinds planted on the finished record (jianguan.synth.card_defects)."""
    c, dec, found = v.c, v.decision, set()
    if c["category"] in ("arrest_review", "prosecution_review") and not c["charges"]:
        found.add("card_incomplete")
    doc_type = DECISION_DOC.get(dec["type"]) if dec else None
    docs = v.docs[doc_type] if doc_type else []
    if docs and docs[0]["text"]:
        doc = docs[0]
        if any(s["name"] not in doc["text"] for s in c["suspects"]):
            found.add("name_mismatch")
        form = DOC_NO.match(doc["no"] or "")
        first_no = DOC_NO_IN_TEXT.search(doc["text"])
        if (
            form is None
            or form.group(1) != doc["issued_on"][:4]
            or first_no is None
            or first_no.group(0) != doc["no"]
        ):
            found.add("document_no_invalid")
    return found


def indictment_agrees(c: Case, text: str) -> bool:
    named = {n for n in CHARGE_NAMES if n in text}
    return named == set(c["charges"])


def after_decision(v: View) -> set[str]:
    c, found = v.c, set()
    if c["archived_on"] and (not v.days("self_check") or not v.days("verification")):
        found.add("archived_unchecked")
    if c["closed_on"]:
        opinions = sorted(v.days("consultation_opinion"))
        answers = sorted(v.days("consultation_answered"))
        if len(answers) < len(opinions) or any(
            a < o for o, a in zip(opinions, answers, strict=False)
        ):
            found.add("consultation_unanswered")
    # 刑诉法 第93条 "除无法通知的以外，应当在逮捕后二十四小时以内，通知被逮捕人的家属"
    dec = v.decision
    arrest = ("approve_arrest", "arrest_decided")  # 批准逮捕 and 决定逮捕 alike
    decided = v.decided if dec and dec["type"] in arrest else None
    if decided and any(family_late(c, s["id"], decided, v.as_of) for s in c["suspects"]):
        found.add("family_notice_late")
    return found


def family_late(c: Case, party: str, decided: dt.date, as_of: dt.date) -> bool:
    """From the suspect's first arrest_executed (else the approval): a notice within 24 hours —
    by the hour when both carry `at`, else on or before the next day — or 无法通知 recorded."""
    mine = [e for e in c["events"] if e["party"] == party]
    notices = [e for e in mine if e["type"] == "family_notified"]
    if any((e["note"] or "").startswith("无法通知") for e in notices):
        return False
    arrests = [e for e in mine if e["type"] == "arrest_executed"]
    start = min((day(e["on"]) for e in arrests), default=decided)
    times = [dt.datetime.fromisoformat(e["at"]) for e in arrests
             if e.get("at") and day(e["on"]) == start]  # fmt: skip
    at = min(times, default=None)
    last_day = start + dt.timedelta(days=1)
    if as_of <= last_day:
        return False  # not yet due

    def in_time(e: dict[str, Any]) -> bool:
        if at is not None and e.get("at"):
            return dt.datetime.fromisoformat(e["at"]) <= at + dt.timedelta(hours=24)
        return day(e["on"]) <= last_day

    return not any(in_time(e) for e in notices)


def format_1_1_duties(v: View) -> set[str]:
    """The rules of format 1.1's events (刑诉法 第95、173、175、281条; 公益诉讼解释 第21条)."""
    c, found = v.c, set()
    criminal = c["category"] in ("arrest_review", "prosecution_review")
    if c["category"] == "prosecution_review":
        # 第175条第3款 "应当在一个月以内补充侦查完毕"
        if v.unanswered("returned_for_investigation", "retransferred", lambda d: add_months(d, 1)):
            found.add("return_overdue")
        # 第173条 "听取辩护人或者值班律师、被害人及其诉讼代理人的意见，并记录在案"
        if v.decided is not None:
            heard = {p for d, p in v.ev["opinion_heard"] if d <= v.decided}
            parties = [s["id"] for s in c["suspects"]] + [w["id"] for w in c["victims"]]
            if any(p not in heard for p in parties):
                found.add("opinions_unheard")
    if criminal:
        # 第95条 "有关机关应当在十日以内将处理情况通知人民检察院"; the suspect is held: never moved
        ten = lambda d: add_days(d, 10)  # noqa: E731
        if v.unanswered("necessity_applied", "necessity_answered", ten, custody=True):
            found.add("custody_necessity_late")
        # 第281条 "在讯问和审判的时候，应当通知未成年犯罪嫌疑人、被告人的法定代理人到场"
        minors = {s["id"] for s in c["suspects"] if s["minor"]}
        present = set(v.ev["guardian_present"])
        if any(p in minors and (d, p) not in present for d, p in v.ev["questioned"]):
            found.add("minor_guardian_absent")
    if c["category"] == "public_interest":
        # 解释 第21条 "收到检察建议书之日起两个月内……书面回复" (civil month rule)
        two = lambda d: add_months_civil(d, 2)  # noqa: E731
        if v.unanswered("public_interest_notice", "public_interest_reply", two, custody=False):
            found.add("public_interest_reply_overdue")
    return found


def find_defects(case: Case, as_of: dt.date, reading: str = "law") -> set[str]:
    v = View(case, as_of, reading)
    return (
        format_1_1_duties(v)
        | review_period(v)
        | three_day_duties(v)
        | returns(v)
        | decision_checks(v)
        | after_decision(v)
        | record_checks(v)
    )


def load(folder: Path) -> tuple[list[Case], dict[str, list[str]], dt.date]:
    cases = [orjson.loads(line) for line in (folder / "cases.jsonl").read_bytes().splitlines()]
    truth: dict[str, list[str]] = defaultdict(list)
    for line in (folder / "defects.jsonl").read_bytes().splitlines():
        row = orjson.loads(line)
        truth[row["case_id"]].append(row["kind"])
    as_of = day(orjson.loads((folder / "manifest.json").read_bytes())["as_of"])
    return cases, truth, as_of


@pytest.fixture(scope="module")
def planted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Case], dict[str, list[str]], dt.date]:
    out = tmp_path_factory.mktemp("planted")
    generate(out, cases=8000, seed=11, defect_rate=0.2, workers=1)
    return load(out)


@pytest.fixture(scope="module")
def clean(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Case], dict[str, list[str]], dt.date]:
    out = tmp_path_factory.mktemp("clean")
    generate(out, cases=6000, seed=5, start=dt.date(2024, 6, 1), end=dt.date(2025, 10, 8))
    return load(out)


def test_without_a_rate_nothing_is_planted_and_nothing_is_found(clean: Any) -> None:
    cases, truth, as_of = clean
    assert truth == {}
    found = {c["case_id"]: k for c in cases if (k := find_defects(c, as_of))}
    assert found == {}


def test_legal_aid_is_planted_for_life_or_death_too(planted: Any) -> None:
    """刑诉法 第35条第3款: some planted legal_aid_missing cases are of a suspect who may face life
    imprisonment or death and has no other ground; clean ones of the kind have the request."""
    cases, truth, _ = planted
    grave = [
        c
        for c in cases
        if any(
            s.get("likely_sentence") in ("life", "death")
            and not s["minor"]
            and not s["disability"]
            and not s["has_counsel"]
            for s in c["suspects"]
        )
    ]
    planted_ids = {cid for cid, ks in truth.items() if "legal_aid_missing" in ks}
    assert any(c["case_id"] in planted_ids for c in grave)
    assert any(c["case_id"] not in planted_ids for c in grave)


def test_every_kind_is_planted_at_about_the_rate(planted: Any) -> None:
    cases, truth, _ = planted
    kinds = Counter(k for ks in truth.values() for k in ks)
    assert set(kinds) == set(KINDS)
    assert "review_due_soon" not in kinds
    # one kind per case, except that a case decided inside the extension window without the
    # approval is overdue as well (刑诉法 第172条第1款)
    assert all(len(ks) == 1 or sorted(ks) == ["extension_unapproved", "review_overdue"]
               for ks in truth.values())  # fmt: skip
    assert 0.17 <= len(truth) / len(cases) <= 0.22


@pytest.mark.parametrize("reading", ["law", "never_moved"])
def test_clean_cases_of_a_planted_set_are_clean(planted: Any, reading: str) -> None:
    cases, truth, as_of = planted
    found = {
        c["case_id"]: k
        for c in cases
        if c["case_id"] not in truth and (k := find_defects(c, as_of, reading))
    }
    assert found == {}


@pytest.mark.parametrize("reading", ["law", "always_moved"])
def test_each_planted_case_shows_exactly_its_kind(planted: Any, reading: str) -> None:
    cases, truth, as_of = planted
    wrong = {
        c["case_id"]: (truth[c["case_id"]], sorted(found))
        for c in cases
        if c["case_id"] in truth
        and (found := find_defects(c, as_of, reading)) != set(truth[c["case_id"]])
    }
    assert wrong == {}


def test_defects_file_names_only_cases_of_the_set(planted: Any) -> None:
    cases, truth, _ = planted
    ids = {c["case_id"] for c in cases}
    assert set(truth) <= ids
