"""PDF and DOCX loaders: text in reading order, tables, running headers/footers, bad inputs.

Documents are rendered from a known text by ``tests/render.py`` (reportlab / python-docx) into
``tmp_path``, so every check compares against the words that went in.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import MERGE_LEFT, MERGE_UP, render_docx, render_pdf, render_pdf_image_only, render_pdf_table  # noqa: E402

from zhengce.pipeline.load import LoadError, load  # noqa: E402
from zhengce.pipeline.load import docx as docx_loader  # noqa: E402
from zhengce.pipeline.load import pdf as pdf_loader  # noqa: E402
from zhengce.pipeline.load.base import cells_line  # noqa: E402

CORPUS_DEV = Path("/work/shared/corpus_dev")
ATTACHMENT_PDF = CORPUS_DEV / "provincial_shanghai_2025_yangpu_innovation_zone_plan_attachment_map.pdf"
SATELLITE_DOCX = CORPUS_DEV / "national_china_2025_satellite_communications_guideline_highlighted.docx"

CJK = "\u3400-\u9fff"
CJK_PUNCT = "，。、；：？！“”‘’《》（）〔〕【】—…"
SPACE_BETWEEN_CJK = re.compile(f"[{CJK}{CJK_PUNCT}] +[{CJK}{CJK_PUNCT}]")

POLICY = """关于印发《某某市促进卫星通信产业高质量发展若干措施》的通知
各区人民政府，市政府各委、办、局，各有关单位：
现将《某某市促进卫星通信产业高质量发展若干措施》印发给你们，请认真贯彻落实。
一、总体要求
以习近平新时代中国特色社会主义思想为指导，完整、准确、全面贯彻新发展理念，统筹发展和安全，加快构建规范有序、协同发展、优势互补、合作共赢的卫星通信产业发展格局。
到2027年，全市卫星通信产业规模突破500亿元，培育营业收入超过10亿元的龙头企业5家以上，建成5G与卫星融合试验网络1个。
二、主要任务
（一）支持低轨卫星互联网加快发展。推动卫星互联网实现高质量发展，针对低轨卫星通信应用适时开展商用试验，带动产业链上下游协同创新。（责任单位：市经济信息化委、市通信管理局）
（二）支持开展终端设备直连卫星业务。支持电信运营商通过与卫星企业共建、共享等模式，推动手机等终端设备直连卫星加快推广应用，为广大用户提供话音、短消息业务。
（三）促进应急通信应用。综合利用天通、高通量卫星、北斗短报文等卫星通信资源，为应急处置提供统一调度、高效供给和融合应用的卫星通信服务保障。
（四）推进数字惠民服务。鼓励通过高通量卫星、低轨卫星互联网等方式为偏远地区、海岛和地形复杂地区提供多样化网络接入服务，进一步提高网络覆盖水平，降低覆盖成本。
（五）强化融合应用创新。鼓励卫星通信在工业、农业、交通、能源、城市治理等领域创新应用，加强与工业互联网、车联网、低空智联网等新一代信息基础设施交叉融合。
三、保障措施
（六）加强资金保障。对符合条件的项目，按设备投资额的10%给予奖补，单个项目最高500万元；市级财政每年安排专项资金不少于2亿元。
（七）加强人才支撑。实施卫星通信领域高层次人才引进计划，对引进的领军人才给予最高100万元安家补贴，每年组织开展专业技术培训不少于3次。
（八）加强组织协调。建立由市政府分管领导牵头的工作推进机制，及时协调解决重大问题，每半年开展一次督查评估，确保各项措施落地见效。
（九）加强宣传推广。及时总结提炼经验做法和典型案例，宣传推广一批可借鉴、可复制的先进经验和举措，营造全社会支持卫星通信产业发展的良好氛围。
（十）加强国际合作。支持企业开展国际交流合作，提升全球服务能力，探索将卫星通信国际合作纳入共建“一带一路”等合作机制框架。
本措施自2025年10月1日起施行，有效期至2028年9月30日。
某某市人民政府办公厅
2025年8月25日"""

HEADER = "某某市人民政府公报 2025年第12期"


def squash(text: str) -> str:
    return "".join(text.split())


def assert_in_order(lines: list[str], text: str) -> None:
    """Every line's characters appear in ``text``, lines in the given order."""
    flat = squash(text)
    pos = 0
    for line in lines:
        i = flat.find(squash(line), pos)
        assert i >= 0, f"not found in order: {line!r}"
        pos = i + len(squash(line))


def assert_one_line_error(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert msg and "\n" not in msg and len(msg) < 120 and "Traceback" not in msg, msg
    return msg


def policy_long(times: int = 3) -> str:
    """The policy text with its measures repeated (renumbered) so it runs over several pages."""
    lines = POLICY.split("\n")
    head, measures, tail = lines[:7], lines[7:-3], lines[-3:]
    out = list(head)
    for k in range(times):
        out += [re.sub(r"^（[一二三四五六七八九十]+）", f"（第{k + 1}组）", m) for m in measures]
    return "\n".join(out + tail)


# ------------------------------------------------------------------------------------------ PDF

@pytest.fixture(scope="module")
def policy_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "policy.pdf"
    pages = render_pdf(policy_long(), path, header=HEADER, footer="- {page} -")
    assert pages >= 3
    return path, pages


def test_pdf_round_trip_keeps_every_line_in_order(policy_pdf):
    path, pages = policy_pdf
    raw = pdf_loader.load(path)
    assert raw.format == "pdf" and raw.source == str(path)
    assert_in_order(policy_long().split("\n"), raw.text)
    assert squash(raw.text) == squash(policy_long())          # nothing added, nothing lost
    # long paragraphs come back broken inside sentences, as PDFs do
    assert len(raw.text.split("\n")) > len(policy_long().split("\n"))
    assert "ocr_needed" not in raw.flags


def test_pdf_drops_running_header_and_page_numbers(policy_pdf):
    path, pages = policy_pdf
    raw = pdf_loader.load(path)
    assert "公报" not in raw.text
    assert not [l for l in raw.text.split("\n") if re.fullmatch(r"[-—\s]*\d+[-—\s]*", l)]
    assert "boilerplate_removed" in raw.flags
    assert any("page numbers removed" in n for n in raw.notes)


def test_pdf_no_spaces_between_cjk_glyphs(policy_pdf):
    raw = pdf_loader.load(policy_pdf[0])
    assert not SPACE_BETWEEN_CJK.search(raw.text), SPACE_BETWEEN_CJK.search(raw.text)


def test_pdf_keeps_spaces_between_latin_words(tmp_path):
    path = tmp_path / "latin.pdf"
    render_pdf("支持ABC Satellite Company等企业参与5G NTN试验。", path, header=None, footer=None)
    assert pdf_loader.load(path).text == "支持ABC Satellite Company等企业参与5G NTN试验。"


@pytest.mark.parametrize("footer", ["- {page} -", "—{page}—", "{page}", "第{page}页", "{page}/{total}",
                                    "第 {page} 页 共 {total} 页"])
def test_pdf_page_number_styles(tmp_path, footer):
    path = tmp_path / "numbers.pdf"
    pages = render_pdf(policy_long(), path, header=None, footer=footer)
    raw = pdf_loader.load(path)
    assert squash(raw.text) == squash(policy_long()), f"{pages} pages, footer {footer!r}"


def test_pdf_odd_and_even_page_headers(tmp_path):
    path = tmp_path / "odd_even.pdf"
    pages = render_pdf(policy_long(7), path, header="某某市人民政府公报 · {page} ·",
                       header_even="2025年第12期（总第345期）", footer=None)
    assert pages >= 5
    raw = pdf_loader.load(path)
    assert squash(raw.text) == squash(policy_long(7))


def test_pdf_first_line_like_the_header_but_elsewhere_is_kept(tmp_path):
    """The running header repeats the title; the title itself, lower on page 1, stays."""
    title = POLICY.split("\n")[0]
    path = tmp_path / "title.pdf"
    render_pdf(policy_long(), path, header=title, footer="- {page} -")
    raw = pdf_loader.load(path)
    assert raw.text.split("\n")[0] == title
    assert raw.text.count(title) == 1


def test_pdf_header_on_one_page_only_is_kept(tmp_path):
    """A single page cannot show a running header: the first line stays."""
    path = tmp_path / "one.pdf"
    render_pdf("\n".join(POLICY.split("\n")[:6]), path, header=HEADER, footer=None)
    raw = pdf_loader.load(path)
    assert raw.text.startswith(HEADER)


def test_pdf_attachment_headings_on_new_pages_are_not_running_headers(tmp_path):
    """``附件1`` … ``附件3`` at the top of successive pages differ in their number, out of step
    with the page number: they are body text, not a running header."""
    parts = []
    for k in (1, 2, 3):
        parts += ["\f", f"附件{k}", f"第{k}批试点项目名单", "某某区卫星通信应用示范项目"]
    text = "\n".join(POLICY.split("\n")[:4] + parts[1:])
    path = tmp_path / "attachments.pdf"
    render_pdf(text, path, header=None, footer="—{page}—", indent=0)
    raw = pdf_loader.load(path)
    for k in (1, 2, 3):
        assert f"附件{k}" in raw.text.split("\n")
    assert squash(raw.text) == squash(text.replace("\f", ""))


def test_pdf_table_comes_back_as_rows_at_its_position(tmp_path):
    rows = [["指标", "2020年", "2025年目标", "属性"],
            ["学前教育毛入园率（%）", "98.91", "99以上，并逐步提高到国内先进地区水平，覆盖全部街道和乡镇", "约束性"],
            ["义务教育巩固率（%）", "96", "97", "预期性"],
            ["ABC Index", "1.5", "2.0", "预期性"]]
    path = tmp_path / "table.pdf"
    render_pdf_table(rows, path, before=["专栏一 主要目标", "下表列出“十四五”时期主要目标。"],
                     after=["以上指标按年度考核。"])
    raw = pdf_loader.load(path)
    assert [t.rows for t in raw.tables] == [rows]
    lines = raw.text.split("\n")
    assert lines == ["专栏一 主要目标", "下表列出“十四五”时期主要目标。"] + [cells_line(r) for r in rows] + ["以上指标按年度考核。"]
    # the table's words are not also left in the plain text flow
    assert raw.text.count("学前教育毛入园率") == 1


def test_pdf_image_only_page_needs_ocr(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    path = tmp_path / "scan.pdf"
    render_pdf_image_only(path, pages=2)
    raw = pdf_loader.load(path)
    assert raw.text == ""
    assert "ocr_needed" in raw.flags
    assert any("page 1 has no text layer (image only)" in n for n in raw.notes)
    assert any("page 2 has no text layer" in n for n in raw.notes)
    assert any("OCR is off (--ocr never): pages 1-2 not read" in n for n in raw.notes)


def test_pdf_image_only_page_without_an_engine_says_how_to_enable_ocr(tmp_path, monkeypatch):
    from zhengce.pipeline.load import ocr
    monkeypatch.setenv("ZHENGCE_OCR", "auto")
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: None)
    path = tmp_path / "scan.pdf"
    render_pdf_image_only(path, pages=1)
    raw = pdf_loader.load(path)
    assert raw.text == "" and "ocr_needed" in raw.flags and "ocr" not in raw.flags
    assert any("no OCR engine installed" in n and "pip install 'zhengce[ocr]'" in n for n in raw.notes)


def test_pdf_drawing_only_page_needs_ocr(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    path = tmp_path / "rect.pdf"
    render_pdf_image_only(path, image=False)
    raw = pdf_loader.load(path)
    assert raw.text == "" and "ocr_needed" in raw.flags


def test_pdf_text_page_then_scanned_page(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    path = tmp_path / "mixed.pdf"
    render_pdf_image_only(path, pages=1, text_page="附件：某某区空间布局图")
    raw = pdf_loader.load(path)
    assert raw.text == "附件：某某区空间布局图"
    assert "ocr_needed" in raw.flags
    assert any(n.startswith("page 2 has no text layer") for n in raw.notes)


def test_pdf_real_attachment_map_loads(monkeypatch):
    """Without OCR the map's title is its text and a note says the image is unread (in auto mode,
    with the ocr extra, the map is read: tests/test_ocr.py)."""
    if not ATTACHMENT_PDF.exists():
        pytest.skip("corpus_dev not available")
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    raw = load(ATTACHMENT_PDF)
    assert raw.format == "pdf"
    assert raw.text == "附件：杨“数”浦新质秀带创新区空间布局图"
    assert "ocr_needed" not in raw.flags
    assert "page 1 has a large image; text inside it is not extracted (--ocr always reads it)" in raw.notes


def test_pdf_fake_bold_glyphs_are_read_once(tmp_path):
    """Titles are often drawn two or three times, slightly offset, to look bold."""
    from reportlab.pdfgen import canvas
    from render import _font

    path = tmp_path / "bold.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(_font(), 16)
    for dx in (0, 0.3, 0.6):
        c.drawString(72 + dx, 700, "关于印发实施方案的通知")
    c.setFont(_font(), 12)
    c.drawString(72, 660, "各区人民政府：")
    c.save()
    assert pdf_loader.load(path).text == "关于印发实施方案的通知\n各区人民政府："


def test_pdf_kangxi_radicals_are_mapped():
    assert pdf_loader._char_text({"text": "\u2f00"}) == "一"
    assert pdf_loader._char_text({"text": "\u2f08"}) == "人"
    assert pdf_loader._char_text({"text": "，"}) == "，"


@pytest.mark.parametrize("line", ["- 3 -", "—3—", "3", "第3页", "3/10", "第 3 页 共 10 页", "Page 3 of 10", "- iv -"])
def test_page_number_pattern(line):
    assert pdf_loader.PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["2025年8月25日", "附件3", "（三）加强组织协调", "第三条"])
def test_page_number_pattern_leaves_text(line):
    assert not pdf_loader.PAGE_NUMBER.match(line)


def test_modules_import_lazily():
    code = ("import sys, zhengce.pipeline.load.pdf, zhengce.pipeline.load.docx; "
            "bad = [m for m in ('pdfplumber', 'pdfminer', 'docx', 'pypdfium2') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": ""})


# ------------------------------------------------------------------------------ PDF bad inputs

def _valid_pdf(tmp_path) -> bytes:
    path = tmp_path / "ok.pdf"
    render_pdf(policy_long(), path)
    return path.read_bytes()


def test_pdf_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert assert_one_line_error(e) == "empty file"


def test_pdf_random_bytes(tmp_path):
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(5000))
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert "not a PDF" in assert_one_line_error(e)


def test_pdf_header_then_garbage(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(5000))
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert "PDF" in assert_one_line_error(e)


def test_pdf_truncated(tmp_path):
    data = _valid_pdf(tmp_path)
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert "truncated" in assert_one_line_error(e) or "damaged" in str(e.value)


def test_pdf_encrypted(tmp_path):
    path = tmp_path / "secret.pdf"
    render_pdf(POLICY, path, encrypt="secret")
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert assert_one_line_error(e) == "encrypted PDF (password required)"


def test_pdf_owner_password_only_still_loads(tmp_path):
    """Permissions-only encryption (empty user password) opens without a password."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = tmp_path / "restricted.pdf"
    render_pdf(POLICY, path, encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0))
    raw = pdf_loader.load(path)
    assert squash(raw.text) == squash(POLICY)
    # pdfminer cannot map the CID font of this encrypted file ((cid:N) glyphs): pdfium reads it
    assert any("pdfium" in n for n in raw.notes) and "garbled_text" not in raw.flags


def test_pdf_errors_through_dispatcher(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"not a pdf at all")
    with pytest.raises(LoadError):
        load(path)


# ----------------------------------------------------------------------------------------- DOCX

def test_docx_round_trip_matches_pdf_text(tmp_path):
    """Format equivalence: the same text rendered as DOCX and PDF loads to the same characters."""
    text = policy_long()
    render_docx(text, tmp_path / "p.docx")
    render_pdf(text, tmp_path / "p.pdf", header=HEADER)
    d = docx_loader.load(tmp_path / "p.docx")
    p = pdf_loader.load(tmp_path / "p.pdf")
    assert d.format == "docx" and d.source == str(tmp_path / "p.docx")
    assert d.text == text                      # DOCX paragraphs are lines: nothing to join
    assert squash(d.text) == squash(p.text)


def test_pdf_and_docx_normalise_to_the_same_document(tmp_path):
    """End to end: after normalisation (which joins the PDF's wrapped lines) both formats give
    the original paragraphs, and the same doc_id."""
    from zhengce.pipeline.document import extract_file

    text = policy_long()
    render_docx(text, tmp_path / "p.docx")
    render_pdf(text, tmp_path / "p.pdf", header=HEADER)
    d, p = extract_file(tmp_path / "p.docx"), extract_file(tmp_path / "p.pdf")
    assert p.text == d.text == text
    assert p.doc_id == d.doc_id
    assert "reflowed_lines" in p.quality.flags


def test_docx_header_and_footer_are_not_body_text(tmp_path):
    render_docx(POLICY, tmp_path / "h.docx", header="页眉：某某市人民政府办公厅", footer="第 1 页")
    raw = docx_loader.load(tmp_path / "h.docx")
    assert "页眉" not in raw.text and "第 1 页" not in raw.text


def test_docx_paragraphs_and_table_in_body_order(tmp_path):
    rows = [["序号", "任务", "责任单位"],
            ["1", "支持低轨卫星互联网加快发展", "市经济信息化委"],
            ["2", "促进应急通信应用", "市应急局、市通信管理局"]]
    lines = POLICY.split("\n")[:8]
    render_docx("\n".join(lines), tmp_path / "t.docx", tables={5: rows})
    raw = docx_loader.load(tmp_path / "t.docx")
    assert [t.rows for t in raw.tables] == [rows]
    assert raw.text.split("\n") == lines[:6] + [cells_line(r) for r in rows] + lines[6:]


def test_docx_merged_cells_appear_once_per_row(tmp_path):
    rows = [["指标", "目标值", MERGE_LEFT, "属性"],
            ["", "2025年", "2027年", ""],
            ["产业规模（亿元）", "300", "500", "预期性"],
            [MERGE_UP, "5家", "10家", MERGE_UP]]
    render_docx("专栏一 主要目标", tmp_path / "m.docx", tables={0: rows})
    raw = docx_loader.load(tmp_path / "m.docx")
    got = raw.tables[0].rows
    assert got[0] == ["指标", "目标值", "属性"]
    assert got[1] == ["", "2025年", "2027年", ""]
    assert got[2] == ["产业规模（亿元）", "300", "500", "预期性"]
    assert got[3][1:3] == ["5家", "10家"]


def test_docx_run_text_ignores_formatting_and_hidden_text(tmp_path):
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    d = docx.Document()
    p = d.add_paragraph("（一）")
    r = p.add_run("加强资金保障")
    r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    r = p.add_run("。")
    r.font.color.rgb = RGBColor(0xFF, 0, 0)
    p.add_run("隐藏的批注").font.hidden = True
    p2 = d.add_paragraph("第一行")
    p2.add_run().add_break()
    p2.add_run("第二行")
    d.save(tmp_path / "f.docx")
    assert docx_loader.load(tmp_path / "f.docx").text == "（一）加强资金保障。\n第一行\n第二行"


def test_docx_content_controls_and_tracked_changes(tmp_path):
    """Paragraphs inside a content control (w:sdt) are body text; deleted text is not."""
    import copy

    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    d = docx.Document()
    d.add_paragraph("一、总体要求")
    inner = d.add_paragraph("（一）保障学校办学自主权")
    d.add_paragraph("二、主要任务")
    sdt = etree.SubElement(d.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    inner._p.addprevious(sdt)
    content.append(inner._p)
    p = d.add_paragraph("保留")
    run = p.runs[0]._r
    deleted = etree.SubElement(p._p, qn("w:del"))
    gone = copy.deepcopy(run)
    gone.find(qn("w:t")).tag = qn("w:delText")
    gone.find(qn("w:delText")).text = "删除的文字"
    deleted.append(gone)
    d.save(tmp_path / "sdt.docx")
    assert docx_loader.load(tmp_path / "sdt.docx").text == "一、总体要求\n（一）保障学校办学自主权\n二、主要任务\n保留"


def test_docx_list_numbering_is_rendered(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("主要任务")
    for t in ("支持低轨卫星互联网", "促进应急通信应用"):
        d.add_paragraph(t, style="List Number")
    d.add_paragraph("要点", style="List Bullet")
    d.save(tmp_path / "n.docx")
    raw = docx_loader.load(tmp_path / "n.docx")
    assert raw.text == "主要任务\n1.支持低轨卫星互联网\n2.促进应急通信应用\n要点"


def test_docx_numbering_formats():
    assert [docx_loader._format(n, "chineseCounting") for n in (1, 10, 11, 19, 20, 21, 100, 105)] == \
        ["一", "十", "十一", "十九", "二十", "二十一", "一百", "一百零五"]
    assert docx_loader._format(3, "decimalEnclosedCircle") == "③"
    assert docx_loader._format(4, "upperRoman") == "IV"
    assert docx_loader._format(1, "bullet") is None


def test_docx_real_satellite_guideline_measures_in_order():
    if not SATELLITE_DOCX.exists():
        pytest.skip("corpus_dev not available")
    raw = load(SATELLITE_DOCX)
    assert raw.format == "docx"
    numbers = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九".split()
    found = [m.group(1) for m in re.finditer(r"^（([一二三四五六七八九十]+)）", raw.text, re.M)]
    assert found == numbers
    assert "工信部信管〔2025〕180号" in raw.text
    assert not re.search(r"\n\s*\n", raw.text)


# ----------------------------------------------------------------------------- DOCX bad inputs

@pytest.mark.parametrize("name,data,expect", [
    ("empty.docx", b"", "empty file"),
    ("random.docx", None, "not a DOCX file"),
    ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy Word .doc"),
])
def test_docx_bad_bytes(tmp_path, name, data, expect):
    path = tmp_path / name
    path.write_bytes(os.urandom(4000) if data is None else data)
    with pytest.raises(LoadError) as e:
        docx_loader.load(path)
    assert expect in assert_one_line_error(e)


def test_docx_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "这不是Word文档")
    with pytest.raises(LoadError) as e:
        docx_loader.load(path)
    assert "not a DOCX file" in assert_one_line_error(e)


def test_docx_truncated(tmp_path):
    render_docx(POLICY, tmp_path / "ok.docx")
    data = (tmp_path / "ok.docx").read_bytes()
    path = tmp_path / "half.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError) as e:
        docx_loader.load(path)
    assert_one_line_error(e)


def test_docx_corrupt_document_xml(tmp_path):
    render_docx(POLICY, tmp_path / "ok.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(tmp_path / "ok.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(LoadError) as e:
        docx_loader.load(path)
    assert "corrupt DOCX" in assert_one_line_error(e)


def test_docx_errors_through_dispatcher(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(LoadError):
        load(path)


# ------------------------------------------------------------------------------ pdfium fallback

def _without_xref(data: bytes) -> bytes:
    """The file without its cross-reference table and trailer: pdfminer finds no /Root
    (``No /Root object!``); pdfium rebuilds the table by scanning the objects."""
    return data[:data.rindex(b"xref")] + b"%%EOF\n"


def test_pdf_that_pdfminer_rejects_is_read_from_pdfiums_repair(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    good = tmp_path / "good.pdf"
    render_pdf(policy_long(), good)
    path = tmp_path / "noxref.pdf"
    path.write_bytes(_without_xref(good.read_bytes()))
    import pdfplumber
    with pytest.raises(Exception, match="No /Root"):
        with pdfplumber.open(path) as pdf:
            pdf.pages[0]
    raw = pdf_loader.load(path)
    want = pdf_loader.load(good)
    assert raw.text == want.text                      # same lines, header and page numbers dropped
    assert any("pdfminer could not open the file (No /Root object!" in n and "pdfium repaired" in n
               for n in raw.notes)


def test_pdf_table_survives_the_repair(tmp_path):
    rows = [["指标", "2020年", "2025年"], ["学前教育毛入园率", "88%", "92%"]]
    good = tmp_path / "t.pdf"
    render_pdf_table(rows, good, before=["专栏一 主要目标"])
    path = tmp_path / "t_noxref.pdf"
    path.write_bytes(_without_xref(good.read_bytes()))
    raw = pdf_loader.load(path)
    assert [t.rows for t in raw.tables] == [rows]


def test_pdf_read_from_pdfium_glyphs_when_even_the_repair_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    good = tmp_path / "good.pdf"
    render_pdf(policy_long(), good)
    path = tmp_path / "noxref.pdf"
    path.write_bytes(_without_xref(good.read_bytes()))
    real = pdf_loader._read_plumber

    def plumber_fails_on_the_copy(source, ctx, pdfium_page):
        if not isinstance(source, (str, Path)):
            raise ValueError("pdfminer cannot read this either")
        return real(source, ctx, pdfium_page)
    monkeypatch.setattr(pdf_loader, "_read_plumber", plumber_fails_on_the_copy)
    raw = pdf_loader.load(path)
    assert squash(raw.text) == squash(pdf_loader.load(good).text)
    assert any("read with pdfium (tables not detected)" in n for n in raw.notes)


def test_pdf_page_pdfminer_cannot_read_is_read_with_pdfium(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "never")
    path = tmp_path / "p.pdf"
    render_pdf(policy_long(), path)
    want = pdf_loader.load(path)
    real = pdf_loader._read_page

    def page_two_breaks(page, number, ctx, pdfium_page=None):
        if number == 2:
            raise KeyError("bad content stream")
        return real(page, number, ctx, pdfium_page)
    monkeypatch.setattr(pdf_loader, "_read_page", page_two_breaks)
    raw = pdf_loader.load(path)
    assert squash(raw.text) == squash(want.text)
    assert any(n.startswith("page 2: read with pdfium (pdfminer could not") for n in raw.notes)


def test_pdf_no_library_opens_is_a_damaged_pdf(tmp_path):
    import re as _re
    good = _valid_pdf(tmp_path)
    path = tmp_path / "noroot.pdf"
    path.write_bytes(_re.sub(rb"/Root \d+ 0 R", b"/Roox 1 0 R", good))
    with pytest.raises(LoadError) as e:
        pdf_loader.load(path)
    assert assert_one_line_error(e) == "damaged PDF (no document catalog)"


# ------------------------------------------------------------------------------ layout

def _canvas(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from render import _font
    c = canvas.Canvas(str(path), pagesize=A4)
    return c, _font()


LEFT_COL = ["一、总体要求。坚持创新驱动，", "到2025年全市数字经济核心", "产业增加值达到一千亿元，", "形成一批特色产业集群。"]
RIGHT_COL = ["二、重点任务。建设新型基础", "设施，推进千兆光网和5G网络", "覆盖城乡，培育数字产业集群", "和数字化转型服务商。"]


def test_pdf_two_columns_under_a_full_width_title_read_column_by_column(tmp_path):
    path = tmp_path / "paper.pdf"
    c, font = _canvas(path)
    c.setFont(font, 20)
    c.drawCentredString(297, 780, "某某日报 关于加快发展数字经济的实施意见")
    c.setFont(font, 12)
    y = 740
    for a, b in zip(LEFT_COL, RIGHT_COL):
        c.drawString(60, y, a)
        c.drawString(320, y, b)
        y -= 18
    c.drawString(60, y - 20, "本方案自印发之日起施行，由市发展改革委负责解释。")   # full width again
    c.showPage()
    c.save()
    raw = pdf_loader.load(path)
    assert raw.text.split("\n") == (["某某日报 关于加快发展数字经济的实施意见"] + LEFT_COL + RIGHT_COL
                                    + ["本方案自印发之日起施行，由市发展改革委负责解释。"])


def test_pdf_unruled_table_is_not_read_as_columns(tmp_path):
    path = tmp_path / "grid.pdf"
    c, font = _canvas(path)
    c.setFont(font, 12)
    y = 760
    for row in [("指标", "2020年", "2025年"), ("学校数", "35", "40"), ("教师数", "1200", "1500"),
                ("学生数", "30000", "32000")]:
        for x, cell in zip((60, 260, 420), row):
            c.drawString(x, y, cell)
        y -= 18
    c.showPage()
    c.save()
    lines = pdf_loader.load(path).text.split("\n")
    assert lines == ["指标 2020年 2025年", "学校数 35 40", "教师数 1200 1500", "学生数 30000 32000"]


def test_pdf_letter_spaced_digits_are_closed_up(tmp_path):
    path = tmp_path / "spaced.pdf"
    c, font = _canvas(path)
    t = c.beginText(60, 760)
    t.setFont(font, 14)
    t.setCharSpace(6)                 # the whole line letter-spaced, as signatures and dates often are
    t.textLine("2001年5月20日")
    t.setCharSpace(0)
    t.textLine("二〇二一年 印发 2 0 2 1 年第 3 期")   # typed with spaces
    t.textLine("学校数      3      5      7")          # cells of an unruled table stay apart
    c.drawText(t)
    c.showPage()
    c.save()
    lines = pdf_loader.load(path).text.split("\n")
    assert lines[0] == "2001年5月20日"
    assert lines[1] == "二〇二一年 印发2021年第3期"
    assert lines[2] == "学校数 3 5 7"


def test_close_digits():
    f = pdf_loader._close_digits
    assert f("2 0 0 1 年 5 月 2 0 日") == "2001年5月20日"
    assert f("ISO 9 0 0 1 标准") == "ISO 9001标准"
    assert f("1 2 3 4") == "1 2 3 4" and f("2020 2021") == "2020 2021" and f("- 3 -") == "- 3 -"


@pytest.mark.parametrize("name, head", [("big.pdf", b"%PDF-1.7\n"), ("big.docx", b"PK\x03\x04"),
                                        ("big.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")])
def test_too_large_files_are_refused_in_the_loaders_common_words(tmp_path, name, head):
    """Over a loader's 200 MB (a sparse file: no disk used): the one-line reason every loader gives."""
    path = tmp_path / name
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(201 * 1024 * 1024)
    with pytest.raises(LoadError) as e:
        load(path)
    assert str(e.value) == "file too large (201 MB; the limit is 200 MB)"


def test_a_huge_ole_file_named_docx_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.docx"
    with open(path, "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        f.truncate(201 * 1024 * 1024)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole before the size check"))
    with pytest.raises(LoadError, match=r"^file too large \(201 MB; the limit is 200 MB\)$"):
        load(path)
