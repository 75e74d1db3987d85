"""Spreadsheet cells that a spreadsheet program would run as formulas (CSV/formula injection).

OWASP's guidance: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken for a formula by Excel and its kin, so the platform writes such a text with a
leading apostrophe. Texts that begin with an apostrophe are escaped too, and so are the error
literals (``#N/A`` …) that a writer would store as error cells, so that reading back is exact:
``unescape(escape(v)) == v`` for every text ``v``.
"""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
ERROR_LITERALS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def _needs_escape(text: str) -> bool:
    return text.startswith(_TRIGGERS) or text in ERROR_LITERALS


def escape(text: str) -> str:
    """``text`` as a spreadsheet cell may hold it without it being run as a formula."""
    return "'" + text if _needs_escape(text) else text


def unescape(text: str) -> str:
    """The inverse of `escape`."""
    return text[1:] if text.startswith("'") and _needs_escape(text[1:]) else text
