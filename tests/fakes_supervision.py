"""The in-memory supervision repository of ``tests/fakes.FakeUnitOfWork``.

Its state is one object whose copy copies its containers (the values are frozen), so the fake
unit of work's undo-by-copy covers it like the rest of ``State``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jianguan.domain.supervision import Lead, LeadStatus, Matter, Meeting
from jianguan.services.ports.supervision import LeadQuery, MatterQuery


@dataclass
class SupervisionState:
    leads: dict[str, Lead] = field(default_factory=dict)
    matters: dict[str, Matter] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)

    def __copy__(self) -> SupervisionState:
        return SupervisionState(dict(self.leads), dict(self.matters), list(self.meetings))


class FakeSupervision:
    """``root`` is the fake's ``State``: its ``supervision`` is read afresh on each call, since
    a rollback puts a copy of the state back in place of the one seen when binding."""

    def __init__(self, root: Any) -> None:
        self._root = root

    @property
    def st(self) -> SupervisionState:
        state: SupervisionState = self._root.supervision
        return state

    def add_leads(self, leads: Sequence[Lead]) -> None:
        for x in leads:
            assert x.lead_id not in self.st.leads
            self.st.leads[x.lead_id] = x

    def save_lead(self, lead: Lead) -> None:
        self.st.leads[lead.lead_id] = lead

    def lead(self, lead_id: str) -> Lead | None:
        return self.st.leads.get(lead_id)

    def lead_ids(self, lead_ids: Collection[str]) -> set[str]:
        return {i for i in lead_ids if i in self.st.leads}

    def leads_by_key(self, keys: Collection[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for x in sorted(self.st.leads.values(), key=lambda x: x.lead_id):
            if x.key in keys and x.status is not LeadStatus.DUPLICATE:
                out.setdefault(x.key, x.lead_id)
        return out

    def leads(self, query: LeadQuery) -> list[Lead]:
        rows = [
            x
            for x in self.st.leads.values()
            if (query.units is None or x.unit in query.units)
            and (query.status is None or x.status is query.status)
            and (not query.model or x.model == query.model)
        ]
        rows.sort(key=lambda x: x.lead_id)
        rows.sort(key=lambda x: x.received_on, reverse=True)
        return rows[: query.limit]

    def save_matter(self, matter: Matter) -> None:
        self.st.matters[matter.matter_id] = matter

    def add_matters(self, matters: Sequence[Matter]) -> None:
        for m in matters:
            assert m.matter_id not in self.st.matters
            self.st.matters[m.matter_id] = m

    def matter(self, matter_id: str) -> Matter | None:
        return self.st.matters.get(matter_id)

    def matters(self, query: MatterQuery) -> list[Matter]:
        rows = [
            m
            for m in self.st.matters.values()
            if (query.units is None or m.unit in query.units)
            and (query.handler is None or m.handler == query.handler)
            and (not query.open_only or m.closed_on is None)
        ]
        rows.sort(key=lambda m: m.matter_id)
        rows.sort(key=lambda m: m.registered_on, reverse=True)
        return rows[: query.limit]

    def iter_matters(self, units: Collection[str] | None = None) -> Iterator[Matter]:
        return iter(
            [m for k, m in sorted(self.st.matters.items()) if units is None or m.unit in units]
        )

    def matter_count(self, unit: str, year: int) -> int:
        return sum(
            m.unit == unit and m.registered_on.year == year for m in self.st.matters.values()
        )

    def open_matters(self, people: Collection[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in self.st.matters.values():
            if m.handler in people and m.closed_on is None:
                out[m.handler] = out.get(m.handler, 0) + 1
        return out

    def matter_of_case(self, case_id: str) -> str | None:
        return min((m.matter_id for m in self.st.matters.values() if m.case_id == case_id),
                   default=None)  # fmt: skip

    def add_meeting(self, meeting: Meeting) -> None:
        self.st.meetings.append(meeting)

    def meetings(self, subjects: Collection[str] | None = None) -> Mapping[str, list[Meeting]]:
        out: dict[str, list[Meeting]] = {}
        for x in sorted(self.st.meetings, key=lambda x: (x.subject, x.held_on, x.meeting_id)):
            if subjects is None or x.subject in subjects:
                out.setdefault(x.subject, []).append(x)
        return out

    def meeting_count(self) -> int:
        return len(self.st.meetings)


__all__ = ["FakeSupervision", "SupervisionState"]
