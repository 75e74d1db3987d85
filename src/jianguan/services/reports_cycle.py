"""The reports of the management cycle, assembled like those of ``services.reports``:

* 案件质量评查通报 (review commentary) for a plan year, from the review forms — the same
  counting as ``services.review.commentary`` (``jianguan review commentary``): grades of the
  decided forms, problems by standard item over the graded forms, objections — here also per
  unit below and per prosecutor (never ranked, sorted by code), and the typical cases (every
  form decided 基本合格 or 不合格, with its problems).
* 整改进展情况报告 (rectification progress) from ``uow.responsibility.rectifications()``
  (``jianguan rectify list``): rectifications, tasks done / verified / open / overdue on the
  report's day, tasks due soon (``domain.rectification.reminders``), missing progress reports.
* 巡视整改进展情况报告 (inspection rectification) of the inspected unit from ``uow.inspection``
  (``jianguan inspection show``): the six months of 第34条, items, hand-overs and their
  six-month report-backs (第35–37条), reports to the named recipients, leader changes, 回头看.

Each table names the annex sheet that lists its cases, forms, tasks or items.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from jianguan.domain import inspection as insp
from jianguan.domain import rectification as rect
from jianguan.domain.model import Person, Unit, UnitLevel
from jianguan.domain.rectification import Rectification, TaskStatus
from jianguan.domain.reports import (
    BarChart,
    Block,
    Cell,
    Figure,
    Heading,
    Paragraph,
    Period,
    Report,
    ReportError,
    ReportKind,
    ShareChart,
    Sheet,
    Table,
    chinese_date,
    section,
    subsection,
    unit_abbreviation,
)
from jianguan.domain.review import FormStatus
from jianguan.domain.rulebook import Rulebook
from jianguan.services.inspection import latest_for
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource
from jianguan.services.reports import Scoped, office_report, scoped

SHEET_FORMS = "评查案件"
SHEET_PROBLEMS = "评查发现问题"
SHEET_TYPICAL = "典型案例"
SHEET_PEOPLE = "各检察官评查情况"
SHEET_RECTS = "整改台账"
SHEET_TASKS = "整改任务"
SHEET_OVERDUE = "逾期任务"
SHEET_ITEMS = "巡视整改问题清单"
SHEET_TRANSFERS = "巡视移交事项"
SHEET_REPORTS = "进展报告报送"
SHEET_CHANGES = "整改交接"
SHEET_RECHECKS = "回头看"
TYPICAL_OUTCOMES = ("rectification", "accountability_referral")  # 基本合格, 不合格


def _groups(scope: Scoped) -> list[tuple[str, set[str]]]:
    """The unit itself, then each unit directly below with the units below it (by code)."""
    out: list[tuple[str, set[str]]] = [(f"{scope.unit.name}（本院）", {scope.unit.code})]
    for child in scope.children():
        out.append((child.name, units_below(list(scope.units), child.code)))
    return out


def _who(people: dict[str, Person], pid: str) -> str:
    p = people.get(pid)
    return f"{p.name}（{pid}）" if p else pid


# -- 案件质量评查通报 ----------------------------------------------------------------------------


def review_commentary(
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """案件质量评查通报（讲评）of the plan year ``period`` for ``unit`` and the units below it."""
    if period.kind != "year":
        raise ReportError("评查通报按年度评查计划编制", "the review commentary is made for a year")
    scope = scoped(source.units(), unit)
    names = scope.names
    year = period.year
    policy = rules.review
    items = policy.standards.items()
    standards = {s.id: s.title for s in policy.standards.standards}
    grade_zh = {g.code: g.zh for g in policy.standards.scale.grades}
    outcome_of = {g.code: g.outcome for g in policy.standards.scale.grades}
    with uow:
        plan = uow.review.plan(year)
        if plan is None:
            raise ReportError(
                f"没有 {year} 年度评查计划（先运行 jianguan review plan --year {year}）",
                f"no review plan for {year} (run jianguan review plan --year {year} first)",
            )
        forms_all = uow.review.forms(year)
        people = {p.id: p for p in uow.cases.people()}
    entries = {e.case_id: e for e in plan.entries if e.unit in scope.below}
    forms = sorted((f for f in forms_all if f.case_id in entries), key=lambda f: f.case_id)
    decided = [f for f in forms if f.status is FormStatus.DECIDED]
    graded = [f for f in forms if f.status.graded]
    grades = Counter(f.final_grade for f in decided)
    problems: dict[str, list[str]] = {}
    for f in graded:
        for item in sorted({m.item for m in f.marks}):
            problems.setdefault(item, []).append(f.case_id)
    reasons = Counter(entries[f].reason for f in entries)
    blocks: list[Block] = []

    # 一、基本情况
    blocks.append(Heading(section(1) + "评查基本情况"))
    reason_text = "，".join(f"{r.zh}{n}件" for r, n in sorted(reasons.items()))
    objections = sum(1 for f in forms if f.objection)
    changed = sum(1 for f in decided if f.objection and f.final_grade != f.grade)
    blocks.append(Paragraph(
        f"{year}年度，{scope.unit.name}及所辖院评查计划列入案件{len(entries)}件（{reason_text or '无'}），"
        f"已分配评查{len(forms)}件，已登记等次{len(graded)}件，已决定等次{len(decided)}件"
        f"（附件表“{SHEET_FORMS}”）。承办检察官提出异议{objections}件，经决定改变等次{changed}件。"
    ))  # fmt: skip
    grade_rows = tuple(
        (g.zh, str(grades[g.code]), f"{grades[g.code] / len(decided) * 100:.1f}%" if decided else "—")
        for g in policy.standards.scale.grades
    )  # fmt: skip
    blocks.append(Table("表1 评查等次情况（已决定等次的案件）", ("等次", "件数", "占比"),
                        (*grade_rows, ("合计", str(len(decided)), "100.0%" if decided else "—")),
                        SHEET_FORMS))  # fmt: skip
    if decided:
        blocks.append(Figure("图1 评查等次分布", ShareChart(
            "评查等次分布", tuple(g.zh for g in policy.standards.scale.grades),
            tuple(grades[g.code] / len(decided) for g in policy.standards.scale.grades)),
            SHEET_FORMS))  # fmt: skip

    # 二、发现的主要问题
    blocks.append(Heading(section(2) + "评查发现的主要问题"))
    ranked = sorted(problems.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if ranked:
        top = "；".join(f"{items[i].title}{len(ids)}件" for i, ids in ranked[:3])
        blocks.append(Paragraph(
            f"已登记等次的{len(graded)}件案件中，发现问题{sum(len(v) for v in problems.values())}项次，"
            f"涉及案件{len({c for v in problems.values() for c in v})}件。较为集中的是：{top}。"
        ))  # fmt: skip
        blocks.append(Table(
            "表2 评查发现问题（按评查项目）", ("评查标准", "评查项目", "案件数", "依据"),
            tuple((standards.get(items[i].standard, items[i].standard), items[i].title,
                   str(len(ids)), "；".join(items[i].basis[:1])) for i, ids in ranked),
            SHEET_PROBLEMS,
        ))  # fmt: skip
        blocks.append(Figure("图2 评查发现问题（按评查项目）", BarChart(
            "评查发现问题", tuple(items[i].title for i, _ in ranked[:12]),
            tuple(len(ids) for _, ids in ranked[:12]), "案件数（件）"), SHEET_PROBLEMS))  # fmt: skip
    else:
        blocks.append(Paragraph("已登记等次的案件未发现评查标准所列问题。"))

    # 三、各单位情况; 四、各检察官情况 — sorted by code / id, never ranked
    blocks.append(Heading(section(3) + "各单位评查情况"))
    blocks.append(Paragraph("各单位评查情况如表3（按单位编码排列，不作排名；下级院含其所辖院）。"))
    codes_g = [g.code for g in policy.standards.scale.grades]
    unit_rows = []
    for label, codes in _groups(scope):
        mine = [f for f in forms if entries[f.case_id].unit in codes]
        done = [f for f in mine if f.status is FormStatus.DECIDED]
        count = Counter(f.final_grade for f in done)
        found = sum(len({m.item for m in f.marks}) for f in mine if f.status.graded)
        unit_rows.append((label, str(len(mine)), str(len(done)),
                          *(str(count[c]) for c in codes_g), str(found)))  # fmt: skip
    header = ("单位", "评查", "已决定", *(grade_zh[c] for c in codes_g), "问题项次")
    blocks.append(Table("表3 各单位评查情况", header, tuple(unit_rows), SHEET_FORMS))
    blocks.append(Heading(section(4) + "各检察官评查情况"))
    handlers = sorted({entries[f.case_id].handler for f in forms})
    person_rows: list[tuple[str, ...]] = []
    flagged_rows: list[tuple[str, ...]] = []  # prosecutors with a case graded 基本合格 or 不合格
    bad_grades = {c for c in codes_g if outcome_of[c] in TYPICAL_OUTCOMES}
    for h in handlers:
        mine = [f for f in forms if entries[f.case_id].handler == h]
        done = [f for f in mine if f.status is FormStatus.DECIDED]
        count = Counter(f.final_grade for f in done)
        found = sum(len({m.item for m in f.marks}) for f in mine if f.status.graded)
        row = (_who(people, h), names.get(entries[mine[0].case_id].unit, ""), str(len(mine)),
               str(len(done)), *(str(count[c]) for c in codes_g), str(found))  # fmt: skip
        person_rows.append(row)
        if any(count[c] for c in bad_grades):
            flagged_rows.append(row)
    blocks.append(Paragraph(
        f"被评查案件涉及承办检察官{len(handlers)}名，每人的评查件数、等次和问题项次见附件表"
        f"“{SHEET_PEOPLE}”（按人员编号排列，不作排名）；其中有案件评定为基本合格、不合格的"
        f"{len(flagged_rows)}名，列如表4。评查结果用于改进办案，纳入检察官业绩考评按有关规定办理。"
    ))  # fmt: skip
    person_header = (
        "检察官",
        "单位",
        "评查",
        "已决定",
        *(grade_zh[c] for c in codes_g),
        "问题项次",
    )
    blocks.append(Table("表4 有案件评定为基本合格、不合格的检察官", person_header,
                        tuple(flagged_rows) or (("（无）", *("" for _ in person_header[1:])),),
                        SHEET_PEOPLE))  # fmt: skip

    # 五、典型案例
    blocks.append(Heading(section(5) + "典型案例"))
    typical = [f for f in decided if outcome_of.get(f.final_grade or "") in TYPICAL_OUTCOMES]
    if typical:
        blocks.append(Paragraph(
            f"评定为{'、'.join(grade_zh[c] for c in codes_g if outcome_of[c] in TYPICAL_OUTCOMES)}的案件"
            f"{len(typical)}件，逐案列出问题（附件表“{SHEET_TYPICAL}”），供各院对照查摆："
        ))  # fmt: skip
        for n, f in enumerate(typical[:5], start=1):
            e = entries[f.case_id]
            titles = "、".join(
                items[k].title for k in sorted({m.item for m in f.marks}) if k in items
            )
            blocks.append(Paragraph(
                f"{subsection(n)}{names.get(e.unit, e.unit)}{f.case_id}号案件（承办检察官{_who(people, e.handler)}），"
                f"评定为{grade_zh.get(f.final_grade or '', f.final_grade)}。存在问题：{titles or '见评查表'}。"
            ))  # fmt: skip
    else:
        blocks.append(Paragraph("本年度已决定等次的案件中没有评定为基本合格、不合格的案件。"))

    # 六、工作要求
    blocks.append(Heading(section(6) + "工作要求"))
    blocks.append(Paragraph(subsection(1) + "评定为基本合格的案件，承办部门应当在规定期限内整改，"
                            "整改情况纳入整改台账跟踪验收；评定为不合格的案件，依照规定移送检务督察部门。"))  # fmt: skip
    blocks.append(Paragraph(subsection(2) + "各部门要针对集中出现的问题组织讲评，举一反三，"
                            "完善办案指引，防止同类问题反复发生。"))  # fmt: skip

    form_rows: list[tuple[Cell, ...]] = []
    for f in forms:
        e = entries[f.case_id]
        form_rows.append((f.case_id, e.unit, names.get(e.unit, ""), e.handler,
                          people[e.handler].name if e.handler in people else "", e.reason.zh,
                          f.mode.zh, f.reviewer, f.status.zh, f.score,
                          grade_zh.get(f.grade or "", f.grade or ""),
                          grade_zh.get(f.final_grade or "", f.final_grade or ""),
                          f.objection or "", "；".join(sorted({m.item for m in f.marks}))))  # fmt: skip
    problem_rows: list[tuple[Cell, ...]] = [
        (standards.get(items[i].standard, ""), i, items[i].title, cid, entries[cid].unit,
         entries[cid].handler)
        for i, ids in ranked for cid in ids
    ]  # fmt: skip
    typical_rows: list[tuple[Cell, ...]] = [
        (f.case_id, entries[f.case_id].unit, names.get(entries[f.case_id].unit, ""),
         entries[f.case_id].handler, grade_zh.get(f.final_grade or "", ""),
         "；".join(f"{items[m.item].title}{('：' + m.note) if m.note else ''}" for m in f.marks
                  if m.item in items))
        for f in typical
    ]  # fmt: skip
    sheets = (
        Sheet(SHEET_FORMS, ("案件编号", "单位编码", "单位", "承办人编号", "承办人", "列入理由",
                            "评查方式", "评查人", "状态", "得分", "登记等次", "决定等次", "异议",
                            "问题项目"), form_rows, f"{year}年度评查表，共{len(forms)}件"),
        Sheet(SHEET_PROBLEMS, ("评查标准", "项目编号", "评查项目", "案件编号", "单位编码",
                               "承办人编号"), problem_rows, "表2各项目的案件"),
        Sheet(SHEET_PEOPLE, person_header, person_rows,
              f"被评查案件的承办检察官，共{len(handlers)}名（按人员编号排列，不作排名）"),
        Sheet(SHEET_TYPICAL, ("案件编号", "单位编码", "单位", "承办人编号", "决定等次", "问题"),
              typical_rows, "评定为基本合格、不合格的案件"),
    )  # fmt: skip
    return office_report(
        ReportKind.REVIEW_COMMENTARY,
        period,
        scope,
        number,
        today,
        title=f"关于{year}年度案件质量评查情况的通报",
        blocks=blocks,
        annex="附件：评查案件及问题明细表（电子表格，各表名称见正文）",
        sheets=sheets,
    )


# -- 整改进展情况报告 ----------------------------------------------------------------------------

TASK_HEADER = ("整改编号", "整改事项", "单位编码", "任务", "对应问题", "责任人编号", "责任人",
               "整改措施", "完成期限", "状态", "完成日期", "验收人", "验收日期", "逾期天数")  # fmt: skip


def _task_state(t: rect.Task, day: dt.date) -> TaskStatus:
    """The task's status as it stood on ``day`` (a later completion is not yet counted)."""
    if t.verified_on is not None and t.verified_on <= day:
        return TaskStatus.VERIFIED
    if t.done_on is not None and t.done_on <= day:
        return TaskStatus.DONE
    return TaskStatus.OPEN


def _late(t: rect.Task, day: dt.date) -> int:
    """Days past the deadline of a task still open on ``day`` (0 when not overdue)."""
    return max(0, (day - t.due_on).days) if _task_state(t, day) is TaskStatus.OPEN else 0


def rectification_progress(
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """整改进展情况报告: every rectification of ``unit`` and below as it stands on the report's
    day (the end of the month ``period`` when that is earlier), with what was done in the month."""
    if period.kind != "month":
        raise ReportError(
            "整改进展情况报告按月编制", "the rectification report is made for a month"
        )
    scope = scoped(source.units(), unit)
    names = scope.names
    day = min(today, period.last)
    with uow:
        rects = [r for r in uow.responsibility.rectifications()
                 if r.unit in scope.below and r.opened_on <= day]  # fmt: skip
        people = {p.id: p for p in uow.cases.people()}
    rects.sort(key=lambda r: r.id)
    tasks = [(r, t) for r in rects for t in r.tasks]
    state = Counter(_task_state(t, day) for _r, t in tasks)
    overdue = [(r, t) for r, t in tasks if _late(t, day)]
    closed = [r for r in rects if r.closed_on is not None and r.closed_on <= day]
    done_month = [(r, t) for r, t in tasks
                  if t.done_on is not None and period.first <= t.done_on <= day]  # fmt: skip
    verified_month = [(r, t) for r, t in tasks
                      if t.verified_on is not None and period.first <= t.verified_on <= day]  # fmt: skip
    blocks: list[Block] = []

    blocks.append(Heading(section(1) + "总体情况"))
    blocks.append(Paragraph(
        f"截至{chinese_date(day)}，{scope.unit.name}及所辖院共有整改事项{len(rects)}项"
        f"（已销号{len(closed)}项，正在整改{len(rects) - len(closed)}项），整改任务{len(tasks)}项："
        f"已验收{state[TaskStatus.VERIFIED]}项，已完成待验收{state[TaskStatus.DONE]}项，"
        f"未完成{state[TaskStatus.OPEN]}项，其中逾期{len(overdue)}项（附件表“{SHEET_TASKS}”）。"
        f"{period.zh}完成任务{len(done_month)}项，验收{len(verified_month)}项。"
    ))  # fmt: skip
    rows = []
    for r in rects:
        st = Counter(_task_state(t, day) for t in r.tasks)
        rows.append((r.id, r.title, r.source.zh, names.get(r.unit, r.unit), r.opened_on.isoformat(),
                     r.due_on.isoformat(), str(len(r.tasks)), str(st[TaskStatus.VERIFIED]),
                     str(sum(1 for t in r.tasks if _late(t, day))),
                     "已销号" if r in closed else "整改中"))  # fmt: skip
    blocks.append(Table("表1 整改事项进展", ("编号", "整改事项", "来源", "单位", "开始", "期限",
                                         "任务", "已验收", "逾期", "状态"),
                        tuple(rows) or (("（无）", "", "", "", "", "", "", "", "", ""),),
                        SHEET_RECTS))  # fmt: skip
    if tasks:
        blocks.append(Figure("图1 整改任务完成情况", BarChart(
            "整改任务完成情况", (*tuple(s.zh for s in TaskStatus), "其中逾期"),
            (*tuple(state[s] for s in TaskStatus), len(overdue)), "任务数（项）"), SHEET_TASKS))  # fmt: skip

    blocks.append(Heading(section(2) + "各单位整改情况"))
    unit_rows = []
    for label, codes in _groups(scope):
        mine = [(r, t) for r, t in tasks if r.unit in codes]
        st = Counter(_task_state(t, day) for _r, t in mine)
        unit_rows.append((label, str(len({r.id for r in rects if r.unit in codes})), str(len(mine)),
                          str(st[TaskStatus.VERIFIED]), str(st[TaskStatus.DONE]),
                          str(st[TaskStatus.OPEN]), str(sum(1 for _r, t in mine if _late(t, day)))))  # fmt: skip
    blocks.append(Table("表2 各单位整改任务情况", ("单位", "整改事项", "任务", "已验收", "待验收",
                                              "未完成", "逾期"), tuple(unit_rows), SHEET_TASKS))  # fmt: skip

    blocks.append(Heading(section(3) + "逾期未完成的任务"))
    if overdue:
        blocks.append(Paragraph(f"逾期未完成的整改任务{len(overdue)}项，逐项列明如表3，"
                                "责任人应当说明原因并限期完成。"))  # fmt: skip
        blocks.append(Table("表3 逾期未完成的整改任务", ("整改编号", "任务", "责任人", "整改措施", "期限", "逾期天数"),
                            tuple((r.id, str(t.n), _who(people, t.responsible), t.measure,
                                   t.due_on.isoformat(), str(_late(t, day)))
                                  for r, t in sorted(overdue, key=lambda x: (x[1].due_on, x[0].id, x[1].n))),
                            SHEET_OVERDUE))  # fmt: skip
    else:
        blocks.append(Paragraph("没有逾期未完成的整改任务。"))
    soon = [
        x for x in rect.reminders(rects, day, rules.responsibility.remind_days) if not x.overdue
    ]
    missing = [(r.id, d) for r in rects if r not in closed for d in rect.missing_reports(r, day)]
    blocks.append(Heading(section(4) + "临期提醒与进展报告"))
    blocks.append(Paragraph(
        (f"{len(soon)}项任务将在{max(rules.responsibility.remind_days, default=0)}日内到期："
         + "；".join(f"{x.rectification}任务{x.task}（{_who(people, x.responsible)}，{x.due_on.isoformat()}）"
                    for x in soon[:10]) + "。") if soon else "近期没有临期的整改任务。"
    ))  # fmt: skip
    if missing:
        blocks.append(Paragraph("巡视整改缺少的月度进展报告：" + "；".join(
            f"{rid}（{d.isoformat()}）" for rid, d in missing) + "。"))  # fmt: skip
    blocks.append(Heading(section(5) + "下一步工作"))
    blocks.append(
        Paragraph(subsection(1) + "对逾期任务逐项督办，责任人于五个工作日内报告原因和完成时限。")
    )
    blocks.append(Paragraph(subsection(2) + "已完成的任务及时组织验收，验收人不得为责任人本人；"
                            "全部任务验收后办理销号。"))  # fmt: skip

    def task_row(r: Rectification, t: rect.Task) -> tuple[Cell, ...]:
        return (r.id, r.title, r.unit, t.n, r.problems[t.problem] if t.problem < len(r.problems)
                else "", t.responsible, people[t.responsible].name if t.responsible in people else "",
                t.measure, t.due_on, _task_state(t, day).zh, t.done_on, t.verified_by or "",
                t.verified_on, _late(t, day))  # fmt: skip

    sheets = (
        Sheet(SHEET_RECTS, ("编号", "整改事项", "类别", "来源", "来源编号", "单位编码", "开始",
                            "期限", "问题数", "任务数", "销号日期"),
              [(r.id, r.title, r.kind.zh, r.source.zh, r.source_ref, r.unit, r.opened_on, r.due_on,
                len(r.problems), len(r.tasks), r.closed_on) for r in rects],
              f"截至{day.isoformat()}的整改事项，共{len(rects)}项"),
        Sheet(SHEET_TASKS, TASK_HEADER, [task_row(r, t) for r, t in tasks],
              f"全部整改任务，共{len(tasks)}项"),
        Sheet(SHEET_OVERDUE, TASK_HEADER, [task_row(r, t) for r, t in overdue],
              f"逾期未完成的任务，共{len(overdue)}项"),
    )  # fmt: skip
    return office_report(
        ReportKind.RECTIFICATION_PROGRESS,
        period,
        scope,
        number,
        today,
        title=f"关于{period.zh}整改工作进展情况的报告",
        blocks=blocks,
        annex="附件：整改事项及任务明细表（电子表格，各表名称见正文）",
        sheets=sheets,
    )


# -- 巡视整改进展情况报告 -------------------------------------------------------------------------


def _party(unit: Unit) -> str:
    return f"中共{unit.name}党组"


def inspection_rectification(
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """巡视整改进展情况报告 of the inspected ``unit``: its latest inspection as it stands on the
    report's day (the end of the month ``period`` when earlier)."""
    del rules
    if period.kind != "month":
        raise ReportError(
            "巡视整改进展情况报告按月编制", "the inspection report is made for a month"
        )
    scope = scoped(source.units(), unit)
    day = min(today, period.last)
    try:
        i = latest_for(uow, scope.unit.code, day)
    except insp.InspectionError as exc:
        raise ReportError(exc.zh, exc.en) from None
    with uow:
        people = {p.id: p for p in uow.cases.people()}
    s = insp.status(i, day)
    blocks: list[Block] = []
    recipients = "、".join(i.recipient_name(r) for r in insp.Recipient)

    blocks.append(Heading(section(1) + "集中整改基本情况"))
    phase_text = (
        f"集中整改期至{chinese_date(i.concentrated_until)}，尚余{s.days_left}天"
        if s.phase is insp.Phase.CONCENTRATED
        else f"集中整改期已于{chinese_date(i.concentrated_until)}结束，现转入常态化、长效化整改"
    )
    blocks.append(Paragraph(
        f"{chinese_date(i.feedback_on)}，{i.inspector}向{scope.unit.name}党组反馈巡视意见"
        f"（{i.title}）。依照{insp.BASIS_CONCENTRATED}，自收到反馈意见之日起开展为期6个月的集中整改，"
        f"{phase_text}。"
    ))  # fmt: skip

    blocks.append(Heading(section(2) + "反馈问题整改情况"))
    blocks.append(Paragraph(
        f"巡视反馈问题列入问题清单、任务清单、责任清单{len(i.items)}项，截至{chinese_date(day)}，"
        f"已完成{len(s.done)}项，正在整改{len(s.open)}项，其中超过整改时限{len(s.overdue)}项，"
        f"经“回头看”发现整改不到位、重新整改{len(s.reopened)}项（附件表“{SHEET_ITEMS}”）。"
    ))  # fmt: skip
    blocks.append(Table("表1 反馈问题整改情况", ("序号", "问题", "责任人", "整改措施", "时限", "状态"),
                        tuple((str(x.n), x.problem, _who(people, x.responsible), x.measure,
                               x.due_on.isoformat(),
                               ("逾期" if x.overdue(day) else "") + (x.status.zh if x.done_on is None
                               or x.done_on <= day else insp.ItemStatus.OPEN.zh))
                              for x in i.items) or (("（无）", "", "", "", "", ""),),
                        SHEET_ITEMS))  # fmt: skip
    if i.items:
        blocks.append(Figure("图1 反馈问题整改进度", BarChart(
            "反馈问题整改进度", ("已完成", "正在整改", "其中逾期", "回头看重新整改"),
            (len(s.done), len(s.open), len(s.overdue), len(s.reopened)), "事项数（项）"), SHEET_ITEMS))  # fmt: skip

    blocks.append(Heading(section(3) + "移交事项办理和反馈情况"))
    blocks.append(Paragraph(
        f"巡视移交事项{len(i.transfers)}件，依照《中国共产党巡视工作条例》第35条第1款第4项、第36条第4项、"
        f"第37条，应当自移交之日起6个月内向巡视工作领导小组办公室反馈办理进展。已反馈"
        f"{len(s.transfers_reported)}件，未到期{len(s.transfers_pending)}件，逾期未反馈"
        f"{len(s.transfers_overdue)}件（附件表“{SHEET_TRANSFERS}”）。"
    ))  # fmt: skip
    blocks.append(Table("表2 巡视移交事项", ("序号", "类别", "事项", "承办机关", "移交日期", "反馈期限", "反馈情况"),
                        tuple((str(t.n), t.kind.zh, t.summary, t.handed_to, t.handed_on.isoformat(),
                               t.due_on.isoformat(),
                               f"已于{t.reported_on.isoformat()}反馈" if t.reported_on and t.reported_on <= day
                               else ("逾期未反馈" if t.overdue(day) else "未到期"))
                              for t in i.transfers) or (("（无）", "", "", "", "", "", ""),),
                        SHEET_TRANSFERS))  # fmt: skip

    blocks.append(Heading(section(4) + "整改进展情况报告报送情况"))
    sent = [r for r in i.reports if r.on <= day]
    if s.unreported:
        owed = "、".join(i.recipient_name(r) for r in s.unreported)
        owed_text = (f"集中整改期已结束，尚未向{owed}报送集中整改进展情况报告，应当立即报送。"
                     if s.report_overdue else f"集中整改结束前应当向{owed}报送集中整改进展情况报告。")  # fmt: skip
    else:
        owed_text = "已向全部报送对象报送进展情况报告。"
    blocks.append(Paragraph(f"依照{insp.BASIS_CONCENTRATED}第1款第6项，集中整改进展情况报告报送{recipients}。"
                            f"已报送{len(sent)}次（附件表“{SHEET_REPORTS}”）。{owed_text}"))  # fmt: skip
    report_rows = []
    for r in insp.Recipient:
        days = [x.on for x in sent if r in x.recipients]
        report_rows.append((i.recipient_name(r), str(len(days)),
                            max(days).isoformat() if days else "未报送"))  # fmt: skip
    blocks.append(Table("表3 进展情况报告报送情况", ("报送对象", "报送次数", "最近报送"),
                        tuple(report_rows), SHEET_REPORTS))  # fmt: skip

    blocks.append(Heading(section(5) + "整改责任交接和“回头看”"))
    changes = [c for c in i.changes if c.on <= day]
    rechecks = [r for r in i.rechecks if r.on <= day]
    blocks.append(Paragraph(
        (f"领导班子成员调整{len(changes)}人次，依照{insp.BASIS_HANDOVER}办理整改交接：" + "；".join(
            f"{c.on.isoformat()}{c.role}{_who(people, c.predecessor)}调整，{len(c.items)}项整改任务交"
            f"{_who(people, c.successor)}继续负责" for c in changes) + "。") if changes
        else "集中整改期间领导班子成员未调整。"
    ))  # fmt: skip
    blocks.append(Paragraph(
        (f"组织“回头看”{len(rechecks)}次，复查已完成事项{sum(len(r.checked) for r in rechecks)}项次，"
         f"发现整改不到位{sum(len(r.not_fixed) for r in rechecks)}项次，已重新列入整改并明确新的时限"
         f"（附件表“{SHEET_RECHECKS}”）。") if rechecks else "尚未组织“回头看”。"
    ))  # fmt: skip

    blocks.append(Heading(section(6) + "下一步工作"))
    blocks.append(Paragraph(subsection(1) + "对尚未完成和逾期的整改事项，逐项明确责任人和完成时限，"
                            "集中整改结束后建立常态化、长效化整改工作机制，持续抓好整改落实。"))  # fmt: skip
    blocks.append(Paragraph(subsection(2) + "对已完成的事项适时组织“回头看”，防止问题反弹。"))

    sheets = (
        Sheet(SHEET_ITEMS, ("序号", "问题", "责任人编号", "责任人", "整改措施", "时限", "状态",
                            "完成日期", "完成情况", "回头看重新整改日期", "逾期"),
              [(x.n, x.problem, x.responsible, people[x.responsible].name if x.responsible in people
                else "", x.measure, x.due_on, x.status.zh, x.done_on, x.done_note, x.reopened_on,
                "是" if x.overdue(day) else "") for x in i.items],
              f"{i.title}：问题清单、任务清单、责任清单，共{len(i.items)}项"),
        Sheet(SHEET_TRANSFERS, ("序号", "类别", "事项", "承办机关", "移交日期", "反馈期限",
                                "反馈日期", "反馈情况", "依据"),
              [(t.n, t.kind.zh, t.summary, t.handed_to, t.handed_on, t.due_on, t.reported_on,
                t.report_note, t.kind.basis) for t in i.transfers],
              f"巡视移交事项，共{len(i.transfers)}件"),
        Sheet(SHEET_REPORTS, ("序号", "报送日期", "报送对象", "阶段", "报送人", "内容"),
              [(r.n, r.on, "、".join(i.recipient_name(x) for x in r.recipients), r.phase.zh, r.by,
                r.text) for r in i.reports], f"进展情况报告，共{len(i.reports)}次"),
        Sheet(SHEET_CHANGES, ("日期", "职务", "原责任人", "接任者", "交接事项", "说明"),
              [(c.on, c.role, c.predecessor, c.successor, "、".join(map(str, c.items)), c.note)
               for c in i.changes], f"整改交接，共{len(i.changes)}次"),
        Sheet(SHEET_RECHECKS, ("日期", "复查人", "复查事项", "整改不到位事项", "新时限", "说明"),
              [(r.on, r.by, "、".join(map(str, r.checked)), "、".join(map(str, r.not_fixed)),
                r.due_on, r.note) for r in i.rechecks], f"回头看，共{len(i.rechecks)}次"),
    )  # fmt: skip
    abbr = unit_abbreviation(scope.unit.name, scope.unit.level is UnitLevel.PROVINCIAL)
    return Report(
        kind=ReportKind.INSPECTION_RECTIFICATION,
        period=period,
        unit=scope.unit.code,
        unit_name=scope.unit.name,
        issuer=_party(scope.unit),
        doc_number=f"{abbr}检党组报〔{period.year}〕{number or period.number}号",
        title=f"中共{scope.unit.name}党组关于巡视整改进展情况的报告",
        addressees="、".join(i.recipient_name(r) for r in insp.Recipient) + "：",
        blocks=tuple(blocks),
        signature=_party(scope.unit),
        date=today,
        annex_title="附件：巡视整改问题清单及移交事项明细表（电子表格，各表名称见正文）",
        sheets=sheets,
    )
