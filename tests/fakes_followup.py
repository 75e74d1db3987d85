"""The in-memory meeting and notice repositories of ``tests/fakes.FakeUnitOfWork``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from jianguan.domain.analysis_meeting import Meeting
from jianguan.domain.notice import Notice


@dataclass
class FollowUpState:
    meetings: dict[str, Meeting] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)

    def __copy__(self) -> FollowUpState:
        return FollowUpState(dict(self.meetings), dict(self.notices))


class _Whole:
    """Reads the state through its owner each time: a rollback replaces the state's parts."""

    prefix = ""
    part = ""

    def __init__(self, st: Any) -> None:
        self.st = st

    @property
    def _rows(self) -> dict[str, Any]:
        rows: dict[str, Any] = getattr(self.st.followup, self.part)
        return rows

    def next_id(self) -> str:
        return f"{self.prefix}{len(self._rows) + 1:06d}"

    def _all(self, units: Collection[str] | None) -> list[Any]:
        return [v for k, v in sorted(self._rows.items()) if units is None or v.unit in units]


class FakeMeetings(_Whole):
    prefix, part = "YP", "meetings"

    def save(self, meeting: Meeting) -> None:
        self._rows[meeting.id] = meeting

    def load(self, mid: str) -> Meeting | None:
        m: Meeting | None = self._rows.get(mid)
        return m

    def all(self, units: Collection[str] | None = None) -> list[Meeting]:
        return self._all(units)


class FakeNotices(_Whole):
    prefix, part = "TB", "notices"

    def save(self, notice: Notice) -> None:
        self._rows[notice.id] = notice

    def load(self, nid: str) -> Notice | None:
        n: Notice | None = self._rows.get(nid)
        return n

    def all(self, units: Collection[str] | None = None) -> list[Notice]:
        return self._all(units)
