"""The indicator engine on generated data: DuckDB over a snapshot, SQLite and PostgreSQL agree;
every number drills down to exactly as many rows; units roll up; the CLI reports clearly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from jianguan.bootstrap import snapshot_dataset, snapshot_indicators
from jianguan.entrypoints.cli import cli
from jianguan.services.casefile import case_periods
from jianguan.services.importing import import_dataset
from jianguan.services.indicators import compute, drill
from jianguan.services.ports.indicators import IndicatorSource
from tests.factories import example_case, numbered_case, write_dataset
from tests.support import app_for, generate, imported, rules

CAT = rules().indicators
SCOPES = [
    (None, None, None),
    (dt.date(2025, 1, 1), dt.date(2025, 6, 30), "440100"),  # a city and its districts, half a year
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ind") / "set"
    generate(out, cases=2500, seed=11, defect_rate=0.05, workers=1)
    return out


@pytest.fixture(scope="module")
def snapshot(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ind") / "snap"
    snapshot_dataset(dataset, out)
    return out


@pytest.fixture
def duck(snapshot: Path) -> Iterator[IndicatorSource]:
    src = snapshot_indicators(snapshot)
    yield src
    src.close()


def assert_drill_matches(source: IndicatorSource) -> None:
    """For every indicator, both parts, two scopes: len(drill) == the computed number."""
    for ind in CAT.indicators:
        for start, end, unit in SCOPES:
            rows = compute(source, CAT, [ind.id], (), start, end, unit)
            num = rows[0].numerator if rows else 0
            den = rows[0].denominator if rows else 0
            got_num = drill(source, CAT, ind.id, "numerator", start, end, unit)
            got_den = drill(source, CAT, ind.id, "denominator", start, end, unit)
            assert (len(got_num), len(got_den)) == (num, den), (ind.id, unit)
            persons = ind.count == "persons"
            assert all((who is not None) == persons for _, who in got_den), ind.id
    # the data must exercise the indicators, or the equalities above prove little
    totals = {r.indicator: r.denominator for r in compute(source, CAT, None, ())}
    assert sum(1 for n in totals.values() if n > 0) >= 25


def test_every_number_drills_to_as_many_rows_on_duckdb(duck: IndicatorSource) -> None:
    assert_drill_matches(duck)


def test_store_backends_agree_with_duckdb_and_drill_exactly(
    store_url: str, dataset: Path, duck: IndicatorSource, tmp_path: Path
) -> None:
    with app_for(store_url) as app:
        feed = app.open_dataset(dataset)
        report = import_dataset(feed, app.uow())
        feed.close()
        assert not report.errors
        sql = app.indicators()
        assert_drill_matches(sql)
        for by in [
            ("unit", "month", "category"),
            ("department", "charge", "quarter"),
            ("handler", "year"),
        ]:
            assert compute(sql, CAT, None, by) == compute(duck, CAT, None, by), by
        spring = (dt.date(2025, 3, 1), dt.date(2025, 5, 31), "440300")
        by = ("unit", "month")
        assert compute(sql, CAT, None, by, *spring) == compute(duck, CAT, None, by, *spring)
        # a unit's figures count only its cases' facts (each helper is read for the scope's
        # cases alone): the same as that unit's row of the whole store's figures, per unit
        whole = {(r.indicator, r.dims["unit"]): r for r in compute(sql, CAT, None, ("unit",))}
        for code in ("440000", "440100", "440300", "440304"):
            for row in compute(sql, CAT, None, (), unit=code):
                mine = whole[(row.indicator, code)]
                assert (row.numerator, row.denominator) == (mine.numerator, mine.denominator)
        # a snapshot written from the store counts the same as one written from the data set
        app.write_snapshot(tmp_path / "from-store")
        again = snapshot_indicators(tmp_path / "from-store")
        assert compute(again, CAT, None, ("unit", "quarter")) == compute(
            duck, CAT, None, ("unit", "quarter")
        )
        again.close()


def test_on_time_rate_counts_each_cases_legal_due_date(
    store_url: str, dataset: Path, duck: IndicatorSource
) -> None:
    """审限内办结率 against an independent count: each decided review's period from
    services.casefile (the case page's derivation, 刑诉法 第105条 moves, 第172条 extensions and
    fast track, 第175条第3款 restarts), in time when decided with 0 days late."""
    with imported(dataset, store_url, as_of=dt.date(2026, 6, 30)) as app:
        in_time = decided = 0
        with app.uow() as uow:
            for case in uow.cases.iter_cases():
                if case.decision is None or case.category.value not in REVIEWS:
                    continue
                review = case_periods(case, app.rules.periods, app.rules.calendar, app.today())[0]
                decided += 1
                in_time += review.days_late == 0
        got = compute(app.indicators(), CAT, ["on_time_rate"], ())
        assert (got[0].numerator, got[0].denominator) == (in_time, decided)
        duck_got = compute(duck, CAT, ["on_time_rate"], ())
        assert (duck_got[0].numerator, duck_got[0].denominator) == (in_time, decided)
        assert 0 < in_time < decided  # the generator plants overdue decisions


REVIEWS = ("arrest_review", "prosecution_review")


def _review(n: int, decided: str, *, custody: bool = False, events: Any = ()) -> dict[str, Any]:
    """A prosecution review received 2025-09-01 (one month ends on 10-01, National Day)."""
    suspect = {**example_case()["suspects"][0], "in_custody": custody, "fast_track": False}
    suspect["likely_sentence_months"] = 10
    return numbered_case(
        n,
        received_on="2025-09-01",
        assigned_on="2025-09-01",
        suspects=[suspect],
        events=[
            {"type": t, "on": on, "by": "P0012" if t != "approval" else "P0001", "party": None,
             "note": None}
            for t, on in events
        ],
        decision={"type": "prosecute", "on": decided, "by": "P0012", "approved_by": None},
        outcome=None,
        documents=[],
        closed_on=decided,
    )  # fmt: skip


def test_a_decision_on_the_day_after_a_holiday_moved_due_date_is_in_time(
    store_url: str, tmp_path: Path
) -> None:
    """刑诉法 第105条第4款 "期间的最后一日为节假日的，以节假日后的第一日为期满日期，但犯罪嫌疑人……
    在押期间……不得因节假日而延长"; 第172条第1款 "重大、复杂的案件，可以延长十五日". Received
    2025-09-01, the month ends 10-01 (国庆节, 10-01 to 10-08): due 10-09. A flat 31 days counted
    the first case late and the last one in time."""
    book = rules().book
    key = book.key("prosecution_review", {})
    assert book.legal_due(key, dt.date(2025, 9, 1), False) == dt.date(2025, 10, 9)
    folder = write_dataset(
        tmp_path / "set",
        [
            _review(1, "2025-10-09"),  # the first working day after the holiday: in time
            _review(2, "2025-10-10"),  # a day late
            _review(3, "2025-10-09", custody=True),  # held: the end does not move (10-01)
            # an extension recorded for a case that is not major changes nothing (第172条)
            _review(4, "2025-10-12", events=[("extension_approved", "2025-09-25")]),
        ],
    )
    expected = (1, 4)
    with imported(folder, store_url, as_of=dt.date(2025, 12, 31)) as app:
        sql = app.indicators()
        got = compute(sql, CAT, ["on_time_rate"], ())
        assert (got[0].numerator, got[0].denominator) == expected
        assert drill(sql, CAT, "on_time_rate", "numerator") == [("440304-2025-XSSC-000001", None)]
    snap = tmp_path / "snap"
    snapshot_dataset(folder, snap)
    duck = snapshot_indicators(snap)
    try:
        got = compute(duck, CAT, ["on_time_rate"], ())
        assert (got[0].numerator, got[0].denominator) == expected
    finally:
        duck.close()


def test_units_roll_up_the_tree(duck: IndicatorSource) -> None:
    """A provincial figure includes every unit below it; a city's includes its districts."""
    by_unit = {(r.indicator, r.dims["unit"]): r for r in compute(duck, CAT, None, ("unit",))}
    for code in ("440000", "440100", "440300"):
        whole = {r.indicator: r for r in compute(duck, CAT, None, (), unit=code)}
        for ind_id, row in whole.items():
            mine = by_unit[(ind_id, code)]
            assert (mine.numerator, mine.denominator) == (row.numerator, row.denominator)
    everything = {r.indicator: r for r in compute(duck, CAT, None, ())}
    province = {k[0]: r for k, r in by_unit.items() if k[1] == "440000"}
    assert {k: (r.numerator, r.denominator) for k, r in province.items()} == {
        k: (r.numerator, r.denominator) for k, r in everything.items()
    }
    # the province is strictly more than its capital city
    assert (
        by_unit[("non_arrest_rate", "440000")].denominator
        > by_unit[("non_arrest_rate", "440100")].denominator
    )


def test_months_fold_into_quarters_and_years(duck: IndicatorSource) -> None:
    months = compute(duck, CAT, ["non_prosecution_rate"], ("month",))
    years = compute(duck, CAT, ["non_prosecution_rate"], ("year",))
    quarters = compute(duck, CAT, ["non_prosecution_rate"], ("quarter",))
    for y in years:
        in_year = [m for m in months if str(m.dims["month"]).startswith(f"{y.dims['year']}-")]
        assert sum(m.denominator for m in in_year) == y.denominator
        assert (
            sum(
                q.numerator
                for q in quarters
                if str(q.dims["quarter"]).startswith(str(y.dims["year"]))
            )
            == y.numerator
        )


def _jsonl(folder: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in (folder / "cases.jsonl").read_bytes().splitlines()]


def test_figures_match_an_independent_count_over_the_raw_records(
    dataset: Path, duck: IndicatorSource
) -> None:
    """Counted in plain Python from cases.jsonl, not through the engine's definitions."""
    cases = _jsonl(dataset)

    def decision(c: dict[str, object]) -> str | None:
        d = c["decision"]
        return d["type"] if isinstance(d, dict) else None

    def persons(c: dict[str, object]) -> int:
        s = c["suspects"]
        return len(s) if isinstance(s, list) else 0

    arrest = [c for c in cases if c["category"] == "arrest_review"]
    # 批准和决定逮捕 (刑诉法 第165条、第170条第2款): the procuratorate's own arrest decisions count
    arrested = ("approve_arrest", "arrest_decided")
    assert any(decision(c) == "arrest_decided" for c in arrest)
    denied = sum(persons(c) for c in arrest if decision(c) == "deny_arrest")
    decided = sum(persons(c) for c in arrest if decision(c) in (*arrested, "deny_arrest"))
    pros = [c for c in cases if c["category"] == "prosecution_review" and decision(c) is not None]
    plea = sum(1 for c in pros for s in c["suspects"] if s["plea_leniency"])  # type: ignore[attr-defined, index]
    arrested_matters = {c["unified_no"] for c in arrest if decision(c) in arrested}
    after_arrest = [c for c in pros if c["unified_no"] in arrested_matters]
    ans = len(arrest) + sum(
        1
        for c in cases
        if c["category"] == "prosecution_review" and c["unified_no"] not in arrested_matters
    )
    got = {r.indicator: (r.numerator, r.denominator) for r in compute(duck, CAT, None, ())}
    assert got["non_arrest_rate"] == (denied, decided)
    held = sum(persons(c) for c in arrest if decision(c) in arrested)
    charged = sum(persons(c) for c in pros if decision(c) in ("prosecute", "not_prosecute"))
    assert got["pretrial_detention_rate"] == (held, charged)
    assert got["plea_leniency_rate"] == (plea, sum(persons(c) for c in pros))
    assert got["non_prosecution_after_arrest_rate"] == (
        sum(persons(c) for c in after_arrest if decision(c) == "not_prosecute"),
        sum(persons(c) for c in after_arrest),
    )
    assert got["case_proceeding_ratio"][1] == ans
    assert got["line_structure.civil"] == (
        sum(1 for c in cases if c["category"] == "civil_supervision"),
        len(cases),
    )


def test_cli_json_and_errors(snapshot: Path) -> None:
    run = CliRunner().invoke
    res = run(
        cli,
        [
            "indicators",
            "--snapshot",
            str(snapshot),
            "--by",
            "unit,year",
            "--unit",
            "440300",
            "--indicator",
            "non_arrest_rate",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows
    assert {"indicator", "unit", "year", "numerator", "denominator", "value"} <= set(rows[0])
    assert {r["unit"] for r in rows} >= {"440300"}
    res = run(
        cli,
        [
            "drill",
            "non_arrest_rate",
            "--part",
            "numerator",
            "--snapshot",
            str(snapshot),
            "--unit",
            "440300",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    whole = [r for r in rows if r["unit"] == "440300"]
    assert out["count"] == sum(r["numerator"] for r in whole) == len(out["rows"])
    for args, message in [
        (["indicators", "--indicator", "nope"], "未知指标"),
        (["indicators", "--by", "unit,week"], "未知维度"),
        (["indicators", "--from", "2025-13"], "YYYY-MM"),
        (["indicators", "--from", "2025-06", "--to", "2025-01"], "早于"),
        (["indicators", "--unit", "999999"], "未知单位"),
        (["drill", "non_arrest_rate", "--part", "numerator", "--unit", "999999"], "未知单位"),
    ]:
        res = run(cli, [*args, "--snapshot", str(snapshot)])
        assert res.exit_code != 0, args
        assert message in res.output, (args, res.output)
        assert "Traceback" not in res.output
    res = run(cli, ["indicators", "--snapshot", str(snapshot.parent / "missing")])
    assert res.exit_code != 0
    assert "snapshot" in res.output


def test_demo_prints_headline_indicators_of_the_province(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    res = CliRunner().invoke(cli, ["demo", "--cases", "600"])
    assert res.exit_code == 0, res.output
    assert "主要业务指标（440000，含下级院）" in res.output
    for name in ("不捕率", "不诉率", "认罪认罚从宽制度适用率", "案-件比"):
        assert name in res.output
