"""Located input errors: `file:line: field: 中文原因 (English reason)`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordError:
    """One thing wrong with one record, located so that a case officer can find and fix it."""

    file: str
    line: int  # 1-based line (CSV/JSONL) or row (xlsx); 0 when the whole file is at fault
    field: str  # dotted path such as `suspects[0].birth_date`, or `-`
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.zh} ({self.en})"


class DataSetError(Exception):
    """A data set was refused; nothing of it was written."""

    def __init__(self, errors: list[RecordError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); first: {errors[0]}" if errors else "refused")


class RulebookError(ValueError):
    """A rule pack, the calendar or a province's settings file cannot be used as written.

    Raised when the rulebook is loaded (at start), so a broken file stops the program with the
    file and the entry named rather than mis-applying the law later."""
