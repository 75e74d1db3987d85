"""Follow-up tasks (督办任务) of the management cycle: what an analysis meeting (会商研判) or an
upper unit's notice (上级院通报、督办) leaves to be done, followed until someone verifies it.

A task names what is to be done, who owns it (a department or a person) and its due date. It is
done (办结) by its owner, then verified (核验) by someone other than the one who reported it
done; a verification that finds it not done reopens it, with a new due date when the old one has
passed. While a task is not done and its due date has passed, the monitoring run puts it in the
ledger (台账) as overdue — one entry per task, keyed by ``ledger_key`` — so it escalates 提醒 →
督促 → 通报 beside the cases' findings and leaves the ledger when it is done.

Pure: the task, its transitions and its finding; every refusal is a ``FollowUpError`` (zh, en).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from jianguan.domain.monitoring import Finding, FindingKind, Severity
from jianguan.domain.vocabulary import Vocabulary


class FollowUpError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class TaskStatus(Vocabulary):
    OPEN = "open", "办理中", "in progress"
    DONE = "done", "已办结，待核验", "done, to be verified"
    VERIFIED = "verified", "已核验", "verified"
    REOPENED = "reopened", "核验未通过，重新办理", "not verified, reopened"


class TaskSource(Vocabulary):
    """Whose tasks a follow-up rule watches."""

    MEETING = "meeting", "会商研判", "analysis meeting"
    NOTICE = "notice", "上级院通报督办", "upper-unit notice"


@dataclass(frozen=True, slots=True)
class FollowUpRule:
    """What the ledger says of an overdue task (its title, basis, kind and severity); the
    definitions are data (``rules/followup.toml``), read into the rulebook."""

    id: str
    title: str
    kind: FindingKind
    severity: Severity
    basis: tuple[str, ...]
    source: TaskSource
    note: str = ""  # what the rule is for, in words (docs, the rule's explanation)


@dataclass(frozen=True, slots=True)
class FollowUpRules:
    """The rule for the tasks of each source: exactly one each, so no overdue task is missed."""

    meeting: FollowUpRule
    notice: FollowUpRule

    @property
    def rules(self) -> tuple[FollowUpRule, ...]:
        return (self.meeting, self.notice)


@dataclass(frozen=True, slots=True)
class Task:
    n: int
    text: str
    owner: str  # the department or person responsible (责任部门／责任人)
    due_on: dt.date
    created_on: dt.date
    source: int | None = None  # the topic (meeting) or problem (notice) it answers
    done_on: dt.date | None = None
    done_by: str = ""
    done_note: str = ""
    verified_on: dt.date | None = None
    verified_by: str = ""
    verify_note: str = ""
    rejected_on: dt.date | None = None  # the last verification that found it not done

    @property
    def status(self) -> TaskStatus:
        if self.verified_on is not None:
            return TaskStatus.VERIFIED
        if self.done_on is not None:
            return TaskStatus.DONE
        return TaskStatus.REOPENED if self.rejected_on is not None else TaskStatus.OPEN

    @property
    def settled(self) -> bool:
        """Verified: nothing is left to follow."""
        return self.verified_on is not None

    def overdue(self, as_of: dt.date) -> bool:
        """Not done and its due date passed (the ledger's condition)."""
        return self.done_on is None and self.due_on < as_of


def text(value: str, zh: str, en: str) -> str:
    if not value.strip():
        raise FollowUpError(f"{zh}不能为空", f"the {en} is empty")
    return value.strip()


def new_task(
    n: int, what: str, owner: str, due_on: dt.date, on: dt.date, source: int | None = None
) -> Task:
    if due_on < on:
        raise FollowUpError("办结时限早于交办之日", "the due date is before the task was set")
    return Task(n, text(what, "任务内容", "task"), text(owner, "责任部门或责任人", "owner"),
                due_on, on, source)  # fmt: skip


def complete(t: Task, on: dt.date, by: str, note: str) -> Task:
    if t.done_on is not None:
        raise FollowUpError(f"任务 {t.n} 已办结", f"task {t.n} is already done")
    if on < t.created_on:
        raise FollowUpError("办结日期早于交办之日", "done before the task was set")
    return replace(t, done_on=on, done_by=text(by, "办结人", "person"), done_note=note.strip())


def verify(
    t: Task, on: dt.date, by: str, ok: bool, note: str, due_on: dt.date | None = None
) -> Task:
    """核验 by someone other than the one who reported the task done. Not ``ok``: the task is
    reopened; a new due date (after ``on``) is required when the old one has passed."""
    if t.verified_on is not None:
        raise FollowUpError(f"任务 {t.n} 已核验", f"task {t.n} is already verified")
    if t.done_on is None:
        raise FollowUpError(f"任务 {t.n} 尚未办结，不能核验", f"task {t.n} is not done yet")
    who = text(by, "核验人", "verifier")
    if who == t.done_by:
        raise FollowUpError(
            "办结人不能核验自己办结的任务", "the person who did it cannot verify it"
        )
    if on < t.done_on:
        raise FollowUpError("核验日期早于办结日期", "verified before it was done")
    if ok:
        return replace(t, verified_on=on, verified_by=who, verify_note=note.strip())
    why = text(note, "核验未通过的理由", "reason")
    new_due = due_on or t.due_on
    if new_due <= on:
        raise FollowUpError(
            "重新办理须定出晚于核验之日的新时限", "a reopened task needs a later due date"
        )
    return replace(t, done_on=None, done_by="", done_note="", rejected_on=on, due_on=new_due,
                   verify_note=why)  # fmt: skip


def task_of(tasks: tuple[Task, ...], n: int) -> Task:
    if not 1 <= n <= len(tasks):
        raise FollowUpError(f"任务 {n} 不存在", f"no task {n}")
    return tasks[n - 1]


def with_task(tasks: tuple[Task, ...], t: Task) -> tuple[Task, ...]:
    return tuple(t if x.n == t.n else x for x in tasks)


def ledger_key(owner_id: str, n: int) -> str:
    """The ledger's ``case_id`` of a task: the meeting's or notice's id and the task number."""
    return f"{owner_id}-T{n}"


def overdue_finding(
    rule: FollowUpRule, owner_id: str, unit: str, t: Task, where: str, as_of: dt.date
) -> Finding | None:
    """The ledger finding of ``t`` on ``as_of`` (None unless it is overdue)."""
    if not t.overdue(as_of):
        return None
    days = (as_of - t.due_on).days
    explanation = (
        f"{where}任务 {t.n}「{t.text}」（责任：{t.owner}）应于 {t.due_on.isoformat()} 前办结，"
        f"已逾期 {days} 日"
    )
    return Finding(ledger_key(owner_id, t.n), rule.id, rule.kind, rule.severity, t.due_on,
                   (*rule.basis, where), explanation, unit)  # fmt: skip
