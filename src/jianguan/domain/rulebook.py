"""The rulebook: the law and the province's settings as data, loaded once and passed in.

Every rule pack (``rules/*.toml``), the statutory periods, the official working-day calendar and
the powers lists, each already checked by its reader. Services take the rulebook rather than
reading files, so a test hands them one it built and a deployment loads its own once at start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from jianguan.domain.assignment import AssignmentPolicy
from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.consultation import ConsultationRules
from jianguan.domain.dataquality import DataQualityRules
from jianguan.domain.followup import FollowUpRules
from jianguan.domain.indicators import Catalogue
from jianguan.domain.monitoring import DueBook, RuleSet
from jianguan.domain.periods import PeriodDefinition
from jianguan.domain.powers import PowersBook
from jianguan.domain.responsibility import ResponsibilityConfig
from jianguan.domain.review import ReviewPolicy
from jianguan.domain.selfcheck import CheckRuleSet
from jianguan.domain.supervision import SupervisionRules


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a page or a message says of a rule: its title and the articles it rests on."""

    id: str
    title: str
    basis: tuple[str, ...]


@dataclass(frozen=True)
class Rulebook:
    periods: Mapping[str, PeriodDefinition]
    calendar: WorkCalendar
    monitoring: RuleSet
    selfcheck: CheckRuleSet
    powers: PowersBook
    assignment: AssignmentPolicy
    review: ReviewPolicy
    responsibility: ResponsibilityConfig
    indicators: Catalogue
    followup: FollowUpRules  # overdue meeting and notice tasks (rules/followup.toml)
    supervision: SupervisionRules = field(default_factory=SupervisionRules)  # matters
    consultation: ConsultationRules = field(default_factory=ConsultationRules)  # 线上会诊
    dataquality: DataQualityRules = field(default_factory=DataQualityRules)  # 数据质量核查
    _rules: Mapping[str, RuleInfo] = field(init=False, repr=False, compare=False)
    _book: DueBook = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rules = {r.id: RuleInfo(r.id, r.title, r.basis) for r in self.selfcheck.rules}
        rules.update({r.id: RuleInfo(r.id, r.title, r.basis) for r in self.monitoring.rules})
        rules.update({r.id: RuleInfo(r.id, r.title, r.basis) for r in self.supervision.rules})
        rules.update({r.id: RuleInfo(r.id, r.title, r.basis) for r in self.followup.rules})
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_book", DueBook(self.periods, self.calendar))

    @property
    def book(self) -> DueBook:
        """Due dates from the period engine on this calendar (memoised across calls)."""
        return self._book

    def rule(self, rule_id: str) -> RuleInfo:
        """A monitoring, self-check, supervision or follow-up rule by id; an unknown id is named as it is."""
        return self._rules.get(rule_id) or RuleInfo(rule_id, rule_id, ())

    def covers(self, day: dt.date) -> bool:
        """Whether the calendar holds the State Council's notice for ``day``'s year."""
        return day.year in self.calendar.years
