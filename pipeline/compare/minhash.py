"""MinHash signatures and LSH indexes (datasketch) over clause shingles.

Signatures use datasketch's ``affine32`` scheme (MurmurHash3 finaliser, then ``a·h + b mod 2³²``
with datasketch's own permutations for the seed), computed for a whole shingle array in one
numpy pass; the result is a ``LeanMinHash`` identical to what ``MinHash.update_batch`` gives for
the same 32-bit hashes (tests check this), so it goes into ``MinHashLSH`` as usual.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SEED = 1
SCHEME = "affine32"


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash
    a, b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        return h ^ (h >> np.uint32(16))


def signature(hashes: np.ndarray, num_perm: int = 64) -> np.ndarray:
    """The MinHash values (uint32[num_perm]) of a set of 32-bit shingle hashes."""
    a, b = _permutations(num_perm)
    if len(hashes) == 0:
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    hv = _fmix32(hashes.astype(np.uint32))[:, None]
    with np.errstate(over="ignore"):
        phv = hv * a[None, :] + b[None, :]
    return phv.min(axis=0)


def lean(sig: np.ndarray):
    from datasketch import LeanMinHash
    return LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int, weights=(0.3, 0.7)) -> tuple[int, int]:
    """datasketch's optimal (bands, rows) for a threshold (computed once: it integrates)."""
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return lsh.b, lsh.r


def make_lsh(threshold: float, num_perm: int, weights=(0.3, 0.7)):
    """An in-memory MinHashLSH; weights favour recall (false positives are verified later)."""
    from datasketch import MinHashLSH
    return MinHashLSH(num_perm=num_perm, params=lsh_params(threshold, num_perm, tuple(weights)))


def estimate_jaccard(sig_a: np.ndarray, sigs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature against a stack of signatures."""
    return (sigs == sig_a[None, :]).mean(axis=1)
