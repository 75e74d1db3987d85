"""Messages for users: Simplified Chinese first, English available (JIANGUAN_LANG / --lang)."""

from __future__ import annotations


class Messages:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh
