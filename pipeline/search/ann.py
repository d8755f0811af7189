"""Approximate nearest neighbours for large stores: a faiss IVF-Flat index over the clause vectors.

Up to ``EXACT_MAX`` vectors, semantic search stays exact (``semantic.top_k``: one matrix product
per chunk).  Beyond that one exact query reads the whole matrix (a million 256-d float32 rows is
1 GB per query), so an inverted-file index takes over: k-means cells over the vectors, and a query
scans only the ``NPROBE`` cells nearest to it.

Why faiss (``faiss-cpu``) and IVF-Flat rather than hnswlib: IVF trains in seconds on a sample and
adds a million vectors in seconds on two cores (HNSW graph construction takes many minutes at that
size); faiss filters natively during the scan (``IDSelectorBitmap`` from the filter mask), where
hnswlib calls back into Python per candidate; and it is Meta's maintained library with CPU wheels
on PyPI.  Flat cells keep the vectors unquantised, so the scores are exact cosines and only recall
is approximate (``bench/search.py`` prints recall@10 against exact search).

The index is built on first use per store generation; its cells (centroids, and the cell of each
row) are saved in the store, so a later process only refills them.
"""
from __future__ import annotations

import math
import os

import numpy as np

EXACT_MAX = 200_000      # measured with bench/search.py --scale: exact p95 passes ~50 ms here
EXACT_SUBSET_MAX = 50_000  # a filter leaving this few rows: exact over those rows beats the index
NPROBE = 48
TRAIN_PER_CELL = 40


def available() -> bool:
    try:
        import faiss  # noqa: F401
        return True
    except ImportError:
        return False


def cells_for(n: int) -> int:
    """Number of IVF cells: about 2·√n (faiss's guidance is 4–16·√n; fewer cells train faster and
    a larger NPROBE share keeps recall up)."""
    return int(min(4096, max(16, 2 * math.sqrt(n))))


class AnnIndex:
    def __init__(self, mat: np.ndarray, seed: int = 0, centroids: np.ndarray | None = None,
                 assign: np.ndarray | None = None):
        """Train k-means cells on a sample and add every row; or, with the ``centroids`` and
        ``assign`` (cell of each row) of an earlier build of the same matrix, only refill the cells
        (a second instead of ~20 at a million rows)."""
        import faiss
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        self.n, d = mat.shape
        x = np.ascontiguousarray(mat, dtype=np.float32)
        if centroids is not None and assign is not None:
            self.cells = len(centroids)
            quantiser = faiss.IndexFlatIP(d)
            quantiser.add(np.ascontiguousarray(centroids, dtype=np.float32))
            index = faiss.IndexIVFFlat(quantiser, d, self.cells, faiss.METRIC_INNER_PRODUCT)
            index.is_trained = True
            a = np.ascontiguousarray(assign, dtype=np.int64)
            index.add_core(self.n, faiss.swig_ptr(x), None, faiss.swig_ptr(a))
        else:
            self.cells = cells_for(self.n)
            quantiser = faiss.IndexFlatIP(d)
            index = faiss.IndexIVFFlat(quantiser, d, self.cells, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(seed)
            sample = x[np.sort(rng.choice(self.n, min(self.n, self.cells * TRAIN_PER_CELL), replace=False))]
            index.train(sample)
            index.add(x)
        self.index, self.quantiser = index, quantiser   # the quantiser must outlive the index

    def centroids(self) -> np.ndarray:
        return self.quantiser.reconstruct_n(0, self.cells)

    def assignments(self, mat: np.ndarray) -> np.ndarray:
        """The cell of each row (what ``add`` computed; asked again of the quantiser)."""
        _, cell = self.quantiser.search(np.ascontiguousarray(mat, dtype=np.float32), 1)
        return cell.ravel().astype(np.int32)

    def search(self, q: np.ndarray, k: int, allowed: np.ndarray | None = None,
               nprobe: int = NPROBE) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, cosine scores) of up to k nearest rows, only rows where ``allowed``."""
        import faiss
        params = faiss.SearchParametersIVF()
        params.nprobe = min(nprobe, self.cells)
        bitmap = None
        if allowed is not None:
            bitmap = np.packbits(allowed.astype(np.uint8), bitorder="little")
            params.sel = faiss.IDSelectorBitmap(self.n, faiss.swig_ptr(bitmap))
        dist, idx = self.index.search(np.ascontiguousarray(q[None, :], dtype=np.float32), k, params=params)
        del bitmap
        keep = idx[0] >= 0
        return idx[0][keep].astype(np.int64), dist[0][keep]
