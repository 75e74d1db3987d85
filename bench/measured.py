"""Writing a measurement into a doc, between its `<!-- measured:begin -->` / `end` markers."""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- measured:begin -->", "<!-- measured:end -->"


def write_measured(doc: Path, text: str) -> None:
    """Replace what stands between the markers of ``doc`` by ``text``."""
    before, rest = doc.read_text("utf-8").split(BEGIN, 1)
    _, after = rest.split(END, 1)
    doc.write_text(f"{before}{BEGIN}\n{text}\n{END}{after}", "utf-8")
