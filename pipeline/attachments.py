"""Attachments filed on their own inherit what their parent notice says about them.

Portals serve a notice and its 附件 as separate files: a map, a table, a list of projects.  The
attachment's own text rarely carries a date, an issuer or a document number — those live on the
notice that lists it (``附件：…空间布局图.pdf``, ``【相关附件】``, ``附件1. …名单``).  After an ingest, each
stored attachment that lacks a date is matched to the one stored document that lists it by name
(preferring one from the same folder); the attachment then takes the parent's dates, issuers,
region and level where its own are empty, names the parent as its ``notice_title``, and says so in
its quality notes.  Nothing is inherited when no parent, or more than one, lists the name.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from typing import Iterable

from .store.base import Store
from .structure.metadata import ATTACHMENT_PREFIX
# a parent lists the attachment's name within this many characters after the word 附件
LISTING_REACH = 400
MIN_NAME_CHARS = 4
# marks such as quotes, brackets, spaces and extensions differ between a link text and a title
_NOISE = re.compile(r"[\s《》“”\"'‘’〈〉「」【】（）()\[\]]|\.(?:pdf|docx?|xlsx?|wps|ofd|jpe?g|png)$", re.I)
INHERITED = ("signed_date", "published_date", "issuers", "region", "level")
NOTE = "metadata inherited from the notice that lists this attachment: {doc_id}"


def attachment_name(record: dict) -> str | None:
    """The bare name of a record that is an attachment (附件2：某某名单 → 某某名单), else None."""
    m = record.get("metadata") or {}
    title = m.get("title") or ""
    hit = ATTACHMENT_PREFIX.match(title)
    if not hit and m.get("doc_type") != "附件":
        return None
    name = _key(title[hit.end():] if hit else title)
    return name if len(name) >= MIN_NAME_CHARS else None


def lists_attachment(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` as one of its attachments (the name within reach after 附件)."""
    flat = _key(text)
    start = 0
    while (at := flat.find(name, start)) >= 0:
        if "附件" in flat[max(0, at - LISTING_REACH):at]:
            return True
        start = at + 1
    return False


def parent_of(name: str, doc_id: str, folder: set[str], candidates: Iterable[dict]) -> dict | None:
    """The one record that lists ``name``; among several, the one from the attachment's folder."""
    found = [c for c in candidates if c["doc_id"] != doc_id and lists_attachment(c["text"], name)]
    if len(found) > 1:
        found = [c for c in found if c["folders"] & folder]
    return found[0] if len(found) == 1 else None


def inherit(record: dict, parent: dict) -> dict:
    """A copy of ``record`` with the parent's metadata where its own is empty, and a note saying so."""
    out = dict(record)
    meta, pmeta = dict(record["metadata"]), parent["metadata"]
    for field in INHERITED:
        if not _filled(meta.get(field)) and _filled(pmeta.get(field)):
            meta[field] = pmeta[field]
    if not meta.get("notice_title"):
        meta["notice_title"] = pmeta.get("title")
    out["metadata"] = meta
    quality = dict(record.get("quality") or {})
    note = NOTE.format(doc_id=parent["doc_id"])
    quality["notes"] = [n for n in quality.get("notes", []) if not n.startswith(NOTE.split("{")[0])] + [note]
    out["quality"] = quality
    return out


def link_attachments(store: Store) -> int:
    """Give every stored attachment without a date its parent's metadata; returns how many."""
    if type(store).replace is Store.replace:
        return 0    # a backend that cannot rewrite a record keeps attachments as extracted
    orphans = [d["doc_id"] for d in store.documents()
               if not (d.get("signed_date") or d.get("published_date"))
               and ((d.get("title") or "").startswith("附件") or d.get("doc_type") == "附件")]
    n = 0
    for doc_id in orphans:
        record = store.get(doc_id)
        name = record and attachment_name(record)
        if not name:
            continue
        # the store finds texts holding the name's longest unbroken run; the listing check is ours
        probe = max(_NOISE.split(ATTACHMENT_PREFIX.sub("", record["metadata"]["title"])), key=len)
        candidates = []
        for cid in store.containing(probe):
            rec = store.get(cid) if cid != doc_id else None
            if rec:
                candidates.append({**rec, "folders": _folders(store, cid)})
        parent = parent_of(name, doc_id, _folders(store, doc_id), candidates)
        if parent:
            store.replace(inherit(record, parent))
            n += 1
    return n


def _folders(store: Store, doc_id: str) -> set[str]:
    return {str(PurePath(s).parent) for s in store.sources(doc_id)}


def _filled(value) -> bool:
    return bool(value) and (not isinstance(value, dict) or any(value.values()))


def _key(s: str) -> str:
    return _NOISE.sub("", s)
