"""PDF banks as offices export them: made here by a real PDF writer (Debian's Chromium, the same
Skia PDF backend and embedded subset CJK fonts with ToUnicode maps as an exported Word file),
read back through parse_bank, and compared with the bank they were made from."""
import html
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsite.banks.readers import parse_bank
from examsite.banks.readers import pdf as pdf_reader
from examsite.banks.readers.pdf import ENCRYPTED, SCANNED, read_pages, read_pdf
from examsite.uploads import UploadError


# -- the banks ---------------------------------------------------------------------------

SINGLE = [
    ("党员受到警告处分的，在多长时间内不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务？",
     ["六个月", "一年", "一年半", "两年"], "B"),
    ("党员受到严重警告处分的，在多长时间内不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务？",
     ["一年", "一年半", "两年", "三年"], "B"),
    ("受到开除党籍处分的，多少年内不得重新入党，也不得推荐担任与其原任职务相当或者高于其原任职务的党外职务？",
     ["二年", "三年", "四年", "五年"], "D"),
    ("留党察看处分，分为留党察看一年、留党察看二年。对于受到留党察看处分一年的党员，期满后仍不符合恢复党员权利条件的，"
     "应当如何处理？", ["延长一年留党察看期限", "给予开除党籍处分", "恢复其党员权利", "给予撤销党内职务处分"], "A"),
    ("根据《中华人民共和国监察法》，监察机关采取留置措施的，留置时间不得超过多长时间，在特殊情况下可以延长一次？",
     ["一个月", "两个月", "三个月", "六个月"], "C"),
    ("中央政治局关于改进工作作风、密切联系群众的八项规定是在哪一年审议通过的？", ["2010年", "2012年", "2013年", "2015年"], "B"),
    ("党组织和党员违反党章和其他党内法规，违反国家法律法规，违反党和国家政策，违反社会主义道德，危害党、国家和人民利益的行为，"
     "依照规定应当给予纪律处理或者处分的，都必须受到什么的追究？", ["法律", "党纪", "行政", "道德"], "B"),
    ("党员领导干部的配偶、子女及其配偶违反有关规定在该党员领导干部管辖的地区和业务范围内从事可能影响其公正执行公务的经营活动，"
     "该党员领导干部应当承担什么责任？", ["直接责任", "领导责任", "主要领导责任", "重要领导责任"], "A"),
]
MULTIPLE = [
    ("《中国共产党纪律处分条例》规定的党的纪律包括以下哪些？",
     ["政治纪律、组织纪律", "廉洁纪律、群众纪律", "工作纪律、生活纪律", "经济纪律、财务纪律"], "ABC"),
    ("对党员的纪律处分种类有哪些（请选出条例规定的全部种类，包括警告、严重警告等在内，不要漏选）？",
     ["警告、严重警告", "撤销党内职务", "留党察看", "开除党籍", "降级、撤职"], "ABCD"),
    ("监察机关对涉嫌职务违法的被调查人，可以依法采取下列哪些措施，调查过程中应当严格依照法定程序，"
     "收集、固定、审查、运用证据？", ["谈话", "询问", "查询、冻结", "罚款"], "ABC"),
]
JUDGE = [
    ("党员受到留党察看处分期间，没有表决权、选举权和被选举权。", "√"),
    ("留党察看的期限最长为三年。", "×"),
    ("党员领导干部不得违反有关规定在经济实体、社会团体等单位中兼职，或者经批准兼职但获取薪酬、奖金、津贴等额外利益。", "对"),
    ("对于违犯党纪的党员，只要本人主动交代问题，就一律免予处分。", "错"),
]
FILL = [
    ("监察委员会依照《中华人民共和国监察法》和有关法律规定履行____、____、____职责。", ["监督", "调查", "处置"]),
    ("党的纪律处分工作应当坚持党要管党、____的原则。", ["全面从严治党"]),
]
EXPLANATIONS = {
    ("single", 0): ["依据《中国共产党纪律处分条例》第十条。受到警告处分一年内、受到严重警告处分一年半内，"
                    "不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务。",
                    "本题考查处分的影响期。"],
    ("judge", 1): ["留党察看的期限为一年或二年，最长不超过二年。"],
}


def bank_html(numbering="{n}．", options_on_one_line=False, indent_explanation=False) -> str:
    """The bank as the body of a page: paragraphs like a Word file's, in a CJK font."""
    parts = ["<p class='title'>××市纪委监委2026年度纪法知识测试题库</p>",
             "<p class='note'>说明：本题库供全市党员干部学习使用，题目依据现行党内法规和国家法律编写，"
             "答案以最新修订的条文为准。</p>"]
    n = 0

    def question(stem, lettered, answer, key):
        nonlocal n
        n += 1
        parts.append(f"<p>{numbering.format(n=n)}{html.escape(stem)}</p>")
        if lettered:
            labels = [f"{'ABCDEFGH'[i]}．{html.escape(text)}" for i, text in enumerate(lettered)]
            if options_on_one_line:
                parts.append(f"<p>{'&emsp;&emsp;'.join(labels)}</p>")
            else:
                parts.extend(f"<p>{label}</p>" for label in labels)
        parts.append(f"<p>答案：{html.escape(answer)}</p>")
        for index, paragraph in enumerate(EXPLANATIONS.get(key, [])):
            style = " style='text-indent:2em'" if indent_explanation and index else ""
            parts.append(f"<p{style}>{'解析：' if index == 0 else ''}{html.escape(paragraph)}</p>")

    parts.append("<p>一、单项选择题（每题2分）</p>")
    for index, (stem, lettered, answer) in enumerate(SINGLE * 3):
        question(stem, lettered, answer, ("single", index))
    parts.append("<p>二、多项选择题（每题3分）</p>")
    for index, (stem, lettered, answer) in enumerate(MULTIPLE * 2):
        question(stem, lettered, answer, ("multiple", index))
    parts.append("<p>三、判断题（每题1分）</p>")
    for index, (stem, answer) in enumerate(JUDGE * 2):
        question(stem, None, answer, ("judge", index))
    parts.append("<p>四、填空题（每题2分）</p>")
    for index, (stem, blanks) in enumerate(FILL * 2):
        question(stem, None, "；".join(blanks), ("fill", index))
    return "".join(parts)


STYLE = ("<style>body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif;font-size:14pt;margin:0}"
         "p{margin:0 0 3pt 0;line-height:1.5;text-align:justify}.title{text-align:center;font-size:18pt}"
         ".note{text-indent:2em}</style>")


class PdfWriter:
    """Chromium printing a page to PDF, as an office's Word would export it."""

    def __init__(self, browser):
        self.browser = browser

    def make(self, body: str, header: str = "", footer: str = "", size: str = "A4", script: str = "",
             landscape: bool = False) -> bytes:
        page = self.browser.new_page()
        try:
            page.set_content(f"<html><head><meta charset='utf-8'>{STYLE}</head><body>{body}</body></html>")
            if script:
                page.evaluate(script)
            return page.pdf(
                format=size, display_header_footer=bool(header or footer),
                header_template=f"<div style='font-size:9pt;width:100%;text-align:center;"
                                f"font-family:Noto Sans CJK SC'>{header}</div>" if header else "<span></span>",
                footer_template=f"<div style='font-size:9pt;width:100%;text-align:center;"
                                f"font-family:Noto Sans CJK SC'>{footer}</div>" if footer else "<span></span>",
                margin={"top": "2.54cm", "bottom": "2.54cm", "left": "3.17cm", "right": "3.17cm"},
                print_background=True, landscape=landscape)
        finally:
            page.close()


@pytest.fixture(scope="session")
def writer(browser):
    return PdfWriter(browser)


PAGE_OF = "第 <span class='pageNumber'></span> 页 共 <span class='totalPages'></span> 页"


@pytest.fixture(scope="session")
def exported(writer) -> bytes:
    """Header with the office's name, footer 第 N 页 共 M 页, one option a line."""
    return writer.make(bank_html(), header="××市纪委监委　纪法知识测试题库", footer=PAGE_OF)


@pytest.fixture(scope="session")
def dashed(writer) -> bytes:
    """No header, footer - N -, numbering 1、, options on one line, 解析 second paragraph indented."""
    return writer.make(bank_html(numbering="{n}、", options_on_one_line=True, indent_explanation=True),
                       footer="- <span class='pageNumber'></span> -", size="A5")


@pytest.fixture(scope="session")
def bare_numbers(writer) -> bytes:
    """A header holding the page number (纪法知识测试 第 N 页) and a bare page number below."""
    return writer.make(bank_html(numbering="({n})"),
                       header="纪法知识测试　第<span class='pageNumber'></span>页",
                       footer="<span class='pageNumber'></span>")


@pytest.fixture(scope="session")
def two_columns(writer) -> bytes:
    """An A3 paper set in two columns, the title across both, footer 第 N 页."""
    body = bank_html().replace("<p class='note'>", "<div style='column-count:2;column-gap:2cm'><p class='note'>", 1)
    return writer.make(body + "</div>", footer=PAGE_OF, size="A3", landscape=True)


@pytest.fixture(scope="session")
def hanging(writer) -> bytes:
    """Word's list numbering: numbers and letters hang, wrapped lines stand under the text."""
    style = "<style>p{padding-left:2.2em;text-indent:-2.2em}.title,.note{padding-left:0;text-indent:2em}</style>"
    return writer.make(style + bank_html(indent_explanation=True), footer=PAGE_OF, size="A5")


def expected_questions():
    rows = []
    for index, (stem, lettered, answer) in enumerate(SINGLE * 3):
        rows.append(("single", stem, lettered, answer, ("single", index)))
    for index, (stem, lettered, answer) in enumerate(MULTIPLE * 2):
        rows.append(("multiple", stem, lettered, answer, ("multiple", index)))
    for index, (stem, answer) in enumerate(JUDGE * 2):
        rows.append(("judge", stem, [], answer in ("√", "对"), ("judge", index)))
    for index, (stem, blanks) in enumerate(FILL * 2):
        rows.append(("fill", stem, [], blanks, ("fill", index)))
    return rows


def assert_bank(result):
    assert not result.errors, [str(e) for e in result.errors]
    counts = {}
    for question in result.questions:
        counts[question.type] = counts.get(question.type, 0) + 1
    assert counts == {"single": 24, "multiple": 6, "judge": 8, "fill": 4}
    expected = expected_questions()
    assert len(result.questions) == len(expected)
    for question, (qtype, stem, lettered, answer, key) in zip(result.questions, expected):
        assert question.type == qtype
        assert question.stem == stem  # wrapped lines joined, nothing leaked in
        assert question.options == lettered
        assert question.answer == answer, (stem, question.answer)
        explanation = EXPLANATIONS.get(key)
        if explanation:
            assert question.explanation == "\n".join(explanation)
        else:
            assert question.explanation is None
    for question in result.questions:  # no header, footer or page number anywhere
        for text in [question.stem, *question.options, question.explanation or ""]:
            assert "纪委监委" not in text and "页" not in text and "纪法知识测试" not in text
            assert not text.endswith(tuple("0123456789-")), text


def test_exported_bank_reads_exactly(exported):
    assert_bank(parse_bank("2026题库.pdf", exported))


def test_dashed_page_numbers_options_on_one_line(dashed):
    result = parse_bank("题库（A5）.PDF", dashed)
    assert_bank(result)
    assert read_pages(dashed).page_count >= 8


def test_hanging_indents_of_list_numbering(hanging):
    assert_bank(parse_bank("bank.pdf", hanging))


def test_a_section_name_as_running_header_is_dropped(writer):
    data = writer.make(bank_html(), header="单项选择题", footer=PAGE_OF)
    result = parse_bank("bank.pdf", data)
    assert_bank(result)
    assert any("单项选择题" in w.message for w in result.warnings if "页眉" in w.message)


def test_bare_page_numbers_and_numbered_headers(bare_numbers):
    result = parse_bank("bank.pdf", bare_numbers)
    assert_bank(result)
    note = next(w for w in result.warnings if "页眉" in w.message)
    assert "纪法知识测试" in note.message


def test_a_paper_in_two_columns_reads_left_column_first(two_columns):
    result = parse_bank("A3试卷.pdf", two_columns)
    assert_bank(result)
    text = read_pages(two_columns)
    assert text.lines[0].text == "××市纪委监委2026年度纪法知识测试题库"
    import pypdfium2  # the file really is set in two columns: questions start in the right half

    document = pypdfium2.PdfDocument(two_columns)
    page = document[0]
    width, height = page.get_size()
    right_half = page.get_textpage().get_text_bounded(width / 2, 0, width, height)
    document.close()
    assert "．" in right_half and len(right_half) > 200


def test_stems_and_options_cross_page_breaks(exported, dashed):
    """Some questions really are split by a page break in these files, and still read whole."""
    import pypdfium2

    for data in (exported, dashed):
        document = pypdfium2.PdfDocument(data)
        pages = ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
        document.close()
        split = []
        for stem, lettered, _ in SINGLE + MULTIPLE:
            for text in [stem] + lettered:
                squeezed = "".join(text.split())
                if len(squeezed) < 12:
                    continue
                whole = sum(page.count(squeezed) for page in pages)
                begun = sum(page.count(squeezed[:10]) for page in pages)
                if begun > whole:
                    split.append(text)
        assert split, "the fixture no longer splits a question across pages"
        assert_bank(parse_bank("bank.pdf", data))


def test_lines_and_pages(exported):
    text = read_pages(exported)
    numbers = [line.number for line in text.lines]
    assert numbers == list(range(1, len(numbers) + 1))
    assert text.lines[0].text == "××市纪委监委2026年度纪法知识测试题库"
    assert text.lines[1].text.startswith("说明：本题库供全市党员干部学习使用") and text.lines[1].text.endswith("为准。")
    assert text.pages[1] == 1 and text.pages[numbers[-1]] == text.page_count > 3
    assert sorted(text.pages.values()) == list(text.pages.values())
    assert all("页" not in line.text for line in text.lines)
    assert read_pdf(exported) == text.lines


def test_problems_name_their_page(writer):
    body = bank_html().replace("<p>答案：C</p>", "<p>答案：H</p>", 1)  # an option that is not there
    data = writer.make(body, footer=PAGE_OF)
    result = parse_bank("bank.pdf", data)
    [error] = result.errors
    page = read_pages(data).pages[error.line]
    assert error.message.endswith(f"（PDF 第 {page} 页）")
    assert str(error).startswith(f"第 {error.line} 行：")
    assert len(result.questions) == 41 and len(result.rejected) == 1
    title = next(w for w in result.warnings if "未识别为题目" in w.message)
    assert title.line == 1 and "（PDF 第 1 页）" in title.message


def test_kangxi_radicals_read_as_ideographs():
    assert "⼀⾏⻚⾄".translate(pdf_reader._IDEOGRAPHS) == "一行页至"
    assert "A．一年\x02".translate(pdf_reader._IDEOGRAPHS) == "A．一年"


CANVAS = """() => {
  const canvas = document.createElement('canvas'); canvas.width = 900; canvas.height = 600;
  document.body.appendChild(canvas);
  const c = canvas.getContext('2d'); c.fillStyle = '#fff'; c.fillRect(0, 0, 900, 600);
  c.fillStyle = '#000'; c.font = '28px "Noto Sans CJK SC"';
  c.fillText('1．党员受到警告处分的，一年内不得在党内提升职务。', 20, 60);
  c.fillText('A．正确　B．错误', 20, 120);
}"""


def test_scanned_pdf_is_refused_with_a_reason(writer):
    data = writer.make("", script=CANVAS)
    with pytest.raises(UploadError) as caught:
        read_pdf(data)
    assert str(caught.value) == SCANNED
    result = parse_bank("扫描件.pdf", data)
    assert [e.message for e in result.errors] == [SCANNED] and not result.questions


def test_scanned_pages_with_a_printed_page_number_are_still_a_scan(writer):
    data = writer.make("<div style='page-break-after:always'></div>", footer=PAGE_OF, script=CANVAS)
    with pytest.raises(UploadError) as caught:
        read_pdf(data)
    assert str(caught.value) == SCANNED


def test_a_scanned_page_among_text_pages_is_named(writer):
    body = bank_html() + "<div style='page-break-before:always'></div>"
    data = writer.make(body, footer=PAGE_OF, script=CANVAS)
    result = parse_bank("bank.pdf", data)
    assert_bank(result)
    last = read_pages(data).page_count
    note = next(w for w in result.warnings if "扫描页" in w.message)
    assert f"PDF 第 {last} 页只有图片" in note.message


def _encrypted(data: bytes, user: str, owner: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_password_protected_pdf_is_refused(exported):
    data = _encrypted(exported, "jw2026", "owner")
    with pytest.raises(UploadError) as caught:
        read_pdf(data)
    assert str(caught.value) == ENCRYPTED
    assert [e.message for e in parse_bank("bank.pdf", data).errors] == [ENCRYPTED]


def test_permissions_only_protection_still_reads(exported):
    """WPS's 'no copying' protection has an empty open password: the text is readable."""
    assert_bank(parse_bank("bank.pdf", _encrypted(exported, "", "owner-only")))


def test_too_many_pages_is_refused(monkeypatch):
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(31):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 30)
    with pytest.raises(UploadError, match="此 PDF 有 31 页，超过了一次可以读取的 30 页"):
        read_pdf(out.getvalue())


def test_too_much_text_is_refused(exported, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_CHARS", 2000)
    with pytest.raises(UploadError, match="文字超过 2,000 字"):
        read_pdf(exported)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
                                  b"PK\x03\x04 not a pdf", "一、单项选择题".encode()])
def test_broken_pdfs_are_refused(data):
    with pytest.raises(UploadError):
        read_pdf(data)
    result = parse_bank("bank.pdf", data)
    assert result.errors and not result.questions


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_upload_error(data):
    for blob in (data, b"%PDF-1.7\n" + data):
        try:
            read_pdf(blob)
        except UploadError:
            pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8))
def test_damaged_exports_raise_only_upload_error(exported, cut, flips):
    data = bytearray(exported[:max(1, int(len(exported) * cut))])
    for where, value in flips:
        data[min(len(data) - 1, int(len(data) * where))] = value
    try:
        lines = read_pdf(bytes(data))
    except UploadError:
        return
    assert all(line.text == line.text.strip() and line.text for line in lines)


def _inflating_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream, a few hundred kB in the file, inflates to
    ``megabytes`` of spaces: the PDF twin of a zip bomb."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body_of in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_of + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)


def test_a_pdf_that_inflates_to_gigabytes_is_refused_in_bounded_memory(monkeypatch):
    import resource

    monkeypatch.setattr(pdf_reader, "MEMORY_LIMIT", 256 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = _inflating_pdf(600)
    assert len(data) < 1_000_000
    with pytest.raises(UploadError) as caught:
        read_pdf(data)
    assert str(caught.value) == pdf_reader.TOO_BIG
    # this process never held the inflated stream (ru_maxrss is in kB)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


def test_reading_is_held_to_a_time_limit(monkeypatch):
    import time

    monkeypatch.setattr(pdf_reader, "TIME_LIMIT", 1)
    started = time.monotonic()
    with pytest.raises(UploadError, match="在 1 秒内没有读完"):
        pdf_reader._bounded([lambda data: time.sleep(30), lambda data: "done"], b"")
    assert time.monotonic() - started < 5


def test_the_child_passes_back_results_and_refusals():
    assert pdf_reader._bounded([lambda data: data[::-1], lambda data: data * 2], b"abc") == [b"cba", b"abcabc"]

    def refuse(data):
        raise UploadError("不要这个文件。")

    with pytest.raises(UploadError, match="^不要这个文件。$"):
        pdf_reader._bounded([lambda data: "fine", refuse], b"")
    with pytest.raises(UploadError) as caught:  # a crash inside the reader (PDFium) is no 500
        pdf_reader._bounded([lambda data: __import__("os").abort()], b"")
    assert str(caught.value) == pdf_reader.TOO_BIG


# -- from the command line and the web page -------------------------------------------------

def test_flask_bank_parse_of_a_pdf(runner, tmp_path, db, exported, writer):
    import json

    path = tmp_path / "题库.pdf"
    path.write_bytes(exported)
    result = runner.invoke(args=["bank", "parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["questions"]) == 42 and data["errors"] == [] and data["unit"] == "行"
    assert data["questions"][0]["stem"] == SINGLE[0][0] and data["questions"][0]["answer"] == "B"
    path.write_bytes(writer.make(bank_html().replace("<p>答案：C</p>", "<p>答案：H</p>", 1), footer=PAGE_OF))
    result = runner.invoke(args=["bank", "parse", str(path)])
    assert result.exit_code == 1 and "（PDF 第 " in result.output and "H" in result.output
    path.write_bytes(writer.make("", script=CANVAS))
    result = runner.invoke(args=["bank", "parse", str(path)])
    assert result.exit_code == 1 and SCANNED in result.output


def test_pdf_upload_preview_and_import(db, auth, exported, writer):
    import re

    from sqlalchemy import func, select

    from examsite.models import Question

    from .. import factories

    factories.user("admin", "admin")
    auth.login("admin", factories.PASSWORD)

    def upload(name, data):
        return auth.post("/banks/upload", {"file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data").get_data(as_text=True)

    page = upload("2026年题库.pdf", exported)
    assert "共识别 <strong>42</strong> 题" in page and "确认导入" in page
    assert "已去掉每页重复的页眉、页脚和页码" in page
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)
    done = auth.post("/banks/confirm", {"upload_id": upload_id, "name": "PDF题库"}, follow_redirects=True)
    assert "已导入题库“PDF题库”，共 42 题" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 42
    page = upload("扫描件.pdf", writer.make("", script=CANVAS))
    assert SCANNED in page and "确认导入" not in page
    assert db.session.scalar(select(func.count(Question.id))) == 42


# -- a 测试卷 whose answers are only in a key at the end -----------------------------------------

def paper_html() -> str:
    """A paper as offices print it: every paragraph indented two characters (首行缩进), a
    name/unit/score line, questions numbered from 1 in each section, the key on its own page."""
    parts = ["<p class='title'>2026年度党纪学习教育知识测试卷</p>",
             "<p>姓名：________　单位：________　得分：________</p>",
             "<p>一、单项选择题（每题2分，共16分）</p>"]
    parts += [f"<p>{n}．{html.escape(stem)}（　　）</p><p>A．{o[0]}　B．{o[1]}　C．{o[2]}　D．{o[3]}</p>"
              for n, (stem, o, _) in enumerate(SINGLE, start=1)]
    parts.append("<p>二、多项选择题（每题3分，共9分）</p>")
    for n, (stem, options, _) in enumerate(MULTIPLE, start=1):
        parts.append(f"<p>{n}．{html.escape(stem)}（　　）</p>")
        parts += [f"<p>{'ABCDE'[i]}．{html.escape(text)}</p>" for i, text in enumerate(options)]
    parts.append("<p>三、判断题（每题1分，共4分）</p>")
    parts += [f"<p>{n}．{html.escape(stem)}（　　）</p>" for n, (stem, _) in enumerate(JUDGE, start=1)]
    parts.append("<p style='page-break-before:always'>参考答案</p><p>一、单项选择题</p>")
    single = "".join(answer for _, _, answer in SINGLE)
    parts.append(f"<p>1-5 {single[:5]}　6-8 {single[5:]}</p>")
    parts.append("<p>二、多项选择题</p><p>"
                 + "　".join(f"{n}.{answer}" for n, (_, _, answer) in enumerate(MULTIPLE, start=1)) + "</p>")
    parts.append("<p>三、判断题</p><p>1-4 " + "".join("√" if a in ("√", "对") else "×" for _, a in JUDGE) + "</p>")
    return "".join(parts)


def _bracket_gone(stem: str) -> str:
    import re

    return re.sub(r"\s*（[\s\u3000]*）\s*$", "", stem)


PAPER_STYLE = "<style>p{text-indent:2em;font-family:'Noto Sans CJK SC';font-size:10.5pt}</style>"


def test_a_paper_with_its_key_at_the_end(writer):
    data = writer.make(PAPER_STYLE + paper_html(), header="党纪学习教育知识测试", footer="- <span class='pageNumber'></span> -",
                       size="A5")
    result = parse_bank("测试卷.pdf", data)
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.type for q in result.questions] == ["single"] * 8 + ["multiple"] * 3 + ["judge"] * 4
    assert [q.answer for q in result.questions] == (
        [a for _, _, a in SINGLE] + [a for _, _, a in MULTIPLE] + [a in ("√", "对") for _, a in JUDGE])
    for question, (stem, options, _) in zip(result.questions, SINGLE + MULTIPLE):
        assert _bracket_gone(question.stem) == stem and question.options == options
    for question, (stem, _) in zip(result.questions[11:], JUDGE):
        assert _bracket_gone(question.stem) == stem
    assert all("页" not in q.stem and "测试" not in q.stem[:2] for q in result.questions)
    assert read_pages(data).page_count >= 3


# -- generated banks in generated layouts -------------------------------------------------------

PHRASES = ["党员领导干部", "应当严格遵守", "中央八项规定精神", "纪律处分条例", "廉洁自律准则", "监察机关依法",
           "对公职人员", "履行监督职责", "不得违反有关规定", "收受礼品礼金", "接受管理和服务对象", "违规发放津贴补贴",
           "在党内提升职务", "给予警告或者严重警告处分", "情节较重的", "情节严重的", "问责条例规定", "党组织",
           "主体责任", "监督责任", "全面从严治党", "其他党内法规", "国家法律法规", "谈话函询", "立案审查调查"]


@st.composite
def generated_bank(draw):
    def text(low, high):
        return "".join(draw(st.lists(st.sampled_from(PHRASES), min_size=low, max_size=high))) + "。"

    questions = []
    for _ in range(draw(st.integers(6, 14))):
        kind = draw(st.sampled_from(["single", "multiple", "judge"]))
        stem = text(2, 9)
        if kind == "judge":
            questions.append((kind, stem, [], draw(st.booleans())))
            continue
        count = draw(st.integers(3, 5))
        options = [text(1, 4) for _ in range(count)]
        if kind == "single":
            answer = "ABCDE"[draw(st.integers(0, count - 1))]
        else:
            answer = "".join(sorted(draw(st.sets(st.sampled_from("ABCDE"[:count]), min_size=2, max_size=count))))
        questions.append((kind, stem, options, answer))
    layout = {
        "size": draw(st.sampled_from(["A4", "A5", "Letter"])),
        "font": draw(st.sampled_from([10.5, 12, 14, 16])),
        "indent": draw(st.sampled_from(["none", "first", "hanging"])),
        "footer": draw(st.sampled_from(["", PAGE_OF, "- <span class='pageNumber'></span> -",
                                        "<span class='pageNumber'></span>/<span class='totalPages'></span>"])),
        "header": draw(st.sampled_from(["", "××县纪委监委宣传部"])),
        "numbering": draw(st.sampled_from(["{n}．", "{n}、", "{n}.", "（{n}）"])),
    }
    return questions, layout


def generated_html(questions, layout) -> str:
    indent = {"none": "", "first": "p{text-indent:2em}",
              "hanging": "p{padding-left:2em;text-indent:-2em}"}[layout["indent"]]
    parts = [f"<style>body{{font-size:{layout['font']}pt}}{indent}</style>"]
    for n, (kind, stem, options, answer) in enumerate(questions, start=1):
        parts.append(f"<p>{layout['numbering'].format(n=n)}{stem}</p>")
        parts += [f"<p>{'ABCDE'[i]}．{text}</p>" for i, text in enumerate(options)]
        parts.append(f"<p>答案：{('正确' if answer else '错误') if kind == 'judge' else answer}</p>")
    return "".join(parts)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bank=generated_bank())
def test_generated_banks_in_generated_layouts_read_back_exactly(writer, bank):
    questions, layout = bank
    data = writer.make(generated_html(questions, layout), header=layout["header"], footer=layout["footer"],
                       size=layout["size"])
    result = parse_bank("bank.pdf", data)
    assert not result.errors, ([str(e) for e in result.errors], layout)
    assert [(q.type, q.stem, q.options, q.answer) for q in result.questions] == questions, layout


def test_an_answer_bracket_wrapped_onto_the_next_line(writer):
    """（ A ） written in the stem, broken after its （, or pushed whole onto the next line: it is
    the stem's answer, not an option A） or （A）."""
    nineteen = "党员受到严重警告处分的一年半内不得提升"  # 19 characters: （ is the 20th, the last on the line
    twenty = "受到开除党籍处分的党员五年内不得重新入党"  # 20 characters: the line is full before （C）
    assert len(nineteen) == 19 and len(twenty) == 20
    body = ("<style>p{width:20em;font-size:12pt;text-align:left}</style><p>一、单项选择题</p>"
            f"<p>{nineteen}（ A ）</p><p>A．正确的说法 B．错误的说法 C．不一定 D．视情节而定</p>"
            f"<p>{twenty} （A）</p><p>A．五年 B．三年 C．一年 D．十年</p>")
    body = body.replace("<p>" + nineteen, "<p>1．" + nineteen[2:]).replace("<p>" + twenty, "<p>2．" + twenty[2:])
    data = writer.make(body)
    lines = [line.text for line in read_pdf(data)]
    assert any(line.endswith("（") for line in _raw_lines(data)), _raw_lines(data)  # it really wrapped so
    assert any(line.strip() in ("(A)", "（A）") for line in _raw_lines(data))
    result = parse_bank("bank.pdf", data)
    assert not result.errors, ([str(e) for e in result.errors], lines)
    assert [q.answer for q in result.questions] == ["A", "A"]
    assert [len(q.options) for q in result.questions] == [4, 4]


def _raw_lines(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    text = document[0].get_textpage().get_text_range()
    document.close()
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_two_children_reading_halves_read_what_one_does(exported, dashed, monkeypatch):
    for data in (exported, dashed):
        monkeypatch.setattr(pdf_reader, "PARALLEL_BYTES", 10 ** 9)
        alone = read_pages(data)
        monkeypatch.setattr(pdf_reader, "PARALLEL_BYTES", 0)
        halves = read_pages(data)
        assert [line.text for line in halves.lines] == [line.text for line in alone.lines]
        assert halves.pages == alone.pages and halves.page_count == alone.page_count
        assert [str(note) for note in halves.notes] == [str(note) for note in alone.notes]
        assert_bank(parse_bank("bank.pdf", data))


def test_text_without_an_encoding_is_called_garbled_not_a_bank():
    """Glyphs of a font exported without a ToUnicode map come out as private-use code points."""
    piece = pdf_reader._Piece
    garbled = [[piece("\ue001\ue002\ue003\ue004．\ue005\ue006\ue007", 90, 500, 700, 712),
                piece("A．\ue010\ue011", 90, 200, 680, 692)]]
    with pytest.raises(UploadError) as caught:
        pdf_reader._assemble(garbled, [])
    assert str(caught.value) == pdf_reader.GARBLED
    fine = [[piece("1．党员受到警告处分的，一年内不得在党内提升职务。", 90, 500, 700, 712)]]
    assert [line.text for line in pdf_reader._assemble(fine, []).lines] == ["1．党员受到警告处分的，一年内不得在党内提升职务。"]


def test_a_header_repeating_the_title_drops_the_header_and_keeps_the_title(writer):
    data = writer.make(bank_html(), header="××市纪委监委2026年度纪法知识测试题库", footer=PAGE_OF)
    text = read_pages(data)
    titles = [line for line in text.lines if line.text == "××市纪委监委2026年度纪法知识测试题库"]
    assert [line.number for line in titles] == [1] and text.page_count > 3
    assert_bank(parse_bank("bank.pdf", data))
