"""Text handling shared by every search backend: jieba segmentation, query parsing, highlighting.

Index and query go through the same ``tokens()``: jieba's search mode (each word plus the dictionary
words inside it, so ``入园`` finds ``入园率``), lower-cased, with full-width forms folded and
punctuation-only tokens dropped.  A user's query is never handed to a query language as typed:
``parse_query`` reduces it to plain terms and quoted phrases, and each backend quotes those itself.
"""
from __future__ import annotations

import functools
import html
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 1000      # longer queries are cut (a pasted page is not a query)
MAX_TERMS = 32              # items kept from one query
INDEX_FORMAT = "4"          # bumped when the indexed token streams change: older indexes are rebuilt
_jieba = None
_lock = threading.Lock()


def jieba():
    """jieba, imported on first use, configured as the rest of zhengce configures it: cache in a
    writable temp dir, quiet logs, and the policy user dictionary (``pipeline.nlp.segmenter``) —
    the extractors load that dictionary into the same global jieba, so search must load it too or
    index-time and query-time segmentation would differ between processes."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                cache = os.environ.get("JIEBA_CACHE_DIR") or os.environ.get("ZHENGCE_CACHE_DIR") or tempfile.gettempdir()
                try:
                    os.makedirs(cache, exist_ok=True)
                    if not os.access(cache, os.W_OK):
                        raise OSError
                except OSError:
                    cache = tempfile.gettempdir()
                os.environ["JIEBA_CACHE_DIR"] = cache
                try:
                    from ..nlp import segmenter
                    j = segmenter()
                except ImportError:  # pragma: no cover - older trees without pipeline/nlp.py
                    import logging

                    import jieba as j
                    j.setLogLevel(logging.WARNING)
                j.dt.tmp_dir = cache
                j.initialize()
                _jieba = j
    return _jieba


def segmentation_id() -> str:
    """Fingerprint of the segmentation (jieba version + user dictionary): an index built with another
    one is rebuilt, since query tokens must be cut the same way as the indexed ones."""
    import hashlib
    from importlib import resources
    h = hashlib.sha1(INDEX_FORMAT.encode())
    try:
        import jieba as j
        h.update(str(getattr(j, "__version__", "")).encode())
        h.update(resources.files("zhengce.pipeline.lexicon").joinpath("jieba_userdict.txt").read_bytes())
    except (ImportError, FileNotFoundError, OSError):
        pass
    return h.hexdigest()[:16]


def fold(text: str) -> str:
    """NFKC (full-width → half-width) and lower case: the form both index and query see."""
    return unicodedata.normalize("NFKC", text or "").lower()


_WORDY = re.compile(r"[\w]", re.UNICODE)


# jieba cuts at punctuation anyway, so cutting sentence by sentence gives the same tokens; the cache
# pays off because policies copy sentences (a county's 实施方案 repeats its province's wording)
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


@functools.lru_cache(maxsize=50_000)
def _sentence_tokens(sentence: str) -> tuple[str, ...]:
    out = []
    for t in jieba().cut_for_search(sentence):
        t = t.strip()
        if t and _WORDY.search(t):
            out.append(t)
    return tuple(out)


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens of text, in order, punctuation and spaces dropped."""
    if not text:
        return []
    out: list[str] = []
    for sentence in _SENTENCE_END.split(fold(text)):
        if sentence:
            out.extend(_sentence_tokens(sentence))
    return out


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams of each run of Chinese characters (other runs: the whole run).

    The vocabulary of the ``characters`` ranking list: it matches wording that shares characters but
    not jieba words (轮岗交流 / 交流轮岗, 入园率 / 毛入园率)."""
    out: list[str] = []
    for m in _CJK_RUN.finditer(fold(text)):
        run = m.group()
        if run[0] < "\u3400":
            out.append(run)
            continue
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def words(text: str) -> list[str]:
    """Precise-mode jieba words of text (used to group a query's search-mode tokens)."""
    return [w for w in (x.strip() for x in jieba().cut(fold(text))) if w and _WORDY.search(w)]


# function words that would make an ANDed query fail without narrowing it (kept for ranking only)
STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 对 把 被 将 等 之 其 并 以 于 为 由 从 向 也 都 所 该 各 中 上 下 里 "
                       "怎么 怎样 如何 哪些 什么 有关 关于 相关 方面 问题 情况 要求".split())


def content_words(text: str) -> list[str]:
    """words() without function words (all of them when nothing else is left)."""
    ws = words(text)
    kept = [w for w in ws if w not in STOP_WORDS]
    return kept or ws


def sub_tokens(word: str) -> list[str]:
    """The dictionary words jieba's search mode adds inside ``word`` (as at index time)."""
    return [t for t in tokens(word) if t != word]


def segmented(text: str) -> str:
    """Space-joined tokens: what goes into a whitespace-tokenised full-text field."""
    return " ".join(tokens(text))


# --- queries --------------------------------------------------------------------------------

@dataclass
class QueryItem:
    text: str            # folded, without quotes or syntax characters
    phrase: bool = False  # given in quotes: must occur literally


@dataclass
class ParsedQuery:
    raw: str
    items: list[QueryItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.items

    @property
    def literals(self) -> list[str]:
        """Strings to highlight: each item, then its words (longest first)."""
        seen, out = set(), []
        for it in self.items:
            for s in [it.text] + ([] if it.phrase else words(it.text)):
                if s and s not in seen:
                    seen.add(s)
                    out.append(s)
        return sorted(out, key=len, reverse=True)

    def text(self) -> str:
        """The query as plain text (for embedding)."""
        return " ".join(it.text for it in self.items)


_QUOTES = "\"“”「」『』"
_SYNTAX = re.compile(r"[\"“”「」『』*^:(){}\[\]+\-~|&!<>=;,，。、；：？?！·'‘’/\\#@$%`]+")
_OPERATORS = {"and", "or", "not", "near"}


def parse_query(q: str | None) -> ParsedQuery:
    """Plain terms (split on spaces) and quoted phrases; operators and syntax characters are text, not syntax.

    ``"双减" 课后服务`` → phrase 双减, term 课后服务.  Items are ANDed by the backends.
    """
    raw = q or ""
    q = fold(raw)[:MAX_QUERY_CHARS]
    items: list[QueryItem] = []
    # quoted phrases first: "…", “…”, 「…」
    pattern = re.compile(r"[\"“「『]([^\"”」』]*)[\"”」』]")
    rest = []
    pos = 0
    for m in pattern.finditer(q):
        rest.append(q[pos:m.start()])
        pos = m.end()
        inner = _SYNTAX.sub(" ", m.group(1)).split()
        if inner:
            items.append(QueryItem(" ".join(inner), phrase=True))
    rest.append(q[pos:])
    for chunk in rest:
        for term in _SYNTAX.sub(" ", chunk).split():
            if term in _OPERATORS:
                continue
            items.append(QueryItem(term))
    dedup, seen = [], set()
    for it in items:
        key = (it.text, it.phrase)
        if key not in seen:
            seen.add(key)
            dedup.append(it)
    return ParsedQuery(raw, dedup[:MAX_TERMS])


def fts_quote(token: str) -> str:
    """One FTS5 string literal: the token in double quotes, inner quotes doubled."""
    return '"' + token.replace('"', '""') + '"'


# --- highlighting ---------------------------------------------------------------------------

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def highlight(text: str, literals: list[str], width: int = 160) -> str:
    """HTML-escaped snippet of text around the first match, matches wrapped in <mark>…</mark>.

    Matching is on the folded text (same length as the original for CJK and ASCII), so marks land
    on the document's own characters."""
    text = text or ""
    folded = fold(text)
    if len(folded) != len(text):  # NFKC changed the length (rare ligatures): match on lower() only
        folded = text.lower()
    marks = [False] * len(text)
    for lit in literals:
        if not lit:
            continue
        start = 0
        while True:
            i = folded.find(lit, start)
            if i < 0:
                break
            for k in range(i, min(i + len(lit), len(text))):
                marks[k] = True
            start = i + 1
    first = marks.index(True) if True in marks else 0
    lo = max(0, first - width // 3) if len(text) > width else 0
    hi = min(len(text), lo + width)
    if hi - lo < width:
        lo = max(0, hi - width)
    out = ["…" if lo > 0 else ""]
    inside = False
    for k in range(lo, hi):
        if marks[k] and not inside:
            out.append(MARK_OPEN)
            inside = True
        elif not marks[k] and inside:
            out.append(MARK_CLOSE)
            inside = False
        out.append(html.escape(text[k], quote=False))
    if inside:
        out.append(MARK_CLOSE)
    if hi < len(text):
        out.append("…")
    return "".join(out)
