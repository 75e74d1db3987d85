"""Use case: import a data set — validated, atomic, idempotent, changes recorded (全程留痕).

Two sources kept apart (domain.provenance): a case's content hash is the hash of the export's
record alone, so re-importing an export after platform work is "unchanged"; a changed export
replaces the export's facts and the platform's share of the case (events recorded here, card
fields set here) is applied again, every disagreement listed in the report as a conflict.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace

from jianguan.domain.errors import DataSetError, RecordError
from jianguan.domain.model import Case, Person
from jianguan.domain.powers import approval_problem, recorded_approver
from jianguan.domain.provenance import (
    CardField,
    Conflict,
    ExportScope,
    PlatformWork,
    export_record,
    merge_export,
    refused_decision,
)
from jianguan.domain.rulebook import Rulebook
from jianguan.services.ports import StoreBusy, UnitOfWork
from jianguan.services.ports.files import CaseFeed, Prepared, Progress


@dataclass(slots=True)
class ImportReport:
    source: str
    scope: ExportScope = ExportScope.FULL
    since: dt.date | None = None  # a delta export: the day from which it holds the changes
    received: int = 0  # case records read, refused ones included
    units_new: int = 0
    units_changed: int = 0
    people_new: int = 0
    people_changed: int = 0
    # people of the staff list whose role the platform grants otherwise: the grant stands
    roles_granted: int = 0
    cases_new: int = 0
    cases_changed: int = 0
    cases_unchanged: int = 0
    errors: list[RecordError] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    platform_kept: int = 0  # changed cases whose platform records were applied again
    # Cases of the export's units the store holds and a full export no longer does: listed,
    # kept (the national system may have moved or withdrawn them; a person decides).
    missing: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.units_new,
                self.units_changed,
                self.people_new,
                self.people_changed,
                self.cases_new,
                self.cases_changed,
            )
        )


def import_dataset(
    feed: CaseFeed,
    uow: UnitOfWork,
    *,
    actor: str = "import",
    batch_size: int = 2000,
    progress: Progress | None = None,
    rules: Rulebook | None = None,
    scope: ExportScope | None = None,
    since: dt.date | None = None,
) -> ImportReport:
    """Import `feed` in one unit of work; on any error nothing is written.

    A full export (``scope``; by default what the data set says, else full) lists the stored
    cases of its units it no longer holds (``missing``); a delta says nothing about them.

    Every record is checked even after the first error, so that the report lists them all.
    The unit of work first takes the store's import lock: two imports at once run one after
    the other, or the second is refused with a message (``StoreBusy``), never mixed.
    With ``rules``, a re-imported decision the powers list would refuse on a case with platform
    records is listed as a conflict.
    """
    report = ImportReport(feed.name)
    report.scope, report.since, scope_errors = feed.scope()
    if scope is not None:  # the person importing knows better than a missing format.json
        report.scope, report.since = scope, since if scope is ExportScope.DELTA else None
    report.errors += scope_errors
    try:
        with _fewer_gc_passes(), uow:
            uow.cases.lock_for_import()
            ctx = _Context(actor, rules, first_load=not uow.cases.holds_cases())
            if ctx.first_load:
                uow.cases.defer_indexes()
            _run(feed, uow, report, ctx, batch_size, progress)
            if report.errors:
                raise DataSetError(report.errors)  # leaves the unit of work uncommitted
            if ctx.first_load:
                uow.cases.restore_indexes()
            if report.changed_anything:  # (a listing of missing cases alone changes nothing)
                uow.audit.append(actor, "import", None, _summary(report))
            if report.cases_new or report.cases_changed:
                uow.cases.refresh_statistics()
            uow.commit()
    except DataSetError:
        pass
    except StoreBusy as exc:
        report.errors.append(RecordError(feed.name, 0, "-", *_busy(exc)))
    return report


def _busy(exc: StoreBusy) -> tuple[str, str]:
    zh, _, en = str(exc).partition(" / ")
    return zh, en or zh


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """The import allocates millions of short-lived, acyclic objects; the default thresholds run a
    collection every 700 allocations, which cost a quarter of the import's time (measured)."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(slots=True)
class _Context:
    actor: str
    rules: Rulebook | None
    # No case was stored when the import took its lock: none can be found changed or unchanged
    # (the file's own duplicates are refused as it is read), so no batch asks the store for its
    # hashes, and the case tables' indexes are built once at the end.
    first_load: bool = False
    people: dict[str, Person] | None = None  # read once, when a decision is to be checked


def _run(
    feed: CaseFeed,
    uow: UnitOfWork,
    report: ImportReport,
    ctx: _Context,
    batch_size: int,
    progress: Progress | None,
) -> None:
    org, errors = feed.organisation()
    report.errors += errors
    if not report.errors:
        report.units_new, report.units_changed = uow.cases.upsert_units(org.units)
        report.people_new, report.people_changed = uow.cases.upsert_people(org.people)
        report.roles_granted = _granted_otherwise(uow, org.people)
    batch: list[Case | Prepared] = []
    full = report.scope is ExportScope.FULL
    present: set[str] = set()  # a full export's case ids, to find what it left out
    for index, (done, item) in enumerate(feed.cases(org)):
        report.received += 1
        if isinstance(item, list):
            report.errors += item
            batch.clear()  # nothing more will be written; keep validating only
        elif not report.errors:
            batch.append(item)
            if full:
                present.add(item.case_id)
            if len(batch) >= batch_size:
                _flush(batch, feed, uow, report, ctx)
        if progress is not None and index % 1000 == 0:
            progress(done, feed.total_bytes)
    if not report.errors:
        _flush(batch, feed, uow, report, ctx)
        if full:
            stored = uow.cases.case_ids_of_units(org.unit_codes)
            report.missing = sorted(i for i in stored if i not in present)


def _granted_otherwise(uow: UnitOfWork, people: Sequence[Person]) -> int:
    """How many of the staff list's people hold another role by a platform grant: the list's
    role is stored, the grant keeps overriding it, and the report says so (an administrator
    re-importing the list would otherwise wonder why a role did not change)."""
    grants = uow.accounts.role_grants()  # every standing grant: a short list, read whole
    return sum(1 for p in people if p.id in grants and grants[p.id].role is not p.role)


def _flush(
    batch: list[Case | Prepared],
    feed: CaseFeed,
    uow: UnitOfWork,
    report: ImportReport,
    ctx: _Context,
) -> None:
    if not batch:
        return
    if feed.carries is not None and not ctx.first_load:  # a first load has nothing to complete
        _complete(batch, feed.carries, uow)
    digests = {
        c.case_id: c.fingerprint if isinstance(c, Prepared) else feed.fingerprint(c) for c in batch
    }
    stored = {} if ctx.first_load else uow.cases.existing_hashes(list(digests))
    changed = [
        c.decode() if isinstance(c, Prepared) else c  # merged below: the object is needed
        for c in batch
        if c.case_id in stored and stored[c.case_id] != digests[c.case_id]
    ]
    fresh = [c for c in batch if c.case_id not in stored]
    new = [c for c in fresh if isinstance(c, Case)]
    prepared = [c for c in fresh if isinstance(c, Prepared)]
    report.cases_unchanged += len(batch) - len(fresh) - len(changed)
    kept: dict[str, PlatformWork] = {}
    if changed:
        ids = [c.case_id for c in changed]
        before, work = uow.cases.load_cases(ids), uow.cases.platform_work(ids)
        uow.cases.delete_cases(ids)
        for i, case in enumerate(changed):
            old, conflicts = before[case.case_id], tuple[Conflict, ...]()
            if case.case_id in work:
                merged = merge_export(case, old, work[case.case_id])
                case, kept[case.case_id], conflicts = merged.case, merged.work, merged.conflicts
                conflicts += _refused(case, old, merged.work, uow, ctx)
                changed[i] = case
                report.platform_kept += 1
                report.conflicts += conflicts
            detail: dict[str, object] = {
                "source": feed.name,
                "fields": changed_fields(old, case),
                "hash_before": stored[case.case_id],
                "hash_after": digests[case.case_id],
            }
            if case.case_id in kept:
                detail["platform_records"] = kept[case.case_id].size
                detail["conflicts"] = [{"field": c.field, "zh": c.zh} for c in conflicts]
            uow.audit.append(ctx.actor, "case_changed", case.case_id, detail)
    uow.cases.insert_cases([(c, digests[c.case_id]) for c in (*new, *changed)], kept or None)
    if prepared:
        uow.cases.insert_prepared(prepared)
    report.cases_new += len(fresh)
    report.cases_changed += len(changed)
    batch.clear()


def _complete(batch: list[Case | Prepared], carries: frozenset[str], uow: UnitOfWork) -> None:
    """Cases of a source that holds only some fields (a 台账 sheet), completed with what the
    store holds of them: the fields the source does not carry are the stored ones, so that a
    sheet of the card never empties a case's suspects, events or documents (and an unchanged
    card is unchanged)."""
    ids = [c.case_id for c in batch if isinstance(c, Case)]
    before = uow.cases.load_cases(ids) if ids else {}
    # The export's own record of a stored case (its platform share taken out), so that the
    # completed case is the export's again and the merge below applies the platform's share.
    work = uow.cases.platform_work(list(before)) if before else {}
    kept = [f.name for f in fields(Case) if f.name not in carries]
    for i, case in enumerate(batch):
        old = before.get(case.case_id)
        if isinstance(case, Case) and old is not None:
            if case.case_id in work:
                old = export_record(old, work[case.case_id])
            batch[i] = replace(case, **{name: getattr(old, name) for name in kept})


def _refused(
    case: Case, before: Case, work: PlatformWork, uow: UnitOfWork, ctx: _Context
) -> tuple[Conflict, ...]:
    """A decision the export brings anew (not set here) that the powers list would refuse."""
    d = case.decision
    if ctx.rules is None or d is None or d == before.decision or CardField.DECISION in work.fields:
        return ()
    if ctx.people is None:
        ctx.people = {p.id: p for p in uow.cases.people()}
    powers = ctx.rules.powers.for_unit(case.unit)
    why = approval_problem(d, recorded_approver(case), case.major_complex, powers, ctx.people)
    return () if why is None else (refused_decision(case.case_id, d, why),)


def changed_fields(before: Case, after: Case) -> list[str]:
    """The case-card fields whose values differ (lists count as one field each)."""
    return [f.name for f in fields(Case) if getattr(before, f.name) != getattr(after, f.name)]


def _summary(report: ImportReport) -> dict[str, object]:
    summary: dict[str, object] = {
        "source": report.source,
        "units": {"new": report.units_new, "changed": report.units_changed},
        "people": {"new": report.people_new, "changed": report.people_changed},
        "cases": {
            "new": report.cases_new,
            "changed": report.cases_changed,
            "unchanged": report.cases_unchanged,
        },
    }
    if report.roles_granted:
        summary["roles_granted"] = report.roles_granted
    if report.platform_kept:
        summary["platform_kept"] = report.platform_kept
        summary["conflicts"] = len(report.conflicts)
    summary["scope"] = report.scope.value
    if report.since is not None:
        summary["since"] = report.since.isoformat()
    if report.missing:
        summary["missing"] = len(report.missing)
    return summary


def report_document(report: ImportReport) -> dict[str, object]:
    """The import report as a plain document (written as JSON or a workbook): the counts, every
    refusal with its place and reason, every conflict, what a full export left out."""
    return {
        "source": report.source,
        "outcome": "refused" if report.errors else "imported",
        "scope": report.scope.value,
        "since": None if report.since is None else report.since.isoformat(),
        "received": report.received,
        "cases": {
            "new": report.cases_new,
            "changed": report.cases_changed,
            "unchanged": report.cases_unchanged,
        },
        "units": {"new": report.units_new, "changed": report.units_changed},
        "people": {
            "new": report.people_new,
            "changed": report.people_changed,
            "roles_granted": report.roles_granted,
        },
        "platform_kept": report.platform_kept,
        "refused": [
            {"file": e.file, "line": e.line, "field": e.field, "zh": e.zh, "en": e.en}
            for e in report.errors
        ],
        "conflicts": [
            {"case_id": c.case_id, "kind": c.kind.value, "field": c.field, "zh": c.zh, "en": c.en}
            for c in report.conflicts
        ],
        "missing": list(report.missing),
    }


def verify_audit(uow: UnitOfWork) -> list[str]:
    """What is wrong with the audit log's hash chain (empty when intact)."""
    with uow:
        return uow.audit.problems()


def store_summary(uow: UnitOfWork) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Rows per table, and (all, open) cases per category: what is in the store."""
    with uow:
        return uow.cases.counts(), uow.cases.cases_by_category()
