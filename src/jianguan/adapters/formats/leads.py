"""Reading supervision leads (docs/supervision.md, the lead format): JSONL or an xlsx sheet.

Every bad field is reported with its place (``RecordError(file, line, field, zh, en)``) and the
reader goes on, so a case officer sees all of a file's errors at once; the caller imports
nothing when there is any. A workbook's header may use the format's keys or their Chinese names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from jianguan.domain.errors import RecordError
from jianguan.domain.supervision import Lead, Line

FIELDS = (
    "lead_id", "model", "rule", "unit", "line", "target", "received_on", "summary", "facts",
    "records", "department",
)  # fmt: skip
REQUIRED = ("lead_id", "model", "rule", "unit", "line", "target", "received_on", "facts")
HEADERS_ZH = {
    "线索编号": "lead_id",
    "监督模型": "model",
    "模型": "model",
    "模型规则": "rule",
    "规则": "rule",
    "承办院": "unit",
    "院": "unit",
    "条线": "line",
    "被监督单位": "target",
    "推送日期": "received_on",
    "摘要": "summary",
    "线索事实": "facts",
    "事实": "facts",
    "依据记录": "records",
    "承办部门": "department",
}
MAX_TEXT = 200


def _err(file: str, line: int, field: str, zh: str, en: str) -> RecordError:
    return RecordError(file, line, field, zh, en)


def _facts(value: Any) -> dict[str, str] | None:
    """A JSON object of facts, or ``名称=值; 名称=值`` from a spreadsheet cell."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                return None
            return _facts(parsed) if isinstance(parsed, dict) else None
        out = {}
        for part in (p for p in text.replace("；", ";").split(";") if p.strip()):
            if "=" not in part:
                return None
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
        return out
    return None


def _records(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str):
        return tuple(p.strip() for p in value.replace("；", ";").split(";") if p.strip())
    return None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def parse_lead(
    raw: Mapping[str, Any], file: str, line: int, units: set[str] | None
) -> tuple[Lead | None, list[RecordError]]:
    """One lead from its record; the errors found in it otherwise (never both)."""
    errors: list[RecordError] = []
    for key in sorted(set(raw) - set(FIELDS)):
        errors.append(_err(file, line, key, "格式未定义的字段", "a key the format does not define"))
    for key in REQUIRED:
        if raw.get(key) in (None, "", {}):
            errors.append(_err(file, line, key, "必填字段缺失", "required field missing"))
    if errors:
        return None, errors
    text = {k: str(raw[k]).strip() for k in ("lead_id", "model", "rule", "unit", "target")}
    for key, value in text.items():
        if len(value) > MAX_TEXT:
            errors.append(_err(file, line, key, f"超过 {MAX_TEXT} 个字符", f"over {MAX_TEXT} characters"))  # fmt: skip
    ln = Line.parse(str(raw["line"]))
    if ln is None:
        errors.append(
            _err(
                file,
                line,
                "line",
                "条线应为 criminal、civil、administrative 或 public_interest",
                "line must be criminal, civil, administrative or public_interest",
            )
        )
    day = _day(raw["received_on"])
    if day is None:
        errors.append(_err(file, line, "received_on", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))  # fmt: skip
    facts = _facts(raw["facts"])
    if not facts:
        errors.append(
            _err(
                file,
                line,
                "facts",
                "线索事实应为对象或“名称=值；…”",
                "facts must be an object or name=value; …",
            )
        )
    records = _records(raw.get("records"))
    if records is None:
        errors.append(_err(file, line, "records", "依据记录应为列表", "records must be a list"))
    if units is not None and text["unit"] not in units:
        errors.append(_err(file, line, "unit", f"院代码 {text['unit']} 不在单位名单中", "unknown unit"))  # fmt: skip
    if errors or ln is None or day is None or not facts or records is None:
        return None, errors
    dept = str(raw.get("department") or "").strip() or None
    summary = str(raw.get("summary") or "").strip()
    return (
        Lead(
            text["lead_id"],
            text["model"],
            text["rule"],
            text["unit"],
            ln,
            text["target"],
            day,
            summary,
            facts,
            records,
            dept,
        ),
        [],
    )


def _jsonl(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | None, RecordError | None]]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                yield (
                    n,
                    None,
                    _err(path.name, n, "-", "不是有效的 JSON 行", "not a valid JSON line"),
                )
                continue
            if not isinstance(value, dict):
                yield (
                    n,
                    None,
                    _err(path.name, n, "-", "每行应为一个对象", "each line must be an object"),
                )
                continue
            yield n, value, None


def _xlsx(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | None, RecordError | None]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb["leads"] if "leads" in wb.sheetnames else wb[wb.sheetnames[0]]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            yield 1, None, _err(path.name, 1, "-", "工作表为空", "the sheet is empty")
            return
        names: list[str | None] = []
        for cell in header:
            name = str(cell).strip() if cell is not None else ""
            names.append(HEADERS_ZH.get(name, name) or None)
        for n, row in enumerate(rows, 2):
            if all(v is None or str(v).strip() == "" for v in row):
                continue
            rec = {k: v for k, v in zip(names, row, strict=False) if k and v not in (None, "")}
            yield n, rec, None
    finally:
        wb.close()


def read_leads(path: Path, units: set[str] | None = None) -> tuple[list[Lead], list[RecordError]]:
    """Every lead of a ``.jsonl`` or ``.xlsx`` file, and every error with its place."""
    reader = _xlsx if path.suffix.lower() == ".xlsx" else _jsonl
    leads: list[Lead] = []
    errors: list[RecordError] = []
    seen: dict[str, int] = {}
    for n, raw, bad in reader(path):
        if bad is not None or raw is None:
            errors.extend([bad] if bad else [])
            continue
        lead, errs = parse_lead(raw, path.name, n, units)
        errors += errs
        if lead is None:
            continue
        if lead.lead_id in seen:
            errors.append(
                _err(
                    path.name,
                    n,
                    "lead_id",
                    f"线索编号与第 {seen[lead.lead_id]} 行重复",
                    f"lead_id repeats line {seen[lead.lead_id]}",
                )
            )
            continue
        seen[lead.lead_id] = n
        leads.append(lead)
    return leads, errors


def lead_record(lead: Lead) -> dict[str, Any]:
    """A lead as a line of the format (the generator writes these)."""
    out: dict[str, Any] = {
        "lead_id": lead.lead_id,
        "model": lead.model,
        "rule": lead.rule,
        "unit": lead.unit,
        "line": lead.line.value,
        "target": lead.target,
        "received_on": lead.received_on.isoformat(),
        "summary": lead.summary,
        "facts": dict(lead.facts),
        "records": list(lead.records),
    }
    if lead.department:
        out["department"] = lead.department
    return out
