"""Messages for users: Simplified Chinese first, English available (JIANGUAN_LANG / --lang)."""

from __future__ import annotations


class Messages:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))
