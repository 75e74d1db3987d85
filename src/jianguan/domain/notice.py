"""Notices from the upper procuratorate (上级院通报、督办), followed to the report-back.

An upper unit's notice names problems (通报的问题), the cases it found them in and the dates by
which they are to be put right, and the date by which the unit reports back (反馈时限). The
receiving unit takes it in — from a file (docs/notices.md: JSON or xlsx) or a form — splits each
problem into tasks with owners and due dates (``domain.followup.Task``), follows every task until
someone verifies it (an overdue task is in the monitoring ledger), and reports back: a document
listing each problem, its tasks and their outcome (整改情况报告).

Pure: the aggregate, its transitions and the reading of a notice's fields (whatever file they
came from) with every error located (``RecordError``); refusals are ``FollowUpError`` (zh, en).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from jianguan.domain import followup
from jianguan.domain.errors import RecordError
from jianguan.domain.followup import FollowUpError, Task, text
from jianguan.domain.monitoring import Finding
from jianguan.domain.vocabulary import Vocabulary


class NoticeState(Vocabulary):
    SPLITTING = "splitting", "待分解", "to be split into tasks"
    FOLLOWING = "following", "整改中", "being followed"
    VERIFIED = "verified", "已全部核验，待反馈", "all verified, to report back"
    REPORTED = "reported", "已反馈", "reported back"


@dataclass(frozen=True, slots=True)
class Problem:
    n: int
    text: str
    cases: tuple[str, ...]
    due_on: dt.date | None  # 整改期限 the notice set (None: the notice's reply date)


@dataclass(frozen=True, slots=True)
class ReportBack:
    on: dt.date
    by: str
    note: str
    complete: bool  # every task verified when it was sent (else a 阶段性 report)


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    unit: str  # the receiving unit
    issuer: str  # the upper procuratorate (or its office) that issued it
    doc_no: str  # its 文号
    title: str
    received_on: dt.date
    reply_due: dt.date  # 反馈时限
    problems: tuple[Problem, ...]
    tasks: tuple[Task, ...] = ()
    reports: tuple[ReportBack, ...] = ()

    def problem(self, n: int) -> Problem:
        if not 1 <= n <= len(self.problems):
            raise FollowUpError(f"通报问题 {n} 不存在", f"no problem {n}")
        return self.problems[n - 1]

    def task(self, n: int) -> Task:
        return followup.task_of(self.tasks, n)

    def tasks_of(self, problem: int) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.source == problem)

    @property
    def where(self) -> str:
        return f"{self.issuer}《{self.title}》（{self.doc_no}）"

    def state(self) -> NoticeState:
        if self.reports and self.reports[-1].complete:
            return NoticeState.REPORTED
        if any(not self.tasks_of(p.n) for p in self.problems):
            return NoticeState.SPLITTING
        if all(t.settled for t in self.tasks):
            return NoticeState.VERIFIED
        return NoticeState.FOLLOWING


# -- taking it in ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProblemDraft:
    text: str
    cases: tuple[str, ...]
    due_on: dt.date | None
    line: int = 0  # where it was read (for errors found later, e.g. an unknown case)


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    unit: str
    issuer: str
    doc_no: str
    title: str
    received_on: dt.date
    reply_due: dt.date
    problems: tuple[ProblemDraft, ...]


# field → (zh name, required). The xlsx headers are the zh names (or these keys).
META_FIELDS = {
    "unit": ("受文单位编码", True),
    "issuer": ("通报单位", True),
    "doc_no": ("文号", True),
    "title": ("标题", True),
    "received_on": ("收文日期", True),
    "reply_due": ("反馈时限", True),
}
PROBLEM_FIELDS = {
    "text": ("问题", True),
    "cases": ("涉及案件", False),
    "due_on": ("整改期限", False),
}
_CASE_SPLIT = re.compile(r"[\s,，、;；]+")
Raw = object


def field_key(header: str, fields: Mapping[str, tuple[str, bool]]) -> str | None:
    """The field a header names (its key or its zh name)."""
    h = header.strip()
    for key, (zh, _required) in fields.items():
        if h in (key, zh):
            return key
    return None


def _date(value: Raw) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _blank(value: Raw) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cases(value: Raw) -> tuple[str, ...] | None:
    if _blank(value):
        return ()
    if isinstance(value, str):
        return tuple(x for x in _CASE_SPLIT.split(value.strip()) if x)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return tuple(x.strip() for x in value if x.strip())
    return None


def draft_from_fields(
    file: str,
    meta: Mapping[str, tuple[int, Raw]],
    problems: Sequence[tuple[int, Mapping[str, Raw]]],
) -> tuple[NoticeDraft | None, list[RecordError]]:
    """A notice from its fields as a file gave them: ``meta`` field → (line, value) and each
    problem's (line, field → value); every error is located (file, line, field)."""
    errors: list[RecordError] = []

    def err(line: int, name: str, zh: str, en: str) -> None:
        errors.append(RecordError(file, line, name, zh, en))

    got: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for key, (zh, required) in META_FIELDS.items():
        line, value = meta.get(key, (0, None))
        if _blank(value):
            if required:
                err(line, key, f"缺少{zh}", f"{key} is missing")
            continue
        if key in ("received_on", "reply_due"):
            day = _date(value)
            if day is None:
                err(line, key, f"{zh}应为日期（YYYY-MM-DD）", f"{key} is not a date (YYYY-MM-DD)")
            else:
                days[key] = day
        elif isinstance(value, str | int) and not isinstance(value, bool):
            got[key] = str(value).strip()
        else:
            err(line, key, f"{zh}应为文字", f"{key} must be text")
    for key, (line, _value) in meta.items():
        if key not in META_FIELDS and key != "problems":
            err(line, key, f"未知字段 {key}", f"unknown field {key!r}")
    received, reply = days.get("received_on"), days.get("reply_due")
    if received and reply and reply < received:
        err(meta["reply_due"][0], "reply_due", "反馈时限早于收文日期", "reply due before receipt")
    if not problems:
        line = meta.get("problems", (0, None))[0]
        err(line, "problems", "通报未列明任何问题", "the notice lists no problem")
    drafts: list[ProblemDraft] = []
    for i, (line, raw) in enumerate(problems):
        where = f"problems[{i}]"
        for key in raw:
            if key not in PROBLEM_FIELDS:
                err(line, f"{where}.{key}", f"未知字段 {key}", f"unknown field {key!r}")
        what = raw.get("text")
        if _blank(what) or not isinstance(what, str):
            err(line, f"{where}.text", "缺少问题内容", "the problem's text is missing")
            continue
        cases = _cases(raw.get("cases"))
        if cases is None:
            err(line, f"{where}.cases", "涉及案件应为案件编号（以逗号分隔）",
                "cases must be case ids (comma-separated)")  # fmt: skip
            continue
        due: dt.date | None = None
        if not _blank(raw.get("due_on")):
            due = _date(raw.get("due_on"))
            if due is None:
                err(line, f"{where}.due_on", "整改期限应为日期（YYYY-MM-DD）",
                    "due_on is not a date (YYYY-MM-DD)")  # fmt: skip
                continue
            if received and due < received:
                err(line, f"{where}.due_on", "整改期限早于收文日期", "due before receipt")
                continue
        drafts.append(ProblemDraft(what.strip(), cases, due, line))
    if errors or received is None or reply is None:
        return None, errors
    draft = NoticeDraft(got["unit"], got["issuer"], got["doc_no"], got["title"], received, reply,
                        tuple(drafts))  # fmt: skip
    return draft, []


def _locate(source: str) -> tuple[dict[str, int], list[int]]:
    """The line of each top-level key and of each object of the top-level ``problems`` array
    (of JSON already known to be valid), so that errors name the line to fix."""
    keys: dict[str, int] = {}
    items: list[int] = []
    stack: list[str] = []
    line, i, n = 1, 0, len(source)
    key: str | None = None
    array_key: str | None = None
    while i < n:
        ch = source[i]
        if ch == "\n":
            line += 1
        elif ch == '"':
            j = i + 1
            while j < n and source[j] != '"':
                j += 2 if source[j] == "\\" else 1
            k = j + 1
            while k < n and source[k] in " \t\r\n":
                k += 1
            if stack == ["{"] and k < n and source[k] == ":":
                key = json.loads(source[i : j + 1])
                keys[key] = line
            i = j
        elif ch in "{[":
            if ch == "{" and stack == ["{", "["] and array_key == "problems":
                items.append(line)
            if ch == "[" and stack == ["{"]:
                array_key = key
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
        i += 1
    return keys, items


def parse_json(source: str, file: str) -> tuple[NoticeDraft | None, list[RecordError]]:
    """A notice from its JSON text (docs/notices.md)."""
    try:
        body = json.loads(source)
    except json.JSONDecodeError as exc:
        return None, [RecordError(file, exc.lineno, "-", f"不是有效的 JSON：{exc.msg}",
                                  f"not valid JSON: {exc.msg}")]  # fmt: skip
    if not isinstance(body, dict):
        return None, [RecordError(file, 1, "-", "应为一个 JSON 对象", "expected one JSON object")]
    keys, items = _locate(source)
    meta = {k: (keys.get(k, 0), v) for k, v in body.items()}
    raw = body.get("problems", [])
    if not isinstance(raw, list):
        line = keys.get("problems", 0)
        return None, [RecordError(file, line, "problems", "problems 应为数组", "must be an array")]
    problems: list[tuple[int, Mapping[str, Raw]]] = []
    bad: list[RecordError] = []
    for i, p in enumerate(raw):
        line = items[i] if i < len(items) else keys.get("problems", 0)
        if isinstance(p, dict):
            problems.append((line, p))
        else:
            bad.append(RecordError(file, line, f"problems[{i}]", "每个问题应为一个对象",
                                   "each problem must be an object"))  # fmt: skip
    draft, errors = draft_from_fields(file, meta, problems)
    return (None, [*bad, *errors]) if bad else (draft, errors)


def take_in(nid: str, d: NoticeDraft) -> Notice:
    if not d.problems:
        raise FollowUpError("通报未列明任何问题", "the notice lists no problem")
    if d.reply_due < d.received_on:
        raise FollowUpError("反馈时限早于收文日期", "reply due before receipt")
    problems = tuple(
        Problem(i, text(p.text, "问题", "problem"), p.cases, p.due_on)
        for i, p in enumerate(d.problems, 1)
    )
    return Notice(nid, d.unit, text(d.issuer, "通报单位", "issuer"), text(d.doc_no, "文号", "doc number"),
                  text(d.title, "标题", "title"), d.received_on, d.reply_due, problems)  # fmt: skip


# -- following it ----------------------------------------------------------------------------------


def split(
    notice: Notice, problem: int, what: str, owner: str, due_on: dt.date | None, on: dt.date
) -> Notice:
    """A task for one of the notice's problems; its due date defaults to the problem's, else
    to the notice's reply date."""
    p = notice.problem(problem)
    if on < notice.received_on:
        raise FollowUpError("分解日期早于收文日期", "split before the notice was received")
    due = due_on or p.due_on or notice.reply_due
    t = followup.new_task(len(notice.tasks) + 1, what or p.text, owner, due, on, problem)
    return replace(notice, tasks=(*notice.tasks, t))


def split_each(notice: Notice, owner: str, on: dt.date) -> Notice:
    """One task per problem that has none yet, owned by ``owner``, due as the notice says."""
    todo = [p.n for p in notice.problems if not notice.tasks_of(p.n)]
    if not todo:
        raise FollowUpError("每个问题都已分解为任务", "every problem has its tasks already")
    for n in todo:
        notice = split(notice, n, "", owner, None, on)
    return notice


def complete_task(notice: Notice, n: int, on: dt.date, by: str, note: str) -> Notice:
    t = followup.complete(notice.task(n), on, by, note)
    return replace(notice, tasks=followup.with_task(notice.tasks, t))


def verify_task(
    notice: Notice, n: int, on: dt.date, by: str, ok: bool, note: str, due_on: dt.date | None = None
) -> Notice:
    t = followup.verify(notice.task(n), on, by, ok, note, due_on)
    return replace(notice, tasks=followup.with_task(notice.tasks, t))


def report_back(notice: Notice, on: dt.date, by: str, note: str = "") -> Notice:
    """反馈: sent when every problem has its tasks; ``complete`` when every task is verified
    (else it is an interim report and the notice stays open)."""
    missing = [p.n for p in notice.problems if not notice.tasks_of(p.n)]
    if missing:
        raise FollowUpError(
            f"问题 {'、'.join(map(str, missing))} 尚未分解为任务，不能反馈",
            f"problems {missing} have no task yet",
        )
    if on < notice.received_on:
        raise FollowUpError("反馈日期早于收文日期", "report-back before receipt")
    if notice.state() is NoticeState.REPORTED:
        raise FollowUpError("已反馈整改完成情况", "already reported back as complete")
    complete = all(t.settled for t in notice.tasks)
    r = ReportBack(on, text(by, "反馈人", "person"), note.strip(), complete)
    return replace(notice, reports=(*notice.reports, r))


@dataclass(frozen=True, slots=True)
class Status:
    as_of: dt.date
    state: NoticeState
    unsplit: tuple[int, ...]  # problems without a task
    tasks_open: tuple[int, ...]
    tasks_done: tuple[int, ...]
    tasks_verified: tuple[int, ...]
    tasks_overdue: tuple[int, ...]
    reply_overdue: bool  # the reply date passed without a complete report-back


def status(notice: Notice, as_of: dt.date) -> Status:
    state = notice.state()
    return Status(
        as_of,
        state,
        tuple(p.n for p in notice.problems if not notice.tasks_of(p.n)),
        tuple(t.n for t in notice.tasks if t.done_on is None),
        tuple(t.n for t in notice.tasks if t.done_on is not None and t.verified_on is None),
        tuple(t.n for t in notice.tasks if t.verified_on is not None),
        tuple(t.n for t in notice.tasks if t.overdue(as_of)),
        state is not NoticeState.REPORTED and notice.reply_due < as_of,
    )


def findings(notice: Notice, rule: followup.FollowUpRule, as_of: dt.date) -> list[Finding]:
    """The notice's overdue tasks as ledger findings of ``rule`` (the rulebook's notice-task
    rule)."""
    out = [followup.overdue_finding(rule, notice.id, notice.unit, t, notice.where, as_of)
           for t in notice.tasks]  # fmt: skip
    return [f for f in out if f is not None]
