"""Vocabularies: a code with its words, defined once.

The value is what is stored and exchanged (the interchange format, the store, the API); ``zh``
and ``en`` are what a user reads. Every status, level, kind and type that a page, a report or a
CLI message shows is one of these, so no module keeps its own table of words for it and no
module compares a status as a bare string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """A ``StrEnum`` whose members carry their Chinese and English words."""

    zh: str
    en: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh or value
        member.en = en or value
        return member

    def label(self, lang: str = "zh") -> str:
        """The member's word in ``lang`` (zh unless ``en`` is asked for)."""
        return self.en if lang == "en" else self.zh

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The member whose code, Chinese or English word is ``text`` (None when none is)."""
        wanted = text.strip()
        for member in cls:
            if wanted in (member.value, member.zh, member.en):
                return member
        return None
