"""Case quality review (案件质量评查) use cases: plan, assign, record, object, decide, outcomes.

Each step is one unit of work: it loads what it needs (``uow.review``, ``uow.cases``), applies
the pure rules of ``domain.review``, writes its rows, a ``review_events`` row and an audit entry
and commits — or refuses with a ``ReviewError`` naming the problem in Chinese and English and
commits nothing. The policy comes from the rulebook (``rules.review``) and the moment of the
step from the application's clock (``now``), both passed in.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from jianguan.domain.model import Case, Unit
from jianguan.domain.monitoring import Finding
from jianguan.domain.review import (
    Assessment,
    ClosedCase,
    FormStatus,
    GradeDef,
    Mark,
    Org,
    OutcomeKind,
    PlanBuilder,
    PlanEntry,
    PolicyError,
    ReviewerChoice,
    ReviewMode,
    ReviewPolicy,
    ReviewReason,
    Sampling,
    SpecialCriteria,
    TriggerEnv,
    assign_reviewers,
    conflicted,
    draw_routine,
    grade_allowed,
    reverse_reason,
    routine_candidates,
    units_under,
)
from jianguan.domain.rulebook import Rulebook
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.review import Form, ReviewOutcome, StoredPlan
from jianguan.services.selfcheck import checker_in

__all__ = ["Form", "ReviewError", "ReviewOutcome", "StoredPlan"]


class ReviewError(Exception):
    """A review step refused; nothing was written."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


FindingsOf = Callable[[Case], Sequence[Finding]]
# What pre-fills forms with evidence: given the open unit of work, a case's automatic findings.
Prefill = Callable[[UnitOfWork], FindingsOf]


def self_check_prefill(rules: Rulebook, as_of: dt.date) -> Prefill:
    """The one-click self-check (一键自检) of a case as of ``as_of``, to pre-fill its form."""

    def bind(uow: UnitOfWork) -> FindingsOf:
        check = checker_in(uow, rules)
        people = {p.id: p for p in uow.cases.people()}
        return lambda case: check(case, people, as_of)

    return bind


def _findings(uow: UnitOfWork, prefill: Prefill | None) -> FindingsOf | None:
    return prefill(uow) if prefill is not None else None


def _step(
    uow: UnitOfWork, year: int, case_id: str, step: str, by: str, at: dt.datetime, detail: Any
) -> None:
    """Every review step is a review event and an audit entry (全程留痕)."""
    uow.review.add_event(year, case_id, step, by, at, detail)
    uow.audit.append(by, f"review.{step}", case_id, {"year": year, **detail})


# -- plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanBuilderArgs:
    specials: tuple[SpecialCriteria, ...]
    scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)


def _specials(policy: ReviewPolicy, ids: Sequence[str], units: Sequence[Unit]) -> PlanBuilderArgs:
    chosen = []
    for sid in ids:
        sp = policy.special(sid)
        if sp is None:
            known = ", ".join(s.id for s in policy.specials)
            raise ReviewError(
                f"未定义的专项评查：{sid}（可选：{known}）",
                f"no such special review: {sid} (known: {known})",
            )
        chosen.append(sp)
    scopes = {sp.id: units_under(units, sp.units) for sp in chosen if sp.units}
    return PlanBuilderArgs(tuple(chosen), scopes)


def build_plan(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    sampling: Sampling,
    seed: str,
    specials: Sequence[str] = (),
    prefill: Prefill | None = None,
) -> tuple[list[PlanEntry], dict[str, list[str]]]:
    """The plan's entries and the routine candidates, from the stored cases (writes nothing)."""
    with uow:
        return _build_plan(uow, policy, year, sampling, seed, specials, _findings(uow, prefill))


def _build_plan(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    sampling: Sampling,
    seed: str,
    specials: Sequence[str],
    findings_of: FindingsOf | None,
) -> tuple[list[PlanEntry], dict[str, list[str]]]:
    args = _specials(policy, specials, uow.cases.units())
    builder = PlanBuilder(
        year, policy.triggers, args.specials, TriggerEnv(uow.review.arrested_matters()), args.scopes
    )
    closed: list[ClosedCase] = []  # the routine draw's three fields, not the whole cases
    for case in uow.review.cases_for_year(
        year,
        _trigger_types(policy, "document"),
        _trigger_types(policy, "event"),
        [(sp.closed_from, sp.closed_to) for sp in args.specials if sp.closed_from or sp.closed_to],
    ):
        builder.add(case, _kinds_of(case, findings_of))
        if case.closed_on is not None and case.closed_on.year == year:
            closed.append(ClosedCase(case.case_id, case.handler, case.closed_on))
    candidates = routine_candidates(closed, year)
    return builder.entries(draw_routine(candidates, sampling, seed)), candidates


def _trigger_types(policy: ReviewPolicy, check: str) -> frozenset[str]:
    """The document types (or event notes) the enabled triggers of ``check`` look for."""
    return frozenset(
        kind
        for t in policy.triggers
        if t.enabled and t.check == check
        for kind in t.params.get("types", ())
    )


def _kinds_of(case: Case, findings_of: FindingsOf | None) -> Callable[[], Collection[str]]:
    def kinds() -> Collection[str]:
        return {f.kind for f in findings_of(case)} if findings_of is not None else ()

    return kinds


def make_plan(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    *,
    sampling: Sampling,
    now: dt.datetime,
    seed: str | None = None,
    specials: Sequence[str] = (),
    prefill: Prefill | None = None,
    by: str = "system",
    replace_existing: bool = False,
) -> StoredPlan:
    """Draw and store the year's plan; refuses a second plan once reviewers are assigned."""
    with uow:
        plan = _make_plan(
            uow, policy, year, sampling, now, seed, specials, prefill, by, replace_existing
        )
        uow.commit()
    return plan


def _make_plan(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    sampling: Sampling,
    now: dt.datetime,
    seed: str | None,
    specials: Sequence[str],
    prefill: Prefill | None,
    by: str,
    replace_existing: bool,
) -> StoredPlan:
    old = uow.review.plan(year)
    if old is not None:
        if not replace_existing:
            raise ReviewError(
                f"{year} 年度评查计划已存在（使用 --replace 重新制定）",
                f"a review plan for {year} exists already (use --replace to redo it)",
            )
        if uow.review.forms(year):
            raise ReviewError(
                f"{year} 年度评查已分配评查人，计划不能重新制定",
                f"reviewers are assigned for {year}: the plan can no longer be redone",
            )
        uow.review.delete_plan(year)
    seed = seed if seed is not None else secrets.token_hex(8)
    entries, candidates = _build_plan(
        uow, policy, year, sampling, seed, specials, _findings(uow, prefill)
    )
    params = {
        "sampling": {"share": sampling.share, "count": sampling.count, "minimum": sampling.minimum},
        "specials": list(specials),
        "triggers": [t.id for t in policy.triggers if t.enabled],
    }
    plan = StoredPlan(year, seed, params, candidates, by, now, tuple(entries))
    uow.review.save_plan(plan)
    uow.audit.append(
        by,
        "review.plan",
        str(year),
        {
            "seed": seed,
            **params,
            "cases": len(entries),
            "by_reason": dict(Counter(e.reason.value for e in entries)),
        },
    )
    return plan


def verify_plan(uow: UnitOfWork, year: int) -> list[str]:
    """Redraw the routine sample from the recorded seed and candidates; the differences, if any."""
    with uow:
        plan = _plan(uow, year)
    redrawn = draw_routine(plan.candidates, plan.sampling, plan.seed)
    stored: dict[str, set[str]] = {}
    for e in plan.entries:
        if ReviewReason.ROUTINE in e.reasons:
            stored.setdefault(e.handler, set()).add(e.case_id)
    problems = []
    for handler in sorted(set(redrawn) | set(stored)):
        want, have = set(redrawn.get(handler, ())), stored.get(handler, set())
        if want != have:
            problems.append(f"{handler}: redraw {sorted(want)} but plan has {sorted(have)}")
    return problems


def _plan(uow: UnitOfWork, year: int) -> StoredPlan:
    plan = uow.review.plan(year)
    if plan is None:
        raise ReviewError(
            f"没有 {year} 年度评查计划（先运行 jianguan review plan --year {year}）",
            f"no review plan for {year} (run jianguan review plan --year {year} first)",
        )
    return plan


# -- reviewers ----------------------------------------------------------------------------------


def assign(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    mode: ReviewMode,
    *,
    now: dt.datetime,
    prefill: Prefill | None = None,
    by: str = "system",
) -> list[ReviewerChoice]:
    """Give every planned case without a form a reviewer, and open its pre-filled form."""
    with uow:
        plan = _plan(uow, year)
        existing = {f.case_id: f for f in uow.review.forms(year)}
        todo = [e.case_id for e in plan.entries if e.case_id not in existing]
        cases = uow.cases.load_cases(todo)
        org = Org.of(uow.cases.units(), uow.cases.people())
        load = Counter(f.reviewer for f in existing.values())
        declared = uow.review.declared_recusals(todo)
        choices = assign_reviewers(
            list(cases.values()), mode, org, policy.reviewer_roles, load, declared
        )
        findings_of = _findings(uow, prefill)
        for ch in choices:
            if ch.reviewer is not None:
                _open_form(uow, policy, year, cases[ch.case_id], ch, findings_of, by, now)
        uow.commit()
    return choices


def _open_form(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    year: int,
    case: Case,
    ch: ReviewerChoice,
    findings_of: FindingsOf | None,
    by: str,
    now: dt.datetime,
) -> None:
    assert ch.reviewer is not None
    found = list(findings_of(case)) if findings_of is not None else []
    marks = policy.standards.prefill((f.rule, f.kind, f.explanation) for f in found)
    assessed = policy.standards.assess(marks)
    form = Form(
        year,
        case.case_id,
        ch.mode,
        ch.reviewer,
        FormStatus.ASSIGNED,
        tuple(f.as_json() for f in found),
        tuple(marks),
        now,
        assessed.score,
        assessed.suggested.code,
    )
    uow.review.save_form(form)
    _step(
        uow,
        year,
        case.case_id,
        FormStatus.ASSIGNED.value,
        by,
        now,
        {
            "reviewer": ch.reviewer,
            "mode": ch.mode.value,
            "pool": ch.pool_size,
            "prefilled": [m.item for m in marks],
        },
    )


# -- forms --------------------------------------------------------------------------------------


def find_form(uow: UnitOfWork, case_id: str, year: int | None) -> Form:
    """The case's form in ``year``, or in the latest plan year that has one (reads only)."""
    with uow:
        return _find_form(uow, case_id, year)


def form_and_steps(
    uow: UnitOfWork, case_id: str, year: int | None
) -> tuple[Form, list[dict[str, Any]]]:
    """The form (as ``find_form``) and every step recorded on it, oldest first."""
    with uow:
        form = _find_form(uow, case_id, year)
        return form, uow.review.events(form.year, case_id)


def outcomes(uow: UnitOfWork, year: int | None, kind: OutcomeKind | None) -> list[ReviewOutcome]:
    """The review outcomes opened so far (评查结果运用), of ``year`` and ``kind`` when given."""
    with uow:
        return uow.review.outcomes(year, kind.value if kind is not None else None)


def _find_form(uow: UnitOfWork, case_id: str, year: int | None) -> Form:
    years = [year] if year is not None else sorted(uow.review.plan_years(case_id), reverse=True)
    for y in years:
        form = uow.review.form(y, case_id)
        if form is not None:
            return form
    raise ReviewError(
        f"案件 {case_id} 没有评查表（不在评查计划中或尚未分配评查人）",
        f"case {case_id} has no review form (not planned, or no reviewer assigned yet)",
    )


def _grade(policy: ReviewPolicy, text: str) -> GradeDef:
    g = policy.standards.scale.parse(text)
    if g is None:
        names = policy.standards.scale.names()
        raise ReviewError(
            f"未知的评查等次：{text}（可选：{names}）", f"unknown grade: {text} ({names})"
        )
    return g


def _check_grade(policy: ReviewPolicy, marks: Sequence[Mark], grade: GradeDef) -> Assessment:
    try:
        assessed = policy.standards.assess(marks)
    except PolicyError as exc:
        raise ReviewError(f"评查项目有误：{exc}", str(exc)) from None
    if not grade_allowed(assessed, grade, policy.standards.scale):
        why = ", ".join(assessed.reasons) or f"score {assessed.score:g}"
        raise ReviewError(
            f"等次“{grade.zh}”高于评查项目允许的最高等次“{assessed.best.zh}”（{why}）",
            f"grade {grade.en!r} is better than the items allow ({assessed.best.en}: {why})",
        )
    return assessed


def record(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    case_id: str,
    grade_text: str,
    *,
    now: dt.datetime,
    marks: Sequence[Mark] | None = None,
    year: int | None = None,
    by: str | None = None,
) -> Form:
    """The reviewer records the items and a grade; without ``marks`` the pre-filled ones stand."""
    with uow:
        form = _find_form(uow, case_id, year)
        if not form.status.recordable:
            raise ReviewError(
                f"案件 {case_id} 的评查表{form.status.zh}，不能再登记等次",
                f"the form of {case_id} is {form.status.en}: its grade can no longer be recorded",
            )
        who = by or form.reviewer
        if who != form.reviewer:
            raise ReviewError(
                f"只有指定的评查人 {form.reviewer} 可以登记评查结果（不是 {who}）",
                f"only the assigned reviewer {form.reviewer} may record the review (not {who})",
            )
        grade = _grade(policy, grade_text)
        kept = tuple(marks) if marks is not None else form.marks
        assessed = _check_grade(policy, kept, grade)
        done = replace(
            form,
            status=FormStatus.RECORDED,
            marks=kept,
            score=assessed.score,
            suggested=assessed.suggested.code,
            grade=grade.code,
            updated_at=now,
        )
        uow.review.save_form(done)
        detail = {"grade": grade.code, "score": assessed.score, "items": [m.item for m in kept]}
        _step(uow, form.year, case_id, FormStatus.RECORDED.value, who, now, detail)
        uow.commit()
    return done


def _case(uow: UnitOfWork, case_id: str) -> Case:
    case = uow.cases.load_case(case_id)
    if case is None:
        raise ReviewError(f"案件 {case_id} 不存在", f"no case {case_id}")
    return case


def object_to(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    case_id: str,
    reason: str,
    *,
    now: dt.datetime,
    year: int | None = None,
    by: str | None = None,
) -> Form:
    """The handler objects (异议) to the recorded grade; the final decision then weighs it.

    An objection more than ``policy.objection_days`` days after the grade was recorded is
    refused (the 2018 rule sets up an objection mechanism; the period is local)."""
    with uow:
        form = _find_form(uow, case_id, year)
        case = _case(uow, case_id)
        who = by or case.handler
        if who != case.handler:
            raise ReviewError(
                f"只有承办检察官 {case.handler} 可以提出异议（不是 {who}）",
                f"only the handler {case.handler} may object (not {who})",
            )
        if form.status is not FormStatus.RECORDED:
            raise ReviewError(
                f"案件 {case_id} 的评查表状态为“{form.status.zh}”，只能对已登记的等次提出异议",
                f"the form of {case_id} is {form.status.en}: only a recorded grade can be "
                "objected to",
            )
        if not reason.strip():
            raise ReviewError("异议须写明理由", "an objection needs a reason")
        if now - form.updated_at > dt.timedelta(days=policy.objection_days):
            raise ReviewError(
                f"异议期限已过：等次登记于 {form.updated_at.date()}，"
                f"须在 {policy.objection_days} 日内提出",
                f"too late to object: the grade was recorded on {form.updated_at.date()}, "
                f"objections are due within {policy.objection_days} days",
            )
        done = replace(form, status=FormStatus.OBJECTED, objection=reason.strip(), updated_at=now)
        uow.review.save_form(done)
        _step(uow, form.year, case_id, FormStatus.OBJECTED.value, who, now,
              {"reason": reason.strip()})  # fmt: skip
        uow.commit()
    return done


def decide(
    uow: UnitOfWork,
    policy: ReviewPolicy,
    case_id: str,
    *,
    now: dt.datetime,
    grade_text: str | None = None,
    year: int | None = None,
    by: str | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> tuple[Form, list[ReviewOutcome]]:
    """Decide the final grade (by default the recorded one) and open the outcomes it calls for.

    A rectification's deadline counts from ``today`` (by default the day of ``now``)."""
    with uow:
        form = _find_form(uow, case_id, year)
        if not form.status.decidable:
            raise ReviewError(
                f"案件 {case_id} 的评查表状态为“{form.status.zh}”，不能作出最终决定",
                f"the form of {case_id} is {form.status.en}: it cannot be decided",
            )
        case = _case(uow, case_id)
        who = by or form.reviewer
        recused = uow.review.declared_recusals([case_id]).get(case_id, frozenset())
        if who in conflicted(case) | recused:
            raise ReviewError(
                f"{who} 参与办理、核查或审批了案件 {case_id}，应当回避",
                f"{who} took part in handling, verifying or approving {case_id} and must recuse",
            )
        grade = _grade(policy, grade_text or form.grade or "")
        _check_grade(policy, form.marks, grade)
        done = replace(
            form, status=FormStatus.DECIDED, final_grade=grade.code, final_by=who, updated_at=now
        )
        uow.review.save_form(done)
        detail = {
            "grade": grade.code,
            "recorded": form.grade,
            "objection": form.objection,
            "note": note,
        }
        _step(uow, form.year, case_id, FormStatus.DECIDED.value, who, now, detail)
        opened = _open_outcome(uow, done, case, grade, today or now.date(), who, now)
        uow.commit()
    return done, opened


def _open_outcome(
    uow: UnitOfWork,
    form: Form,
    case: Case,
    grade: GradeDef,
    today: dt.date,
    by: str,
    now: dt.datetime,
) -> list[ReviewOutcome]:
    if grade.outcome is None:
        return []
    due = today + dt.timedelta(days=grade.deadline_days) if grade.deadline_days else None
    evidence = {
        "form": f"review:{form.year}:{form.case_id}",
        "grade": grade.code,
        "score": form.score,
        "items": [m.as_json() for m in form.marks],
        "findings": [f["rule"] for f in form.findings],
        "reviewer": form.reviewer,
        "decided_by": by,
    }
    out = ReviewOutcome(
        form.year,
        case.case_id,
        grade.outcome,
        case.handler,
        case.unit,
        grade.code,
        due,
        "open",
        evidence,
        now,
    )
    uow.review.add_outcome(out)
    _step(
        uow,
        form.year,
        case.case_id,
        "outcome",
        by,
        now,
        {"kind": grade.outcome, "due_on": due.isoformat() if due else None},
    )
    return [out]


def parse_marks(raw: Any, policy: ReviewPolicy) -> list[Mark]:
    """Marks from an items file: a JSON list of ``{"item": "procedure.overdue", "note": "…"}``."""
    known = policy.standards.items()
    if not isinstance(raw, list):
        raise ReviewError("评查项目文件应为 JSON 数组", "the items file must hold a JSON array")
    marks = []
    for n, entry in enumerate(raw, 1):
        item = entry.get("item") if isinstance(entry, dict) else None
        if not isinstance(item, str) or item not in known:
            raise ReviewError(
                f"评查项目文件第 {n} 项：未知的评查项目 {item!r}",
                f"items file, entry {n}: unknown review item {item!r}",
            )
        marks.append(Mark(item, str(entry.get("note") or ""), "reviewer"))
    return marks


# -- reverse review, commentary -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReverseItem:
    case_id: str
    reason: str  # acquitted | withdrawn | complaint
    handler: str
    unit: str

    def as_json(self) -> dict[str, str]:
        return {
            "case_id": self.case_id,
            "reason": self.reason,
            "handler": self.handler,
            "unit": self.unit,
        }


def reverse_queue(uow: UnitOfWork, policy: ReviewPolicy, year: int) -> list[ReverseItem]:
    """反向审视: the year's acquittals, withdrawals and complaints, to look back at their handling."""
    out = []
    with uow:
        for case in uow.review.cases_for_year(year, (), (), ()):  # judged or closed in the year
            why = reverse_reason(case, policy, year)
            if why is not None:
                out.append(ReverseItem(case.case_id, why, case.handler, case.unit))
    return out


def commentary(uow: UnitOfWork, policy: ReviewPolicy, year: int) -> dict[str, Any]:
    """The data of the periodic review commentary (讲评): grades, common problems, objections."""
    with uow:
        plan = _plan(uow, year)
        forms = uow.review.forms(year)
    items = policy.standards.items()
    graded = [f for f in forms if f.status is FormStatus.DECIDED]
    problems: dict[str, list[str]] = {}
    for f in forms:
        if f.status.graded:
            for item in sorted({m.item for m in f.marks}):
                problems.setdefault(item, []).append(f.case_id)
    by_standard: Counter[str] = Counter()
    for item, ids in problems.items():
        by_standard[items[item].standard] += len(ids)
    kinds = Counter(str(x["kind"]) for f in forms for x in f.findings)
    return {
        "year": year,
        "planned": len(plan.entries),
        "by_reason": {r.zh: n for r, n in _reasons(plan.entries).items()},
        "assigned": len(forms),
        "decided": len(graded),
        "grades": dict(Counter(f.final_grade for f in graded)),
        "grade_names": {g.code: g.zh for g in policy.standards.scale.grades},
        "objections": sum(1 for f in forms if f.objection),
        "changed_on_objection": sum(1 for f in graded if f.objection and f.final_grade != f.grade),
        "by_standard": dict(by_standard.most_common()),
        "common_problems": [
            {"item": i, "title": items[i].title, "cases": len(ids), "case_ids": ids}
            for i, ids in sorted(problems.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "finding_kinds": dict(kinds.most_common()),
    }


def _reasons(entries: Sequence[PlanEntry]) -> Counter[ReviewReason]:
    return Counter(e.reason for e in entries)
