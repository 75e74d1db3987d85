"""Two sources of a case, kept apart: what the national system's export says, and what was done
on this platform (events recorded here, case-card fields set here).

The store holds the merged case (what monitoring, indicators and the case card read), and beside
it the platform's share of it (``PlatformWork``): which events were recorded here, and for each
card field set here both the value set here and the value the export last gave. So

* the export's own record is always recoverable, and its content hash — the hash of the export's
  record alone — decides whether a re-import changes anything;
* a re-import of a changed export takes the export's facts and applies the platform's share
  again (``merge_export``); where the two disagree it lists a ``Conflict`` and keeps both: the
  platform's value on the card, the export's value beside it. Nothing is dropped silently.

Pure functions on domain values; the store and the import use case call them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from jianguan.domain.model import Case, Decision, Document, Event
from jianguan.domain.vocabulary import Vocabulary


class Origin(Vocabulary):
    """Where a stored event (or card value) came from."""

    EXPORT = "export", "国家系统导出", "national system export"
    PLATFORM = "platform", "本平台", "this platform"


class ExportScope(Vocabulary):
    """What an export holds (format 1.2, ``format.json``): every case of its units, or only the
    cases changed since a date. A case of those units that a full export no longer holds is
    listed by the import; a delta says nothing about the cases it leaves out."""

    FULL = "full", "全量导出", "full export"
    DELTA = "delta", "增量导出", "delta export"


class CardField(Vocabulary):
    """The case-card fields the platform itself sets (by assignment, decision, close, archive,
    and documents added here); every other card field is the export's alone."""

    HANDLER = "handler", "承办人", "handler"
    ASSIGNED_ON = "assigned_on", "分案日期", "assignment date"
    ASSIGNMENT = "assignment", "分案方式", "assignment mode"
    DECISION = "decision", "审查结论", "decision"
    CLOSED_ON = "closed_on", "办结日期", "closing date"
    ARCHIVED_ON = "archived_on", "归档日期", "archiving date"
    DOCUMENTS = "documents", "法律文书", "documents"


class ConflictKind(Vocabulary):
    FIELD = "field", "导出与本平台记录不一致", "export disagrees with the platform's record"
    UNIT_MOVED = "unit_moved", "案件移至其他单位", "case moved to another unit"
    REFUSED_DECISION = (
        "refused_decision",
        "导出的审查结论不符合本平台的权限规定",
        "the export's decision fails the platform's powers list",
    )


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A card field set on the platform: the export's value (as last exported) and ours."""

    export: object
    platform: object


@dataclass(frozen=True, slots=True)
class PlatformWork:
    """The platform's share of one case."""

    events: tuple[Event, ...] = ()
    fields: Mapping[CardField, FieldChange] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.events or self.fields)

    @property
    def size(self) -> int:
        """How many platform records (events and card fields)."""
        return len(self.events) + len(self.fields)


NO_WORK = PlatformWork()


@dataclass(frozen=True, slots=True)
class Conflict:
    """Where a re-imported export and the platform's records disagree (kept: both)."""

    case_id: str
    kind: ConflictKind
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.case_id}: {self.field}: {self.zh} ({self.en})"


class NotAPlatformChange(ValueError):
    """A change to a case that the platform cannot record as its own (an export fact edited)."""


_CARD_FIELDS = frozenset(f.value for f in CardField)
_OTHER_FIELDS = tuple(
    f.name for f in fields(Case) if f.name not in _CARD_FIELDS and f.name != "events"
)


def platform_flags(events: Sequence[Event], platform: Iterable[Event]) -> tuple[bool, ...]:
    """For each of ``events``, whether it is one of the platform's (equal copies: first ones)."""
    left = Counter(platform)
    out = []
    for e in events:
        mine = left[e] > 0
        if mine:
            left[e] -= 1
        out.append(mine)
    return tuple(out)


def record_change(stored: Case, work: PlatformWork, updated: Case) -> PlatformWork:
    """The platform's share after it changed ``stored`` (with share ``work``) into ``updated``.

    New events are the platform's; a card field in ``CardField`` that changes is set here (its
    export value kept from before). Changing any other field, or removing an export's event,
    is not the platform's to do: ``NotAPlatformChange``.
    """
    if updated.case_id != stored.case_id:
        raise NotAPlatformChange("case_id")
    for name in _OTHER_FIELDS:
        if getattr(updated, name) != getattr(stored, name):
            raise NotAPlatformChange(
                f"{name}: 该项属国家系统导出，不能在本平台修改 / "
                "a fact of the export, not changed on the platform"
            )
    before, after = Counter(stored.events), Counter(updated.events)
    removed = before - after
    mine = Counter(work.events)
    if removed - mine:
        raise NotAPlatformChange("events: 不能删除导出的事件 / an export's event cannot be removed")
    mine = mine - removed + (after - before)
    flags = platform_flags(updated.events, mine.elements())
    changes = dict(work.fields)
    for card in CardField:
        old, new = getattr(stored, card.value), getattr(updated, card.value)
        if old == new:
            continue
        export = changes[card].export if card in changes else old
        if new == export:
            changes.pop(card, None)
        else:
            changes[card] = FieldChange(export, new)
    kept = tuple(e for e, m in zip(updated.events, flags, strict=True) if m)
    return PlatformWork(kept, changes)


def export_record(case: Case, work: PlatformWork) -> Case:
    """The export's own record of a stored case: the platform's share taken out."""
    flags = platform_flags(case.events, work.events)
    events = tuple(e for e, m in zip(case.events, flags, strict=True) if not m)
    values = {card.value: ch.export for card, ch in work.fields.items()}
    return replace(case, events=events, **values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Merged:
    case: Case
    work: PlatformWork
    conflicts: tuple[Conflict, ...]


def merge_export(export: Case, before: Case, work: PlatformWork) -> Merged:
    """A re-imported export's record with the platform's share applied again.

    Platform events stay (one the export now carries too is not doubled); each card field set
    here keeps its platform value, and its export value becomes the new export's. A conflict is
    listed where the export now says something else than both its last export and the
    platform, and where the case moved to another unit while the platform has records of it.
    """
    carried = Counter(export.events)
    extra = []
    for e in work.events:
        if carried[e] > 0:
            carried[e] -= 1
        else:
            extra.append(e)
    events = tuple(sorted((*export.events, *extra), key=lambda e: e.on))
    conflicts: list[Conflict] = []
    if work and export.unit != before.unit:
        conflicts.append(
            Conflict(
                export.case_id,
                ConflictKind.UNIT_MOVED,
                "unit",
                f"国家系统导出显示案件已由 {before.unit} 移至 {export.unit}；"
                f"本平台在原单位的 {work.size} 项记录保留，请核对",
                f"the export moves the case from {before.unit} to {export.unit}; the "
                f"platform's {work.size} record(s) made at the former unit are kept: check them",
            )
        )
    changes: dict[CardField, FieldChange] = {}
    for card, ch in work.fields.items():
        now = getattr(export, card.value)
        if now != ch.export and now != ch.platform:
            conflicts.append(_field_conflict(export.case_id, card, now, ch.platform))
        changes[card] = FieldChange(now, ch.platform)
    values = {card.value: ch.platform for card, ch in changes.items()}
    merged = replace(export, events=events, **values)  # type: ignore[arg-type]
    return Merged(merged, PlatformWork(work.events, changes), tuple(conflicts))


def _field_conflict(case_id: str, card: CardField, export: object, ours: object) -> Conflict:
    return Conflict(
        case_id,
        ConflictKind.FIELD,
        card.value,
        f"国家系统导出的{card.zh}为“{show(export, 'zh')}”，本平台记录为“{show(ours, 'zh')}”；"
        "保留本平台记录，导出值另存备查",
        f"the export's {card.en} is {show(export, 'en')!r}, the platform recorded "
        f"{show(ours, 'en')!r}; the platform's record is kept, the export's value stored beside it",
    )


def refused_decision(case_id: str, decision: Decision, why: str) -> Conflict:
    """The export carries a decision the platform's powers list would have refused."""
    return Conflict(
        case_id,
        ConflictKind.REFUSED_DECISION,
        CardField.DECISION.value,
        f"国家系统导出的审查结论“{show(decision, 'zh')}”本平台不予认可：{why}；已按导出记录，请核查",
        f"the export's decision {show(decision, 'en')!r} fails the platform's powers list "
        f"({why}); recorded as exported: check it",
    )


def show(value: object, lang: str = "zh") -> str:
    """A card value as a user reads it."""
    if value is None:
        return "无" if lang == "zh" else "none"
    if isinstance(value, Vocabulary):
        return value.label(lang)
    if isinstance(value, Decision):
        return f"{value.type.label(lang)} {value.on.isoformat()}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        docs = [v for v in value if isinstance(v, Document)]
        if len(docs) == len(value):
            return "、".join(d.no or d.type for d in docs) or show(None, lang)
    return str(value)
