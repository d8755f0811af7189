"""The filter grammar every store and search backend shares: year ranges, kinds, levels, booleans.

Lower than both ``store`` and ``search``: a store turns filters into its own conditions
(``sqlite.doc_where``, ``elasticsearch.filter_clauses``) and search checks a query's filters,
with the same rules and the same one-line errors.
"""
from __future__ import annotations

import re
from typing import Any

from .base import StoreError

CLAUSE_KINDS = ("obligation", "prohibition", "encouragement", "permission", "goal", "fact", "other")


class SearchError(StoreError):
    """A search that cannot run as asked (bad mode, filter, clause id): one-line reason."""


_YEAR = re.compile(r"^\s*(\d{4})?\s*(-|–|—|\.\.)?\s*(\d{4})?\s*$")


def year_range(value: Any) -> tuple[int, int]:
    """``2021`` → (2021, 2021); ``2019-2022`` / ``2020-`` / ``-2020`` → ranges.  SearchError otherwise."""
    m = _YEAR.match(str(value))
    if not m or not (m.group(1) or m.group(3)):
        raise SearchError(f"year '{value}': expected YYYY or YYYY-YYYY (either end may be left open)")
    lo, sep, hi = m.groups()
    if not sep:
        return int(lo), int(lo)
    lo_i, hi_i = int(lo or 0), int(hi or 9999)
    if lo_i > hi_i:
        raise SearchError(f"year '{value}': range starts after it ends")
    return lo_i, hi_i


def check_filters(filters: dict[str, Any]) -> None:
    for k in ("year",):
        if k in filters:
            year_range(filters[k])
    for k in ("year_from", "year_to"):
        if k in filters and not re.fullmatch(r"\s*\d{4}\s*", str(filters[k])):
            raise SearchError(f"{k} '{filters[k]}': expected a 4-digit year")
    if "has_target" in filters and str(filters["has_target"]).lower() not in ("1", "0", "true", "false", "yes", "no", "y", "n"):
        raise SearchError(f"has_target '{filters['has_target']}': expected true or false")
    if "kind" in filters:
        bad = [k for k in str(filters["kind"]).split(",") if k.strip() and k.strip() not in CLAUSE_KINDS]
        if bad:
            raise SearchError(f"kind '{bad[0]}': expected one of {', '.join(CLAUSE_KINDS)} (comma-separated)")
    if "level" in filters and filters["level"] not in ("national", "provincial", "municipal", "county"):
        raise SearchError(f"level '{filters['level']}': expected national, provincial, municipal or county")


def truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "y")
