"""Policy families: who implements whom, from citations and from reused text.

    family(store, doc_id) -> {"doc_id", "root", "members": [...], "stats": {...}}

1. **Citations.**  From ``doc_id`` go up the resolved citations (``store.cited``) to the
   highest-level ancestor, then down again (``store.citing``) from it: national → provincial →
   city → county.  A member's parent is the document it cites that stands closest above it.
2. **Uncited implementations.**  Documents that share many clauses with a member but cite
   nothing in the family are found by clause-level MinHash LSH (``reuse_index``): only the
   documents that meet ``min_shared`` of a member's clauses in the index are candidates, and
   each candidate is then aligned with ``align.compare_records``.  A candidate joins as a child
   of the member when it stands lower (level) — or at the same level and later (a district
   copying a neighbour's 办法) — and reuses at least ``min_share`` of the member's clauses; it
   joins as the member's parent when it stands higher and the member reuses that much of it.
3. **Share of the parent reused** for every member with a parent: identical + modified parent
   clauses over the parent's substantive clauses (``Comparison.summary()["share_implemented"]``).
"""
from __future__ import annotations

import math
import time
from typing import Optional

from .align import AlignConfig, compare_records
from .reuse_index import ReuseIndex

LEVEL_RANK = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}


def _rank(level: Optional[str]) -> Optional[int]:
    return LEVEL_RANK.get(level or "")


def _region(m: dict) -> str:
    r = m.get("region") or {}
    return "/".join(x for x in (r.get("province"), r.get("city"), r.get("county"), r.get("town")) if x)


def _date(m: dict) -> Optional[str]:
    return m.get("signed_date") or m.get("published_date")


class _Records:
    def __init__(self, store):
        self.store = store
        self.cache: dict[str, dict] = {}

    def __call__(self, doc_id: str) -> Optional[dict]:
        if doc_id not in self.cache:
            self.cache[doc_id] = self.store.get(doc_id)
        return self.cache[doc_id]


def _above(parent: dict, child: dict) -> Optional[bool]:
    """True when ``parent`` can be the source of ``child``, False when ``child`` can be the source
    of ``parent``, None when nothing tells.  A higher level is the source unless it is dated
    after the other; at the same (or an unknown) level the earlier document is."""
    rp, rc = _rank(parent["metadata"].get("level")), _rank(child["metadata"].get("level"))
    dp, dc = _date(parent["metadata"]), _date(child["metadata"])
    if rp is not None and rc is not None and rp != rc:
        if dp and dc and (dp > dc if rp < rc else dc > dp):
            return None                  # the higher document came later: not its source
        return rp < rc
    if dp and dc and dp != dc:
        return dp < dc
    return None


def _reuse(cmp_, strong: float) -> dict:
    s = cmp_.summary()
    n_strong = sum(1 for p in cmp_.pairs if not cmp_.a[p.i].minor and p.similarity >= strong)
    s["strong_pairs"] = n_strong
    s["share_strong"] = round(n_strong / s["parent_clauses"], 4) if s["parent_clauses"] else 0.0
    return s


def family(store, doc_id: str, *, reuse: bool = True, min_share: float = 0.1, min_pairs: int = 8,
           strong: float = 0.7, min_shared: int = 3, max_members: int = 200, max_candidates: int = 20,
           index: ReuseIndex | None = None, cfg: AlignConfig = AlignConfig()) -> dict:
    """The family of ``doc_id``.  A text-reuse link needs ``min_pairs`` parent clauses (or 30 %
    of a short parent's, at least 3) paired with similarity >= ``strong``, making at least
    ``min_share`` of the parent's substantive clauses."""
    t0 = time.perf_counter()
    get = _Records(store)
    if get(doc_id) is None:
        raise KeyError(doc_id)
    parent: dict[str, Optional[str]] = {doc_id: None}
    link: dict[str, Optional[str]] = {doc_id: None}
    share: dict[str, dict] = {}
    cites = getattr(store, "cited", None)
    cited_by = getattr(store, "citing", None)

    # 1. citations: up to the top, then down (again for every member that joins by reuse)
    def _descends(x: Optional[str], y: str) -> bool:
        """Is x y or below y already (so that making x y's parent would close a cycle)?"""
        guard = 0
        while x and guard <= len(parent):
            if x == y:
                return True
            x, guard = parent.get(x), guard + 1
        return False

    def root_of(x: str) -> str:
        guard = 0
        while parent.get(x) and guard <= len(parent):
            x, guard = parent[x], guard + 1
        return x

    def add_citations(start: str) -> None:
        top, guard = start, 0
        while cites and guard <= max_members:
            guard += 1
            if parent.get(top):
                top = parent[top]
                continue
            me = get(top)
            ups = [d for d in cites(top) if d["doc_id"] != top and get(d["doc_id"])
                   and _above(get(d["doc_id"]), me) is not False and not _descends(d["doc_id"], top)]
            if not ups:
                break
            # the closest document above: the lowest level among those higher up
            ups.sort(key=lambda d: -(_rank(d.get("level")) if _rank(d.get("level")) is not None else -1))
            nxt = ups[0]["doc_id"]
            parent[top], link[top] = nxt, "citation"
            parent.setdefault(nxt, None)
            link.setdefault(nxt, None)
            top = nxt
        queue = [top]
        while queue and cited_by:
            cur = queue.pop(0)
            for d in cited_by(cur):
                did = d["doc_id"]
                if did in parent or len(parent) >= max_members:
                    continue
                parent[did], link[did] = cur, "citation"
                queue.append(did)
    add_citations(doc_id)
    root = root_of(doc_id)

    # 2. text reuse
    stats = {"indexed": 0, "candidates": 0, "aligned": 0}
    if reuse:
        index = index or ReuseIndex(store)
        stats["indexed"] = index.refresh()
        queue, queried = list(parent), set()
        while queue and len(parent) < max_members:
            cur = queue.pop(0)
            if cur in queried:
                continue
            queried.add(cur)
            me = get(cur)
            cands = index.candidates(cur, [c["text"] for c in me.get("clauses") or []],
                                     min_shared=min_shared, limit=max_candidates)
            stats["candidates"] += len(cands)
            for cd in cands:
                other = get(cd["doc_id"])
                if other is None:
                    continue
                direction = _above(me, other)
                if direction is None:
                    continue
                src, dst = (me, other) if direction else (other, me)
                s_id, d_id = src["doc_id"], dst["doc_id"]
                if parent.get(d_id) is not None:
                    continue                     # placed already (by citation or earlier reuse)
                if d_id in parent and d_id != root:
                    continue
                if _descends(s_id, d_id):
                    continue                     # would close a cycle
                cmp_ = compare_records(src, dst, cfg)
                stats["aligned"] += 1
                s = _reuse(cmp_, strong)
                need = max(3, min(min_pairs, math.ceil(0.3 * s["parent_clauses"])))
                if s["strong_pairs"] < need or s["share_strong"] < min_share:
                    continue
                parent[d_id], link[d_id] = s_id, "text_reuse"
                share[d_id] = s
                parent.setdefault(s_id, None)
                link.setdefault(s_id, None)
                add_citations(s_id)
                add_citations(d_id)
                root = root_of(doc_id)
                for x in list(parent):
                    if x not in queried and x not in queue:
                        queue.append(x)

    # 3. shares of the parent reused
    members = []
    depth_cache: dict[str, int] = {}

    def depth(d, guard=0):
        if d not in depth_cache:
            p = parent.get(d)
            depth_cache[d] = 0 if not p or guard > len(parent) else depth(p, guard + 1) + 1
        return depth_cache[d]
    for did, p in parent.items():
        r = get(did)
        if r is None:
            continue
        m = r["metadata"]
        s = share.get(did)
        if p and s is None:
            s = _reuse(compare_records(get(p), r, cfg), strong)
            stats["aligned"] += 1
        members.append({
            "doc_id": did, "title": m.get("title"), "level": m.get("level"), "region": _region(m),
            "date": _date(m), "doc_number": m.get("doc_number"), "parent": p, "link": link.get(did),
            "query": did == doc_id, "depth": depth(did),
            "share_of_parent_reused": s["share_implemented"] if s else None,
            "parent_clauses_identical": s["identical"] if s else None,
            "parent_clauses_modified": s["modified"] if s else None,
            "parent_clauses_strong": s["strong_pairs"] if s else None,
        })
    # connected to the root first, in tree order
    children: dict[Optional[str], list[dict]] = {}
    for mm in members:
        children.setdefault(mm["parent"], []).append(mm)
    for v in children.values():
        v.sort(key=lambda x: (_rank(x["level"]) if _rank(x["level"]) is not None else 9, x["date"] or "", x["doc_id"]))
    ordered, placed = [], set()

    def walk(node):
        for ch in children.get(node, []):
            if ch["doc_id"] not in placed:
                placed.add(ch["doc_id"])
                ordered.append(ch)
                walk(ch["doc_id"])
    walk(None)
    ordered += [mm for mm in members if mm["doc_id"] not in placed]
    stats["seconds"] = round(time.perf_counter() - t0, 4)
    return {"doc_id": doc_id, "root": root, "members": ordered, "stats": stats}
