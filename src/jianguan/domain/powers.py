"""The list of prosecutors' powers (检察官职权清单): which decisions need whose approval.

组织法 第29条: 检察官在检察长领导下开展工作，重大办案事项由检察长决定；检察长可以将部分职权委托
检察官行使. 规则 第4条: major matters go to the chief procurator (检察长), who may refer them to
the procuratorial committee; where the 规则 is silent the provincial procuratorate writes the
rule. So the list is configuration per province (``rules/powers.toml``), with a default drawn
from the law. Each entry says which decision (optionally only in major or complex cases) needs
which approver, and whether that approver may delegate it to a deputy chief (分管副检察长).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jianguan.domain.model import Case, Decision, EventType, Person, Role

# Who may approve on the chief's delegation.
DELEGATES: Mapping[Role, frozenset[Role]] = {
    Role.CHIEF: frozenset({Role.DEPUTY_CHIEF}),
    Role.DEPUTY_CHIEF: frozenset(),
    Role.DEPARTMENT_HEAD: frozenset(),
}

ROLE_ZH: Mapping[Role, str] = {
    Role.CHIEF: "检察长",
    Role.DEPUTY_CHIEF: "副检察长",
    Role.DEPARTMENT_HEAD: "部门负责人",
    Role.PROSECUTOR: "检察官",
    Role.ASSISTANT: "检察官助理",
    Role.CLERK: "书记员",
    Role.CASE_OFFICER: "案管人员",
    Role.INSPECTOR: "检务督察",
}


@dataclass(frozen=True, slots=True)
class Power:
    """One reserved decision: ``decision`` is a decision type, or ``*`` for any decision."""

    decision: str
    major_only: bool
    approver: Role
    delegable: bool
    basis: tuple[str, ...]

    def applies(self, decision: Decision, major: bool) -> bool:
        if self.major_only and not major:
            return False
        return self.decision in ("*", decision.type.value)

    def may_approve(self, role: Role) -> bool:
        if role is self.approver:
            return True
        return self.delegable and role in DELEGATES.get(self.approver, frozenset())

    def approvers_zh(self) -> str:
        names = [ROLE_ZH[self.approver]]
        if self.delegable:
            names += [ROLE_ZH[r] for r in sorted(DELEGATES.get(self.approver, ()))]
        return "或".join(names)


@dataclass(frozen=True, slots=True)
class PowersList:
    id: str
    title: str
    provinces: frozenset[str]  # the first two digits of unit codes it governs; empty = default
    powers: tuple[Power, ...]

    def required(self, decision: Decision, major: bool) -> Power | None:
        """The strictest entry reserving this decision (a chief-only entry before a delegable one)."""
        matching = [p for p in self.powers if p.applies(decision, major)]
        if not matching:
            return None
        return min(matching, key=lambda p: (p.delegable, p.decision == "*"))


@dataclass(frozen=True, slots=True)
class PowersBook:
    """Every configured list; a unit is governed by its province's list, else by the default."""

    lists: tuple[PowersList, ...]

    def for_unit(self, unit: str) -> PowersList:
        province = unit[:2]
        for lst in self.lists:
            if province in lst.provinces:
                return lst
        return self.default

    @property
    def default(self) -> PowersList:
        return next(lst for lst in self.lists if not lst.provinces)

    def by_id(self, list_id: str) -> PowersList:
        return next(lst for lst in self.lists if lst.id == list_id)


def approval_problem(
    decision: Decision,
    approval_by: str | None,
    major: bool,
    powers: PowersList,
    people: Mapping[str, Person],
) -> str | None:
    """Why this decision's approval does not satisfy the list (zh), or None when it does."""
    power = powers.required(decision, major)
    if power is None:
        return None
    if approval_by is None:
        return f"该决定须经{power.approvers_zh()}批准（{powers.title}），未见审批记录"
    person = people.get(approval_by)
    if person is None:
        return f"审批人 {approval_by} 不在人员名单中，无法确认其职权"
    if not power.may_approve(person.role):
        return (
            f"审批人 {person.name}（{ROLE_ZH[person.role]}）无权批准该决定，"
            f"须经{power.approvers_zh()}批准（{powers.title}）"
        )
    return None


def recorded_approver(case: Case) -> str | None:
    """The approver on the card, else the ``by`` of an approval event on or before the decision."""
    if case.decision is None:
        return None
    if case.decision.approved_by is not None:
        return case.decision.approved_by
    events = [e for e in case.events_of(EventType.APPROVAL) if e.on <= case.decision.on and e.by]
    return events[-1].by if events else None
