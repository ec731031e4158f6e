"""Keys and responses as people read them: on the item-analysis page, in the 试题分析 sheet,
and from the label functions themselves."""
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from examsite.models import Question
from examsite.results import services
from examsite.results.labels import key_label, response_label, stored_response_label

from ..factories import PASSWORD

TWO_BLANKS = [["五", "5"], "纪律"]


@pytest.mark.parametrize(("qtype", "answer", "shown"), [
    ("fill", [["五", "5"], "纪律"], "五 / 5；纪律"),
    ("fill", ["答6"], "答6"),
    ("fill", [["五", "5", "伍"]], "五 / 5 / 伍"),
    ("fill", "五", "五"),
    ("judge", True, "正确"),
    ("judge", False, "错误"),
    ("single", "a", "A"),
    ("multiple", "CA", "AC"),
    ("fill", [], ""),
])
def test_keys_read_as_text(qtype, answer, shown):
    assert key_label(qtype, answer) == shown
    assert services.answer_label(qtype, answer) == shown


@pytest.mark.parametrize(("qtype", "response", "shown"), [
    ("fill", ["五", "纪律"], "五；纪律"),
    ("fill", ["", "纪律"], "（空）；纪律"),
    ("fill", ["", " "], "（未作答）"),
    ("fill", None, "（未作答）"),
    ("judge", True, "正确"),
    ("judge", False, "错误"),
    ("multiple", "ca", "AC"),
    ("single", "", "（未作答）"),
])
def test_responses_read_as_text(qtype, response, shown):
    assert response_label(qtype, response) == shown


def test_stored_responses_are_read_from_json_text():
    assert stored_response_label("fill", '["五", "纪律"]') == "五；纪律"
    assert stored_response_label("judge", "false") == "错误"
    assert stored_response_label("fill", "null") == stored_response_label("fill", None) == "（未作答）"
    assert stored_response_label("fill", "not json") == "not json"
    assert services.choice_label("fill", '["五", "纪律"]') == "五；纪律"


def _no_programmer_output(text: str) -> None:
    for mark in ("[", "]", "'", '"', "True", "False", "None"):
        assert mark not in text, text


def _row_cells(html: str, needle: str) -> list[str]:
    row = next(part for part in html.split("<tr")[1:] if needle in part)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_fill_and_judge_keys_read_as_text_on_the_page_and_in_the_workbook(sat, db, client, auth):
    exam, _ = sat
    fill = db.session.scalar(select(Question).where(Question.qtype == "fill"))
    fill.answer = TWO_BLANKS
    db.session.commit()
    auth.login("admin", PASSWORD)
    html = client.get(f"/exams/{exam.id}/results/items").get_data(as_text=True)

    cells = _row_cells(html, fill.stem)
    assert cells[1] == "填空题" and cells[2] == "五 / 5；纪律"
    assert "答6" in cells[6] and "不知道" in cells[6]  # the responses given, as typed
    _no_programmer_output(cells[2] + cells[6])
    judge = db.session.scalars(select(Question).where(Question.qtype == "judge")).first()
    judge_cells = _row_cells(html, judge.stem)
    assert judge_cells[2] == "正确" and "错误" in judge_cells[6] and "正确" in judge_cells[6]
    multiple = db.session.scalar(select(Question).where(Question.qtype == "multiple"))
    assert _row_cells(html, multiple.stem)[2] == "AC"

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    sheet = book["试题分析"]
    assert [c.value for c in sheet[2]][:3] == ["题目", "题型", "标准答案"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[fill.stem][1:3] == ("填空题", "五 / 5；纪律")
    assert "不知道" in rows[fill.stem][10]
    _no_programmer_output(rows[fill.stem][2] + rows[fill.stem][10])
    assert rows[judge.stem][2] == "正确" and "错误" in rows[judge.stem][10]
    assert rows[multiple.stem][2] == "AC"
