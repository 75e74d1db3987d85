"""Upper-unit notices (上级院通报、督办): take one in, split it into tasks, follow them until
verified, report back.

A notice comes from a file (read by the bootstrap's ``read_notice`` into a ``NoticeDraft``) or a
form; the cases it names must be in the store, each error located at the line that names it.
Every change loads the notice, applies one pure transition of ``domain.notice``, saves it and
appends an audit entry in the same transaction; an overdue task reaches the ledger through
``services.followup``. ``report_document`` is the report-back (整改情况报告) as a
``domain.reports.Report``, written by the same writers as the office's other reports.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from jianguan.domain import notice as dom
from jianguan.domain.errors import DataSetError, RecordError
from jianguan.domain.followup import FollowUpError, Task
from jianguan.domain.notice import Notice, NoticeDraft
from jianguan.domain.reports import (
    Heading,
    Paragraph,
    Period,
    Report,
    ReportKind,
    Sheet,
    Table,
    chinese_date,
    section,
)
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.reports import ReportWriter


def take(uow: UnitOfWork, draft: NoticeDraft, by: str, file: str = "form") -> Notice:
    """Record a notice; refused (``DataSetError``, nothing written) when its unit or a case it
    names is not in the store."""
    with uow:
        units = {u.code for u in uow.cases.units()}
        errors: list[RecordError] = []
        if draft.unit not in units:
            errors.append(RecordError(file, 0, "unit", f"未知单位 {draft.unit}",
                                      f"unknown unit {draft.unit!r}"))  # fmt: skip
        named = sorted({c for p in draft.problems for c in p.cases})
        known = set(uow.cases.load_cases(named)) if named else set()
        for i, p in enumerate(draft.problems):
            for c in p.cases:
                if c not in known:
                    errors.append(RecordError(file, p.line, f"problems[{i}].cases",
                                              f"案件 {c} 不在库中", f"case {c!r} is not stored"))  # fmt: skip
        if errors:
            raise DataSetError(errors)
        n = dom.take_in(uow.notices.next_id(), draft)
        uow.notices.save(n)
        uow.audit.append(by, "notice_take", None,
                         {"id": n.id, "unit": n.unit, "doc_no": n.doc_no, "file": file,
                          "problems": len(n.problems)})  # fmt: skip
        uow.commit()
    return n


def load(uow: UnitOfWork, nid: str) -> Notice:
    with uow:
        n = uow.notices.load(nid)
    if n is None:
        raise FollowUpError(f"通报 {nid} 不存在", f"no notice {nid}")
    return n


def notices(uow: UnitOfWork, units: set[str] | None = None) -> list[Notice]:
    with uow:
        return uow.notices.all(units)


def change(
    uow: UnitOfWork, nid: str, by: str, action: str, step: Callable[[Notice], Notice]
) -> Notice:
    """Apply one transition and record it; a ``FollowUpError`` leaves the store unchanged."""
    with uow:
        n = uow.notices.load(nid)
        if n is None:
            raise FollowUpError(f"通报 {nid} 不存在", f"no notice {nid}")
        n = step(n)
        uow.notices.save(n)
        uow.audit.append(by, f"notice_{action}", None, {"id": nid})
        uow.commit()
    return n


# -- the report-back -------------------------------------------------------------------------------


def _outcome(t: Task, as_of: dt.date) -> str:
    if t.verified_on is not None:
        return f"已整改，{t.verified_on.isoformat()} 经 {t.verified_by} 核验" + (
            f"（{t.verify_note}）" if t.verify_note else ""
        )
    if t.done_on is not None:
        return f"已于 {t.done_on.isoformat()} 办结，待核验"
    late = f"，已逾期 {(as_of - t.due_on).days} 日" if t.overdue(as_of) else ""
    again = "（核验未通过，重新整改）" if t.rejected_on is not None else ""
    return f"正在整改{again}，时限 {t.due_on.isoformat()}{late}"


def report_document(n: Notice, unit_name: str, on: dt.date, signer: str) -> Report:
    """关于《…》反馈问题整改情况的报告: each problem, its tasks and their outcome on ``on``."""
    s = dom.status(n, on)
    verified, total = len(s.tasks_verified), len(n.tasks)
    blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            f"{chinese_date(n.received_on)}，我院收到{n.issuer}《{n.title}》（{n.doc_no}），"
            f"通报问题 {len(n.problems)} 个。我院将其分解为整改任务 {total} 项，逐项明确责任部门和"
            f"整改时限。截至{chinese_date(on)}，已整改并经核验 {verified} 项，已办结待核验 "
            f"{len(s.tasks_done)} 项，正在整改 {len(s.tasks_open)} 项"
            + (f"，其中逾期 {len(s.tasks_overdue)} 项" if s.tasks_overdue else "")
            + "。现将整改情况报告如下。"
        ),
    ]
    rows: list[tuple[str, ...]] = []
    for i, p in enumerate(n.problems, 1):
        blocks.append(Heading(f"{section(min(i, 10))}{p.text}"))
        if p.cases:
            blocks.append(Paragraph(f"涉及案件：{'、'.join(p.cases)}。"))
        for t in n.tasks_of(p.n):
            blocks.append(Paragraph(f"{t.n}. {t.text}（责任：{t.owner}）：{_outcome(t, on)}。"
                                    + (f"办结情况：{t.done_note}。" if t.done_note else "")))  # fmt: skip
            rows.append((str(p.n), str(t.n), t.text, t.owner, t.due_on.isoformat(),
                         t.status.zh, _outcome(t, on)))  # fmt: skip
    header = ("问题序号", "任务序号", "整改任务", "责任部门（人）", "整改时限", "状态", "整改结果")
    blocks.append(Heading(f"{section(min(len(n.problems) + 1, 10))}整改任务一览"))
    blocks.append(Table("整改任务及结果", header, tuple(rows), annex="整改任务"))
    period = Period("month", on.year, on.month)
    return Report(
        ReportKind.RECTIFICATION_PROGRESS, period, n.unit, unit_name, unit_name, "",
        f"关于《{n.title}》所通报问题整改情况的报告", n.issuer, tuple(blocks), signer or unit_name,
        on, "附件：整改任务清单",
        (Sheet("整改任务", header, rows, f"{n.issuer}《{n.title}》（{n.doc_no}）"),),
    )  # fmt: skip


def report_back_stem(n: Notice, on: dt.date) -> str:
    return f"notice-report-back-{n.id}-{on.isoformat()}"


def write_report_back(
    writer: ReportWriter, report: Report, out_dir: Path, stem: str, formats: Sequence[str]
) -> list[Path]:
    """The report-back's files as ``<stem>.<format>`` in ``out_dir`` (the writers name files by
    report kind and period; a notice's are named by the notice, so each report-back is kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        for p in writer.write(report, Path(tmp), formats):
            target = out_dir / f"{stem}{p.suffix}"
            shutil.move(p, target)
            paths.append(target)
    return paths


def report_back(
    uow: UnitOfWork,
    writer: ReportWriter,
    nid: str,
    by: str,
    on: dt.date,
    out_dir: Path,
    formats: Sequence[str],
    note: str = "",
    signer: str = "",
) -> tuple[Notice, list[Path]]:
    """反馈: write the report-back document, then record that it was sent. A refusal (a problem
    without its tasks, already reported) or a writer that cannot run leaves the notice as it was."""
    n = load(uow, nid)
    dom.report_back(n, on, by, note)  # refuses before any file is written
    with uow:
        names = {u.code: u.name for u in uow.cases.units()}
    report = report_document(n, names.get(n.unit, n.unit), on, signer)
    paths = write_report_back(writer, report, out_dir, report_back_stem(n, on), formats)
    return change(uow, nid, by, "report_back", lambda x: dom.report_back(x, on, by, note)), paths
