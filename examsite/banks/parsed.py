"""What reading a bank produces: lines in, drafts on the way, questions and problems out. Pure."""
from dataclasses import dataclass, field

from .text import fingerprint

LETTERS = "ABCDEFGH"


@dataclass
class Line:
    """One line of a bank: its number in the file (line, or paragraph of a .docx) and text.

    ``numbered`` is set by the .docx reader when Word's automatic list numbering, which is
    not part of the text, marks the paragraph as a 'question', an 'option' or a 'section'.
    """

    number: int
    text: str
    numbered: str | None = None
    #: spans of ``text`` set apart by formatting, as (start, end, mark) with mark a name such
    #: as "红色字" or "加粗下划线"; set by the .docx reader, used to read answers marked so
    marks: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Problem:
    line: int
    message: str
    #: what ``line`` counts: 行 in a text file, 段 (paragraphs) in a Word file
    unit: str = "行"
    #: where it is when ``line`` alone does not say it: 工作表“多选题”第 7 行, 表格第 5 行
    place: str = ""

    def __str__(self) -> str:
        if self.place:
            return f"{self.place}：{self.message}"
        return f"第 {self.line} {self.unit}：{self.message}" if self.line else self.message


@dataclass
class Question:
    type: str
    stem: str
    options: list[str]
    answer: object
    explanation: str | None
    source: str | None
    points: float | None
    line: int
    difficulty: int | None = None
    #: where it is when ``line`` alone does not say it (工作表“多选题”第 7 行)
    place: str = ""

    def to_json(self) -> dict:
        return {"type": self.type, "stem": self.stem, "options": self.options, "answer": self.answer,
                "explanation": self.explanation, "source": self.source, "points": self.points,
                "line": self.line, **({"place": self.place} if self.place else {})}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.stem, self.options)


@dataclass
class Rejected:
    """A question found but not taken for its errors, kept so the preview can show it where
    it is, marked."""

    line: int
    stem: str
    options: list[str]
    answer: str | None
    place: str = ""

    def to_json(self) -> dict:
        return {"line": self.line, "stem": self.stem, "options": self.options, "answer": self.answer,
                **({"place": self.place} if self.place else {})}


@dataclass
class ParseResult:
    questions: list[Question] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: what the line numbers count (行 or 段)
    unit: str = "行"
    #: the questions found with errors, in file order
    rejected: list[Rejected] = field(default_factory=list)
    #: the formatting taken for the right answers (e.g. "红色字") when a bank marks them so and
    #: writes no letters; the admin is asked to confirm it (``answer_mark_notice``)
    answer_mark: str | None = None

    @property
    def answer_mark_notice(self) -> str | None:
        if self.answer_mark is None:
            return None
        return f"正确答案按{self.answer_mark}识别，请核对后确认导入。"

    def to_json(self) -> dict:
        marked = {"answer_mark": self.answer_mark} if self.answer_mark else {}
        return {
            **marked,
            "unit": self.unit,
            "questions": [q.to_json() for q in self.questions],
            "rejected": [r.to_json() for r in self.rejected],
            "errors": [_problem_json(p) for p in self.errors],
            "warnings": [_problem_json(p) for p in self.warnings],
        }


def _problem_json(problem: Problem) -> dict:
    found = {"line": problem.line, "message": problem.message}
    if problem.place:
        found["place"] = problem.place
    return found


@dataclass
class Draft:
    """A question as read so far, before its type and answer are settled."""

    line: int
    declared: str | None = None  # the section's type
    points: float | None = None
    stem: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    answer: str | None = None
    answer_line: int | None = None
    explanation: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    difficulty: str | None = None
    #: the number typed before the question (1 for "1．", 3 for "三、"); None for Word's own
    #: list numbering, which is not in the text
    number: int | None = None
    #: which section heading of the paper the question is under (0 for the first), None before any
    section: int | None = None
    #: for each option, the formatting marks (Line.marks names) that cover all of its text
    option_marks: list[frozenset[str]] = field(default_factory=list)
    #: where it is when ``line`` alone does not say it (a row of a sheet or a table)
    place: str = ""
