"""Answers marked by formatting (the right option red, or bold and underlined, no letter written):
lines carrying the reader's mark spans, as the .docx reader gives them."""
from examsite.banks.parsed import Line
from examsite.banks.parser import parse_lines

QUESTIONS = [
    ("一、单项选择题", None),
    ("1．党员受到警告处分的，多长时间内不得在党内提升职务？（ ）", None),
    (["六个月", "一年", "一年半", "两年"], "B"),
    ("2．留党察看处分的期限最长不超过多长时间？（ ）", None),
    (["一年", "二年", "三年", "五年"], "B"),
    ("3．监察机关采取留置措施，留置时间不得超过多长时间？（ ）", None),
    (["一个月", "两个月", "三个月", "六个月"], "C"),
    ("二、多项选择题", None),
    ("4．《中国共产党纪律处分条例》规定的党的纪律包括（ ）", None),
    (["政治纪律", "组织纪律", "廉洁纪律", "财经纪律"], "ABC"),
    ("5．监察机关可以依法采取的调查措施有（ ）", None),
    (["谈话", "询问", "留置", "罚款"], "ABC"),
]


def option_line(options, marked, mark, per_line=False):
    """Options on one line ("A．x　B．y …"), those in ``marked`` covered by ``mark``; or one
    Line per option."""
    pieces, spans = [], []
    text = ""
    for index, option in enumerate(options):
        letter = "ABCDEFGH"[index]
        label = f"{letter}．"
        start = len(text) + len(label)
        text += label + option
        if letter in marked:
            spans.append((start, start + len(option), mark))
        if per_line:
            pieces.append((text, spans))
            text, spans = "", []
        else:
            text += "　"
    return pieces if per_line else [(text.rstrip("　"), spans)]


def bank(mark="红色字", per_line=False, answers=None, stem_mark=None):
    lines, number = [], 0
    for item, answer in QUESTIONS:
        if answer is None:
            number += 1
            spans = [(2, 6, stem_mark)] if stem_mark and item[1] == "．" else []
            lines.append(Line(number, item, marks=spans))
            continue
        chosen = answers.pop(0) if answers else answer
        for text, spans in option_line(item, chosen, mark, per_line):
            number += 1
            lines.append(Line(number, text, marks=spans))
    return lines


def answers_of(result):
    return [q.answer for q in result.questions]


def test_red_options_are_the_answers_when_every_question_marks_them():
    result = parse_lines(bank(), unit="段")
    assert result.errors == []
    assert answers_of(result) == ["B", "B", "C", "ABC", "ABC"]
    assert result.answer_mark == "红色字"
    assert result.answer_mark_notice == "正确答案按红色字识别，请核对后确认导入。"
    assert result.to_json()["answer_mark"] == "红色字"
    assert result.questions[0].options == ["六个月", "一年", "一年半", "两年"]


def test_bold_underlined_options_one_a_paragraph():
    result = parse_lines(bank(mark="加粗下划线", per_line=True), unit="段")
    assert result.errors == [] and result.answer_mark == "加粗下划线"
    assert answers_of(result) == ["B", "B", "C", "ABC", "ABC"]


def test_emphasis_in_stems_is_never_an_answer():
    result = parse_lines(bank(stem_mark="加粗"), unit="段")
    assert result.errors == [] and result.answer_mark == "红色字"
    assert answers_of(result) == ["B", "B", "C", "ABC", "ABC"]


def test_a_mark_on_only_some_questions_is_not_taken():
    answers = ["B", "", "C", "ABC", "ABC"]
    result = parse_lines(bank(answers=answers), unit="段")
    assert result.answer_mark is None and result.questions == []
    assert [str(e) for e in result.errors] == [f"第 {n} 段：没有答案。" for n in (2, 4, 6, 9, 11)]
    assert any("红色字" in w.message and "没有把它当作正确答案" in w.message for w in result.warnings)


def test_a_mark_on_most_options_is_emphasis_not_an_answer():
    answers = ["ABC", "BCD", "ACD", "ABCD", "ABCD"]
    result = parse_lines(bank(answers=answers, mark="加粗"), unit="段")
    assert result.answer_mark is None
    assert len(result.errors) == 5 and all(e.message == "没有答案。" for e in result.errors)


def test_a_mark_that_disagrees_with_written_answers_is_not_taken():
    lines = bank()
    # question 1 writes its answer, and the red option is another one
    lines.insert(3, Line(3, "答案：A"))
    for position, line in enumerate(lines):
        line.number = position + 1
    result = parse_lines(lines, unit="段")
    assert result.answer_mark is None
    assert [q.answer for q in result.questions] == ["A"]
    assert len([e for e in result.errors if e.message == "没有答案。"]) == 4


def test_written_answers_win_and_the_mark_fills_the_rest():
    lines = bank()
    lines.insert(3, Line(3, "答案：B"))
    for position, line in enumerate(lines):
        line.number = position + 1
    result = parse_lines(lines, unit="段")
    assert result.errors == [] and result.answer_mark == "红色字"
    assert answers_of(result) == ["B", "B", "C", "ABC", "ABC"]


def test_an_option_marked_only_in_part_is_not_marked():
    lines = [Line(1, "1．党员受到警告处分的，多长时间内不得提升职务？（ ）"),
             Line(2, "A．六个月　B．一年　C．一年半　D．两年", marks=[(8, 10, "红色字"), (13, 15, "红色字")]),
             Line(3, "2．留党察看的期限最长不超过多长时间？（ ）"),
             Line(4, "A．一年　B．二年　C．三年　D．五年", marks=[(7, 9, "红色字")])]
    result = parse_lines(lines, unit="段")
    # 2 of question 1 is marked whole (B．一年), C．一年半 only in part
    assert answers_of(result) == ["B", "B"] and result.answer_mark == "红色字"


def test_marks_survive_invisible_characters_and_line_breaks_inside_a_paragraph():
    text = "1．党的最高领导机关是（ ）\nA．\u200b中央政治局\nB．党的全国代表大会和它所产生的中央委员会"
    start = text.index("党的全国")
    second = "2．监察委员会是国家的什么机关？（ ）A．审判机关 B．监察机关 C．检察机关"
    where = second.index("监察机关")
    lines = [Line(1, text, marks=[(start, len(text), "突出显示")]),
             Line(2, second, marks=[(where, where + 4, "突出显示")])]
    result = parse_lines(lines, unit="段")
    assert result.errors == [], [str(e) for e in result.errors]
    assert answers_of(result) == ["B", "B"] and result.answer_mark == "突出显示"
    assert result.questions[0].options == ["中央政治局", "党的全国代表大会和它所产生的中央委员会"]


def test_no_mark_and_no_answers_are_the_usual_errors():
    lines = [Line(1, "1．题干（ ）"), Line(2, "A．甲　B．乙")]
    result = parse_lines(lines, unit="段")
    assert result.answer_mark is None and [str(e) for e in result.errors] == ["第 1 段：没有答案。"]
    assert "answer_mark" not in result.to_json()


def test_a_word_bank_with_the_right_options_in_red_and_bold_words_in_stems():
    """End to end: python-docx writes the runs, the .docx reader gives their marks."""
    import io

    import docx
    from docx.shared import RGBColor

    from examsite.banks.readers import parse_bank

    document = docx.Document()
    document.add_paragraph("一、单项选择题")
    expected = []
    for number, (stem, options, answer) in enumerate([
            ("党员受到警告处分的，多长时间内不得在党内提升职务？（ ）", ["六个月", "一年", "一年半", "两年"], "B"),
            ("留党察看处分的期限最长不超过多长时间？（ ）", ["一年", "二年", "三年", "五年"], "B"),
            ("监察机关采取留置措施，留置时间不得超过多长时间？（ ）", ["一个月", "两个月", "三个月", "六个月"], "C"),
    ] * 4, start=1):
        paragraph = document.add_paragraph(f"{number}．")
        paragraph.add_run("不得").bold = True  # emphasis in the stem
        paragraph.add_run(stem)
        line = document.add_paragraph()
        for index, option in enumerate(options):
            line.add_run(f"{'ABCD'[index]}．")
            run = line.add_run(option)
            if "ABCD"[index] == answer:
                run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
            line.add_run("　")
        expected.append(answer)
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_bank("题库.docx", buffer.getvalue())
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.answer_mark == "红色字"
    assert [q.answer for q in result.questions] == expected
    assert all(q.stem.startswith("不得") for q in result.questions)
