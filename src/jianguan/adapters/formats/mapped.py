"""Spreadsheets as case officers have them, read through a column mapping (docs/spreadsheets.md).

A mapping (a TOML data file: `data/mapping_*.toml`, or a user's own) says which sheet holds which
records (units, people, cases, and the lists of a case keyed by its case id), which Chinese
header is which field of format v1 (docs/format.md), which words stand for which codes, and
which cells may name a unit or a person by name. Each case is rebuilt as a format record and
goes through `records.decode_case_line`, the very checks of a cases.jsonl line; its errors are
moved to the sheet, row and header they come from. A mapping without unit and people sheets
(a 台账 of cases only) is read against the organisation already in the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from jianguan.adapters.formats import sheetcells as sc
from jianguan.adapters.formats.dataset import decode_rows
from jianguan.adapters.formats.records import (
    content_hash,
    decode_case_line,
    decode_person_row,
    decode_unit_row,
    tree_problems,
)
from jianguan.domain.errors import RecordError
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    DataSet,
    DecisionType,
    Disability,
    DocumentType,
    EventType,
    NonProsecutionGround,
    OutcomeType,
    Person,
    Role,
    SentenceBand,
    Unit,
    UnitLevel,
)
from jianguan.domain.provenance import ExportScope
from jianguan.domain.vocabulary import Vocabulary
from jianguan.services.ports.files import CaseFeed

FORMAT = "jianguan.sheet-mapping"
FORMAT_VERSION = 1
_PREFIX = "mapping_"


class MappingError(ValueError):
    """An unknown mapping name or an invalid mapping file; the message is "中文 / English"."""


# ---------------------------------------------------------------- what a column can be


@dataclass(frozen=True, slots=True)
class Kind:
    """How a format field's cells are read. ``ref``: the field names a unit or a person, so a
    mapping may let the cell give the name instead of the code."""

    kind: str  # text | longtext | date | datetime | bool | int | enum | list
    required: bool = False
    vocab: type[Vocabulary] | None = None
    ref: str | None = None  # unit | person
    open_set: bool = False  # an enum whose unknown words are kept (document types)


def _k(kind: str, *, req: bool = False, **kw: Any) -> Kind:
    return Kind(kind, req, **kw)


_TEXT, _REQ_TEXT = _k("text"), _k("text", req=True)
_REQ_DATE, _DATE, _REQ_BOOL = _k("date", req=True), _k("date"), _k("bool", req=True)
_PERSON = _k("text", ref="person")
_KEY = _k("text", req=True)

FIELDS: dict[str, dict[str, Kind]] = {
    "units": {
        "code": _REQ_TEXT,
        "name": _REQ_TEXT,
        "level": _k("enum", req=True, vocab=UnitLevel),
        "parent": _k("text", ref="unit"),
    },
    "people": {
        "id": _REQ_TEXT,
        "name": _REQ_TEXT,
        "unit": _k("text", req=True, ref="unit"),
        "department": _REQ_TEXT,
        "role": _k("enum", req=True, vocab=Role),
        "in_quota": _REQ_BOOL,
        "senior": _REQ_BOOL,
    },
    "cases": {
        "case_id": _REQ_TEXT,
        "unified_no": _REQ_TEXT,
        "unit": _k("text", req=True, ref="unit"),
        "department": _REQ_TEXT,
        "category": _k("enum", req=True, vocab=CaseCategory),
        "source": _k("enum", req=True, vocab=CaseSource),
        "received_on": _REQ_DATE,
        "handler": _k("text", req=True, ref="person"),
        "assigned_on": _REQ_DATE,
        "assignment": _k("enum", req=True, vocab=AssignmentMode),
        "major_complex": _REQ_BOOL,
        "charges": _k("list"),
        "decision.type": _k("enum", vocab=DecisionType),
        "decision.on": _DATE,
        "decision.by": _PERSON,
        "decision.approved_by": _PERSON,
        "decision.ground": _k("enum", vocab=NonProsecutionGround),
        "outcome.type": _k("enum", vocab=OutcomeType),
        "outcome.on": _DATE,
        "outcome.sentence_months": _k("int"),
        "outcome.recommendation_months": _k("int"),
        "outcome.recommendation_accepted": _k("bool"),
        "outcome.appealed": _k("bool"),
        "outcome.charge_changed": _k("bool"),
        "closed_on": _DATE,
        "archived_on": _DATE,
    },
    "suspects": {
        "case_id": _KEY,
        "id": _REQ_TEXT,
        "name": _REQ_TEXT,
        "birth_date": _REQ_DATE,
        "in_custody": _REQ_BOOL,
        "minor": _REQ_BOOL,
        "disability": _k("enum", vocab=Disability),
        "has_counsel": _REQ_BOOL,
        "plea_leniency": _REQ_BOOL,
        "fast_track": _REQ_BOOL,
        "likely_sentence_months": _k("int"),
        "likely_sentence": _k("enum", vocab=SentenceBand),
    },
    "victims": {"case_id": _KEY, "id": _REQ_TEXT, "name": _REQ_TEXT},
    "events": {
        "case_id": _KEY,
        "type": _k("enum", req=True, vocab=EventType),
        "on": _REQ_DATE,
        "by": _PERSON,
        "party": _TEXT,
        "note": _k("longtext"),
        "at": _k("datetime"),
    },
    "documents": {
        "case_id": _KEY,
        "type": _k("enum", req=True, vocab=DocumentType, open_set=True),
        "no": _TEXT,
        "issued_on": _REQ_DATE,
        "text": _k("longtext"),
    },
}
ORG_ROLES = ("units", "people")
# Keys of each record's object: an unknown column of that name could not be kept beside it.
_RESERVED: dict[str, frozenset[str]] = {
    role: frozenset(f.split(".")[0] for f in fields) for role, fields in FIELDS.items()
}
_RESERVED["cases"] |= {"suspects", "victims", "events", "documents", "extra"}
_RESERVED = {role: names | {"extra"} for role, names in _RESERVED.items()}
LIST_ROLES = ("suspects", "victims", "events", "documents")
ROLES = (*ORG_ROLES, "cases", *LIST_ROLES)

# ---------------------------------------------------------------- the mapping file


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    aliases: tuple[str, ...]
    field: str
    kind: Kind
    required: bool  # must be in the header row
    default: Any  # the value of a blank cell or an absent column (already read); None: none
    words: Mapping[str, Any]  # the column's own words (as sc.norm gives them) → code / bool /
    # text (None: blank)
    by_name: bool  # a unit or person may be named instead of coded
    item_suffix: str = ""  # a list's items all end with it (罪): a part that does not is glued

    def names(self) -> set[str]:
        return {sc.norm(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True, slots=True)
class SheetSpec:
    role: str
    names: tuple[str, ...]  # empty: the sheet is recognised by its header row
    required: bool
    ignore: frozenset[str]  # headers read as nothing (序号)
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    name: str
    title: str
    title_en: str
    header_within: int
    ignore_unknown_sheets: bool
    separators: tuple[str, ...]
    offset: dt.timezone
    scope: ExportScope  # what a workbook of this layout holds: every case, or some
    sheets: tuple[SheetSpec, ...]
    source: str

    def sheet(self, role: str) -> SheetSpec | None:
        return next((s for s in self.sheets if s.role == role), None)

    @property
    def has_organisation(self) -> bool:
        return self.sheet("units") is not None


def mapping_names() -> list[str]:
    """The mappings shipped with the platform (``data/mapping_NAME.toml``)."""
    folder = resources.files("jianguan").joinpath("data")
    return sorted(
        p.name.removeprefix(_PREFIX).removesuffix(".toml")
        for p in folder.iterdir()
        if p.name.startswith(_PREFIX) and p.name.endswith(".toml")
    )


def load_mapping(mapping: str) -> ColumnMapping:
    """A shipped mapping by name, or a mapping file by path; `MappingError` otherwise."""
    if mapping in mapping_names():
        text = resources.files("jianguan").joinpath(f"data/{_PREFIX}{mapping}.toml")
        return parse_mapping(text.read_text("utf-8"), mapping, mapping)
    path = Path(mapping)
    if path.suffix.lower() == ".toml" or path.exists():
        try:
            raw = path.read_text("utf-8")
        except FileNotFoundError:
            raise MappingError(
                f"找不到映射文件 {mapping} / mapping file {mapping} not found"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(
                f"无法读取映射文件 {mapping}：{exc} / cannot read mapping file {mapping}: {exc}"
            ) from None
        return parse_mapping(raw, str(path), path.stem.removeprefix(_PREFIX))
    names = "、".join(mapping_names())
    raise MappingError(
        f"未知的列映射 {mapping!r}（内置：{names}；或给出 .toml 映射文件的路径）"
        f" / unknown column mapping {mapping!r} (shipped: {', '.join(mapping_names())}; "
        "or give the path of a .toml mapping file)"
    )


def _fail(source: str, where: str, zh: str, en: str) -> MappingError:
    return MappingError(f"{source}: {where}: {zh} / {en}")


_TOP_KEYS = {
    "format",
    "version",
    "name",
    "title",
    "title_en",
    "description",
    "header_within",
    "unknown_sheets",
    "separators",
    "timezone",
    "scope",
    "sheet",
}
_SHEET_KEYS = {"role", "names", "required", "ignore_columns", "column"}
_COLUMN_KEYS = {
    "header",
    "aliases",
    "field",
    "required",
    "default",
    "values",
    "by_name",
    "item_suffix",
}


def parse_mapping(text: str, source: str, default_name: str) -> ColumnMapping:
    """A mapping file's text, checked key by key (`MappingError` naming the key)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, "-", f"不是合法的 TOML：{exc}", f"not valid TOML: {exc}") from None
    _keys(source, "", doc, _TOP_KEYS)
    if doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
        raise _fail(
            source,
            "format",
            f"应有 format = {FORMAT!r} 和 version = {FORMAT_VERSION}",
            f"needs format = {FORMAT!r} and version = {FORMAT_VERSION}",
        )
    within = doc.get("header_within", 10)
    if not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= 100:
        raise _fail(source, "header_within", "应为 1 到 100 的整数", "must be an integer 1..100")
    unknown = doc.get("unknown_sheets", "refuse")
    if unknown not in ("ignore", "refuse"):
        raise _fail(source, "unknown_sheets", "应为 ignore 或 refuse", "must be ignore or refuse")
    separators = _strings(source, "separators", doc.get("separators", ["、", "，", ",", "；", ";"]))
    offset = sc.parse_offset(str(doc.get("timezone", "+08:00")))
    if offset is None:
        raise _fail(source, "timezone", "应形如 +08:00", "must look like +08:00")
    scope = ExportScope.parse(str(doc.get("scope", "full")))
    if scope is None:
        raise _fail(source, "scope", "应为 full 或 delta", "must be full or delta")
    raw_sheets = doc.get("sheet")
    if not isinstance(raw_sheets, list) or not raw_sheets:
        raise _fail(source, "sheet", "至少要有一个 [[sheet]]", "needs at least one [[sheet]]")
    sheets = tuple(_sheet(source, i, s, separators, offset) for i, s in enumerate(raw_sheets))
    _check_sheets(source, sheets)
    return ColumnMapping(
        name=str(doc.get("name", default_name)),
        title=str(doc.get("title", default_name)),
        title_en=str(doc.get("title_en", doc.get("title", default_name))),
        header_within=within,
        ignore_unknown_sheets=unknown == "ignore",
        separators=separators,
        offset=offset,
        scope=scope,
        sheets=sheets,
        source=source,
    )


def _keys(source: str, where: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise _fail(source, where or "-", "应为表", "must be a table")
    for key in table:
        if key not in allowed:
            raise _fail(
                source,
                f"{where}.{key}" if where else key,
                f"未知的键（可用：{'、'.join(sorted(allowed))}）",
                f"unknown key (allowed: {', '.join(sorted(allowed))})",
            )


def _strings(source: str, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, where, "应为非空字符串的列表", "must be a list of non-empty strings")
    return tuple(value)


def _sheet(
    source: str, index: int, raw: Any, separators: tuple[str, ...], offset: dt.timezone
) -> SheetSpec:
    where = f"sheet[{index}]"
    _keys(source, where, raw, _SHEET_KEYS)
    role = raw.get("role")
    if role not in ROLES:
        raise _fail(
            source,
            f"{where}.role",
            f"应为 {'、'.join(ROLES)} 之一",
            f"must be one of {', '.join(ROLES)}",
        )
    names = _strings(source, f"{where}.names", raw.get("names", []))
    ignore = _strings(source, f"{where}.ignore_columns", raw.get("ignore_columns", []))
    required = raw.get("required", role not in LIST_ROLES)
    if not isinstance(required, bool):
        raise _fail(source, f"{where}.required", "应为 true 或 false", "must be true or false")
    raw_columns = raw.get("column")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise _fail(source, f"{where}.column", "至少要有一个 [[sheet.column]]", "needs columns")
    ctx = _Reading(1900, offset, separators)
    columns = tuple(
        _column(source, f"{where}.column[{i}]", role, c, ctx) for i, c in enumerate(raw_columns)
    )
    seen_fields: set[str] = set()
    seen_names: set[str] = {sc.norm(h) for h in ignore}
    for col in columns:
        if col.field in seen_fields:
            raise _fail(
                source, where, f"字段 {col.field} 映射了两次", f"field {col.field} mapped twice"
            )
        seen_fields.add(col.field)
        twice = col.names() & seen_names
        if twice:
            raise _fail(
                source,
                where,
                f"表头 {sorted(twice)[0]} 出现两次",
                f"header {sorted(twice)[0]} given twice",
            )
        seen_names |= col.names()
    for name, kind in FIELDS[role].items():
        if kind.required and name not in seen_fields:
            raise _fail(
                source,
                where,
                f"{role} 的必填字段 {name} 没有对应的列",
                f"required field {name} of {role} has no column",
            )
    return SheetSpec(role, names, required, frozenset(sc.norm(h) for h in ignore), columns)


def _column(source: str, where: str, role: str, raw: Any, ctx: _Reading) -> Column:
    _keys(source, where, raw, _COLUMN_KEYS)
    header = raw.get("header")
    if not isinstance(header, str) or not sc.norm(header):
        raise _fail(source, f"{where}.header", "应为非空字符串", "must be a non-empty string")
    name = raw.get("field")
    kind = FIELDS[role].get(name) if isinstance(name, str) else None
    if kind is None:
        raise _fail(
            source,
            f"{where}.field",
            f"{name!r} 不是 {role} 的字段（可用：{'、'.join(FIELDS[role])}）",
            f"{name!r} is not a field of {role} (allowed: {', '.join(FIELDS[role])})",
        )
    assert isinstance(name, str)
    by_name = raw.get("by_name", False)
    if not isinstance(by_name, bool) or (by_name and kind.ref is None):
        raise _fail(
            source,
            f"{where}.by_name",
            "只有指向单位或人员的字段可按名称填写",
            "only a field naming a unit or a person may be given by name",
        )
    words = _words(source, f"{where}.values", kind, raw.get("values", {}))
    suffix = raw.get("item_suffix", "")
    if not isinstance(suffix, str) or (suffix and kind.kind != "list"):
        raise _fail(
            source,
            f"{where}.item_suffix",
            "只有列表字段（罪名）可有 item_suffix，且应为字符串",
            "only a list field (charges) takes item_suffix, a string",
        )
    base = Column(
        header,
        _strings(source, f"{where}.aliases", raw.get("aliases", [])),
        name,
        kind,
        False,
        None,
        words,
        by_name,
        suffix,
    )
    default = None
    if "default" in raw:
        try:
            default = _read(base, raw["default"], ctx)
        except sc.CellProblem as exc:
            raise _fail(source, f"{where}.default", exc.zh, exc.en) from None
    required = raw.get("required", kind.required and default is None)
    if not isinstance(required, bool):
        raise _fail(source, f"{where}.required", "应为 true 或 false", "must be true or false")
    return dataclasses.replace(base, required=required, default=default)


def _words(source: str, where: str, kind: Kind, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(source, where, "应为表", "must be a table")
    if raw and kind.kind not in ("enum", "bool", "text"):
        raise _fail(
            source,
            where,
            "只有枚举、是否和文字字段可有取值表",
            "only enum, bool and text fields take values",
        )
    out: dict[str, Any] = {}
    for word, meant in raw.items():
        if meant == "":
            out[sc.norm(word)] = None
        elif kind.kind == "bool" and isinstance(meant, bool):
            out[sc.norm(word)] = meant
        elif kind.kind == "enum" and isinstance(meant, str) and kind.vocab is not None:
            member = kind.vocab.parse(meant)
            if member is None and not kind.open_set:
                codes = "|".join(m.value for m in kind.vocab)
                raise _fail(
                    source,
                    f"{where}.{word}",
                    f"{meant!r} 不是 {codes} 之一",
                    f"{meant!r} is not one of {codes}",
                )
            out[sc.norm(word)] = member.value if member is not None else meant
        elif kind.kind == "text" and isinstance(meant, str):
            out[sc.norm(word)] = meant
        else:
            raise _fail(source, f"{where}.{word}", "取值类型不对", "wrong type of value")
    return out


def _check_sheets(source: str, sheets: tuple[SheetSpec, ...]) -> None:
    roles = [s.role for s in sheets]
    for role in set(roles):
        if roles.count(role) > 1:
            raise _fail(source, "sheet", f"{role} 出现两次", f"role {role} given twice")
    if "cases" not in roles:
        raise _fail(source, "sheet", '缺少 role = "cases" 的工作表', 'no sheet with role = "cases"')
    if ("units" in roles) != ("people" in roles):
        raise _fail(
            source,
            "sheet",
            "units 和 people 工作表须同时给出（或都不给，用库中已有的单位和人员）",
            "give both units and people sheets, or neither (the store's organisation is used)",
        )
    names = [sc.norm(n) for s in sheets for n in s.names]
    if len(set(names)) != len(names):
        raise _fail(source, "sheet", "工作表名称重复", "a sheet name is given twice")


# ---------------------------------------------------------------- reading cells


@dataclass(frozen=True, slots=True)
class _Reading:
    epoch: int
    offset: dt.timezone
    separators: tuple[str, ...]


def _read(col: Column, value: Any, ctx: _Reading) -> Any:
    """A non-blank cell as its field's value; raises `sc.CellProblem`."""
    if col.words and isinstance(value, str | int | float) and not isinstance(value, bool):
        key = sc.norm(sc.read_text(value))
        if key in col.words:
            return col.words[key]
    kind = col.kind
    if kind.kind == "text":
        return sc.read_text(value)
    if kind.kind == "longtext":
        return sc.read_text(value, keep_space=True)
    if kind.kind == "date":
        return sc.read_date(value, ctx.epoch)
    if kind.kind == "datetime":
        return sc.read_datetime(value, ctx.epoch, ctx.offset)
    if kind.kind == "bool":
        return sc.read_bool(value, {})
    if kind.kind == "int":
        return sc.read_int(value)
    if kind.kind == "list":
        return sc.read_list(value, ctx.separators, col.item_suffix)
    assert kind.vocab is not None
    return sc.read_enum(value, kind.vocab, {}, open_set=kind.open_set)


@dataclass(slots=True)
class _Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # field → value; None when blank
    errors: list[RecordError] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # fields whose cell could not be read
    extra: dict[str, Any] = field(default_factory=dict)  # unknown header → value


@dataclass(slots=True)
class _Table:
    spec: SheetSpec
    label: str  # workbook/sheet
    header_row: int
    headers: dict[str, str]  # field → the header as the sheet writes it
    rows: list[_Row]

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


class MappedFeed:
    """A workbook read through a `ColumnMapping`; implements services.ports.files.CaseFeed."""

    def __init__(
        self,
        path: Path,
        mapping: ColumnMapping,
        *,
        today: dt.date | None,
        strict: bool,
        known: DataSet | None,
    ) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: 找不到工作簿 / workbook not found")
        if not mapping.has_organisation and known is None:
            raise MappingError(
                f"映射 {mapping.name} 不含单位和人员工作表，须用库中已有的单位和人员"
                f" / mapping {mapping.name} has no unit and people sheets: it needs the store's"
            )
        self.path, self.mapping, self.today, self.strict, self.known = (
            path,
            mapping,
            today,
            strict,
            known,
        )
        self.name = str(path)
        self.total_bytes = path.stat().st_size
        self._tables: dict[str, _Table] | None = None
        self._problems: list[RecordError] = []

    # -- the workbook, read once

    def _read(self) -> dict[str, _Table]:
        if self._tables is not None:
            return self._tables
        self._tables = {}
        book = self.path.name
        sheets, epoch, errors = sc.load_sheets(self.path, book)
        if errors:
            self._problems = errors
            return self._tables
        ctx = _Reading(epoch, self.mapping.offset, self.mapping.separators)
        chosen, problems = _match_sheets(book, sheets, self.mapping)
        for spec in self.mapping.sheets:
            sheet = chosen.get(spec.role)
            if sheet is None:
                continue
            table, errs = _table(book, sheet, spec, self.mapping, ctx, self.strict)
            problems += errs
            if table is not None:
                self._tables[spec.role] = table
        cases = self._tables.get("cases")
        if cases is not None and not cases.rows and not problems:
            problems.append(
                RecordError(
                    cases.label, cases.header_row, "-", "工作表没有案件", "no case in the sheet"
                )
            )
        self._problems = problems
        return self._tables

    def _where(self, role: str) -> tuple[str, str]:
        """How an error names where units or people are looked for."""
        table = (self._tables or {}).get(role)
        if table is not None:
            sheet = table.label.rpartition("/")[2]
            return f"「{sheet}」工作表", f"the sheet {sheet}"
        return (
            ("库中已有的单位", "the store's units")
            if role == "units"
            else (
                "库中已有的人员",
                "the store's staff",
            )
        )

    def _retext(self, error: RecordError) -> RecordError:
        zh, en = error.zh, error.en
        for role, name in (("units", "units.csv"), ("people", "people.csv")):
            if name in zh or name in en:
                wz, we = self._where(role)
                zh = zh.replace(f" {name} ", wz).replace(name, wz)
                en = en.replace(name, we)
        return RecordError(error.file, error.line, error.field, zh, en)

    # -- CaseFeed

    def organisation(self) -> tuple[DataSet, list[RecordError]]:
        tables = self._read()
        if self._problems:
            return DataSet((), ()), list(self._problems)
        if not self.mapping.has_organisation:
            assert self.known is not None
            return self.known, []
        units_t, people_t = tables.get("units"), tables.get("people")
        if units_t is None or people_t is None:
            return DataSet((), ()), []
        errors: list[RecordError] = []
        units = self._units(units_t, errors)
        people = self._people(people_t, units, errors)
        return DataSet(tuple(u for _, u in units), tuple(p for _, p in people)), errors

    def _units(self, table: _Table, errors: list[RecordError]) -> list[tuple[int, Unit]]:
        rows: list[tuple[int, dict[str, str]]] = []
        for row in table.rows:
            if row.errors:
                errors += row.errors
                continue
            rows.append((row.number, {k: _org_text(row.values.get(k)) for k in FIELDS["units"]}))
        names = _name_index((r["name"], r["code"]) for _, r in rows)
        parent = table.spec.column("parent")
        if parent is not None and parent.by_name:
            codes = {r["code"] for _, r in rows}
            for number, r in rows:
                problem = _by_name(r, "parent", codes, names, "单位", "unit")
                if problem is not None:
                    errors.append(
                        RecordError(table.label, number, table.header("parent"), *problem)
                    )
        found: list[RecordError] = []
        units = decode_rows(table.label, rows, decode_unit_row, "code", found)
        found += [RecordError(table.label, n, f, zh, en) for n, f, zh, en in tree_problems(units)]
        errors += [self._retext(_at_header(e, table)) for e in found]
        return units

    def _people(
        self, table: _Table, units: list[tuple[int, Unit]], errors: list[RecordError]
    ) -> list[tuple[int, Person]]:
        rows: list[tuple[int, dict[str, str]]] = []
        codes = {u.code for _, u in units}
        names = _name_index((u.name, u.code) for _, u in units)
        by_name = (col := table.spec.column("unit")) is not None and col.by_name
        for row in table.rows:
            if row.errors:
                errors += row.errors
                continue
            r = {k: _org_text(row.values.get(k)) for k in FIELDS["people"]}
            if by_name:
                problem = _by_name(r, "unit", codes, names, "单位", "unit")
                if problem is not None:
                    errors.append(
                        RecordError(table.label, row.number, table.header("unit"), *problem)
                    )
            rows.append((row.number, r))
        found: list[RecordError] = []
        people = decode_rows(table.label, rows, decode_person_row, "id", found)
        found += [
            RecordError(
                table.label,
                n,
                "unit",
                f"单位 {p.unit} 不在 units.csv 中",
                f"unit {p.unit} not in units.csv",
            )
            for n, p in people
            if p.unit not in codes
        ]
        errors += [self._retext(_at_header(e, table)) for e in found]
        return people

    def cases(self, org: DataSet) -> Iterator[tuple[int, Case | list[RecordError]]]:
        tables = self._read()
        if self._problems or "cases" not in tables:
            return iter(())
        return self._cases(tables, org)

    def _cases(
        self, tables: dict[str, _Table], org: DataSet
    ) -> Iterator[tuple[int, Case | list[RecordError]]]:
        cases_t = tables["cases"]
        ids = {_org_text(r.values.get("case_id")) for r in cases_t.rows}
        lists: dict[str, dict[str, list[_Row]]] = {}
        orphans: list[RecordError] = []
        for role in LIST_ROLES:
            grouped: dict[str, list[_Row]] = defaultdict(list)
            table = tables.get(role)
            for row in table.rows if table is not None else ():
                case_id = _org_text(row.values.get("case_id"))
                if case_id not in ids and "case_id" not in row.failed:
                    orphans.append(_orphan(table, row.number, case_id, cases_t))  # type: ignore[arg-type]
                grouped[case_id].append(row)
            lists[role] = grouped
        if orphans:  # rows of no case would otherwise be dropped silently
            yield 0, orphans
        refs = _Refs(org)
        seen: dict[str, int] = {}
        total = max(len(cases_t.rows), 1)
        for i, row in enumerate(cases_t.rows):
            done = self.total_bytes * (i + 1) // total
            case_id = _org_text(row.values.get("case_id"))
            if case_id and case_id in seen:
                yield (
                    done,
                    [
                        RecordError(
                            cases_t.label,
                            row.number,
                            cases_t.header("case_id"),
                            f"案件编号 {case_id} 与第 {seen[case_id]} 行重复",
                            f"duplicate case id {case_id} (row {seen[case_id]})",
                        )
                    ],
                )
                continue
            seen.setdefault(case_id, row.number)
            parts = {role: lists[role].get(case_id, []) for role in LIST_ROLES}
            yield done, self._case(row, parts, tables, org, refs)

    def _case(
        self,
        row: _Row,
        parts: dict[str, list[_Row]],
        tables: dict[str, _Table],
        org: DataSet,
        refs: _Refs,
    ) -> Case | list[RecordError]:
        cases_t = tables["cases"]
        own = [*row.errors, *(e for rows in parts.values() for r in rows for e in r.errors)]
        ref_errors: list[RecordError] = []
        for name in ("unit", "handler", "decision.by", "decision.approved_by"):
            col = cases_t.spec.column(name)
            if col is not None and col.by_name:
                unit = row.values.get("unit")
                problem = refs.resolve(row.values, name, col.kind.ref, unit)
                if problem is not None:
                    ref_errors.append(RecordError(cases_t.label, row.number, col.header, *problem))
        unit = row.values.get("unit")
        events_t = tables.get("events")
        by = events_t.spec.column("by") if events_t is not None else None
        if events_t is not None and by is not None and by.by_name:
            for ev in parts["events"]:
                problem = refs.resolve(ev.values, "by", "person", unit)
                if problem is not None:
                    ref_errors.append(
                        RecordError(events_t.label, ev.number, events_t.header("by"), *problem)
                    )
        record = _record(row, parts)
        result = decode_case_line(orjson.dumps(record), cases_t.label, row.number, org, self.today)
        if isinstance(result, Case) and not own and not ref_errors:
            return result
        decoded = [] if isinstance(result, Case) else result
        located = [self._retext(_relocate(e, row, parts, tables)) for e in decoded]
        taken = {(e.file, e.line, e.field) for e in (*own, *ref_errors)}
        return [*own, *ref_errors, *(e for e in located if (e.file, e.line, e.field) not in taken)]

    @property
    def carries(self) -> frozenset[str]:
        """The `Case` fields this workbook's layout holds at all (a 台账 holds the card, not the
        suspects, events, documents, decision or outcome): a case re-imported from it says
        nothing about the others, which an importer should keep as they were stored."""
        out: set[str] = set()
        cases = self.mapping.sheet("cases")
        for col in cases.columns if cases is not None else ():
            out.add(col.field.split(".")[0])
        out.update(role for role in LIST_ROLES if self.mapping.sheet(role) is not None)
        return frozenset(out)

    def scope(self) -> tuple[ExportScope, dt.date | None, list[RecordError]]:
        """A spreadsheet does not say; its mapping does (a 台账 holds some cases: a delta)."""
        return self.mapping.scope, None, []

    def fingerprint(self, case: Case) -> str:
        return content_hash(case)

    def close(self) -> None:
        self._tables = None


# ---------------------------------------------------------------- sheets and header rows


def _match_sheets(
    book: str, sheets: list[sc.Sheet], mapping: ColumnMapping
) -> tuple[dict[str, sc.Sheet], list[RecordError]]:
    """Which sheet of the workbook holds each role: by name, else (a spec without names) the one
    sheet whose header row is the spec's."""
    chosen: dict[str, sc.Sheet] = {}
    errors: list[RecordError] = []
    by_name = {sc.norm(s.name): s for s in sheets}
    for spec in mapping.sheets:
        found = next((by_name[sc.norm(n)] for n in spec.names if sc.norm(n) in by_name), None)
        if found is not None:
            chosen[spec.role] = found
    claimed = {id(s) for s in chosen.values()}
    for spec in mapping.sheets:
        if spec.role in chosen or spec.names:
            continue
        free = [s for s in sheets if id(s) not in claimed]
        found_headers = [_find_header(s, spec, mapping.header_within) for s in free]
        fits = [s for s, (_, missing, _) in zip(free, found_headers, strict=True) if not missing]
        if not fits:  # the sheet most like it, so that its missing headers are named
            hits = [h for _, _, h in found_headers]
            if hits and max(hits) >= 2:
                fits = [free[hits.index(max(hits))]]
        if len(fits) > 1:
            errors.append(
                RecordError(
                    book,
                    0,
                    "-",
                    f"多个工作表（{'、'.join(s.name for s in fits)}）都像 {spec.role} 工作表，请只留一个",
                    f"several sheets ({', '.join(s.name for s in fits)}) look like the {spec.role} sheet",
                )
            )
        elif fits:
            chosen[spec.role] = fits[0]
            claimed.add(id(fits[0]))
    for spec in mapping.sheets:
        if spec.role not in chosen and spec.required:
            wanted = "、".join(spec.names) or f"（表头含 {spec.columns[0].header} 的工作表）"
            wanted_en = ", ".join(spec.names) or f"(a sheet headed {spec.columns[0].header})"
            errors.append(
                RecordError(book, 0, "-", f"缺少工作表 {wanted}", f"sheet missing: {wanted_en}")
            )
    if not mapping.ignore_unknown_sheets:
        known = ", ".join(n for s in mapping.sheets for n in s.names)
        errors += [
            RecordError(
                f"{book}/{s.name}",
                0,
                "-",
                f"未知工作表（映射 {mapping.name} 中只有 {known.replace(', ', '、')}）",
                f"unknown sheet (mapping {mapping.name} has {known})",
            )
            for s in sheets
            if id(s) not in claimed and not _blank_sheet(s)
        ]
    return chosen, errors


def _blank_sheet(sheet: sc.Sheet) -> bool:
    return all(c.value is None and c.problem is None for row in sheet.rows for c in row)


def _find_header(sheet: sc.Sheet, spec: SheetSpec, within: int) -> tuple[int, list[str], int]:
    """(0-based index of the header row, the required headers missing from it, how many of the
    spec's headers it has): the first row within ``within`` that has every required header,
    else the one with the most of them."""
    best, best_missing, best_hits = 0, [c.header for c in spec.columns if c.required], 0
    for index, row in enumerate(sheet.rows[:within]):
        present = {sc.norm(sc.header_text(c.value)) for c in row if c.value is not None}
        hits = sum(1 for col in spec.columns if col.names() & present)
        missing = [c.header for c in spec.columns if c.required and not c.names() & present]
        if hits and not missing:
            return index, [], hits
        if hits > best_hits:
            best, best_missing, best_hits = index, missing, hits
    return best, best_missing, best_hits


def _table(
    book: str,
    sheet: sc.Sheet,
    spec: SheetSpec,
    mapping: ColumnMapping,
    ctx: _Reading,
    strict: bool,
) -> tuple[_Table | None, list[RecordError]]:
    label = f"{book}/{sheet.name}"
    if _blank_sheet(sheet):
        if spec.role in LIST_ROLES:
            return _Table(spec, label, 1, {}, []), []
        return None, [RecordError(label, 1, "-", "工作表为空", "sheet is empty")]
    index, missing, _ = _find_header(sheet, spec, mapping.header_within)
    header_row = index + 1
    errors = [
        RecordError(
            label,
            header_row,
            h,
            f"表头缺少此列（在前 {mapping.header_within} 行中未找到）",
            f"column missing from the header (not found in the first {mapping.header_within} rows)",
        )
        for h in missing
    ]
    cells = sheet.rows[index] if index < len(sheet.rows) else []
    slots: list[Column | str | None] = []  # a column, "ignore", "?header" (unknown) or None
    texts: list[str] = []  # each column's header as the sheet writes it
    headers: dict[str, str] = {}
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells):
        text = sc.header_text(cell.value)
        texts.append(text)
        key = sc.norm(text)
        if not key:
            slots.append(None)
            continue
        if key in seen:
            errors.append(
                RecordError(
                    label,
                    header_row,
                    text,
                    f"表头重复（第 {seen[key] + 1} 列和第 {position + 1} 列）",
                    f"header given twice (columns {seen[key] + 1} and {position + 1})",
                )
            )
        seen[key] = position
        col = next((c for c in spec.columns if key in c.names()), None)
        if col is not None:
            slots.append(col)
            headers[col.field] = text
        elif key in spec.ignore or cell.merged:
            slots.append("ignore")  # a merged title over the header is no column of its own
        else:
            slots.append("?" + text)
            if key in _RESERVED[spec.role]:
                errors.append(
                    RecordError(
                        label,
                        header_row,
                        text,
                        "未知列与格式字段同名，无法保留",
                        "an unknown column named as a field of the format cannot be kept",
                    )
                )
            elif strict:
                errors.append(
                    RecordError(
                        label,
                        header_row,
                        text,
                        "未知列（映射中没有此列；--strict 不接受）",
                        "unknown column (not in the mapping; refused under --strict)",
                    )
                )
    if errors:
        return None, errors
    for col in spec.columns:
        headers.setdefault(col.field, col.header)
    rows = []
    for number, cells in enumerate(sheet.rows[index + 1 :], start=header_row + 1):
        row = _row(label, number, cells, slots, texts, spec, ctx)
        if row is not None:
            rows.append(row)
    return _Table(spec, label, header_row, headers, rows), []


def _row(
    label: str,
    number: int,
    cells: list[sc.Cell],
    slots: list[Column | str | None],
    texts: list[str],
    spec: SheetSpec,
    ctx: _Reading,
) -> _Row | None:
    """One data row read through the header's slots; None for a blank row."""
    row = _Row(number, {})
    anything = False
    for position, cell in enumerate(cells):
        slot = slots[position] if position < len(slots) else None
        if slot == "ignore" or (cell.value is None and cell.problem is None):
            continue
        anything = True
        if slot is None:
            if cell.merged:  # a merged range spilling past the last header: no data there
                continue
            row.errors.append(
                RecordError(
                    label,
                    number,
                    f"#{position + 1}",
                    "表头之外的列有数据",
                    "a value in a column without a header",
                )
            )
            continue
        header = texts[position]
        if cell.problem is not None:
            row.errors.append(RecordError(label, number, header, *cell.problem))
            if isinstance(slot, Column):
                row.failed.add(slot.field)
            continue
        if isinstance(slot, str):
            row.extra[header] = sc.json_value(cell.value)
            continue
        try:
            row.values[slot.field] = _read(slot, cell.value, ctx)
        except sc.CellProblem as exc:
            row.errors.append(RecordError(label, number, header, exc.zh, exc.en))
            row.failed.add(slot.field)
    if not anything:
        return None
    for col in spec.columns:
        if row.values.get(col.field) is None and col.field not in row.failed:
            row.values[col.field] = col.default
    return row


# ---------------------------------------------------------------- records and errors


def _org_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _name_index(pairs: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for name, code in pairs:
        out[sc.norm(name)].append(code)
    return out


def _by_name(
    row: dict[str, str], name: str, codes: set[str], names: dict[str, list[str]], zh: str, en: str
) -> tuple[str, str] | None:
    """Put the code in place of a unit's name; why not, when the name is not unique."""
    value = row[name]
    if not value or value in codes:
        return None
    found = names.get(sc.norm(value), [])
    if len(found) == 1:
        row[name] = found[0]
    elif len(found) > 1:
        return (
            f"{zh}名称 {value} 对应多个{zh}（{'、'.join(found)}），请填写编码",
            f"the {en} name {value} fits several ({', '.join(found)}); give the code",
        )
    return None


class _Refs:
    """Units and people by name, for cells that name them instead of giving the code."""

    def __init__(self, org: DataSet) -> None:
        self.units = _name_index((u.name, u.code) for u in org.units)
        self.codes = org.unit_codes
        self.ids = org.person_ids
        self.people: dict[str, list[Person]] = defaultdict(list)
        for p in org.people:
            self.people[sc.norm(p.name)].append(p)

    def resolve(
        self, values: dict[str, Any], name: str, ref: str | None, unit: Any
    ) -> tuple[str, str] | None:
        value = values.get(name)
        if not isinstance(value, str) or not value:
            return None
        if ref == "unit":
            row = {name: value}
            problem = _by_name(row, name, set(self.codes), self.units, "单位", "unit")
            values[name] = row[name]
            return problem
        if value in self.ids:
            return None
        everyone = self.people.get(sc.norm(value), [])
        here = [p for p in everyone if p.unit == unit] or everyone
        if len(here) == 1:
            values[name] = here[0].id
        elif len(here) > 1:
            ids = "、".join(p.id for p in here[:5])
            return (
                f"姓名 {value} 对应多名人员（{ids}），请填写人员编号",
                f"the name {value} fits several staff ({ids.replace('、', ', ')}); give the staff id",
            )
        return None


def _present(values: Mapping[str, Any], names: Any) -> dict[str, Any]:
    return {n: values[n] for n in names if values.get(n) is not None}


def _record(row: _Row, parts: dict[str, list[_Row]]) -> dict[str, Any]:
    """The format v1 record of a case row and its list rows; blank cells are left out, so that a
    required one is reported missing. Unknown columns are the record's unknown keys, which the
    decoder keeps beside their object (``extra``)."""
    values = row.values
    rec = {**row.extra, **_present(values, (f for f in FIELDS["cases"] if "." not in f))}
    for group in ("decision", "outcome"):
        sub = {
            f.removeprefix(f"{group}."): values[f]
            for f in FIELDS["cases"]
            if f.startswith(f"{group}.") and values.get(f) is not None
        }
        rec[group] = sub or None
    for role in LIST_ROLES:
        rec[role] = [
            {**r.extra, **_present(r.values, (f for f in FIELDS[role] if f != "case_id"))}
            for r in parts[role]
        ]
    return rec


def _orphan(table: _Table, number: int, case_id: str, cases_t: _Table) -> RecordError:
    header = table.header("case_id")
    sheet = cases_t.label.rpartition("/")[2]
    if not case_id:
        return RecordError(table.label, number, header, "必填字段为空", "required field is empty")
    return RecordError(
        table.label,
        number,
        header,
        f"案件 {case_id} 不在「{sheet}」工作表中，此行不能导入",
        f"case {case_id} is not in the sheet {sheet}; the row cannot be imported",
    )


def _at_header(error: RecordError, table: _Table) -> RecordError:
    return RecordError(error.file, error.line, table.header(error.field), error.zh, error.en)


def _relocate(
    error: RecordError, row: _Row, parts: dict[str, list[_Row]], tables: dict[str, _Table]
) -> RecordError:
    """A decoded record's error at the sheet, row and header it comes from."""
    cases_t = tables["cases"]
    path = error.field
    head, _, rest = path.partition("[")
    if rest and head in LIST_ROLES and head in tables:
        index_text, _, sub = rest.partition("]")
        table, rows = tables[head], parts[head]
        if index_text.isdigit() and int(index_text) < len(rows):
            name = sub.removeprefix(".").split(".")[0].split("[")[0]
            header = table.header(name) if name else "-"
            return RecordError(
                table.label, rows[int(index_text)].number, header, error.zh, error.en
            )
    if head == "charges":
        return RecordError(cases_t.label, row.number, cases_t.header("charges"), error.zh, error.en)
    if path in FIELDS["cases"]:
        return RecordError(cases_t.label, row.number, cases_t.header(path), error.zh, error.en)
    if path in ("decision", "outcome"):
        col = next((c for c in cases_t.spec.columns if c.field.startswith(f"{path}.")), None)
        header = cases_t.header(col.field) if col is not None else path
        return RecordError(cases_t.label, row.number, header, error.zh, error.en)
    return RecordError(cases_t.label, row.number, path, error.zh, error.en)


# ---------------------------------------------------------------- the entry point


def open_mapped(
    path: Path,
    mapping: str,
    *,
    today: dt.date | None,
    strict: bool,
    known: DataSet | None,
) -> CaseFeed:
    """A workbook read through a mapping (a shipped mapping's name or a .toml file's path).

    Raises `MappingError` for an unknown mapping or an invalid mapping file, or for a mapping
    without unit and people sheets when ``known`` (the store's organisation) is None, and
    `FileNotFoundError` when there is no workbook at ``path``. ``strict``: refuse columns the
    mapping does not name (otherwise they are kept in the case's ``extra``)."""
    return MappedFeed(path, load_mapping(mapping), today=today, strict=strict, known=known)


__all__ = ["MappedFeed", "MappingError", "load_mapping", "mapping_names", "open_mapped"]
