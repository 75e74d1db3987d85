"""Issue 14, item 5: every bad input is refused cleanly — located (file, line or row, field),
explained in Chinese and English, no traceback, nothing written — on SQLite and PostgreSQL.

The corpus is ``tests/fixtures/bad/``: ``make_corpus.py`` builds each entry, ``manifest.json``
says what its refusal must say. A few entries are inputs a case officer may well have (a BOM,
CRLF) that must import cleanly instead.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jianguan.adapters.formats import limits
from jianguan.adapters.formats.records import case_to_record
from jianguan.adapters.store import schema as store_schema
from jianguan.bootstrap import App
from jianguan.domain import cells
from jianguan.entrypoints.cli import cli
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import ImportReport, import_dataset
from tests.factories import numbered_case, write_dataset
from tests.support import app_for

BAD = Path(__file__).parents[1] / "fixtures" / "bad"
MANIFEST: list[dict[str, Any]] = json.loads((BAD / "manifest.json").read_text("utf-8"))


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


def snapshot(app: App) -> dict[str, Any]:
    with app.uow() as uow:
        return {
            "counts": uow.cases.counts(),
            "cases": [case_to_record(c) for c in uow.cases.iter_cases()],
            "units": uow.cases.units(),
            "people": uow.cases.people(),
            "audit": uow.audit.problems(),
        }


def run_import(app: App, path: Path, strict: bool = False) -> ImportReport | FileNotFoundError:
    try:
        feed = app.open_dataset(path, strict=strict)
    except FileNotFoundError as exc:  # not a folder nor a zip: the CLI says so and exits 2
        return exc
    try:
        return import_dataset(feed, app.uow())
    finally:
        feed.close()


@pytest.fixture
def loaded(store_url: str, tmp_path: Path) -> Iterator[App]:
    """A store holding the baseline data set, so that "unchanged" means something."""
    with app_for(store_url) as app:
        report = import_dataset(app.open_dataset(write_dataset(tmp_path / "good")), app.uow())
        assert report.errors == []
        assert report.cases_new == 3
        yield app


def test_the_manifest_lists_every_entry_of_the_corpus() -> None:
    assert corpus.manifest() == MANIFEST, "run tests/fixtures/bad/make_corpus.py --manifest"
    refused = [e for e in MANIFEST if not e.get("accept")]
    assert len(refused) >= 60
    assert all(e["expect"] and e["en"] for e in refused)


def _check(app: App, entry: dict[str, Any], path: Path) -> list[str]:
    """What is wrong with how the import treated one corpus entry (empty when right)."""
    name = entry["name"]
    before = snapshot(app)
    try:
        result = run_import(app, path, strict=bool(entry.get("strict")))
    except Exception as exc:  # a traceback: the one thing that must never happen
        return [f"{name}: raised {type(exc).__name__}: {exc}"]
    problems = []
    if snapshot(app) != before:
        problems.append(f"{name}: the store changed")
    if isinstance(result, FileNotFoundError):
        messages, english = [str(result)], [str(result)]
    else:
        messages = [str(e) for e in result.errors]
        english = [e.en for e in result.errors]
        for e in result.errors:
            if not (e.file and e.line >= 0 and e.field and e.zh and e.en):
                problems.append(f"{name}: an error without its location or reason: {e!r}")
    if entry.get("accept"):
        if messages:
            problems.append(f"{name}: refused, should import: {messages[:3]}")
        elif isinstance(result, ImportReport) and result.changed_anything:
            problems.append(f"{name}: the baseline data changed something")
        return problems
    if not messages:
        return [*problems, f"{name}: wrongly accepted"]
    for fragment in entry["expect"]:
        if not any(fragment in m for m in messages):
            problems.append(f"{name}: {fragment!r} not in {[m[:200] for m in messages[:4]]}")
    for fragment in entry["en"]:
        if not any(fragment in m for m in english):
            problems.append(f"{name}: {fragment!r} not in {[m[:200] for m in english[:4]]}")
    return problems


def test_every_bad_input_is_refused_with_its_location_and_nothing_changes(
    loaded: App, tmp_path: Path
) -> None:
    problems: list[str] = []
    for entry in MANIFEST:
        path = corpus.build(entry["name"], tmp_path / "corpus")
        problems += _check(loaded, entry, path)
    assert problems == [], "\n".join(problems)


def test_jianguan_import_exits_2_on_every_refusal_and_never_crashes(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    good = runner.invoke(cli, ["import", str(write_dataset(tmp_path / "good")), "--db", store_url])
    assert good.exit_code == 0, good.output
    wrong = []
    for entry in MANIFEST:
        path = corpus.build(entry["name"], tmp_path / "corpus")
        strict = ["--strict"] if entry.get("strict") else []
        result = runner.invoke(cli, ["import", str(path), *strict, "--db", store_url])
        expected = 0 if entry.get("accept") else 2
        if result.exit_code != expected or "Traceback" in result.output:
            wrong.append(f"{entry['name']}: exit {result.exit_code} {result.exception!r}")
    assert wrong == []


def test_the_store_columns_are_as_wide_as_the_checks_say() -> None:
    tables = {
        "": store_schema.cases,
        "suspects[]": store_schema.suspects,
        "victims[]": store_schema.victims,
        "events[]": store_schema.events,
        "documents[]": store_schema.documents,
    }
    renamed = {"decision.by": "decision_by", "decision.approved_by": "decision_approved_by",
               "events[].by": "by_person"}  # fmt: skip
    for path, width in limits.CASE_WIDTHS.items():
        prefix, _, name = path.rpartition(".")
        table = tables.get(prefix, store_schema.cases)
        column = table.c[renamed.get(path, name)]
        assert column.type.length == width, path  # type: ignore[attr-defined]
    for name, width in limits.UNIT_WIDTHS.items():
        assert store_schema.units.c[name].type.length == width
    for name, width in limits.PEOPLE_WIDTHS.items():
        assert store_schema.people.c[name].type.length == width


# ---------------------------------------------------------------- two imports at once


def test_two_imports_at_once_one_waits_or_is_refused_never_a_traceback(
    store_url: str, tmp_path: Path
) -> None:
    cases = [numbered_case(n) for n in range(1, 400)]
    data = write_dataset(tmp_path / "d", cases)
    outcomes: list[ImportReport | BaseException] = []
    start = threading.Barrier(2)
    apps = [app_for(store_url) for _ in range(2)]  # two processes' worth: engines of their own

    def one_import(app: App) -> None:
        feed = app.open_dataset(data)
        start.wait()
        try:
            outcomes.append(import_dataset(feed, app.uow(), batch_size=50))
        except BaseException as exc:
            outcomes.append(exc)
        finally:
            feed.close()

    threads = [threading.Thread(target=one_import, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for app in apps:
        app.close()
    assert all(isinstance(o, ImportReport) for o in outcomes), outcomes
    reports = [o for o in outcomes if isinstance(o, ImportReport)]
    done = [r for r in reports if not r.errors]
    assert done, [r.errors for r in reports]
    for r in reports:
        if r.errors:  # refused: said so, in both languages
            assert "另一项导入" in r.errors[0].zh
            assert "another import" in r.errors[0].en
    assert sum(r.cases_new for r in done) == 399  # the second saw the first's cases
    with app_for(store_url) as app, app.uow() as uow:
        assert uow.cases.counts()["cases"] == 399
        assert uow.audit.problems() == []


# ---------------------------------------------------------------- spreadsheets written safely

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB",
            "\rCR", "'=quoted", "'plain", "#REF!", "=1+1"]  # fmt: skip


def test_xlsx_export_escapes_formulas_and_reads_them_back_exactly(
    store_url: str, tmp_path: Path
) -> None:
    record = numbered_case(1)
    record["suspects"][0]["name"] = FORMULAS[0]
    record["charges"] = FORMULAS[1:5]
    record["documents"][0]["no"] = FORMULAS[5]
    record["documents"][0]["text"] = FORMULAS[6] + "\r\n第二行 _x000D_"
    record["department"] = "=第一检察部"
    with app_for(store_url) as app:
        report = import_dataset(
            app.open_dataset(write_dataset(tmp_path / "d", [record])), app.uow()
        )
        assert report.errors == []
        before = snapshot(app)
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "x", "xlsx"))
    book = load_workbook(tmp_path / "x" / "cases.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    with app_for(f"sqlite:///{tmp_path / 'again.db'}") as again:
        report = import_dataset(again.open_dataset(tmp_path / "x"), again.uow())
        assert report.errors == [], report.errors[:3]
        assert snapshot(again)["cases"] == before["cases"]


def test_cell_escaping_is_a_bijection() -> None:
    more = ["", "'", "''", "普通", "2025-09-05", "#N/A", "'#N/A", "a=b", "a\r\nb", "_x000D_", "_x"]
    for text in [*FORMULAS, *more]:
        assert cells.unescape(cells.escape(text)) == text
        assert not cells.escape(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_ledger_export_escapes_formulas(monkeypatch: pytest.MonkeyPatch) -> None:
    from jianguan.web import xlsx as web_xlsx
    from jianguan.web.state import Names

    @dataclass(frozen=True)
    class Query:
        limit: int = 0
        by_due: bool = True
        after: Any = None

    class Label:
        def label(self, lang: str) -> str:
            return "—"

    class Entry:
        case_id, rule, title, unit = "=cmd|' /C calc'!A0", "R1", "+标题", "@440304"
        due = first_found = last_found = dt.date(2025, 9, 5)
        explanation, basis = "-说明\r\n第二行", ("=依据",)
        severity = status = escalation = Label()

    page = type("Page", (), {"items": [Entry()], "next": None})()
    monkeypatch.setattr(web_xlsx, "ledger_page", lambda web, user, q: page)
    # A unit named like a formula, which the sheet shows by its name.
    web = type("Web", (), {"names": lambda self: Names({}, {"@440304": "=HYPERLINK()院"})})()
    response = web_xlsx.ledger_xlsx(web, None, Query())  # type: ignore[arg-type]
    book = load_workbook(io.BytesIO(response.body))
    row = next(book.active.iter_rows(min_row=2, max_row=2))
    assert all(c.data_type != "f" for c in row)
    texts = [c.value for c in row if isinstance(c.value, str)]
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'+标题" in texts
    assert "'=HYPERLINK()院" in texts
    assert "'=依据" in texts
    assert [cells.unescape(t) for t in texts if t.startswith("'-")] == ["-说明\r\n第二行"]
