"""Synthetic policy families with known labels, made from a real parent document.

A local government implementing a higher-level policy typically copies most clauses, edits
some (a few characters changed, a local phrase inserted, 本市→本区 style renames, a trailing
sub-clause dropped), swaps neighbouring items, deletes some and adds its own.  ``make_child``
does exactly that to a parent's clause list and returns the child's clauses with the gold
alignment, so the aligner's precision and recall can be measured::

    child = make_child(parent_clauses, seed=3, donors=other_clauses)
    child.clauses            # [{"id", "text", "kind"}]
    child.gold_pairs         # {(parent_clause_id, child_clause_id)}
    child.labels             # parent clause id -> copied | edited | moved | deleted

``make_record`` wraps clauses into a storable ``zhengce.document/1`` record (for lineage tests
and the 10,000-document benchmark store).
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

RENAMES = [("本市", "本区"), ("全市", "全区"), ("市政府", "区政府"), ("各区", "各街镇"), ("全省", "全市"),
           ("省政府", "市政府"), ("本省", "本市"), ("各市", "各区"), ("市教育局", "区教育局"),
           ("市级", "区级"), ("国务院", "省政府"), ("各地", "各街镇")]
LOCAL_PHRASES = ["结合我区实际，", "按照区委区政府统一部署，", "在全区范围内", "切实", "进一步", "因地制宜，",
                 "由区相关部门牵头，", "逐步", "有序", "结合本地实际情况，"]
FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府造议济"


@dataclass
class Child:
    clauses: list[dict]
    gold_pairs: set[tuple[str, str]]
    labels: dict[str, str]
    added: list[str] = field(default_factory=list)
    identical_pairs: set[tuple[str, str]] = field(default_factory=set)


def _norm(t: str) -> str:
    return re.sub(r"[\W_]+", "", t)


def _edit(text: str, rng: random.Random) -> str:
    """One or two light local edits; the clause stays recognisably the same."""
    ops = rng.sample(["rename", "substitute", "insert", "drop_tail", "substitute"], k=rng.choice([1, 1, 2]))
    for op in ops:
        if op == "rename":
            hits = [(a, b) for a, b in RENAMES if a in text]
            if hits:
                a, b = rng.choice(hits)
                text = text.replace(a, b)
                continue
            op = "substitute"
        if op == "substitute":
            chars = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
            for i in rng.sample(chars, k=min(len(chars), rng.randint(1, max(1, len(chars) // 12)))):
                text = text[:i] + rng.choice(FILLER) + text[i + 1:]
        elif op == "insert":
            commas = [m.end() for m in re.finditer("，", text)]
            pos = rng.choice(commas) if commas and rng.random() < 0.6 else 0
            text = text[:pos] + rng.choice(LOCAL_PHRASES) + text[pos:]
        elif op == "drop_tail":
            parts = text.rstrip("。；").split("，")
            if len(parts) >= 3:
                text = "，".join(parts[:-1]) + "。"
    return text


def make_child(parent: list[dict], seed: int = 0, donors: list[dict] | None = None, *,
               p_delete: float = 0.12, p_edit: float = 0.35, p_swap: float = 0.06, p_add: float = 0.15,
               min_chars: int = 6) -> Child:
    """A synthetic implementation of ``parent`` (a list of clause dicts) with gold labels."""
    rng = random.Random(seed)
    parent_norms = {_norm(c["text"]) for c in parent}
    pool = [d for d in (donors or []) if len(_norm(d["text"])) >= 12 and _norm(d["text"]) not in parent_norms]
    out: list[tuple[str | None, str, str]] = []        # (parent id or None, text, kind)
    labels: dict[str, str] = {}
    for c in parent:
        text = c["text"]
        # bare dates, numbers, short labels and numbered headings are copied or dropped, not edited
        minor = (len(re.sub(r"\d", "", _norm(text))) < min_chars
                 or bool(re.match(r"^(第[一二三四五六七八九十百]+[章节条]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", text)
                         and len(text) <= 20))
        if rng.random() < p_delete:
            labels[c["id"]] = "deleted"
        elif not minor and rng.random() < p_edit:
            new = _edit(text, rng)
            labels[c["id"]] = "edited" if _norm(new) != _norm(text) else "copied"
            out.append((c["id"], new, c.get("kind", "other")))
        else:
            labels[c["id"]] = "copied"
            out.append((c["id"], text, c.get("kind", "other")))
        if pool and rng.random() < p_add:
            d = rng.choice(pool)
            out.append((None, d["text"], d.get("kind", "other")))
    # local reorders: swap neighbouring derived clauses
    k = 0
    while k < len(out) - 1:
        if out[k][0] and out[k + 1][0] and rng.random() < p_swap:
            out[k], out[k + 1] = out[k + 1], out[k]
            labels[out[k][0]] = labels[out[k + 1][0]] = "moved"
            k += 2
        else:
            k += 1
    clauses, gold, ident, added = [], set(), set(), []
    for n, (pid, text, kind) in enumerate(out, 1):
        cid = f"c{n}"
        clauses.append({"id": cid, "text": text, "kind": kind})
        if pid is None:
            added.append(cid)
        else:
            gold.add((pid, cid))
            if _norm(text) == _norm(next(c["text"] for c in parent if c["id"] == pid)):
                ident.add((pid, cid))
    return Child(clauses, gold, labels, added, ident)


def score(pred_pairs: set[tuple[str, str]], gold_pairs: set[tuple[str, str]]) -> tuple[float, float]:
    """Pair precision and recall."""
    tp = len(pred_pairs & gold_pairs)
    return (tp / len(pred_pairs) if pred_pairs else 1.0, tp / len(gold_pairs) if gold_pairs else 1.0)


def make_record(clauses: list[dict], *, title: str, level: str | None = None, region: dict | None = None,
                date: str | None = None, doc_number: str | None = None, citations: list[dict] | None = None,
                targets: list[dict] | None = None, issuer: str | None = None) -> dict:
    """A minimal but valid stored record whose text is the clauses joined by newlines."""
    text_parts, out, pos = [title], [], len(title) + 1
    for k, c in enumerate(clauses, 1):
        t = c["text"]
        out.append({"id": f"c{k}", "section_id": None, "text": t, "span": [pos, pos + len(t)],
                    "kind": c.get("kind", "other"), "cue": None, "actors": [], "deadline": None})
        text_parts.append(t)
        pos += len(t) + 1
    text = "\n".join(text_parts)
    doc_id = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    cits = []
    for c in citations or []:
        cits.append({"title": c["title"], "doc_number": c.get("doc_number"), "alias": None,
                     "span": [0, 0], "resolved_doc_id": None})
    return {
        "schema": "zhengce.document/1", "doc_id": doc_id, "source": f"synthetic:{doc_id}", "format": "txt",
        "metadata": {"title": title, "notice_title": None, "doc_number": doc_number,
                     "issuers": [issuer] if issuer else [], "signed_date": date, "published_date": None,
                     "index_number": None, "doc_type": None, "recipients": [],
                     "region": {"province": None, "city": None, "county": None, "code": None, **(region or {})},
                     "level": level, "topics": []},
        "quality": {"flags": [], "notes": []}, "text": text, "offset_map": [], "sections": [], "tables": [],
        "clauses": out, "responsibilities": [], "targets": targets or [], "time_expressions": [], "citations": cits,
    }
