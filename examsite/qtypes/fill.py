"""填空题: blanks (____ or （  ）) in the stem, an answer per blank with accepted alternatives;
each blank earns its share, compared without regard to width, spaces or trailing punctuation."""
import re
import unicodedata

from ..banks.text import fold
from .base import BLANKS, Mark, QuestionType, blank_label

# A fill blank: ____ (any length, full-width too) or an empty （  ）.
BLANK_RE = re.compile(r"_+|\(\s*\)")
_TRAILING = re.compile(r"[\s。．.，,、;；:：!！?？]+$")


def normalise_fill(text: str) -> str:
    """Compare fill answers without regard to width, spaces or trailing punctuation."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = re.sub(r"\s+", "", folded)
    return _TRAILING.sub("", folded).lower()


def parse_fill_answer(text: str, blanks: int) -> tuple[list | None, str | None]:
    """One answer per blank, split by ； ; (or 、 ， or spaces when that makes the count match),
    alternatives by /.

    Returns (answer, error). An answer per blank is a string, or a list of alternatives.
    """
    folded = fold(text).strip().rstrip("。.")
    parts = re.split(r"\s*;\s*", folded)
    # 、 then ， then spaces split only when that makes the count match: 纪律、规矩 or
    # 先公后私，克己奉公 may be one blank's answer
    for separators in (r"\s*[;、]\s*", r"\s*[;、,]\s*", r"\s*[;、,\s]\s*"):
        if len(parts) == blanks:
            break
        split = re.split(separators, folded)
        if len(split) == blanks:
            parts = split
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


class Fill(QuestionType):
    name = "fill"
    label = "填空题"
    short = "填空"
    heading = re.compile(r"填空")
    heading_rank = 40
    guess_rank = 30
    response = "text"

    def guess(self, options, answer_text, stem):
        return BLANK_RE.search(fold(stem)) is not None

    def settle(self, stem, options, answer_text, report):
        blanks = len(BLANK_RE.findall(fold(stem)))
        if options:
            report.error(f"{self.label}不应有选项。")
        answer = None
        if blanks == 0:
            report.error("填空题题干中没有填空处（____ 或（  ））。")
        else:
            answer, message = parse_fill_answer(answer_text, blanks)
            if message:
                report.error(message)
        return self.name, answer

    def answer_text(self, answer):
        return BLANKS.join(a if isinstance(a, str) else "/".join(a) for a in answer)

    def blanks(self, answer):
        return len(answer)

    def grade(self, key, response, points, scoring):
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

    def shown_answer(self, answer):
        return BLANKS.join(
            f"第{n}空：" + (a if isinstance(a, str) else " 或 ".join(a)) for n, a in enumerate(answer, start=1))

    def key_label(self, answer):
        blanks = answer if isinstance(answer, (list, tuple)) else [answer]
        return BLANKS.join(blank_label(b) for b in blanks)


TYPE = Fill()
