"""Grading answers: one grader per question type, looked up by type. Pure."""
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from ..banks.parsed import LETTERS

ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"
_TRAILING = re.compile(r"[\s。．.，,、;；:：!！?？]+$")


@dataclass(frozen=True)
class Mark:
    points: float
    correct: bool


def normalise_fill(text: str) -> str:
    """Compare fill answers without regard to width, spaces or trailing punctuation."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = re.sub(r"\s+", "", folded)
    return _TRAILING.sub("", folded).lower()


def _letters(response) -> str:
    if not isinstance(response, str):
        return ""
    return "".join(sorted(set(response.upper())))


def grade_single(key, response, points, scoring) -> Mark:
    ok = _letters(response) == key
    return Mark(points if ok else 0.0, ok)


def grade_judge(key, response, points, scoring) -> Mark:
    ok = isinstance(response, bool) and response is key
    return Mark(points if ok else 0.0, ok)


def grade_multiple(key, response, points, scoring) -> Mark:
    """多选、少选、错选均不得分 by default; with partial scoring a correct subset earns half."""
    chosen = set(_letters(response))
    if chosen == set(key):
        return Mark(points, True)
    if scoring == PARTIAL and chosen and chosen < set(key):
        return Mark(points / 2, False)
    return Mark(0.0, False)


def grade_fill(key, response, points, scoring) -> Mark:
    """Each blank earns its share; a blank accepts any of its alternatives."""
    if not key:
        return Mark(0.0, False)
    answers = response if isinstance(response, list) else []
    share, earned, right = points / len(key), 0.0, 0
    for index, accepted in enumerate(key):
        alternatives = [accepted] if isinstance(accepted, str) else accepted
        given = answers[index] if index < len(answers) and isinstance(answers[index], str) else ""
        if given.strip() and normalise_fill(given) in {normalise_fill(a) for a in alternatives}:
            earned += share
            right += 1
    return Mark(round(earned, 2), right == len(key))


GRADERS = {"single": grade_single, "multiple": grade_multiple, "judge": grade_judge, "fill": grade_fill}


def grade(qtype: str, key, response, points: float, scoring: str = ALL_OR_NOTHING) -> Mark:
    if response is None:
        return Mark(0.0, False)
    return GRADERS[qtype](key, response, points, scoring)


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


class Shape(NamedTuple):
    """What a response to a question must look like: its type, how many options, how many blanks."""
    qtype: str
    options: int
    blanks: int


def shape_of(item: dict) -> Shape:
    return Shape(item["type"], len(item["options"]), len(item["answer"]) if item["type"] == "fill" else 0)


def valid_response(shape: Shape, response) -> bool:
    """Whether a response has the shape its question takes (None clears an answer)."""
    if response is None:
        return True
    if shape.qtype in ("single", "multiple"):
        letters = LETTERS[:shape.options]
        return isinstance(response, str) and 0 < len(response) <= len(letters) and set(response) <= set(letters) \
            and (shape.qtype == "multiple" or len(response) == 1)
    if shape.qtype == "judge":
        return isinstance(response, bool)
    return isinstance(response, list) and len(response) <= shape.blanks \
        and all(isinstance(r, str) and len(r) <= 200 for r in response)
