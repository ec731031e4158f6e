"""Every format the issue lists, each asserting answer, options and stem."""
import pytest

from examsite.banks.parser import parse_text


def one(text: str):
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


@pytest.mark.parametrize("number", ["1．", "2、", "3.", "（6）", "(7)", "4)", "第5题．", "１．", "12、"])
def test_question_numbering(number):
    q = one(f"{number}党的纪律处分有几种？\nA．三种\nB．四种\nC．五种\nD．六种\n答案：C")
    assert q.stem == "党的纪律处分有几种？"
    assert q.options == ["三种", "四种", "五种", "六种"] and q.answer == "C"


@pytest.mark.parametrize("labels", [("A．", "B．", "C．", "D．"), ("A、", "B、", "C、", "D、"),
                                    ("A.", "B.", "C.", "D."), ("（A）", "（B）", "（C）", "（D）"),
                                    ("Ａ．", "Ｂ．", "Ｃ．", "Ｄ．"), ("(A)", "(B)", "(C)", "(D)"),
                                    ("A:", "B:", "C:", "D:")])
def test_option_labels_one_per_line(labels):
    body = "\n".join(f"{label}选项{n}" for n, label in enumerate(labels, start=1))
    q = one(f"1. 题干（ ）\n{body}\n答案：B")
    assert q.options == ["选项1", "选项2", "选项3", "选项4"] and q.answer == "B"


@pytest.mark.parametrize("line", ["A．警告 B．严重警告 C．撤销党内职务 D．开除党籍",
                                  "A、警告　　B、严重警告　　C、撤销党内职务　　D、开除党籍",
                                  "（A）警告（B）严重警告（C）撤销党内职务（D）开除党籍",
                                  "A.警告B.严重警告C.撤销党内职务D.开除党籍"])
def test_several_options_to_a_line(line):
    q = one(f"1. 下列不属于党纪处分的是（ ）。\n{line}\n答案：A")
    assert q.options == ["警告", "严重警告", "撤销党内职务", "开除党籍"]


def test_options_over_two_lines_of_two():
    q = one("1. 题干（ ）\nA．甲　B．乙\nC．丙　D．丁\n答案：D")
    assert q.options == ["甲", "乙", "丙", "丁"] and q.answer == "D"


def test_options_on_the_stem_line():
    q = one("1. 党的最高领导机关是（ ）。A.党的全国代表大会和它所产生的中央委员会 B.中央政治局\n答案：A")
    assert q.stem == "党的最高领导机关是（ ）。"
    assert q.options == ["党的全国代表大会和它所产生的中央委员会", "中央政治局"]


@pytest.mark.parametrize("answer_line, expected", [
    ("答案：C", "C"), ("答案:C", "C"), ("【答案】C", "C"), ("参考答案：C", "C"), ("正确答案：C", "C"),
    ("答案：c", "C"), ("答案：Ｃ", "C"), ("[答案] C", "C"), ("答案 C", "C"), ("答：C", "C"),
])
def test_single_answer_lines(answer_line, expected):
    q = one(f"一、单项选择题\n1. 题干（ ）\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n{answer_line}")
    assert q.type == "single" and q.answer == expected


@pytest.mark.parametrize("answer_line", ["答案：A、B、C、D", "答案：ABCD", "答案：A B C D", "答案：A,B,C,D",
                                         "答案：A，B，C，D", "【答案】ABCD", "参考答案：D C B A"])
def test_multiple_answer_spellings(answer_line):
    q = one(f"1. 题干（ ）\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n{answer_line}")
    assert q.type == "multiple" and q.answer == "ABCD"


@pytest.mark.parametrize("stem, answer", [("党的最高领导机关是（ B ）。", "B"), ("党的最高领导机关是（B）。", "B"),
                                          ("党的最高领导机关是(Ｂ)。", "B"), ("下列属于六项纪律的有（ABCD）", "ABCD"),
                                          ("下列属于六项纪律的有（A、B、C、D）", "ABCD")])
def test_inline_answer_is_taken_out_of_the_stem(stem, answer):
    q = one(f"1. {stem}\nA. 甲\nB. 乙\nC. 丙\nD. 丁")
    assert q.answer == answer
    assert "（  ）" in q.stem and answer[0] not in q.stem.replace("（  ）", "")


@pytest.mark.parametrize("mark, value", [("（√）", True), ("（×）", False), ("（ 对 ）", True), ("（错）", False),
                                         ("（正确）", True), ("（错误）", False), ("(✓)", True), ("(✗)", False),
                                         ("（✔）", True), ("（╳）", False), ("（X）", False), ("（T）", True),
                                         ("（F）", False), ("（✕）", False)])
def test_inline_judge_marks(mark, value):
    q = one(f"三、判断题\n1. 党员必须履行党员义务。{mark}")
    assert q.type == "judge" and q.answer is value
    assert q.stem == "党员必须履行党员义务。（  ）"


@pytest.mark.parametrize("answer_line, value", [("答案：正确", True), ("答案：错误", False), ("答案：√", True),
                                                ("答案：×", False), ("【答案】对", True), ("答案：错", False),
                                                ("答案：T", True), ("答案：F", False)])
def test_judge_answer_lines_without_options(answer_line, value):
    q = one(f"1. 党员必须履行党员义务。\n{answer_line}")
    assert q.type == "judge" and q.answer is value and q.options == []


@pytest.mark.parametrize("blank", ["____", "________________", "＿＿＿＿", "（  ）", "（）", "( )", "__"])
def test_fill_blanks(blank):
    q = one(f"四、填空题\n1. 党的最高理想和最终目标是实现{blank}。\n答案：共产主义")
    assert q.type == "fill" and q.answer == ["共产主义"]
    assert blank in q.stem


@pytest.mark.parametrize("answer_line", ["答案：组织；廉洁", "答案：组织;廉洁", "答案：组织、廉洁", "答案：组织； 廉洁"])
def test_fill_answers_split_per_blank(answer_line):
    q = one(f"1. 党的纪律包括政治纪律、____纪律、____纪律等。\n{answer_line}")
    assert q.type == "fill" and q.answer == ["组织", "廉洁"]


def test_fill_alternatives_by_slash():
    q = one("1. ____是党的最高领导机关。\n答案：党的全国代表大会/全国代表大会/党代会")
    assert q.answer == [["党的全国代表大会", "全国代表大会", "党代会"]]


def test_fill_single_blank_keeps_its_comma_list():
    q = one("1. 党的纪律处分条例所称“六项纪律”包括：____。\n答案：政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律")
    assert q.answer == ["政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律"]


def test_explanation_and_source_over_several_lines():
    text = """1. 题干（ ）
A. 甲
B. 乙
答案：A
解析：第一行解析，
第二行解析。
出处：中国共产党纪律处分条例
第八条"""
    q = one(text)
    assert q.explanation == "第一行解析，\n第二行解析。"
    assert q.source == "中国共产党纪律处分条例\n第八条"


@pytest.mark.parametrize("label", ["【解析】", "解析：", "答案解析：", "[解析]"])
def test_explanation_labels(label):
    q = one(f"1. 题干（ ）\nA. 甲\nB. 乙\n答案：A\n{label}因为甲。")
    assert q.explanation == "因为甲。"


def test_section_heading_sets_type_and_points():
    text = """一、单项选择题（共8题，每题2分）
1. 题干一（ ）
A. 甲
B. 乙
答案：A
二、多项选择题（每小题3分）
2. 题干二（ ）
A. 甲
B. 乙
C. 丙
答案：AB
三、判断题（每题1.5分）
3. 题干三。（√）
四、填空题
4. 题干____。
答案：四"""
    result = parse_text(text)
    assert result.errors == []
    assert [(q.type, q.points) for q in result.questions] == [
        ("single", 2.0), ("multiple", 3.0), ("judge", 1.5), ("fill", None)]


def test_heading_for_multiple_keeps_a_one_answer_question_multiple_with_a_warning():
    result = parse_text("二、多项选择题\n1. 题干（ ）\nA. 甲\nB. 乙\n答案：A")
    assert result.errors == [] and result.questions[0].type == "multiple"
    assert [w.message for w in result.warnings] == ["多选题只有一个正确答案，请确认。"]


def test_type_inferred_without_headings():
    text = "1. 单选题干（ ）\nA. 甲\nB. 乙\n答案：B\n2. 多选题干（ ）\nA. 甲\nB. 乙\nC. 丙\n答案：BC\n" \
           "3. 判断题干。\n答案：对\n4. 填空题干____。\n答案：词"
    assert [q.type for q in parse_text(text).questions] == ["single", "multiple", "judge", "fill"]


def test_decimal_inside_a_stem_does_not_start_a_question():
    q = one("1. 某单位违规发放补贴\n4.5万元，应当如何处理？（ ）\nA. 甲\nB. 乙\n答案：A")
    assert q.stem == "某单位违规发放补贴\n4.5万元，应当如何处理？（ ）"


def test_chinese_numeral_is_a_section_and_arabic_is_a_question():
    result = parse_text("一、判断题\n1、党员应当遵守党的纪律。\n答案：对")
    assert len(result.questions) == 1 and result.questions[0].type == "judge"


def test_original_text_is_kept_full_width_and_circled_numbers_too():
    q = one("1. 下列说法①正确，②错误，对的是（ ）。\nA．①，②\nB．仅①\n答案：B")
    assert q.stem == "下列说法①正确，②错误，对的是（ ）。"
    assert q.options == ["①，②", "仅①"]


def test_trailing_answer_on_the_last_option_line():
    q = one("1. 题干（ ）\nA. 甲 B. 乙 C. 丙 D. 丁  答案：D")
    assert q.options == ["甲", "乙", "丙", "丁"] and q.answer == "D"


def test_difficulty_line():
    q = one("1. 题干（ ）\nA. 甲\nB. 乙\n答案：A\n难度：较难")
    assert q.difficulty == 4


def test_up_to_eight_options():
    body = "\n".join(f"{letter}. 项{letter}" for letter in "ABCDEFGH")
    q = one(f"1. 题干（ ）\n{body}\n答案：ACEH")
    assert len(q.options) == 8 and q.answer == "ACEH"


def test_mixed_formats_in_one_file():
    text = """题库（2024年版）
一、单项选择题（每题2分）
1．题一（ B ）
A．甲　B．乙　C．丙　D．丁
2、题二（  ）
（A）甲（B）乙
【答案】A
二、判断题
（3）题三。（ × ）
4.题四。
答案：正确
三、填空题
(5) 题五____、____。
参考答案：甲；乙/己"""
    result = parse_text(text)
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", "B"), ("single", "A"), ("judge", False), ("judge", True), ("fill", ["甲", ["乙", "己"]])]
    assert [q.line for q in result.questions] == [3, 5, 9, 10, 13]


def test_option_text_may_start_with_a_number():
    q = one("1. 现行条例自（ ）起施行。\nA．2018年10月1日　B．2024年1月1日\nC．3个月　D．15日\n答案：B")
    assert q.options == ["2018年10月1日", "2024年1月1日", "3个月", "15日"]
