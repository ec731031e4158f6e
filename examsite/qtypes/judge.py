"""判断题: a statement, right or wrong. Never shuffled; a response is true or false."""
import re

from markupsafe import Markup

from ..banks.text import fold
from .base import FALSE_LABEL, TRUE_LABEL, Mark, QuestionType, ShownOption, input_row, judge_label, plain

JUDGE_TRUE = frozenset({"√", "✓", "✔", "对", "正确", "T"})
JUDGE_FALSE = frozenset({"×", "✗", "✕", "╳", "X", "错", "错误", "F"})


def parse_judge_answer(text: str) -> bool | None:
    value = fold(text).strip().strip("()").strip().rstrip("。.").upper()
    if value in JUDGE_TRUE or value == "TRUE":
        return True
    if value in JUDGE_FALSE or value == "FALSE":
        return False
    return None


# An answer written into the stem: （√） （ 对 ）.
INLINE_JUDGE_RE = re.compile(
    r"\(\s*(" + "|".join(re.escape(m) for m in sorted(JUDGE_TRUE | JUDGE_FALSE, key=len, reverse=True))
    + r")\s*\)"
)


class Judge(QuestionType):
    name = "judge"
    label = "判断题"
    short = "判断"
    heading = re.compile(r"判断")
    heading_rank = 30
    guess_rank = 20
    inline = INLINE_JUDGE_RE
    response = "truth"

    def guess(self, options, answer_text, stem):
        return answer_text is not None and parse_judge_answer(answer_text) is not None

    def answers_differ(self, a, b):
        return parse_judge_answer(a) != parse_judge_answer(b)

    def inputs_html(self, q, given) -> Markup:
        chosen = None if given is None else str(given).lower()  # stored true/false; "true" from an old page
        return Markup("".join(input_row("radio", f"q-{q.id}", value, chosen == value, label,
                                        "form-check form-check-inline option")
                              for value, label in (("true", TRUE_LABEL), ("false", FALSE_LABEL))))

    def settle(self, stem, options, answer_text, report):
        if options:
            report.error(f"{self.label}不应有选项。")
        answer = parse_judge_answer(answer_text)
        if answer is None:
            report.error(f"判断题答案“{answer_text}”无法识别（应为 √/×、对/错 或 正确/错误）。")
        return self.name, answer

    def answer_text(self, answer):
        return judge_label(answer)

    def valid_response(self, shape, response):
        return isinstance(response, bool)

    def grade(self, key, response, points, scoring):
        ok = isinstance(response, bool) and response is key
        return Mark(points if ok else 0.0, ok)

    def shown_options(self, options, answer):
        return [ShownOption("", "正确", answer is True), ShownOption("", "错误", answer is False)]

    def shown_answer(self, answer):
        return judge_label(answer)

    def key_label(self, answer):
        return judge_label(answer) if isinstance(answer, bool) else plain(answer)

    def seen_response(self, order, response):
        return judge_label(response)


TYPE = Judge()
