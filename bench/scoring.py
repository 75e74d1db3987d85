"""Recall and precision of a detector against the defects the generator planted.

Used by the measurement scripts (``measure_monitoring.py``, ``measure_selfcheck.py``) and by the
recall tests; the platform itself never scores its findings, so this lives beside the benchmarks
and not in ``services``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# kind → (planted, found, both, recall, precision)
Score = dict[str, tuple[int, int, int, float, float]]


def score(
    found: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]], kinds: Sequence[str]
) -> Score:
    """Compare (case_id, kind) pairs found with those planted, kind by kind."""
    found, truth = set(found), set(truth)
    out: Score = {}
    for kind in kinds:
        t = {x for x in truth if x[1] == kind}
        f = {x for x in found if x[1] == kind}
        both = len(t & f)
        out[kind] = (len(t), len(f), both, both / len(t) if t else 1.0, both / len(f) if f else 1.0)
    return out


def score_table(table: Score) -> str:
    """A Markdown table of a score."""
    lines = [
        "| kind | planted | found | both | recall | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, (t, f, b, r, p) in table.items():
        lines.append(f"| `{kind}` | {t} | {f} | {b} | {r:.2%} | {p:.2%} |")
    return "\n".join(lines)
