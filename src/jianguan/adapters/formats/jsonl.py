"""Writes a data set (docs/format.md): units.csv, people.csv, cases.jsonl, and format.json
naming the format version written."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from jianguan.adapters.formats.records import (
    PEOPLE_COLUMNS,
    UNIT_COLUMNS,
    case_to_json,
    person_to_row,
    unit_to_row,
)
from jianguan.adapters.formats.schema import FORMAT_VERSION
from jianguan.domain.model import Case, Person, Unit

FORMAT_FILE = "format.json"


def write_format_file(out_dir: Path, since: dt.date | None = None) -> None:
    """``format.json``: which version of docs/format.md the data set is written in, and what it
    holds (1.2): every case (``full``), or those changed since a day (``delta``, ``since``)."""
    note: dict[str, str] = {"format": "case-records", "version": FORMAT_VERSION}
    note["spec"] = "docs/format.md"
    if since is None:
        note["scope"] = "full"
    else:
        note.update(scope="delta", since=since.isoformat())
    (out_dir / FORMAT_FILE).write_text(json.dumps(note) + "\n", encoding="utf-8")


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class JsonlWriter:
    """Implements services.exporting.DataSetWriter."""

    def __init__(self, out_dir: Path, since: dt.date | None = None) -> None:
        self.out_dir = out_dir
        self.since = since  # a delta export: the cases changed since that day
        out_dir.mkdir(parents=True, exist_ok=True)

    def write_units(self, units: Iterable[Unit]) -> None:
        write_csv(self.out_dir / "units.csv", UNIT_COLUMNS, (unit_to_row(u) for u in units))

    def write_people(self, people: Iterable[Person]) -> None:
        write_csv(self.out_dir / "people.csv", PEOPLE_COLUMNS, (person_to_row(p) for p in people))

    def write_cases(self, cases: Iterable[Case]) -> int:
        count = 0
        with (self.out_dir / "cases.jsonl").open("wb") as fh:
            for case in cases:
                fh.write(case_to_json(case))
                fh.write(b"\n")
                count += 1
        write_format_file(self.out_dir, self.since)
        return count
