"""Spreadsheet cells that a spreadsheet program would run as formulas (CSV/formula injection).

OWASP's guidance: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken for a formula by Excel and its kin, so the platform writes such a text with a
leading apostrophe. Texts that begin with an apostrophe are escaped too, and so are the error
literals (``#N/A`` …) that a writer would store as error cells, so that reading back is exact:
``unescape(escape(v)) == v`` for every text ``v``.

A carriage return inside a text would be read back as a line feed (XML normalises line ends),
so it is written as OOXML's ``_x000D_`` (Excel shows it as the character), and a ``_x`` of the
text itself as ``_x005F_x`` (``_x005F_`` is the underscore), which keeps the escape exact.
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
ERROR_LITERALS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def _needs_escape(text: str) -> bool:
    return text.startswith(_TRIGGERS) or text in ERROR_LITERALS


_OOXML = re.compile(r"_x(005F|000D)_")


def escape(text: str) -> str:
    """``text`` as a spreadsheet cell may hold it without it being run as a formula."""
    safe = "'" + text if _needs_escape(text) else text
    if "_x" in safe or "\r" in safe:
        safe = safe.replace("_x", "_x005F_x").replace("\r", "_x000D_")
    return safe


def unescape(text: str) -> str:
    """The inverse of `escape`."""
    if "_x" in text:
        text = _OOXML.sub(lambda m: "_" if m.group(1) == "005F" else "\r", text)
    return text[1:] if text.startswith("'") and _needs_escape(text[1:]) else text
