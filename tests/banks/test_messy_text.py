"""Banks after years of copy-paste: full-width characters, odd numbering and labels, answers
and explanations written every which way, invisible characters."""
import pytest

from examsite.banks.parser import parse_text


def one(text: str):
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def test_full_width_digits_and_letters_everywhere():
    q = one("一、单项选择题\n１２．党员受到严重警告处分的，多长时间内不得在党内提升职务？（　）\n"
            "Ａ．一年　Ｂ．一年半\nＣ．两年　Ｄ．三年\n答案：Ｂ")
    assert q.type == "single" and q.answer == "B"
    assert q.options == ["一年", "一年半", "两年", "三年"]


@pytest.mark.parametrize("number", ["1)", "(1)", "（1）", "1）", "一、", "（一）"])
def test_numberings_including_chinese_numerals_for_questions(number):
    q = one(f"{number}监察机关对涉嫌职务违法的被调查人，可以依法采取哪项措施？（ ）\nA．谈话\nB．罚款\n答案：A")
    assert q.stem == "监察机关对涉嫌职务违法的被调查人，可以依法采取哪项措施？（ ）"
    assert q.options == ["谈话", "罚款"]


def test_a_chinese_numeral_title_without_a_question_shape_stays_a_heading():
    result = parse_text("一、党章部分\n1．党的最高领导机关是____。\n答案：党的全国代表大会和它所产生的中央委员会")
    assert result.errors == [] and [q.line for q in result.questions] == [2]
    assert not result.warnings


@pytest.mark.parametrize("labels", [("a.", "b.", "c.", "d."), ("a、", "b、", "c、", "d、"), ("A)", "B)", "C)", "D)"),
                                    ("a)", "b)", "c)", "d)"), ("A）", "B）", "C）", "D）"), ("(a)", "(b)", "(c)", "(d)")])
def test_lower_case_and_bracket_labels(labels):
    body = "\n".join(f"{label}\t{text}" for label, text in zip(labels, ["警告", "严重警告", "撤销党内职务", "开除党籍"]))
    q = one(f"1.\t对党员的纪律处分中最轻的一种是（ ）\n{body}\n答案：a")
    assert q.options == ["警告", "严重警告", "撤销党内职务", "开除党籍"] and q.answer == "A"
    assert q.stem == "对党员的纪律处分中最轻的一种是（ ）"


def test_tab_separated_options_on_one_line():
    q = one("1．下列属于党的纪律处分的有（ ）\nA)\t警告\tB)\t罚款\tC)\t留党察看\tD)\t记过\n答案：AC")
    assert q.options == ["警告", "罚款", "留党察看", "记过"] and q.answer == "AC"
    assert all("\t" not in option for option in q.options)


@pytest.mark.parametrize("line, expected", [
    ("正确答案为：C", "C"), ("正确答案是：C", "C"), ("答案为C", "C"), ("【参考答案】C", "C"), ("【正确答案】：C", "C"),
    ("参考答案：c", "C"), ("【答案】Ｃ", "C"),
])
def test_answer_line_spellings(line, expected):
    q = one(f"一、单项选择题\n1．留置时间不得超过多长时间？（ ）\nA．一个月\nB．两个月\nC．三个月\nD．六个月\n{line}")
    assert q.answer == expected


def test_reference_answer_in_brackets_for_a_multiple_choice():
    q = one("1．党的纪律包括（ ）\nA．政治纪律 B．组织纪律 C．廉洁纪律 D．财经纪律\n【参考答案】AB C")
    assert q.type == "multiple" and q.answer == "ABC"


def test_answer_in_brackets_at_the_end_of_the_stem_line():
    q = one("1．党员受到警告处分一年内，不得在党内提升职务。（答案：正确）")
    assert q.type == "judge" and q.answer is True
    assert "答案" not in q.stem and q.stem == "党员受到警告处分一年内，不得在党内提升职务。"


@pytest.mark.parametrize("mark, value", [("（正确）", True), ("（错误）", False), ("(正确)。", True)])
def test_judge_answer_as_a_word_in_brackets_at_the_end(mark, value):
    q = one(f"三、判断题\n1．留党察看的期限最长为二年。{mark}")
    assert q.type == "judge" and q.answer is value
    assert "正确" not in q.stem and "错误" not in q.stem


def test_explanation_over_several_lines_marked_or_not_and_source():
    text = """1．对党员的纪律处分种类有（ ）
A．警告　B．严重警告　C．撤销党内职务　D．留党察看　E．开除党籍
答案：ABCDE
【解析】根据《中国共产党纪律处分条例》第八条，
    对党员的纪律处分种类：
（一）警告；（二）严重警告；
（三）撤销党内职务；（四）留党察看；（五）开除党籍。
【出处】《中国共产党纪律处分条例》第八条
2．党员必须履行党员义务。
答案：对"""
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    first, second = result.questions
    assert first.explanation == ("根据《中国共产党纪律处分条例》第八条，\n对党员的纪律处分种类：\n"
                                 "（一）警告；（二）严重警告；\n（三）撤销党内职务；（四）留党察看；（五）开除党籍。")
    assert first.source == "《中国共产党纪律处分条例》第八条"
    assert second.answer is True and second.explanation is None


def test_parts_with_sections_numbered_inside_and_questions_numbered_with_chinese_numerals():
    text = """第一部分　单项选择题（每题1分）
一、根据《中华人民共和国监察法》，监察机关采取留置措施的期限不得超过多长时间？（ ）
A．一个月　B．三个月　C．六个月　D．一年
答案：B
二、中央八项规定是在哪一年审议通过的？（ ）
A．2010年　B．2012年　C．2013年　D．2015年
答案：B
第二部分　判断题
一、党纪处分部分
1．党员受到留党察看处分期间，没有表决权。（√）
二、监察法部分
2．监察委员会是国家的监察机关。（√）
3．留置期限最长为一年。（×）"""
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.type, q.answer, q.points) for q in result.questions] == [
        ("single", "B", 1.0), ("single", "B", 1.0), ("judge", True, None), ("judge", True, None), ("judge", False, None)]
    assert result.questions[0].stem.startswith("根据《中华人民共和国监察法》")


def test_invisible_and_no_break_spaces_are_removed_from_stored_text():
    text = ("\ufeff1\u200b．党的\u200b最高领导机关是（\u00a0）\u3000\n"
            "A\u00a0．党的全国代表大会\u200d和它所产生的中央委员会\nB．中央\u2060政治局\n"
            "答案：\u200bA\n解析：依据\u00a0党章\u200b第十条。\n出处：《中国共产党章程》\u00ad")
    q = one(text)
    stored = [q.stem, *q.options, q.explanation, q.source]
    assert q.answer == "A"
    for part in stored:
        assert not any(c in part for c in "\u200b\u200d\u2060\ufeff\u00a0\u00ad"), part
    assert q.options == ["党的全国代表大会和它所产生的中央委员会", "中央政治局"]
    assert q.explanation == "依据 党章第十条。" and q.source == "《中国共产党章程》"


def test_zero_width_characters_in_a_key():
    text = "1．党员必须履行党员义务。（ ）\n2．党员可以不参加组织生活。（ ）\n参考\u200b答案\n1\u200b-2\u00a0√×"
    result = parse_text(text)
    assert result.errors == [] and [q.answer for q in result.questions] == [True, False]


def test_a_messy_bank_of_every_kind_at_once():
    text = """\u200b××单位廉洁自律知识题库（2026年修订）
第一部分 客观题
一、单项选择题（每小题2分）
１．《中国共产党廉洁自律准则》自何时起施行？（　　）
a．2015年10月1日\tb．2016年1月1日
c．2018年10月1日\td．2024年1月1日
正确答案为：B
【解析】准则于2016年1月1日起施行，
  同时废止2010年的廉政准则。
【出处】《中国共产党廉洁自律准则》
(2)党员领导干部应当廉洁从政，自觉保持人民公仆本色，下列做法正确的是（ ）
A)\t公私分明　B)\t公款宴请　C)\t收受礼金　D)\t违规兼职
【参考答案】A
二、多项选择题（每小题3分）
3）廉洁自律准则中对党员领导干部提出的规范有（ ）
Ａ、廉洁从政　Ｂ、廉洁用权　Ｃ、廉洁修身　Ｄ、廉洁齐家
答案：ＡＢＣＤ
三、判断题
4．党员领导干部可以在住房、车辆等方面超标准享受待遇。（错误）
5．党员应当坚持公私分明，先公后私，克己奉公。（正确）
四、填空题
6．党员领导干部应当廉洁齐家，自觉带头树立良好____。
答案：家风"""
    result = parse_text(text)
    assert result.errors == [], [str(e) for e in result.errors]
    got = [(q.type, q.answer, q.points) for q in result.questions]
    assert got == [("single", "B", 2.0), ("single", "A", 2.0), ("multiple", "ABCD", 3.0),
                   ("judge", False, None), ("judge", True, None), ("fill", ["家风"], None)]
    first = result.questions[0]
    assert first.options == ["2015年10月1日", "2016年1月1日", "2018年10月1日", "2024年1月1日"]
    assert first.explanation == "准则于2016年1月1日起施行，\n同时废止2010年的廉政准则。"
    assert first.source == "《中国共产党廉洁自律准则》"
    assert result.questions[1].options == ["公私分明", "公款宴请", "收受礼金", "违规兼职"]
    assert all("答案" not in q.stem and "\t" not in q.stem for q in result.questions)
    assert [w.line for w in result.warnings] == [1]


@pytest.mark.parametrize("tail", ["【答案】B", "【参考答案】：B", "正确答案为：B", "答案：b。"])
def test_an_answer_at_the_end_of_the_options_line(tail):
    q = one(f"1．留党察看处分的期限最长不超过多长时间？（ ）\nA．一年　B．二年　C．三年　D．五年　{tail}")
    assert q.answer == "B" and q.options == ["一年", "二年", "三年", "五年"]
