"""Chinese tokenisation and the spaCy view of the pipeline.

``segmenter()`` is jieba configured for this domain: its cache in a writable temp dir and the
policy vocabulary of ``lexicon/jieba_userdict.txt`` loaded (unit names, 责任单位, 十四五, 毛入园率 …)
so that segmentation keeps them whole.  Search indexing and actor analysis use it.

``make_nlp()`` builds a spaCy ``blank("zh")`` pipeline with the jieba segmenter and zhengce's
stages as components: ``zhengce_document`` runs load-free structuring on ``doc.text`` and keeps
the record on ``doc._.zhengce``; one component per extractor then exposes its items as
``doc.spans[<name>]`` (labels: clause kind, responsibility role, target comparator, time kind,
"citation").  Nothing else in zhengce imports spaCy: the CLI and the record never need it.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from importlib import resources

SPAN_KEYS = {"clauses": "clauses", "responsibilities": "responsibilities", "targets": "targets",
             "time": "time_expressions", "citations": "citations"}


@lru_cache(maxsize=1)
def segmenter():
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = os.environ.get("JIEBA_CACHE_DIR", tempfile.gettempdir())
    with resources.as_file(resources.files("zhengce.pipeline.lexicon").joinpath("jieba_userdict.txt")) as p:
        jieba.load_userdict(str(p))
    return jieba


@lru_cache(maxsize=8192)
def tagged(text: str, hmm: bool = True) -> tuple:
    """jieba's (word, flag) pairs of a short phrase, cached: the extractors ask about the same subjects
    and units clause after clause.  The pairs have ``.word`` and ``.flag``; read them, never change them."""
    segmenter()
    import jieba.posseg as pseg
    return tuple(pseg.lcut(text, HMM=hmm))


def cut(text: str, search: bool = False) -> list[str]:
    """jieba tokens of text (search mode gives the extra sub-words FTS needs for recall)."""
    jb = segmenter()
    return [t for t in (jb.lcut_for_search(text) if search else jb.lcut(text)) if t.strip()]


def _label(name: str, item) -> str:
    return {"clauses": lambda x: x.kind, "responsibilities": lambda x: x.role,
            "targets": lambda x: x.comparator, "time": lambda x: x.kind,
            "citations": lambda x: "citation"}[name](item)


def make_nlp():
    """A spaCy pipeline: jieba segmenter + zhengce components writing ``doc.spans``."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc

    segmenter()  # the user dictionary must be loaded before spaCy's segmenter is first used
    if not Doc.has_extension("zhengce"):
        Doc.set_extension("zhengce", default=None)

    if "zhengce_document" not in Language.factories:
        @Language.component("zhengce_document")
        def zhengce_document(doc):
            from .document import structure
            doc._.zhengce = structure(doc.text, source="<spacy>")
            return doc

        def extractor_component(name):
            def component(doc):
                from importlib import import_module
                record = doc._.zhengce
                import_module(f"{__package__}.extract.{name}").extract(record)
                items = getattr(record, SPAN_KEYS[name])
                spans = []
                for item in items:
                    span = doc.char_span(item.span[0], item.span[1], label=_label(name, item), alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
                doc.spans[SPAN_KEYS[name]] = spans
                return doc
            Language.component(f"zhengce_{name}", func=component)

        from .extract.registry import EXTRACTORS
        for name in EXTRACTORS:
            extractor_component(name)

    from .extract.registry import EXTRACTORS
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("zhengce_document")
    for name in EXTRACTORS:
        nlp.add_pipe(f"zhengce_{name}")
    return nlp
