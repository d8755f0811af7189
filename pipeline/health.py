"""Corpus health without gold: how complete and how believable the records of a folder or store are.

For any set of records it measures what needs no annotation — metadata completeness, targets
without an indicator or a deadline, targets whose evidence is not Chinese text (URLs, encoded
strings, code), indicators that cannot be a name (a bracket or quote cut open, a modal or manner word
left in), the clause-kind mix, responsibilities per document, load failures — and lists the
worst documents with their problems.  It is how the next class of extraction failure is found:
read the worst records beside their sources.

``health(records, failures)`` works on plain record dicts (``Document.record()`` or a store's
``records()``), so a folder and a store are measured the same way.
"""
from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from typing import Iterable

from .extract.target_parse import MARK_PAIRS, stray_marks

CJK = re.compile(r"[\u4e00-\u9fff]")
# what a target's surroundings look like when its number came from a URL, an encoded string or code
NOT_TEXT = re.compile(r"%[0-9A-Fa-f]{2}|https?:|://|www\.|\.s?html?\b|[A-Za-z0-9+/=_\-]{24,}|[{};<>]\s*[{};<>]")
METADATA_FIELDS = ("title", "doc_type", "date", "level", "issuer", "region")
# an indicator that is no name of a measured thing: a bracket or quote cut open, a modal or a manner word
# left in (应当按照套内建筑面积, 市）房产主管部门…时限, 各区按照“中心城区时间)
MODAL_IN_NAME = re.compile(r"应当|应该|必须|可以|^(?:按照|依照|按)(?![期时月季年日需劳比])")
KINDS = ("obligation", "prohibition", "encouragement", "permission", "goal", "fact", "other")


def _has(meta: dict, name: str) -> bool:
    if name == "date":
        return bool(meta.get("signed_date") or meta.get("published_date"))
    if name == "issuer":
        return bool(meta.get("issuers"))
    if name == "region":
        region = meta.get("region") or {}
        return bool(region.get("province") or region.get("city") or region.get("county"))
    return bool(meta.get(name))


def indicator_malformed(indicator: str | None) -> bool:
    """True when an indicator cannot be the name of what a target measures (see MODAL_IN_NAME)."""
    if not indicator:
        return False
    return bool(MODAL_IN_NAME.search(indicator)) or \
        any(stray_marks(indicator, open_, close) != (-1, 0) for open_, close in MARK_PAIRS)


def target_not_text(target: dict, text: str) -> bool:
    """True when a target's evidence is not Chinese prose: no Chinese in it, or a URL / encoded
    string / code around it."""
    if not CJK.search(target.get("text") or ""):
        return True
    start, end = target.get("span") or (0, 0)
    context = text[max(0, start - 30): end + 30]
    return bool(NOT_TEXT.search(context))


@dataclass
class DocHealth:
    doc_id: str
    source: str
    title: str
    doc_type: str
    missing: list[str]
    n_clauses: int
    n_targets: int
    n_responsibilities: int
    share_other: float
    targets_not_text: int
    targets_without_deadline: int
    targets_without_indicator: int
    targets_malformed_indicator: int = 0
    kinds: collections.Counter = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)
    weight: float = 0.0


def document_health(rec: dict) -> DocHealth:
    meta = rec.get("metadata") or {}
    clauses = rec.get("clauses") or []
    targets = rec.get("targets") or []
    text = rec.get("text") or ""
    missing = [f for f in METADATA_FIELDS if not _has(meta, f)]
    other = sum(1 for c in clauses if c.get("kind") == "other")
    d = DocHealth(
        doc_id=rec.get("doc_id", ""), source=rec.get("source", ""), title=meta.get("title") or "",
        doc_type=meta.get("doc_type") or "", missing=missing, n_clauses=len(clauses), n_targets=len(targets),
        n_responsibilities=len(rec.get("responsibilities") or []),
        share_other=other / len(clauses) if clauses else 0.0,
        targets_not_text=sum(1 for t in targets if target_not_text(t, text)),
        targets_without_deadline=sum(1 for t in targets if not t.get("deadline")),
        targets_without_indicator=sum(1 for t in targets if not t.get("indicator")),
        targets_malformed_indicator=sum(1 for t in targets if indicator_malformed(t.get("indicator"))),
        kinds=collections.Counter(c.get("kind") or "other" for c in clauses),
    )
    # problems, each weighted by how much a researcher loses through it
    core = [f for f in missing if f in ("title", "doc_type", "date", "level")]
    if core:
        d.problems.append("no " + ", ".join(core))
        d.weight += 3 * len(core)
    if "issuer" in missing:
        d.problems.append("no issuer")
        d.weight += 1
    if d.targets_not_text:
        d.problems.append(f"{d.targets_not_text} targets not from Chinese text")
        d.weight += 2 + d.targets_not_text / 5
    if d.n_targets >= 3 and d.targets_without_deadline / d.n_targets > 0.5:
        d.problems.append(f"{d.targets_without_deadline}/{d.n_targets} targets without deadline")
        d.weight += d.targets_without_deadline / d.n_targets
    if d.targets_without_indicator:
        d.problems.append(f"{d.targets_without_indicator} targets without indicator")
        d.weight += min(2.0, d.targets_without_indicator / 3)
    if d.targets_malformed_indicator:
        d.problems.append(f"{d.targets_malformed_indicator} targets with a malformed indicator")
        d.weight += min(1.0, d.targets_malformed_indicator / 5)
    if d.n_clauses >= 10 and d.share_other > 0.6:
        d.problems.append(f"{d.share_other:.0%} of clauses other")
        d.weight += 2 * (d.share_other - 0.6) / 0.4
    if len(text) > 2000 and d.n_clauses < 5:
        d.problems.append(f"{d.n_clauses} clauses in {len(text)} characters")
        d.weight += 3
    flags = (rec.get("quality") or {}).get("flags") or []
    for flag in ("garbled_text", "ocr_needed", "spam_injection"):
        if flag in flags:
            d.problems.append(flag)
            d.weight += 1
    return d


def _share(n: int, total: int) -> float:
    return round(n / total, 3) if total else 0.0


def health(records: Iterable[dict], failures: list[dict] | None = None, worst: int = 15) -> dict:
    """The report as a JSON-ready dict (see the module docstring)."""
    docs = [document_health(r) for r in records]
    failures = failures or []
    n = len(docs)
    kinds: collections.Counter = collections.Counter()
    n_clauses = n_targets = n_resp = not_text = no_deadline = no_indicator = malformed = 0
    for d in docs:
        n_clauses += d.n_clauses
        kinds.update(d.kinds)
        n_targets += d.n_targets
        n_resp += d.n_responsibilities
        not_text += d.targets_not_text
        no_deadline += d.targets_without_deadline
        no_indicator += d.targets_without_indicator
        malformed += d.targets_malformed_indicator
    return {
        "documents": n,
        "load_failures": len(failures),
        "metadata": {f: _share(sum(1 for d in docs if f not in d.missing), n) for f in METADATA_FIELDS},
        "all_four": _share(sum(1 for d in docs if not set(d.missing) & {"title", "doc_type", "date", "level"}), n),
        "targets": {
            "total": n_targets,
            "per_document": round(n_targets / n, 2) if n else 0.0,
            "not_text": not_text,
            "with_deadline": _share(n_targets - no_deadline, n_targets),
            "with_indicator": _share(n_targets - no_indicator, n_targets),
            "indicator_malformed": malformed,
        },
        "clauses": {"total": n_clauses, "other": _share(kinds["other"], n_clauses),
                    "kinds": {k: _share(kinds[k], n_clauses) for k in KINDS}},
        "responsibilities": {
            "total": n_resp,
            "per_document": round(n_resp / n, 2) if n else 0.0,
            "documents_with_any": _share(sum(1 for d in docs if d.n_responsibilities), n),
        },
        "by_doc_type": _by_doc_type(docs),
        "worst": [{"doc_id": d.doc_id, "source": d.source, "title": d.title, "doc_type": d.doc_type,
                   "problems": d.problems, "weight": round(d.weight, 2)}
                  for d in sorted((d for d in docs if d.problems), key=lambda d: -d.weight)[:worst]],
        "failures": failures,
    }


def _by_doc_type(docs: list[DocHealth]) -> list[dict]:
    groups: dict[str, list[DocHealth]] = collections.defaultdict(list)
    for d in docs:
        groups[d.doc_type or "(none)"].append(d)
    rows = []
    for doc_type, ds in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        clauses = sum(d.n_clauses for d in ds)
        rows.append({
            "doc_type": doc_type, "documents": len(ds),
            "all_four": _share(sum(1 for d in ds if not set(d.missing) & {"title", "doc_type", "date", "level"}), len(ds)),
            "clauses_other": _share(round(sum(d.share_other * d.n_clauses for d in ds)), clauses),
            "targets": sum(d.n_targets for d in ds),
            "responsibilities_per_document": round(sum(d.n_responsibilities for d in ds) / len(ds), 2),
        })
    return rows


def markdown(rep: dict, title: str) -> str:
    """The report as Markdown (for docs/)."""
    m, t, c, r = rep["metadata"], rep["targets"], rep["clauses"], rep["responsibilities"]
    lines = [f"### {title}", "",
             f"{rep['documents']} documents, {rep['load_failures']} load failures.", "",
             "| title | doc_type | date | level | issuer | region | all four |", "|---|---|---|---|---|---|---|",
             "| " + " | ".join(f"{m[f]:.1%}" for f in METADATA_FIELDS) + f" | {rep['all_four']:.1%} |", "",
             "| targets | per doc | not Chinese text | with deadline | with indicator | malformed indicator | clauses | other"
             " | responsibilities / doc |",
             "|---|---|---|---|---|---|---|---|---|",
             f"| {t['total']} | {t['per_document']} | {t['not_text']} | {t['with_deadline']:.1%} | {t['with_indicator']:.1%}"
             f" | {t['indicator_malformed']}"
             f" | {c['total']} | {c['other']:.1%} | {r['per_document']} |", "",
             "Clause kinds: " + ", ".join(f"{k} {v:.1%}" for k, v in c["kinds"].items()), "",
             "| doc_type | documents | all four | clauses other | targets | responsibilities / doc |",
             "|---|---|---|---|---|---|"]
    for row in rep["by_doc_type"]:
        lines.append(f"| {row['doc_type']} | {row['documents']} | {row['all_four']:.0%} | {row['clauses_other']:.0%}"
                     f" | {row['targets']} | {row['responsibilities_per_document']} |")
    if rep["worst"]:
        lines += ["", "Worst documents:", "", "| document | doc_type | problems |", "|---|---|---|"]
        for w in rep["worst"]:
            name = (w["title"] or w["source"].rsplit("/", 1)[-1])[:40].replace("|", "\\|")
            lines.append(f"| {name} | {w['doc_type'] or '—'} | {'; '.join(w['problems'])} |")
    if rep["failures"]:
        lines += ["", "Load failures:", ""] + [f"- `{f['path'].rsplit('/', 1)[-1]}`: {f['error']}" for f in rep["failures"]]
    return "\n".join(lines) + "\n"
