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
from dataclasses import dataclass, field

# segmentation lives below store and search (the Elasticsearch store pre-segments clause text)
from ..store.textunits import _WORDY, fold, jieba, segmented, tokens  # noqa: F401 - re-exported

MAX_QUERY_CHARS = 1000      # longer queries are cut (a pasted page is not a query)
MAX_TERMS = 32              # items kept from one query
INDEX_FORMAT = "6"          # bumped when the indexed rows or token streams change: older indexes are rebuilt
                            # (5: one row per sentence unit, not per clause; 6: a label's unit holds the
                            # sentence before it on its line when no clause does, and words jieba's
                            # HMM made up get their character bigrams as sub-words)


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


@functools.lru_cache(maxsize=1)
def query_lexicon() -> tuple[frozenset, tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(words dropped from a query, the multi-character question words removed as substrings
    longest first, synonyms {word: expansions}) from ``lexicon/search_query_words.tsv`` and
    ``lexicon/search_synonyms.tsv``."""
    from ..lexicon import table
    off = set(os.environ.get("ZHENGCE_SEARCH_ABLATE", "").split(","))   # bench/search.py ablations
    if "query_words" in off:
        return frozenset(), (), {} if "synonyms" in off else _synonyms()
    rows = table("search_query_words")
    drop = frozenset(fold(r["word"]) for r in rows)
    questions = tuple(sorted((fold(r["word"]) for r in rows if r["kind"] == "question" and len(r["word"]) >= 2),
                             key=len, reverse=True))
    return drop, questions, ({} if "synonyms" in off else _synonyms())


def _synonyms() -> dict[str, tuple[str, ...]]:
    from ..lexicon import table
    syn: dict[str, tuple[str, ...]] = {}
    for r in table("search_synonyms"):
        w = fold(r["word"])
        syn[w] = tuple(dict.fromkeys(e for e in fold(r["expansions"]).split() if e and e != w))
    return syn


def dropped_words() -> frozenset:
    return STOP_WORDS | query_lexicon()[0]


def content_words(text: str) -> list[str]:
    """words() without function, question and filler words (all of them when nothing else is left)."""
    ws = words(text)
    stop = dropped_words()
    kept = [w for w in ws if w not in stop]
    return kept or ws


def strip_question_words(text: str) -> tuple[str, list[str]]:
    """The item without its multi-character question words (怎么, 能不能, 哪些 …; longest first), and
    those removed.  Single-character ones (谁, 吗) go at the word level, in content_words."""
    removed = []
    for q in query_lexicon()[1]:
        if q in text:
            removed.append(q)
            text = text.replace(q, " ")
    return " ".join(text.split()), removed


def synonym_groups(text: str) -> list[list[str]]:
    """The AND groups of a query item: each group lists alternatives (the text first, then its
    expansions from the synonym table); a clause must hold every content word of one alternative
    of each group.  Words without expansions are groups of one."""
    syn = query_lexicon()[2]
    groups: list[list[str]] = []
    if not syn:
        return [[w] for w in content_words(text)]
    keys = sorted((k for k in syn if k in text), key=len, reverse=True)
    # cut the text at the synonym keys (longest first, non-overlapping), other stretches word by word
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for k in keys:
        start = 0
        while (i := text.find(k, start)) >= 0:
            if not any(taken[i:i + len(k)]):
                spans.append((i, i + len(k), k))
                for j in range(i, i + len(k)):
                    taken[j] = True
            start = i + 1
    spans.sort()
    pos = 0
    stop = dropped_words()
    for a, b, k in spans + [(len(text), len(text), "")]:
        rest = text[pos:a]
        if rest.strip():
            groups.extend([w] for w in words(rest) if w not in stop)
        if k:
            groups.append([k, *syn[k]])
        pos = b
    return groups or [[w] for w in content_words(text)]


def sub_tokens(word: str) -> list[str]:
    """The dictionary words jieba's search mode adds inside ``word`` (as at index time)."""
    return [t for t in tokens(word) if t != word]


# --- queries --------------------------------------------------------------------------------

@dataclass
class QueryItem:
    text: str            # folded, without quotes or syntax characters
    phrase: bool = False  # given in quotes: must occur literally


@dataclass
class ParsedQuery:
    raw: str
    items: list[QueryItem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)   # question / filler words taken out of the query

    def expansions(self) -> list[str]:
        """Synonyms the query's words were expanded with (lexicon/search_synonyms.tsv)."""
        out: list[str] = []
        for it in self.items:
            if not it.phrase:
                for g in synonym_groups(it.text):
                    out.extend(x for x in g[1:] if x not in out)
        return out

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
    # question and filler words go (怎么, 能不能, 哪些 …): they ask, they do not name what is sought
    kept_items, dropped = [], []
    for it in items:
        if it.phrase:
            kept_items.append(it)
            continue
        text, removed = strip_question_words(it.text)
        dropped += removed
        stop = dropped_words()
        ws = words(text)
        dropped += [w for w in ws if w in stop]
        if any(w not in stop for w in ws):
            for part in text.split():
                kept_items.append(QueryItem(part))
    if kept_items:
        items = kept_items
    else:
        dropped = []
    dedup, seen = [], set()
    for it in items:
        key = (it.text, it.phrase)
        if key not in seen:
            seen.add(key)
            dedup.append(it)
    return ParsedQuery(raw, dedup[:MAX_TERMS], list(dict.fromkeys(dropped)))


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
