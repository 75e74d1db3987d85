"""Cells of spreadsheets as case officers keep them: the workbook read within limits, merged
ranges filled in, and values read the way people write them (dates as Excel serials, datetime
cells, ISO or Chinese text; 是/否/√ for yes and no; codes or Chinese names for vocabularies).

Used by `mapped` (column mappings); every reader raises `CellProblem` with a Chinese and an
English reason, which the caller locates at its sheet, row and column header.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel

from jianguan.adapters.formats.limits import text_problem
from jianguan.adapters.formats.xlsx import MAX_XLSX_BYTES, book_problems
from jianguan.domain import cells
from jianguan.domain.doctext import parse_chinese_date
from jianguan.domain.errors import RecordError
from jianguan.domain.vocabulary import Vocabulary

MAX_SERIAL = 2_958_465  # 9999-12-31 in Excel's 1900 date system
CST = dt.timezone(dt.timedelta(hours=8))


class CellProblem(ValueError):
    """A cell whose value cannot be read as its column's kind."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's value (None when blank); ``problem``: why it is not data (a formula, an error
    value), said once at the cell it is in; ``merged``: copied from a merged range's first cell."""

    value: Any
    problem: tuple[str, str] | None = None
    merged: bool = False


BLANK = Cell(None)


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list[Cell]]  # rows[0] is the sheet's row 1


def load_sheets(path: Path, label: str) -> tuple[list[Sheet], int, list[RecordError]]:
    """Every sheet of the workbook at ``path`` with merged ranges filled in, and the workbook's
    epoch year (1900 or 1904), or why it cannot be read. The file and each of its parts are
    size-checked before openpyxl reads any (the limits of the .xlsx variant)."""
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        return (
            [],
            1900,
            [
                RecordError(
                    label,
                    0,
                    "-",
                    f"文件过大（{size} 字节，上限 {MAX_XLSX_BYTES}）",
                    f"file too large ({size} bytes, at most {MAX_XLSX_BYTES})",
                )
            ],
        )
    try:
        data = io.BytesIO(path.read_bytes())
    except OSError as exc:
        return [], 1900, [RecordError(label, 0, "-", f"无法读取：{exc}", f"cannot be read: {exc}")]
    problems = book_problems(data, label)
    if problems:
        return [], 1900, problems
    try:
        book = load_workbook(data, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return (
            [],
            1900,
            [RecordError(label, 0, "-", f"无法读取 xlsx：{exc}", f"unreadable xlsx: {exc}")],
        )
    sheets: list[Sheet] = []
    try:
        epoch = 1904 if book.epoch.year == 1904 else 1900
        for ws in book.worksheets:
            ws.reset_dimensions()  # some writers declare a wrong extent; read every row there is
            rows = [[_cell(c) for c in row] for row in ws.iter_rows()]
            _fill_merged(rows, _merged_ranges(ws))
            sheets.append(Sheet(ws.title, rows))
    except Exception as exc:  # a part openpyxl cannot parse, a damaged zip member
        return (
            [],
            1900,
            [
                RecordError(
                    label, 0, "-", f"文件损坏，无法读取：{exc}", f"damaged, cannot be read: {exc}"
                )
            ],
        )
    finally:
        book.close()
    return sheets, epoch, []


def _cell(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if value is None:
        return BLANK
    kind = getattr(cell, "data_type", None)
    if kind == "f" or (isinstance(value, str) and value.startswith("=")):
        return Cell(
            None,
            (
                "单元格是公式，请改为其计算结果（选择性粘贴为数值）",
                "the cell is a formula; paste its value instead",
            ),
        )
    if kind == "e":
        return Cell(None, (f"单元格是错误值 {value}", f"the cell holds the error {value}"))
    if not isinstance(value, str | int | float | bool | dt.date | dt.datetime | dt.time):
        name = type(value).__name__
        return Cell(
            None, (f"单元格的值类型 {name} 无法读取", f"a cell value of type {name} cannot be read")
        )
    if isinstance(value, str):
        problem = text_problem("-", value)
        if problem is not None:
            return Cell(None, (problem[1], problem[2]))
        if not value.strip():
            return BLANK
        return Cell(cells.unescape(value))
    return Cell(value)


_MERGE_CELL = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)\""
)


def _merged_ranges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, read from the sheet's XML
    (a read-only worksheet does not keep them). A text cannot hold the tag unescaped, so a
    scan of the part in bounded pieces finds exactly the ``<mergeCell ref=…>`` elements; it is
    five times faster than parsing the part a second time."""
    out = []
    tail = b""
    with ws._get_source() as src:  # the part openpyxl read the rows from
        while True:
            chunk = src.read(1 << 20)
            data = tail + chunk
            end = 0
            for match in _MERGE_CELL.finditer(data):
                a, b, c, d = range_boundaries(match.group(1).decode("ascii"))
                if a is not None and b is not None and c is not None and d is not None:
                    out.append((a, b, c, d))
                end = match.end()
            if not chunk:
                return out
            tail = data[max(end, len(data) - 256) :]  # a tag cut at the piece's end


def _fill_merged(rows: list[list[Cell]], ranges: Iterable[tuple[int, int, int, int]]) -> None:
    """A merged range shows its first cell's value in every cell of it: so it is read."""
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(rows):
            continue
        first = rows[min_row - 1]
        top = first[min_col - 1] if min_col - 1 < len(first) else BLANK
        if top.value is None:
            continue
        copy = Cell(top.value, None, True)
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < max_col:
                row.extend([BLANK] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col) and row[c - 1].value is None:
                    row[c - 1] = copy


# ---------------------------------------------------------------- headers and texts


def norm(text: str) -> str:
    """A header or a word as compared: full-width forms folded (NFKC), whitespace removed, a
    required-field star dropped (案件编号* / *案件编号)."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).strip("*")


def header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- values


def read_text(value: Any, *, keep_space: bool = False) -> str:
    """A text; a number typed into a text column (a unit code, an id) as its digits."""
    if isinstance(value, bool):
        raise CellProblem("应为文字，不是是/否", "must be text, not a yes/no value")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    text = str(value)
    return text if keep_space else text.strip()


_TRUE = frozenset({"是", "√", "✓", "✔", "true", "1", "yes", "y", "t", "对"})
_FALSE = frozenset({"否", "×", "✗", "✘", "false", "0", "no", "n", "f", "不是"})


def read_bool(value: Any, words: Mapping[str, Any]) -> bool | None:
    """是/否, √/×, true/false, 1/0, a checkbox cell, or the column's own words (有/无 …; keys
    as `norm` gives them); None for a word the column maps to blank."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = read_text(value)
    key = norm(text)
    if key in words:
        return None if words[key] is None else bool(words[key])
    if key.lower() in _TRUE:
        return True
    if key.lower() in _FALSE:
        return False
    raise CellProblem(
        f"取值 {text!r} 无效，应为 是 或 否",
        f"invalid value {text!r}, expected 是 (yes) or 否 (no)",
    )


def read_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellProblem("应为整数", "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = norm(read_text(value))
    match = re.fullmatch(r"(-?\d{1,12})(个月|月)?", text)
    if match is None:
        raise CellProblem(f"{text!r} 不是整数", f"{text!r} is not an integer")
    return int(match.group(1))


@functools.cache
def _vocabulary_index(vocab: type[Vocabulary]) -> dict[str, str]:
    """Every way a member of ``vocab`` is written (code, Chinese, English) as compared → code."""
    out: dict[str, str] = {}
    for member in vocab:
        for word in (member.en, member.zh, member.value):  # the code wins a clash
            out[norm(word)] = member.value
    return out


def read_enum(
    value: Any, vocab: type[Vocabulary], words: Mapping[str, Any], *, open_set: bool = False
) -> str | None:
    """The code of a vocabulary's member named by its code, Chinese or English word, or one of
    the column's own words (keys as `norm` gives them); None for a word the column maps to
    blank. ``open_set``: an unknown word is kept as it is (document types)."""
    text = read_text(value)
    key = norm(text)
    if key in words:
        meant = words[key]
        return None if meant is None else str(meant)
    code = _vocabulary_index(vocab).get(key)
    if code is not None:
        return code
    if open_set:
        return text
    names = "、".join(m.zh for m in vocab)
    codes = "|".join(m.value for m in vocab)
    raise CellProblem(
        f"取值 {text!r} 无效，应为 {names}（或代码 {codes}）",
        f"invalid value {text!r}, expected one of {codes} or its Chinese name",
    )


_NUMERIC_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}(?:\.\d+)?))?秒?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _date_parts(text: str) -> tuple[dt.date, dt.time | None, str | None] | None:
    """(date, time or None, UTC offset text or None) of a date text; None if not one. Raises
    `CellProblem` for a date that is written right but does not exist (2025年2月30日)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _NUMERIC_DATE.fullmatch(folded)
    if match is not None:
        day = _day(text, *(int(match.group(i)) for i in (1, 2, 3)))
        if match.group(4) is None:
            return day, None, match.group(7)
        seconds = float(match.group(6) or 0)
        try:
            moment = dt.time(
                int(match.group(4)),
                int(match.group(5)),
                int(seconds),
                round((seconds % 1) * 1_000_000),
            )
        except ValueError:
            raise CellProblem(f"时间 {text!r} 不存在", f"time {text!r} does not exist") from None
        return day, moment, match.group(7)
    match = _COMPACT_DATE.fullmatch(folded)
    if match is not None:
        return _day(text, *(int(g) for g in match.groups())), None, None
    spoken = parse_chinese_date(folded)  # 二〇二五年九月五日
    if spoken is not None:
        return spoken, None, None
    return None


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellProblem(f"日期 {text!r} 不存在", f"date {text!r} does not exist") from None


_DATE_HINT = (
    "应为日期，如 2025-09-05、2025年9月5日、2025.9.5 或 2025/9/5",
    "must be a date such as 2025-09-05, 2025年9月5日, 2025.9.5 or 2025/9/5",
)


def _serial(value: float, epoch: int) -> dt.datetime:
    if not 1 <= value <= MAX_SERIAL:
        raise CellProblem(
            f"数字 {value} 不是 Excel 日期序号（1…{MAX_SERIAL}）",
            f"the number {value} is not an Excel date serial (1..{MAX_SERIAL})",
        )
    base = dt.datetime(1904, 1, 1) if epoch == 1904 else dt.datetime(1899, 12, 30)
    moment = from_excel(value, base)
    if not isinstance(moment, dt.datetime):
        raise CellProblem(f"数字 {value} 不是日期", f"the number {value} is not a date")
    return moment


def read_date(value: Any, epoch: int) -> dt.date:
    """A day: a date or datetime cell (its day), an Excel serial, an 8-digit 20250905, or text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | dt.time):
        raise CellProblem(*_DATE_HINT)
    if isinstance(value, int | float):
        if isinstance(value, int) or value.is_integer():
            compact = _COMPACT_DATE.fullmatch(str(int(value)))
            if compact is not None and int(value) > MAX_SERIAL:
                return _day(str(int(value)), *(int(g) for g in compact.groups()))
        return _serial(float(value), epoch).date()
    text = read_text(value)
    parts = _date_parts(text)
    if parts is None:
        raise CellProblem(
            f"无法识别的日期 {text!r}；{_DATE_HINT[0]}", f"not a date: {text!r}; {_DATE_HINT[1]}"
        )
    return parts[0]


def read_datetime(value: Any, epoch: int, offset: dt.timezone) -> dt.datetime:
    """A moment with its UTC offset; a cell or text without one is taken in ``offset``
    (spreadsheets have no time zones)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=offset)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), epoch).replace(tzinfo=offset)
    if isinstance(value, dt.date | dt.time | bool):
        raise CellProblem(
            "应为日期和时间，如 2025-09-05 21:40",
            "must be a date and time such as 2025-09-05 21:40",
        )
    text = read_text(value)
    parts = _date_parts(text)
    if parts is None or parts[1] is None:
        raise CellProblem(
            f"无法识别的时间 {text!r}，应为日期和时间，如 2025-09-05 21:40",
            f"not a date and time: {text!r}; expected e.g. 2025-09-05 21:40",
        )
    day, moment, zone = parts
    assert moment is not None
    tz = offset
    if zone is not None:
        tz = dt.UTC if zone == "Z" else _offset(zone)
    return dt.datetime.combine(day, moment, tz)


def _offset(text: str) -> dt.timezone:
    digits = text.replace(":", "")
    sign = -1 if digits[0] == "-" else 1
    hours, minutes = int(digits[1:3]), int(digits[3:5])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def parse_offset(text: str) -> dt.timezone | None:
    """``+08:00`` as a time zone (None if not of that form)."""
    if re.fullmatch(r"[+-]\d{2}:\d{2}", text) is None:
        return None
    return _offset(text)


def read_list(value: Any, separators: Iterable[str], item_suffix: str = "") -> list[str]:
    """A list written in one cell: 盗窃罪、诈骗罪 (any of ``separators``, or a line break).
    ``item_suffix``: every item ends with it, so a part that does not is glued to the next with
    the separator between them (罪名 such as 走私、贩卖、运输、制造毒品罪 hold a 、)."""
    text = read_text(value)
    pattern = "(" + "|".join(re.escape(s) for s in (*separators, "\n")) + ")"
    pieces = re.split(pattern, text)
    out: list[str] = []
    current = ""
    for i in range(0, len(pieces), 2):
        part = pieces[i].strip()
        sep = pieces[i + 1] if i + 1 < len(pieces) else ""
        if not part:
            continue
        current += part
        if not item_suffix or part.endswith(item_suffix) or not sep or sep == "\n":
            out.append(current)
            current = ""
        else:
            current += sep
    if current:
        out.append(current.rstrip("".join(separators)))
    return out


def json_value(value: Any) -> Any:
    """A cell's value as it is kept among a record's unknown fields (dates as ISO text)."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
