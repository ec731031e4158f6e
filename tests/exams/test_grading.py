"""Grading rules, without a database."""
import pytest

from examsite.exams.grading import PARTIAL, Shape, grade, grade_paper, normalise_fill, shape_of, valid_response


@pytest.mark.parametrize("response, points", [("C", 2), ("c", 2), ("B", 0), ("", 0), (None, 0), (["C"], 0)])
def test_single(response, points):
    assert grade("single", "C", response, 2).points == points


@pytest.mark.parametrize("response, points", [(True, 1), (False, 0), ("true", 0), (None, 0)])
def test_judge(response, points):
    assert grade("judge", True, response, 1).points == points


@pytest.mark.parametrize("response, all_or_nothing, partial", [
    ("ABD", 3, 3), ("DBA", 3, 3), ("AB", 0, 1.5), ("A", 0, 1.5), ("ABC", 0, 0), ("ABCD", 0, 0), ("", 0, 0)])
def test_multiple(response, all_or_nothing, partial):
    assert grade("multiple", "ABD", response, 3).points == all_or_nothing
    assert grade("multiple", "ABD", response, 3, PARTIAL).points == partial


def test_fill_per_blank_with_alternatives_and_normalising():
    key = [["一年", "1年"], "开除党籍"]
    assert grade("fill", key, ["1年", "开除党籍"], 2) .points == 2
    assert grade("fill", key, ["１年。", " 开除 党籍 "], 2).points == 2
    mark = grade("fill", key, ["两年", "开除党籍"], 2)
    assert mark.points == 1 and not mark.correct
    assert grade("fill", key, [], 2).points == 0
    assert grade("fill", ["Ａ级"], ["a级"], 1).points == 1


def test_normalise_fill():
    assert normalise_fill("　党章； ") == "党章"
    assert normalise_fill("ＡＢＣ") == "abc"


def test_grade_paper_totals_per_type_and_pass():
    paper = [
        {"id": 1, "type": "single", "answer": "A", "points": 2},
        {"id": 2, "type": "multiple", "answer": "AB", "points": 3},
        {"id": 3, "type": "judge", "answer": False, "points": 1},
        {"id": 4, "type": "fill", "answer": ["甲", "乙"], "points": 2},
    ]
    result = grade_paper(paper, {1: "A", 2: "A", 3: False, 4: ["甲", "丙"]}, "partial", 6)
    assert result.per_type == {"single": 2, "multiple": 1.5, "judge": 1, "fill": 1}
    assert result.total == 5.5 and not result.passed
    assert grade_paper(paper, {1: "A", 2: "AB", 3: False, 4: ["甲", "丙"]}, "all_or_nothing", 6).passed


def test_valid_response_shapes():
    item = {"type": "fill", "options": [], "answer": ["x", "y"]}
    assert shape_of(item) == Shape("fill", 0, 2)
    assert shape_of({"type": "single", "options": ["甲", "乙", "丙"], "answer": "B"}) == Shape("single", 3, 0)
    single, multiple, judge = Shape("single", 3, 0), Shape("multiple", 3, 0), Shape("judge", 0, 0)
    assert valid_response(single, "B") and not valid_response(single, "AB")
    assert not valid_response(single, "D") and valid_response(multiple, "AC") and not valid_response(multiple, "AD")
    assert valid_response(judge, False) and not valid_response(judge, "对")
    assert valid_response(shape_of(item), ["a", "b"]) and not valid_response(shape_of(item), ["a", "b", "c"])
    assert valid_response(shape_of(item), None)
