"""Reports drawn as files: docx (editable), PDF (for the record) and xlsx (the annex)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jianguan.domain.reports import Report
from jianguan.services.ports.reports import FORMATS


class FileReportWriter:
    """Writes ``<stem>.docx``, ``<stem>.pdf`` and ``<stem>.xlsx`` into a folder."""

    def write(self, report: Report, out_dir: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for fmt in FORMATS:  # in a fixed order, whatever order they were asked in
            if fmt not in formats:
                continue
            path = out_dir / f"{report.stem}.{fmt}"
            if fmt == "docx":
                from jianguan.adapters.reports.docx import write_docx

                written.append(write_docx(report, path))
            elif fmt == "pdf":
                from jianguan.adapters.reports.pdf import write_pdf

                written.append(write_pdf(report, path))
            else:
                from jianguan.adapters.reports.xlsx import write_xlsx

                written.append(write_xlsx(report, path))
        return written
