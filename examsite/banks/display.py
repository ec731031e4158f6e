"""How a question looks on a page: the same shape for a parsed question and a stored one.
Each question type (examsite.qtypes) says how its options and key are shown."""
from dataclasses import dataclass

from .. import qtypes
from ..models import Question
from ..qtypes.base import ShownOption
from .parsed import Question as ParsedQuestion

__all__ = ["ShownOption", "ShownQuestion", "shown"]


@dataclass
class ShownQuestion:
    type: str
    type_label: str
    stem: str
    options: list[ShownOption]
    answer: str
    explanation: str | None
    source: str | None
    line: int | None
    #: where in the file, when the line alone does not say it (a sheet's row)
    place: str = ""


def shown(question: Question | ParsedQuestion) -> ShownQuestion:
    if isinstance(question, Question):
        qtype, source, line, place = question.qtype, question.regulation, question.source_line, ""
    else:
        qtype, source, line, place = question.type, question.source, question.line, question.place
    kind = qtypes.get(qtype)
    return ShownQuestion(qtype, kind.label, question.stem, kind.shown_options(question.options, question.answer),
                         kind.shown_answer(question.answer), question.explanation, source, line, place)
