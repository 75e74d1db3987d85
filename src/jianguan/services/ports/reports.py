"""Where a report is drawn: docx, PDF and xlsx files from one ``domain.reports.Report``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from jianguan.domain.reports import Report

FORMATS = ("docx", "pdf", "xlsx")


class RendererUnavailable(RuntimeError):
    """What a format needs is missing on this machine (Chromium, a CJK font); says what to install."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class ReportWriter(Protocol):
    def write(self, report: Report, out_dir: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
        """The files written (one per format, named ``report.stem``.<format>)."""
        ...
