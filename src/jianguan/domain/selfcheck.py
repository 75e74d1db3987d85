"""One-click self-check (一键自检): card ↔ document consistency and required documents (pure).

Rules are data (``rules/selfcheck.toml``); each names one of the checks below. The definitions
are those of ``jianguan.synth.defects`` (which plants the defects we are measured on):

* ``charge_mismatch``: a prosecuted case whose indictment text lacks a charge on the card, or
  names (after 涉嫌 / 以 / 构成 / 犯) a charge that is not on the card.
* ``date_mismatch``: a decided review whose decision document is dated other than the decision.
* ``document_missing``: a decided review without the document its decision requires.
* ``plea_statement_missing``: a decided prosecution review with a 认罪认罚 suspect who must sign a
  statement (刑事诉讼法 第174条第1款; not one 第2款 exempts: blind, deaf, mute, mentally ill, or a
  minor whose legal representative or defender objected) and has none signed by their name, none
  dated on or before the indictment, or none that a defender or duty lawyer signed as present.
* ``archived_unchecked``: archived without a self-check or without a verification (每案必检).
* ``consultation_unanswered``: closed with a consultation opinion not answered on or after it
  (``accepted``, or ``declined: <reason>`` — a decline without its reason answers nothing).
* ``approval_missing``: a decision the powers list (职权清单, ``domain.powers``) reserves, without
  an approval by someone the list allows (组织法 第29条; 规则 第4条).
* ``name_mismatch``: the decision document does not name a suspect on the card, or names a
  defendant who is not on it.
* ``document_no_invalid``: the decision document's number (文号) is not of the form
  ``深福检刑诉〔2025〕123号`` (院简称 + 检 + 代字 + 〔issue year〕 + serial + 号), or its text
  gives another number.
* ``card_incomplete``: the card lacks what its category needs (charges and suspects of a
  criminal case; the decision of a closed case; the sentence of a convicted defendant).
* ``review_form_incomplete``: a decided case that went to the initial-review panel (线上会诊,
  ``domain.consultation``) without its review form (审查表) for the case type, or with a required
  question of it unanswered.
* ``panel_opinion_missing``: a member of the case's panel has not given an opinion (漏评).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from jianguan.domain.consultation import (
    ConsultationFile,
    ConsultationRules,
    form_missing,
    opinions_pending,
)
from jianguan.domain.doctext import (
    document_date,
    find_charges,
    find_defendant_names,
    find_document_nos,
    parse_document_no,
    plea_statement_signers,
    plea_statement_witnesses,
)
from jianguan.domain.gates import unanswered_opinions
from jianguan.domain.model import (
    Case,
    Disability,
    Document,
    EventType,
    OutcomeType,
    Person,
    Suspect,
)
from jianguan.domain.monitoring import Finding, FindingKind, Severity
from jianguan.domain.powers import PowersBook, approval_problem, recorded_approver

Param = str | int | Mapping[str, str] | Mapping[str, list[str]]


@dataclass(frozen=True, slots=True)
class CheckRule:
    id: str
    title: str
    kind: FindingKind
    severity: Severity
    basis: tuple[str, ...]
    scope: frozenset[str]
    check: str
    params: Mapping[str, Param]

    def mapping(self, name: str) -> Mapping[str, str]:
        value = self.params.get(name, {})
        return (
            {k: v for k, v in value.items() if isinstance(v, str)}
            if isinstance(value, Mapping)
            else {}
        )

    def lists(self, name: str) -> Mapping[str, list[str]]:
        value = self.params.get(name, {})
        if not isinstance(value, Mapping):
            return {}
        return {k: v for k, v in value.items() if isinstance(v, list)}

    def text(self, name: str) -> str:
        return str(self.params[name])


@dataclass(frozen=True, slots=True)
class CheckRuleSet:
    rules: tuple[CheckRule, ...]

    def by_id(self, rule_id: str) -> CheckRule:
        return next(r for r in self.rules if r.id == rule_id)


@dataclass(frozen=True, slots=True)
class CheckEnv:
    """What some checks need beyond the case: the staff (for roles), the powers lists, and
    the consultation (线上会诊) the platform holds of the cases checked, with its rules."""

    people: Mapping[str, Person]
    powers: PowersBook | None
    consultation: Mapping[str, ConsultationFile] = field(default_factory=dict)
    consultation_rules: ConsultationRules | None = None

    @classmethod
    def bare(cls) -> CheckEnv:
        return cls({}, None)


# A check gives the findings' (due date, explanation) pairs for one case.
Hit = tuple[dt.date | None, str]
Check = Callable[[Case, CheckRule, CheckEnv], list[Hit]]


def _decision_documents(case: Case, rule: CheckRule) -> tuple[str, list[Document]] | None:
    """The document type the decision requires and the case's documents of that type."""
    if case.decision is None:
        return None
    doc_type = rule.mapping("documents").get(case.decision.type.value)
    if doc_type is None:
        return None
    return doc_type, [d for d in case.documents if d.type == doc_type]


def _doc_zh(rule: CheckRule, doc_type: str) -> str:
    return rule.mapping("names").get(doc_type, doc_type)


def check_charges(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if case.decision is None or case.decision.type.value != rule.text("decision"):
        return []
    texts = [d.text for d in case.documents if d.type == rule.text("document") and d.text]
    if not texts:
        return []  # a missing indictment is document_missing
    text = "\n".join(texts)
    card = list(dict.fromkeys(case.charges))
    named = set(find_charges(text, card))
    missing = [c for c in card if c not in named]
    extra = [c for c in find_charges(text) if c not in card and not any(k in c for k in card)]
    hits: list[Hit] = []
    day = case.decision.on
    if missing:
        listed = "、".join(f"“{c}”" for c in missing)
        hits.append((day, f"案卡罪名{listed}未见于起诉书"))
    if extra:
        listed = "、".join(f"“{c}”" for c in extra)
        hits.append((day, f"起诉书所列罪名{listed}未见于案卡"))
    if not hits:
        return []
    return [(day, "；".join(h[1] for h in hits))]


def _text_date_differs(doc: Document, on: dt.date) -> bool:
    """The date written in the document's text (落款日期) is another day than ``on``."""
    written = document_date(doc.text) if doc.text else None
    return written is not None and written != on


def check_decision_date(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    found = _decision_documents(case, rule)
    if found is None or not found[1] or case.decision is None:
        return []
    doc_type, docs = found
    on = case.decision.on
    if any(d.issued_on == on and not _text_date_differs(d, on) for d in docs):
        return []
    dates = "、".join(sorted({d.issued_on.isoformat() for d in docs}))
    return [(on, f"案卡决定日期 {on.isoformat()} 与{_doc_zh(rule, doc_type)}日期 {dates} 不一致")]


def check_decision_document(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    found = _decision_documents(case, rule)
    if found is None or found[1] or case.decision is None:
        return []
    return [(case.decision.on, f"已作出决定，缺少{_doc_zh(rule, found[0])}")]


# 刑诉法 第174条第2款: "犯罪嫌疑人认罪认罚，有下列情形之一的，不需要签署认罪认罚具结书：（一）犯罪
# 嫌疑人是盲、聋、哑人，或者是尚未完全丧失辨认或者控制自己行为能力的精神病人的；（二）未成年犯罪嫌
# 疑人的法定代理人、辩护人对未成年人认罪认罚有异议的". A mentally ill person who has completely lost
# that capacity bears no criminal responsibility (刑法 第18条第1款) and is not prosecuted, so every
# ``mental`` suspect who pleads falls under (一).
NO_STATEMENT_NEEDED = frozenset(
    {Disability.BLIND, Disability.DEAF, Disability.MUTE, Disability.MENTAL}
)


def statement_needed(case: Case, suspect: Suspect, objection: EventType, by: dt.date) -> bool:
    """Whether a pleading suspect must sign a statement (刑诉法 第174条): not when 第2款 applies —
    a blind, deaf, mute or mentally ill suspect, or a minor whose legal representative or
    defender objected to the plea (an ``objection`` event for the suspect on or before ``by``)."""
    if not suspect.plea_leniency or suspect.disability in NO_STATEMENT_NEEDED:
        return False
    objected = any(
        e.type is objection and e.party == suspect.id and e.on <= by for e in case.events
    )
    return not (suspect.minor and objected)


def _statement_bound(case: Case, rule: CheckRule) -> tuple[dt.date, str]:
    """The day a statement must be signed by: the indictment's (the earliest, if several), else
    the decision's (a non-prosecution also rests on the plea)."""
    assert case.decision is not None
    bound = rule.text("bound")
    issued = [d.issued_on for d in case.documents if d.type == bound]
    if issued:
        return min(issued), _doc_zh(rule, bound)
    return case.decision.on, "审查结论"


def _statement_problems(case: Case, rule: CheckRule) -> list[str]:
    """Per pleading suspect who must sign (第174条第1款 "应当在辩护人或者值班律师在场的情况下签署认罪
    认罚具结书"): a statement attributed to them (signed by their name), dated no later than the
    indictment, with a defender or duty lawyer signing as present. A statement without text says
    neither who signed nor who was present (format 1.0 allows it): each such statement, dated in
    time, stands for one suspect who has no named one."""
    assert case.decision is not None
    doc_type = rule.text("document")
    objection = EventType(rule.text("objection"))
    by, by_zh = _statement_bound(case, rule)
    needed = [s for s in case.suspects if statement_needed(case, s, objection, case.decision.on)]
    statements = [d for d in case.documents if d.type == doc_type]
    named: dict[str, list[Document]] = {}
    for d in statements:
        for signer in plea_statement_signers(d.text) if d.text else ():
            named.setdefault(signer, []).append(d)
    unnamed = sorted(d.issued_on for d in statements if not d.text)
    problems = []
    for s in needed:
        mine = named.get(s.name, [])
        if not mine:
            if unnamed and unnamed[0] <= by:
                unnamed.pop(0)
                continue
            problems.append(f"犯罪嫌疑人{s.name}认罪认罚，缺少其签署的认罪认罚具结书")
            continue
        in_time = [d for d in mine if d.issued_on <= by]
        if not in_time:
            dates = "、".join(sorted({d.issued_on.isoformat() for d in mine}))
            problems.append(
                f"犯罪嫌疑人{s.name}的认罪认罚具结书签署于 {dates}，晚于{by_zh}（{by.isoformat()}）"
            )
            continue
        if not any(d.text and plea_statement_witnesses(d.text) for d in in_time):
            problems.append(f"犯罪嫌疑人{s.name}的认罪认罚具结书未载明辩护人或者值班律师在场签署")
    return problems


def check_plea_statement(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if case.decision is None:
        return []
    problems = _statement_problems(case, rule)
    return [(case.decision.on, "；".join(problems))] if problems else []


def check_archived(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if case.archived_on is None:
        return []
    lacking = [
        label
        for kind, label in ((EventType.SELF_CHECK, "承办人自检"), (EventType.VERIFICATION, "复核"))
        if not case.events_of(kind)
    ]
    if not lacking:
        return []
    return [(case.archived_on, f"案件已归档，但无{'、'.join(lacking)}记录（每案必检）")]


def check_consultation(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if case.closed_on is None:
        return []
    open_ = unanswered_opinions(case)
    if not open_:
        return []
    days = "、".join(d.isoformat() for d in open_)
    return [(case.closed_on, f"案件已办结，{days} 的会诊意见未作采纳或不采纳（附理由）的答复")]


def check_review_form(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if env.consultation_rules is None or case.decision is None:
        return []
    why = form_missing(case, env.consultation.get(case.case_id), env.consultation_rules)
    return [] if why is None else [(case.decision.on, why)]


def check_panel_opinions(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    pending = opinions_pending(env.consultation.get(case.case_id))
    if not pending:
        return []
    names = "、".join(
        env.people[m.person].name if m.person in env.people else m.person for m in pending
    )
    day = case.decision.on if case.decision is not None else None
    return [(day, f"初评小组成员{names}尚未提出初评意见（漏评）")]


def check_approval(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    if case.decision is None or env.powers is None:
        return []
    powers = env.powers.for_unit(case.unit)
    why = approval_problem(
        case.decision, recorded_approver(case), case.major_complex, powers, env.people
    )
    return [] if why is None else [(case.decision.on, why)]


def _decision_document(case: Case, rule: CheckRule) -> Document | None:
    found = _decision_documents(case, rule)
    if found is None or not found[1]:
        return None
    return found[1][0]


def check_names(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    doc = _decision_document(case, rule)
    if doc is None or not doc.text or case.decision is None:
        return []
    card = [s.name for s in case.suspects]
    missing = [n for n in card if n not in doc.text]
    extra = [n for n in find_defendant_names(doc.text) if n not in card]
    problems = []
    zh = _doc_zh(rule, doc.type)
    if missing:
        problems.append(f"案卡犯罪嫌疑人{'、'.join(missing)}未见于{zh}")
    if extra:
        problems.append(f"{zh}所列{'、'.join(extra)}不是案卡上的犯罪嫌疑人")
    return [(case.decision.on, "；".join(problems))] if problems else []


def _number_problem(doc: Document, code: str | None) -> str | None:
    if doc.no is None:
        return None  # format v1 allows a document known only by its type and date
    parsed = parse_document_no(doc.no)
    if parsed is None or str(parsed) != doc.no.strip():
        return f"文号“{doc.no}”格式不规范（应为“院简称检代字〔年份〕序号号”）"
    if parsed.year != doc.issued_on.year:
        return f"文号“{doc.no}”的年份 {parsed.year} 与签发日期 {doc.issued_on.isoformat()} 不符"
    if code is not None and parsed.kind != code:
        return f"文号“{doc.no}”的代字“{parsed.kind}”应为“{code}”"
    in_text = find_document_nos(doc.text) if doc.text else []
    if in_text and str(in_text[0]) != doc.no:
        return f"文书正文所载文号“{in_text[0]}”与文号“{doc.no}”不一致"
    return None


def check_document_no(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    doc = _decision_document(case, rule)
    if doc is None or case.decision is None:
        return []
    why = _number_problem(doc, rule.mapping("codes").get(doc.type))
    return [] if why is None else [(case.decision.on, f"{_doc_zh(rule, doc.type)}{why}")]


def check_card(case: Case, rule: CheckRule, env: CheckEnv) -> list[Hit]:
    lacking = []
    for item in rule.lists("required").get(case.category.value, []):
        if item == "charges" and not case.charges:
            lacking.append("罪名")
        elif item == "suspects" and not case.suspects:
            lacking.append("犯罪嫌疑人")
        elif item == "decision" and case.closed_on is not None and case.decision is None:
            lacking.append("审查结论（已办结）")
        elif item == "sentence" and _convicted_without_sentence(case):
            lacking.append("判处刑期（已有罪判决）")
    if not lacking:
        return []
    day = case.decision.on if case.decision else case.received_on
    return [(day, f"案卡缺少必填项：{'、'.join(lacking)}")]


def _convicted_without_sentence(case: Case) -> bool:
    o = case.outcome
    return o is not None and o.type is OutcomeType.CONVICTED and o.sentence_months is None


CHECKS: dict[str, Check] = {
    "approval_present": check_approval,
    "names_match_document": check_names,
    "document_no_well_formed": check_document_no,
    "card_complete": check_card,
    "charges_match_document": check_charges,
    "decision_date_matches_document": check_decision_date,
    "decision_has_document": check_decision_document,
    "plea_statement_present": check_plea_statement,
    "archived_checked": check_archived,
    "consultation_answered": check_consultation,
    "review_form_complete": check_review_form,
    "panel_opinions_given": check_panel_opinions,
}


def evaluate_selfcheck(
    case: Case, rules: CheckRuleSet, env: CheckEnv | None = None
) -> list[Finding]:
    """Every self-check finding for one case (``env`` gives staff roles and the powers lists)."""
    env = env or CheckEnv.bare()
    out: list[Finding] = []
    for rule in rules.rules:
        if case.category.value not in rule.scope:
            continue
        for due, why in CHECKS[rule.check](case, rule, env):
            out.append(
                Finding(
                    case.case_id, rule.id, rule.kind, rule.severity, due, rule.basis, why, case.unit
                )
            )
    return out
