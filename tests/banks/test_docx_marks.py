"""Spans of a Word paragraph set apart by run formatting (Line.marks), as banks mark answers:
the right option in red, bold and underlined, highlighted. Files made with python-docx."""
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import RGBColor

from examsite.banks.readers import parse_bank
from examsite.banks.readers.docx import is_red, read_docx

from . import documents


def marked(line):
    """The line's marks as (marked text, mark)."""
    return [(line.text[start:end], name) for start, end, name in line.marks]


def lines_of(document):
    lines, _ = read_docx(documents.save(document))
    return lines


def paragraph(document, *runs, style=None):
    """A paragraph of runs given as text or (text, {property: value})."""
    p = document.add_paragraph(style=style)
    for run in runs:
        text, how = (run, {}) if isinstance(run, str) else run
        r = p.add_run(text, style=how.get("style"))
        if "color" in how:
            r.font.color.rgb = RGBColor.from_string(how["color"])
        r.bold = how.get("bold")
        r.underline = how.get("underline")
        if "highlight" in how:
            r.font.highlight_color = how["highlight"]
    return p


def test_red_option_text():
    document = documents.new()
    paragraph(document, "1．党员受到警告处分的，多长时间内不得在党内提升职务？")
    paragraph(document, "A．六个月")
    paragraph(document, "B．", ("一年", {"color": "FF0000"}))
    paragraph(document, "C．一年半")
    paragraph(document, ("D．两年", {"color": "C00000"}))
    lines = lines_of(document)
    assert [marked(line) for line in lines] == [[], [], [("一年", "红色字")], [], [("D．两年", "红色字")]]
    assert lines[2].marks == [(2, 4, "红色字")]


def test_bold_underlined_option_across_an_unformatted_space():
    document = documents.new()
    paragraph(document, "2．对党员的纪律处分种类有哪些？")
    paragraph(document, ("A．警告、", {"bold": True, "underline": True}), " ",
              ("严重警告", {"bold": True, "underline": True}), "　　B．撤销党内职务")
    paragraph(document, ("C．留党察看", {"bold": True}), "  ", ("D．开除党籍", {"underline": True}))
    lines = lines_of(document)
    assert marked(lines[1]) == [("A．警告、 严重警告", "加粗下划线")]
    assert marked(lines[2]) == [("C．留党察看", "加粗"), ("D．开除党籍", "下划线")]


def test_a_bold_word_in_a_stem_is_just_that_word():
    document = documents.new()
    paragraph(document, "3．党员领导干部", ("不得", {"bold": True}), "违反有关规定在经济实体中兼职，",
              ("也不得", {"bold": True}), "获取额外利益。（　）")
    [line] = lines_of(document)
    assert marked(line) == [("不得", "加粗"), ("也不得", "加粗")]
    assert line.text == "3．党员领导干部不得违反有关规定在经济实体中兼职，也不得获取额外利益。（　）"


def test_highlighted_and_shaded_options():
    document = documents.new()
    paragraph(document, "A．", ("监督", {"highlight": WD_COLOR_INDEX.YELLOW}))
    shaded = paragraph(document, "B．", "调查")
    shaded.runs[1]._r.get_or_add_rPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFFF00"/>'))
    plain = paragraph(document, "C．处置")
    plain.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="auto"/>'))
    paragraph(document, "D．", ("问责", {"highlight": WD_COLOR_INDEX.YELLOW}))
    document.paragraphs[-1].runs[1]._r.rPr.highlight_val = None  # w:highlight removed again
    lines = lines_of(document)
    assert [marked(line) for line in lines] == [[("监督", "突出显示")], [("调查", "突出显示")], [], []]


def test_letter_unmarked_text_marked_and_colours_combined():
    document = documents.new()
    paragraph(document, "A．", ("政治纪律", {"color": "E00000", "bold": True}), "、",
              ("组织纪律", {"color": "E00000", "bold": True}))
    [line] = lines_of(document)
    # the unmarked 、 between them is text, not a space: each word is a span of its own
    assert sorted(marked(line)) == [("政治纪律", "加粗"), ("政治纪律", "红色字"), ("组织纪律", "加粗"), ("组织纪律", "红色字")]


def test_paragraph_style_bold_is_no_mark_but_character_style_is():
    document = documents.new()
    heavy = document.styles.add_style("答题加粗段落", WD_STYLE_TYPE.PARAGRAPH)
    heavy.font.bold = True
    heavy.font.color.rgb = RGBColor(0xFF, 0, 0)
    answer = document.styles.add_style("正确答案", WD_STYLE_TYPE.CHARACTER)
    answer.font.bold = True
    answer.font.underline = True
    child = document.styles.add_style("正确答案红", WD_STYLE_TYPE.CHARACTER)
    child.base_style = answer
    child.font.color.rgb = RGBColor(0xC0, 0, 0)
    paragraph(document, "一、单项选择题（每题2分）", style=heavy)
    paragraph(document, "4．本题的题干整段套用了加粗的段落样式。", style=heavy)
    paragraph(document, "A．", ("纪在法前", {"style": answer}))
    paragraph(document, "B．", ("纪严于法", {"style": child}))
    paragraph(document, "C．", ("执纪必严", {"style": answer, "bold": False}))  # direct formatting wins
    paragraph(document, ("D．违纪必究", {"bold": True}), style="Heading 2")
    lines = lines_of(document)
    assert [marked(line) for line in lines[:2]] == [[], []]
    assert marked(lines[2]) == [("纪在法前", "加粗下划线")]
    assert sorted(marked(lines[3])) == [("纪严于法", "加粗下划线"), ("纪严于法", "红色字")]
    assert marked(lines[4]) == [("执纪必严", "下划线")]
    assert marked(lines[5]) == [("D．违纪必究", "加粗")]  # bold typed on the run, whatever the style


def test_explicitly_off_and_old_formatting_of_a_tracked_change():
    document = documents.new()
    p = paragraph(document, "A．", ("三个月", {"bold": False, "underline": False}))
    p.runs[1]._r.rPr.append(parse_xml(
        f'<w:rPrChange {nsdecls("w")} w:id="9" w:author="a"><w:rPr><w:b/><w:color w:val="FF0000"/></w:rPr></w:rPrChange>'))
    q = paragraph(document, "B．六个月")
    q.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:u {nsdecls("w")} w:val="none"/>'))
    q.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:color {nsdecls("w")} w:val="auto"/>'))
    assert [marked(line) for line in lines_of(document)] == [[], []]


def test_marks_stop_at_line_breaks_and_follow_hyperlinks_and_insertions():
    document = documents.new()
    p = document.add_paragraph()
    run = p.add_run("A．一年")
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    run.add_break()
    run = p.add_run("B．两年")
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    p._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="3" w:author="a"><w:r><w:br/><w:t>C．</w:t></w:r>'
        f'<w:r><w:rPr><w:highlight w:val="green"/></w:rPr><w:t>三年</w:t></w:r></w:ins>'))
    [line] = lines_of(document)
    assert line.text == "A．一年\nB．两年\nC．三年"
    assert marked(line) == [("A．一年", "红色字"), ("B．两年", "红色字"), ("三年", "突出显示")]


@pytest.mark.parametrize("value, red", [
    ("FF0000", True), ("C00000", True), ("E00000", True), ("ff3300", True), ("800000", True), ("FF0033", True),
    ("FF6600", False), ("FFC000", False), ("FF99CC", False), ("993300", False), ("0070C0", False),
    ("000000", False), ("auto", False), (None, False), ("40000", False), ("GG0000", False), ("7F7F7F", False),
])
def test_which_colours_are_red(value, red):
    assert is_red(value) is red


def test_theme_coloured_red_counts_by_its_value():
    document = documents.new()
    p = paragraph(document, "A．", "一年")
    p.runs[1]._r.get_or_add_rPr().append(parse_xml(
        f'<w:color {nsdecls("w")} w:val="C00000" w:themeColor="accent2" w:themeShade="BF"/>'))
    [line] = lines_of(document)
    assert marked(line) == [("一年", "红色字")]


def test_a_bank_whose_answers_are_only_red_imports_with_them():
    """End to end: the marks the reader gives are what the parser reads answers from."""
    document = documents.new()
    questions = [
        ("党员受到严重警告处分的，多长时间内不得在党内提升职务？", ["一年", "一年半", "两年", "三年"], "B"),
        ("受到开除党籍处分的，几年内不得重新入党？", ["二年", "三年", "四年", "五年"], "D"),
        ("监察机关采取留置措施的，留置时间不得超过多长时间？", ["一个月", "两个月", "三个月", "六个月"], "C"),
    ] * 5
    for number, (stem, options, answer) in enumerate(questions, start=1):
        paragraph(document, f"{number}．", ("党员", {"bold": True}), stem)  # a bold word in each stem
        for index, text in enumerate(options):
            letter = "ABCD"[index]
            how = {"color": "FF0000"} if letter == answer else {}
            paragraph(document, f"{letter}．", (text, how))
    result = parse_bank("红色答案.docx", documents.save(document))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in result.questions] == [answer for _, _, answer in questions]
    assert [q.options for q in result.questions][:3] == [options for _, options, _ in questions[:3]]
