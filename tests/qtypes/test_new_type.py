"""A new question type is one class: registered here for the test only, it is read from a
bank, settled, drawn, shown to the examinee, checked, graded and labelled without a line
changed anywhere else, and gone again once unregistered."""
import re
import unicodedata

import pytest
from flask import render_template

from examsite import qtypes
from examsite.banks import services
from examsite.banks.display import shown
from examsite.banks.parsed import Draft
from examsite.banks.parser import parse_lines, parse_text
from examsite.exams.drawing import Section, choose, freeze
from examsite.exams.grading import grade, grade_paper, shape_of, valid_response
from examsite.exams.taking import examinee_view
from examsite.exams.views import shown_item, shown_response
from examsite.models import QUESTION_TYPES
from examsite.qtypes.base import Mark, QuestionType
from examsite.results.labels import key_label, response_label, stored_response_label

_NUMBER = re.compile(r"\d+(\.\d+)?")


def _number(text) -> str | None:
    value = unicodedata.normalize("NFKC", str(text or "")).strip().rstrip("。.个月天年日次人")
    return value if _NUMBER.fullmatch(value) else None


class Number(QuestionType):
    """数字题: a question answered by a number (留置时间不得超过几个月？ 3), typed in one box."""

    name = "number"
    label = "数字题"
    short = "数字"
    heading = re.compile(r"数字")
    heading_rank = 45
    guess_rank = 40  # after 判断 and 填空
    template = "qtypes/fill.html"  # one text input, as a fill question of one blank
    response = "text"

    def guess(self, options, answer_text, stem):
        return not options and _number(answer_text) is not None

    def settle(self, stem, options, answer_text, report):
        if options:
            report.error(f"{self.label}不应有选项。")
        answer = _number(answer_text)
        if answer is None:
            report.error(f"数字题答案“{answer_text}”不是数字。")
        return self.name, answer

    def answer_text(self, answer):
        return answer

    def blanks(self, answer):
        return 1

    def grade(self, key, response, points, scoring):
        given = _number(response[0]) if isinstance(response, list) and response else None
        ok = given is not None and float(given) == float(key)
        return Mark(points if ok else 0.0, ok)

    def shown_answer(self, answer):
        return answer

    def key_label(self, answer):
        return str(answer)


BANK = """1. 监察机关采取留置措施，留置时间不得超过几个月？
答案：3
解析：《监察法》第四十三条：留置时间不得超过三个月。
2. 党员受到留党察看处分，期限最长为几年？
答案：２年
3. 监察机关对涉嫌职务违法的被调查人，可以进行谈话。（√）
"""


@pytest.fixture
def number_type():
    kind = qtypes.register(Number())
    try:
        yield kind
    finally:
        qtypes.unregister("number")


def test_a_registered_type_is_read_settled_graded_and_labelled(number_type, app):
    assert list(QUESTION_TYPES)[-1] == "number" and QUESTION_TYPES["number"] == "数字题"
    assert (number_type.heading, "number") in qtypes.headings()

    # parse → settle: guessed from its answer under no heading, and declared by a reader
    result = parse_text(BANK)
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [("number", "3"), ("number", "2"), ("judge", True)]
    assert result.questions[0].explanation.startswith("《监察法》第四十三条")
    declared = parse_lines([(Draft(line=7, declared="number", stem=["问责条例自哪一年起施行？"], answer="二〇一九"), [])])
    assert [str(p) for p in declared.errors] == ["第 7 行：数字题答案“二〇一九”不是数字。"]
    counts = services.count_types(result.questions)
    assert counts["number"] == 2 and counts.text.endswith("填空 0，数字 2")

    # shown on the bank pages, written back for the edit form and the Excel export
    card = shown(result.questions[0])
    assert (card.type_label, card.answer, card.options) == ("数字题", "3", [])
    assert services.answer_text("number", "3") == "3"

    # drawn, and the examinee's page has what it needs and no key
    pool = [{"id": n, "qtype": q.type, "stem": q.stem, "options": q.options, "answer": q.answer, "regulation": None,
             "difficulty": None, "explanation": q.explanation} for n, q in enumerate(result.questions, start=1)]
    paper = freeze(choose([Section("number", 2, 5.0)], pool, "seed"), {q["id"]: q for q in pool})
    assert sorted(item["id"] for item in paper) == [1, 2] and all(item["order"] == [] for item in paper)
    view = examinee_view(paper)
    assert [q.blanks for q in view] == [1, 1]
    with app.test_request_context():
        html = render_template(number_type.template, q=view[0], given=["4"])
    assert html.count('type="text"') == 1 and 'value="4"' in html and "3" not in re.sub(r'q-\d+', "", html)

    # a response is checked and graded
    item = next(item for item in paper if item["id"] == 1)
    assert shape_of(item).blanks == 1 and valid_response(shape_of(item), ["３"])
    assert not valid_response(shape_of(item), "3") and not valid_response(shape_of(item), ["3", "4"])
    assert grade("number", "3", ["３个月"], 5).points == 5 and grade("number", "3", ["4"], 5).points == 0
    marks = grade_paper(paper, {1: ["3"], 2: ["1"]}, "all_or_nothing", 5)
    assert marks.total == 5 and marks.per_type == {"number": 5} and marks.passed

    # and labelled for results, the workbook and the review page
    assert key_label("number", "3") == "3"
    assert response_label("number", ["3"]) == "3" and stored_response_label("number", '["12"]') == "12"
    assert shown_item(item).answer == "3" and shown_response(item, ["3"]) == "3"


def test_unregistered_it_is_gone(number_type):
    qtypes.unregister("number")
    assert "number" not in QUESTION_TYPES
    with pytest.raises(KeyError):
        qtypes.get("number")
    errors = [str(p) for p in parse_text(BANK).errors]
    assert "第 1 行：无法判断题型：没有选项、没有填空横线，答案也不是对/错。请在题目前加上题型标题（如“一、单项选择题”）。" in errors
    assert key_label("number", "3") == "3"  # an unknown type's key is still written as plain text
