"""One-click self-check (一键自检): a case's self-check findings and its monitoring ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence

from jianguan.domain.consultation import ConsultationFile
from jianguan.domain.model import Case, Person, Unit
from jianguan.domain.monitoring import Finding
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.selfcheck import CheckEnv, evaluate_selfcheck
from jianguan.services.monitoring import check_case as monitoring_findings
from jianguan.services.ports import UnitOfWork

# A case's current findings (self-check + monitoring) as of a day, given the staff list.
Checker = Callable[[Case, Mapping[str, Person], dt.date], list[Finding]]


class UnknownCase(LookupError):
    pass


def check_case(
    case: Case,
    rules: Rulebook,
    units: Sequence[Unit],
    people: Mapping[str, Person],
    as_of: dt.date,
    consultation: ConsultationFile | None = None,
) -> list[Finding]:
    """Every finding of the self-check rules and of the monitoring rules, by rule id;
    ``consultation`` is what the platform holds of the case's 线上会诊 (panel, review forms)."""
    files = {case.case_id: consultation} if consultation is not None else {}
    env = CheckEnv(people, rules.powers, files, rules.consultation)
    found = evaluate_selfcheck(case, rules.selfcheck, env)
    found += monitoring_findings(case, units, rules.monitoring, rules.book, as_of)
    return sorted(found, key=lambda f: f.key)


def checker(
    rules: Rulebook,
    units: Sequence[Unit],
    consultation: Callable[[str], ConsultationFile | None] | None = None,
) -> Checker:
    """``check_case`` with the rulebook and the unit tree bound (what the gates call), and
    how to find a case's consultation (none when not given)."""

    def check(case: Case, people: Mapping[str, Person], day: dt.date) -> list[Finding]:
        file = consultation(case.case_id) if consultation is not None else None
        return check_case(case, rules, units, people, day, file)

    return check


def checker_in(uow: UnitOfWork, rules: Rulebook) -> Checker:
    """The checker inside an open unit of work: units and each case's consultation read from
    it, so the gate, the case page and the self-check judge the same things."""
    return checker(rules, uow.cases.units(), uow.consultation.file)


def check_cases(
    uow: UnitOfWork, rules: Rulebook, case_id: str | None, as_of: dt.date
) -> Iterator[Finding]:
    """Findings of one case (``case_id``; ``UnknownCase`` when absent) or, streamed, of every
    stored case. Reads only."""
    with uow:
        units = uow.cases.units()
        people = {p.id: p for p in uow.cases.people()}
        if case_id is not None:
            case = uow.cases.load_case(case_id)
            if case is None:
                raise UnknownCase(case_id)
            yield from check_case(case, rules, units, people, as_of, uow.consultation.file(case_id))
            return
        files = uow.consultation.files()  # few: only cases sent to the panel
        for case in uow.cases.iter_cases():
            yield from check_case(case, rules, units, people, as_of, files.get(case.case_id))
