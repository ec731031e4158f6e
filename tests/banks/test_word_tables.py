"""Banks kept as a Word table: a header row naming the columns, a row per question."""
import pytest

from examsite.banks.readers import parse_bank

from . import documents


def fill(cell, value):
    """A str is the cell's text (\\n a line break inside its paragraph); a list, one paragraph each."""
    if isinstance(value, list):
        cell.text = value[0]
        for text in value[1:]:
            cell.add_paragraph(text)
    else:
        cell.text = value


def add_table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header):
        fill(cell, text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            fill(cell, value)
    return table


def parse(doc):
    return parse_bank("题库.docx", documents.save(doc))


def ok(result):
    assert result.errors == [], [str(e) for e in result.errors]
    return result.questions


def by_type(questions):
    counts = {}
    for question in questions:
        counts[question.type] = counts.get(question.type, 0) + 1
    return counts


def test_table_with_title_and_notes_above_it():
    doc = documents.new()
    doc.add_paragraph("××区纪委监委2024年纪法知识题库")
    doc.add_paragraph("说明：1．本题库共4题，供各单位组织学习使用；2．答案以现行党内法规为准。")
    add_table(doc, ["序号", "题型", "题目", "选项A", "选项B", "选项C", "选项D", "参考答案", "解析", "出处", "难度", "分值"], [
        ["1", "单选题", "党的纪律处分有（ ）种。", "三", "四", "五", "六", "C",
         ["警告、严重警告、撤销党内职务、留党察看、开除党籍。", "见第八条。"], "中国共产党纪律处分条例", "易", "2"],
        ["2", "多选题", "监察机关对涉嫌职务违法的，可以采取的措施有（ ）。", "谈话", "询问", "查询", "冻结", "A,B,C,D",
         "", "中华人民共和国监察法", "3", ""],
        ["3", "判断题", "党员受到留党察看处分，在留党察看期间没有表决权、选举权和被选举权。", "", "", "", "", "正确",
         "", "中国共产党纪律处分条例", "", ""],
        ["4", "填空题", "监察机关是行使国家____职能的专责机关。", "", "", "", "", "监察", "", "中华人民共和国监察法", "", ""],
    ])
    result = parse(doc)
    questions = ok(result)
    assert by_type(questions) == {"single": 1, "multiple": 1, "judge": 1, "fill": 1}
    single, multiple, judge, fill_in = questions
    assert single.options == ["三", "四", "五", "六"] and single.answer == "C" and single.points == 2.0
    assert single.explanation == "警告、严重警告、撤销党内职务、留党察看、开除党籍。\n见第八条。"
    assert single.source == "中国共产党纪律处分条例" and single.difficulty == 1
    assert multiple.answer == "ABCD" and multiple.difficulty == 3 and multiple.points is None
    assert judge.answer is True and judge.options == [] and fill_in.answer == ["监察"]
    # the title and the 说明 above the table are warnings, not questions or errors
    assert [w.line for w in result.warnings] == [1, 2]
    assert all("不是题目" in w.message for w in result.warnings)


def test_type_merged_down_and_options_in_one_cell_in_every_way():
    doc = documents.new()
    table = add_table(doc, ["题型", "试题内容", "选项", "正确答案"], [
        ["单项选择题", "党的最高领导机关是（ ）。", "A．党的全国代表大会和它所产生的中央委员会 B．中央政治局 C．中央书记处", "A"],
        ["", "纪律处分条例规定，留党察看处分分为（ ）。", ["A、留党察看六个月", "B、留党察看一年", "C、留党察看二年"], "b "],
        ["", "党组织对违纪党员应当坚持（ ）的方针。", "A. 惩前毖后、治病救人\nB. 从严治党\nC. 抓早抓小", "a"],
        ["多项选择题", "党员干部应当自觉遵守（ ）。", "a.廉洁自律准则 b.党章 c.宪法和法律", "ABC"],
        ["", "下列属于违反廉洁纪律行为的有（ ）。", "A．违规收受礼品礼金\tB．违规经商办企业\tC．按规定领取工资", "A、B"],
    ])
    table.cell(1, 0).merge(table.cell(3, 0))  # 单项选择题 over three rows
    table.cell(4, 0).merge(table.cell(5, 0))
    table.cell(1, 0).text = "单项选择题"
    table.cell(4, 0).text = "多项选择题"
    questions = ok(parse(doc))
    assert [(q.type, q.answer) for q in questions] == [
        ("single", "A"), ("single", "B"), ("single", "A"), ("multiple", "ABC"), ("multiple", "AB")]
    assert questions[0].options == ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"]
    assert questions[1].options == ["留党察看六个月", "留党察看一年", "留党察看二年"]
    assert questions[2].options == ["惩前毖后、治病救人", "从严治党", "抓早抓小"]
    assert questions[3].options == ["廉洁自律准则", "党章", "宪法和法律"]
    assert questions[4].options == ["违规收受礼品礼金", "违规经商办企业", "按规定领取工资"]
    assert all("A" not in q.stem and "答案" not in q.stem for q in questions)


def test_header_repeated_on_each_page_and_more_rows_than_a_page():
    doc = documents.new()
    header = ["题号", "题干", "A", "B", "C", "D", "答案"]
    rows = []
    for n in range(1, 61):
        if n % 20 == 1 and n > 1:
            rows.append(header)  # the header typed again at the top of each page
        rows.append([str(n), f"依照《中国共产党纪律处分条例》第{n}条，下列说法正确的是（ ）。",
                     f"甲{n}", f"乙{n}", f"丙{n}", f"丁{n}", "ABCD"[n % 4]])
    add_table(doc, header, rows)
    result = parse(doc)
    questions = ok(result)
    assert len(questions) == 60 and result.warnings == []
    assert [q.answer for q in questions] == ["ABCD"[n % 4] for n in range(1, 61)]
    assert questions[59].options == ["甲60", "乙60", "丙60", "丁60"]


def test_section_headings_set_the_type_of_tables_and_rows_without_a_type_column():
    doc = documents.new()
    doc.add_paragraph("一、单项选择题（每题1分）")
    add_table(doc, ["序号", "题干", "选项", "答案"], [
        ["1", "党的纪律处分有（ ）种。", "A．三 B．四 C．五 D．六", "C"],
    ])
    doc.add_paragraph("二、多项选择题（每题2分）")
    table = add_table(doc, ["序号", "题干", "选项", "答案"], [
        ["1", "《中国共产党廉洁自律准则》的规范对象有（ ）。", "A．全体党员 B．党员领导干部 C．入党积极分子", "A"],
        ["三、判断题（每题1分）", "", "", ""],
        ["1", "党员领导干部不得违规插手干预工程建设。", "", "对"],
        ["2", "监察机关不得采取留置措施。", "", "错"],
    ])
    merged = table.cell(2, 0).merge(table.cell(2, 3))  # the section row merged across the table
    merged.text = "三、判断题（每题1分）"
    result = parse(doc)
    questions = ok(result)
    assert [(q.type, q.answer, q.points) for q in questions] == [
        ("single", "C", 1.0), ("multiple", "A", 2.0), ("judge", True, 1.0), ("judge", False, 1.0)]
    assert [w.message for w in result.warnings] == ["多选题只有一个正确答案，请确认。"]


def test_several_tables_and_a_table_that_is_no_question_table():
    doc = documents.new()
    add_table(doc, ["姓名", "单位", "得分"], [["", "", ""]])  # the paper's furniture, left to the paragraph reader
    add_table(doc, ["试题", "答案", "出处"], [
        ["党员必须遵守党的纪律。", "√", "党章"],
        ["党员可以参加迷信活动。", "×", "中国共产党纪律处分条例"],
    ])
    doc.add_paragraph("")
    add_table(doc, ["试题", "答案", "出处"], [
        ["纪委监委实行合署办公。", "正确", ""],
        ["党员领导干部可以在社会团体兼职取酬。", "错误", "中国共产党廉洁自律准则"],
    ])
    result = parse(doc)
    questions = ok(result)
    assert [(q.type, q.answer) for q in questions] == [
        ("judge", True), ("judge", False), ("judge", True), ("judge", False)]
    assert questions[1].source == "中国共产党纪律处分条例" and questions[2].source is None
    assert [w.message for w in result.warnings] == [
        "不是题目，已忽略：“姓名”", "不是题目，已忽略：“单位”", "不是题目，已忽略：“得分”"]


def test_problems_name_the_table_and_its_row():
    doc = documents.new()
    add_table(doc, ["序号", "题型", "题目", "选项", "答案"], [
        ["1", "单选题", "党的纪律处分有（ ）种。", "A．三 B．四 C．五 D．六", "C"],
        ["2", "单选题", "给予党员严重警告处分的期限为（ ）。", "A．一年 B．一年半", "E"],
    ])
    add_table(doc, ["序号", "题型", "题目", "选项", "答案"], [
        ["1", "问答题", "简述监察机关的职责。", "", "监督、调查、处置"],
        ["2", "判断题", "党员必须遵守党的纪律。", "", ""],
        ["3", "填空题", "监察机关是行使国家____职能的专责机关。", "", "监察"],
    ])
    result = parse(doc)
    messages = [str(e) for e in result.errors]
    assert "第 1 个表格第 3 行：答案 E 没有对应的选项（本题只有 A–B）。" in messages
    assert any(m.startswith("第 2 个表格第 2 行：题型“问答题”无法识别") for m in messages)
    assert "第 2 个表格第 3 行：没有答案。" in messages
    assert len(messages) == 3
    assert [q.answer for q in result.questions] == ["C", ["监察"]]
    # the rows with errors are kept, in file order, for the preview
    assert [r.stem for r in result.rejected] == [
        "给予党员严重警告处分的期限为（ ）。", "简述监察机关的职责。", "党员必须遵守党的纪律。"]
    assert [r.line for r in result.rejected] == sorted(r.line for r in result.rejected)
    assert result.to_json()["errors"][0]["place"].endswith("表格第 3 行")


def test_judge_written_as_two_options_and_a_letter():
    doc = documents.new()
    add_table(doc, ["题型", "题干", "选项A", "选项B", "答案"], [
        ["判断", "党的纪律检查委员会是党内监督专责机关。", "正确", "错误", "A"],
        ["", "对党员的纪律处分只有警告一种。", "对", "错", "B"],
    ])
    questions = ok(parse(doc))
    assert [(q.type, q.answer, q.options) for q in questions] == [("judge", True, []), ("judge", False, [])]


def test_footer_rows_and_blank_rows_in_the_table_are_no_questions():
    doc = documents.new()
    table = add_table(doc, ["序号", "题目", "选项", "答案", "解析"], [
        ["1", "党的纪律处分有（ ）种。", "A．三 B．四 C．五 D．六", "C", "见处分条例第八条。"],
        ["2", "", "", "", ""],
        ["", "", "", "", ""],
        ["注：以上答案以现行党内法规为准", "", "", "", ""],
    ])
    merged = table.cell(4, 0).merge(table.cell(4, 4))
    merged.text = "注：以上答案以现行党内法规为准"
    result = parse(doc)
    assert len(ok(result)) == 1
    assert [str(w) for w in result.warnings] == ["表格第 5 行：不是题目，已忽略：“注：以上答案以现行党内法规为准”"]


def test_answers_inline_in_a_table_without_an_answer_column():
    doc = documents.new()
    add_table(doc, ["序号", "题目", "选项"], [
        ["1", "党的最高领导机关是（ A ）。", "A．党的全国代表大会和它所产生的中央委员会 B．中央政治局"],
        ["2", "下列属于党的纪律的有（ ABC ）。", "A．政治纪律 B．组织纪律 C．廉洁纪律"],
    ])
    questions = ok(parse(doc))
    assert [(q.type, q.answer, q.stem) for q in questions] == [
        ("single", "A", "党的最高领导机关是（  ）。"), ("multiple", "ABC", "下列属于党的纪律的有（  ）。")]


@pytest.mark.parametrize("header", [
    ["题干", "正确答案"], ["试题内容", "参考答案"], ["题 目\n（必填）", "答 案"], ["题目内容", "标准答案"],
])
def test_header_spellings(header):
    doc = documents.new()
    add_table(doc, header, [["党员必须遵守党的纪律。", "√"], ["监察机关是行使国家____职能的专责机关。", "监察"]])
    assert [q.type for q in ok(parse(doc))] == ["judge", "fill"]


def test_the_quick_table_reading_reads_as_the_paragraph_reader_does():
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    from examsite.banks.readers.tables import _grid, _grid_walk

    doc = documents.new()
    table = add_table(doc, ["序号", "题型", "题目", "选项", "答案", "解析"], [
        ["1", "单选题", "党的纪律处分有（ ）种。", "A．三\tB．四\nC．五\nD．六", "C", ["第一段。", "第二段。"]],
        ["2", "", "党章规定，党员有（ ）项权利。", ["A．八", "B．九"], "A", ""],
        ["3", "", "题干", "A．甲 B．乙", "B", ""],
        ["注：以上", "", "", "", "", ""],
    ])
    table.cell(1, 1).merge(table.cell(3, 1)).text = "单选题"
    table.cell(4, 0).merge(table.cell(4, 5)).text = "注：以上"
    table.cell(2, 5).paragraphs[0].paragraph_format.tab_stops.add_tab_stop(Pt(20), WD_TAB_ALIGNMENT.LEFT)
    grid = _grid(table._tbl)
    assert grid == _grid_walk(table._tbl)
    assert [row[1] for row in grid[1:4]] == ["单选题"] * 3
    assert grid[1][3] == "A．三\tB．四\nC．五\nD．六" and grid[1][5] == "第一段。\n第二段。"
    assert grid[4] == ["注：以上", "", "", "", "", ""]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["题干", "题目", "答案", "题型", "选项", "选项A", "A", "B", "序号", "解析", "分值", "单选题", "判断", "填空",
          "A．甲 B．乙", "A、甲\nB、乙", "甲", "____", "（ ）", "√", "正确", "AB", "E", "二、多项选择题", "注：", "1．", "²", "\t"]
texts = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(texts, min_size=1, max_size=6), min_size=1, max_size=10))
def test_any_table_is_questions_problems_or_left_to_the_paragraphs(rows):
    from examsite.banks.parser import parse_lines
    from examsite.banks.readers.rows import find_header
    from examsite.banks.readers.tables import table_items

    found = find_header(rows[:3])
    if found is None:
        return
    notes = []
    items, _ = table_items(rows, found, 1, notes)
    assert len(items) == len(rows) - found[0] - 1  # one item a row below the header
    result = parse_lines(items, unit="段")
    for problem in result.errors + result.warnings + notes:
        assert problem.message and str(problem)


def test_a_table_split_in_two_without_its_header_again():
    doc = documents.new()
    header = ["序号", "题目", "选项", "答案"]
    add_table(doc, header, [["1", "党的纪律处分有（ ）种。", "A．三 B．四 C．五 D．六", "C"]])
    doc.add_paragraph("")
    second = doc.add_table(rows=0, cols=4)
    for row in (["2", "党章规定，预备党员的预备期为（ ）。", "A．半年 B．一年 C．二年", "B"],
                ["3", "党员受到严重警告处分（ ）内不得在党内提升职务。", "A．半年 B．一年 C．一年半", "E"]):
        for cell, text in zip(second.add_row().cells, row):
            cell.text = text
    result = parse(doc)
    assert [q.answer for q in result.questions] == ["C", "B"]
    assert [str(e) for e in result.errors] == ["第 2 个表格第 2 行：答案 E 没有对应的选项（本题只有 A–C）。"]


def test_a_table_of_another_kind_after_a_question_table_is_not_taken_for_questions():
    doc = documents.new()
    add_table(doc, ["序号", "题目", "答案"], [["1", "党员必须遵守党的纪律。", "正确"]])
    doc.add_paragraph("评分记录")
    other = doc.add_table(rows=0, cols=3)
    for cell, text in zip(other.add_row().cells, ["阅卷人", "张三", "90"]):
        cell.text = text
    result = parse(doc)
    assert len(result.questions) == 1 and result.errors == []


def test_a_word_table_bank_through_the_preview_and_import(db, auth):
    import io as _io
    import re

    from sqlalchemy import func, select

    from examsite.models import Question

    from .. import factories
    from ..factories import PASSWORD

    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    doc = documents.new()
    doc.add_paragraph("纪法知识题库（表格版）")
    rows = [[str(n), "单选题", f"依照《中国共产党纪律处分条例》，第{n}种情形应给予（ ）。",
             "A．警告 B．严重警告 C．撤销党内职务 D．留党察看", "ABCD"[n % 4]] for n in range(1, 31)]
    add_table(doc, ["序号", "题型", "题目", "选项", "答案"], rows)
    page = auth.post("/banks/upload", {"file": (_io.BytesIO(documents.save(doc)), "表格题库.docx")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "共识别 <strong>30</strong> 题" in page and "不是题目，已忽略：“纪法知识题库（表格版）”" in page
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)
    response = auth.post("/banks/confirm", {"upload_id": upload_id, "name": "表格题库"}, follow_redirects=True)
    assert "共 30 题" in response.get_data(as_text=True)
    stored = db.session.scalars(select(Question).order_by(Question.id)).all()
    assert len(stored) == 30 and db.session.scalar(select(func.count(Question.id))) == 30
    assert stored[0].options == ["警告", "严重警告", "撤销党内职务", "留党察看"] and stored[0].answer == "B"


def test_a_two_row_header_with_options_merged_across():
    doc = documents.new()
    table = add_table(doc, ["序号", "题目", "选项", "", "", "答案"], [
        ["", "", "A", "B", "C", ""],
        ["1", "监察机关对涉嫌职务犯罪的，可以依法（ ）。", "留置", "搜查", "拘留", "AB"],
    ])
    table.cell(0, 2).merge(table.cell(0, 4)).text = "选项"
    for column in (0, 1, 5):
        top = table.cell(0, column)
        text = top.text
        top.merge(table.cell(1, column)).text = text
    result = parse(doc)
    assert [(q.answer, q.options) for q in ok(result)] == [("AB", ["留置", "搜查", "拘留"])]


def red(paragraph, text):
    from docx.shared import RGBColor

    paragraph.add_run(text).font.color.rgb = RGBColor(0xFF, 0x00, 0x00)


def test_answers_marked_in_red_in_a_table_without_an_answer_column():
    doc = documents.new()
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "题目", "选项"]):
        cell.text = text
    questions = [("党的最高领导机关是（ ）。", ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"], {0}),
                 ("下列属于党的纪律的有（ ）。", ["政治纪律", "财经纪律", "廉洁纪律", "考勤纪律"], {0, 2}),
                 ("监察机关的职责是（ ）。", ["监督", "审判", "调查", "起诉"], {0, 2})]
    for number, (stem, options, right) in enumerate(questions, start=1):
        cells = table.add_row().cells
        cells[0].text = str(number)
        stem_paragraph = cells[1].paragraphs[0]
        stem_paragraph.add_run(stem[:2]).bold = True  # emphasis in a stem is no answer
        stem_paragraph.add_run(stem[2:])
        for index, option in enumerate(options):
            paragraph = cells[2].paragraphs[0] if index == 0 else cells[2].add_paragraph()
            paragraph.add_run("ABCD"[index] + "．")
            (red if index in right else lambda p, t: p.add_run(t))(paragraph, option)
    result = parse(doc)
    assert [(q.type, q.answer) for q in ok(result)] == [("single", "A"), ("multiple", "AC"), ("multiple", "AC")]
    assert result.answer_mark == "红色字"
    assert result.questions[0].stem == "党的最高领导机关是（ ）。"


def test_answers_marked_in_option_columns():
    doc = documents.new()
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["题目", "A", "B", "C"]):
        cell.text = text
    for stem, right in (("党组织讨论决定对党员的党纪处分，应当（ ）。", 1), ("留置一般不得超过（ ）。", 2)):
        cells = table.add_row().cells
        cells[0].text = stem
        for index, option in enumerate(["甲方案", "乙方案", "丙方案"]):
            (red if index == right else lambda p, t: p.add_run(t))(cells[index + 1].paragraphs[0], option)
    result = parse(doc)
    assert [q.answer for q in ok(result)] == ["B", "C"] and result.answer_mark == "红色字"


def test_tables_answered_by_a_key_at_the_end_section_by_section():
    doc = documents.new()
    doc.add_paragraph("一、单项选择题（每题2分）")
    add_table(doc, ["序号", "题目", "选项"], [
        ["1", "党的纪律处分有（ ）种。", "A．三 B．四 C．五 D．六"],
        ["2", "党的最高领导机关是（ ）。", "A．党的全国代表大会和它所产生的中央委员会 B．中央政治局"],
        ["3", "预备党员的预备期为（ ）。", "A．半年 B．一年"],
    ])
    doc.add_paragraph("二、判断题（每题1分）")
    add_table(doc, ["序号", "试题内容"], [["1", "党员必须遵守党的纪律。"], ["2", "党员可以信仰宗教。"]])
    doc.add_paragraph("参考答案")
    doc.add_paragraph("一、单项选择题 1-3 CAB")
    doc.add_paragraph("二、判断题 1.√ 2.×")
    result = parse(doc)
    assert [(q.type, q.answer, q.points) for q in ok(result)] == [
        ("single", "C", 2.0), ("single", "A", 2.0), ("single", "B", 2.0), ("judge", True, 1.0), ("judge", False, 1.0)]


def test_a_table_of_two_columns_序号_内容_is_no_question_table():
    doc = documents.new()
    add_table(doc, ["序号", "内容"], [["1", "考试时间为60分钟。"], ["2", "请独立完成。"]])
    doc.add_paragraph("1．党员必须遵守党的纪律。（√）")
    result = parse(doc)
    assert [(q.type, q.answer) for q in ok(result)] == [("judge", True)]
