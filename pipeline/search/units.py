"""Sentence units: what a search hit is (``store/textunits.py``, below both store and search)."""
from ..store.textunits import MAX_UNIT_CHARS, Unit, is_label, iter_units, sentence_units  # noqa: F401

__all__ = ["MAX_UNIT_CHARS", "Unit", "is_label", "iter_units", "sentence_units"]
