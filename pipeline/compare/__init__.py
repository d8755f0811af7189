"""Comparison of policy documents: clause alignment (``align``), families (``lineage``),
indicator tables across regions (``indicators``).  Heavy libraries load on first use."""
from __future__ import annotations

__all__ = ["compare_records", "align_clauses", "family", "targets_frame", "pivot_frame", "canonical"]


def __getattr__(name):
    if name in ("compare_records", "align_clauses"):
        from . import align
        return getattr(align, name)
    if name == "family":
        from .lineage import family
        return family
    if name in ("targets_frame", "pivot_frame", "canonical"):
        from . import indicators
        return getattr(indicators, name)
    raise AttributeError(name)
