"""Generated data sets are accepted whole by the importer (format v1 with all its checks),
including cases carrying planted defects and cases still open at the end date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.services.importing import import_dataset
from tests.support import app_for, generate


@pytest.mark.parametrize(
    ("seed", "start", "end"),
    [
        (21, dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
        (22, dt.date(2025, 3, 1), dt.date(2025, 10, 3)),  # ends inside the National Day holiday
    ],
)
def test_generated_set_with_defects_imports_without_errors(
    store_url: str, tmp_path: Path, seed: int, start: dt.date, end: dt.date
) -> None:
    out = tmp_path / "set"
    summary = generate(out, cases=2500, seed=seed, start=start, end=end, defect_rate=0.5, workers=1)
    assert summary.defects > 1000
    with app_for(store_url) as app:
        feed = app.open_dataset(out)
        report = import_dataset(feed, app.uow())
        feed.close()
    assert report.errors == [], report.errors[:5]
    assert (report.units_new, report.people_new) == (summary.units, summary.people)
    assert report.cases_new == 2500
