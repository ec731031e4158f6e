"""Settling a draft: its type and answer decided, every problem reported. Pure."""
import re

from .answers import (
    BLANK_RE, JUDGE_FALSE, JUDGE_TRUE, parse_choice_answer, parse_fill_answer, parse_judge_answer,
)
from .parsed import LETTERS, TYPE_NAMES, Draft, ParseResult, Problem, Question
from .text import fold

# An answer written into the stem: （ B ） （ABCD） （√） （ 对 ）.
INLINE_CHOICE_RE = re.compile(r"\(\s*([A-H](?:\s*[、,]?\s*[A-H])*)\s*\)")
INLINE_JUDGE_RE = re.compile(
    r"\(\s*(" + "|".join(re.escape(m) for m in sorted(JUDGE_TRUE | JUDGE_FALSE, key=len, reverse=True))
    + r")\s*\)"
)
EMPTY_PARENS = "（  ）"
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3,
                    "适中": 3, "较难": 4, "难": 5, "困难": 5}


def settle(draft: Draft, result: ParseResult) -> Question | None:
    """Decide the type and answer of a draft, reporting every problem. None when it has errors."""
    line = draft.line
    errors_before = len(result.errors)

    def error(message):
        result.errors.append(Problem(line, message))

    stem = "\n".join(part for part in draft.stem if part).strip()
    options = [option.strip() for option in draft.options]
    answer_text = draft.answer.strip() if draft.answer is not None else None

    # An answer written into the stem is taken out, leaving an empty （  ）.
    if options:
        stem, inline = _take_inline(stem, INLINE_CHOICE_RE)
    else:
        stem, inline = _take_inline(stem, INLINE_JUDGE_RE)
    if inline is not None:
        if answer_text is not None and answer_text.strip() and _answers_differ(answer_text, inline):
            error(f"题干中的答案（{inline}）与答案行（{answer_text}）不一致。")
        answer_text = answer_text or inline

    if not stem:
        error("题干为空。")
    if answer_text is None or not answer_text.strip():
        error("没有答案。")
        return None
    qtype = _decide_type(draft.declared, options, answer_text, stem)
    if qtype is None:
        error("无法判断题型：没有选项、没有填空横线，答案也不是对/错。请在题目前加上题型标题（如“一、单项选择题”）。")
        return None

    answer: object = None
    if qtype in ("single", "multiple", "choice"):
        if not options:
            error(f"{TYPE_NAMES.get(qtype, '选择题')}缺少选项。")
        elif len(options) < 2:
            error("选择题至少要有两个选项。")
        for index, text in enumerate(options):
            if not text:
                error(f"选项 {LETTERS[index]} 没有内容。")
        letters = parse_choice_answer(answer_text)
        if letters is None:
            error(f"答案“{answer_text}”不是选项字母（应为 A–H）。")
        elif options:
            beyond = [letter for letter in letters if LETTERS.index(letter) >= len(options)]
            if beyond:
                error(f"答案 {''.join(beyond)} 没有对应的选项（本题只有 A–{LETTERS[len(options) - 1]}）。")
            if qtype == "choice":
                qtype = "single" if len(letters) == 1 else "multiple"
            if qtype == "single" and len(letters) > 1:
                error(f"单选题有 {len(letters)} 个答案（{letters}）。")
            if qtype == "multiple" and len(letters) == 1:
                result.warnings.append(Problem(line, "多选题只有一个正确答案，请确认。"))
        answer = letters
    elif qtype == "judge":
        if options:
            error("判断题不应有选项。")
        answer = parse_judge_answer(answer_text)
        if answer is None:
            error(f"判断题答案“{answer_text}”无法识别（应为 √/×、对/错 或 正确/错误）。")
    else:  # fill
        blanks = len(BLANK_RE.findall(fold(stem)))
        if options:
            error("填空题不应有选项。")
        if blanks == 0:
            error("填空题题干中没有填空处（____ 或（  ））。")
        else:
            answer, message = parse_fill_answer(answer_text, blanks)
            if message:
                error(message)

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


def _decide_type(declared, options, answer_text, stem) -> str | None:
    if declared is not None:
        return declared
    if options:
        return "choice"
    if answer_text is not None and parse_judge_answer(answer_text) is not None:
        return "judge"
    if BLANK_RE.search(fold(stem)):
        return "fill"
    return None


def _take_inline(stem: str, pattern: re.Pattern) -> tuple[str, str | None]:
    """Remove the last inline answer from the stem; returns the stem and the answer text."""
    matches = list(pattern.finditer(fold(stem)))
    if not matches:
        return stem, None
    match = matches[-1]
    return stem[:match.start()] + EMPTY_PARENS + stem[match.end():], stem[match.start(1):match.end(1)]


def _answers_differ(a: str, b: str) -> bool:
    letters_a, letters_b = parse_choice_answer(a), parse_choice_answer(b)
    if letters_a is not None or letters_b is not None:
        return letters_a != letters_b
    return parse_judge_answer(a) != parse_judge_answer(b)


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
