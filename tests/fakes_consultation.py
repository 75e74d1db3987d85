"""The in-memory consultation repository (线上会诊) of ``tests/fakes.FakeUnitOfWork``.

Its state copies its containers on copy (the values are frozen), so the fake unit of work's
undo-by-copy covers it like the rest of ``State``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from jianguan.domain.consultation import ConsultationFile, Panel, ReviewForm


@dataclass
class ConsultationState:
    panels: dict[str, Panel] = field(default_factory=dict)
    forms: dict[tuple[str, str], ReviewForm] = field(default_factory=dict)

    def __copy__(self) -> ConsultationState:
        return ConsultationState(dict(self.panels), dict(self.forms))


class FakeConsultation:
    def __init__(self, root: Any) -> None:
        self._root = root

    @property
    def st(self) -> ConsultationState:
        state: ConsultationState = self._root.consultation
        return state

    def panel(self, case_id: str) -> Panel | None:
        return self.st.panels.get(case_id)

    def save_panel(self, panel: Panel) -> None:
        self.st.panels[panel.case_id] = panel

    def save_form(self, form: ReviewForm) -> None:
        self.st.forms[(form.case_id, form.form_id)] = form

    def files(self, case_ids: Collection[str] | None = None) -> Mapping[str, ConsultationFile]:
        ids = {*self.st.panels, *(c for c, _ in self.st.forms)}
        if case_ids is not None:
            ids &= set(case_ids)
        return {
            cid: ConsultationFile(
                self.st.panels.get(cid),
                tuple(f for (c, _), f in sorted(self.st.forms.items()) if c == cid),
            )
            for cid in sorted(ids)
        }

    def file(self, case_id: str) -> ConsultationFile | None:
        return self.files([case_id]).get(case_id)

    def queue(self, person: str) -> list[Panel]:
        out = [
            p
            for p in self.st.panels.values()
            if any(m.person == person and m.pending for m in p.members)
        ]
        return sorted(out, key=lambda p: (p.formed_at, p.case_id))
