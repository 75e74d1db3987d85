"""The consultation, whole (线上会诊): the initial-review panel, its opinions, the review forms.

Shenzhen's 案件质效一体化提升系统 (seed 003) controls three points of a case: at entry (入口), when
a case is given to its handler it is also sent to an initial-review panel (初评小组) of senior
prosecutors from the criminal, civil, administrative and public-interest departments, each of
whom gives a reference opinion (参考意见); in the middle (中间), the handler fills the review
forms (审查表) for the case type and decides whether to adopt each opinion; at the exit (出口), the
system checks that the consultation was carried out and refuses to close on a missed one (漏评).

Which cases go to the panel, which departments sit on it, what a member's opinion form and a
review form ask are province configuration (``rules/consultation.toml``). The panel is drawn
here, reproducibly from its seed, among the senior prosecutors (``Person.senior``) of each
line's departments in the case's procuratorate, never the handler and never a person recused
from the case (回避). A member's opinion becomes a ``consultation_opinion`` event of the case, so
the existing answer (采纳 / 不采纳 with its reason) and exit gate (``domain.gates``) cover it.
Pure: standard library only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from jianguan.domain.gates import Missing
from jianguan.domain.model import Case, CaseCategory, Person, Role
from jianguan.domain.supervision import Line
from jianguan.domain.vocabulary import Vocabulary


class MemberStatus(Vocabulary):
    ACTIVE = "active", "在组", "on the panel"
    RECUSED = "recused", "已回避", "recused"


@dataclass(frozen=True, slots=True)
class FormField:
    """One question of a form: its key, its label, whether it must be answered."""

    key: str
    zh: str
    en: str
    required: bool = True

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class FormSpec:
    """A review form (审查表) for the cases of ``categories``."""

    form_id: str
    zh: str
    en: str
    categories: frozenset[CaseCategory]
    fields: tuple[FormField, ...]
    basis: tuple[str, ...]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class PanelCriterion:
    """Which cases go to the panel: of these categories, and (when set) only major or complex
    ones, or only those whose handler is not a senior prosecutor (新检察官, 传帮带)."""

    id: str
    zh: str
    categories: frozenset[CaseCategory]
    major_only: bool
    junior_handler_only: bool
    basis: tuple[str, ...]

    def applies(self, case: Case, handler: Person | None) -> bool:
        if case.category not in self.categories:
            return False
        if self.major_only and not case.major_complex:
            return False
        return not (self.junior_handler_only and handler is not None and handler.senior)


@dataclass(frozen=True, slots=True)
class ConsultationRules:
    criteria: tuple[PanelCriterion, ...] = ()
    lines: tuple[Line, ...] = ()
    departments: Mapping[Line, tuple[str, ...]] = field(default_factory=dict)
    per_line: int = 1
    roles: frozenset[Role] = frozenset({Role.PROSECUTOR, Role.DEPARTMENT_HEAD})
    opinion_fields: tuple[FormField, ...] = ()
    forms: tuple[FormSpec, ...] = ()
    basis: tuple[str, ...] = ()

    def criterion(self, case: Case, handler: Person | None) -> PanelCriterion | None:
        return next((c for c in self.criteria if c.applies(case, handler)), None)

    def form_for(self, category: CaseCategory) -> FormSpec | None:
        return next((f for f in self.forms if category in f.categories), None)


# -- the panel ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PanelMember:
    person: str
    line: Line
    department: str
    status: MemberStatus = MemberStatus.ACTIVE
    opinion: Mapping[str, str] | None = None  # the member's form, once given
    opinion_at: dt.datetime | None = None
    note: str | None = None  # the recusal's reason

    @property
    def pending(self) -> bool:
        return self.status is MemberStatus.ACTIVE and self.opinion is None


@dataclass(frozen=True, slots=True)
class Panel:
    """The initial-review panel of one case (初评小组), formed at assignment."""

    case_id: str
    formed_at: dt.datetime
    formed_by: str
    seed: str
    criterion: str  # the criterion's id
    members: tuple[PanelMember, ...]
    unfilled: tuple[Line, ...] = ()  # lines with no senior prosecutor to draw

    def member(self, person: str) -> PanelMember | None:
        return next(
            (m for m in self.members if m.person == person and m.status is MemberStatus.ACTIVE),
            None,
        )

    @property
    def active(self) -> list[PanelMember]:
        return [m for m in self.members if m.status is MemberStatus.ACTIVE]

    @property
    def pending(self) -> list[PanelMember]:
        return [m for m in self.members if m.pending]


@dataclass(frozen=True, slots=True)
class ReviewForm:
    """A review form (审查表) as the handler filled it (it may be saved incomplete)."""

    case_id: str
    form_id: str
    values: Mapping[str, str]
    filled_by: str
    filled_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ConsultationFile:
    """What the platform holds of one case's consultation: its panel and its review forms."""

    panel: Panel | None = None
    forms: tuple[ReviewForm, ...] = ()

    def form(self, form_id: str) -> ReviewForm | None:
        return next((f for f in self.forms if f.form_id == form_id), None)


def seniors(
    case: Case,
    people: Sequence[Person],
    line: Line,
    rules: ConsultationRules,
    excluded: Collection[str],
) -> list[Person]:
    """The senior prosecutors of the line's departments in the case's unit who may sit,
    sorted by id (the draw's fixed order)."""
    depts = set(rules.departments.get(line, ()))
    return sorted(
        (
            p
            for p in people
            if p.unit == case.unit
            and p.department in depts
            and p.senior
            and p.role in rules.roles
            and p.id != case.handler
            and p.id not in excluded
        ),
        key=lambda p: p.id,
    )


def draw_members(
    case: Case,
    people: Sequence[Person],
    recused: Collection[str],
    rules: ConsultationRules,
    seed: str,
    lines: Sequence[Line] | None = None,
    taken: Collection[str] = (),
) -> tuple[list[PanelMember], list[Line]]:
    """``rules.per_line`` members for each line (or ``lines``), none twice, none recused, never
    the handler; the same seed gives the same panel. Lines without anyone left are returned."""
    chosen: list[PanelMember] = []
    unfilled: list[Line] = []
    used = set(taken)
    for line in lines if lines is not None else rules.lines:
        pool = seniors(case, people, line, rules, {*recused, *used})
        if not pool:
            unfilled.append(line)
            continue
        rng = random.Random(f"{seed}:{line.value}")
        for p in rng.sample(pool, min(rules.per_line, len(pool))):
            chosen.append(PanelMember(p.id, line, p.department))
            used.add(p.id)
    return chosen, unfilled


def replace_member(
    panel: Panel,
    person: str,
    reason: str,
    case: Case,
    people: Sequence[Person],
    recused: Collection[str],
    rules: ConsultationRules,
) -> Panel:
    """回避 of a member who has not yet given an opinion: marked recused, and another senior
    prosecutor of the same line drawn in (from the panel's seed and the person replaced)."""
    old = panel.member(person)
    if old is None:
        return panel
    members = [
        dataclasses.replace(m, status=MemberStatus.RECUSED, note=reason) if m is old else m
        for m in panel.members
    ]
    taken = {m.person for m in panel.members}
    new, unfilled = draw_members(
        case, people, {*recused, person}, rules, f"{panel.seed}:{person}", [old.line], taken
    )
    return dataclasses.replace(
        panel,
        members=(*members, *new),
        unfilled=tuple(dict.fromkeys((*panel.unfilled, *unfilled))),
    )


# -- forms ---------------------------------------------------------------------------------------


def unknown_fields(fields: Sequence[FormField], values: Mapping[str, str]) -> list[str]:
    known = {f.key for f in fields}
    return sorted(k for k in values if k not in known)


def blank_fields(fields: Sequence[FormField], values: Mapping[str, str] | None) -> list[FormField]:
    """The required questions left unanswered (all of them when there is no form)."""
    given = values or {}
    return [f for f in fields if f.required and not given.get(f.key, "").strip()]


def opinion_summary(fields: Sequence[FormField], values: Mapping[str, str]) -> str:
    """One line for the case timeline: the member's answers in the form's order."""
    parts = [f"{f.zh}：{values[f.key].strip()}" for f in fields if values.get(f.key, "").strip()]
    return "；".join(parts)


def form_missing(case: Case, file: ConsultationFile | None, rules: ConsultationRules) -> str | None:
    """Why the case's review form is missing or incomplete (zh), None when it is complete or
    not owed: owed by a case that went to the panel, once it is decided."""
    if file is None or file.panel is None or case.decision is None:
        return None
    spec = rules.form_for(case.category)
    if spec is None:
        return None
    form = file.form(spec.form_id)
    if form is None:
        return f"已作出审查结论，未填写{spec.zh}"
    blanks = blank_fields(spec.fields, form.values)
    if not blanks:
        return None
    return f"{spec.zh}未填写完整：{'、'.join(f.zh for f in blanks)}"


def opinions_pending(file: ConsultationFile | None) -> list[PanelMember]:
    """Members on the panel who have not given their opinion (漏评)."""
    if file is None or file.panel is None:
        return []
    return file.panel.pending


def opinion_problems(rules: ConsultationRules, values: Mapping[str, str]) -> list[Missing]:
    out = [
        Missing(f"field:{f.key}", f"须填写“{f.zh}”", f"“{f.en}” is required")
        for f in blank_fields(rules.opinion_fields, values)
    ]
    unknown = unknown_fields(rules.opinion_fields, values)
    if unknown:
        out.append(
            Missing(
                "fields",
                f"意见表没有这些栏目：{'、'.join(unknown)}",
                f"the opinion form has no such fields: {', '.join(unknown)}",
            )
        )
    return out
