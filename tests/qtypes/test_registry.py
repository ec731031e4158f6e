"""The question-type registry: every type in one place, and every caller going through it."""
import re
from pathlib import Path

import pytest

from examsite import qtypes
from examsite.exams.taking import ExamineeOption, ExamineeQuestion
from examsite.banks import services
from examsite.banks.parsed import Draft
from examsite.banks.parser import parse_lines, parse_text
from examsite.exams.grading import PARTIAL, Shape, grade, valid_response
from examsite.exams.taking import examinee_view
from examsite.exams.views import shown_item, shown_response
from examsite.models import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[2] / "examsite"


def test_the_four_stored_types_in_display_order_and_choice_declared_only():
    assert list(qtypes.REGISTRY) == ["single", "multiple", "judge", "fill"]
    assert dict(QUESTION_TYPES) == {"single": "单选题", "multiple": "多选题", "judge": "判断题", "fill": "填空题"}
    assert qtypes.get("choice").label == "选择题" and "choice" not in QUESTION_TYPES
    with pytest.raises(KeyError):
        qtypes.get("essay")
    assert qtypes.find(None) is None and qtypes.label_of("essay") == "essay"
    # the most specific heading first: 多项选择 and 单项选择 before the bare 选择
    names = [name for _, name in qtypes.headings()]
    assert names.index("multiple") < names.index("choice") and names.index("single") < names.index("choice")
    assert [k.name for k in qtypes.guessed()] == ["choice", "judge", "fill"]


@pytest.mark.parametrize("name", ["single", "multiple", "judge", "fill"])
def test_each_type_has_a_paper_partial_and_a_response_shape_take_js_reads(name):
    kind = qtypes.get(name)
    question = ExamineeQuestion(1, 7, name, "题干", [ExamineeOption("A", "A", "甲")] if kind.has_options else [], 1, 2.0)
    assert kind.inputs_html(question, None) is not None or (ROOT / "templates" / kind.template).is_file()
    assert kind.response in {"letters", "truth", "text"}
    assert f'"{kind.response}"' in (ROOT / "static" / "take.js").read_text() or kind.response == "letters"


@pytest.mark.parametrize(("text", "qtype", "answer", "again"), [
    ("一、单项选择题\n1. 党员受到留党察看处分期间，没有（ ）。\nA. 表决权\nB. 选举权\nC. 被选举权\nD. 以上都是\n答案：D",
     "single", "D", "D"),
    ("二、多项选择题\n1. 党的纪律处分种类有（ ）。\nA. 警告\nB. 严重警告\nC. 撤销党内职务\nD. 留党察看\n答案：A、B、C、D",
     "multiple", "ABCD", "ABCD"),
    ("三、判断题\n1. 留置时间不得超过三个月。（√）", "judge", True, "正确"),
    ("四、填空题\n1. 党的纪律处分有____种，即警告、严重警告、撤销党内职务、留党察看、____。\n答案：五/5；开除党籍",
     "fill", [["五", "5"], "开除党籍"], "五/5；开除党籍"),
    ("1. 监察机关对涉嫌职务违法的被调查人，可以进行谈话要求说明情况。（对）", "judge", True, "正确"),
    ("选择题\n1. 问责决定应当由（ ）作出。\nA. 有管理权限的党组织\nB. 任何党员\n答案：A", "single", "A", "A"),
])
def test_settle_and_answer_text_round_trip(text, qtype, answer, again):
    result = parse_text(text)
    assert result.errors == [] and len(result.questions) == 1
    question = result.questions[0]
    assert (question.type, question.answer) == (qtype, answer)
    assert services.answer_text(qtype, answer) == again  # the edit form and the bank's Excel
    retyped = parse_lines([(Draft(line=1, declared=qtype, stem=[question.stem], options=question.options,
                                  answer=again), [])])
    assert retyped.errors == [] and retyped.questions[0].answer == answer


def test_choice_under_an_undecided_heading_settles_by_the_answer():
    result = parse_text("一、选择题\n1. 甲（ ）\nA. 一\nB. 二\n答案：A\n2. 乙（ ）\nA. 一\nB. 二\nC. 三\n答案：BC")
    assert [(q.type, q.answer) for q in result.questions] == [("single", "A"), ("multiple", "BC")]


def test_an_answer_in_the_stem_and_another_written_elsewhere_name_both_places():
    draft = Draft(line=3, stem=["不属于党纪处分的是（ B ）。"], options=["警告", "记过", "留党察看"], answer="C",
                  answer_line=40)
    result = parse_lines([(draft, [])], unit="段")
    assert [str(p) for p in result.errors] == ["第 3 段：题干中的答案（B）与第 40 段的答案（C）不一致。"]
    result = parse_lines([(Draft(line=2, stem=["题干（ A ）"], options=["甲", "乙"], answer="B"), [])])
    assert [str(p) for p in result.errors] == ["第 2 行：题干中的答案（A）与答案行（B）不一致。"]
    # the same answer written both ways is no problem, in the judge's words too
    result = parse_text("三、判断题\n1. 党员可以信仰宗教。（F）\n答案：错误")
    assert result.errors == [] and result.questions[0].answer is False


def test_grading_and_shapes_through_the_registry():
    assert grade("multiple", "ABD", "AB", 3, PARTIAL).points == 1.5
    assert grade("multiple", "ABD", "AB", 3).points == 0
    assert valid_response(Shape("essay", 0, 1), ["x"]) is False  # a type no one knows takes nothing
    with pytest.raises(KeyError):
        grade("essay", "x", "x", 1)


def test_review_shows_keys_and_responses_in_the_letters_the_examinee_saw():
    item = {"id": 1, "type": "multiple", "stem": "甲", "options": ["一", "二", "三", "四"], "order": [3, 2, 1, 0],
            "answer": "AB", "points": 2}
    shown_question = shown_item(item)
    assert shown_question.answer == "CD" and [o.text for o in shown_question.options if o.correct] == ["二", "一"]
    assert shown_response(item, "A") == "D" and shown_response(item, None) == "（未作答）"
    fill = {"id": 2, "type": "fill", "stem": "____和____", "options": [], "order": [], "answer": ["纪律", "规矩"],
            "points": 2}
    assert shown_response(fill, ["", "规矩"]) == "（空）；规矩"
    assert examinee_view([fill])[0].blanks == 2


def test_counts_name_every_type():
    result = parse_text("三、判断题\n" + "\n".join(f"{n}. 第{n}句话。（√）" for n in range(1, 31)))
    counts = services.count_types(result.questions)
    assert counts == {"single": 0, "multiple": 0, "judge": 30, "fill": 0}
    assert counts.text == "单选 0，多选 0，判断 30，填空 0"


# Type names written as literals in code that should ask the registry. The parser's section
# headings and the readers are another engineer's; the demo's plans name types on purpose.
CALLERS = ["banks/settle.py", "banks/answers.py", "banks/display.py", "banks/services.py", "exams/grading.py",
           "exams/taking.py", "exams/views.py", "exams/drawing.py", "results/labels.py", "results/export.py",
           "templates/take/paper.html", "templates/banks/preview.html", "templates/take/result.html",
           "templates/banks/_question.html"]
TYPE_LITERAL = re.compile(r"""["'](single|multiple|judge|fill|choice)["'](?!\s*:\s*\{)""")  # not a chart's "fill": {


@pytest.mark.parametrize("path", CALLERS)
def test_no_caller_branches_on_a_type_name(path):
    assert TYPE_LITERAL.findall((ROOT / path).read_text()) == []


def test_inputs_written_in_python_escape_the_bank_text_and_show_the_stored_response():
    """单选、多选、判断 draw their inputs without a template: bank text is escaped, the letters are
    the bank's (never the key's order), and what was stored is checked again."""
    options = [ExamineeOption("C", "A", "<script>alert(1)</script>"), ExamineeOption("A", "B", "甲 & 乙")]
    single = qtypes.get("single").inputs_html(ExamineeQuestion(1, 9, "single", "题", options, 0, 2.0), "A")
    assert "<script>" not in single and "&lt;script&gt;" in single and "甲 &amp; 乙" in single
    assert single.count('type="radio" name="q-9"') == 2
    assert '<input class="form-check-input answer-input" type="radio" name="q-9" id="q-9-A" value="A" checked>' in single
    assert 'id="q-9-C" value="C">' in single and '<label class="form-check-label" for="q-9-C">A. &lt;script' in single
    multiple = qtypes.get("multiple").inputs_html(ExamineeQuestion(2, 10, "multiple", "题", options, 0, 2.0), "AC")
    assert multiple.count('type="checkbox"') == 2 and multiple.count(" checked>") == 2
    assert qtypes.get("multiple").inputs_html(ExamineeQuestion(2, 10, "multiple", "题", options, 0, 2.0), None).count(
        "checked") == 0
    judge = qtypes.get("judge")
    question = ExamineeQuestion(3, 11, "judge", "题", [], 0, 1.0)
    for given, checked in ((True, "true"), (False, "false"), ("true", "true"), (None, None)):
        html = judge.inputs_html(question, given)
        assert html.count('type="radio" name="q-11"') == 2 and ">正确</label>" in html and ">错误</label>" in html
        assert (f'value="{checked}" checked>' in html) if checked else "checked" not in html
