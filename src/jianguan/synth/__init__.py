"""Synthetic data generator: a province of procuratorates, their staff and cases (format v1),
calibrated to national figures, with planted defects and their truth (defects.jsonl).

See ``jianguan.synth.defects`` for the exact definition of every planted defect kind.
"""

from jianguan.synth.api import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
