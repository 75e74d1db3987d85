"""Spark over the lake against DuckDB over the same lake and the store's SQL (issue 17): every
indicator of the catalogue cell by cell, every drill-down row by row, the funnel plots, and the
set-based monitoring rules finding for finding. The lake is written incrementally from the store.

The generator draws one province (440000), so the lake has one province and two years; the
partition logic is the same for thirty provinces.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from jianguan.bootstrap import App, snapshot_indicators, spark_indicators, spark_monitor
from jianguan.domain.monitoring import RuleSet
from jianguan.entrypoints.cli import cli
from jianguan.services.comparison import compare
from jianguan.services.indicators import compute, drill
from jianguan.services.monitoring import warn_limits
from jianguan.services.ports.indicators import IndicatorSource
from tests.support import generate, imported, manifest_day, rules

pytestmark = pytest.mark.slow  # Spark's start and its per-query planning: about two minutes

CAT = rules().indicators
BYS = [
    (),
    ("unit", "month", "category"),
    ("department", "charge", "quarter"),
    ("handler", "year"),
]
SPRING = (dt.date(2025, 3, 1), dt.date(2025, 5, 31), "440300")
# monitoring checks the Spark monitor compiles (adapters/monitor_spark.py)
SPARK_CHECKS = {
    "period_overdue",
    "period_due_soon",
    "extension_unapproved",
    "notice_within",
    "event_count_max",
    "event_with_document",
    "heard_before_decision",
    "answered_within",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Path]]:
    """A generated province imported into a SQLite store, and the lake written from it."""
    root = tmp_path_factory.mktemp("spark")
    folder = root / "set"
    generate(folder, cases=3000, seed=23, defect_rate=0.15, workers=1)  # every rule planted
    app = imported(folder, f"sqlite:///{root / 'store.db'}", as_of=manifest_day(folder))
    lake = root / "lake"
    done = app.write_lake(lake)
    assert done["cases"] == 3000
    yield app, lake
    app.close()


@pytest.fixture(scope="module")
def spark(world: tuple[App, Path]) -> Iterator[IndicatorSource]:
    src = spark_indicators(world[1], "local[2]", rules(), shuffle_partitions=2)
    yield src
    src.close()


@pytest.fixture(scope="module")
def duck(world: tuple[App, Path]) -> Iterator[IndicatorSource]:
    src = snapshot_indicators(world[1])  # the same lake, hive-partitioned
    yield src
    src.close()


def test_the_lake_is_partitioned_by_province_and_year(world: tuple[App, Path]) -> None:
    lake = world[1]
    manifest = json.loads((lake / "lake.json").read_text("utf-8"))
    assert set(manifest["partitions"]) == {
        "province=440000/year=2024",
        "province=440000/year=2025",
    }
    assert sum(p["cases"] for p in manifest["partitions"].values()) == 3000
    for table in ("cases", "suspects", "events", "documents"):
        files = sorted(
            p.relative_to(lake / table).as_posix() for p in (lake / table).rglob("*.parquet")
        )
        assert files == [
            "province=440000/year=2024/part-0.parquet",
            "province=440000/year=2025/part-0.parquet",
        ]
    assert (lake / "units" / "part-0.parquet").is_file()


def test_every_indicator_is_identical_cell_by_cell(
    world: tuple[App, Path], spark: IndicatorSource, duck: IndicatorSource
) -> None:
    sql = world[0].indicators()
    for by in BYS:
        on_spark = compute(spark, CAT, None, by)
        assert on_spark == compute(duck, CAT, None, by), by
        assert on_spark == compute(sql, CAT, None, by), by
    by = ("unit", "month")
    on_spark = compute(spark, CAT, None, by, *SPRING)
    assert on_spark == compute(duck, CAT, None, by, *SPRING) == compute(sql, CAT, None, by, *SPRING)
    # the data must exercise the catalogue, or the equalities prove little
    totals = {r.indicator: r.denominator for r in compute(spark, CAT, None, ())}
    assert len(totals) == len(CAT.indicators)
    assert sum(1 for n in totals.values() if n > 0) >= 25
    on_time = compute(spark, CAT, ["on_time_rate"], ())[0]
    assert 0 < on_time.numerator < on_time.denominator  # the legal due dates were looked up


def test_every_drill_down_is_identical(
    world: tuple[App, Path], spark: IndicatorSource, duck: IndicatorSource
) -> None:
    sql = world[0].indicators()
    rows = 0
    for ind in CAT.indicators:
        for part in ("numerator", "denominator"):
            got = drill(spark, CAT, ind.id, part)
            assert got == drill(duck, CAT, ind.id, part), (ind.id, part)
            assert got == drill(sql, CAT, ind.id, part), (ind.id, part)
            rows += len(got)
    assert rows > 10_000
    for ind_id in ("non_arrest_rate", "on_time_rate", "case_proceeding_ratio"):
        got = drill(spark, CAT, ind_id, "numerator", *SPRING)
        assert got == drill(duck, CAT, ind_id, "numerator", *SPRING)
        assert got == drill(sql, CAT, ind_id, "numerator", *SPRING)


def test_comparisons_are_identical(
    world: tuple[App, Path], spark: IndicatorSource, duck: IndicatorSource
) -> None:
    sql = world[0].indicators()
    for ind_id, by in [("non_arrest_rate", "unit"), ("non_prosecution_rate", "handler")]:
        funnel = compare(spark, CAT, ind_id, by=by)
        assert funnel == compare(duck, CAT, ind_id, by=by) == compare(sql, CAT, ind_id, by=by)
        assert len(funnel.points) > 10


def test_monitoring_rules_find_exactly_what_the_store_finds(world: tuple[App, Path]) -> None:
    app, lake = world
    book = app.rules.book
    pack = app.rules.monitoring
    chosen = RuleSet(tuple(r for r in pack.rules if r.check in SPARK_CHECKS), pack.lead)
    assert {"review_overdue", "counsel_notice_late", "return_limit_exceeded"} <= {
        r.id for r in chosen.rules
    }
    for as_of in (app.today(), dt.date(2025, 6, 30)):
        with app.uow() as uow:
            warn = warn_limits(uow.cases.units(), pack, book, as_of)
            expected = sorted(uow.monitor.evaluate(chosen, book, as_of, warn), key=lambda f: f.key)
        mon = spark_monitor(lake, "local[2]")
        try:
            got = sorted(mon.evaluate(chosen, book, as_of, warn), key=lambda f: f.key)
            scoped = mon.evaluate(chosen, book, as_of, warn, {"440303", "440304"})
        finally:
            mon.close()
        assert got == expected, as_of
        assert sorted(scoped, key=lambda f: f.key) == [
            f for f in expected if f.unit in {"440303", "440304"}
        ]
        if as_of == app.today():  # the data must exercise the rules (the generator plants them)
            found = {f.rule for f in got}
            assert {r.id for r in chosen.rules} - found <= {"review_due_soon"}, found


def test_a_check_spark_does_not_compile_is_refused(world: tuple[App, Path]) -> None:
    app, lake = world
    pack = app.rules.monitoring
    other = RuleSet(tuple(r for r in pack.rules if r.check not in SPARK_CHECKS), pack.lead)
    assert other.rules
    mon = spark_monitor(lake, "local[2]")
    try:
        with pytest.raises(ValueError, match="not compiled for Spark"):
            mon.evaluate(other, app.rules.book, app.today(), {})
    finally:
        mon.close()


def test_the_lake_is_rewritten_only_where_cases_changed(
    world: tuple[App, Path], tmp_path: Path
) -> None:
    app, _ = world
    lake = tmp_path / "lake"
    first = app.write_lake(lake)
    assert sorted(first["rewritten"]) == ["province=440000/year=2024", "province=440000/year=2025"]  # type: ignore[arg-type]
    again = app.write_lake(lake)
    assert again["rewritten"] == []
    assert again["unchanged"] == 2
    untouched = lake / "cases" / "province=440000" / "year=2024" / "part-0.parquet"
    stamp = untouched.stat().st_mtime_ns
    with app.store.engine.begin() as conn:  # a change in one 2025 case (as a re-import makes)
        case_id = conn.execute(
            text(
                "SELECT case_id FROM cases WHERE received_on >= '2025-01-01' ORDER BY case_id LIMIT 1"
            )
        ).scalar_one()
        conn.execute(
            text("UPDATE cases SET department = department || '（改）' WHERE case_id = :c"),
            {"c": case_id},
        )
    try:
        changed = app.write_lake(lake)
        assert changed["rewritten"] == ["province=440000/year=2025"]
        assert untouched.stat().st_mtime_ns == stamp  # the 2024 partition was not rewritten
        manifest = json.loads((lake / "lake.json").read_text("utf-8"))
        assert [w["rewritten"] for w in manifest["writes"]] == [
            first["rewritten"],
            [],
            ["province=440000/year=2025"],
        ]
        duck = snapshot_indicators(lake)
        try:
            by = ("department", "year")
            assert compute(duck, CAT, None, by) == compute(app.indicators(), CAT, None, by)
        finally:
            duck.close()
    finally:
        with app.store.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE cases SET department = replace(department, '（改）', '') WHERE case_id = :c"
                ),
                {"c": case_id},
            )


def test_cli_counts_on_spark_as_on_duckdb(world: tuple[App, Path], spark: IndicatorSource) -> None:
    lake = world[1]
    run = CliRunner().invoke
    common = [
        "--snapshot",
        str(lake),
        "--by",
        "unit,year",
        "--indicator",
        "non_arrest_rate",
        "--json",
    ]
    on_spark = run(cli, ["indicators", *common, "--spark", "local[2]"])
    assert on_spark.exit_code == 0, on_spark.output
    on_duck = run(cli, ["indicators", *common])
    assert json.loads(on_spark.stdout) == json.loads(on_duck.stdout) != []
    drilled = run(cli, ["drill", "non_arrest_rate", "--part", "numerator", "--snapshot", str(lake),
                        "--spark", "local[2]", "--json"])  # fmt: skip
    assert drilled.exit_code == 0, drilled.output
    whole = [r for r in json.loads(on_duck.stdout) if r["unit"] == "440000"]
    assert json.loads(drilled.stdout)["count"] == sum(r["numerator"] for r in whole)
    funnel = run(cli, ["compare", "non_arrest_rate", "--snapshot", str(lake), "--spark", "local[2]",
                       "--json"])  # fmt: skip
    assert funnel.exit_code == 0, funnel.output
    assert funnel.stdout == run(cli, ["compare", "non_arrest_rate", "--snapshot", str(lake),
                                      "--json"]).stdout  # fmt: skip
    refused = run(cli, ["indicators", "--spark", "local[2]"])
    assert refused.exit_code != 0
    assert "--snapshot" in refused.output
