"""The store of the consultation (线上会诊): each case's initial-review panel with its members'
opinions, and the handler's review forms (审查表)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol

from jianguan.domain.consultation import ConsultationFile, Panel, ReviewForm


class ConsultationRepository(Protocol):
    def panel(self, case_id: str) -> Panel | None: ...

    def save_panel(self, panel: Panel) -> None:
        """Insert or replace the panel with its members (in their order)."""
        ...

    def save_form(self, form: ReviewForm) -> None:
        """Insert or replace the case's form of ``form.form_id``."""
        ...

    def file(self, case_id: str) -> ConsultationFile | None:
        """The case's panel and forms; None when the platform holds neither."""
        ...

    def files(self, case_ids: Collection[str] | None = None) -> Mapping[str, ConsultationFile]:
        """case id → its file, for the cases that have one (every such case when None)."""
        ...

    def queue(self, person: str) -> list[Panel]:
        """The panels on which ``person`` sits and has not yet given an opinion."""
        ...
