"""Reading a format v1 data set: a folder or a .zip of one, CSV + JSONL or the .xlsx variant.

Units and people are small and read whole; cases are streamed line by line so that memory stays
bounded whatever the size of cases.jsonl.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from jianguan.adapters.formats.records import (
    PEOPLE_COLUMNS,
    UNIT_COLUMNS,
    decode_case_line,
    decode_person_row,
    decode_unit_row,
    tree_problems,
)
from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet, Person, Unit

REQUIRED = ("units", "people", "cases")
T = TypeVar("T", Unit, Person)


class DataSetSource:
    """A data set's files, in a folder or a zip (possibly inside one top-level folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            for name in self._zip.namelist():
                if not name.endswith("/"):
                    self._members.setdefault(name.rsplit("/", 1)[-1], name)
        elif not path.is_dir():
            raise FileNotFoundError(
                f"{path}: 不是数据集文件夹或 .zip 文件 / not a data set folder or .zip"
            )

    def has(self, name: str) -> bool:
        if self._zip is not None:
            return name in self._members
        return (self.path / name).is_file()

    def display(self, name: str) -> str:
        return f"{self.path.name}/{name}" if self._zip is not None else name

    def size(self, name: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(self._members[name]).file_size
        return (self.path / name).stat().st_size

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(self._members[name])
        return (self.path / name).open("rb")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    @property
    def is_xlsx(self) -> bool:
        return not self.has("cases.jsonl") and self.has("cases.xlsx")


@dataclass(slots=True)
class Organisation:
    dataset: DataSet
    errors: list[RecordError]


def _file_error(file: str, line: int, zh: str, en: str) -> RecordError:
    return RecordError(file, line, "-", zh, en)


def _decode_text(raw: bytes, file: str) -> str | RecordError:
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM, as Excel writes it
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _file_error(
            file, line, f"不是 UTF-8 编码（第 {exc.start} 字节）", f"not UTF-8 (byte {exc.start})"
        )


def read_csv(
    source: DataSetSource, name: str, expected: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[RecordError]]:
    """Rows with their line numbers, or the errors that stop the file being read."""
    file = source.display(name)
    with source.open(name) as fh:
        decoded = _decode_text(fh.read(), file)
    if isinstance(decoded, RecordError):
        return [], [decoded]
    if not decoded.strip():
        return [], [_file_error(file, 1, "文件为空", "file is empty")]
    reader = csv.reader(io.StringIO(decoded, newline=""))
    header = [h.strip() for h in next(reader)]
    problems = _header_problems(file, header, expected)
    if problems:
        return [], problems
    rows, errors = [], []
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            errors.append(
                RecordError(
                    file,
                    reader.line_num,
                    "-",
                    f"应有 {len(header)} 列，实有 {len(fields)} 列",
                    f"expected {len(header)} columns, found {len(fields)}",
                )
            )
            continue
        rows.append((reader.line_num, dict(zip(header, fields, strict=True))))
    return rows, errors


def _header_problems(file: str, header: list[str], expected: tuple[str, ...]) -> list[RecordError]:
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    out = [RecordError(file, 1, c, "表头缺少此列", "column missing from header") for c in missing]
    out += [
        RecordError(file, 1, c or "(空)", "表头有未知列", "unknown column in header")
        for c in unknown
    ]
    if len(set(header)) != len(header):
        out.append(RecordError(file, 1, "-", "表头有重复列", "duplicate column in header"))
    return out


def read_organisation(source: DataSetSource) -> Organisation:
    """units.csv and people.csv, validated (references, levels, duplicates)."""
    errors: list[RecordError] = []
    unit_rows, errs = read_csv(source, "units.csv", UNIT_COLUMNS)
    errors += errs
    units = _decode_rows(source.display("units.csv"), unit_rows, decode_unit_row, "code", errors)
    errors += [
        RecordError(source.display("units.csv"), line, f, zh, en)
        for line, f, zh, en in tree_problems(units)
    ]
    unit_codes = {u.code for _, u in units}
    people_rows, errs = read_csv(source, "people.csv", PEOPLE_COLUMNS)
    errors += errs
    file = source.display("people.csv")
    people = _decode_rows(file, people_rows, decode_person_row, "id", errors)
    for line, p in people:
        if unit_codes and p.unit not in unit_codes:
            errors.append(
                RecordError(
                    file,
                    line,
                    "unit",
                    f"单位 {p.unit} 不在 units.csv 中",
                    f"unit {p.unit} not in units.csv",
                )
            )
    dataset = DataSet(tuple(u for _, u in units), tuple(p for _, p in people))
    return Organisation(dataset, errors)


def _decode_rows(
    file: str,
    rows: list[tuple[int, dict[str, str]]],
    decode: Callable[[Mapping[str, str]], T | list[tuple[str, str, str]]],
    key: str,
    errors: list[RecordError],
) -> list[tuple[int, T]]:
    out: list[tuple[int, T]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        result = decode(row)
        if isinstance(result, list):
            errors += [RecordError(file, line, f, zh, en) for f, zh, en in result]
            continue
        ident = getattr(result, key)
        if ident in seen:
            errors.append(
                RecordError(
                    file,
                    line,
                    key,
                    f"{ident} 与第 {seen[ident]} 行重复",
                    f"duplicate of line {seen[ident]}",
                )
            )
            continue
        seen[ident] = line
        out.append((line, result))
    return out


def iter_jsonl_cases(
    source: DataSetSource, org: DataSet, name: str = "cases.jsonl"
) -> Iterator[tuple[int, Case | list[RecordError]]]:
    """(bytes read so far, case or its errors) for each non-blank line; duplicates are errors."""
    file = source.display(name)
    seen: set[str] = set()
    done = 0
    any_line = False
    with source.open(name) as fh:
        for number, raw in enumerate(fh, start=1):
            done += len(raw)
            if not raw.strip():
                continue
            any_line = True
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield (
                    done,
                    [
                        _file_error(
                            file,
                            number,
                            f"不是 UTF-8 编码（本行第 {exc.start} 字节）",
                            f"not UTF-8 (byte {exc.start} of the line)",
                        )
                    ],
                )
                continue
            result = decode_case_line(line, file, number, org)
            if isinstance(result, Case):
                if result.case_id in seen:
                    result = [
                        RecordError(
                            file,
                            number,
                            "case_id",
                            f"案件编号 {result.case_id} 重复",
                            f"duplicate case_id {result.case_id}",
                        )
                    ]
                else:
                    seen.add(result.case_id)
            yield done, result
    if not any_line:
        yield done, [_file_error(file, 1, "文件为空", "file is empty")]


def missing_files(source: DataSetSource) -> list[RecordError]:
    out = []
    for stem in REQUIRED:
        names = (f"{stem}.csv" if stem != "cases" else "cases.jsonl", f"{stem}.xlsx")
        if not any(source.has(n) for n in names):
            out.append(
                _file_error(
                    f"{source.path.name}/{names[0]}", 0, "缺少必需文件", "required file missing"
                )
            )
    return out
