"""Golden records per bundled document: metadata, quality flags and the section tree.
Regenerate after an intended change with ``python -m pytest tests/test_golden.py --regen-golden``
and review the diff."""
from __future__ import annotations

import json

import pytest

from conftest import CORPUS, GOLDEN
from zhengce.pipeline.document import extract_file
from zhengce.pipeline.ingest import NOT_DOCUMENTS
from zhengce.pipeline.load import LOADERS

DOCS = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in LOADERS and p.stem.upper() not in NOT_DOCUMENTS)


def summary(path) -> dict:
    d = extract_file(path)
    return {
        "metadata": d.metadata.model_dump(mode="json"),
        "quality_flags": d.quality.flags,
        "sections": [[s.level, s.number, s.heading] for s in d.sections],
        "tables": [len(t.rows) for t in d.tables],
    }


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_golden(path, regen):
    golden = GOLDEN / f"{path.name}.json"
    if golden.exists() and not regen and "ocr" in json.loads(golden.read_text(encoding="utf-8"))["quality_flags"]:
        from zhengce.pipeline.load import ocr
        if not ocr.available():      # the record of an image-only page is what OCR reads (.ci/install-office)
            pytest.skip("written with the ocr extra installed (pip install 'zhengce[ocr]'; .ci/install-office)")
    got = summary(path)
    if regen or not golden.exists():
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not regen:
            pytest.skip(f"wrote new golden file {golden.name}")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_document_has_title_and_type(path):
    d = extract_file(path)
    if "ocr_needed" in d.quality.flags and len(d.text) < 200:
        assert d.metadata.title  # an image-only attachment still names itself
        return
    assert d.metadata.title and d.metadata.doc_type
