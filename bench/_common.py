"""Helpers shared by the benchmark scripts."""
from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def corpus_files() -> list[Path]:
    from zhengce.pipeline.load import LOADERS
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in LOADERS
                  and p.stem.upper() not in {"README", "SOURCES", "MANIFEST"})


def quiet_jieba():
    import logging
    import tempfile
    import jieba
    jieba.dt.tmp_dir = os.environ.get("JIEBA_CACHE_DIR", tempfile.gettempdir())
    jieba.setLogLevel(logging.WARNING)
    return jieba
