"""Case quality review (案件质量评查): plans, triggers, reviewer recusal, graded forms, outcomes.

Pure rules, standard library only. The policy (sampling share, triggers, special criteria, the
grade scale, the standards with their items and deductions) is data read from
``rules/review.toml``; this module only applies it.

- **Routine sampling (常规抽查)**: for each handling prosecutor, a share or a number of the cases
  they closed in the year, at least one for anyone who closed any. The draw uses one
  ``random.Random`` per prosecutor seeded with ``"{seed}|{handler}"`` over the sorted candidate
  list, so one prosecutor's draw can be checked alone and never depends on anyone else's.
- **Key review (重点评查)**: every case a trigger fires on, dated by what fired it (an acquittal by
  the judgment's date, a non-prosecution by the decision's), so a case closed in December and
  acquitted in February is in February's year.
- **Special review (专项评查)**: cases matching chosen criteria.
- **Recusal (回避)**: a reviewer is never the handler, a verifier, an approver or the decision maker
  of the case; cross review (交叉) takes nobody from the handler's department, escalated (提级)
  and remote (异地) review nobody from the handler's unit.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jianguan.domain.model import Case, EventType, Person, Role, Unit
from jianguan.domain.vocabulary import Vocabulary


class ReviewReason(Vocabulary):
    ROUTINE = "routine", "常规抽查", "routine sampling"
    KEY = "key", "重点评查", "key review"
    SPECIAL = "special", "专项评查", "special review"


# When a case is selected for several reasons, the plan shows the strongest one.
_REASON_RANK = {ReviewReason.KEY: 0, ReviewReason.SPECIAL: 1, ReviewReason.ROUTINE: 2}


class ReviewMode(Vocabulary):
    CROSS = "cross", "交叉评查", "cross review"  # another department
    ESCALATED = "escalated", "提级评查", "escalated review"  # the upper unit
    REMOTE = "remote", "异地评查", "remote review"  # another unit at the same level


class FormStatus(Vocabulary):
    """Where a review form (评查表) stands: assigned → recorded → (objected →) decided."""

    ASSIGNED = "assigned", "已分配", "assigned"
    RECORDED = "recorded", "已登记", "recorded"
    OBJECTED = "objected", "已提出异议", "objected to"
    DECIDED = "decided", "已决定", "decided"

    @property
    def recordable(self) -> bool:
        """The reviewer may still record (or re-record) the grade."""
        return self in (FormStatus.ASSIGNED, FormStatus.RECORDED)

    @property
    def decidable(self) -> bool:
        """A head or chief may decide the final grade."""
        return self in (FormStatus.RECORDED, FormStatus.OBJECTED)

    @property
    def graded(self) -> bool:
        """A grade has been recorded (whatever came after)."""
        return self is not FormStatus.ASSIGNED


class PolicyError(ValueError):
    """A review policy (rules/review.toml) that cannot be applied."""


# -- triggers -----------------------------------------------------------------------------------

TRIGGER_CHECKS = frozenset(
    {"outcome", "charge_changed", "decision", "not_prosecuted_after_arrest", "document", "event"}
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A key-review trigger (重点评查 情形) with its basis; ``check`` names how it is detected."""

    id: str
    title: str
    basis: tuple[str, ...]
    check: str
    params: Mapping[str, Any]
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class TriggerEnv:
    """What a trigger may need beyond the case: the matters (统一受案号) with an approved arrest."""

    arrested_matters: frozenset[str] = frozenset()


def _types(params: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(params.get("types", ()))


def _hit_outcome(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    o = case.outcome
    return o.on if o is not None and o.type.value in _types(t.params) else None


def _hit_charge_changed(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    o = case.outcome
    return o.on if o is not None and o.charge_changed else None


def _hit_decision(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    d = case.decision
    return d.on if d is not None and d.type.value in _types(t.params) else None


def _hit_not_prosecuted_after_arrest(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    # 捕后不诉: the prosecution-review stage of a matter whose arrest-review stage approved arrest.
    d = case.decision
    if d is None or d.type.value != "not_prosecute":
        return None
    return d.on if case.unified_no in env.arrested_matters else None


def _hit_document(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    days = [doc.issued_on for doc in case.documents if doc.type in _types(t.params)]
    return min(days) if days else None


def _hit_event(case: Case, t: Trigger, env: TriggerEnv) -> dt.date | None:
    # An event whose note names the matter, e.g. a complaint or a compensation recorded as a note.
    notes = _types(t.params)
    days = [e.on for e in case.events if e.note is not None and e.note in notes]
    return min(days) if days else None


_TRIGGER_FUNCS: dict[str, Callable[[Case, Trigger, TriggerEnv], dt.date | None]] = {
    "outcome": _hit_outcome,
    "charge_changed": _hit_charge_changed,
    "decision": _hit_decision,
    "not_prosecuted_after_arrest": _hit_not_prosecuted_after_arrest,
    "document": _hit_document,
    "event": _hit_event,
}


def trigger_date(case: Case, trigger: Trigger, env: TriggerEnv) -> dt.date | None:
    """The day the trigger fired on the case, or None when it does not apply."""
    return _TRIGGER_FUNCS[trigger.check](case, trigger, env)


def fired_triggers(
    case: Case, triggers: Sequence[Trigger], env: TriggerEnv, year: int
) -> list[str]:
    """Ids of the enabled triggers that fired on the case within ``year``, in policy order."""
    out = []
    for t in triggers:
        if t.enabled:
            day = trigger_date(case, t, env)
            if day is not None and day.year == year:
                out.append(t.id)
    return out


# -- special reviews ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpecialCriteria:
    """A special review (专项评查): the cases closed in a period matching every given criterion."""

    id: str
    title: str
    basis: tuple[str, ...]
    categories: frozenset[str] = frozenset()
    charges: frozenset[str] = frozenset()
    decisions: frozenset[str] = frozenset()  # the stage's concluding decision
    units: frozenset[str] = frozenset()  # a unit and every unit under it
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    finding_kinds: frozenset[str] = frozenset()  # self-check / monitoring finding kinds

    @property
    def needs_findings(self) -> bool:
        return bool(self.finding_kinds)


def units_under(units: Iterable[Unit], roots: Collection[str]) -> frozenset[str]:
    """The codes of ``roots`` and of every unit below them."""
    children: dict[str | None, list[str]] = {}
    for u in units:
        children.setdefault(u.parent, []).append(u.code)
    out: set[str] = set()
    todo = list(roots)
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(children.get(code, ()))
    return frozenset(out)


def special_match(
    case: Case,
    sp: SpecialCriteria,
    unit_scope: frozenset[str],
    kinds: Callable[[], Collection[str]],
) -> bool:
    """Whether a closed case meets every criterion of the special review.

    ``unit_scope`` is ``units_under(units, sp.units)`` (empty: any unit); ``kinds`` gives the
    kinds of the case's findings, asked for only when every cheaper criterion holds (the
    self-check of a case costs far more than reading its card).
    """
    closed = case.closed_on
    if closed is None:
        return False
    card = (
        not sp.categories or case.category.value in sp.categories,
        not sp.charges or bool(sp.charges.intersection(case.charges)),
        not sp.decisions
        or (case.decision is not None and case.decision.type.value in sp.decisions),
        not unit_scope or case.unit in unit_scope,
        sp.closed_from is None or closed >= sp.closed_from,
        sp.closed_to is None or closed <= sp.closed_to,
    )
    if not all(card):
        return False
    return not sp.finding_kinds or bool(sp.finding_kinds.intersection(kinds()))


# -- routine sampling ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sampling:
    """Routine sampling: ``count`` cases per prosecutor if set, else ``share`` of their cases."""

    share: float = 0.05
    count: int | None = None
    minimum: int = 1

    def size(self, closed: int) -> int:
        """How many of ``closed`` cases to draw: the share rounded up, at least ``minimum``."""
        if closed <= 0:
            return 0
        wanted = self.count if self.count is not None else math.ceil(self.share * closed - 1e-9)
        return min(closed, max(self.minimum, wanted))


class Closing(Protocol):
    """What the routine draw needs of a case (a ``Case``, or just these three of it)."""

    @property
    def case_id(self) -> str: ...
    @property
    def handler(self) -> str: ...
    @property
    def closed_on(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class ClosedCase:
    """A case's id, handler and closing day, kept instead of the whole case while a plan is
    drawn: a province's year is hundreds of thousands of closed cases (the whole cases of
    one year at 1 M took 3.5 GB)."""

    case_id: str
    handler: str
    closed_on: dt.date | None


def routine_candidates(cases: Iterable[Closing], year: int) -> dict[str, list[str]]:
    """handler → the ids of the cases they closed in ``year``, sorted (the draw's fixed order)."""
    out: dict[str, list[str]] = {}
    for c in cases:
        if c.closed_on is not None and c.closed_on.year == year:
            out.setdefault(c.handler, []).append(c.case_id)
    return {h: sorted(ids) for h, ids in sorted(out.items())}


def draw_routine(
    candidates: Mapping[str, Sequence[str]], sampling: Sampling, seed: str
) -> dict[str, list[str]]:
    """handler → the drawn case ids (sorted). Same candidates, sampling and seed: same draw."""
    out = {}
    for handler in sorted(candidates):
        pool = sorted(candidates[handler])
        rng = random.Random(f"{seed}|{handler}")
        out[handler] = sorted(rng.sample(pool, sampling.size(len(pool))))
    return out


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One case in a year's review plan, with every reason it was selected for."""

    case_id: str
    reason: ReviewReason  # the strongest of ``reasons``
    reasons: tuple[ReviewReason, ...]
    triggers: tuple[str, ...]  # key-review triggers that fired
    specials: tuple[str, ...]  # special reviews it matched
    handler: str
    unit: str

    @property
    def trigger(self) -> str | None:
        return self.triggers[0] if self.triggers else None

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "reason": self.reason.value,
            "reasons": [r.value for r in self.reasons],
            "trigger": self.trigger,
            "triggers": list(self.triggers),
            "specials": list(self.specials),
            "handler": self.handler,
            "unit": self.unit,
        }


@dataclass(slots=True)
class PlanBuilder:
    """Collects the reasons per case while the cases stream past, then builds the entries."""

    year: int
    triggers: Sequence[Trigger]
    specials: Sequence[SpecialCriteria]
    env: TriggerEnv
    unit_scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _key: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _special: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _who: dict[str, tuple[str, str]] = field(default_factory=dict)
    _closed: list[Case] = field(default_factory=list)

    def add(self, case: Case, kinds: Callable[[], Collection[str]] = tuple) -> None:
        fired = fired_triggers(case, self.triggers, self.env, self.year)
        in_year = case.closed_on is not None and case.closed_on.year == self.year
        matched = tuple(
            sp.id
            for sp in self.specials
            # without a period of its own, a special review covers the plan year
            if (in_year or sp.closed_from is not None or sp.closed_to is not None)
            and special_match(case, sp, self.unit_scopes.get(sp.id, frozenset()), kinds)
        )
        if fired:
            self._key[case.case_id] = tuple(fired)
        if matched:
            self._special[case.case_id] = matched
        if fired or matched or in_year:
            self._who[case.case_id] = (case.handler, case.unit)

    def entries(self, routine: Mapping[str, Sequence[str]]) -> list[PlanEntry]:
        drawn = {cid for ids in routine.values() for cid in ids}
        out = []
        for cid in sorted(set(self._key) | set(self._special) | drawn):
            reasons = tuple(
                r
                for r, hit in (
                    (ReviewReason.KEY, cid in self._key),
                    (ReviewReason.SPECIAL, cid in self._special),
                    (ReviewReason.ROUTINE, cid in drawn),
                )
                if hit
            )
            handler, unit = self._who[cid]
            out.append(
                PlanEntry(
                    cid,
                    min(reasons, key=_REASON_RANK.__getitem__),
                    reasons,
                    self._key.get(cid, ()),
                    self._special.get(cid, ()),
                    handler,
                    unit,
                )
            )
        return out


# -- reviewers and recusal ----------------------------------------------------------------------


def conflicted(case: Case) -> frozenset[str]:
    """Who took part in deciding the case and so may not review it (回避): handler, decision maker,
    approver, and everyone who verified (核查) or approved anything on it."""
    people = {case.handler}
    if case.decision is not None:
        people.add(case.decision.by)
        if case.decision.approved_by:
            people.add(case.decision.approved_by)
    for e in case.events:
        if e.type in (EventType.VERIFICATION, EventType.APPROVAL) and e.by:
            people.add(e.by)
    return frozenset(people)


@dataclass(frozen=True, slots=True)
class Org:
    """The organisation as the reviewer rules see it."""

    units: Mapping[str, Unit]
    people: Mapping[str, Person]
    by_unit: Mapping[str, tuple[Person, ...]]

    @classmethod
    def of(cls, units: Iterable[Unit], people: Iterable[Person]) -> Org:
        staff = {p.id: p for p in people}
        by_unit: dict[str, list[Person]] = {}
        for p in staff.values():
            by_unit.setdefault(p.unit, []).append(p)
        return cls(
            {u.code: u for u in units},
            staff,
            {code: tuple(sorted(ps, key=lambda p: p.id)) for code, ps in by_unit.items()},
        )

    def handler_place(self, case: Case) -> tuple[str, frozenset[str]]:
        """The handler's department and the units that count as the handler's own."""
        h = self.people.get(case.handler)
        dept = h.department if h is not None else case.department
        own = {case.unit} | ({h.unit} if h is not None else set())
        return dept, frozenset(own)


@dataclass(frozen=True, slots=True)
class Recusal:
    """Who and where a case's reviewer may not come from, worked out once per case."""

    took_part: frozenset[str]  # handler, decision maker, verifiers, approvers
    own_units: frozenset[str]  # the case's unit and the handler's
    departments: frozenset[str]  # the case's department and the handler's

    @classmethod
    def of(cls, case: Case, org: Org, declared: Collection[str] = ()) -> Recusal:
        """``declared``: people recorded as recused from the case (回避 decided in case work)."""
        dept, own = org.handler_place(case)
        return cls(conflicted(case) | frozenset(declared), own, frozenset({dept, case.department}))

    def breaches(self, reviewer: Person, mode: ReviewMode) -> list[str]:
        """Why ``reviewer`` may not review the case in ``mode`` (empty: they may)."""
        out = []
        if reviewer.id in self.took_part:
            out.append("participant")
        if mode is ReviewMode.CROSS:
            if reviewer.unit in self.own_units and reviewer.department in self.departments:
                out.append("same_department")
        elif reviewer.unit in self.own_units:
            out.append("same_unit")
        return out


def recusal_breaches(case: Case, reviewer: Person, mode: ReviewMode, org: Org) -> list[str]:
    """Why ``reviewer`` may not review ``case`` in ``mode`` (empty: they may)."""
    return Recusal.of(case, org).breaches(reviewer, mode)


def _placed(
    units: Iterable[str], bar: Recusal, mode: ReviewMode, org: Org, roles: Collection[Role]
) -> list[Person]:
    return [
        p
        for code in units
        for p in org.by_unit.get(code, ())
        if p.role in roles and not bar.breaches(p, mode)
    ]


def reviewer_pool(
    case: Case,
    mode: ReviewMode,
    org: Org,
    roles: Collection[Role],
    declared: Collection[str] = (),
) -> list[Person]:
    """The people who may review ``case`` in ``mode``, by id; every one passes the recusal rules.

    cross: the handler's own unit, other departments; escalated: the upper unit; remote: other
    units at the same level, those under the same upper unit first (异地 within the province when
    possible), any other unit at that level when none of those has an eligible reviewer.
    """
    bar = Recusal.of(case, org, declared)
    own = bar.own_units
    unit = org.units.get(case.unit)
    if mode is ReviewMode.CROSS:
        pool = _placed(sorted(own), bar, mode, org, roles)
    elif unit is None:
        pool = []
    elif mode is ReviewMode.ESCALATED:
        pool = _placed([unit.parent] if unit.parent else [], bar, mode, org, roles)
    else:
        peers = [u for u in org.units.values() if u.level is unit.level and u.code not in own]
        near = [u.code for u in peers if u.parent == unit.parent]
        pool = _placed(near, bar, mode, org, roles) or _placed(
            [u.code for u in peers if u.parent != unit.parent], bar, mode, org, roles
        )
    return sorted(pool, key=lambda p: p.id)


@dataclass(frozen=True, slots=True)
class ReviewerChoice:
    case_id: str
    reviewer: str | None  # None: nobody may review it in this mode
    mode: ReviewMode
    pool_size: int


def assign_reviewers(
    cases: Sequence[Case],
    mode: ReviewMode,
    org: Org,
    roles: Collection[Role],
    load: Mapping[str, int] | None = None,
    declared: Mapping[str, Collection[str]] | None = None,
) -> list[ReviewerChoice]:
    """One reviewer per case: the least-loaded eligible person, ties by id (balanced load).

    ``load`` is what each reviewer already has (earlier assignments); ``declared`` the people
    recorded as recused per case id. Cases go in case_id order so the result depends on the
    data alone.
    """
    counts: Counter[str] = Counter(load or {})
    recused = declared or {}
    out = []
    for case in sorted(cases, key=lambda c: c.case_id):
        pool = reviewer_pool(case, mode, org, roles, recused.get(case.case_id, ()))
        if not pool:
            out.append(ReviewerChoice(case.case_id, None, mode, 0))
            continue
        chosen = min(pool, key=lambda p: (counts[p.id], p.id))
        counts[chosen.id] += 1
        out.append(ReviewerChoice(case.case_id, chosen.id, mode, len(pool)))
    return out


# -- grades, standards, forms -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GradeDef:
    code: str
    zh: str
    en: str
    min_score: float  # the lowest score the deductions may leave for this grade
    aliases: tuple[str, ...] = ()  # other spellings accepted, e.g. the legacy 瑕疵
    outcome: str | None = None  # accountability_referral | rectification | positive_candidate
    deadline_days: int | None = None  # for rectification
    suggested: bool = True  # False: never proposed from the score, only chosen (优质)


class OutcomeKind(Vocabulary):
    """What a decided grade sets going (评查结果运用)."""

    ACCOUNTABILITY_REFERRAL = (
        "accountability_referral",
        "问题线索移送（问责）",
        "accountability referral",
    )
    RECTIFICATION = "rectification", "整改", "rectification"
    POSITIVE_CANDIDATE = "positive_candidate", "正面清单候选", "positive-list candidate"


OUTCOMES = frozenset(k.value for k in OutcomeKind)


@dataclass(frozen=True, slots=True)
class GradeScale:
    """Grades best first. ``parse`` accepts code, Chinese name, English name or an alias."""

    grades: tuple[GradeDef, ...]

    def parse(self, text: str) -> GradeDef | None:
        key = text.strip().lower()
        for g in self.grades:
            if key in (g.code, g.zh, g.en.lower(), *(a.lower() for a in g.aliases)):
                return g
        return None

    def by_code(self, code: str) -> GradeDef:
        return next(g for g in self.grades if g.code == code)

    def rank(self, code: str) -> int:
        return next(i for i, g in enumerate(self.grades) if g.code == code)

    def names(self) -> str:
        return " / ".join(g.zh for g in self.grades)


@dataclass(frozen=True, slots=True)
class StandardItem:
    """An item of a review standard: what is wrong, how many points it costs, its basis."""

    id: str  # "<standard>.<item>"
    standard: str
    title: str
    deduct: float
    basis: tuple[str, ...]
    caps: str | None = None  # the best grade a case with this problem may get
    kinds: frozenset[str] = frozenset()  # finding kinds that pre-fill this item


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    title: str
    items: tuple[StandardItem, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """An item marked on a form, with the reviewer's note or the finding it came from."""

    item: str
    note: str = ""
    source: str = "reviewer"  # reviewer | finding:<rule>

    def as_json(self) -> dict[str, str]:
        return {"item": self.item, "note": self.note, "source": self.source}


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    best: GradeDef  # the best grade the marks allow
    suggested: GradeDef  # what the form proposes
    reasons: tuple[str, ...]  # why the best grade is capped


@dataclass(frozen=True, slots=True)
class Standards:
    standards: tuple[Standard, ...]
    scale: GradeScale
    full_score: float = 100.0

    def items(self) -> dict[str, StandardItem]:
        return {i.id: i for s in self.standards for i in s.items}

    def prefill(self, findings: Iterable[tuple[str, str, str]]) -> list[Mark]:
        """Marks proposed from automatic findings ``(rule, kind, explanation)``, one per finding
        whose kind an item lists, so the reviewer starts from the evidence."""
        by_kind: dict[str, str] = {}
        for item in self.items().values():
            for k in item.kinds:
                by_kind.setdefault(k, item.id)
        return [
            Mark(by_kind[kind], explanation, f"finding:{rule}")
            for rule, kind, explanation in findings
            if kind in by_kind
        ]

    def assess(self, marks: Sequence[Mark]) -> Assessment:
        """Score (full score less each distinct item's deduction) and the grades it allows."""
        items = self.items()
        unknown = [m.item for m in marks if m.item not in items]
        if unknown:
            raise PolicyError(f"unknown review item(s): {', '.join(sorted(set(unknown)))}")
        distinct = sorted({m.item for m in marks})
        score = max(0.0, self.full_score - sum(items[i].deduct for i in distinct))
        by_score = next(
            (g for g in self.scale.grades if g.suggested and score >= g.min_score),
            self.scale.grades[-1],
        )
        best_allowed = next(
            (g for g in self.scale.grades if score >= g.min_score), self.scale.grades[-1]
        )
        reasons = []
        for i in distinct:
            cap = items[i].caps
            if cap is not None and self.scale.rank(cap) > self.scale.rank(best_allowed.code):
                best_allowed = self.scale.by_code(cap)
                reasons.append(i)
        suggested = max(
            (by_score, best_allowed), key=lambda g: self.scale.rank(g.code)
        )  # the worse of the two
        return Assessment(score, best_allowed, suggested, tuple(reasons))


def grade_allowed(assessment: Assessment, grade: GradeDef, scale: GradeScale) -> bool:
    """A reviewer may grade worse than the marks allow, never better (the form must explain it)."""
    return scale.rank(grade.code) >= scale.rank(assessment.best.code)


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """Everything of rules/review.toml."""

    sampling: Sampling
    triggers: tuple[Trigger, ...]
    specials: tuple[SpecialCriteria, ...]
    standards: Standards
    reviewer_roles: frozenset[Role]
    reverse_outcomes: frozenset[str]  # 反向审视: court outcomes that send a case back for a look
    reverse_categories: frozenset[str]  # … and categories such as complaints (控告申诉)
    objection_days: int = 5  # days the handler has to object (异议)

    def trigger(self, trigger_id: str) -> Trigger:
        return next(t for t in self.triggers if t.id == trigger_id)

    def special(self, special_id: str) -> SpecialCriteria | None:
        return next((s for s in self.specials if s.id == special_id), None)


def reverse_reason(case: Case, policy: ReviewPolicy, year: int) -> str | None:
    """Why the case belongs in the year's reverse-review (反向审视) queue, if it does."""
    o = case.outcome
    if o is not None and o.type.value in policy.reverse_outcomes and o.on.year == year:
        return o.type.value
    closed = case.closed_on
    if case.category.value in policy.reverse_categories and closed and closed.year == year:
        return case.category.value
    return None
