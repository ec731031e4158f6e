"""Papers whose answers are only in a key at the end (参考答案), per section or for the whole
paper, in the ways offices type them; the paper furniture around them."""
import io
import re

import pytest

from examsite.banks.parser import parse_text
from examsite.banks.readers import parse_bank

SINGLE = [
    ("党员受到警告处分的，多长时间内不得在党内提升职务？", ["六个月", "一年", "一年半", "两年"], "B"),
    ("党员受到严重警告处分的，多长时间内不得在党内提升职务？", ["一年", "一年半", "两年", "三年"], "B"),
    ("受到开除党籍处分的，多少年内不得重新入党？", ["二年", "三年", "四年", "五年"], "D"),
    ("留党察看处分的期限最长不超过多长时间？", ["一年", "二年", "三年", "五年"], "B"),
    ("监察机关采取留置措施，留置时间不得超过多长时间？", ["一个月", "两个月", "三个月", "六个月"], "C"),
    ("党的纪律处分工作应当坚持的原则不包括哪一项？", ["党要管党、全面从严治党", "党纪面前一律平等", "实事求是", "从重从快"], "D"),
    ("中央八项规定是在哪一年审议通过的？", ["2010年", "2012年", "2013年", "2015年"], "B"),
]
MULTIPLE = [
    ("《中国共产党纪律处分条例》规定的党的纪律包括（ ）", ["政治纪律", "组织纪律", "廉洁纪律", "财经纪律"], "ABC"),
    ("对党员的纪律处分种类有（ ）", ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍"], "ABCDE"),
    ("监察机关对涉嫌职务违法的被调查人，可以采取的措施有（ ）", ["谈话", "询问", "查询、冻结", "罚款"], "ABC"),
]
JUDGE = [
    ("党员受到留党察看处分期间，没有表决权、选举权和被选举权。", True),
    ("留党察看的期限最长为三年。", False),
    ("对于违犯党纪的党员，只要本人主动交代问题，就一律免予处分。", False),
    ("党员领导干部不得违反有关规定在经济实体中兼职。", True),
]
FILL = [
    ("监察委员会依照法律规定履行____、____、____职责。", ["监督", "调查", "处置"]),
    ("党的纪律处分工作应当坚持党要管党、____的原则。", ["全面从严治党"]),
]
JUDGE_WRITTEN = {True: "√", False: "×"}


def paper(restart=True, heading_style="{cn}、{name}（每题2分）") -> tuple[list[str], dict]:
    """The questions of a paper without answers; numbering restarts per section or runs on."""
    lines = ["2026年度党纪学习教育知识测试卷", "姓名：__________ 单位：__________ 得分：________"]
    n = 0
    sections = [("单项选择题", SINGLE), ("多项选择题", MULTIPLE), ("判断题", JUDGE), ("填空题", FILL)]
    for index, (name, items) in enumerate(sections):
        lines.append(heading_style.format(cn="一二三四"[index], name=name))
        if restart:
            n = 0
        for item in items:
            n += 1
            stem = item[0]
            if name.endswith("选择题"):
                lines.append(f"{n}．{stem}" if "（ ）" in stem else f"{n}．{stem}（ ）")
                lines.append("　".join(f"{'ABCDE'[i]}．{o}" for i, o in enumerate(item[1])))
            elif name == "判断题":
                lines.append(f"{n}．{stem}（ ）")
            else:
                lines.append(f"{n}．{stem}")
    return lines, {"single": len(SINGLE), "multiple": len(MULTIPLE), "judge": len(JUDGE), "fill": len(FILL)}


def assert_paper(result, unit="行"):
    assert result.errors == [], [str(e) for e in result.errors]
    by_type = {}
    for q in result.questions:
        by_type.setdefault(q.type, []).append(q)
    assert {t: len(qs) for t, qs in by_type.items()} == {"single": 7, "multiple": 3, "judge": 4, "fill": 2}
    for q, (stem, options, answer) in zip(by_type["single"] + by_type["multiple"], SINGLE + MULTIPLE):
        assert q.answer == answer and q.options == options
        assert q.stem.startswith(stem.replace("（ ）", ""))
    for q, (stem, value) in zip(by_type["judge"], JUDGE):
        assert q.answer is value and q.stem == f"{stem}（ ）"
    for q, (stem, value) in zip(by_type["fill"], FILL):
        assert q.answer == value and q.stem == stem
    # the 姓名 line is furniture, never a fill question
    assert not any("姓名" in q.stem for q in result.questions)
    assert any("姓名" in w.message and "不是题目" in w.message for w in result.warnings)


def key_lines(style: str) -> list[str]:
    if style == "ranges":
        return ["参考答案及评分标准", "一、单项选择题", "1-5 BBDBC　6-7 DB", "二、多项选择题", "1.ABC 2.ABCDE 3.ABC",
                "三、判断题", "1-4 √××√", "四、填空题", "1.监督、调查、处置　2.全面从严治党",
                "评分标准：每题答对得满分，答错或不答不得分。"]
    if style == "lists":
        return ["【参考答案】", "一、单选题", "1.B　2.B　3.D　4.B　5.C　6.D　7.B", "二、多选题",
                "1、ABC 2、A、B、C、D、E 3、ABC", "三、判断题", "1.对 2.错 3.错 4.对", "四、填空题",
                "1．监督；调查；处置", "2．全面从严治党"]
    if style == "fullwidth":
        return ["答案", "一、单项选择题", "１～５：ＢＢＤＢＣ　６～７：ＤＢ", "二、多项选择题", "１．ＡＢＣ　２．ＡＢＣＤＥ　３．ＡＢＣ",
                "三、判断题", "１－４　√××√", "四、填空题", "１．监督、调查、处置　２．全面从严治党"]
    raise AssertionError(style)


@pytest.mark.parametrize("style", ["ranges", "lists", "fullwidth"])
def test_key_at_the_end_with_sub_headings_matched_to_sections(style):
    lines, _ = paper(restart=True)
    result = parse_text("\n".join(lines + [""] + key_lines(style)))
    assert_paper(result)
    if style == "ranges":
        assert any("评分标准" in w.message for w in result.warnings)
    assert [q.points for q in result.questions] == [2.0] * 16


def test_key_sub_headings_matched_by_type_when_the_key_orders_them_differently():
    lines, _ = paper(restart=True)
    key = ["参考答案", "三、判断题", "1-4 √××√", "一、单项选择题", "1-7 BBDBCDB", "四、填空题",
           "1.监督、调查、处置 2.全面从严治党", "二、多项选择题", "1-3 ABC ABCDE ABC"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_one_numbering_over_the_whole_paper_and_a_key_without_sub_headings():
    lines, _ = paper(restart=False)
    key = ["参考答案：", "1-5 BBDBC 6-7 DB 8.ABC 9.ABCDE 10.ABC", "11-14 √××√",
           "15.监督、调查、处置 16.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_numbering_restarting_per_section_and_a_key_restarting_with_it_without_sub_headings():
    lines, _ = paper(restart=True)
    key = ["参考答案", "1-7 BBDBCDB", "1.ABC 2.ABCDE 3.ABC", "1.√ 2.× 3.× 4.√", "1.监督、调查、处置 2.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_a_key_counting_on_over_a_paper_numbered_per_section():
    lines, _ = paper(restart=True)
    key = ["参考答案", "1-7 BBDBCDB", "8.ABC 9.ABCDE 10.ABC", "11-14 对错错对", "15.监督、调查、处置 16.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_a_key_after_each_section():
    lines, _ = paper(restart=True)
    sections, current = [], []
    for line in lines:
        if line[1:2] == "、" and any(re.match(r"\d+．", part) for part in current):
            sections.append(current)
            current = []
        current.append(line)
    sections.append(current)
    keys = ["参考答案：1-5 BBDBC 6-7 DB", "【参考答案】\n1.ABC 2.ABCDE 3.ABC", "答案：1-4 √××√",
            "参考答案\n1.监督、调查、处置 2.全面从严治党"]
    text = "\n".join("\n".join(section) + "\n" + key for section, key in zip(sections, keys))
    assert_paper(parse_text(text))


def test_a_key_after_a_page_break_in_text_and_in_word():
    lines, _ = paper(restart=True)
    assert_paper(parse_text("\n".join(lines) + "\f" + "\n".join(key_lines("ranges"))))

    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for line in key_lines("lists"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_bank("测试卷.docx", buffer.getvalue())
    assert_paper(result)
    assert result.unit == "段"


def test_judge_and_choice_keys_given_as_a_row_of_numbers_and_a_row_of_answers():
    lines, _ = paper(restart=False)
    key = ["参考答案", "题号 1 2 3 4 5 6 7 8 9 10", "答案 B B D B C D B ABC ABCDE ABC",
           "题号 11 12 13 14", "答案 √ × × √", "15.监督、调查、处置 16.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_answers_in_order_under_sub_headings_without_numbers():
    lines, _ = paper(restart=True)
    key = ["参考答案", "一、单项选择题", "BBDBCDB", "二、多项选择题", "ABC ABCDE ABC", "三、判断题", "√××√",
           "四、填空题", "1.监督、调查、处置 2.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_sub_heading_and_its_entries_on_one_line():
    lines, _ = paper(restart=True)
    key = ["参考答案", "一、单项选择题：1-5 BBDBC 6-7 DB", "二、多项选择题 1.ABC 2.ABCDE 3.ABC",
           "三、判断题（每题2分）1-4 √××√", "四、填空题 1.监督、调查、处置 2.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_explanations_in_the_key_go_to_their_questions():
    text = """一、单项选择题
1．党员受到警告处分的，多长时间内不得在党内提升职务？（ ）
A．六个月　B．一年　C．一年半　D．两年
2．留党察看处分的期限最长不超过多长时间？（ ）
A．一年　B．二年　C．三年　D．五年
参考答案及解析
1．B　解析：依据《中国共产党纪律处分条例》第十条，
受到警告处分一年内不得在党内提升职务。
2．B【解析】留党察看分为一年、二年。"""
    result = parse_text(text)
    assert result.errors == []
    first, second = result.questions
    assert (first.answer, second.answer) == ("B", "B")
    assert first.explanation == "依据《中国共产党纪律处分条例》第十条，\n受到警告处分一年内不得在党内提升职务。"
    assert second.explanation == "留党察看分为一年、二年。"


def test_a_bare_answer_heading_at_the_end_of_a_paper_with_no_answers():
    text = "1．党员应当遵守党的纪律。（ ）\n2．党员可以不参加组织生活。（ ）\n3．监察委员会履行____职责。\n答案\n1.对 2.错 3.监督"
    result = parse_text(text)
    assert result.errors == []
    assert [q.answer for q in result.questions] == [True, False, ["监督"]]


def test_an_empty_answer_line_in_a_bank_that_answers_each_question_stays_its_own_error():
    text = "1．党员应当遵守党的纪律。\n答案：对\n2．党员可以不参加组织生活。\n答案：\n3．留党察看最长三年。\n答案：错"
    result = parse_text(text)
    assert [str(e) for e in result.errors] == ["第 3 行：没有答案。"]
    assert [q.answer for q in result.questions] == [True, False]


def test_a_long_paper_and_its_key():
    """More questions than a preview page, the key in ranges of five."""
    answers = "ABCD" * 30
    lines = ["一、单项选择题"]
    for n in range(1, 121):
        lines += [f"{n}．根据《中华人民共和国监察法》第{n}条的规定，下列说法正确的是（ ）", "A．甲 B．乙 C．丙 D．丁"]
    lines.append("参考答案")
    lines += [f"{k}-{k + 4} {answers[k - 1:k + 4]}" for k in range(1, 121, 5)]
    result = parse_text("\n".join(lines))
    assert result.errors == []
    assert "".join(q.answer for q in result.questions) == answers
    assert len(result.questions) == 120


# -- problems, each naming its line ------------------------------------------------------

BASE = """一、单项选择题
1．党员受到警告处分的，多长时间内不得在党内提升职务？（ ）
A．六个月　B．一年　C．一年半　D．两年
2．留党察看处分的期限最长不超过多长时间？（ ）
A．一年　B．二年　C．三年　D．五年
3．受到开除党籍处分的，多少年内不得重新入党？（ ）
A．二年　B．三年　C．四年　D．五年
"""


def errors_of(text):
    return [str(e) for e in parse_text(text).errors]


def test_a_key_entry_for_a_number_with_no_question():
    assert errors_of(BASE + "参考答案\n1-3 BBD\n4.A") == ["第 10 行：参考答案中有第 4 题，但试卷中没有第 4 题。"]


def test_a_question_the_key_misses():
    result = parse_text(BASE + "参考答案\n1.B 2.B")
    assert [str(e) for e in result.errors] == [
        "第 6 行：没有答案：题后没有写答案，参考答案（第 8 行起）中也没有这道题（第 3 题）。"]
    assert [q.line for q in result.questions] == [2, 4]
    assert [r.line for r in result.rejected] == [6]


def test_a_range_whose_count_does_not_match():
    errors = errors_of(BASE + "参考答案\n1-3 BB")
    assert "第 9 行：参考答案：第 1–3 题是 3 道题，这里的答案却有 2 个（BB）。" in errors


def test_an_answer_line_and_the_key_disagree_naming_both_lines():
    text = BASE.replace("A．一年　B．二年　C．三年　D．五年\n", "A．一年　B．二年　C．三年　D．五年\n答案：C\n") + "参考答案\n1-3 BBD"
    assert errors_of(text) == ["第 4 行：第 2 题的答案写了两处且不一致：第 6 行写的是“C”，参考答案第 10 行是“B”。"]


def test_an_answer_in_the_stem_and_the_key_disagree():
    text = BASE.replace("多长时间内不得在党内提升职务？（ ）", "多长时间内不得在党内提升职务？（ A ）") + "参考答案\n1-3 BBD"
    assert errors_of(text) == ["第 2 行：第 1 题的答案写了两处且不一致：题干中是“A”，参考答案第 9 行是“B”。"]


def test_an_answer_written_twice_alike_is_fine():
    text = BASE.replace("（ ）\nA．一年　B．二年　C．三年　D．五年", "（ B ）\nA．一年　B．二年　C．三年　D．五年\n答案：B") \
        + "参考答案\n1-3 BBD"
    result = parse_text(text)
    assert result.errors == [] and [q.answer for q in result.questions] == ["B", "B", "D"]
    assert result.questions[1].stem.endswith("（  ）")


def test_a_number_twice_in_the_key():
    assert "第 10 行：参考答案中第 2 题写了两次（第 9 行和第 10 行）。" in errors_of(BASE + "参考答案\n1.B 2.B 3.D\n2.C")


def test_an_unreadable_line_in_the_key():
    assert "第 10 行：参考答案中无法识别这一行：“请各单位于月底前报送成绩”" in errors_of(
        BASE + "参考答案\n1-3 BBD\n请各单位于月底前报送成绩")


def test_a_wrong_answer_from_the_key_is_reported_on_the_question():
    assert errors_of(BASE + "参考答案\n1-3 BEB") == ["第 4 行：答案 E 没有对应的选项（本题只有 A–D）。"]


# -- paper furniture ------------------------------------------------------------------------

def test_furniture_anywhere_is_a_warning_and_never_a_question():
    text = """××县纪委监委2026年纪法知识测试
姓名：________　单位：________　职务：________　得分：________
考试时间：60分钟　　满分：100分
注意事项：
1．本试卷共4页，请用黑色签字笔作答。
2．考试时间60分钟，不得交头接耳。
…………………………密…………封…………线…………………………
一、判断题
（每小题5分，共10分）
1．党员受到留党察看处分期间，没有表决权、选举权和被选举权。（ ）
第 1 页 共 2 页
2．留党察看的期限最长为三年。
（ ）
得分　评卷人
二、填空题
3．监察委员会依照法律规定履行____、____、____职责。
参考答案
1-2 √×
3．监督、调查、处置
（以上答案仅供参考）"""
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.type, q.answer) for q in result.questions] == [
        ("judge", True), ("judge", False), ("fill", ["监督", "调查", "处置"])]
    assert result.questions[1].stem == "留党察看的期限最长为三年。\n（ ）"
    assert [q.points for q in result.questions] == [5.0, 5.0, None]
    ignored = {w.line for w in result.warnings if "不是题目" in w.message}
    assert {2, 3, 4, 5, 6, 7, 11, 14, 20} <= ignored
    assert not any("姓名" in q.stem or "页" in q.stem for q in result.questions)


def test_a_name_line_between_questions_is_not_part_of_a_stem():
    text = "1．党的最高领导机关是____。\n答案：党的全国代表大会和它所产生的中央委员会\n姓名：______ 单位：______\n2．党员必须遵守党的纪律。（√）"
    result = parse_text(text)
    assert result.errors == []
    assert [q.stem for q in result.questions] == ["党的最高领导机关是____。", "党员必须遵守党的纪律。（  ）"]
    assert [w.line for w in result.warnings] == [3]


def test_instructions_end_where_the_questions_begin():
    text = "注意事项：\n1．请用黑色签字笔作答。\n2．本卷共2题。\n1．党员必须履行党员义务。\n答案：对\n2．留党察看最长为三年。\n答案：错"
    result = parse_text(text)
    assert result.errors == []
    assert [q.line for q in result.questions] == [4, 6]


def test_a_key_kept_as_a_word_table_and_score_boxes_before_each_section():
    import docx

    lines, _ = paper(restart=False)
    document = docx.Document()
    for line in lines:
        if line[1:2] == "、":  # the 得分/评卷人 box before each section
            box = document.add_table(rows=2, cols=2)
            box.cell(0, 0).text, box.cell(0, 1).text = "得分", "评卷人"
        document.add_paragraph(line)
    document.add_paragraph("参考答案")
    numbers = list(range(1, 15))
    answers = list("BBDBCDB") + ["ABC", "ABCDE", "ABC", "√", "×", "×", "√"]
    for start in (0, 7):
        table = document.add_table(rows=2, cols=8)
        table.cell(0, 0).text, table.cell(1, 0).text = "题号", "答案"
        for column, (n, a) in enumerate(zip(numbers[start:start + 7], answers[start:start + 7]), start=1):
            table.cell(0, column).text, table.cell(1, column).text = str(n), a
    document.add_paragraph("15．监督、调查、处置　16．全面从严治党")
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_bank("测试卷.docx", buffer.getvalue())
    assert_paper(result, unit="段")
    assert sum("“得分”" in w.message for w in result.warnings) == 4


@pytest.mark.parametrize("key", ["1B 2B 3D 4B 5C 6D 7B", "1-7：B B D B C D B", "1—7 BBDBCDB", "1.B；2.B；3.D；4.B；5.C；6.D；7.B",
                                 "(1)B (2)B (3)D (4)B (5)C (6)D (7)B", "1~7 bbdbcdb", "第1-7题 BBDBCDB"])
def test_more_spellings_of_a_choice_key(key):
    lines, _ = paper(restart=True)
    text = "\n".join(lines + ["参考答案", "一、单项选择题", key, "二、多项选择题", "1.ABC 2.ABCDE 3.ABC", "三、判断题",
                              "1-4 TFFT", "四、填空题", "1.监督、调查、处置 2.全面从严治党"])
    assert_paper(parse_text(text))


def test_a_table_key_whose_rows_do_not_match():
    errors = errors_of(BASE + "参考答案\n题号 1 2 3\n答案 B B")
    assert "第 10 行：参考答案：题号行（第 9 行）有 3 个题号，答案行却有 2 个答案。" in errors


def test_sub_headings_that_are_only_numerals_and_a_fill_key_apart_by_spaces():
    lines, _ = paper(restart=False)
    key = ["参考答案", "一、1-5 BBDBC 6.D 7.B", "二、8.ABC 9.ABCDE 10.ABC", "三、11.√ 12.× 13.× 14.√",
           "四、15.监督 调查 处置 16.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


def test_word_list_numbering_for_the_questions_and_for_the_key():
    """Word numbers the paragraphs itself (no number in the text), the key's entries too."""
    from examsite.banks.parsed import Line
    from examsite.banks.parser import parse_lines

    items = [("一、单项选择题", "section")]
    for stem, options, _ in SINGLE[:3]:
        items.append((stem + "（ ）", "question"))
        items += [(option, "option") for option in options]
    items.append(("二、多项选择题", "section"))
    for stem, options, _ in MULTIPLE[:2]:
        items.append((stem, "question"))
        items += [(option, "option") for option in options]
    items.append(("三、填空题", "section"))
    items.append((FILL[0][0], "question"))
    items += [("参考答案", None), ("一、单项选择题", "section"), ("B", "question"), ("B", "question"), ("D", "question"),
              ("二、多项选择题", "section"), ("ABC", "question"), ("A、B、C、D、E", "question"),
              ("三、填空题", "section"), ("监督、调查、处置", "question")]
    lines = [Line(number, text, numbered) for number, (text, numbered) in enumerate(items, start=1)]
    result = parse_lines(lines, unit="段")
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", "B"), ("single", "B"), ("single", "D"), ("multiple", "ABC"), ("multiple", "ABCDE"),
        ("fill", ["监督", "调查", "处置"])]
    assert result.questions[0].options == SINGLE[0][1]


def test_points_after_key_entries_and_page_numbers_in_brackets():
    text = BASE.replace("A．一年　B．二年", "（第1页，共2页）\nA．一年　B．二年") + "参考答案\n1.B（2分） 2.B（2分）\n3.D（2分）"
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [q.answer for q in result.questions] == ["B", "B", "D"]
    assert result.questions[1].options == ["一年", "二年", "三年", "五年"]
    assert [w.line for w in result.warnings] == [5]


def test_a_remark_after_the_last_question_is_a_warning():
    text = "1．党员必须履行党员义务。\n答案：对\n解析：见党章第四条。\n以上题目由区纪委监委宣传部整理\n本题库仅供内部学习使用"
    result = parse_text(text)
    assert result.errors == [] and result.questions[0].explanation == "见党章第四条。"
    assert [w.line for w in result.warnings] == [4, 5]


def test_an_answer_heading_with_the_answer_on_the_next_line_after_each_question():
    text = """5．党员受到警告处分的，多长时间内不得在党内提升职务？（ ）
A．六个月　B．一年　C．一年半　D．两年
【答案】
B
6．党员必须履行党员义务。
【参考答案】
√
7．对党员的纪律处分种类有（ ）
A．警告　B．严重警告　C．罚款
【答案】
A B"""
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.type, q.answer) for q in result.questions] == [("single", "B"), ("judge", True), ("multiple", "AB")]


def test_the_key_heading_and_its_first_sub_heading_on_one_line():
    lines, _ = paper(restart=True)
    key = ["参考答案：一、单项选择题 1-5 BBDBC 6-7 DB", "二、多项选择题 1.ABC 2.ABCDE 3.ABC",
           "三、判断题：1.对 2.错 3.错 4.对", "四、填空题：1.监督、调查、处置 2.全面从严治党"]
    assert_paper(parse_text("\n".join(lines + key)))


@pytest.mark.parametrize("key", [
    "一、1-5 BBDBC 6.D 7.B 二、1.ABC 2.ABCDE 3.ABC 三、1-4 √××√ 四、1.监督、调查、处置 2.全面从严治党",
    "单选题：1-7 BBDBCDB；多选题：1.ABC 2.ABCDE 3.ABC；判断题：1-4 对错错对；填空题：1.监督、调查、处置 2.全面从严治党",
])
def test_every_section_of_the_key_on_one_line(key):
    lines, _ = paper(restart=True)
    assert_paper(parse_text("\n".join(lines + ["参考答案", key])))
