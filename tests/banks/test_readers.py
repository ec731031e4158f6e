"""Reading .docx, .txt and .xlsx banks, and the whole-file problems."""
import pytest

from examsite.banks.readers import XLSX_COLUMNS, parse_bank

from .. import spreadsheets
from . import documents


def ok(result):
    assert result.errors == [], [str(e) for e in result.errors]
    return result.questions


# ---- .docx ----------------------------------------------------------------------------------

def test_docx_typed_numbering_and_paragraph_numbers():
    doc = documents.new()
    doc.add_paragraph("纪法知识题库")
    doc.add_paragraph("一、单项选择题（每题2分）")
    doc.add_paragraph("1．党的纪律处分有（ ）种。")
    doc.add_paragraph("A．三　B．四　C．五　D．六")
    doc.add_paragraph("答案：C")
    questions = ok(parse_bank("题库.docx", documents.save(doc)))
    assert questions[0].line == 3 and questions[0].answer == "C" and questions[0].points == 2.0


def test_docx_auto_numbered_questions_from_the_list_number_style():
    doc = documents.new()
    doc.add_paragraph("三、判断题")
    doc.add_paragraph("党员可以组织迷信活动。", style="List Number")
    doc.add_paragraph("答案：错误")
    doc.add_paragraph("党员有权在党的会议上参加关于党的政策问题的讨论。", style="List Number")
    doc.add_paragraph("答案：正确")
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert [(q.stem, q.answer) for q in questions] == [
        ("党员可以组织迷信活动。", False), ("党员有权在党的会议上参加关于党的政策问题的讨论。", True)]


def test_docx_auto_numbered_questions_and_lettered_options_on_the_paragraph():
    doc = documents.new()
    heading_list = documents.add_list(doc, "chineseCounting")
    question_list = documents.add_list(doc, "decimal")
    documents.numbered(doc, "单项选择题", heading_list)
    documents.numbered(doc, "党的最高领导机关是（ ）。", question_list)
    option_list = documents.add_list(doc, "upperLetter")
    for option in ("党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"):
        documents.numbered(doc, option, option_list)
    doc.add_paragraph("答案：A")
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert questions[0].type == "single" and questions[0].options[0] == "党的全国代表大会和它所产生的中央委员会"
    assert questions[0].answer == "A" and len(questions[0].options) == 4


def test_docx_table_rows():
    doc = documents.new()
    doc.add_paragraph("一、单项选择题")
    table = doc.add_table(rows=2, cols=3)
    rows = [("1．党的最高领导机关是（ ）。", "A．党的全国代表大会和它所产生的中央委员会 B．中央政治局", "答案：A"),
            ("2．党的纪律处分有（ ）种。", "A．四 B．五", "答案：B")]
    for row, cells in zip(table.rows, rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert [(q.answer, len(q.options)) for q in questions] == [("A", 2), ("B", 2)]


def test_docx_merged_cells_are_read_once():
    doc = documents.new()
    table = doc.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(1, 0))
    merged.text = "1．党员必须遵守党的纪律。"
    table.cell(0, 1).text = "答案：正确"
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert len(questions) == 1 and questions[0].answer is True


def test_docx_line_breaks_inside_a_paragraph():
    doc = documents.new()
    documents.with_breaks(doc, "1．党的纪律处分有（ ）种。", "A．三", "B．四", "C．五", "D．六", "答案：C")
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert questions[0].options == ["三", "四", "五", "六"] and questions[0].answer == "C"
    assert questions[0].line == 1


def test_docx_tracked_insertion_is_read_and_deletion_is_not():
    doc = documents.new()
    doc.add_paragraph("1．党员必须遵守党的纪律。")
    documents.with_insertion(doc, "答案：", "正确", deleted="错误")
    questions = ok(parse_bank("a.docx", documents.save(doc)))
    assert questions[0].answer is True


def test_docx_text_box_is_reported():
    doc = documents.new()
    documents.with_text_box(doc, "1．党员必须遵守党的纪律。", "藏在文本框里的字")
    doc.add_paragraph("答案：正确")
    result = parse_bank("a.docx", documents.save(doc))
    assert any("文本框" in w.message and w.line == 1 for w in result.warnings)
    assert result.unit == "段" and all(str(w).startswith("第 1 段") for w in result.warnings)


def test_docx_problems_count_paragraphs_not_lines():
    doc = documents.new()
    doc.add_paragraph("一、单项选择题")
    doc.add_paragraph("1．党的纪律处分有（ ）种。")
    doc.add_paragraph("A．三　B．四　C．五　D．六")
    doc.add_paragraph("答案：C")
    doc.add_paragraph("2．党的纪律处分有（ ）种。")
    doc.add_paragraph("A．三　B．四　C．五　D．六")
    doc.add_paragraph("答案：C")
    result = parse_bank("a.docx", documents.save(doc))
    assert [str(w) for w in result.warnings] == ["第 5 段：与第 2 段的题目重复。"]


# ---- .txt -----------------------------------------------------------------------------------

SAMPLE = "一、单项选择题\n1．党的纪律处分有（ ）种。\nA．三 B．四 C．五 D．六\n答案：C\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_txt_encodings_never_mojibake(encoding):
    questions = ok(parse_bank("题库.txt", SAMPLE.encode(encoding)))
    assert questions[0].stem == "党的纪律处分有（ ）种。"


def test_short_gbk_answer_line_is_not_misread():
    text = "1．党员必须遵守党的纪律。\n答案：对\n"
    questions = ok(parse_bank("a.txt", text.encode("gbk")))
    assert questions[0].answer is True


def test_gb18030_only_characters():
    text = "1．姓名中的“㛃”字应当照录（  ）。\n答案：√\n"
    questions = ok(parse_bank("a.txt", text.encode("gb18030")))
    assert "㛃" in questions[0].stem


def test_windows_line_endings():
    questions = ok(parse_bank("a.txt", SAMPLE.replace("\n", "\r\n").encode("gbk")))
    assert questions[0].options == ["三", "四", "五", "六"]


# ---- .xlsx ----------------------------------------------------------------------------------

def xlsx(rows, header=XLSX_COLUMNS):
    return spreadsheets.xlsx(header, rows)


def row(qtype, stem, options=(), answer="", explanation="", source="", difficulty="", points=""):
    options = list(options) + [""] * (8 - len(options))
    return [qtype, stem, *options, answer, explanation, source, difficulty, points]


def test_xlsx_layout():
    data = xlsx([
        row("单选题", "党的纪律处分有（ ）种。", ["三", "四", "五", "六"], "C", "警告、严重警告……", "中国共产党纪律处分条例", 2, 2),
        row("多选题", "下列属于党的纪律的有（ ）。", ["政治纪律", "组织纪律", "廉洁纪律"], "A、B、C"),
        row("判断题", "党员必须遵守党的纪律。", [], "正确"),
        row("填空题", "党的最高理想和最终目标是实现____。", [], "共产主义"),
        row("", "未写题型的判断题。", [], "×"),
    ])
    questions = ok(parse_bank("题库.xlsx", data))
    assert [(q.type, q.answer, q.line) for q in questions] == [
        ("single", "C", 2), ("multiple", "ABC", 3), ("judge", True, 4), ("fill", ["共产主义"], 5), ("judge", False, 6)]
    assert questions[0].difficulty == 2 and questions[0].points == 2.0
    assert questions[0].source == "中国共产党纪律处分条例" and questions[0].explanation == "警告、严重警告……"


def test_xlsx_columns_in_another_order_with_bare_letters():
    data = xlsx([["C", "三", "四", "五", "题干（ ）", "单选"]], header=["答案", "A", "B", "C", "题干", "题型"])
    assert ok(parse_bank("a.xlsx", data))[0].options == ["三", "四", "五"]


def test_xlsx_problems_name_their_rows():
    data = xlsx([
        row("单选题", "题干（ ）", ["甲", "乙"], "E"),
        row("问答题", "题干", [], "略"),
        row("单选题", "题干二（ ）", ["甲", "", "丙"], "A"),
    ])
    result = parse_bank("a.xlsx", data)
    messages = [str(e) for e in result.errors]
    assert "第 2 行：答案 E 没有对应的选项（本题只有 A–B）。" in messages
    assert any(m.startswith("第 3 行：题型“问答题”无法识别") for m in messages)
    assert "第 4 行：选项B为空，但后面还有选项。" in messages


def test_xlsx_missing_columns():
    result = parse_bank("a.xlsx", xlsx([["甲"]], header=["题目"]))
    assert "缺少必需的列：题干、答案" in result.errors[0].message


# ---- whole-file problems ---------------------------------------------------------------------

@pytest.mark.parametrize("name, data, message", [
    ("旧题库.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "旧版 Word（.doc）"),
    ("改了后缀.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "旧版 Word（.doc）"),
    ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "旧版 Excel（.xls）"),
    ("空.txt", b"", "文件是空的"),
    ("空白.txt", "\n  \n\u3000\n".encode(), "没有找到任何题目"),
    ("坏.docx", b"PK\x03\x04 broken", "无法作为 Word（.docx）打开"),
    ("坏.xlsx", b"nonsense", "无法作为 Excel（.xlsx）打开"),
    ("图.png", b"\x89PNG\r\n", "不支持的文件类型"),
    ("二进制.txt", b"\x00\x01\x02\x03abc", "不是文本"),
])
def test_whole_file_problems(name, data, message):
    result = parse_bank(name, data)
    assert result.questions == []
    assert len(result.errors) == 1 and message in result.errors[0].message


def test_file_over_the_limit():
    result = parse_bank("大.txt", SAMPLE.encode() * 100, limit_bytes=1024)
    assert result.questions == [] and "超过了" in result.errors[0].message
