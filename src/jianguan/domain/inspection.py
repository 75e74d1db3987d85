"""Inspection rectification of the inspected unit (巡视整改), as 《中国共产党巡视工作条例》 asks.

* 第34条: from the day the inspection's feedback (巡视反馈意见) is received, six months of
  concentrated rectification (集中整改) with the problem, task and responsibility lists (责任人、
  整改措施和时限), ending with a progress report (集中整改进展情况报告) to the discipline and
  supervision organ (同级纪检监察机关), the organisation department (组织部门) and the office of
  the inspection leading group (巡视工作领导小组办公室); afterwards the rectification goes on
  as ongoing work (常态化、长效化整改) and later reports are made as the work requires.
* 第35条(四), 第36条(四), 第37条: what the inspection handed over — problem leads (问题线索) to
  the discipline organ, problems of the organisational line (移交问题) to the organisation
  department, work proposals (工作建议) to the functional departments — is reported back on to
  the inspection office within six months of the hand-over.
* 第33条: when the head or another member of the leadership changes, the rectification is handed
  over (整改交接) and the responsibility goes on with the successor.
* 第20条 names 回头看 as a form of inspection; here a re-check (回头看) of items reported done
  reopens those found not fixed.

Pure: the aggregate and its transitions; every refusal is an ``InspectionError`` in zh and en.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from jianguan.domain.rectification import add_months
from jianguan.domain.vocabulary import Vocabulary

CONCENTRATED_MONTHS = 6  # 第34条: 为期6个月的集中整改
REPORT_BACK_MONTHS = 6  # 第35条(四)、第36条(四)、第37条: 6个月内反馈
BASIS_CONCENTRATED = "《中国共产党巡视工作条例》第34条"
BASIS_HANDOVER = "《中国共产党巡视工作条例》第33条第3款"


class Recipient(Vocabulary):
    """Who the concentrated-rectification progress report goes to (第34条第1款第6项)."""

    DISCIPLINE = "discipline", "同级纪检监察机关", "discipline and supervision organ"
    ORGANISATION = "organisation", "组织部门", "organisation department"
    OFFICE = "office", "巡视工作领导小组办公室", "inspection leading group office"


class TransferKind(Vocabulary):
    """What the inspection handed over, and to whom it goes (each: six months to report back)."""

    LEAD = "lead", "移交问题线索", "handed-over problem lead"
    PROBLEM = "problem", "移交问题", "handed-over problem"
    PROPOSAL = "proposal", "移交工作建议", "handed-over work proposal"

    @property
    def handled_by(self) -> Recipient | None:
        """The body that handles it: leads the discipline organ, problems the organisation
        department; proposals a functional department (named on the transfer)."""
        return {"lead": Recipient.DISCIPLINE, "problem": Recipient.ORGANISATION}.get(self.value)

    @property
    def basis(self) -> str:
        article = {"lead": "第35条第1款第4项", "problem": "第36条第4项", "proposal": "第37条"}
        return f"《中国共产党巡视工作条例》{article[self.value]}"


class Phase(Vocabulary):
    CONCENTRATED = "concentrated", "集中整改", "concentrated rectification"
    ONGOING = "ongoing", "常态化整改", "ongoing rectification"


class ItemStatus(Vocabulary):
    OPEN = "open", "整改中", "in progress"
    DONE = "done", "已完成", "done"
    REOPENED = "reopened", "回头看后重新整改", "reopened by the re-check"


@dataclass(frozen=True, slots=True)
class Item:
    """One problem of the feedback with its task: responsible person, measure and deadline."""

    n: int
    problem: str
    responsible: str
    measure: str
    due_on: dt.date
    done_on: dt.date | None = None
    done_note: str = ""
    reopened_on: dt.date | None = None  # the last re-check that found it not fixed

    @property
    def status(self) -> ItemStatus:
        if self.done_on is not None:
            return ItemStatus.DONE
        return ItemStatus.REOPENED if self.reopened_on is not None else ItemStatus.OPEN

    def overdue(self, as_of: dt.date) -> bool:
        return self.done_on is None and self.due_on < as_of


@dataclass(frozen=True, slots=True)
class Transfer:
    """A hand-over of the inspection (lead, problem, proposal) and its report-back."""

    n: int
    kind: TransferKind
    summary: str
    handed_to: str  # the body, by name
    handed_on: dt.date
    reported_on: dt.date | None = None
    report_note: str = ""

    @property
    def due_on(self) -> dt.date:
        return add_months(self.handed_on, REPORT_BACK_MONTHS)

    def overdue(self, as_of: dt.date) -> bool:
        return self.reported_on is None and self.due_on < as_of


@dataclass(frozen=True, slots=True)
class ProgressReport:
    n: int
    on: dt.date
    by: str
    recipients: tuple[Recipient, ...]
    text: str
    phase: Phase


@dataclass(frozen=True, slots=True)
class LeaderChange:
    """整改交接: a leader left; the items they were responsible for go to the successor."""

    on: dt.date
    role: str
    predecessor: str
    successor: str
    items: tuple[int, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Recheck:
    """回头看: items re-checked on a day; those not fixed were reopened with a new deadline."""

    on: dt.date
    by: str
    checked: tuple[int, ...]
    not_fixed: tuple[int, ...]
    due_on: dt.date | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Inspection:
    id: str
    unit: str
    title: str  # 省委第三巡视组对……党组巡视反馈意见
    inspector: str  # the inspecting body, e.g. 省委第三巡视组
    feedback_on: dt.date
    recipients: Mapping[str, str]  # Recipient value → the body's name (主送)
    items: tuple[Item, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    reports: tuple[ProgressReport, ...] = ()
    changes: tuple[LeaderChange, ...] = ()
    rechecks: tuple[Recheck, ...] = ()

    @property
    def concentrated_until(self) -> dt.date:
        """The last day of the six months counted from the feedback (第34条)."""
        return add_months(self.feedback_on, CONCENTRATED_MONTHS) - dt.timedelta(days=1)

    def phase(self, as_of: dt.date) -> Phase:
        return Phase.CONCENTRATED if as_of <= self.concentrated_until else Phase.ONGOING

    def recipient_name(self, r: Recipient) -> str:
        return self.recipients.get(r.value) or r.zh

    def item(self, n: int) -> Item:
        if not 1 <= n <= len(self.items):
            raise InspectionError(f"整改事项 {n} 不存在", f"no item {n}")
        return self.items[n - 1]

    def transfer(self, n: int) -> Transfer:
        if not 1 <= n <= len(self.transfers):
            raise InspectionError(f"移交事项 {n} 不存在", f"no hand-over {n}")
        return self.transfers[n - 1]


class InspectionError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _text(value: str, zh: str, en: str) -> str:
    if not value.strip():
        raise InspectionError(f"{zh}不能为空", f"the {en} is empty")
    return value.strip()


def open_inspection(
    iid: str,
    unit: str,
    title: str,
    inspector: str,
    feedback_on: dt.date,
    recipients: Mapping[str, str] | None = None,
) -> Inspection:
    names: dict[str, str] = {}
    for key, name in (recipients or {}).items():
        r = Recipient.parse(key)
        if r is None:
            raise InspectionError(f"未知的报送对象：{key}", f"unknown recipient {key!r}")
        if name.strip():
            names[r.value] = name.strip()
    return Inspection(
        iid, unit, _text(title, "标题", "title"), _text(inspector, "巡视组", "inspector"),
        feedback_on, names,
    )  # fmt: skip


def add_item(
    i: Inspection, problem: str, responsible: str, measure: str, due_on: dt.date
) -> Inspection:
    """A problem of the feedback with its task (第34条第1款第1项: 责任人、整改措施和时限)."""
    if due_on < i.feedback_on:
        raise InspectionError("整改时限早于收到反馈意见之日", "deadline before the feedback")
    item = Item(
        len(i.items) + 1,
        _text(problem, "问题", "problem"),
        _text(responsible, "责任人", "responsible person"),
        _text(measure, "整改措施", "measure"),
        due_on,
    )
    return replace(i, items=(*i.items, item))


def _with_item(i: Inspection, item: Item) -> Inspection:
    return replace(i, items=tuple(item if x.n == item.n else x for x in i.items))


def complete_item(i: Inspection, n: int, on: dt.date, note: str) -> Inspection:
    item = i.item(n)
    if item.done_on is not None:
        raise InspectionError(f"整改事项 {n} 已完成", f"item {n} is already done")
    if on < i.feedback_on:
        raise InspectionError("完成日期早于收到反馈意见之日", "done before the feedback")
    return _with_item(i, replace(item, done_on=on, done_note=note.strip()))


def hand_over(
    i: Inspection, kind: TransferKind, summary: str, handed_to: str, on: dt.date
) -> Inspection:
    """A lead, problem or proposal the inspection handed over: six months to report back."""
    if on < i.feedback_on:
        raise InspectionError("移交日期早于收到反馈意见之日", "hand-over before the feedback")
    handler = kind.handled_by
    default = i.recipient_name(handler) if handler is not None else "有关职能部门"  # 第37条
    body = handed_to.strip() or default
    t = Transfer(len(i.transfers) + 1, kind, _text(summary, "移交事项", "summary"),
                 _text(body, "承办机关", "receiving body"), on)  # fmt: skip
    return replace(i, transfers=(*i.transfers, t))


def report_back(i: Inspection, n: int, on: dt.date, note: str) -> Inspection:
    t = i.transfer(n)
    if t.reported_on is not None:
        raise InspectionError(f"移交事项 {n} 已反馈", f"hand-over {n} is already reported back")
    if on < t.handed_on:
        raise InspectionError("反馈日期早于移交日期", "report-back before the hand-over")
    done = replace(t, reported_on=on, report_note=_text(note, "反馈情况", "report-back"))
    return replace(i, transfers=tuple(done if x.n == n else x for x in i.transfers))


def record_report(
    i: Inspection, on: dt.date, by: str, recipients: Sequence[Recipient], text: str
) -> Inspection:
    """A progress report sent to the named recipients."""
    if not recipients:
        raise InspectionError("进展报告须写明报送对象", "a progress report needs its recipients")
    if on < i.feedback_on:
        raise InspectionError("报告日期早于收到反馈意见之日", "report before the feedback")
    ordered = tuple(r for r in Recipient if r in set(recipients))
    rep = ProgressReport(len(i.reports) + 1, on, by, ordered, _text(text, "报告内容", "text"),
                         i.phase(on))  # fmt: skip
    return replace(i, reports=(*i.reports, rep))


def change_leader(
    i: Inspection, on: dt.date, role: str, predecessor: str, successor: str, note: str = ""
) -> Inspection:
    """整改交接 (第33条第3款): the predecessor's open items pass to the successor."""
    if predecessor == successor:
        raise InspectionError("交接双方不能是同一人", "predecessor and successor are the same")
    moved = tuple(x.n for x in i.items if x.responsible == predecessor and x.done_on is None)
    items = tuple(replace(x, responsible=successor) if x.n in moved else x for x in i.items)
    change = LeaderChange(on, _text(role, "职务", "role"), _text(predecessor, "原责任人", "predecessor"),
                          _text(successor, "接任者", "successor"), moved, note.strip())  # fmt: skip
    return replace(i, items=items, changes=(*i.changes, change))


def recheck(
    i: Inspection,
    on: dt.date,
    by: str,
    checked: Sequence[int],
    not_fixed: Sequence[int],
    due_on: dt.date | None,
    note: str = "",
) -> Inspection:
    """回头看: every item in ``not_fixed`` must be one of ``checked`` and reported done; it is
    reopened (its completion cleared) with the new deadline ``due_on``."""
    checked_set, bad_set = set(checked), set(not_fixed)
    if not checked_set:
        raise InspectionError("回头看须列明复查的事项", "a re-check names the items checked")
    for n in sorted(checked_set):
        i.item(n)
    if not bad_set <= checked_set:
        raise InspectionError("未整改到位的事项须在复查范围内", "not-fixed items must be checked")
    not_done = sorted(n for n in bad_set if i.item(n).done_on is None)
    if not_done:
        raise InspectionError(
            f"事项 {'、'.join(map(str, not_done))} 尚未报告完成，无需回头看重新整改",
            f"items {not_done} are not reported done",
        )
    if bad_set and (due_on is None or due_on <= on):
        raise InspectionError(
            "重新整改须定出晚于复查日的新时限", "reopened items need a later deadline"
        )
    items = tuple(
        replace(x, done_on=None, done_note="", reopened_on=on, due_on=due_on or x.due_on)
        if x.n in bad_set
        else x
        for x in i.items
    )
    r = Recheck(on, by, tuple(sorted(checked_set)), tuple(sorted(bad_set)), due_on, note.strip())
    return replace(i, items=items, rechecks=(*i.rechecks, r))


@dataclass(frozen=True, slots=True)
class Status:
    """Where an inspection's rectification stands on a day."""

    as_of: dt.date
    phase: Phase
    days_left: int  # days of concentrated rectification left (negative: over)
    done: tuple[int, ...]
    open: tuple[int, ...]
    overdue: tuple[int, ...]
    reopened: tuple[int, ...]
    transfers_reported: tuple[int, ...]
    transfers_pending: tuple[int, ...]
    transfers_overdue: tuple[int, ...]
    reported_to: tuple[Recipient, ...]  # recipients of a report by the end of concentration
    unreported: tuple[Recipient, ...]  # still owed the concentrated progress report

    @property
    def report_overdue(self) -> bool:
        """The concentration is over and some recipient had no progress report (第34条)."""
        return self.phase is Phase.ONGOING and bool(self.unreported)


def status(i: Inspection, as_of: dt.date) -> Status:
    end = i.concentrated_until
    reported = {r for rep in i.reports if rep.on <= as_of for r in rep.recipients}
    return Status(
        as_of,
        i.phase(as_of),
        (end - as_of).days,
        tuple(x.n for x in i.items if x.done_on is not None and x.done_on <= as_of),
        tuple(x.n for x in i.items if x.done_on is None or x.done_on > as_of),
        tuple(x.n for x in i.items if x.overdue(as_of)),
        tuple(x.n for x in i.items if x.reopened_on is not None and x.done_on is None),
        tuple(t.n for t in i.transfers if t.reported_on is not None and t.reported_on <= as_of),
        tuple(t.n for t in i.transfers if t.reported_on is None and not t.overdue(as_of)),
        tuple(t.n for t in i.transfers if t.overdue(as_of)),
        tuple(r for r in Recipient if r in reported),
        tuple(r for r in Recipient if r not in reported),
    )
