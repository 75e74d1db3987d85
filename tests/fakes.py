"""An in-memory unit of work for service tests (cosmicpython's ``FakeUnitOfWork``).

Each repository keeps plain dicts and lists; entering copies the state, leaving without
``commit()`` puts the copy back, so a refused use case is seen to change nothing, exactly as on
the SQL store. The batch monitor is the per-case Python engine run over every stored case — the
differential tests keep it identical to the SQL one, so a service test on the fake exercises the
same rules.

The responsibility repository keeps its records (list entries, tolerances, referrals,
rectifications) and draws its facts from the review, ledger, self-check and case state above,
as the SQL joins do; its services are also tested on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jianguan.domain.gates import SelfCheckRecord
from jianguan.domain.ledger import ACTIVE, Entry, LedgerStatus, Level
from jianguan.domain.model import Case, CaseCategory, OutcomeType, Person, Role, Unit
from jianguan.domain.monitoring import DueBook, Finding, RuleSet, evaluate_case
from jianguan.domain.provenance import NO_WORK, PlatformWork, record_change
from jianguan.domain.rectification import Rectification
from jianguan.domain.referral import Referral
from jianguan.domain.responsibility import (
    EvidenceSource,
    FindingFact,
    GradeFact,
    ListEntry,
    PendingFact,
    ReferralFact,
    Tolerance,
)
from jianguan.domain.review import OutcomeKind
from jianguan.services.monitoring import make_run
from jianguan.services.ports.access import CaseQuery, CaseRead, CaseSearch, CaseSummary, Dashboard
from jianguan.services.ports.accounts import Account, LoginSession, RoleGrant
from jianguan.services.ports.cases import CaseDates, CaseHead
from jianguan.services.ports.casework import AssignmentRecord
from jianguan.services.ports.files import Prepared
from jianguan.services.ports.monitoring import LedgerQuery, MonitorRun
from jianguan.services.ports.responsibility import ClosedCase, OutcomeLead
from jianguan.services.ports.review import Form, FormHead, PlanHead, ReviewOutcome, StoredPlan
from tests.fakes_consultation import ConsultationState, FakeConsultation
from tests.fakes_followup import FakeMeetings, FakeNotices, FollowUpState
from tests.fakes_management import FakeInspections, FakeSchedule, ManagementState
from tests.fakes_supervision import FakeSupervision, SupervisionState


@dataclass
class State:
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    audit: list[tuple[str, str, str | None, Any]] = field(default_factory=list)
    audit_times: list[dt.datetime] = field(default_factory=list)  # when each entry was made
    statistics_refreshed: int = 0
    self_checks: list[tuple[SelfCheckRecord, int]] = field(default_factory=list)
    assignments: list[AssignmentRecord] = field(default_factory=list)
    recusals: dict[tuple[str, str], str] = field(default_factory=dict)
    ledger: dict[tuple[str, str], Entry] = field(default_factory=dict)
    reads: list[tuple[str, CaseRead]] = field(default_factory=list)
    accounts: dict[str, Account] = field(default_factory=dict)
    sessions: dict[str, LoginSession] = field(default_factory=dict)
    role_grants: dict[str, tuple[Role, str, dt.datetime, str]] = field(default_factory=dict)
    plans: dict[int, StoredPlan] = field(default_factory=dict)
    forms: dict[tuple[int, str], Form] = field(default_factory=dict)
    review_events: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[ReviewOutcome] = field(default_factory=list)
    list_entries: dict[str, tuple[ListEntry, bool]] = field(default_factory=dict)  # key → manual?
    tolerances: dict[str, Tolerance] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    rectifications: dict[str, Rectification] = field(default_factory=dict)
    platform_work: dict[str, PlatformWork] = field(default_factory=dict)
    supervision: SupervisionState = field(default_factory=SupervisionState)
    management: ManagementState = field(default_factory=ManagementState)
    followup: FollowUpState = field(default_factory=FollowUpState)  # meetings, notices
    consultation: ConsultationState = field(default_factory=ConsultationState)


def fake_hash(case: Case) -> str:
    return str(hash(repr(case)))


class FakeCases:
    def __init__(self, st: State) -> None:
        self.st = st

    def lock_for_import(self) -> None:
        pass  # one process, one import at a time

    def upsert_units(self, units: Sequence[Unit]) -> tuple[int, int]:
        new = sum(u.code not in self.st.units for u in units)
        changed = sum(u.code in self.st.units and self.st.units[u.code] != u for u in units)
        self.st.units.update({u.code: u for u in units})
        return new, changed

    def upsert_people(self, people: Sequence[Person]) -> tuple[int, int]:
        new = sum(p.id not in self.st.people for p in people)
        changed = sum(p.id in self.st.people and self.st.people[p.id] != p for p in people)
        self.st.people.update({p.id: p for p in people})
        return new, changed

    def units(self) -> list[Unit]:
        return [self.st.units[k] for k in sorted(self.st.units)]

    def people(self) -> list[Person]:
        return [self._held(self.st.people[k]) for k in sorted(self.st.people)]

    def person(self, person_id: str) -> Person | None:
        p = self.st.people.get(person_id)
        return None if p is None else self._held(p)

    def _held(self, p: Person) -> Person:
        """The person with a platform role grant over the staff list's, as the store reads it."""
        grant = self.st.role_grants.get(p.id)
        return p if grant is None else dataclasses.replace(p, role=grant[0])

    def existing_hashes(self, case_ids: Sequence[str]) -> dict[str, str]:
        return {i: self.st.hashes[i] for i in case_ids if i in self.st.hashes}

    def holds_cases(self) -> bool:
        return bool(self.st.cases)

    def defer_indexes(self) -> None:  # an in-memory store has no indexes to defer
        pass

    def restore_indexes(self) -> None:
        pass

    def insert_cases(
        self, cases: Sequence[tuple[Case, str]], work: Mapping[str, PlatformWork] | None = None
    ) -> None:
        for case, digest in cases:
            assert case.case_id not in self.st.cases, f"duplicate insert of {case.case_id}"
            self.st.cases[case.case_id] = case
            self.st.hashes[case.case_id] = digest
            if work and work.get(case.case_id):
                self.st.platform_work[case.case_id] = work[case.case_id]

    def insert_prepared(self, cases: Sequence[Prepared]) -> None:
        self.insert_cases([(p.decode(), p.fingerprint) for p in cases])

    def platform_work(self, case_ids: Sequence[str]) -> dict[str, PlatformWork]:
        return {i: self.st.platform_work[i] for i in case_ids if i in self.st.platform_work}

    def delete_cases(self, case_ids: Sequence[str]) -> None:
        for i in case_ids:
            self.st.cases.pop(i, None)
            self.st.hashes.pop(i, None)
            self.st.platform_work.pop(i, None)

    def load_cases(self, case_ids: Sequence[str]) -> dict[str, Case]:
        return {i: self.st.cases[i] for i in case_ids if i in self.st.cases}

    def load_case(self, case_id: str) -> Case | None:
        return self.st.cases.get(case_id)

    def decided_and_closed(
        self, case_ids: Sequence[str]
    ) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        cases = self.load_cases(case_ids)
        return {i: (c.decision.on if c.decision else None, c.closed_on) for i, c in cases.items()}

    def save_case(self, case: Case) -> None:
        stored = self.st.cases.get(case.case_id)
        if stored is None:
            self.st.hashes[case.case_id] = fake_hash(case)
        else:  # a platform change: recorded as the platform's, the export's hash kept
            work = self.st.platform_work.get(case.case_id, NO_WORK)
            self.st.platform_work[case.case_id] = record_change(stored, work, case)
        self.st.cases[case.case_id] = case

    def iter_cases(self, batch_size: int = 2000) -> Iterator[Case]:
        return iter([self.st.cases[k] for k in sorted(self.st.cases)])

    def refresh_statistics(self) -> None:
        self.st.statistics_refreshed += 1

    def case_ids_of_units(self, units: Collection[str]) -> Iterator[str]:
        return iter([k for k, c in self.st.cases.items() if c.unit in units])

    def case_heads(self, case_ids: Sequence[str]) -> dict[str, CaseHead]:
        return {
            k: CaseHead(
                c.case_id,
                c.unified_no,
                c.unit,
                c.handler,
                c.received_on,
                c.decision.on if c.decision else None,
                c.closed_on,
            )
            for k in case_ids
            if (c := self.st.cases.get(k)) is not None
        }

    def case_dates(self) -> Iterator[CaseDates]:
        for k in sorted(self.st.cases):
            c = self.st.cases[k]
            yield CaseDates(k, c.unit, c.received_on, c.decision.on if c.decision else None)

    def cases_to_check(self, units: Collection[str] | None) -> list[str]:
        # the trivial superset: every case in scope (the SQL store's narrower one is tested
        # against it in tests/integration/test_dataquality_store.py)
        return sorted(k for k, c in self.st.cases.items() if units is None or c.unit in units)

    def counts(self) -> dict[str, int]:
        return {"units": len(self.st.units), "people": len(self.st.people),
                "cases": len(self.st.cases), "audit_log": len(self.st.audit)}  # fmt: skip

    def cases_by_category(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for c in self.st.cases.values():
            n, o = out.get(c.category.value, (0, 0))
            out[c.category.value] = (n + 1, o + (c.closed_on is None))
        return out

    def open_workload(self, person_ids: Sequence[str]) -> dict[str, int]:
        wanted = set(person_ids)
        out: dict[str, int] = {}
        for c in self.st.cases.values():
            if c.closed_on is None and c.handler in wanted:
                out[c.handler] = out.get(c.handler, 0) + 1
        return out


class FakeAudit:
    def __init__(self, st: State) -> None:
        self.st = st

    def append(self, actor: str, action: str, subject: str | None, detail: Any) -> None:
        self.st.audit.append((actor, action, subject, copy.deepcopy(detail)))
        self.st.audit_times.append(dt.datetime.now(dt.UTC))

    def problems(self) -> list[str]:
        return []

    def subjects_since(self, moment: dt.datetime) -> set[str]:
        return {
            entry[2]
            for entry, at in zip(self.st.audit, self.st.audit_times, strict=True)
            if at >= moment and entry[2] is not None
        }

    def actions(self) -> list[str]:
        return [a for _, a, _, _ in self.st.audit]

    def of_subjects(self, subjects: Any, actions: Any) -> list[Any]:
        from jianguan.services.ports.cases import AuditRecord

        return [
            AuditRecord(at, actor, action, subject, copy.deepcopy(detail))
            for (actor, action, subject, detail), at in zip(
                self.st.audit, self.st.audit_times, strict=True
            )
            if subject in subjects and action in actions
        ]


class FakeCasework:
    def __init__(self, st: State) -> None:
        self.st = st

    def add_self_check(self, record: SelfCheckRecord, blocking_count: int) -> None:
        self.st.self_checks.append((record, blocking_count))

    def last_self_check(self, case_id: str) -> SelfCheckRecord | None:
        mine = [r for r, _ in self.st.self_checks if r.case_id == case_id]
        return mine[-1] if mine else None

    def add_assignment(self, record: AssignmentRecord) -> None:
        self.st.assignments.append(record)

    def assignments(self, case_id: str) -> list[AssignmentRecord]:
        return [a for a in self.st.assignments if a.case_id == case_id]

    def add_recusal(self, case_id: str, person: str, reason: str, by: str, at: dt.datetime) -> None:
        self.st.recusals[(case_id, person)] = reason

    def recused(self, case_id: str) -> dict[str, str]:
        return {p: r for (c, p), r in self.st.recusals.items() if c == case_id}


def _ledger_match(e: Entry, q: LedgerQuery) -> bool:
    return (
        (not q.active_only or e.status in ACTIVE)
        and all(
            want is None or got == want
            for got, want in (
                (e.status, q.status), (e.escalation, q.escalation), (e.severity, q.severity),
                (e.rule, q.rule), (e.case_id, q.case_id),
            )
        )
    )  # fmt: skip


class FakeLedger:
    def __init__(self, st: State) -> None:
        self.st = st

    def entries(self) -> dict[tuple[str, str], Entry]:
        return dict(self.st.ledger)

    def entry(self, case_id: str, rule: str) -> Entry | None:
        return self.st.ledger.get((case_id, rule))

    def save(self, entries: Sequence[Entry]) -> None:
        self.st.ledger.update({e.key: e for e in entries})

    def summary(self) -> dict[tuple[LedgerStatus, Level], int]:
        out: dict[tuple[LedgerStatus, Level], int] = {}
        for e in self.st.ledger.values():
            out[(e.status, e.escalation)] = out.get((e.status, e.escalation), 0) + 1
        return out

    def page(
        self, units: Collection[str] | None, handler: str | None, query: LedgerQuery
    ) -> list[Entry]:
        rows = [
            e for e in self.st.ledger.values()
            if (units is None or e.unit in units)
            and (handler is None or self.st.cases[e.case_id].handler == handler)
            and _ledger_match(e, query)
        ]  # fmt: skip
        if query.by_due:
            rows.sort(key=lambda e: (e.due is None, e.due or dt.date.min, e.case_id, e.rule))
        else:
            rows = sorted((e for e in rows if query.after is None or e.key > query.after),
                          key=lambda e: e.key)  # fmt: skip
        return rows[: query.limit]


class FakeMonitor:
    """The per-case engine over every stored case: what the SQL rules must agree with."""

    def __init__(self, st: State) -> None:
        self.st = st

    def last_run(self) -> MonitorRun | None:
        return None  # nothing kept: every recorded run is a full one

    def evaluate_and_keep(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        run: MonitorRun,
        since: MonitorRun | None,
    ) -> list[Finding]:
        return self.evaluate(rules, book, as_of, warn)

    def evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None = None,
    ) -> list[Finding]:
        run = make_run(dict(warn), book, as_of)
        out: list[Finding] = []
        for case in self.st.cases.values():
            if units is None or case.unit in units:
                out += evaluate_case(case, rules, run)
        return out


class FakeAccess:
    def __init__(self, st: State) -> None:
        self.st = st

    def case_page(
        self, units: Collection[str] | None, handler: str | None, query: CaseQuery
    ) -> list[CaseSummary]:
        rows = [
            c for k, c in sorted(self.st.cases.items())
            if (units is None or c.unit in units) and (handler is None or c.handler == handler)
            and (not query.open_only or c.closed_on is None)
            and (query.category is None or c.category.value == query.category)
            and (query.after is None or k > query.after)
        ]  # fmt: skip
        return [
            CaseSummary(
                c.case_id,
                c.unified_no,
                c.unit,
                c.department,
                c.category.value,
                c.received_on,
                c.handler,
                c.decision.type.value if c.decision else None,
                c.closed_on,
            )
            for c in rows[: query.limit]
        ]

    def search_cases(
        self,
        units: Collection[str] | None,
        handler: str | None,
        search: CaseSearch,
        total: int | None = None,  # the fake counts anyway: it has nothing to save
    ) -> tuple[int, list[CaseSummary]]:
        needle = search.text.strip().lower()
        names = {p.id: p.name for p in self.st.people.values()} if needle else {}

        def hit(c: Case) -> bool:
            words = [c.case_id, c.unified_no, names.get(c.handler, ""), *c.charges,
                     *(s.name for s in c.suspects)]  # fmt: skip
            return any(needle in w.lower() for w in words)

        rows = [
            c for _, c in sorted(self.st.cases.items())
            if (units is None or c.unit in units) and (handler is None or c.handler == handler)
            and (not search.open_only or c.closed_on is None) and (not needle or hit(c))
        ]  # fmt: skip
        if search.sort == "received_desc":
            rows.sort(key=lambda c: (-c.received_on.toordinal(), c.case_id))
        elif search.sort == "received":
            rows.sort(key=lambda c: (c.received_on, c.case_id))
        start = (max(1, search.page) - 1) * search.per_page
        page = rows[start : start + search.per_page]
        return len(rows), [
            CaseSummary(c.case_id, c.unified_no, c.unit, c.department, c.category.value,
                        c.received_on, c.handler, c.decision.type.value if c.decision else None,
                        c.closed_on)
            for c in page
        ]  # fmt: skip

    def log_read(self, case_id: str, person: str, via: str, at: dt.datetime) -> None:
        self.st.reads.append((case_id, CaseRead(person, via, at)))

    def case_reads(self, case_id: str, limit: int) -> list[CaseRead]:
        return [r for c, r in reversed(self.st.reads) if c == case_id][:limit]

    def dashboard(
        self, units: Collection[str] | None, handler: str | None, due_by: dt.date
    ) -> Dashboard:
        def mine(case: Case) -> bool:
            return (units is None or case.unit in units) and (
                handler is None or case.handler == handler
            )

        open_cases = sum(mine(c) and c.closed_on is None for c in self.st.cases.values())
        alerts: dict[str, int] = {}
        levels: dict[str, int] = {}
        soon = 0
        for e in self.st.ledger.values():
            if e.status in ACTIVE and mine(self.st.cases[e.case_id]):
                alerts[e.severity] = alerts.get(e.severity, 0) + 1
                levels[e.escalation] = levels.get(e.escalation, 0) + 1
                soon += e.due is not None and e.due <= due_by
        return Dashboard(open_cases, alerts, levels, soon)

    def handlers_by_alerts(self, limit: int = 20, live: bool = False) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for e in self.st.ledger.values():
            case = self.st.cases[e.case_id]
            done = case.decision is not None or case.closed_on is not None
            if e.status in ACTIVE and not (live and (e.due is None or done)):
                h = case.handler
                counts[h] = counts.get(h, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


class FakeAccounts:
    def __init__(self, st: State) -> None:
        self.st = st

    def account(self, username: str) -> Account | None:
        return self.st.accounts.get(username)

    def save_account(self, account: Account, now: dt.datetime) -> None:
        for name, a in list(self.st.accounts.items()):
            if a.person_id == account.person_id:
                del self.st.accounts[name]
        self.st.accounts[account.username] = account

    def add_session(self, token_hash: str, session: LoginSession, now: dt.datetime) -> None:
        self.st.sessions[token_hash] = session

    def login_session(self, token_hash: str) -> LoginSession | None:
        return self.st.sessions.get(token_hash)

    def drop_session(self, token_hash: str) -> None:
        self.st.sessions.pop(token_hash, None)

    def drop_sessions_of(self, username: str) -> None:
        for key, session in list(self.st.sessions.items()):
            if session.username == username:
                del self.st.sessions[key]

    def drop_sessions_of_person(self, person_id: str) -> None:
        for name, a in list(self.st.accounts.items()):
            if a.person_id == person_id:
                self.drop_sessions_of(name)

    def role_grants(self, person_ids: Collection[str] | None = None) -> dict[str, RoleGrant]:
        return {
            pid: RoleGrant(pid, role, self.st.people[pid].role, by, at, reason)
            for pid, (role, by, at, reason) in self.st.role_grants.items()
            if person_ids is None or pid in person_ids
        }

    def save_role_grant(
        self, person_id: str, role: Role, by: str, at: dt.datetime, reason: str
    ) -> None:
        self.st.role_grants[person_id] = (role, by, at, reason)

    def drop_role_grant(self, person_id: str) -> None:
        self.st.role_grants.pop(person_id, None)


class FakeReview:
    def __init__(self, st: State) -> None:
        self.st = st

    def cases_for_year(
        self,
        year: int,
        document_types: Collection[str],
        event_notes: Collection[str],
        closed_ranges: Sequence[tuple[dt.date | None, dt.date | None]],
    ) -> Iterator[Case]:
        return iter([self.st.cases[k] for k in sorted(self.st.cases)])  # a superset is allowed

    def declared_recusals(self, case_ids: Sequence[str]) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for c, p in self.st.recusals:
            if c in case_ids:
                out.setdefault(c, set()).add(p)
        return {k: frozenset(v) for k, v in out.items()}

    def arrested_matters(self) -> frozenset[str]:
        return frozenset(
            c.unified_no for c in self.st.cases.values()
            if c.decision is not None and c.decision.type.value == "approve_arrest"
        )  # fmt: skip

    def plan(self, year: int) -> StoredPlan | None:
        return self.st.plans.get(year)

    def plan_head(self, year: int) -> PlanHead | None:
        plan = self.st.plans.get(year)
        if plan is None:
            return None
        reasons = Counter(e.reason for e in plan.entries)
        forms = sum(1 for (y, _) in self.st.forms if y == year)
        return PlanHead(year, plan.seed, plan.by, plan.at, dict(reasons), forms)

    def save_plan(self, plan: StoredPlan) -> None:
        self.st.plans[plan.year] = plan

    def delete_plan(self, year: int) -> None:
        self.st.plans.pop(year, None)

    def plan_years(self, case_id: str) -> list[int]:
        return sorted(
            y for y, p in self.st.plans.items() if any(e.case_id == case_id for e in p.entries)
        )

    def forms(self, year: int, case_ids: Collection[str] | None = None) -> list[Form]:
        return [f for (y, c), f in sorted(self.st.forms.items())
                if y == year and (case_ids is None or c in case_ids)]  # fmt: skip

    def form_heads(self, year: int) -> list[FormHead]:
        out = []
        for f in self.forms(year):
            case = self.st.cases.get(f.case_id)
            out.append(FormHead(f.case_id, f.reviewer, f.status, case.unit if case else None,
                                case.handler if case else None))  # fmt: skip
        return out

    def form(self, year: int, case_id: str) -> Form | None:
        return self.st.forms.get((year, case_id))

    def save_form(self, form: Form) -> None:
        self.st.forms[(form.year, form.case_id)] = form

    def add_event(
        self, year: int, case_id: str, step: str, by: str, at: dt.datetime, detail: Any
    ) -> None:
        self.st.review_events.append({"year": year, "case_id": case_id, "step": step, "by": by,
                                      "at": at, "detail": copy.deepcopy(detail)})  # fmt: skip

    def events(self, year: int, case_id: str) -> list[dict[str, Any]]:
        return [e for e in self.st.review_events if e["year"] == year and e["case_id"] == case_id]

    def add_outcome(self, outcome: ReviewOutcome) -> None:
        self.st.outcomes.append(outcome)

    def outcomes(self, year: int | None, kind: str | None) -> list[ReviewOutcome]:
        return [o for o in self.st.outcomes
                if (year is None or o.year == year) and (kind is None or o.kind == kind)]  # fmt: skip


_CRIMINAL_REVIEW = (CaseCategory.ARREST_REVIEW, CaseCategory.PROSECUTION_REVIEW)


class FakeResponsibility:
    """Lists, tolerances, referrals and rectifications; facts read from the other state."""

    def __init__(self, st: State) -> None:
        self.st = st

    def grade_facts(self) -> list[GradeFact]:
        return [
            GradeFact(f.case_id, c.handler, c.unit, f.final_grade, f.updated_at.date(),
                      f"review:{f.year}:{f.case_id}")
            for f in self.st.forms.values()
            if f.final_grade is not None and (c := self.st.cases.get(f.case_id)) is not None
        ]  # fmt: skip

    def finding_facts(self) -> list[FindingFact]:
        out = [
            FindingFact(e.case_id, c.handler, c.unit, e.rule, e.kind, e.severity, e.first_found,
                        e.explanation, EvidenceSource.MONITORING_LEDGER)
            for e in self.st.ledger.values()
            if (c := self.st.cases.get(e.case_id)) is not None
        ]  # fmt: skip
        last: dict[str, SelfCheckRecord] = {}
        for record, _ in self.st.self_checks:
            last[record.case_id] = record
        for record in last.values():
            case = self.st.cases.get(record.case_id)
            handler, unit = (case.handler, case.unit) if case is not None else ("", "")
            out += [
                FindingFact(record.case_id, handler, unit, f.rule, f.kind, f.severity,
                            record.at.date(), f.explanation, EvidenceSource.SELF_CHECK)
                for f in record.findings
                if f.rule not in record.explained
            ]  # fmt: skip
        return out

    def pending_facts(self, as_of: dt.date) -> list[PendingFact]:
        return [
            PendingFact(e.case_id, c.handler, c.unit, e.due)
            for e in self.st.ledger.values()
            if e.kind == "review_overdue" and e.due is not None
            and (c := self.st.cases.get(e.case_id)) is not None and c.closed_on is None
        ]  # fmt: skip

    def referral_facts(self) -> list[ReferralFact]:
        return [
            ReferralFact(r.id, r.person, r.unit, r.case_id, r.finding, r.decision, r.closed_on)
            for r in self.referrals()
            if r.closed_on is not None and r.finding and r.decision
        ]

    def replace_built_entries(self, entries: Sequence[ListEntry], at: dt.datetime) -> None:
        kept = {k: v for k, v in self.st.list_entries.items() if v[1]}
        kept.update({e.key: (e, False) for e in entries})
        self.st.list_entries = kept

    def add_manual_entry(self, entry: ListEntry, at: dt.datetime) -> None:
        self.st.list_entries[entry.key] = (entry, True)

    def entries(self, unit: str | None = None, person: str | None = None) -> list[ListEntry]:
        rows = [e for e, _ in self.st.list_entries.values()
                if (unit is None or e.unit == unit) and (person is None or e.person == person)]  # fmt: skip
        return sorted(rows, key=lambda e: (e.unit, e.on, e.key))

    def tolerances(self) -> dict[str, Tolerance]:
        return dict(self.st.tolerances)

    def add_tolerance(self, tolerance: Tolerance) -> None:
        self.st.tolerances[tolerance.entry_key] = tolerance

    def next_id(self, prefix: str) -> str:
        table = self.st.referrals if prefix == "XS" else self.st.rectifications
        return f"{prefix}{len(table) + 1:06d}"

    def save_referral(self, r: Referral) -> None:
        self.st.referrals[r.id] = r

    def load_referral(self, rid: str) -> Referral | None:
        return self.st.referrals.get(rid)

    def referrals(self) -> list[Referral]:
        return [self.st.referrals[k] for k in sorted(self.st.referrals)]

    def has_source(self, table: str, source_ref: str) -> bool:
        records: Collection[Referral | Rectification] = (
            self.st.referrals.values() if table == "referrals" else self.st.rectifications.values()
        )
        return any(r.source_ref == source_ref for r in records)

    def save_rectification(self, r: Rectification) -> None:
        self.st.rectifications[r.id] = r

    def load_rectification(self, rid: str) -> Rectification | None:
        return self.st.rectifications.get(rid)

    def rectifications(self) -> list[Rectification]:
        return [self.st.rectifications[k] for k in sorted(self.st.rectifications)]

    def review_outcomes(self) -> list[OutcomeLead]:
        wanted = (OutcomeKind.ACCOUNTABILITY_REFERRAL, OutcomeKind.RECTIFICATION)
        return [
            OutcomeLead(o.year, o.case_id, o.kind, o.person, o.unit, o.grade, o.due_on,
                        copy.deepcopy(dict(o.evidence)))
            for o in self.st.outcomes
            if o.kind in wanted
        ]  # fmt: skip

    def acquitted(self) -> list[tuple[str, str, str, dt.date]]:
        return [
            (c.case_id, c.handler, c.unit, c.outcome.on)
            for _, c in sorted(self.st.cases.items())
            if c.outcome is not None and c.outcome.type is OutcomeType.ACQUITTED
        ]

    def closed_cases(self, year: int) -> list[ClosedCase]:
        return [
            ClosedCase(
                c.case_id, c.handler, c.unit, c.category.value,
                c.charges[0] if c.charges else "", c.major_complex,
                c.decision is not None and c.category in _CRIMINAL_REVIEW,
                c.outcome.type.value if c.outcome is not None else None,
            )
            for _, c in sorted(self.st.cases.items())
            if c.closed_on is not None and c.closed_on.year == year
        ]  # fmt: skip

    def closed_per_unit(self, year: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.closed_cases(year):
            out[c.unit] = out.get(c.unit, 0) + 1
        return out

    def case_kinds(self, kind: str) -> set[str]:
        return {e.case_id for e in self.st.ledger.values() if e.kind == kind}


class FakeUnitOfWork:
    """``services.ports.UnitOfWork`` in memory; ``commits`` counts the commits made."""

    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self.commits = 0
        self._saved: State | None = None
        self._open = False
        self._bind()

    def _bind(self) -> None:
        st = self.state
        self.cases = FakeCases(st)
        self.audit = FakeAudit(st)
        self.casework = FakeCasework(st)
        self.ledger = FakeLedger(st)
        self.monitor = FakeMonitor(st)
        self.access = FakeAccess(st)
        self.accounts = FakeAccounts(st)
        self.review = FakeReview(st)
        self.responsibility = FakeResponsibility(st)
        self.supervision = FakeSupervision(st)
        self.inspection = FakeInspections(st.management)
        self.schedule = FakeSchedule(st.management)
        self.analysis_meetings = FakeMeetings(st)
        self.notices = FakeNotices(st)
        self.consultation = FakeConsultation(st)

    def __enter__(self) -> FakeUnitOfWork:
        assert not self._open, "a unit of work was entered twice"
        self._open = True
        self._saved = _copy(self.state)
        return self

    def __exit__(self, *exc: object) -> None:
        self._open = False
        if self._saved is not None:  # not committed: everything since entering is dropped
            self.state.__dict__.update(self._saved.__dict__)
            self._saved = None

    def commit(self) -> None:
        assert self._open, "commit outside a unit of work"
        self.commits += 1
        self._saved = _copy(self.state)

    def rollback(self) -> None:
        if self._saved is not None:
            self.state.__dict__.update(_copy(self._saved).__dict__)


def _copy(st: State) -> State:
    """A copy deep enough to undo: the containers are new, the values (frozen) are shared."""
    return State(**{f.name: copy.copy(getattr(st, f.name)) for f in dataclasses.fields(st)})
