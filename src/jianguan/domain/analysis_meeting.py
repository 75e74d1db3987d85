"""Business-data analysis meetings (业务数据分析研判会商).

The case-management office sets the meeting's topics from the data (点题): an anomaly of a
unit's monthly series, a unit outside the funnel plot's control limits on an indicator, a set of
data-quality findings — each with the cases behind it — or a topic put by hand. Each topic is
assigned to a department with a due date (交办); the department answers it (解题); the meeting's
minutes (纪要) are recorded, and what the meeting decides becomes tasks with owners and due dates
(``domain.followup.Task``), followed until verified. An overdue task is in the monitoring ledger.

A meeting opens with what is still open from the unit's earlier meetings (遗留事项): their
unanswered topics and unverified tasks, listed as ``Carried`` references to where they live, so a
task is kept in one place and followed there however many meetings carry it.

Pure: the aggregate and its transitions; every refusal is a ``FollowUpError`` in zh and en.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jianguan.domain import followup
from jianguan.domain.followup import FollowUpError, Task, text
from jianguan.domain.monitoring import Finding
from jianguan.domain.vocabulary import Vocabulary


class TopicSource(Vocabulary):
    """Where a topic came from."""

    ANOMALY = "anomaly", "数据异常", "anomaly"
    COMPARISON = "comparison", "对比偏离（超出控制限）", "outside the funnel limits"
    DATA_QUALITY = "data_quality", "数据质量问题", "data-quality findings"
    MANUAL = "manual", "人工点题", "set by hand"


class TopicStatus(Vocabulary):
    PROPOSED = "proposed", "已点题，待交办", "set, to be assigned"
    ASSIGNED = "assigned", "已交办，待解题", "assigned, to be answered"
    ANSWERED = "answered", "已解题", "answered"


class CarriedKind(Vocabulary):
    TOPIC = "topic", "未解题的议题", "unanswered topic"
    TASK = "task", "未核验的任务", "unverified task"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A topic the data suggests: ``key`` tells one suggestion from another (so it is set once)."""

    source: TopicSource
    key: str
    title: str
    detail: str
    unit: str
    cases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    n: int
    source: TopicSource
    key: str
    title: str
    detail: str
    unit: str  # the unit the topic is about
    cases: tuple[str, ...]
    proposed_on: dt.date
    department: str = ""  # 交办给
    due_on: dt.date | None = None
    assigned_on: dt.date | None = None
    answer: str = ""  # 解题
    answered_on: dt.date | None = None
    answered_by: str = ""

    @property
    def status(self) -> TopicStatus:
        if self.answered_on is not None:
            return TopicStatus.ANSWERED
        return TopicStatus.ASSIGNED if self.assigned_on is not None else TopicStatus.PROPOSED

    def overdue(self, as_of: dt.date) -> bool:
        return self.answered_on is None and self.due_on is not None and self.due_on < as_of


@dataclass(frozen=True, slots=True)
class Minutes:
    text: str
    attendees: tuple[str, ...]
    recorded_on: dt.date
    by: str


@dataclass(frozen=True, slots=True)
class Carried:
    """Something still open from an earlier meeting, as it stood when this one opened."""

    meeting: str  # the meeting it lives in
    kind: CarriedKind
    n: int
    summary: str
    owner: str
    due_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    unit: str
    title: str
    held_on: dt.date
    convened_by: str
    topics: tuple[Topic, ...] = ()
    tasks: tuple[Task, ...] = ()
    minutes: Minutes | None = None
    carried: tuple[Carried, ...] = ()

    def topic(self, n: int) -> Topic:
        if not 1 <= n <= len(self.topics):
            raise FollowUpError(f"议题 {n} 不存在", f"no topic {n}")
        return self.topics[n - 1]

    def task(self, n: int) -> Task:
        return followup.task_of(self.tasks, n)

    @property
    def where(self) -> str:
        """How the ledger names the meeting a task came from."""
        return f"{self.title}（{self.held_on.isoformat()}）"


def open_meeting(
    mid: str,
    unit: str,
    title: str,
    held_on: dt.date,
    by: str,
    earlier: Sequence[Meeting] = (),
) -> Meeting:
    """A new meeting of ``unit``; it carries what ``earlier`` meetings of the unit left open."""
    before = [m for m in earlier if m.unit == unit and m.held_on <= held_on and m.id != mid]
    return Meeting(mid, unit, text(title, "会议名称", "title"), held_on, text(by, "召集人", "convener"),
                   carried=carry_over(before))  # fmt: skip


def carry_over(earlier: Sequence[Meeting]) -> tuple[Carried, ...]:
    """The unanswered topics and unverified tasks of ``earlier`` meetings, oldest first."""
    out: list[Carried] = []
    for m in sorted(earlier, key=lambda m: (m.held_on, m.id)):
        for t in m.topics:
            if t.answered_on is None:
                out.append(Carried(m.id, CarriedKind.TOPIC, t.n, t.title, t.department, t.due_on))
        for k in m.tasks:
            if not k.settled:
                out.append(Carried(m.id, CarriedKind.TASK, k.n, k.text, k.owner, k.due_on))
    return tuple(out)


def add_topic(m: Meeting, p: Proposal, on: dt.date) -> Meeting:
    """点题: a topic from the data (or by hand); the same suggestion is set once per meeting."""
    if p.source is not TopicSource.MANUAL and any(t.key == p.key for t in m.topics):
        raise FollowUpError(f"该议题已点题：{p.title}", f"topic already set: {p.key}")
    topic = Topic(len(m.topics) + 1, p.source, p.key, text(p.title, "议题", "topic"),
                  p.detail.strip(), p.unit or m.unit, tuple(p.cases), on)  # fmt: skip
    return replace(m, topics=(*m.topics, topic))


def _with_topic(m: Meeting, t: Topic) -> Meeting:
    return replace(m, topics=tuple(t if x.n == t.n else x for x in m.topics))


def assign_topic(m: Meeting, n: int, department: str, due_on: dt.date, on: dt.date) -> Meeting:
    """交办: the topic goes to a department to be answered by ``due_on``."""
    t = m.topic(n)
    if t.answered_on is not None:
        raise FollowUpError(f"议题 {n} 已解题", f"topic {n} is already answered")
    if due_on < on:
        raise FollowUpError("解题时限早于交办之日", "the due date is before the assignment")
    dept = text(department, "承办部门", "department")
    return _with_topic(m, replace(t, department=dept, due_on=due_on, assigned_on=on))


def answer_topic(m: Meeting, n: int, answer: str, by: str, on: dt.date) -> Meeting:
    """解题: the department's analysis of the topic (causes, measures)."""
    t = m.topic(n)
    if t.assigned_on is None:
        raise FollowUpError(f"议题 {n} 尚未交办", f"topic {n} is not assigned yet")
    if t.answered_on is not None:
        raise FollowUpError(f"议题 {n} 已解题", f"topic {n} is already answered")
    if on < t.assigned_on:
        raise FollowUpError("解题日期早于交办之日", "answered before it was assigned")
    return _with_topic(m, replace(t, answer=text(answer, "解题意见", "answer"), answered_on=on,
                                  answered_by=text(by, "解题人", "person")))  # fmt: skip


def record_minutes(
    m: Meeting, minutes: str, attendees: Sequence[str], by: str, on: dt.date
) -> Meeting:
    """会议纪要 (recording again replaces the earlier text)."""
    if on < m.held_on:
        raise FollowUpError("纪要日期早于会议日期", "minutes before the meeting")
    people = tuple(a.strip() for a in attendees if a.strip())
    return replace(m, minutes=Minutes(text(minutes, "纪要", "minutes"), people, on,
                                      text(by, "记录人", "person")))  # fmt: skip


def add_task(
    m: Meeting, topic: int | None, what: str, owner: str, due_on: dt.date, on: dt.date
) -> Meeting:
    """A task the meeting decided, answering one of its topics (or none)."""
    if topic is not None:
        m.topic(topic)
    if on < m.held_on:
        raise FollowUpError("交办日期早于会议日期", "a task set before the meeting")
    t = followup.new_task(len(m.tasks) + 1, what, owner, due_on, on, topic)
    return replace(m, tasks=(*m.tasks, t))


def complete_task(m: Meeting, n: int, on: dt.date, by: str, note: str) -> Meeting:
    return replace(m, tasks=followup.with_task(m.tasks, followup.complete(m.task(n), on, by, note)))


def verify_task(
    m: Meeting, n: int, on: dt.date, by: str, ok: bool, note: str, due_on: dt.date | None = None
) -> Meeting:
    t = followup.verify(m.task(n), on, by, ok, note, due_on)
    return replace(m, tasks=followup.with_task(m.tasks, t))


@dataclass(frozen=True, slots=True)
class Status:
    as_of: dt.date
    topics_proposed: tuple[int, ...]
    topics_assigned: tuple[int, ...]
    topics_answered: tuple[int, ...]
    topics_overdue: tuple[int, ...]
    tasks_open: tuple[int, ...]  # not done (open or reopened)
    tasks_done: tuple[int, ...]  # done, to be verified
    tasks_verified: tuple[int, ...]
    tasks_overdue: tuple[int, ...]

    @property
    def settled(self) -> bool:
        """Every topic answered and every task verified."""
        return not (self.topics_proposed or self.topics_assigned or self.tasks_open
                    or self.tasks_done)  # fmt: skip


def status(m: Meeting, as_of: dt.date) -> Status:
    def topics(s: TopicStatus) -> tuple[int, ...]:
        return tuple(t.n for t in m.topics if t.status is s)

    return Status(
        as_of,
        topics(TopicStatus.PROPOSED),
        topics(TopicStatus.ASSIGNED),
        topics(TopicStatus.ANSWERED),
        tuple(t.n for t in m.topics if t.overdue(as_of)),
        tuple(t.n for t in m.tasks if t.done_on is None),
        tuple(t.n for t in m.tasks if t.done_on is not None and t.verified_on is None),
        tuple(t.n for t in m.tasks if t.verified_on is not None),
        tuple(t.n for t in m.tasks if t.overdue(as_of)),
    )


def findings(m: Meeting, rule: followup.FollowUpRule, as_of: dt.date) -> list[Finding]:
    """The meeting's overdue tasks as ledger findings of ``rule`` (the rulebook's meeting-task
    rule; the monitoring run adds them)."""
    out = [followup.overdue_finding(rule, m.id, m.unit, t, m.where, as_of) for t in m.tasks]
    return [f for f in out if f is not None]
