"""Analysis meetings (会商研判) and upper-unit notices (上级院通报): the aggregates kept whole."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from jianguan.domain.analysis_meeting import Meeting
from jianguan.domain.notice import Notice


class MeetingRepository(Protocol):
    def next_id(self) -> str:
        """A new meeting id (YP000001, …)."""
        ...

    def save(self, meeting: Meeting) -> None: ...

    def load(self, mid: str) -> Meeting | None: ...

    def all(self, units: Collection[str] | None = None) -> list[Meeting]:
        """Every meeting (of ``units`` when given), by id."""
        ...


class NoticeRepository(Protocol):
    def next_id(self) -> str:
        """A new notice id (TB000001, …)."""
        ...

    def save(self, notice: Notice) -> None: ...

    def load(self, nid: str) -> Notice | None: ...

    def all(self, units: Collection[str] | None = None) -> list[Notice]:
        """Every notice (of ``units`` when given), by id."""
        ...
