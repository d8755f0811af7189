"""A yearless deadline (3月底前) in a document about another year than it was signed in is read in
that year (time.reference_year), as the time expressions are."""
from __future__ import annotations

from zhengce.pipeline.document import structure
from zhengce.pipeline.extract.registry import run_extractors

NOTICE = """某市人民政府办公室关于印发某市2026年民生实事项目实施方案的通知
各区人民政府：
现将《某市2026年民生实事项目实施方案》印发给你们，请认真贯彻落实。
某市人民政府办公室
2025年11月20日
某市2026年民生实事项目实施方案
一、主要任务
（一）新建普惠性幼儿园。3月底前，全市新建普惠性幼儿园10所。
"""


def test_yearless_deadline_in_the_year_the_document_is_about():
    doc = structure(NOTICE)
    run_extractors(doc)
    assert doc.metadata.signed_date == "2025-11-20"
    [t] = [t for t in doc.targets if t.unit == "所"]
    assert t.deadline == "2026-03-31"
    assert any(c.deadline == "2026-03-31" for c in doc.clauses if "3月底前" in c.text)


def test_yearless_deadline_in_the_signing_year_otherwise():
    doc = structure(NOTICE.replace("2026年", "2025年"))
    run_extractors(doc)
    [t] = [t for t in doc.targets if t.unit == "所"]
    assert t.deadline == "2025-03-31"
