"""Words on the pages: Simplified Chinese first, English on request (the ``lang`` cookie).

Only the pages' own words live here. A status, level, severity, category, role, event or
decision is a vocabulary of the domain (``domain.vocabulary.Vocabulary``): the templates show
``member.label(lang)``, and no table here repeats them.
"""

from __future__ import annotations

import re

from jianguan.domain.gates import ACCEPTED, DECLINED
from jianguan.domain.model import DecisionType, document_label
from jianguan.domain.vocabulary import Vocabulary

LANGS = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "app": ("检管 · 检察业务管理平台", "jianguan · procuratorate management"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码错误", "wrong user name or password"),
    "home": ("我的案件与提醒", "My cases and alerts"),
    "cases": ("案件", "Cases"),
    "ledger": ("流程监控台账", "Monitoring ledger"),
    "alerts": ("提醒", "Alerts"),
    "open_cases": ("在办案件", "Open cases"),
    "due_soon": ("三日内到期或已超期", "Due within 3 days or overdue"),
    "mine": ("我承办的", "Mine"),
    "unit_cases": ("本院及下级院", "My unit and below"),
    "case_id": ("案件编号", "Case"),
    "unified_no": ("统一受案号", "Unified no."),
    "unit": ("单位", "Unit"),
    "department": ("部门", "Department"),
    "category": ("案件类别", "Category"),
    "received_on": ("受理日期", "Received"),
    "handler": ("承办人", "Handler"),
    "decision": ("决定", "Decision"),
    "closed_on": ("办结日期", "Closed"),
    "status": ("状态", "Status"),
    "rule": ("规则", "Rule"),
    "severity": ("严重程度", "Severity"),
    "escalation": ("处置级别", "Escalation"),
    "due": ("期满日", "Due"),
    "days_left": ("剩余天数", "Days left"),
    "overdue": ("已超期", "overdue"),
    "done_late": ("超期", "done late by"),
    "days_unit": ("日办结", "days"),
    "done_in_time": ("按期办结", "done in time"),
    "explanation": ("说明", "Explanation"),
    "basis": ("法律依据", "Law basis"),
    "more": ("查看全部", "See all"),
    "none": ("无", "none"),
    "timeline": ("办案经过", "Timeline"),
    "periods": ("法定期限及推算", "Statutory periods and their derivation"),
    "findings": ("监控发现", "Findings"),
    "documents": ("法律文书", "Documents"),
    "selfcheck": ("一键自检", "Self-check"),
    "selfcheck_none": ("自检未发现问题", "the self-check found nothing"),
    "reads": ("查阅记录", "Who read this case"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "escalate": ("升级", "Escalate"),
    "export_xlsx": ("导出 Excel", "Export to Excel"),
    "start": ("起算日", "Start"),
    "length": ("期间", "Length"),
    "steps": ("推算过程", "Steps"),
    "provisional": ("临时结果", "provisional"),
    "suspects": ("犯罪嫌疑人", "Suspects"),
    "charges": ("罪名", "Charges"),
    "as_of": ("截至", "As of"),
    "page_not_found": ("页面不存在", "page not found"),
    "too_many_logins": (
        "登录失败次数过多，请稍后再试",
        "too many failed logins; please try again later",
    ),
    "not_found": ("未找到该案件，或不在您的查看范围内", "no such case, or not in your scope"),
    "forbidden": ("您的角色无权执行此操作", "your role may not do this"),
    "csrf": ("表单已失效，请刷新页面后重试", "the form expired; reload the page and try again"),
    "by_severity": ("按严重程度", "By severity"),
    "by_level": ("按处置级别", "By escalation"),
    "language": ("English", "中文"),
    "first_found": ("首次发现", "First found"),
    "refused": ("操作被拒绝，尚缺：", "Refused; still missing:"),
    "gate_close": ("每案必检：办结前须满足", "Every case checked: before closing"),
    "gate_archive": ("每案必检：归档前须满足", "Every case checked: before archiving"),
    "gate_ok": ("已满足，可以办结/归档", "all met: the case may close / archive"),
    "gate_done": ("已归档", "archived"),
    "last_selfcheck": ("最近一次自检", "Last recorded self-check"),
    "recorded": ("已记录（每案必检）", "recorded (every case checked)"),
    "preview": ("仅预览，未记录（非承办人）", "preview only, not recorded (not the handler)"),
    "consultation": ("会诊意见答复", "Consultation opinions"),
    "opinion_of": ("会诊意见日期", "Opinion of"),
    "accept": ("采纳", "Accept"),
    "decline": ("不采纳（须说明理由）", "Decline (give the reason)"),
    "reason": ("理由", "Reason"),
    "indicators": ("业务指标", "Indicators"),
    "indicator": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "from": ("起始月", "From"),
    "to": ("截止月", "To"),
    "month": ("月份", "Month"),
    "trend": ("趋势", "Trend"),
    "funnel": ("漏斗图（控制限比较，不排名）", "Funnel plot (control limits, no ranking)"),
    "flag": ("判断", "Flag"),
    "rows": ("计数", "Counted rows"),
    "no_ranking": (
        "仅作比较与提示，不作排名（一取消三不再）",
        "for comparison only, never a ranking",
    ),
    "quality": ("数据质量", "Data quality"),
    "issues": ("数据质量问题", "Data-quality issues"),
    "anomalies": ("业务异常（溯源到案件）", "Anomalies (traced to their cases)"),
    "loading": (
        "正在计算（同一范围只计算一次，稍后自动显示）…",
        "computing (once per scope; shown when ready)…",
    ),
    "kind": ("类型", "Kind"),
    "check": ("检查项", "Check"),
    "related": ("相关案件", "Related cases"),
    "period": ("期间", "Period"),
    "shown_first": ("最多显示前 1000 条", "at most the first 1,000 are shown"),
    "review": ("案件质量评查", "Case quality review"),
    "year": ("年度", "Year"),
    "standing": ("我的身份", "My part"),
    "reviewer": ("评查人", "Reviewer"),
    "grade": ("等次", "Grade"),
    "final_grade": ("最终等次", "Final grade"),
    "score": ("得分", "Score"),
    "suggested": ("建议等次", "Suggested grade"),
    "objection": ("异议", "Objection"),
    "marks": ("评查项目", "Marked items"),
    "record_grade": ("登记评查结果", "Record the grade"),
    "object": ("提出异议", "Object"),
    "decide": ("作出最终决定", "Decide the final grade"),
    "note": ("说明", "Note"),
    "mode": ("评查方式", "Mode"),
    "no_opinions": ("没有待答复的会诊意见", "no open consultation opinion"),
    "responsibility": ("司法责任", "Judicial responsibility"),
    "responsibility_note": (
        "正负面清单（每条附证据）、问题线索移送与整改；不作排名。",
        "Positive and negative lists (each entry with its evidence), referrals and rectification; no ranking.",
    ),
    "lists": ("正负面清单", "Positive and negative lists"),
    "list_kind": ("清单", "List"),
    "positive": ("正面", "positive"),
    "negative": ("负面", "negative"),
    "date": ("日期", "Date"),
    "person": ("人员", "Person"),
    "item": ("事项", "Item"),
    "evidence": ("证据", "Evidence"),
    "tolerance": ("容错免责", "Tolerated"),
    "referrals": ("问题线索移送", "Accountability referrals"),
    "id": ("编号", "No."),
    "stage": ("环节", "Stage"),
    "finding_decision": ("认定与决定", "Finding and decision"),
    "rectifications": ("整改", "Rectification"),
    "rect_closed": ("已销号", "closed"),
    "problem": ("问题", "Problem"),
    "responsible": ("责任人", "Responsible"),
    "measure": ("整改措施", "Measure"),
    "status_word": ("状态", "Status"),
    "task": ("任务", "Task"),
    "task_open": ("未完成", "open"),
    "task_done": ("已完成待验收", "done, to verify"),
    "task_verified": ("已验收", "verified"),
    "missing_report": ("缺少进展报告：", "progress report missing:"),
    "active": ("未办结（待处理+已通知）", "active (open + notified)"),  # open or notified
    "verify": ("复核", "Verify"),
    "close_case": ("办结", "Close the case"),
    "archive_case": ("归档", "Archive"),
    "back_to_case": ("返回案件", "back to the case"),
    "explain": (
        "说明理由（确属正确的，说明后视为已处理）",
        "Explain (a finding that is right as it stands)",
    ),
    "explain_submit": ("提交说明并重新自检", "Submit the explanations and check again"),
    "via_page": ("网页查阅", "web page"),
    "via_api": ("接口查阅", "API"),
    "via_selfcheck": ("一键自检", "self-check"),
    "via_answer": ("答复会诊意见", "consultation answer"),
    "via_verify": ("复核", "verification"),
    "via_close": ("办结", "closing"),
    "via_archive": ("归档", "archiving"),
    "via_decide": ("审查结论", "decision"),
    "via_assign": ("分案", "assignment"),
    "via_recuse": ("回避", "recusal"),
    "via_consultation": ("线上会诊", "consultation"),
    "via_meeting": ("会议记录", "meeting record"),
    "feedback": ("反馈", "Feedback"),
    "corrected": ("纠正", "Corrected"),
    "closed_by_hand": ("关闭", "Close"),
    "undo": ("撤销上一步", "Undo the last step"),
    "answer_entry": ("处理", "Deal with it"),
    "search": ("搜索", "Search"),
    "search_hint": ("案件编号、统一受案号、承办人、罪名", "case no., unified no., handler, charge"),
    "sort": ("排序", "Sort"),
    "sort_case_id": ("按案件编号", "by case no."),
    "sort_received_desc": ("受理日期（新→旧）", "received (newest first)"),
    "sort_received": ("受理日期（旧→新）", "received (oldest first)"),
    "page_of": ("第 {page} / {pages} 页，共 {total} 条", "page {page} of {pages}, {total} in all"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "open_only": ("仅在办", "open only"),
    "days_late_at_close": ("超期 {n} 日办结", "decided {n} days late"),
    "items": ("评查项目（勾选存在的问题）", "Review items (tick the problems found)"),
    "deduct": ("扣分", "Deduction"),
    "caps": ("最高等次", "Best grade"),
    "prefilled": ("由自动发现预填", "pre-filled from a finding"),
    "advance": ("推进到下一环节", "Advance to the next stage"),
    "committee_finding": ("惩戒委员会意见", "Committee finding"),
    "decision_text": ("处理决定", "Decision"),
    "add_task": ("增加整改任务", "Add a task"),
    "mark_done": ("标记完成", "Mark done"),
    "task_verify": ("验收", "Verify"),
    "report_progress": ("报告进展", "Report progress"),
    "close_rect": ("销号", "Close (销号)"),
    "problem_no": ("问题序号", "Problem no."),
    "text": ("内容", "Text"),
    "done_note": ("完成情况", "What was done"),
    "standing_reviewer": ("评查人", "reviewer"),
    "standing_handler": ("承办人（可提出异议）", "handler (may object)"),
    "standing_oversight": ("监督管理", "oversight"),
    "source": ("来源", "Source"),
    "saved": ("已保存", "saved"),
    "refresh": ("刷新", "refresh"),
    "api_docs_note": (
        "接口说明（登录后可见；修改类请求须带 X-CSRF-Token 头，取自 /api/me）。机器可读的说明：",
        "The API (for logged-in users; changes need the X-CSRF-Token header from /api/me). Machine-readable:",
    ),
    "api_method": ("方法", "Method"),
    "api_path": ("路径", "Path"),
    "api_summary": ("说明", "Summary"),
    "api_parameters": ("参数", "Parameters"),
    # case work (web/work.py), accounts, calendar, plans, evaluations (web/admin.py)
    "work": ("分案、回避与审查结论", "Assignment, recusal and decision"),
    "decide_case": ("记录审查结论", "Record the decision"),
    "decide_approve": ("批准并记录审查结论", "Approve and record the decision"),
    "decision_type": ("审查结论", "Decision"),
    "decision_on": ("决定日期", "Decided on"),
    "ground": ("不起诉类型（仅限不起诉）", "Ground (not-prosecute only)"),
    "needs_approval": ("须经{who}批准", "needs the approval of the {who}"),
    "no_approval": ("承办检察官决定", "the handler decides"),
    "meeting_on_record": ("已有{who}会议记录", "{who} meeting on record"),
    "needs_meeting": (
        "须先经{who}讨论决定，并有会议记录",
        "needs the {who} to discuss it first, with the meeting on record",
    ),
    "reserved_decisions": (
        "以下审查结论不在您的职权内，由有权者决定：",
        "These decisions are not yours to take; they are for:",
    ),
    "all_reserved": (
        "本案的审查结论均不在您的职权内，由有权者决定：",
        "None of this case's decisions is yours to take; they are for:",
    ),
    "approval_note": (
        "职权清单保留的决定由审批人（部门负责人、检察长或副检察长）在此批准并记录；承办人只能记录无需审批的决定。",
        "A decision the powers list reserves is approved and recorded here by its approver; the handler records only those it does not reserve.",
    ),
    "assign": ("分案", "Assign"),
    "assign_random": ("随机分案（按工作量加权）", "Random (weighted by workload)"),
    "designate": ("指定承办人", "Designate"),
    "designate_reason": ("指定理由（指定分案必填）", "Reason (required to designate)"),
    "open_cases_n": ("在办 {n} 件", "{n} open"),
    "assignments": ("分案记录", "Assignments"),
    "candidates": ("候选人数", "Candidates"),
    "redraw": ("按记录复核抽取", "Re-drawn from the record"),
    "recuse": ("回避", "Recusal"),
    "recuse_submit": ("记录回避", "Record the recusal"),
    "recused": ("已回避人员", "Recused"),
    "by": ("操作人", "By"),
    "at": ("时间", "At"),
    "accounts": ("账号与角色", "Accounts and roles"),
    "accounts_note": (
        "为本院及下级院人员设置登录账号或重置密码（重置后其原有登录全部失效）；单位取自人员名单，角色亦取自人员名单，除非在此变更（平台记录，重新导入人员名单后仍然有效；变更后其原有登录全部失效）。",
        "Set a login or reset the password of staff of your units (a reset ends their sessions); the unit comes from the staff list, the role too unless changed here (a platform record that a re-import of the staff list leaves standing; a change ends their sessions).",
    ),
    "workbench": ("今日工作", "Due today"),
    "wb_opinions": ("件会诊待您提出意见", "consultations waiting for your opinion"),
    "wb_forms_grade": ("份评查表待您评定", "review forms for you to grade"),
    "wb_forms_decide": ("份评查结果待您决定", "graded reviews for you to decide"),
    "wb_nothing": ("今日没有待您处理的事项", "nothing waits for you today"),
    "wb_deadlines": (
        "件在办案件法定期限临期、今日到期或已超期",
        "open cases whose legal deadline is near, today or past",
    ),
    "wb_answers": ("件会诊意见待您采纳或不采纳", "panel opinions for you to adopt or decline"),
    "wb_gate": (
        "件已作决定的案件未通过每案必检（自检或复核未完成）",
        "decided cases held at the every-case check (self-check or verification)",
    ),
    "wb_verify": ("件已作决定的案件待您复核", "decided cases waiting for your verification"),
    "wb_escalate": (
        "条台账事项到升级时限（提醒 → 督促 → 通报）",
        "ledger entries due to move up (reminder → urging → notice)",
    ),
    "wb_gate_unit": (
        "件已作决定的案件未通过每案必检",
        "decided cases held at the every-case check",
    ),
    "due_what": ("待办事项", "What waits"),
    "due_on": ("期限", "Due"),
    "due_none": ("没有待办事项", "nothing waits"),
    "due_count": ("共 {n} 件", "{n} in all"),
    "role_change": ("变更角色", "Change the role"),
    "role_new": ("新角色", "New role"),
    "role_reason": ("理由（必填）", "Reason (required)"),
    "role_saved": ("角色已变更：{name} 现为{role}", "role changed: {name} is now {role}"),
    "role_granted": (
        "平台授予；人员名单为{listed}",
        "granted on the platform; the staff list says {listed}",
    ),
    "role_back": ("撤销平台授予，恢复人员名单角色", "withdraw the grant: back to the staff list's"),
    "role_self": ("本人角色不能自行变更", "your own role is not yours to change"),
    "role": ("角色", "Role"),
    "has_account": ("已开通", "has a login"),
    "set_password": ("设置/重置密码", "Set / reset the password"),
    "new_password": ("新密码（至少 8 个字符）", "New password (8 characters or more)"),
    "account_saved": ("账号已设置：{name}", "account set: {name}"),
    "calendar": ("工作日历", "Working-day calendar"),
    "calendar_note": (
        "国务院办公厅节假日安排通知；新一年的通知发布后在此上传（TOML，格式同内置日历），重启服务后用于期限推算。",
        "The State Council's holiday notices; upload next year's when published (TOML, as the packaged calendar); used for due dates after a restart.",
    ),
    "notice": ("通知", "Notice"),
    "notice_date": ("发布日期", "Published"),
    "holidays": ("放假安排", "Holidays"),
    "workdays": ("调休上班日", "Make-up working days"),
    "upload_notice": ("上传通知文件", "Upload a notice"),
    "upload": ("上传", "Upload"),
    "notice_added": (
        "已添加 {years} 年的节假日安排（重启服务后生效）",
        "added the schedule for {years} (takes effect after a restart)",
    ),
    "too_large": (
        "上传文件过大（上限 {limit} KB）",
        "the upload is too large (at most {limit} KB)",
    ),
    "plan": ("评查计划", "Review plan"),
    "make_plan": ("制定年度评查计划", "Draw the year's plan"),
    "assign_reviewers": ("分配评查人", "Assign reviewers"),
    "plan_cases": ("计划评查 {n} 件", "{n} cases planned"),
    "seed": ("随机种子", "Seed"),
    "no_plan": ("本年度尚无评查计划", "no plan for this year yet"),
    "evaluation": ("对院评价与对人考核", "Unit evaluation and person assessment"),
    "evaluation_note": (
        "依据当年正负面清单与办结案件；按单位、人员编号排列，不作排名。",
        "From the year's lists and closed cases; in code order, never a ranking.",
    ),
    "closed_cases": ("办结案件", "Closed cases"),
    "positive_n": ("正面条目", "Positive"),
    "negative_weight": ("负面（计权）", "Negative (weighted)"),
    "rate": ("比率", "Rate"),
    "interval": ("95% 区间", "95% interval"),
    "small_sample": ("样本过少，不作判断", "too few cases to judge"),
    "build_lists": ("依据记录重新生成清单", "Rebuild the lists from the records"),
    "add_entry": ("录入清单条目（附证据）", "Add an entry (with its evidence)"),
    "evidence_ref": ("证据（文号、链接或案号）", "Evidence (document no., link or case)"),
    "tolerate": ("容错免责", "Tolerate"),
    "cause": ("客观原因", "Objective cause"),
    "choose": ("请选择", "choose"),
    "reason_shown": ("理由", "Reason"),
    "funnel_ratio": (
        "比值类指标（如案-件比）不是比例，不作漏斗图比较",
        "a ratio (such as 案-件比) is not a proportion: no funnel plot",
    ),
    "funnel_unavailable": (
        "部分单位分子大于分母（口径不一致），暂不作漏斗图比较",
        "some units count more in the numerator than the denominator: no funnel plot",
    ),
}


# Notes the national export writes as codes (whose opinion was heard, 第173条)
NOTE_WORDS: dict[str, tuple[str, str]] = {
    "defender": ("辩护人", "defender"),
    "duty_lawyer": ("值班律师", "duty lawyer"),
    "victim": ("被害人", "victim"),
    "agent": ("诉讼代理人", "agent"),
}


class Words:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else "zh"
        self._i = 1 if self.lang == "en" else 0

    def __call__(self, key: str) -> str:
        pair = WORDS.get(key)
        return pair[self._i] if pair else key

    def document(self, doc_type: str, text: str | None = None) -> str:
        """A document type's name. A type the platform does not know is named by the title its
        text opens with (检察建议书 …), else 其他文书 — never by its code."""
        label = document_label(doc_type, self.lang)
        if label != doc_type:
            return label
        first = (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""
        title = re.search(r"[\u4e00-\u9fff]{2,16}(书|告|函|单|表|决定|意见)", first)
        if title and self.lang == "zh":
            return title.group(0)
        return self.say("其他文书", "other document")

    def say(self, zh: str, en: str) -> str:
        return en if self._i else zh

    def fmt(self, key: str, **values: object) -> str:
        return self(key).format(**values)

    def label(self, vocabulary: type[Vocabulary], code: str | None) -> str:
        """A stored code of ``vocabulary`` by its name (the code itself when unknown)."""
        if not code:
            return "—"
        try:
            return vocabulary(code).label(self.lang)
        except ValueError:
            return code

    def note(self, event_type: object, note: str, lang: str | None = None) -> str:
        """An event's note in words: a decision's code by its name, a consultation answer as
        采纳 / 不采纳：理由, a random assignment as 随机分案 with its seed."""
        text = note.strip()
        if text == ACCEPTED:
            return self("accept")
        if text.startswith(DECLINED):
            return self.say("不采纳：", "declined: ") + text[len(DECLINED) :].strip()
        if text in NOTE_WORDS:
            zh, en = NOTE_WORDS[text]
            return self.say(zh, en)
        seed = re.fullmatch(r"seed=(\S+)", text)
        if seed:  # the seed is kept, so that anyone may draw again and get the same handler
            return self.say(f"随机分案（随机种子 {seed.group(1)}）",
                            f"random assignment (seed {seed.group(1)})")  # fmt: skip
        try:
            return DecisionType(text).label(self.lang)
        except ValueError:
            return note
