"""Inspection rectification (巡视整改) of the inspected unit: the aggregates kept whole."""

from __future__ import annotations

from typing import Protocol

from jianguan.domain.inspection import Inspection


class InspectionRepository(Protocol):
    def next_id(self) -> str:
        """A new inspection id (XZ000001, …)."""
        ...

    def save(self, inspection: Inspection) -> None: ...

    def load(self, iid: str) -> Inspection | None: ...

    def all(self) -> list[Inspection]:
        """Every inspection, by id."""
        ...
