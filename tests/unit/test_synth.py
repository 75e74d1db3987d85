"""The synthetic data set: deterministic, valid format v1, shaped like a province's caseload."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from jianguan.adapters.calendar_file import default_calendar
from jianguan.domain.model import (
    AssignmentMode,
    CaseCategory,
    CaseSource,
    Disability,
    EventType,
    NonProsecutionGround,
    OutcomeType,
    Role,
    UnitLevel,
    decisions_allowed,
)
from jianguan.synth.api import _results
from jianguan.synth.chunk import Setup
from jianguan.synth.fastcal import FastCalendar
from jianguan.synth.geo import places
from jianguan.synth.org import build_org
from jianguan.synth.skeleton import build_skeleton
from tests.support import generate

FILES = ("units.csv", "people.csv", "cases.jsonl", "defects.jsonl", "manifest.json")
CASE_KEYS = [
    "case_id", "unified_no", "unit", "department", "category", "source", "received_on", "handler",
    "assigned_on", "assignment", "major_complex", "charges", "suspects", "victims", "events",
    "decision", "outcome", "documents", "closed_on", "archived_on",
]  # fmt: skip
SUSPECT_KEYS = [
    "id", "name", "birth_date", "in_custody", "minor", "disability", "has_counsel",
    "plea_leniency", "fast_track", "likely_sentence_months",
]  # fmt: skip
EVENT_KEYS = ["type", "on", "by", "party", "note"]
OUTCOME_KEYS = [
    "type", "on", "sentence_months", "recommendation_months", "recommendation_accepted",
    "appealed", "charge_changed",
]  # fmt: skip
DOC_KEYS = ["type", "no", "issued_on", "text"]
CRIMINAL_REVIEW = {"arrest_review", "prosecution_review"}
CASE_ID = re.compile(r"^(\d{6})-(\d{4})-(XSDB|XSSC|XSJD|KGSS|MSJD|XZJD|GYSS)-(\d{6})$")
UNIFIED = re.compile(r"^(\d{6})-(\d{4})-(\d{6})$")
DOC_NO = re.compile(r"^(\w+?)检(\w+)〔(\d{4})〕(\d+)号$")


def read(folder: Path) -> dict[str, Any]:
    with (folder / "units.csv").open(encoding="utf-8", newline="") as f:
        units = list(csv.DictReader(f))
    with (folder / "people.csv").open(encoding="utf-8", newline="") as f:
        people = list(csv.DictReader(f))
    cases = [orjson.loads(x) for x in (folder / "cases.jsonl").read_bytes().splitlines()]
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    planted = {
        (row["case_id"], row["kind"])
        for row in map(orjson.loads, (folder / "defects.jsonl").read_bytes().splitlines())
    }
    return {
        "units": units,
        "people": people,
        "cases": cases,
        "manifest": manifest,
        "planted": planted,
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, cases=6000, seed=42, defect_rate=0.1, workers=1)
    return out


@pytest.fixture(scope="module")
def data(small: Path) -> dict[str, Any]:
    return read(small)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("large")
    generate(out, cases=20000, seed=9, workers=2)
    return read(out)


# ------------------------------------------------------------------ determinism


def test_same_arguments_give_identical_files_whatever_the_workers(
    small: Path, tmp_path: Path
) -> None:
    generate(tmp_path / "a", cases=6000, seed=42, defect_rate=0.1, workers=2)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (small / name).read_bytes(), name


def test_another_seed_gives_other_data(small: Path, tmp_path: Path) -> None:
    generate(tmp_path / "b", cases=6000, seed=43, defect_rate=0.1, workers=1)
    assert (tmp_path / "b" / "cases.jsonl").read_bytes() != (small / "cases.jsonl").read_bytes()


def test_chunks_made_in_spawned_workers_equal_chunks_made_here() -> None:
    calendar = default_calendar()
    start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    first, last = start - dt.timedelta(days=7), end + dt.timedelta(days=600)
    fc = FastCalendar(calendar, first, last)
    sk = build_skeleton(5, 7000, fc, calendar, places(), start.toordinal(), end.toordinal())
    setup = Setup(5, first.toordinal(), last.toordinal(), end.toordinal(), 0.2, sk.totals, calendar)
    here = [r.cases + r.defects for r in _results(setup, sk, 1, build_org(5), fc)]
    spawned = [r.cases + r.defects for r in _results(setup, sk, 2, build_org(5), fc, "spawn")]
    assert len(here) == 2
    assert spawned == here


def test_organisation_does_not_depend_on_the_number_of_cases(small: Path, tmp_path: Path) -> None:
    generate(tmp_path / "c", cases=50, seed=42)
    for name in ("units.csv", "people.csv"):
        assert (tmp_path / "c" / name).read_bytes() == (small / name).read_bytes()


def test_summary_counts_what_was_written(tmp_path: Path) -> None:
    s = generate(tmp_path, cases=1200, seed=3, defect_rate=0.3, workers=1)
    lines = (tmp_path / "defects.jsonl").read_bytes().splitlines()
    assert s.cases == sum(s.by_category.values()) == 1200
    assert s.defects == len(lines) == sum(s.defects_by_kind.values())
    assert (s.units, s.people) == (82, len((tmp_path / "people.csv").read_text().splitlines()) - 1)
    assert s.elapsed_seconds > 0


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    seen: list[int] = []
    generate(tmp_path, cases=12000, seed=3, workers=1, progress=seen.append)
    assert seen == [5000, 10000, 12000]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cases": -1}, "cases"),
        ({"cases": 10, "defect_rate": 1.5}, "defect_rate"),
        ({"cases": 10, "start": dt.date(2023, 1, 1)}, "calendar"),
        ({"cases": 10, "start": dt.date(2025, 2, 1), "end": dt.date(2025, 1, 1)}, "end"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(tmp_path, seed=1, **kwargs)


# ------------------------------------------------------------------ format v1


def test_manifest(data: dict[str, Any]) -> None:
    assert data["manifest"] == {
        "generator": "jianguan.synth", "version": 1, "seed": 42, "cases": 6000,
        "start": "2024-01-01", "end": "2025-12-31", "as_of": "2025-12-31", "defect_rate": 0.1,
    }  # fmt: skip


def test_units_form_a_province_shaped_tree(data: dict[str, Any]) -> None:
    units = {u["code"]: u for u in data["units"]}
    assert list(data["units"][0].keys()) == ["code", "name", "level", "parent"]
    levels = Counter(u["level"] for u in units.values())
    assert levels["provincial"] == 1
    assert levels["municipal"] == 10
    assert levels["basic"] >= 60
    assert set(levels) <= {v.value for v in UnitLevel}
    assert units["440000"]["parent"] == ""
    assert units["440000"]["name"] == "广东省人民检察院"
    assert units["440304"]["name"] == "深圳市福田区人民检察院"
    assert units["440106"]["name"] == "广州市天河区人民检察院"
    assert units["440222"]["name"] == "始兴县人民检察院"
    for u in units.values():
        if u["level"] == "basic":
            parent = units[u["parent"]]
            assert parent["level"] == "municipal"
            assert parent["code"][:4] == u["code"][:4]
        elif u["level"] == "municipal":
            assert u["parent"] == "440000"


def test_staff_per_unit(data: dict[str, Any]) -> None:
    units = {u["code"]: u for u in data["units"]}
    people = data["people"]
    assert list(people[0].keys()) == [
        "id", "name", "unit", "department", "role", "in_quota", "senior",
    ]  # fmt: skip
    assert len({p["id"] for p in people}) == len(people)
    assert all(re.fullmatch(r"P\d{6}", p["id"]) for p in people)
    assert all(
        p["in_quota"] in ("true", "false") and p["senior"] in ("true", "false") for p in people
    )
    assert {p["role"] for p in people} == {r.value for r in Role}
    assert all(2 <= len(p["name"]) <= 4 for p in people)
    by_unit: dict[str, Counter[str]] = {code: Counter() for code in units}
    quota: Counter[str] = Counter()
    for p in people:
        by_unit[p["unit"]][p["role"]] += 1
        quota[p["unit"]] += p["in_quota"] == "true"
        if p["role"] == "case_officer":
            assert p["department"] == "案件管理部"
        if p["role"] == "inspector":
            assert p["department"] == "检务督察部"
    for code, roles in by_unit.items():
        assert roles["chief"] == 1
        assert 2 <= roles["deputy_chief"] <= 3
        assert roles["case_officer"] >= 2
        assert roles["inspector"] >= 1
        if units[code]["level"] == "basic":
            assert 15 <= roles["prosecutor"] <= 40
    assert max(quota[c] for c in units if units[c]["level"] == "municipal") > max(
        quota[c] for c in units if units[c]["level"] == "basic"
    )


def check_case(
    c: dict[str, Any],
    units: set[str],
    staff: dict[str, dict[str, str]],
    as_of: str,
    planted: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> None:
    assert list(c) == CASE_KEYS
    cat = c["category"]
    assert cat in {x.value for x in CaseCategory}
    assert c["source"] in {x.value for x in CaseSource}
    assert c["assignment"] in {x.value for x in AssignmentMode}
    assert c["unit"] in units
    assert c["case_id"].startswith(c["unit"] + "-")
    assert CASE_ID.match(c["case_id"])
    assert UNIFIED.match(c["unified_no"])
    assert staff[c["handler"]]["unit"] == c["unit"]
    assert staff[c["handler"]]["in_quota"] == "true"
    assert c["received_on"] <= c["assigned_on"] <= as_of
    parties = {s["id"] for s in c["suspects"]} | {v["id"] for v in c["victims"]}
    for s in c["suspects"]:
        # format 1.1: a likely-sentence band (life, death …) only where the months cannot say it
        assert list(s) in (SUSPECT_KEYS, [*SUSPECT_KEYS, "likely_sentence"])
        if "likely_sentence" in s:
            assert s["likely_sentence_months"] is None
        assert s["disability"] is None or s["disability"] in {d.value for d in Disability}
        dt.date.fromisoformat(s["birth_date"])
    assert all(list(v) == ["id", "name"] for v in c["victims"])
    if cat not in CRIMINAL_REVIEW:
        assert c["charges"] == c["suspects"] == c["victims"] == []
    else:
        assert c["charges"] or (c["case_id"], "card_incomplete") in planted
        assert c["suspects"]
    dates = [e["on"] for e in c["events"]]
    assert dates == sorted(dates)
    assert all(c["received_on"] <= d <= as_of for d in dates)
    for e in c["events"]:
        assert list(e) in (EVENT_KEYS, [*EVENT_KEYS, "at"])  # format 1.1: `at` optional
        assert e["type"] in {t.value for t in EventType}
        assert e["by"] is None or staff[e["by"]]["unit"] == c["unit"]
        assert e["party"] is None or e["party"] in parties
    check_decision(c, staff)
    for d in c["documents"]:
        assert list(d) == DOC_KEYS
        assert c["received_on"] <= d["issued_on"] <= as_of
        assert (
            d["no"] is None
            or DOC_NO.match(d["no"])
            or (c["case_id"], "document_no_invalid") in planted
        )


def check_decision(c: dict[str, Any], staff: dict[str, dict[str, str]]) -> None:
    dec, types = c["decision"], [e["type"] for e in c["events"]]
    if dec is None:
        assert c["closed_on"] is None
        assert c["archived_on"] is None
        assert c["outcome"] is None
        assert "decided" not in types
        assert "closed" not in types
        return
    allowed = {d.value for d in decisions_allowed(CaseCategory(c["category"]))}
    assert dec["type"] in allowed
    assert dec["by"] == c["handler"]
    assert list(dec) == ["type", "on", "by", "approved_by"] + (
        ["ground"] if dec["type"] == "not_prosecute" else []
    )
    if dec["type"] == "not_prosecute":
        assert dec["ground"] in {g.value for g in NonProsecutionGround}
    if dec["approved_by"] is not None:
        assert staff[dec["approved_by"]]["role"] in ("chief", "deputy_chief")
    assert c["received_on"] <= dec["on"] == c["closed_on"]
    assert types.count("decided") == 1
    assert types.count("closed") == 1
    assert c["archived_on"] is None or c["archived_on"] > c["closed_on"]
    if c["outcome"] is not None:
        assert dec["type"] == "prosecute"
        assert list(c["outcome"]) == OUTCOME_KEYS
        assert c["outcome"]["type"] in {o.value for o in OutcomeType}
        assert c["outcome"]["on"] > dec["on"]


def test_every_case_follows_the_format(data: dict[str, Any]) -> None:
    units = {u["code"] for u in data["units"]}
    staff = {p["id"]: p for p in data["people"]}
    as_of = data["manifest"]["as_of"]
    for c in data["cases"]:
        check_case(c, units, staff, as_of, data["planted"])


def test_case_numbers_are_unique_and_run_in_receipt_order(data: dict[str, Any]) -> None:
    cases = data["cases"]
    assert len({c["case_id"] for c in cases}) == len(cases)
    last: dict[tuple[str, ...], tuple[int, str]] = {}
    for c in cases:
        unit, year, kind, serial = CASE_ID.match(c["case_id"]).groups()  # type: ignore[union-attr]
        assert year == c["received_on"][:4]
        prev = last.get((unit, year, kind), (0, ""))
        assert int(serial) == prev[0] + 1
        assert c["received_on"] >= prev[1]
        last[(unit, year, kind)] = (int(serial), c["received_on"])


def test_document_numbers_are_unique_and_carry_the_issuing_year(data: dict[str, Any]) -> None:
    abbr = {"440304": "深福", "440106": "穗天", "440300": "深", "440000": "粤"}
    seen: set[str] = set()
    for c in data["cases"]:
        if (c["case_id"], "document_no_invalid") in data["planted"]:
            continue
        for d in c["documents"]:
            if d["no"] is None:
                continue
            assert d["no"] not in seen
            seen.add(d["no"])
            unit_abbr, _, year, _ = DOC_NO.match(d["no"]).groups()  # type: ignore[union-attr]
            assert year == d["issued_on"][:4]
            assert unit_abbr == abbr.get(c["unit"], unit_abbr)
    assert len(seen) > 1000


def test_stages_of_a_matter_share_the_unified_number(data: dict[str, Any]) -> None:
    by_no: dict[str, list[dict[str, Any]]] = {}
    for c in data["cases"]:
        by_no.setdefault(c["unified_no"], []).append(c)
    pairs = [v for v in by_no.values() if len(v) > 1]
    assert len(pairs) > 300
    for stages in pairs:
        arrest, prosecution = sorted(stages, key=lambda c: c["received_on"])
        assert (arrest["category"], prosecution["category"]) == CRIMINAL_REVIEW_ORDER
        assert arrest["unit"] == prosecution["unit"]
        incomplete = {(x["case_id"], "card_incomplete") for x in stages} & data["planted"]
        assert arrest["charges"] == prosecution["charges"] or incomplete
        assert arrest["decision"] is not None
        assert arrest["decision"]["on"] < prosecution["received_on"]
        assert [s["name"] for s in arrest["suspects"]] == [
            s["name"] for s in prosecution["suspects"]
        ]
        arrested = arrest["decision"]["type"] in ("approve_arrest", "arrest_decided")
        assert all(s["in_custody"] == arrested for s in prosecution["suspects"])


CRIMINAL_REVIEW_ORDER = ("arrest_review", "prosecution_review")


# ------------------------------------------------------------------ proportions


def test_four_lines_in_the_2024_ratio_84_7_5_4(large: dict[str, Any]) -> None:
    cats = Counter(c["category"] for c in large["cases"])
    n = len(large["cases"])
    criminal = sum(cats[k] for k in CRIMINAL_REVIEW | {"criminal_supervision", "complaint"})
    assert criminal / n == pytest.approx(0.84, abs=0.015)
    assert cats["civil_supervision"] / n == pytest.approx(0.07, abs=0.01)
    assert cats["admin_supervision"] / n == pytest.approx(0.05, abs=0.01)
    assert cats["public_interest"] / n == pytest.approx(0.04, abs=0.01)
    assert cats["prosecution_review"] > cats["arrest_review"] > cats["criminal_supervision"]


def persons(cases: list[dict[str, Any]], category: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for c in cases:
        if c["category"] == category and c["decision"]:
            out[c["decision"]["type"]] += len(c["suspects"])
    return out


def test_non_arrest_and_non_prosecution_rates_of_2024_25(large: dict[str, Any]) -> None:
    # 不捕率 ≈ 34 %, 不诉率 ≈ 20 % of persons (SPP 2024–25; law-and-practice §5).
    ar = persons(large["cases"], "arrest_review")
    pr = persons(large["cases"], "prosecution_review")
    assert ar["deny_arrest"] / (ar["deny_arrest"] + ar["approve_arrest"]) == pytest.approx(
        0.34, abs=0.03
    )
    assert pr["not_prosecute"] / (pr["not_prosecute"] + pr["prosecute"]) == pytest.approx(
        0.20, abs=0.03
    )


def test_plea_fast_track_returns_and_outcomes(large: dict[str, Any]) -> None:
    pr = [c for c in large["cases"] if c["category"] == "prosecution_review"]
    suspects = [s for c in pr if c["decision"] for s in c["suspects"]]
    assert 0.85 <= sum(s["plea_leniency"] for s in suspects) / len(suspects) <= 0.92
    plea_cases = [c for c in pr if any(s["plea_leniency"] for s in c["suspects"])]
    fast = sum(all(s["fast_track"] for s in c["suspects"]) for c in plea_cases)
    assert 0.22 <= fast / len(plea_cases) <= 0.38
    returned = [sum(e["type"] == "returned_for_investigation" for e in c["events"]) for c in pr]
    assert 0.07 <= sum(r > 0 for r in returned) / len(pr) <= 0.14
    assert 0 < sum(r == 2 for r in returned) < sum(r == 1 for r in returned)
    outcomes = [c["outcome"] for c in pr if c["outcome"]]
    kinds = Counter(o["type"] for o in outcomes)
    assert kinds["convicted"] / len(outcomes) > 0.97
    assert kinds["acquitted"] / len(outcomes) < 0.003
    made = [o for o in outcomes if o["recommendation_accepted"] is not None]
    assert 0.9 <= sum(o["recommendation_accepted"] for o in made) / len(made) <= 0.97
    assert 0.01 <= sum(o["appealed"] for o in outcomes) / len(outcomes) <= 0.08


def test_dangerous_driving_is_the_most_frequent_charge(large: dict[str, Any]) -> None:
    charges = Counter(
        ch for c in large["cases"] if c["category"] == "prosecution_review" for ch in c["charges"]
    )
    top = charges.most_common(3)
    assert top[0][0] == "危险驾驶罪"
    assert top[1][0] == "盗窃罪"
    assert 0.15 <= top[0][1] / sum(charges.values()) <= 0.26


def test_sources_by_category(large: dict[str, Any]) -> None:
    src: dict[str, Counter[str]] = {}
    for c in large["cases"]:
        src.setdefault(c["category"], Counter())[c["source"]] += 1
    assert set(src["arrest_review"]) == set(src["prosecution_review"]) == {"transferred"}
    assert src["civil_supervision"].most_common(1)[0][0] == "application"
    assert src["public_interest"].most_common(1)[0][0] == "self_discovered"
    assert len(src["criminal_supervision"]) == 3


def test_fewer_cases_around_the_spring_festival_and_closings_peak_in_december(
    large: dict[str, Any],
) -> None:
    received = Counter(c["received_on"][:7] for c in large["cases"])
    closed = Counter(c["closed_on"][:7] for c in large["cases"] if c["closed_on"])
    # 2024 Spring Festival 2-10..2-17 (国办 2023-10-25 notice)
    assert received["2024-02"] < 0.7 * received["2024-03"]
    assert closed["2024-12"] > 1.15 * closed["2024-11"]
    assert closed["2025-12"] > 1.15 * closed["2025-11"]


def test_only_arrest_requests_arrive_on_rest_days(large: dict[str, Any]) -> None:
    cal = default_calendar()
    off = Counter(
        c["category"]
        for c in large["cases"]
        if not cal.is_working_day(dt.date.fromisoformat(c["received_on"]))
    )
    assert set(off) == {"arrest_review"}
    assert 50 < off["arrest_review"] < 0.1 * len(large["cases"])


def test_received_and_assigned_events_match_the_card(data: dict[str, Any]) -> None:
    for c in data["cases"]:
        on = {e["type"]: e["on"] for e in c["events"]}
        assert on["received"] == c["received_on"]
        assert on["assigned"] == c["assigned_on"]


# ------------------------------------------------------------------ documents


def cn_date(iso: str) -> str:
    digits = "〇一二三四五六七八九"
    d = dt.date.fromisoformat(iso)

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (
            digits[ones] if ones or not tens else ""
        )

    return "".join(digits[int(x)] for x in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def test_chinese_numeral_dates() -> None:
    assert cn_date("2025-09-12") == "二〇二五年九月十二日"
    assert cn_date("2024-10-20") == "二〇二四年十月二十日"
    assert cn_date("2026-01-31") == "二〇二六年一月三十一日"


def test_indictments_agree_with_the_card(data: dict[str, Any]) -> None:
    units = {u["code"]: u["name"] for u in data["units"]}
    seen = 0
    for c in data["cases"]:
        if {(c["case_id"], "name_mismatch"), (c["case_id"], "document_no_invalid")} & data[
            "planted"
        ]:
            continue
        for d in c["documents"]:
            if d["type"] != "indictment" or c["decision"]["on"] != d["issued_on"]:
                continue
            text, seen = d["text"], seen + 1
            assert text.startswith(units[c["unit"]] + "\n起诉书\n" + d["no"])
            assert text.endswith(units[c["unit"]] + "\n" + cn_date(d["issued_on"]))
            for s in c["suspects"]:
                born = dt.date.fromisoformat(s["birth_date"])
                assert f"被告人{s['name']}，" in text
                assert f"{born.year}年{born.month}月{born.day}日出生" in text
            assert "提起公诉" in text
    assert seen > 500


def test_non_prosecution_decisions_cite_the_article_of_their_ground(data: dict[str, Any]) -> None:
    # 刑事诉讼法 第177条 第1款 (statutory), 第2款 (discretionary), 第175条 第4款 (insufficient
    # evidence after two returns).
    article = {
        "statutory": "第一百七十七条第一款",
        "discretionary": "第一百七十七条第二款",
        "insufficient_evidence": "第一百七十五条第四款",
    }
    grounds: Counter[str] = Counter()
    for c in data["cases"]:
        for d in c["documents"]:
            if d["type"] == "non_prosecution_decision":
                ground = c["decision"]["ground"]
                grounds[ground] += 1
                assert f"《中华人民共和国刑事诉讼法》{article[ground]}的规定" in d["text"]
                assert "不起诉决定书" in d["text"]
    assert set(grounds) == set(article)


def test_arrest_decisions_and_plea_statements(data: dict[str, Any]) -> None:
    titles = {"arrest_approval": "批准逮捕决定书", "arrest_denial": "不批准逮捕决定书"}
    counts: Counter[str] = Counter()
    for c in data["cases"]:
        names = [s["name"] for s in c["suspects"]]
        renamed = (c["case_id"], "name_mismatch") in data["planted"]
        for d in c["documents"]:
            counts[d["type"]] += 1
            if d["type"] in titles and not renamed:
                assert f"\n{titles[d['type']]}\n" in d["text"]
                assert all(n in d["text"] for n in names)
            if d["type"] == "plea_statement":
                # 刑诉法 第174条: signed with counsel or the duty lawyer present.
                assert "认罪认罚具结书" in d["text"]
                assert "辩护人" in d["text"] or "值班律师" in d["text"]
                assert any(f"犯罪嫌疑人{n}，" in d["text"] for n in names)
    for kind in (
        "counsel_notice",
        "review_report",
        "investigation_outline",
        "protest_document",
        "recommendation_document",
        "no_supervision_decision",
        "public_interest_complaint",
    ):
        assert counts[kind] > 0, kind
    assert all(len(d["text"]) < 1500 for c in data["cases"] for d in c["documents"])
