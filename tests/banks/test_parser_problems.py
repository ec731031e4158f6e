"""Every problem is reported with its line and a plain Chinese message; nothing is dropped silently."""
import pytest

from examsite.banks.parser import parse_text


def problems(text: str) -> list[str]:
    return [str(p) for p in parse_text(text).errors]


@pytest.mark.parametrize("text, expected", [
    ("1. 题干（ ）\nA. 甲\nB. 乙", "第 1 行：没有答案。"),
    ("1. 题干（ ）\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n答案：E", "第 1 行：答案 E 没有对应的选项（本题只有 A–D）。"),
    ("一、单项选择题\n1. 题干（ ）\nA. 甲\nB. 乙\n答案：AB", "第 2 行：单选题有 2 个答案（AB）。"),
    ("一、单项选择题\n1. 题干（ ）\n答案：A", "第 2 行：单选题缺少选项。"),
    ("一、单项选择题\n1. 题干（ ）\nA. 甲\n答案：A", "第 2 行：选择题至少要有两个选项。"),
    ("1. 题干（ ）\nA. 甲\nB. 乙\n答案：甲", "第 1 行：答案“甲”不是选项字母（应为 A–H）。"),
    ("三、判断题\n1. 题干。\n答案：也许", "第 2 行：判断题答案“也许”无法识别（应为 √/×、对/错 或 正确/错误）。"),
    ("四、填空题\n1. 题干____和____。\n答案：甲", "第 2 行：填空题有 2 处空，答案却有 1 个（多个空的答案用“；”分开）。"),
    ("四、填空题\n1. 没有空的题干。\n答案：甲", "第 2 行：填空题题干中没有填空处（____ 或（  ））。"),
    ("1. 一句话。\n答案：随便", "第 1 行：无法判断题型：没有选项、没有填空横线，答案也不是对/错。请在题目前加上题型标题（如“一、单项选择题”）。"),
    ("答案：A\n1. 题干。\n答案：对", "第 1 行：这一行前面没有题目（答案、解析、出处须写在题目之后）。"),
    ("1. 题干（ B ）\nA. 甲\nB. 乙\n答案：A", "第 1 行：题干中的答案（B）与第 4 行的答案（A）不一致。"),
    ("1. 题干（ ）\nA. 甲\nB. 乙\n答案：A\n答案：B", "第 5 行：同一题有两处答案。"),
    ("1. 题干（ ）\nA. 甲\nB. 乙\n答案：A\n难度：很怪", "第 1 行：难度“很怪”无法识别（应为 1–5 或 易/中/难）。"),
    ("1. ", "第 1 行：题干为空。"),
    ("1. 题干（ ）\nA. 甲\nB. 乙\nA. 丙\n答案：A", "第 4 行：选项 A 重复出现，可能漏写了题号。"),
])
def test_problem_messages(text, expected):
    assert expected in problems(text)


def test_a_line_that_fits_nowhere_is_an_error():
    text = "1. 题干。\n答案：对\n党员应当如何如何（没有题号的一道题）\n2. 题干二。\n答案：错"
    assert problems(text) == ["第 3 行：无法识别这一行（不是题干、选项、答案或解析，可能漏写了题号）：“党员应当如何如何（没有题号的一道题）”"]


def test_lines_before_the_first_question_are_warnings():
    result = parse_text("某局纪法知识题库\n（内部资料）\n1. 题干。\n答案：对")
    assert result.errors == []
    assert [str(w) for w in result.warnings] == ["第 1 行：未识别为题目，已忽略：“某局纪法知识题库”",
                                               "第 2 行：未识别为题目，已忽略：“（内部资料）”"]


def test_duplicates_within_a_file_are_warnings():
    result = parse_text("1. 党员必须遵守党的纪律。\n答案：对\n2. 党员必须遵守党的纪律 。\n答案：对")
    assert result.errors == [] and len(result.questions) == 2
    assert [str(w) for w in result.warnings] == ["第 3 行：与第 1 行的题目重复。"]


def test_bad_question_does_not_hide_the_next_ones():
    result = parse_text("1. 题干（ ）\nA. 甲\nB. 乙\n2. 题干。\n答案：对\n3. 题干____。\n答案：甲")
    assert [str(e) for e in result.errors] == ["第 1 行：没有答案。"]
    assert [q.line for q in result.questions] == [4, 6]


def test_an_empty_bank_is_an_error():
    assert problems("\n\n标题\n") == ["文件中没有找到任何题目。请检查题号格式（如“1．”“2、”）。"]
