"""Grading answers: each question type grades its own (examsite.qtypes), looked up by type. Pure."""
from dataclasses import dataclass

from .. import qtypes
from ..qtypes.base import ALL_OR_NOTHING, PARTIAL, Mark, Shape
from ..qtypes.fill import normalise_fill

__all__ = ["ALL_OR_NOTHING", "PARTIAL", "Mark", "PaperResult", "Shape", "grade", "grade_paper", "normalise_fill",
           "shape_of", "valid_response"]


def grade(qtype: str, key, response, points: float, scoring: str = ALL_OR_NOTHING) -> Mark:
    if response is None:
        return Mark(0.0, False)
    return qtypes.get(qtype).grade(key, response, points, scoring)


@dataclass
class PaperResult:
    marks: dict[int, Mark]
    per_type: dict[str, float]
    total: float
    passed: bool


def grade_paper(paper: list[dict], responses: dict[int, object], scoring: str, pass_mark: float) -> PaperResult:
    marks, per_type = {}, {}
    for item in paper:
        mark = grade(item["type"], item["answer"], responses.get(item["id"]), float(item["points"]), scoring)
        marks[item["id"]] = mark
        per_type[item["type"]] = round(per_type.get(item["type"], 0.0) + mark.points, 2)
    total = round(sum(m.points for m in marks.values()), 2)
    return PaperResult(marks, per_type, total, total >= pass_mark)


def shape_of(item: dict) -> Shape:
    """What a response to a paper item must look like (its type, how many options, how many blanks)."""
    return qtypes.get(item["type"]).shape(item)


def valid_response(shape: Shape, response) -> bool:
    """Whether a response has the shape its question takes (None clears an answer)."""
    if response is None:
        return True
    kind = qtypes.find(shape.qtype)
    return kind is not None and kind.valid_response(shape, response)
