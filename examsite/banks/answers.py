"""Reading answers as banks write them. Pure."""
import re

from .text import fold

JUDGE_TRUE = frozenset({"√", "✓", "✔", "对", "正确", "T"})
JUDGE_FALSE = frozenset({"×", "✗", "✕", "╳", "X", "错", "错误", "F"})
# A fill blank: ____ (any length, full-width too) or an empty （  ）.
BLANK_RE = re.compile(r"_+|\(\s*\)")
_CHOICE_SEPARATORS = re.compile(r"[\s、,;/和及]+")


def parse_choice_answer(text: str) -> str | None:
    """'A、B、C' / 'ACD' / 'A B C' / 'A,C' → 'ABC'; None when it is not option letters."""
    value = _CHOICE_SEPARATORS.sub("", fold(text).strip().rstrip("。.")).upper()
    if not re.fullmatch(r"[A-H]+", value):
        return None
    return "".join(sorted(set(value)))


def parse_judge_answer(text: str) -> bool | None:
    value = fold(text).strip().strip("()").strip().rstrip("。.").upper()
    if value in JUDGE_TRUE or value == "TRUE":
        return True
    if value in JUDGE_FALSE or value == "FALSE":
        return False
    return None


def parse_fill_answer(text: str, blanks: int) -> tuple[list | None, str | None]:
    """One answer per blank, split by ； ; 、, alternatives by /.

    Returns (answer, error). An answer per blank is a string, or a list of alternatives.
    A 、 splits only when that makes the count match: 纪律、规矩 may be one blank's answer.
    """
    folded = fold(text).strip().rstrip("。.")
    parts = re.split(r"\s*;\s*", folded)
    if len(parts) != blanks:
        by_comma = re.split(r"\s*[;、]\s*", folded)
        if len(by_comma) == blanks:
            parts = by_comma
    if len(parts) != blanks:
        return None, f"填空题有 {blanks} 处空，答案却有 {len(parts)} 个（多个空的答案用“；”分开）。"
    # Slice the original so full-width characters inside answers are kept as typed.
    answer, position = [], 0
    for number, part in enumerate(parts, start=1):
        start = folded.index(part, position)
        position = start + len(part)
        original = text.strip()[start:position]
        alternatives = [alt.strip() for alt in re.split(r"[/／]", original) if alt.strip()]
        if not alternatives:
            return None, f"第 {number} 处空的答案为空。"
        answer.append(alternatives[0] if len(alternatives) == 1 else alternatives)
    return answer, None
