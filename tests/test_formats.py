"""Format equivalence: the same document saved as UTF-8 text, GB18030 text, UTF-16 text, an HTML
page with site chrome, a PDF (wrapped lines, running header, page numbers) and a DOCX gives the
same metadata and section tree."""
from __future__ import annotations

import html

import pytest

from conftest import SEEDS
from render import render_docx, render_pdf
from zhengce.pipeline.document import build, extract_file
from zhengce.pipeline.load.text import load as load_text

FIELDS = ("title", "notice_title", "doc_number", "issuers", "signed_date", "doc_type", "recipients", "region", "level")


@pytest.fixture(scope="module")
def source_text():
    # the seed's own paragraphs, one per line, as a clean copy a researcher might save
    return extract_file(next(SEEDS.glob("000_*.txt"))).text


def summary(doc):
    m = doc.metadata.model_dump(mode="json")
    return {k: m[k] for k in FIELDS}, [(s.level, s.number, s.heading) for s in doc.sections]


def html_page(text: str) -> str:
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>政府网站</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> | <a>政务公开</a></div>"
            f"<div id='UCAP-CONTENT'>{body}</div>"
            "<div class='footer'>版权所有：某某市人民政府 网站标识码 1234</div><script>var x=1;</script></body></html>")


def test_every_format_gives_the_same_record(source_text, tmp_path):
    reference = summary(build(load_text_from(source_text, tmp_path / "ref.txt", "utf-8")))
    assert reference[0]["doc_number"] == "原党教办〔2021〕1号" and len(reference[1]) > 20
    variants = {
        "gb18030.txt": lambda p: p.write_bytes(source_text.encode("gb18030")),
        "utf16.txt": lambda p: p.write_bytes(source_text.encode("utf-16")),
        "page.html": lambda p: p.write_text(html_page(source_text), encoding="utf-8"),
        "doc.pdf": lambda p: render_pdf(source_text, p),
        "doc.docx": lambda p: render_docx(source_text, p),
    }
    for name, write in variants.items():
        path = tmp_path / name
        write(path)
        got = summary(extract_file(path))
        assert got[0] == reference[0], name
        assert got[1] == reference[1], name


def load_text_from(text, path, encoding):
    path.write_text(text, encoding=encoding)
    return load_text(path)


def test_gb18030_and_big5_are_detected(tmp_path):
    simplified = "关于加强中小学校园安全管理工作的通知\n各县（市、区）教育局：\n一、总体要求\n各学校要落实安全责任，确保师生安全。"
    (tmp_path / "gb.txt").write_bytes(simplified.encode("gb18030"))
    assert load_text(tmp_path / "gb.txt").text == simplified
    traditional = "關於加強中小學校園安全管理工作的通知\n各縣市教育局：\n一、總體要求\n各學校要落實安全責任，確保師生安全。"
    (tmp_path / "big5.txt").write_bytes(traditional.encode("big5"))
    assert load_text(tmp_path / "big5.txt").text == traditional


@pytest.mark.parametrize("line,kept", [
    ("> 本文正文由脚本提取，以官方链接发布版本为准。", "本文正文由脚本提取，以官方链接发布版本为准。"),   # a quote mark
    (">2", ">2"), (">=90", ">=90"), ("> 3", "3"),                                               # a cell's bound
])
def test_markdown_quote_mark_but_not_a_cells_bound(tmp_path, line, kept):
    text = load_text_from(f"# 某规划\n\n指标\n\n{line}\n", tmp_path / "page.md", "utf-8").text
    assert text.split("\n")[4] == kept
