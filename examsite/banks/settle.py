"""Settling a draft: its type and answer decided, every problem reported. Pure.

What is read and checked depends on the type, and each type (examsite.qtypes) says it; here
is what every question shares: the inline answer taken out of the stem, the stem, the answer,
which type an undeclared question is, and its difficulty.
"""
from .. import qtypes
from ..qtypes.base import Report
from ..qtypes.lettered import INLINE_CHOICE_RE  # noqa: F401 (the parser reads it from here)
from .parsed import Draft, ParseResult, Problem, Question
from .text import fold

EMPTY_PARENS = "（  ）"
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3,
                    "适中": 3, "较难": 4, "难": 5, "困难": 5}


class _Problems(Report):
    def __init__(self, result: ParseResult, line: int):
        self.result, self.line = result, line

    def error(self, message: str) -> None:
        self.result.errors.append(Problem(self.line, message))

    def warning(self, message: str) -> None:
        self.result.warnings.append(Problem(self.line, message))


def settle(draft: Draft, result: ParseResult) -> Question | None:
    """Decide the type and answer of a draft, reporting every problem. None when it has errors."""
    line = draft.line
    errors_before = len(result.errors)
    report = _Problems(result, line)
    error = report.error

    stem = "\n".join(part for part in draft.stem if part).strip()
    options = [option.strip() for option in draft.options]
    answer_text = draft.answer.strip() if draft.answer is not None else None

    # An answer written into the stem is taken out, leaving an empty （  ）.
    stem, inline, reader = take_inline(stem, bool(options))
    if inline is not None:
        if answer_text is not None and answer_text.strip() and reader.answers_differ(answer_text, inline):
            error(f"题干中的答案（{inline}）与{_answer_place(draft, result)}不一致。")
        answer_text = answer_text or inline

    if not stem:
        error("题干为空。")
    if answer_text is None or not answer_text.strip():
        error("没有答案。")
        return None
    kind = _decide_type(draft.declared, options, answer_text, stem)
    if kind is None:
        error("无法判断题型：没有选项、没有填空横线，答案也不是对/错。请在题目前加上题型标题（如“一、单项选择题”）。")
        return None
    qtype, answer = kind.settle(stem, options, answer_text, report)

    difficulty = _difficulty(draft.difficulty)
    if draft.difficulty is not None and difficulty is None:
        error(f"难度“{draft.difficulty}”无法识别（应为 1–5 或 易/中/难）。")
    if len(result.errors) > errors_before:
        return None
    return Question(
        type=qtype, stem=stem, options=options, answer=answer,
        explanation="\n".join(draft.explanation).strip() or None,
        source="\n".join(draft.source).strip() or None,
        points=draft.points, line=line, difficulty=difficulty,
    )


def _answer_place(draft: Draft, result: ParseResult) -> str:
    """Where the draft's answer was written: 第 12 段的答案（C）, a key at the end of the paper too."""
    answer = draft.answer.strip()
    if draft.answer_line:
        return f"第 {draft.answer_line} {result.unit}的答案（{answer}）"
    return f"答案行（{answer}）"


def _decide_type(declared, options, answer_text, stem) -> qtypes.QuestionType | None:
    kind = qtypes.find(declared)
    if kind is not None:
        return kind
    return next((k for k in qtypes.guessed() if k.guess(options, answer_text, stem)), None)


def take_inline(stem: str, has_options: bool) -> tuple[str, str | None, qtypes.QuestionType | None]:
    """Remove the last inline answer from the stem: the stem, the answer text and the type that
    reads it (the choice types' （ B ） with options, the judge's （√） without)."""
    folded = fold(stem)
    for pattern, kind in qtypes.inline_patterns(has_options):
        matches = list(pattern.finditer(folded))
        if matches:
            match = matches[-1]
            return stem[:match.start()] + EMPTY_PARENS + stem[match.end():], stem[match.start(1):match.end(1)], kind
    return stem, None, None


def _difficulty(text: str | None) -> int | None:
    if text is None:
        return None
    value = fold(text).strip().rstrip("。.")
    if value.isdigit() and 1 <= int(value) <= 5:
        return int(value)
    if value and set(value) <= {"★", "☆"}:
        stars = value.count("★")
        return stars if 1 <= stars <= 5 else None
    return DIFFICULTY_WORDS.get(value)
