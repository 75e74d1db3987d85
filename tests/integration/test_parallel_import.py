"""Issue 17, item 2: cases decoded by worker processes import exactly as decoded here — the same
store, the same errors in the same places, the same idempotence, a changed case merged with the
platform's records as before — on every configured backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.formats.records import case_to_record
from jianguan.adapters.store.rows import prepared_rows
from jianguan.bootstrap import App
from jianguan.domain.errors import RecordError
from jianguan.domain.model import EventType
from jianguan.services import casework
from jianguan.services.importing import ImportReport, import_dataset
from tests.integration.test_bad_inputs import MANIFEST, corpus
from tests.support import app_for, generate, manifest_day


def feed(path: Path, workers: int, today: dt.date | None = None, strict: bool = False) -> FileFeed:
    """``workers`` > 1: decoded in workers whatever the file's size."""
    return FileFeed(
        path, today, strict=strict, workers=workers, prepare=prepared_rows, parallel_from_bytes=0
    )


def run(app: App, path: Path, workers: int) -> ImportReport:
    source = feed(path, workers, app.today())
    try:
        return import_dataset(source, app.uow(), rules=app.rules)
    finally:
        source.close()


def stored(app: App) -> list[dict[str, object]]:
    with app.uow() as uow:
        return [case_to_record(c) for c in uow.cases.iter_cases()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parallel") / "set"
    generate(out, cases=2500, seed=8, defect_rate=0.2, workers=1)
    return out


def test_workers_store_exactly_what_one_process_stores(
    store_url: str, generated: Path, tmp_path: Path
) -> None:
    as_of = manifest_day(generated)
    with app_for(f"sqlite:///{tmp_path / 'one.db'}", as_of=as_of) as one:
        alone = run(one, generated, 1)
        expected = stored(one)
    with app_for(store_url, as_of=as_of) as app:
        together = run(app, generated, 2)
        assert together.errors == alone.errors == []
        assert (together.cases_new, together.received) == (alone.cases_new, alone.received)
        assert stored(app) == expected
        again = run(app, generated, 2)
        assert (again.cases_new, again.cases_changed, again.cases_unchanged) == (0, 0, 2500)


def test_a_changed_case_decoded_in_a_worker_keeps_the_platform_records(
    store_url: str, generated: Path, tmp_path: Path
) -> None:
    lines = (generated / "cases.jsonl").read_bytes().splitlines()
    records = [orjson.loads(x) for x in lines]
    target = next(r for r in records if r["closed_on"] is None)
    with app_for(store_url, as_of=manifest_day(generated)) as app:
        assert run(app, generated, 2).errors == []
        casework.record_self_check(
            app.uow(), app.rules, target["case_id"], target["handler"], app.now()
        )
        target["charges"] = [*target["charges"], "妨害公务罪"]
        changed = tmp_path / "changed"
        changed.mkdir()
        for name in ("units.csv", "people.csv"):
            (changed / name).write_bytes((generated / name).read_bytes())
        body = b"".join(orjson.dumps(r) + b"\n" for r in records)
        (changed / "cases.jsonl").write_bytes(body)
        report = run(app, changed, 2)
        assert (report.cases_changed, report.platform_kept) == (1, 1)
        with app.uow() as uow:
            case = uow.cases.load_case(target["case_id"])
        assert case is not None
        assert "妨害公务罪" in case.charges
        assert EventType.SELF_CHECK in {e.type for e in case.events}


JSONL_ENTRIES = [e for e in MANIFEST if e["name"].startswith("jsonl_")]


def _errors(path: Path, workers: int, strict: bool) -> list[RecordError]:
    source = feed(path, workers, strict=strict)
    try:
        org, errors = source.organisation()
        for _, item in source.cases(org):
            if isinstance(item, list):
                errors += item
        return errors
    finally:
        source.close()


def test_every_bad_line_is_refused_by_workers_as_by_one_process(tmp_path: Path) -> None:
    assert len(JSONL_ENTRIES) >= 20
    differ = []
    for entry in JSONL_ENTRIES:
        path = corpus.build(entry["name"], tmp_path / "corpus")
        strict = bool(entry.get("strict"))
        alone, together = _errors(path, 1, strict), _errors(path, 2, strict)
        if alone != together or (not alone and not entry.get("accept")):
            differ.append(f"{entry['name']}: {alone[:2]} vs {together[:2]}")
    assert differ == []


def test_decoding_workers_only_where_a_core_is_to_spare() -> None:
    from jianguan.settings import default_import_workers

    assert [default_import_workers(n) for n in (None, 1, 2, 3, 4, 8, 64)] == [1, 1, 1, 2, 3, 4, 4]
