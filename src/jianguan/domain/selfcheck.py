"""One-click self-check (一键自检): card ↔ document consistency and required documents (pure).

Rules are data (``rules/selfcheck.toml``); each names one of the checks below. The definitions
are those of ``jianguan.synth.defects`` (which plants the defects we are measured on):

* ``charge_mismatch``: a prosecuted case whose indictment text lacks a charge on the card, or
  names (after 涉嫌 / 以 / 构成 / 犯) a charge that is not on the card.
* ``date_mismatch``: a decided review whose decision document is dated other than the decision.
* ``document_missing``: a decided review without the document its decision requires.
* ``plea_statement_missing``: a decided prosecution review with a 认罪认罚 suspect and no signed
  statement (刑事诉讼法 第174条).
* ``archived_unchecked``: archived without a self-check or without a verification (每案必检).
* ``consultation_unanswered``: closed with a consultation opinion not answered on or after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jianguan.domain.doctext import document_date, find_charges
from jianguan.domain.model import Case, Document, EventType
from jianguan.domain.monitoring import Finding

Param = str | int | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CheckRule:
    id: str
    title: str
    kind: str
    severity: str
    basis: tuple[str, ...]
    scope: frozenset[str]
    check: str
    params: Mapping[str, Param]

    def mapping(self, name: str) -> Mapping[str, str]:
        value = self.params.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def text(self, name: str) -> str:
        return str(self.params[name])


@dataclass(frozen=True, slots=True)
class CheckRuleSet:
    rules: tuple[CheckRule, ...]

    def by_id(self, rule_id: str) -> CheckRule:
        return next(r for r in self.rules if r.id == rule_id)


# A check gives the findings' (due date, explanation) pairs for one case.
Hit = tuple[dt.date | None, str]
Check = Callable[[Case, CheckRule], list[Hit]]


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


def check_charges(case: Case, rule: CheckRule) -> list[Hit]:
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


def check_decision_date(case: Case, rule: CheckRule) -> list[Hit]:
    found = _decision_documents(case, rule)
    if found is None or not found[1] or case.decision is None:
        return []
    doc_type, docs = found
    on = case.decision.on
    if any(d.issued_on == on and not _text_date_differs(d, on) for d in docs):
        return []
    dates = "、".join(sorted({d.issued_on.isoformat() for d in docs}))
    return [(on, f"案卡决定日期 {on.isoformat()} 与{_doc_zh(rule, doc_type)}日期 {dates} 不一致")]


def check_decision_document(case: Case, rule: CheckRule) -> list[Hit]:
    found = _decision_documents(case, rule)
    if found is None or found[1] or case.decision is None:
        return []
    return [(case.decision.on, f"已作出决定，缺少{_doc_zh(rule, found[0])}")]


def check_plea_statement(case: Case, rule: CheckRule) -> list[Hit]:
    if case.decision is None or not any(s.plea_leniency for s in case.suspects):
        return []
    if any(d.type == rule.text("document") for d in case.documents):
        return []
    names = "、".join(s.name for s in case.suspects if s.plea_leniency)
    return [(case.decision.on, f"犯罪嫌疑人{names}认罪认罚，缺少签署的认罪认罚具结书")]


def check_archived(case: Case, rule: CheckRule) -> list[Hit]:
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


def check_consultation(case: Case, rule: CheckRule) -> list[Hit]:
    if case.closed_on is None:
        return []
    opinions = sorted(e.on for e in case.events_of(EventType.CONSULTATION_OPINION))
    answers = sorted(e.on for e in case.events_of(EventType.CONSULTATION_ANSWERED))
    open_ = []
    for day in opinions:  # each answer settles one opinion given on or before it
        match = next((a for a in answers if a >= day), None)
        if match is None:
            open_.append(day)
        else:
            answers.remove(match)
    if not open_:
        return []
    days = "、".join(d.isoformat() for d in open_)
    return [(case.closed_on, f"案件已办结，{days} 的会诊意见未作采纳或不采纳的答复")]


CHECKS: dict[str, Check] = {
    "charges_match_document": check_charges,
    "decision_date_matches_document": check_decision_date,
    "decision_has_document": check_decision_document,
    "plea_statement_present": check_plea_statement,
    "archived_checked": check_archived,
    "consultation_answered": check_consultation,
}


def evaluate_selfcheck(case: Case, rules: CheckRuleSet) -> list[Finding]:
    """Every self-check finding for one case."""
    out: list[Finding] = []
    for rule in rules.rules:
        if case.category.value not in rule.scope:
            continue
        for due, why in CHECKS[rule.check](case, rule):
            out.append(
                Finding(
                    case.case_id, rule.id, rule.kind, rule.severity, due, rule.basis, why, case.unit
                )
            )
    return out
