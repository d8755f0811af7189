"""Text helpers shared by alignment and lineage: the comparison form of a clause, its
character shingles, and which clauses are too short or too bare to align on their own.

The comparison form (``norm``) folds width (NFKC), lower-cases Latin letters and drops white
space, punctuation and symbols, so ``（一）加强统筹规划。`` and ``(一)加强统筹规划`` compare
equal.  Shingles are character k-grams of that form, hashed to 32-bit integers with a vectorised
polynomial hash, so a document's shingle set costs one numpy pass instead of a Python loop.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

MIN_CHARS = 6          # a clause shorter than this (comparison form) is "minor": exact matches only

_DROP = re.compile(r"[\W_]+", re.UNICODE)
_NUMBERING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[编章节条款部分]|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．]|[①-⑳㈠-㈩]|附件\d*|专栏[一二三四五六七八九十\d]*)")
_SENTENCE_PUNCT = re.compile(r"[。；;！？!?，,：:]")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """The comparison form: width-folded, lower-case, without white space or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def is_heading(text: str, headings: frozenset[str] = frozenset()) -> bool:
    """A clause that is only a heading: a section's own heading line, or a short numbered label
    with no sentence punctuation (``第二章 机构职责``, ``（三）强化保障``)."""
    t = (text or "").strip()
    n = norm(t)
    if n and n in headings:
        return True
    m = _NUMBERING.match(t)
    if m:
        rest = t[m.end():].strip()
        return not _SENTENCE_PUNCT.search(rest.rstrip("。")) and len(norm(rest)) <= 16
    return False


_DIGITS = re.compile(r"\d+")


def is_minor(text: str, headings: frozenset[str] = frozenset()) -> bool:
    """Too short, only a date or number (``2021年5月20日``, ``国发〔2018〕38号``) or a bare heading:
    such a clause is paired only with an identical one."""
    n = norm(text)
    return len(_DIGITS.sub("", n)) < MIN_CHARS or is_heading(text, headings)


def headings_of(record: dict) -> frozenset[str]:
    """Comparison forms of a record's section headings (with and without their numbers)."""
    out = set()
    for s in record.get("sections") or []:
        for t in (s.get("heading") or "", (s.get("number") or "") + (s.get("heading") or "")):
            n = norm(t)
            if n:
                out.add(n)
    return frozenset(out)


_P = np.uint64(1000003)


def shingle_hashes(text: str, k: int = 3) -> np.ndarray:
    """32-bit hashes of the character k-grams of a comparison-form text (a text shorter than k
    gives one shingle, itself).  Unique, unsorted."""
    if not text:
        return np.empty(0, dtype=np.uint32)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(cps)
    if n < k:
        k = n
    m = n - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for t in range(k):
            h = h * _P + cps[t:t + m]
        h = _splitmix64(h)   # then the high 32 bits
    return np.unique((h >> np.uint64(32)).astype(np.uint32))


def _splitmix64(h):
    """splitmix64's finaliser over a uint64 array (callers silence numpy's overflow warnings)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def ngram_hashes(forms: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Character k-gram hashes of many comparison-form texts in one numpy pass:
    (owner int64[], hash uint32[]) — owner is the index of the text each k-gram comes from.
    Texts shorter than k contribute nothing."""
    if not forms:
        return np.empty(0, np.int64), np.empty(0, np.uint32)
    joined = "".join(forms)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(f) for f in forms), dtype=np.int64, count=len(forms))
    m = len(cps) - k + 1
    if m <= 0:
        return np.empty(0, np.int64), np.empty(0, np.uint32)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for t in range(k):
            h = h * _P + cps[t:t + m]
        h = _splitmix64(h)
    owner = np.repeat(np.arange(len(forms)), lens)[:m]
    valid = np.arange(m) <= (starts + lens - k)[owner]
    return owner[valid], (h[valid] >> np.uint64(32)).astype(np.uint32)
