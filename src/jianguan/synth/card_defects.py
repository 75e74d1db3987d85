"""Defects planted on a finished record: the card or the decision document made inconsistent.

These kinds are planted after the case is rendered, because they change what was written, not
what happened (see ``jianguan.synth.defects`` for the definitions):

* ``name_mismatch``: one suspect's name in the decision document is replaced by another name;
* ``document_no_invalid``: the decision document's number loses its form (brackets other than
  〔〕, the wrong year, or a text that prints another number);
* ``card_incomplete``: the card of a criminal case that was not prosecuted lists no charges.
"""

from __future__ import annotations

import random
from typing import Any

from jianguan.synth.names import full_name

DECISION_DOCUMENTS = frozenset(
    {
        "indictment",
        "non_prosecution_decision",
        "arrest_approval",
        "arrest_denial",
        "arrest_decision",
    }
)
RECORD_KINDS = ("name_mismatch", "document_no_invalid", "card_incomplete")


def record_kinds(decided_with_document: bool, prosecuted: bool) -> list[str]:
    """The record-level kinds a case may carry."""
    kinds = []
    if decided_with_document:
        kinds += ["name_mismatch", "document_no_invalid"]
    if not prosecuted:
        kinds.append("card_incomplete")
    return kinds


def plant(rng: random.Random, rec: dict[str, Any], kind: str) -> None:
    """Plant ``kind`` if it is one of the record-level kinds (the others are planted earlier)."""
    if kind not in RECORD_KINDS:
        return
    if kind == "card_incomplete":
        rec["charges"] = []
        return
    doc = next(d for d in rec["documents"] if d["type"] in DECISION_DOCUMENTS)
    if kind == "name_mismatch":
        _rename(rng, rec, doc)
    elif kind == "document_no_invalid":
        _spoil_number(rng, doc)


def _rename(rng: random.Random, rec: dict[str, Any], doc: dict[str, Any]) -> None:
    names = [s["name"] for s in rec["suspects"]]
    old = names[int(rng.random() * len(names))]
    new = full_name(rng, rng.random() < 0.8)
    while new in names or any(new in n or n in new for n in names):
        new = full_name(rng, rng.random() < 0.8)
    doc["text"] = doc["text"].replace(old, new)


def _spoil_number(rng: random.Random, doc: dict[str, Any]) -> None:
    good: str = doc["no"]
    way = int(rng.random() * 3)
    if way == 0:  # brackets typed as parentheses, in the card and the text alike
        bad = good.replace("〔", "（").replace("〕", "）")
    elif way == 1:  # last year's number
        year = int(good[good.index("〔") + 1 : good.index("〕")])
        bad = good.replace(f"〔{year}〕", f"〔{year - 1}〕")
    else:  # the text prints another serial than the card
        serial = good[good.index("〕") + 1 : -1]
        doc["text"] = doc["text"].replace(
            good, good.replace(f"〕{serial}号", f"〕{int(serial) + 1}号")
        )
        return
    doc["no"] = bad
    doc["text"] = doc["text"].replace(good, bad)
