"""How a question looks on a page: the same shape for a parsed question and a stored one."""
from dataclasses import dataclass

from ..models import QUESTION_TYPES, Question
from .parsed import LETTERS
from .parsed import Question as ParsedQuestion


@dataclass
class ShownOption:
    label: str
    text: str
    correct: bool


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


def shown(question: Question | ParsedQuestion) -> ShownQuestion:
    if isinstance(question, Question):
        qtype, source, line = question.qtype, question.regulation, question.source_line
    else:
        qtype, source, line = question.type, question.source, question.line
    answer = question.answer
    if qtype == "judge":
        options = [ShownOption("", "正确", answer is True), ShownOption("", "错误", answer is False)]
        answer_label = "正确" if answer else "错误"
    elif qtype == "fill":
        options = []
        answer_label = "；".join(
            f"第{n}空：" + (a if isinstance(a, str) else " 或 ".join(a)) for n, a in enumerate(answer, start=1))
    else:
        options = [ShownOption(LETTERS[i], text, LETTERS[i] in answer) for i, text in enumerate(question.options)]
        answer_label = answer
    return ShownQuestion(qtype, QUESTION_TYPES[qtype], question.stem, options, answer_label,
                         question.explanation, source, line)
