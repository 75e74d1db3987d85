"""Planted defects: what each kind means here, exactly, and how a case is picked to carry one.

The monitoring and self-check engines are measured against ``defects.jsonl``; they implement the
same definitions. ``as_of`` is the data set's end (manifest ``as_of``): nothing after it is in the
data, and a duty whose deadline has not passed by then is not (yet) a defect.

Periods (刑事诉讼法 第105条 on counting; ``jianguan.domain.periods``):

* A case is *in custody* when any of its suspects has ``in_custody`` true.
* For a due date, ``raw`` is the end of the period and ``due`` is ``settle(raw, calendar,
  in_custody=...)`` (a rest-day end moves to the next working day unless in custody). The
  generator is robust to either reading of custody: clean cases act on or before ``raw``;
  planted lateness is at least 2 days (notices: 1 day) after the end moved as if not in custody.
* Arrest review (刑诉法 第91条, 规则 第282条): ``add_days(received_on, P)``, P = 7 if in custody,
  else 20 if ``major_complex``, else 15.
* Prosecution review (刑诉法 第172条, 第175条): the review *base* is ``received_on`` or the date of
  the last ``retransferred`` event. Fast track (all suspects ``fast_track``): ``add_days(base,
  10)``; when any suspect's ``likely_sentence_months`` > 12 the period "可以延长至十五日": with an
  ``extension_approved`` event on or after the base it ends ``add_days(base, 15)``. Otherwise one
  month ``add_months(base, 1)``; a ``major_complex`` case "可以延长十五日": with an
  ``extension_approved`` event on or after the base the end is ``add_days(add_months(base, 1),
  15)`` (15 days added to the unmoved one-month end). An extension recorded for any other case
  changes nothing. The *legal due date* is the end with the extension when one was approved and
  allowed, else the end without; the *window* is the end an extension would give.
* An open case whose last ``returned_for_investigation`` has no later ``retransferred`` is with
  the investigators: its review period is not running and it is not overdue.
* The 3-day duties run from ``received_on`` (never restarted): ``add_days(received_on, 3)``.

Kinds (one per planted case; a clean case has none of them, as of ``as_of``):

``review_overdue``
    Arrest review or prosecution review decided after its legal due date, or open at ``as_of``
    after it — approved or not, extendable or not.
``extension_unapproved``
    Prosecution review that could have been extended (major, or fast track over one year),
    without an ``extension_approved`` event (on or after the base), decided after the legal due
    date but on or before the window's end. Such a case is ``review_overdue`` as well, and
    defects.jsonl names it with both kinds (``IMPLIES``).
``counsel_notice_late``
    Prosecution review with a suspect that has no ``counsel_notified`` event (party = the
    suspect) on or before the 3-day due date, once that due date is before ``as_of``.
``victim_notice_late``
    Prosecution review with a victim without a ``victim_notified`` event within 3 days (same test).
``legal_aid_missing``
    Arrest or prosecution review with a suspect who is a minor, has a disability, or has
    ``likely_sentence`` ``life`` or ``death`` (刑诉法 第35条第3款; 规则 第42条), has
    ``has_counsel`` false, and has no ``legal_aid_requested`` event (party = the suspect) within
    3 days (same test). Suspects likely to face over 10 years have counsel, except the three in
    ten of them written with a life or death band (``likely_sentence_months`` null), of whom
    four in ten have none.
``return_limit_exceeded``
    More than two ``returned_for_investigation`` events (刑诉法 第175条 第3款: at most twice).
``return_outline_missing``
    A ``returned_for_investigation`` event without an ``investigation_outline`` document issued
    the same day (规则 第342条); outlines and returns are matched one to one by date.
``approval_missing``
    A decision that needs the chief's approval — ``deny_arrest``, ``not_prosecute``, ``protest``,
    ``file_suit``, or any decision of a ``major_complex`` case (组织法 第29条; 规则 第4条) — with
    ``approved_by`` null and no ``approval`` event. Other decisions have ``approved_by`` null.
``plea_statement_missing``
    Decided prosecution review with a ``plea_leniency`` suspect who must sign a statement
    (刑诉法 第174条第1款) and has no ``plea_statement`` document signed by their name (the text's
    ``犯罪嫌疑人：<name>`` line) dated on or before the indictment (the decision when there is
    none) with a defender or duty lawyer signing as present (a ``辩护人：<name>`` or
    ``值班律师：<name>`` line). 第174条第2款: no statement is needed from a blind, deaf, mute or
    mentally ill suspect (``disability``), nor from a minor whose legal representative or
    defender objected (a ``plea_objection`` event, party = the minor, on or before the
    decision). Clean cases have one per suspect who must sign, dated no later than the decision
    document; half of the exempt disabled suspects and every objecting minor sign none (the
    negatives). Planted (one variant per case): every statement left out, one of several
    suspects' left out, one dated 1–3 days after the indictment, or one with the lawyer's part
    blank.
``charge_mismatch``
    Prosecuted case (decision ``prosecute``) whose ``indictment`` text lacks a charge on the card
    or names a charge (from the list of offences) that is not on the card.
``date_mismatch``
    Decided arrest or prosecution review whose decision document (``indictment``,
    ``non_prosecution_decision``, ``arrest_approval``, ``arrest_denial``) has ``issued_on`` other
    than ``decision.on``.
``document_missing``
    Decided arrest or prosecution review (decision other than ``transfer``) without its decision
    document (the four types above, by decision type).
``archived_unchecked``
    Archived case (``archived_on`` set) without a ``self_check`` or without a ``verification`` event.
``consultation_unanswered``
    Closed case with a ``consultation_opinion`` not followed (same day or later) by a
    ``consultation_answered`` event (note ``accepted`` or ``declined: <reason>``).
``family_notice_late``
    ``approve_arrest`` case with a suspect not told within 24 hours of the arrest (刑诉法 第93条
    "除无法通知的以外，应当在逮捕后二十四小时以内，通知被逮捕人的家属"). The arrest is the
    suspect's first ``arrest_executed`` event (its time the earliest ``at`` that day), else the
    decision day. A ``family_notified`` event (party = the suspect) is in time when, both it and
    the arrest carrying ``at``, it is at most 24 hours after; otherwise when it is on or before
    the day after the arrest. A ``family_notified`` whose note begins ``无法通知`` excuses the
    suspect. Judged once ``as_of`` is past the day after the arrest. Clean: the arrest on the
    approval day or (1 in 5) the next, the notice that day after it or the next day at most at
    its hour (6 in 10 with ``at``), or (1 in 50) 无法通知 recorded.

``name_mismatch``
    Decided arrest or prosecution review whose decision document (the four types above) lacks
    the name of a suspect on the card, or names (after 被告人 / 犯罪嫌疑人 / 被不起诉人) someone
    who is not on it. Planted: one suspect's name replaced by another throughout that document.
``document_no_invalid``
    The decision document's number (文号) is not ``<院简称>检<代字>〔<year of issue>〕<serial>号``
    with the type's 代字 (刑诉, 刑不诉, 刑批捕, 刑不捕), or the first number printed in its text
    differs from it. Planted: （） brackets, last year's number, or another serial in the text.
``card_incomplete``
    Arrest or prosecution review without charges or without suspects; a closed case without a
    decision; a convicted defendant without a sentence. Planted: the charges of a decided arrest
    review, or of a prosecution review not prosecuted, left out.
``approval_missing`` (as judged by the default powers list, ``rules/powers.toml``)
    Besides the card's ``approved_by`` and the ``approval`` event, the approver's role counts:
    the chief, or a deputy chief where the list lets the chief delegate; a major case's decision
    is the chief's own (the generator has the chief approve every major case).

``return_overdue``
    Prosecution review with a ``returned_for_investigation`` event whose first ``retransferred``
    event on or after it is later than ``add_months(return, 1)`` (刑诉法 第175条第3款: 补充侦查
    一个月以内完毕), or that has none while ``as_of`` is past that end. Planted: the first return
    comes back 2–5 days after the month's end moved to a working day, or (3 in 10) the case is
    still with the investigators at ``as_of``, a month and more after the return.
``opinions_unheard``
    Decided prosecution review where a suspect or a victim has no ``opinion_heard`` event
    (party = that suspect, its defender or duty lawyer heard — note ``defender`` |
    ``duty_lawyer``; or that victim — note ``victim``) on or before ``decision.on`` (刑诉法
    第173条). Planted: the first suspect's hearing left out.
``custody_necessity_late``
    Arrest or prosecution review with a ``necessity_applied`` event whose first
    ``necessity_answered`` event (same party) on or after it is later than ``add_days(applied,
    10)``, or that has none while ``as_of`` is past it (刑诉法 第95条; a custody period, never
    moved). Clean: one in ten prosecution reviews with a suspect in custody has an application,
    answered within the ten days. Planted: no answer, or one 2–4 days after the end moved.
``minor_guardian_absent``
    Arrest or prosecution review where a ``questioned`` event of a ``minor`` suspect has no
    ``guardian_present`` event for the same suspect on the same day (刑诉法 第281条). Clean:
    every questioning of a minor has one. Planted: left out for the first minor.
``public_interest_reply_overdue``
    Public-interest case with a ``public_interest_notice`` event whose first
    ``public_interest_reply`` on or after it is later than ``add_months_civil(notice, 2)`` (the
    civil month rule; 解释 第21条), or that has none while ``as_of`` is past it. Clean: every
    recommendation (decision ``recommendation``) has its notice on the decision day and a reply
    15–55 days later. Planted: no reply, or one 2–6 days after the end moved.

Events that format 1.1 added and the generator writes for clean cases too: ``arrest_executed``
(each suspect of an approved arrest, on the decision day or the next, with ``at``), ``opinion_heard``,
``guardian_present``, ``necessity_applied`` / ``necessity_answered``,
``public_interest_notice`` / ``public_interest_reply``.

``review_due_soon`` is a warning, never planted.

How a planted case looks (one kind per case, everything else about it clean): ``review_overdue``
decided 2–5 days after the moved end of the window (open at ``as_of`` when that is later), so it
is overdue only; ``extension_unapproved`` decided between the moved legal due date + 2 and the
unmoved end of the window, with no extension; the three notice kinds leave out the first party's event
or put it 1–3 days after the moved 3-day end; ``return_limit_exceeded`` has three returns, each
with its outline; ``return_outline_missing`` leaves out one outline (adding a return if there was
none); ``approval_missing`` leaves out both ``approved_by`` and the event; ``plea_statement_missing``
is one of its four variants (above); ``charge_mismatch`` names another offence in the indictment in place
of one on the card; ``date_mismatch`` dates the decision document 1–3 days before
``decision.on``; ``document_missing`` leaves it out; ``archived_unchecked`` leaves out the
self-check, the verification or both; ``consultation_unanswered`` has an opinion and no answer;
``family_notice_late`` leaves out the first suspect's notice, puts it 2–4 calendar days after
the arrest, or puts it the next day 1–60 minutes past the 24 hours (with ``at``). The list of offences is ``jianguan.synth.charges.CHARGE_NAMES``; no name in it
contains another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jianguan.synth.common import Ctx

KINDS: tuple[str, ...] = (
    "review_overdue",
    "extension_unapproved",
    "counsel_notice_late",
    "victim_notice_late",
    "legal_aid_missing",
    "return_limit_exceeded",
    "return_outline_missing",
    "approval_missing",
    "plea_statement_missing",
    "charge_mismatch",
    "date_mismatch",
    "document_missing",
    "archived_unchecked",
    "consultation_unanswered",
    "family_notice_late",
    "name_mismatch",
    "document_no_invalid",
    "card_incomplete",
    "return_overdue",
    "opinions_unheard",
    "custody_necessity_late",
    "minor_guardian_absent",
    "public_interest_reply_overdue",
)


# A planted kind that is, by definition, also another: a case decided inside the extension window
# without an approved extension is past its legal due date too (刑事诉讼法 第172条第1款).
# defects.jsonl lists both rows, and the manifest counts both.
IMPLIES: dict[str, tuple[str, ...]] = {"extension_unapproved": ("review_overdue",)}


# Kinds few cases are eligible for get more weight among the eligible ones, so that each is planted
# often enough to be measured (only a major case, or a fast-track one likely to be sentenced over
# a year, can carry extension_unapproved; only a case with a minor, minor_guardian_absent).
WEIGHTS: dict[str, float] = {
    "extension_unapproved": 12.0,
    "custody_necessity_late": 4.0,  # prosecution reviews with a suspect in custody
    "minor_guardian_absent": 6.0,  # cases with a minor suspect
    "legal_aid_missing": 8.0,  # a minor, disabled or life/death suspect without counsel
    "plea_statement_missing": 3.0,  # four variants (one needs two suspects who must sign)
}


def choose(ctx: Ctx, eligible: list[str]) -> str:
    """The kind to plant in this case, or "" for none.

    A case is drawn with probability ``defect_rate``; the kind is drawn among those eligible
    for it, uniformly but for ``WEIGHTS``. A drawn case with no eligible kind passes its turn on
    to the next eligible case of the chunk, so that the share of defective cases stays close to
    the rate.
    """
    if ctx.rate <= 0.0:
        return ""
    drawn = ctx.rng.random() < ctx.rate
    if not drawn and not ctx.debt:
        return ""
    if not eligible:
        ctx.debt += drawn
        return ""
    if not drawn:
        ctx.debt -= 1
    weights = [WEIGHTS.get(k, 1.0) for k in eligible]
    pick = ctx.rng.random() * sum(weights)
    for kind, weight in zip(eligible, weights, strict=True):
        pick -= weight
        if pick < 0:
            return kind
    return eligible[-1]
